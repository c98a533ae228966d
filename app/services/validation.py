"""Form checking shared by the services: collect every error at once, keyed by field name."""

from __future__ import annotations

import datetime as dt
import re

from app.i18n import gettext as _

PHONE_RE = re.compile(r"^1\d{10}$")
USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{2,29}$")


class FormErrors(Exception):
    """Raised by a service when a form cannot be saved; nothing has been written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class Checker:
    def __init__(self, form: dict[str, str]) -> None:
        self.form = form
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = True, max_len: int = 100) -> str:
        value = (self.form.get(name) or "").strip()
        if required and not value:
            self.errors[name] = _("Required.")
        elif len(value) > max_len:
            self.errors[name] = _("At most %(n)s characters.", n=max_len)
        return value

    def number(self, name: str, *, low: float, high: float, required: bool = True) -> float | None:
        raw = (self.form.get(name) or "").strip()
        if not raw:
            if required:
                self.errors[name] = _("Required.")
            return None
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = _("Enter a number.")
            return None
        if not low <= value <= high:
            self.errors[name] = _("Must be between %(low)s and %(high)s.", low=low, high=high)
            return None
        return value

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        raw = (self.form.get(name) or "").strip()
        if not raw:
            if required:
                self.errors[name] = _("Required.")
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = _("Enter a date as YYYY-MM-DD.")
            return None

    def clock(self, name: str, *, required: bool = True) -> int | None:
        """A time of day "HH:MM" as minutes from midnight."""
        raw = (self.form.get(name) or "").strip()
        if not raw:
            if required:
                self.errors[name] = _("Required.")
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.errors[name] = _("Enter a time as HH:MM.")
            return None
        return int(match[1]) * 60 + int(match[2])

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def clock_text(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"
