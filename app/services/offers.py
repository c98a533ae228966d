"""Offering jobs to technicians: decline with a reason, or let the offer time out (accepting is a
tap: tech_status.tap).

A declined or timed-out job goes back to the queue and the next plan leaves that technician out
(`Ticket.declined_by`). Every step is a ticket event.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import DayPlan, PlanStop, PlanUnassigned, Status, Technician, Ticket, User
from app.services.validation import FormErrors
from app.services.workflow import TransitionError, transition


def _own_offer(ticket: Ticket, technician: Technician) -> None:
    if ticket.status is not Status.ASSIGNED or ticket.technician_id != technician.id:
        raise TransitionError(_("This job is no longer offered to you."))


async def decline(db: AsyncSession, ticket: Ticket, technician: Technician, reason: str, actor: User | None,
                  now: dt.datetime) -> None:
    _own_offer(ticket, technician)
    reason = reason.strip()[:200]
    if actor is not None and not reason:
        raise FormErrors({"reason": _("Say why you cannot take this job.")})
    ticket.declined_by = sorted({*(ticket.declined_by or []), technician.id})
    ticket.technician_id, ticket.offered_at = None, None
    transition(db, ticket, Status.TRIAGED, actor, at=now, note=reason,
               data={"declined_by": technician.id, "timed_out": actor is None})
    # Off the stored route at once, so no board, list or ETA shows it with this technician.
    stop = await db.scalar(select(PlanStop).where(PlanStop.ticket_id == ticket.id, PlanStop.technician_id == technician.id))
    if stop is not None:
        plan = await db.get(DayPlan, stop.plan_id)
        await db.execute(delete(PlanStop).where(PlanStop.id == stop.id))
        await db.execute(delete(PlanUnassigned).where(PlanUnassigned.plan_id == plan.id, PlanUnassigned.ticket_id == ticket.id))
        db.add(PlanUnassigned(plan_id=plan.id, ticket_id=ticket.id, reason=reason))
        plan.updated_at, plan.updated_by_id = now, actor.id if actor else None


async def expire(db: AsyncSession, now: dt.datetime, timeout_minutes: int) -> list[Ticket]:
    """Offers older than the timeout return to the queue, as if declined by nobody in particular."""
    cutoff = now - dt.timedelta(minutes=timeout_minutes)
    stale = list(await db.scalars(select(Ticket).where(Ticket.status == Status.ASSIGNED, Ticket.offered_at < cutoff)))
    for ticket in stale:
        technician = await db.get(Technician, ticket.technician_id)
        note = _("No answer from %(name)s within %(n)s minutes.", name=technician.user.name, n=timeout_minutes)
        await decline(db, ticket, technician, note, None, now)
    return stale
