"""Coordination slips (协调单): work that waits for parts, a contractor or the developer.

The technician books an inspection within half a working day; the desk follows up at least every
3 days and updates the resident at least every 5; two failed agreements within a week call for a
joint visit (DOMAIN.md). The figures are the company's (`coordination_slips` in the settings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.labels import SLIP_REASONS
from app.models import CoordinationSlip, Status, Ticket, TicketEvent, User
from app.services import company_settings, notices
from app.services.validation import Checker, FormErrors
from app.services.workflow import TransitionError, record, transition
from app.web import localtime

ACTIONS = ("followed_up", "resident_updated", "failed")


async def rules(db: AsyncSession) -> dict[str, int]:
    return (await company_settings.load(db))["coordination_slips"]


def working_deadline(start: dt.datetime, hours: float, tz: ZoneInfo, rule: dict[str, int]) -> dt.datetime:
    """`hours` of working time from `start`, skipping the nights (the working day from the settings)."""
    local = start.astimezone(tz)
    left = dt.timedelta(hours=hours)
    work_start, work_end = rule["work_start_hour"], rule["work_end_hour"]
    while True:
        day_start = dt.datetime.combine(local.date(), dt.time(), tz) + dt.timedelta(hours=work_start)
        day_end = dt.datetime.combine(local.date(), dt.time(), tz) + dt.timedelta(hours=work_end)
        local = max(local, day_start)
        if local < day_end:
            if local + left <= day_end:
                return (local + left).astimezone(dt.timezone.utc)
            left -= day_end - local
        local = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tz) + dt.timedelta(hours=work_start)


async def _event_with_key(db: AsyncSession, ticket: Ticket, field: str, key: str, **match: object) -> TicketEvent | None:
    """The event a form with this random key already saved (a resent form finds it and changes nothing)."""
    events = await db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.data.is_not(None)))
    return next((e for e in events if (e.data or {}).get(field) == key
                 and all((e.data or {}).get(name) == value for name, value in match.items())), None)


async def open_slip(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime, tz: ZoneInfo) -> CoordinationSlip:
    # The key first: a resent pause form finds the job already paused, which is its own success.
    if form.get("tap") and await _event_with_key(db, ticket, "tap", form["tap"]) is not None:
        saved = await db.scalar(select(CoordinationSlip).where(CoordinationSlip.ticket_id == ticket.id)
                                .order_by(CoordinationSlip.id.desc()).limit(1))
        if saved is not None:
            return saved
    if ticket.status is not Status.IN_PROGRESS:
        raise TransitionError(_("Only work in progress can be paused."))
    check = Checker(form)
    reason = form.get("reason", "")
    if reason not in SLIP_REASONS:
        check.fail("reason", _("Choose what the work is waiting for."))
    note = check.text("note", required=False, max_len=300)
    inspection = _inspection(check, form.get("inspection_at", ""), now, tz, await rules(db))
    check.raise_if_errors()
    transition(db, ticket, Status.PAUSED, actor, at=now, note=note, data={"reason": reason, "tap": form.get("tap", "")})
    slip = CoordinationSlip(ticket_id=ticket.id, reason=reason, note=note, opened_by_id=actor.id, opened_at=now,
                            inspection_at=inspection, failures=[], joint_visit=False)
    db.add(slip)
    record(db, ticket, actor, "slip", at=now, data={"action": "opened", "reason": reason})
    notices.notify(db, ticket.reporter_id, "paused", now, ticket=ticket, data={"at": localtime(inspection, "%m-%d %H:%M")})
    return slip


def inspection_deadline(now: dt.datetime, tz: ZoneInfo, rule: dict[str, int]) -> dt.datetime:
    return working_deadline(now, rule["inspection_within_hours"], tz, rule)


def _inspection(check: Checker, raw: str, now: dt.datetime, tz: ZoneInfo, rule: dict[str, int]) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(raw.strip())
        # The form's datetime-local field is the company's local time; an explicit offset is kept.
        at = (at.replace(tzinfo=tz) if at.tzinfo is None else at).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved across an offset
        check.fail("inspection_at", _("Enter the inspection date and time."))
        return None
    latest = inspection_deadline(now, tz, rule)
    if at < now - dt.timedelta(minutes=5) or at > latest:
        check.fail("inspection_at", _("Book the inspection within half a working day: by %(at)s.", at=localtime(latest, "%m-%d %H:%M")))
    return at


async def close_open(db: AsyncSession, ticket: Ticket, actor: User, now: dt.datetime) -> None:
    """Work goes on or is done: the ticket's open slip has served its purpose."""
    for slip in await db.scalars(select(CoordinationSlip).where(CoordinationSlip.ticket_id == ticket.id, CoordinationSlip.closed_at.is_(None))):
        slip.closed_at = now
        record(db, ticket, actor, "slip", at=now, data={"action": "closed"})


@dataclass
class SlipRow:
    slip: CoordinationSlip
    ticket: Ticket
    follow_up_due_at: dt.datetime
    update_due_at: dt.datetime
    now: dt.datetime

    @property
    def follow_up_due(self) -> bool:
        return self.follow_up_due_at <= self.now

    @property
    def update_due(self) -> bool:
        return self.update_due_at <= self.now


def row(slip: CoordinationSlip, ticket: Ticket, now: dt.datetime, rule: dict[str, int]) -> SlipRow:
    return SlipRow(slip, ticket, (slip.followed_up_at or slip.opened_at) + dt.timedelta(days=rule["follow_up_days"]),
                   (slip.resident_updated_at or slip.opened_at) + dt.timedelta(days=rule["resident_update_days"]), now)


async def open_slips(db: AsyncSession, now: dt.datetime) -> list[SlipRow]:
    """Open slips, the ones needing the desk first (joint visit, then whatever fell due earliest)."""
    rule = await rules(db)
    rows = [row(slip, ticket, now, rule) for slip, ticket in await db.execute(
        select(CoordinationSlip, Ticket).join(Ticket, Ticket.id == CoordinationSlip.ticket_id)
        .where(CoordinationSlip.closed_at.is_(None)))]
    return sorted(rows, key=lambda r: (not r.slip.joint_visit, min(r.follow_up_due_at, r.update_due_at)))


async def act(db: AsyncSession, slip_id: int, action: str, actor: User, now: dt.datetime, key: str = "") -> SlipRow:
    """One of the desk's actions. `key` is the random key rendered into the form: a double click or a
    resent form finds its event and changes nothing (two "failed" clicks must not be two failures)."""
    slip = await db.get(CoordinationSlip, slip_id)
    if slip is None:
        raise TransitionError(_("This coordination slip is closed."))
    ticket = await db.get(Ticket, slip.ticket_id)
    if key and await _event_with_key(db, ticket, "key", key, slip=slip.id) is not None:
        return row(slip, ticket, now, await rules(db))
    if slip.closed_at is not None:
        raise TransitionError(_("This coordination slip is closed."))
    if action not in ACTIONS:
        raise FormErrors({"action": _("Unknown action.")})
    if action == "followed_up":
        slip.followed_up_at = now
    elif action == "resident_updated":
        slip.resident_updated_at = now
    else:
        # The resident was not reached or did not agree: that is a follow-up too.
        slip.failures = [*slip.failures, now.isoformat()]
        slip.followed_up_at = now
    record(db, ticket, actor, "slip", at=now, data={"action": action, "slip": slip.id, **({"key": key} if key else {})})
    # The ticket's version guards the slip: of two desks acting at the same moment, the second is
    # refused (StaleDataError) instead of writing over the first's failure count.
    ticket.updated_at = now
    rule = await rules(db)
    if action == "failed" and not slip.joint_visit and _recent_failures(slip, now, rule) >= 2:
        slip.joint_visit = True
        record(db, ticket, actor, "slip", at=now, data={"action": "joint_visit", "slip": slip.id})
    return row(slip, ticket, now, rule)


def _recent_failures(slip: CoordinationSlip, now: dt.datetime, rule: dict[str, int]) -> int:
    window = dt.timedelta(days=rule["failure_window_days"])
    return sum(1 for at in slip.failures if now - dt.datetime.fromisoformat(at) <= window)


async def attention(db: AsyncSession, now: dt.datetime) -> dict:
    """What the desk must act on from the field: visits to rebook and slips that fell due."""
    no_access = list(await db.scalars(select(Ticket).where(Ticket.status == Status.NO_ACCESS).order_by(Ticket.updated_at.desc()).limit(30)))
    due = [r for r in await open_slips(db, now) if r.slip.joint_visit or r.follow_up_due or r.update_due]
    return {"no_access": no_access, "slips_due": due}
