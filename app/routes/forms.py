"""Reading urlencoded and multipart forms the same way in every handler."""

from __future__ import annotations

from litestar import Request

from app.i18n import gettext as _
from app.services.workflow import Conflict
from app.web import localtime


async def form_dict(request: Request) -> dict[str, str]:
    """Single-valued fields as stripped strings; the CSRF token is not a field of the form."""
    form = await request.form()
    return {
        key: value.strip() if isinstance(value, str) else value
        for key, value in form.items()
        if key != "_csrf_token"
    }


def safe_next(target: str | None, fallback: str) -> str:
    # Only same-site paths: "//evil.example" and "https://..." would turn the login into an open redirect,
    # and browsers drop tabs and newlines, so "/\t/evil.example" would become one too.
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(character) < 0x20 for character in target)):
        return target
    return fallback


def conflict_message(exc: Exception) -> str:
    """A refused step in words: who saved first and when, or the state machine's own reason."""
    if isinstance(exc, Conflict):
        return _("This ticket was changed by %(by)s at %(at)s. Reload to see the current version.",
                 by=exc.by, at=localtime(exc.at, "%H:%M:%S"))
    return str(exc)
