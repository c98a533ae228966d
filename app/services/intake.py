"""Registering a report (报修申请/受理) from any channel, in one transaction.

Online reports arrive as *new* for the desk to confirm; the desk's own registrations are classified
on the spot. A retried submit finds its ticket by the form's idempotency key; an open ticket for the
same unit and trade (or the same public spot within 48 h) is shown before a second one is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import (
    OPEN_STATUSES,
    Building,
    Channel,
    Occupancy,
    Photo,
    Role,
    Scope,
    Status,
    Ticket,
    Trade,
    Unit,
    Urgency,
    User,
)
from app.services import classify, numbering, photos, repeats, warranty
from app.services.company_settings import CompanySettings
from app.services.validation import PHONE_RE, Checker
from app.services.workflow import record

PUBLIC_CHANNELS = {Channel.SELF_INSPECTION, Channel.PATROL}
DESK_CHANNELS = {Channel.PHONE, Channel.WALK_IN, Channel.SELF_INSPECTION, Channel.PATROL, Channel.RETURN_VISIT}
ACCESS_CHOICES = ("someone_home", "may_enter", "call_first")
PUBLIC_DUPLICATE_WINDOW = dt.timedelta(hours=48)


@dataclass(frozen=True)
class Candidate:
    """A plain copy of a possibly duplicate ticket: it outlives the rolled-back transaction."""

    id: int
    number: str
    status: Status
    description: str
    created_at: dt.datetime


@dataclass
class DuplicatesFound(Exception):
    """Open tickets that may be the same fault; the reporter or clerk must choose."""

    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    actor: User
    settings: CompanySettings
    now: dt.datetime
    tz: ZoneInfo
    upload_dir: Path


def sla_due(urgency: Urgency, settings: CompanySettings, reported_at: dt.datetime, window_start: dt.datetime | None) -> dt.datetime | None:
    minutes = dt.timedelta(minutes=settings.sla_minutes(urgency.value))
    if urgency is Urgency.NORMAL:
        # A normal job's clock runs from the agreed time, not from the call.
        return window_start + minutes if window_start else None
    return reported_at + minutes


async def find_duplicates(db: AsyncSession, *, unit_id: int | None, trade_code: str | None,
                          building_id: int | None, spot: str | None, now: dt.datetime) -> list[Ticket]:
    open_tickets = select(Ticket).where(Ticket.status.in_(OPEN_STATUSES), Ticket.duplicate_of_id.is_(None))
    if unit_id is not None:
        if trade_code is None:
            return []
        stmt = open_tickets.where(Ticket.unit_id == unit_id, Ticket.trade_code == trade_code)
    elif spot:
        stmt = open_tickets.where(
            Ticket.building_id == building_id,
            Ticket.spot == spot,
            Ticket.created_at >= now - PUBLIC_DUPLICATE_WINDOW,
        )
    else:
        return []
    return list(await db.scalars(stmt.order_by(Ticket.created_at)))


async def units_of(db: AsyncSession, user: User) -> list[Unit]:
    return list(await db.scalars(select(Unit).join(Occupancy, Occupancy.unit_id == Unit.id).where(Occupancy.user_id == user.id)))


def _channel(form: dict, actor: User, check: Checker) -> Channel:
    if actor.role is Role.RESIDENT:
        return Channel.ONLINE
    try:
        channel = Channel(form.get("channel", "phone"))
    except ValueError:
        channel = None
    if channel not in DESK_CHANNELS:
        check.fail("channel", _("Choose how the report came in."))
        return Channel.PHONE
    return channel


def _phone(form: dict) -> str:
    return form.get("contact_phone", "").replace(" ", "").replace("-", "")


def _check_caller(form: dict, check: Checker) -> None:
    phone = _phone(form)
    if not phone:
        check.fail("contact_phone", _("Required."))
    elif not PHONE_RE.match(phone):
        check.fail("contact_phone", _("Enter an 11-digit mobile number."))
    if not form.get("contact_name", "").strip():
        check.fail("contact_name", _("Required."))


async def _reporter(db: AsyncSession, form: dict, actor: User, check: Checker, unit: Unit | None) -> User | None:
    """The resident the ticket belongs to; a caller not yet registered becomes a resident."""
    if actor.role is Role.RESIDENT:
        return actor
    phone, name = _phone(form), form.get("contact_name", "").strip()
    existing = await db.scalar(select(User).where(User.phone == phone))
    if existing is not None:
        if existing.role is not Role.RESIDENT:
            check.fail("contact_phone", _("This number belongs to a staff account."))
            return None
        return existing
    if check.errors:
        return None
    resident = User(role=Role.RESIDENT, phone=phone, name=name[:50], password_hash=None)
    db.add(resident)
    await db.flush()
    if unit is not None:
        db.add(Occupancy(user_id=resident.id, unit_id=unit.id, relation="owner" if form.get("relation") != "tenant" else "tenant"))
    return resident


async def _place(db: AsyncSession, form: dict, actor: User, public: bool, check: Checker) -> tuple[Unit | None, Building | None, int | None, str | None]:
    if public:
        building = None
        estate_id = None
        if form.get("building_id", "").isdigit():
            building = await db.get(Building, int(form["building_id"]))
        if form.get("estate_id", "").isdigit():
            estate_id = int(form["estate_id"])
        if building is not None:
            estate_id = building.estate_id
        if estate_id is None:
            check.fail("estate_id", _("Choose the estate."))
        spot = check.text("spot", max_len=100)
        return None, building, estate_id, spot
    unit = await db.get(Unit, int(form["unit_id"])) if form.get("unit_id", "").isdigit() else None
    if unit is None:
        check.fail("unit_id", _("Choose the unit."))
        return None, None, None, None
    if actor.role is Role.RESIDENT and unit.id not in {u.id for u in await units_of(db, actor)}:
        check.fail("unit_id", _("Choose one of your own units."))
        return None, None, None, None
    return unit, unit.building, unit.building.estate_id, None


async def _trade(db: AsyncSession, form: dict, check: Checker) -> str | None:
    code = form.get("trade_code", "")
    if code in {"", "unsure"}:
        return None
    trade = await db.scalar(select(Trade).where(Trade.code == code))
    if trade is None:
        check.fail("trade_code", _("Unknown trade."))
        return None
    return trade.code


def _urgency(form: dict, actor: User, proposal: classify.Proposal, check: Checker) -> Urgency:
    chosen = form.get("urgency", "")
    if actor.role is Role.RESIDENT or not chosen:
        return proposal.urgency
    try:
        return Urgency(chosen)
    except ValueError:
        check.fail("urgency", _("Choose an urgency."))
        return proposal.urgency


async def create_report(db: AsyncSession, form: dict[str, str], report_photos: list[photos.CheckedPhoto],
                        photo_problem: str | None, ctx: Context) -> Ticket:
    """Register one report. `report_photos` are already checked; `photo_problem` says what was refused."""
    key = form.get("idempotency_key", "")[:64] or None
    if key and (existing := await db.scalar(select(Ticket).where(Ticket.idempotency_key == key))):
        return existing

    check = Checker(form)
    actor = ctx.actor
    channel = _channel(form, actor, check)
    public = channel in PUBLIC_CHANNELS
    description = check.text("description", max_len=1000)
    unit, building, estate_id, spot = await _place(db, form, actor, public, check)
    trade_code = await _trade(db, form, check)
    access = form.get("access", "someone_home")
    if access not in ACCESS_CHOICES:
        check.fail("access", _("Choose one."))
    if len(report_photos) > photos.MAX_PHOTOS:
        check.fail("photos", _("At most %(n)s photos.", n=photos.MAX_PHOTOS))
    if photo_problem:
        check.fail("photos", photo_problem)
    if not public and actor.role is not Role.RESIDENT:
        _check_caller(form, check)
    check.raise_if_errors()
    reporter = None if public else await _reporter(db, form, actor, check, unit)
    check.raise_if_errors()

    proposal = classify.propose(description, ctx.settings, public_area=public)
    trade_code = trade_code or proposal.trade_code
    urgency = _urgency(form, actor, proposal, check)
    check.raise_if_errors()

    duplicate_of = await _duplicate_decision(db, form, unit, building, spot, trade_code, ctx.now)

    local_today = ctx.now.astimezone(ctx.tz).date()
    # Numbering is the first write of the transaction: the lock it takes orders concurrent reports.
    number = await numbering.next_number(db, local_today)
    trade = await db.scalar(select(Trade).where(Trade.code == trade_code)) if trade_code else None
    charge = None
    if unit is not None and trade is not None:
        charge = warranty.decide(unit.handover_date, trade.warranty_category, ctx.settings["warranty_months"], local_today)

    desk_registered = actor.role is not Role.RESIDENT
    ticket = Ticket(
        number=number,
        channel=channel,
        status=Status.TRIAGED if desk_registered and trade_code else Status.NEW,
        urgency=urgency,
        scope=Scope.PUBLIC if public else Scope.IN_HOME,
        trade_code=trade_code,
        description=description,
        estate_id=estate_id,
        building_id=building.id if building else None,
        unit_id=unit.id if unit else None,
        spot=spot,
        reporter_id=reporter.id if reporter else None,
        contact_name=(reporter.name if reporter else actor.name),
        contact_phone=(reporter.phone if reporter else "") or "",
        access=access,
        preferred_time=_preferred(form),
        sla_due_at=sla_due(urgency, ctx.settings, ctx.now, None),
        charge=charge,
        duplicate_of_id=duplicate_of.id if duplicate_of else None,
        idempotency_key=key,
        updated_by_id=actor.id,
    )
    db.add(ticket)
    await db.flush()
    record(db, ticket, actor, "created", to_status=Status.NEW, at=ctx.now,
           data={"proposed_urgency": proposal.urgency.value, "keyword": proposal.urgency_keyword,
                 "proposed_trade": proposal.trade_code})
    if ticket.status is Status.TRIAGED:
        record(db, ticket, actor, "status", from_status=Status.NEW, to_status=Status.TRIAGED, at=ctx.now,
               data={"urgency": urgency.value, "trade": trade_code})
    if duplicate_of is not None:
        record(db, ticket, actor, "linked", at=ctx.now, data={"original": duplicate_of.number},
               note=_("Linked as a duplicate of %(number)s.", number=duplicate_of.number))
    await repeats.link(db, ticket, actor, ctx.settings, ctx.now)
    for photo in report_photos:
        stored, thumb = photos.store(photo, ctx.upload_dir)
        db.add(Photo(ticket_id=ticket.id, uploaded_by_id=actor.id, stored_name=stored, thumb_name=thumb,
                     content_type=photo.content_type, size_bytes=len(photo.data)))
    await db.flush()
    return ticket


async def _duplicate_decision(db: AsyncSession, form: dict, unit: Unit | None, building: Building | None,
                              spot: str | None, trade_code: str | None, now: dt.datetime) -> Ticket | None:
    decision = form.get("duplicate_decision", "")
    candidates = await find_duplicates(db, unit_id=unit.id if unit else None, trade_code=trade_code,
                                       building_id=building.id if building else None, spot=spot, now=now)
    if not candidates or decision == "different":
        return None
    if decision.startswith("link:"):
        for candidate in candidates:
            if str(candidate.id) == decision[5:]:
                return candidate
    raise DuplicatesFound([Candidate(t.id, t.number, t.status, t.description, t.created_at) for t in candidates])


def _preferred(form: dict) -> str:
    parts = [form.get("preferred_date", "").strip(), form.get("preferred_part", "").strip(), form.get("preferred_note", "").strip()]
    return " ".join(p for p in parts if p)[:200]
