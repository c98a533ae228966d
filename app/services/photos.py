"""Photo uploads: checked by content (not by name), stored under random names, with a thumbnail."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.i18n import gettext as _

MAX_PHOTOS = 6
MAX_BYTES = 10 * 1024 * 1024
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
THUMB_SIZE = (320, 320)


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    content_type: str
    extension: str


def check(uploads: list[tuple[str, bytes]]) -> tuple[list[CheckedPhoto], str | None]:
    """Return the acceptable photos and one message for everything refused (or None)."""
    uploads = [(name, data) for name, data in uploads if data]
    problems: list[str] = []
    if len(uploads) > MAX_PHOTOS:
        problems.append(_("At most %(n)s photos.", n=MAX_PHOTOS))
        uploads = uploads[:MAX_PHOTOS]
    accepted = []
    for name, data in uploads:
        if len(data) > MAX_BYTES:
            problems.append(_("%(name)s is larger than 10 MB.", name=name))
            continue
        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            kind = None
        if kind not in FORMATS:
            problems.append(_("%(name)s is not a JPEG, PNG or WebP photo.", name=name))
            continue
        content_type, extension = FORMATS[kind]
        accepted.append(CheckedPhoto(data, content_type, extension))
    return accepted, (" ".join(problems) or None)


PENDING = "pending"
_TOKEN_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_EXTENSIONS = {extension: content_type for content_type, extension in FORMATS.values()}


def stash(photo: CheckedPhoto, upload_dir: Path) -> str:
    """Keep an accepted photo of a form that failed, so the resubmitted form need not upload it again."""
    folder = upload_dir / PENDING
    folder.mkdir(parents=True, exist_ok=True)
    token = f"{secrets.token_urlsafe(18)}.{photo.extension}"
    (folder / token).write_bytes(photo.data)
    return token


def unstash(tokens: list[str], upload_dir: Path) -> list[CheckedPhoto]:
    """The stashed photos behind these tokens; anything that is not a token of ours is ignored."""
    photos = []
    for token in tokens[:MAX_PHOTOS]:
        stem, _, extension = token.partition(".")
        if not stem or set(stem) - _TOKEN_CHARS or extension not in _EXTENSIONS:
            continue
        path = upload_dir / PENDING / token
        if path.is_file():
            photos.append(CheckedPhoto(path.read_bytes(), _EXTENSIONS[extension], extension))
    return photos


def store(photo: CheckedPhoto, upload_dir: Path) -> tuple[str, str]:
    """Write the photo and its JPEG thumbnail; return their file names."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_urlsafe(18)
    stored, thumb = f"{stem}.{photo.extension}", f"{stem}.thumb.jpg"
    (upload_dir / stored).write_bytes(photo.data)
    with Image.open(io.BytesIO(photo.data)) as image:
        image = image.convert("RGB")
        image.thumbnail(THUMB_SIZE)
        image.save(upload_dir / thumb, "JPEG", quality=80)
    return stored, thumb
