"""Reading tickets: who may see which, the filtered list, and one ticket with its history."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    OPEN_STATUSES,
    Building,
    Channel,
    Estate,
    Occupancy,
    Photo,
    Role,
    Status,
    Technician,
    Ticket,
    TicketEvent,
    Unit,
    Urgency,
    User,
)
from app.services.places import UNIT_CODE_RE

PAGE_SIZE = 25
STAFF_WHO_SEE_ALL = {Role.DESK, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}


async def visible_ticket(db: AsyncSession, number: str, user: User) -> Ticket | None:
    """The ticket if this user may see it. Anyone else gets None, so the page is a 404, not a 403:
    a resident must not learn that another resident's ticket number exists."""
    ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None or not await may_see(db, ticket, user):
        return None
    return ticket


async def may_see(db: AsyncSession, ticket: Ticket, user: User) -> bool:
    if user.role in STAFF_WHO_SEE_ALL:
        return True
    if user.role is Role.RESIDENT:
        if ticket.reporter_id == user.id:
            return True
        if ticket.unit_id is None:
            return False
        return bool(await db.scalar(select(Occupancy.id).where(Occupancy.user_id == user.id, Occupancy.unit_id == ticket.unit_id)))
    if user.role is Role.TECHNICIAN:
        technician_id = await db.scalar(select(Technician.id).where(Technician.user_id == user.id))
        return technician_id is not None and ticket.technician_id == technician_id
    return False


async def timeline(db: AsyncSession, ticket: Ticket) -> list[TicketEvent]:
    return list(await db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.at, TicketEvent.id)))


async def photos_of(db: AsyncSession, ticket: Ticket) -> list[Photo]:
    return list(await db.scalars(select(Photo).where(Photo.ticket_id == ticket.id).order_by(Photo.id)))


async def resident_tickets(db: AsyncSession, user: User) -> list[Ticket]:
    units = select(Occupancy.unit_id).where(Occupancy.user_id == user.id)
    return list(await db.scalars(
        select(Ticket).where(or_(Ticket.reporter_id == user.id, Ticket.unit_id.in_(units))).order_by(Ticket.created_at.desc())
    ))


@dataclass
class ListFilters:
    q: str = ""
    status: str = ""
    estate: str = ""
    trade: str = ""
    urgency: str = ""
    channel: str = ""
    breached: str = ""
    day: str = ""
    page: int = 1

    def query_string(self, **override: object) -> str:
        from urllib.parse import urlencode

        values = {**self.__dict__, **override}
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1) or (k == "page" and v != 1)})


@dataclass
class TicketPage:
    tickets: list[Ticket]
    total: int
    page: int
    pages: int
    counts: dict[Status, int]


def _filtered(filters: ListFilters, now: dt.datetime, tz: ZoneInfo) -> Select:
    stmt = select(Ticket).outerjoin(Unit, Ticket.unit_id == Unit.id).outerjoin(Building, Ticket.building_id == Building.id).join(Estate, Ticket.estate_id == Estate.id)
    if filters.estate.isdigit():
        stmt = stmt.where(Ticket.estate_id == int(filters.estate))
    if filters.trade:
        stmt = stmt.where(Ticket.trade_code == filters.trade)
    if filters.urgency in {u.value for u in Urgency}:
        stmt = stmt.where(Ticket.urgency == Urgency(filters.urgency))
    if filters.channel in {c.value for c in Channel}:
        stmt = stmt.where(Ticket.channel == Channel(filters.channel))
    if filters.breached:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES), Ticket.sla_due_at < now)
    if filters.day:
        try:
            day = dt.date.fromisoformat(filters.day)
            start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
            stmt = stmt.where(Ticket.created_at >= start, Ticket.created_at < start + dt.timedelta(days=1))
        except ValueError:
            pass
    if query := filters.q.strip():
        if match := UNIT_CODE_RE.match(query):
            estate_code, building_code, unit_code = match.groups()
            stmt = stmt.where(Estate.code == estate_code, Building.code == building_code)
            if unit_code:
                stmt = stmt.where(Unit.code.startswith(unit_code))
        else:
            like = f"%{query}%"
            stmt = stmt.where(or_(Ticket.number.like(like), Ticket.description.like(like),
                                  Ticket.contact_phone.like(like), Ticket.contact_name.like(like), Ticket.spot.like(like)))
    return stmt


async def list_tickets(db: AsyncSession, filters: ListFilters, now: dt.datetime, tz: ZoneInfo) -> TicketPage:
    base = _filtered(filters, now, tz)
    filtered = base.subquery()
    counts_rows = await db.execute(select(filtered.c.status, func.count()).group_by(filtered.c.status))
    counts = {Status(status): n for status, n in counts_rows}
    if filters.status in {s.value for s in Status}:
        base = base.where(Ticket.status == Status(filters.status))
    elif filters.status == "open":
        base = base.where(Ticket.status.in_(OPEN_STATUSES))
    total = await db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    tickets = list(await db.scalars(
        base.order_by(Ticket.created_at.desc(), Ticket.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ))
    return TicketPage(tickets, total, page, pages, counts)


async def search_callers(db: AsyncSession, query: str, limit: int = 8) -> list[tuple[User | None, Unit]]:
    """Residents and units for the desk's caller search: by phone, name, or unit code `3-2-1201`."""
    query = query.strip()
    if len(query) < 2:
        return []
    stmt = (
        select(User, Unit)
        .select_from(Unit)
        .join(Building, Unit.building_id == Building.id)
        .join(Estate, Building.estate_id == Estate.id)
        .outerjoin(Occupancy, Occupancy.unit_id == Unit.id)
        .outerjoin(User, Occupancy.user_id == User.id)
    )
    if match := UNIT_CODE_RE.match(query):
        estate_code, building_code, unit_code = match.groups()
        stmt = stmt.where(Estate.code == estate_code, Building.code == building_code)
        if unit_code:
            stmt = stmt.where(Unit.code.startswith(unit_code))
    elif query.isdigit():
        stmt = stmt.where(User.phone.startswith(query))
    else:
        stmt = stmt.where(User.name.contains(query))
    rows = await db.execute(stmt.order_by(Estate.code, Building.code, Unit.code).limit(limit))
    return [(user, unit) for user, unit in rows]


async def duplicates_of(db: AsyncSession, ticket: Ticket) -> list[Ticket]:
    return list(await db.scalars(select(Ticket).where(Ticket.duplicate_of_id == ticket.id).order_by(Ticket.id)))


