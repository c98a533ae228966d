"""Repeat failures: the same unit and trade failing again soon after a repair.

A new report is linked to the repair it repeats (`Ticket.parent_id`), which is what the month's
first-time-fix figure counts, and the dispatcher sees who did the first repair so the job can go
back to them. The solver has no soft preference for a technician (app/dispatch/problem.py), so the
offer order is the dispatcher's call, made from the note on the board's queue and the ticket page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import DONE_STATUSES, Status, Technician, Ticket, TicketEvent, User
from app.services.company_settings import DEFAULTS, CompanySettings
from app.services.workflow import record



def _done_at():  # noqa: ANN202
    """When each ticket's work was finished: its first completion, or its confirmation when the
    developer's after-sales did the work and the ticket never passed through "completed"."""
    completed = func.min(case((TicketEvent.to_status == Status.COMPLETED, TicketEvent.at)))
    confirmed = func.min(case((TicketEvent.to_status == Status.CONFIRMED, TicketEvent.at)))
    return (
        select(TicketEvent.ticket_id.label("ticket_id"), func.coalesce(completed, confirmed).label("done_at"))
        .where(TicketEvent.to_status.in_((Status.COMPLETED, Status.CONFIRMED)))
        .group_by(TicketEvent.ticket_id)
        .subquery("done")
    )


async def previous_repair(db: AsyncSession, *, unit_id: int, trade_code: str, exclude_id: int, now: dt.datetime,
                          window_days: int) -> Ticket | None:
    """The latest repair of this unit and trade finished within the window (day N inclusive)."""
    done = _done_at()
    return await db.scalar(
        select(Ticket)
        .join(done, done.c.ticket_id == Ticket.id)
        .where(Ticket.unit_id == unit_id, Ticket.trade_code == trade_code, Ticket.id != exclude_id,
               Ticket.status.in_(DONE_STATUSES), done.c.done_at >= now - dt.timedelta(days=window_days), done.c.done_at <= now)
        .order_by(done.c.done_at.desc(), Ticket.id.desc())
        .limit(1)
    )


async def link(db: AsyncSession, ticket: Ticket, actor: User | None, settings: CompanySettings, now: dt.datetime) -> Ticket | None:
    """Called by intake for every new report: link it to the repair it repeats, with an event on both."""
    # A duplicate follows its open original, which carries the link; public spots have no unit.
    if ticket.unit_id is None or ticket.trade_code is None or ticket.parent_id is not None or ticket.duplicate_of_id:
        return None
    previous = await previous_repair(db, unit_id=ticket.unit_id, trade_code=ticket.trade_code, exclude_id=ticket.id,
                                     now=now, window_days=int(settings.values.get("repeat_window_days", DEFAULTS["repeat_window_days"])))
    if previous is None:
        return None
    ticket.parent_id = previous.id
    technician = await first_technician_name(db, previous)
    record(db, ticket, actor, "repeat", at=now, data={"original": previous.number, "technician": technician})
    record(db, previous, actor, "repeated", at=now, data={"repeat": ticket.number})
    return previous


async def first_technician_name(db: AsyncSession, ticket: Ticket) -> str:
    if ticket.technician_id is None:
        return ""
    return await db.scalar(select(User.name).join(Technician, Technician.user_id == User.id)
                           .where(Technician.id == ticket.technician_id)) or ""


@dataclass(frozen=True)
class RepeatNote:
    original: str  # the earlier ticket's number
    technician: str  # who repaired it the first time ("" when nobody is recorded)


async def note_for(db: AsyncSession, ticket: Ticket) -> RepeatNote | None:
    if ticket.parent_id is None:
        return None
    parent = await db.get(Ticket, ticket.parent_id)
    if parent is None:
        return None
    return RepeatNote(parent.number, await first_technician_name(db, parent))


async def repeats_of(db: AsyncSession, ticket: Ticket) -> list[Ticket]:
    """Later reports linked to this ticket: its repair did not hold."""
    return list(await db.scalars(select(Ticket).where(Ticket.parent_id == ticket.id).order_by(Ticket.created_at)))
