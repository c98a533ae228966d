"""Shared by the resident's and the desk's report forms: reading uploads and building the page context."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from litestar import Request
from litestar.datastructures import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from app.services import company_settings, staff
from app.services.intake import Context
from app.web import local_tz


async def read_report_form(request: Request) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    form = await request.form()
    fields = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "_csrf_token"}
    uploads = []
    for value in form.getall("photos") if "photos" in form else []:
        if isinstance(value, UploadFile) and value.filename:
            uploads.append((value.filename, await value.read()))
    return fields, uploads


async def intake_context(request: Request, db: AsyncSession) -> Context:
    settings = await company_settings.load(db)
    app_settings = request.app.state.settings
    return Context(
        actor=request.user,
        settings=settings,
        now=dt.datetime.now(dt.timezone.utc),
        tz=local_tz(),
        upload_dir=Path(app_settings.upload_dir),
    )


async def form_page_context(db: AsyncSession, form: dict, errors: dict, duplicates: list | None = None) -> dict:
    return {
        "form": {"idempotency_key": secrets.token_urlsafe(16), **form},
        "errors": errors,
        "duplicates": duplicates or [],
        "trades": [t for t in await staff.trades(db) if not t.verbal_only],
        "today": dt.datetime.now(local_tz()).date(),
    }


