"""A technician's jobs for one day, in the order of their route in the stored plan, and their map."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import OPEN_STATUSES, DayPlan, Photo, PlanStop, Technician, Ticket, User
from app.services import route_map
from app.services.planning import day_bounds


@dataclass
class Visit:
    ticket: Ticket
    stop: PlanStop | None
    photos: list[Photo] = field(default_factory=list)

    @property
    def place(self) -> tuple[float, float]:
        spot = self.ticket.building or self.ticket.estate
        return spot.lat, spot.lon

    @property
    def navigation(self) -> str:
        """A geo: link: the phone offers its map apps (Amap, Baidu, Tencent) to navigate there."""
        lat, lon = self.place
        label = f"{self.ticket.estate.name} {self.ticket.unit.full_code if self.ticket.unit else self.ticket.spot or ''}".strip()
        return f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({label})"

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
    pictures: dict[int, list[Photo]] = {}
    for photo in await db.scalars(select(Photo).where(Photo.ticket_id.in_([t.id for t in tickets])).order_by(Photo.id)):
        pictures.setdefault(photo.ticket_id, []).append(photo)
    return sorted((Visit(t, stops.get(t.id), pictures.get(t.id, [])) for t in tickets), key=lambda v: v.sort_key)


async def own_job(db: AsyncSession, user: User, number: str) -> tuple[Technician, Ticket] | None:
    """The ticket if it is on this technician's list; anything else is nobody's business (404)."""
    technician = await technician_of(db, user)
    ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
    if technician is None or ticket is None or ticket.technician_id != technician.id:
        return None
    return technician, ticket


def day_map(technician: Technician, visits: list[Visit]) -> route_map.RouteMap:
    """The board's map drawing, fed one route: home, then the stops in order."""
    row = SimpleNamespace(technician=technician, blocks=[SimpleNamespace(ticket=v.ticket) for v in visits])
    return route_map.draw(SimpleNamespace(rows=[row], queue=[]))
