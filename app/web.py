"""Template engine set-up and the small helpers every page uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app import i18n
from app.labels import LABELS
from app.security import home_for
from app.settings import ROOT, get_settings

TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


def local_tz() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def utc_now() -> dt.datetime:
    """Now, as the database stores times; pages turn it into company time with `localtime`."""
    return dt.datetime.now(dt.timezone.utc)


def localtime(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(local_tz()).strftime(fmt)


def form_without_password(form: dict) -> dict:
    # A password typed into a form that failed validation is never sent back into the page.
    return {key: value for key, value in form.items() if "password" not in key}


def current_user(request: Any) -> Any:
    return request.scope.get("user")


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        current_user=current_user,
        form_without_password=form_without_password,
        home_for=home_for,
        get_locale=i18n.get_locale,
        locales=i18n.LOCALES,
        **LABELS,
    )
    env.filters["localtime"] = localtime
    env.trim_blocks = True
    env.lstrip_blocks = True


def template_config(directory: Path = TEMPLATES_DIR) -> TemplateConfig:
    return TemplateConfig(directory=directory, engine=JinjaTemplateEngine, engine_callback=_configure)
