"""Shared by the resident's and the desk's report forms: reading uploads and building the page context."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from litestar import Request
from litestar.datastructures import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Ticket
from app.services import company_settings, intake, photos, staff
from app.services.intake import Context
from app.services.validation import FormErrors
from app.web import local_tz


@dataclass
class ReportForm:
    fields: dict[str, str]
    photos: list[photos.CheckedPhoto]  # new uploads that passed the check, then ones kept from a failed submit
    problem: str | None
    upload_dir: Path

    def keep_photos(self) -> list[str]:
        """After a failed submit: stash the good photos and return the tokens the form carries back."""
        return [photos.stash(photo, self.upload_dir) for photo in self.photos]


async def read_report_form(request: Request) -> ReportForm:
    form = await request.form()
    fields = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k not in {"_csrf_token", "kept_photo"}}
    uploads = []
    for value in form.getall("photos") if "photos" in form else []:
        if isinstance(value, UploadFile) and value.filename:
            uploads.append((value.filename, await value.read()))
    upload_dir = Path(request.app.state.settings.upload_dir)
    accepted, problem = photos.check(uploads)
    kept = photos.unstash(form.getall("kept_photo") if "kept_photo" in form else [], upload_dir)
    return ReportForm(fields, kept + accepted, problem, upload_dir)


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


async def form_page_context(db: AsyncSession, form: dict, errors: dict, duplicates: list | None = None,
                            kept_photos: list[str] | None = None) -> dict:
    return {
        "kept_photos": kept_photos or [],
        "form": {"idempotency_key": secrets.token_urlsafe(16), **form},
        "errors": errors,
        "duplicates": duplicates or [],
        "trades": [t for t in await staff.trades(db) if not t.verbal_only],
        "today": dt.datetime.now(local_tz()).date(),
    }




@dataclass
class Submitted:
    """A report form's fate: the ticket made, or what the re-rendered form needs."""

    ticket: Ticket | None
    form: dict[str, str]
    errors: dict[str, str]
    duplicates: list
    kept_photos: list[str]


async def submit_report(request: Request, db: AsyncSession) -> Submitted:
    """Register the posted report; on a refusal roll back and keep the typed fields and good photos."""
    report = await read_report_form(request)
    try:
        ticket = await intake.create_report(db, report.fields, report.photos, report.problem, await intake_context(request, db))
    except FormErrors as exc:
        await db.rollback()
        return Submitted(None, report.fields, exc.errors, [], report.keep_photos())
    except intake.DuplicatesFound as exc:
        await db.rollback()
        return Submitted(None, report.fields, {}, exc.candidates, report.keep_photos())
    return Submitted(ticket, report.fields, {}, [], [])
