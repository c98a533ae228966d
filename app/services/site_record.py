"""The on-site record: cause, work done, materials and labour at the company's prices, and photos.

Prices come from the settings, never from the form: the technician picks items and quantities. When
the job turns out to be paid, or dearer than the quote the resident accepted, the record becomes the
new quote and work waits for the resident's consent (tech_status.work_blockers).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import Charge, Photo, SiteRecord, Status, Ticket, User
from app.services import notices, photos, quotes
from app.services.company_settings import CompanySettings
from app.services.ticket_actions import guard_version
from app.services.validation import Checker, FormErrors
from app.services.workflow import TransitionError, record

EDITABLE = (Status.ON_SITE, Status.IN_PROGRESS, Status.PAUSED)
MAX_LINES = 20


async def of(db: AsyncSession, ticket: Ticket) -> SiteRecord | None:
    return await db.scalar(select(SiteRecord).where(SiteRecord.ticket_id == ticket.id))


def _lines(codes: list[str], quantities: list[str], items: list[dict], field: str, errors: dict) -> list[quotes.QuoteLine]:
    by_code = {item["code"]: item for item in items}
    lines = []
    for index, (code, raw_qty) in enumerate(list(zip(codes, quantities, strict=False))[:MAX_LINES]):
        if not code:
            continue
        item = by_code.get(code)
        try:
            quantity = Decimal(raw_qty or "1")
            if item is None or not 0 < quantity <= 1000:
                raise InvalidOperation
        except InvalidOperation:
            errors[f"{field}_{index}"] = _("Check the item and quantity.")
            continue
        lines.append(quotes.QuoteLine(code, item["name_zh"], quantity, Decimal(str(item["price"]))))
    return lines


def _stored(lines: list[quotes.QuoteLine]) -> list[dict]:
    return [{"code": line.code, "name": line.name, "quantity": str(line.quantity), "unit_price": str(line.unit_price),
             "amount": str(line.amount)} for line in lines]


async def save(db: AsyncSession, ticket: Ticket, form: dict, lists: dict[str, list[str]], actor: User,
               settings: CompanySettings, now: dt.datetime) -> SiteRecord:
    await guard_version(db, ticket, form)
    if ticket.status not in EDITABLE:
        raise TransitionError(_("The on-site record is written between arrival and completion."))
    check = Checker(form)
    cause = check.text("cause", required=False, max_len=500)
    work_done = check.text("work_done", required=False, max_len=1000)
    charge = form.get("charge", "")
    if charge not in ("free", "paid"):
        check.fail("charge", _("Choose free or paid."))
    materials = _lines(lists.get("material_code", []), lists.get("material_qty", []), settings["materials_catalogue"], "material", check.errors)
    labour = _lines(lists.get("labour_code", []), lists.get("labour_qty", []), settings["fee_schedule"], "labour", check.errors)
    if charge == "paid" and not (materials or labour):
        check.fail("charge", _("A paid repair needs at least one item."))
    check.raise_if_errors()
    total = quotes.total(materials + labour)
    site = await of(db, ticket) or SiteRecord(ticket_id=ticket.id)
    site.cause, site.work_done = cause, work_done
    site.materials, site.labour, site.total, site.updated_by_id = _stored(materials), _stored(labour), float(total), actor.id
    db.add(site)
    ticket.updated_by_id = actor.id
    record(db, ticket, actor, "site_record", at=now, data={"total": str(total), "charge": charge})
    if charge == "paid":
        _requote_if_needed(db, ticket, materials + labour, total, actor, now)
    elif ticket.charge is not Charge.FREE:
        # The technician waives the charge: no quote stands and nobody need consent to one.
        ticket.charge, ticket.quote_lines, ticket.quote_total, ticket.approvals = Charge.FREE, None, None, None
        ticket.consent_at = ticket.consent_by = ticket.consent_channel = None
        record(db, ticket, actor, "charge", at=now, data={"charge": "free"})
    return site


def _requote_if_needed(db: AsyncSession, ticket: Ticket, lines: list[quotes.QuoteLine], total: Decimal, actor: User,
                       now: dt.datetime) -> None:
    agreed = Decimal(str(ticket.quote_total)) if ticket.consent_at and ticket.quote_total is not None else None
    if ticket.charge is Charge.PAID and agreed is not None and total <= agreed:
        return  # within what the resident already accepted
    if ticket.charge is not Charge.PAID:
        ticket.charge = Charge.PAID
        record(db, ticket, actor, "charge", at=now, data={"charge": "paid"})
    ticket.quote_lines, ticket.quote_total = _stored(lines), float(total)
    ticket.approvals, ticket.consent_at, ticket.consent_by, ticket.consent_channel = [], None, None, None
    record(db, ticket, actor, "quoted", at=now, data={"total": str(total), "lines": len(lines), "on_site": True})
    notices.notify(db, ticket.reporter_id, "quote_changed", now, ticket=ticket, data={"total": f"{total:.2f}"})


async def add_photos(db: AsyncSession, ticket: Ticket, stage: str, uploads: list[tuple[str, bytes]], actor: User,
                     upload_dir: Path, now: dt.datetime) -> int:
    if stage not in ("before", "after"):
        raise FormErrors({"stage": _("Choose before or after.")})
    if ticket.status not in (*EDITABLE, Status.COMPLETED):
        raise TransitionError(_("Photos of the work are taken on site."))
    accepted, problem = photos.check(uploads)
    if problem or not accepted:
        raise FormErrors({"photos": problem or _("Choose a photo.")})
    for photo in accepted:
        stored, thumb = photos.store(photo, upload_dir)
        db.add(Photo(ticket_id=ticket.id, uploaded_by_id=actor.id, stage=stage, stored_name=stored, thumb_name=thumb,
                     content_type=photo.content_type, size_bytes=len(photo.data)))
    record(db, ticket, actor, "photos", at=now, data={"n": len(accepted), "stage": stage})
    return len(accepted)
