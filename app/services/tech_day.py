"""A technician's jobs for one day, in the order of their route in the stored plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import OPEN_STATUSES, DayPlan, PlanStop, Technician, Ticket, User
from app.services.planning import day_bounds


@dataclass
class Visit:
    ticket: Ticket
    stop: PlanStop | None

    @property
    def sort_key(self) -> tuple:
        return (self.stop.sequence if self.stop else 10_000, self.ticket.window_start or self.ticket.created_at)


async def technician_of(db: AsyncSession, user: User) -> Technician | None:
    return await db.scalar(select(Technician).where(Technician.user_id == user.id))


async def visits(db: AsyncSession, technician: Technician, day: dt.date, tz: ZoneInfo) -> list[Visit]:
    start, end = day_bounds(day, tz)
    plan = await db.scalar(select(DayPlan).where(DayPlan.day == day))
    stops = {s.ticket_id: s for s in (plan.stops if plan else []) if s.technician_id == technician.id}
    tickets = list(await db.scalars(select(Ticket).where(
        Ticket.technician_id == technician.id,
        Ticket.status.in_(OPEN_STATUSES),
        or_(Ticket.id.in_(stops), and_(Ticket.window_start < end, Ticket.window_end > start),
            and_(Ticket.window_start.is_(None), Ticket.created_at >= start, Ticket.created_at < end)),
    )))
    return sorted((Visit(t, stops.get(t.id)) for t in tickets), key=lambda v: v.sort_key)
