"""Simplified Chinese first, English second: catalogs, the request's language and the switch.

Message ids are English; `translations/zh_CN` carries the Chinese. The .po files are compiled in
memory at start-up, so there is no build step and no stale .mo file to forget.
"""

from __future__ import annotations

import contextvars
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from litestar.datastructures import Headers

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "lang"

_current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=None)
def translations(locale: str) -> Translations:
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(cookie_value: str | None, accept_language: str | None) -> str:
    if cookie_value in LOCALES:
        return cookie_value
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def locale_from_scope(scope: dict) -> str:
    headers = Headers.from_scope(scope)
    cookie_value = None
    for chunk in headers.get("cookie", "").split(";"):
        name, _, value = chunk.strip().partition("=")
        if name == LANG_COOKIE:
            cookie_value = value
    return negotiate(cookie_value, headers.get("accept-language"))


def set_locale(locale: str) -> contextvars.Token:
    return _current_locale.set(locale)


def get_locale() -> str:
    return _current_locale.get()


def gettext(message: str, **variables: object) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


class LocaleMiddleware:
    """Sets the request's language before anything renders, so `_()` works anywhere in the request."""

    def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] in {"http", "websocket"}:
            locale = locale_from_scope(scope)
            scope.setdefault("state", {})["locale"] = locale
            token = set_locale(locale)
            try:
                await self.app(scope, receive, send)
            finally:
                _current_locale.reset(token)
        else:
            await self.app(scope, receive, send)
