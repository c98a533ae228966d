"""The technician's taps: on the way, arrived, started, completed, running late, no access.

A tap carries a random key rendered into its form. A phone on a bad network sends the same tap again
and again; the first one to arrive is the event, the others find its key and change nothing. A tap
to the state the ticket is already in is no error either: the technician sees what is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.labels import status_name
from app.models import Charge, PlanStop, SiteRecord, Status, Technician, Ticket, TicketEvent, Urgency, User
from app.services import coordination, notices, return_visits
from app.services.company_settings import CompanySettings
from app.services.ticket_actions import pending_approvals
from app.services.validation import Checker, FormErrors
from app.services.workflow import TRANSITIONS, TransitionError, record, transition
from app.web import localtime

S = Status
# What one tap may ask for; pausing and no access carry more than a tap and have their own forms.
TAPS = {S.ACCEPTED, S.EN_ROUTE, S.ON_SITE, S.IN_PROGRESS, S.COMPLETED}
BEFORE_ARRIVAL = (S.ASSIGNED, S.ACCEPTED, S.EN_ROUTE)
DEFAULT_TRAVEL = dt.timedelta(minutes=20)


@dataclass(frozen=True)
class Saved:
    """The state after a tap and whether this request made it (False: a repeat found it saved)."""

    status: Status
    at: dt.datetime | None
    new: bool


async def event_with_tap(db: AsyncSession, ticket: Ticket, key: str) -> TicketEvent | None:
    """The event a tap with this key saved, if any (also asked again after a commit lost a race)."""
    events = await db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.data.is_not(None)))
    return next((e for e in events if (e.data or {}).get("tap") == key), None)


async def last_step(db: AsyncSession, ticket: Ticket) -> TicketEvent | None:
    """The event that put the ticket in its present state (what the button row says is saved)."""
    return await db.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.to_status == ticket.status)
                           .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).limit(1))


def consent_missing(ticket: Ticket) -> bool:
    return ticket.charge is Charge.PAID and ticket.quote_total is not None and ticket.consent_at is None


def work_blockers(ticket: Ticket, settings: CompanySettings) -> list[str]:
    """Why work may not go on (start, resume or finish) at this moment; empty when it may."""
    reasons = []
    if consent_missing(ticket):
        reasons.append(_("The resident must accept the quote of %(total)s yuan before work continues: on their phone or with a one-time code.",
                         total=f"{ticket.quote_total:.2f}"))
    if pending_approvals(ticket, settings):
        reasons.append(_("The quote is waiting for a manager's approval."))
    return reasons


async def tap(db: AsyncSession, ticket: Ticket, to: Status, key: str, actor: User, now: dt.datetime,
              settings: CompanySettings) -> Saved:
    if key:
        earlier = await event_with_tap(db, ticket, key)
        if earlier is not None:
            return Saved(ticket.status, earlier.at, new=False)
    if to is ticket.status:
        step = await last_step(db, ticket)
        return Saved(ticket.status, step.at if step else None, new=False)
    if to not in TAPS:
        raise TransitionError(_("That step needs its own form."))
    if (ticket.status, to) not in TRANSITIONS:  # the table's refusal first: it says what is wrong
        raise TransitionError(_("A ticket that is “%(frm)s” cannot become “%(to)s”.",
                                frm=status_name(ticket.status), to=status_name(to)))
    if to is S.ACCEPTED:
        # Only the technician the job is offered to may accept it: a declined, timed-out or
        # reassigned offer is no longer theirs, whatever page their phone still shows.
        own = await db.scalar(select(Technician.id).where(Technician.user_id == actor.id))
        if own is None or ticket.technician_id != own:
            raise TransitionError(_("This job is no longer offered to you."))
    # Water, fire, gas and trapped people come first: their consent may follow, but not the bill.
    urgent_start = to is S.IN_PROGRESS and ticket.urgency in (Urgency.EMERGENCY, Urgency.URGENT)
    if to in (S.IN_PROGRESS, S.COMPLETED) and not urgent_start:
        blockers = work_blockers(ticket, settings)
        if blockers:
            raise TransitionError(" ".join(blockers))
    if to is S.COMPLETED:
        await _require_record(db, ticket)
    data: dict = {"tap": key} if key else {}
    if to is S.EN_ROUTE:
        ticket.eta_at = now + await _travel(db, ticket)
        data["eta"] = localtime(ticket.eta_at, "%H:%M")
    transition(db, ticket, to, actor, at=now, data=data or None)
    if to is S.EN_ROUTE:
        notices.notify(db, ticket.reporter_id, "on_the_way", now, ticket=ticket, data={"eta": data["eta"]})
    elif to is S.ON_SITE:
        ticket.arrived_at = now
    elif to is S.COMPLETED:
        notices.notify(db, ticket.reporter_id, "completed", now, ticket=ticket)
        await return_visits.consider(db, ticket, now, settings)
    if to in (S.IN_PROGRESS, S.COMPLETED):
        await coordination.close_open(db, ticket, actor, now)
    return Saved(to, now, new=True)


async def _require_record(db: AsyncSession, ticket: Ticket) -> None:
    site = await db.scalar(select(SiteRecord).where(SiteRecord.ticket_id == ticket.id))
    if site is None or not site.work_done.strip():
        raise TransitionError(_("Write down the cause and the work done before completing the job."))


async def _travel(db: AsyncSession, ticket: Ticket) -> dt.timedelta:
    """The planned drive to this stop: the same figure the plan and the board use."""
    stop = await db.scalar(select(PlanStop).where(PlanStop.ticket_id == ticket.id).order_by(PlanStop.id.desc()).limit(1))
    if stop is None or stop.travel_s <= 0:
        return DEFAULT_TRAVEL
    return dt.timedelta(seconds=max(stop.travel_s, 300))


async def running_late(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    if ticket.status not in BEFORE_ARRIVAL[1:]:
        raise TransitionError(_("Only a job you have not reached yet can be late."))
    if form.get("tap") and await event_with_tap(db, ticket, form["tap"]):
        return
    check = Checker(form)
    minutes = check.number("eta_minutes", low=5, high=480)
    check.raise_if_errors()
    ticket.eta_at, ticket.late_notice_at = now + dt.timedelta(minutes=int(minutes)), now
    ticket.updated_by_id = actor.id
    eta = localtime(ticket.eta_at, "%H:%M")
    record(db, ticket, actor, "late", at=now, data={"eta": eta, "tap": form.get("tap", "")})
    notices.notify(db, ticket.reporter_id, "running_late", now, ticket=ticket, data={"eta": eta})


async def no_access(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    """未遇: knocked, waited five minutes, knocked again. The resident is asked to rebook; the desk sees it."""
    if ticket.status is S.NO_ACCESS:
        return
    if form.get("knocked") != "yes":
        raise FormErrors({"knocked": _("Knock, wait 5 minutes and knock again before recording no access.")})
    transition(db, ticket, S.NO_ACCESS, actor, at=now, note=Checker(form).text("note", required=False, max_len=200),
               data={"knock_wait_knock": True, "tap": form.get("tap", "")})
    window = ({"window_start": ticket.window_start.isoformat(), "window_end": ticket.window_end.isoformat()}
              if ticket.window_start and ticket.window_end else {"window": localtime(now, "%m-%d %H:%M")})
    notices.notify(db, ticket.reporter_id, "rebook", now, ticket=ticket, data=window)


def late_unannounced(ticket: Ticket, now: dt.datetime, late_after: dt.timedelta) -> bool:
    """Arrived (or still not there) more than `late_after` past the window, and nobody told the resident."""
    if ticket.window_end is None or ticket.late_notice_at is not None:
        return False
    arrival = ticket.arrived_at or (now if ticket.status in BEFORE_ARRIVAL else None)
    return arrival is not None and arrival > ticket.window_end + late_after
