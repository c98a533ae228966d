"""The month's statistics (DOMAIN step 10), summed in the database from the tickets and their events.

The month's tickets are those reported in it, local time. Their first arrival on site and first
completion count whenever they happened, so a report of the 30th finished on the 2nd is still its
month's. Every figure is a sum per group in SQL; Python only adds up a few hundred group rows into
the trade, estate, channel and urgency tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, cast, func, literal, not_, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.models import (
    DONE_STATUSES,
    Channel,
    Charge,
    DayPlan,
    Estate,
    PlanStop,
    ShiftTemplate,
    SiteRecord,
    Status,
    Technician,
    Ticket,
    TicketEvent,
    Trade,
    Urgency,
    User,
)
from app.services.reports.sqltime import epoch

# A new ticket whose parent_id points at a completed one within this time makes the fix not first-time.
REPEAT_WINDOW_S = 30 * 86400
ENDED = (Status.CONFIRMED, Status.CLOSED, Status.CANCELLED)  # no transition leads out of these
INTERRUPTED = (Status.NO_ACCESS, Status.PAUSED)


@dataclass
class Facts:
    """Additive sums for a group of tickets; the rates and averages are read off them."""

    tickets: int = 0
    completed: int = 0
    responded: int = 0
    response_s: float = 0
    response_due: int = 0  # reached the site and had an SLA deadline
    response_met: int = 0
    completion_s: float = 0
    completion_due: int = 0
    completion_met: int = 0
    first_time_fixed: int = 0
    rated: int = 0
    rating_sum: float = 0
    satisfied: int = 0
    paid: int = 0
    free: int = 0
    warranty: int = 0
    revenue: float = 0

    @staticmethod
    def _ratio(part: float, whole: float, scale: float = 1) -> float | None:
        return part / whole * scale if whole else None

    @property
    def avg_response_min(self) -> float | None:
        return self._ratio(self.response_s, self.responded, 1 / 60)

    @property
    def response_met_pct(self) -> float | None:
        return self._ratio(self.response_met, self.response_due, 100)

    @property
    def avg_completion_h(self) -> float | None:
        return self._ratio(self.completion_s, self.completed, 1 / 3600)

    @property
    def completion_met_pct(self) -> float | None:
        return self._ratio(self.completion_met, self.completion_due, 100)

    @property
    def first_time_fix_pct(self) -> float | None:
        return self._ratio(self.first_time_fixed, self.completed, 100)

    @property
    def avg_rating(self) -> float | None:
        return self._ratio(self.rating_sum, self.rated)

    @property
    def satisfied_pct(self) -> float | None:
        return self._ratio(self.satisfied, self.rated, 100)


FACT_FIELDS = tuple(f.name for f in fields(Facts))


def _facts(values: Sequence[float]) -> Facts:
    return Facts(*(value or 0 for value in values))


@dataclass
class TechnicianMonth:
    technician_id: int
    name: str
    facts: Facts
    planned_stops: int = 0
    travel_s: int = 0
    service_s: int = 0
    shift_s: int = 0  # shift time on the days with an applied plan

    @property
    def travel_h(self) -> float | None:
        return self.travel_s / 3600 if self.planned_stops else None

    @property
    def utilisation_pct(self) -> float | None:
        return (self.travel_s + self.service_s) / self.shift_s * 100 if self.shift_s and self.planned_stops else None


@dataclass
class OpenAtEnd:
    status: Status
    tickets: int
    past_sla: int


@dataclass
class MonthStats:
    first_day: dt.date
    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime  # the month's end, or now while the month runs
    total: Facts
    by_trade: list[tuple[Trade | None, Facts]]
    by_estate: list[tuple[Estate, Facts]]
    by_channel: list[tuple[Channel, Facts]]
    by_urgency: list[tuple[Urgency, Facts]]
    by_technician: list[TechnicianMonth]
    open_at_end: list[OpenAtEnd] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(row.tickets for row in self.open_at_end)


def parse_month(text: str, today: dt.date) -> dt.date | None:
    """"2026-11" to its first day; an empty value is this month; anything else None."""
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        first_day = dt.date(year, month, 1)
    except ValueError:
        return None
    # Far years would overflow the previous/next month links; nobody reports a repair in them.
    return first_day if 2000 <= year <= 2100 else None


def next_month(first_day: dt.date) -> dt.date:
    return (first_day + dt.timedelta(days=32)).replace(day=1)


def previous_month(first_day: dt.date) -> dt.date:
    return (first_day - dt.timedelta(days=1)).replace(day=1)


def _month_tickets(start: dt.datetime, end: dt.datetime, offset_s: int):  # noqa: ANN202
    """One row per ticket reported in the month: its groupings and its Facts as 0/1 flags and seconds."""
    in_month = and_(Ticket.created_at >= start, Ticket.created_at < end)
    ev = (
        select(
            TicketEvent.ticket_id.label("ticket_id"),
            func.min(case((TicketEvent.to_status == Status.ON_SITE, TicketEvent.at))).label("on_site_at"),
            func.min(case((TicketEvent.to_status == Status.COMPLETED, TicketEvent.at))).label("completed_at"),
            func.max(case((TicketEvent.to_status.in_(INTERRUPTED), 1), else_=0)).label("interrupted"),
        )
        # Only the events the figures read, of the month's tickets: a third of the rows, no join per event.
        .where(TicketEvent.to_status.in_([Status.ON_SITE, Status.COMPLETED, *INTERRUPTED]),
               TicketEvent.ticket_id.in_(select(Ticket.id).where(in_month)))
        .group_by(TicketEvent.ticket_id)
        .subquery("ev")
    )
    repeat = aliased(Ticket)
    rep = (
        select(repeat.parent_id.label("parent_id"), func.min(repeat.created_at).label("first_repeat_at"))
        .where(repeat.parent_id.is_not(None))
        .group_by(repeat.parent_id)
        .subquery("rep")
    )
    # Each time is turned into seconds once per ticket, in a table of its own: SQLite would otherwise
    # parse the same text again for every expression that reads it.
    times = (
        # What the job cost: the on-site record's total where the technician wrote one, else the quote.
        select(*GROUPINGS.values(), Ticket.rating, Ticket.charge,
               func.coalesce(func.nullif(SiteRecord.total, 0), Ticket.quote_total).label("quote_total"), Ticket.status,
               func.coalesce(ev.c.interrupted, 0).label("interrupted"),
               epoch(Ticket.created_at).label("created"), epoch(ev.c.on_site_at).label("on_site"),
               epoch(ev.c.completed_at).label("completed"), epoch(Ticket.sla_due_at).label("due"),
               epoch(rep.c.first_repeat_at).label("repeat"))
        .select_from(Ticket)
        .outerjoin(ev, ev.c.ticket_id == Ticket.id)
        .outerjoin(rep, rep.c.parent_id == Ticket.id)
        .outerjoin(SiteRecord, SiteRecord.ticket_id == Ticket.id)
        .where(in_month)
        .cte("ticket_times")
        .prefix_with("MATERIALIZED")
    )
    t = times.c
    created, on_site, completed, due = t.created, t.on_site, t.completed, t.due
    is_on_site, is_completed, has_due = on_site.is_not(None), completed.is_not(None), due.is_not(None)
    # "Finished the same day": by the end of the local day on which the SLA deadline falls. The
    # offset is the company zone's at the month's start (Asia/Shanghai keeps one all year).
    end_of_due_day = ((due + offset_s) // 86400 + 1) * 86400 - offset_s
    repeated = and_(t.repeat.is_not(None), t.repeat - completed <= REPEAT_WINDOW_S)
    reached_done = or_(is_completed, t.status.in_(DONE_STATUSES))

    def flag(condition) -> object:  # noqa: ANN001
        return case((condition, 1), else_=0)

    values = {
        "tickets": literal(1),
        "completed": flag(is_completed),
        "responded": flag(is_on_site),
        "response_s": on_site - created,
        "response_due": flag(and_(is_on_site, has_due)),
        "response_met": flag(and_(is_on_site, has_due, on_site <= due)),
        "completion_s": completed - created,
        "completion_due": flag(and_(is_completed, has_due)),
        "completion_met": flag(and_(is_completed, has_due, completed < end_of_due_day)),
        "first_time_fixed": flag(and_(is_completed, t.interrupted == 0, not_(repeated))),
        "rated": flag(t.rating.is_not(None)),
        "rating_sum": t.rating,
        "satisfied": flag(t.rating >= 4),
        "paid": flag(t.charge == Charge.PAID),
        "free": flag(t.charge == Charge.FREE),
        "warranty": flag(t.charge == Charge.WARRANTY),
        "revenue": case((and_(t.charge == Charge.PAID, reached_done), t.quote_total), else_=0),
    }
    assert tuple(values) == FACT_FIELDS
    return (
        select(*(t[column.key] for column in GROUPINGS.values()), *(value.label(name) for name, value in values.items()))
        # Computed once for the two groupings that read it (SQLite 3.35+, PostgreSQL 12+).
        .cte("month_tickets")
        .prefix_with("MATERIALIZED")
    )


DIMENSIONS = {"trade": Ticket.trade_code, "estate": Ticket.estate_id, "channel": Ticket.channel, "urgency": Ticket.urgency}
GROUPINGS = {**DIMENSIONS, "technician": Ticket.technician_id}


def _facts_query(start: dt.datetime, end: dt.datetime, offset_s: int):  # noqa: ANN202
    """The Facts summed for the whole month and per trade, estate, channel, urgency and technician in
    one statement: the per-ticket summary (the costly part, over every event) is computed once, and
    each grouping is summed in the database, so only a few dozen rows come back."""
    month_tickets = _month_tickets(start, end, offset_s)
    sums = [func.coalesce(func.sum(month_tickets.c[name]), 0) for name in FACT_FIELDS]
    # Keys travel as text, one column for every grouping (a UNION needs one type per column).
    total = select(literal("total"), cast(literal(None), String), *sums)
    per_grouping = [select(literal(name), cast(month_tickets.c[column.key], String), *sums).group_by(month_tickets.c[column.key])
                    for name, column in GROUPINGS.items()]
    return union_all(total, *per_grouping)


# Each grouping's key back from text: enums are stored by name, ids as numbers.
KEY_TYPES = {"trade": str, "estate": int, "channel": lambda name: Channel[name], "urgency": lambda name: Urgency[name],
             "technician": int}


def month_bounds(first_day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(next_month(first_day), dt.time(), tzinfo=tz)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


async def month_stats(db: AsyncSession, first_day: dt.date, tz: ZoneInfo, now: dt.datetime) -> MonthStats:
    start, end = month_bounds(first_day, tz)
    offset_s = int(dt.datetime.combine(first_day, dt.time(), tzinfo=tz).utcoffset().total_seconds())
    total = Facts()
    groups: dict[str, dict] = {grouping: {} for grouping in GROUPINGS}
    for grouping, key, *values in await db.execute(_facts_query(start, end, offset_s)):
        if grouping == "total":
            total = _facts(values)
        elif grouping != "technician" or key is not None:
            groups[grouping][None if key is None else KEY_TYPES[grouping](key)] = _facts(values)
    by_trade_code, by_estate_id, by_channel, by_urgency, by_technician_id = groups.values()

    trades = list(await db.scalars(select(Trade).order_by(Trade.sort_order, Trade.code)))
    trade_rows: list[tuple[Trade | None, Facts]] = [(t, by_trade_code[t.code]) for t in trades if t.code in by_trade_code]
    if None in by_trade_code:
        trade_rows.append((None, by_trade_code[None]))
    estates = list(await db.scalars(select(Estate).where(Estate.id.in_(list(by_estate_id))).order_by(Estate.code))) if by_estate_id else []

    return MonthStats(
        first_day=first_day, start=start, end=end, as_of=min(end, now), total=total,
        by_trade=trade_rows,
        by_estate=[(e, by_estate_id[e.id]) for e in estates],
        by_channel=[(c, by_channel[c]) for c in Channel if c in by_channel],
        by_urgency=[(u, by_urgency[u]) for u in Urgency if u in by_urgency],
        by_technician=await _technicians(db, by_technician_id, first_day),
        open_at_end=await _open_at_end(db, min(end, now)),
    )


async def _technicians(db: AsyncSession, facts: dict[int, Facts], first_day: dt.date) -> list[TechnicianMonth]:
    names = dict((await db.execute(select(Technician.id, User.name).join(User, User.id == Technician.user_id))).all())
    months: dict[int, TechnicianMonth] = {}

    def of(technician_id: int) -> TechnicianMonth:
        if technician_id not in months:
            months[technician_id] = TechnicianMonth(technician_id, names.get(technician_id, str(technician_id)),
                                                    facts.get(technician_id, Facts()))
        return months[technician_id]

    for technician_id in facts:
        of(technician_id)

    in_month = and_(DayPlan.day >= first_day, DayPlan.day < next_month(first_day))
    stops = await db.execute(
        select(PlanStop.technician_id, func.count(), func.sum(PlanStop.travel_s), func.sum(PlanStop.end_s - PlanStop.start_s))
        .join(DayPlan, DayPlan.id == PlanStop.plan_id).where(in_month).group_by(PlanStop.technician_id)
    )
    for technician_id, count, travel_s, service_s in stops:
        month = of(technician_id)
        month.planned_stops, month.travel_s, month.service_s = count, travel_s or 0, service_s or 0
    plan_days = list(await db.scalars(select(DayPlan.day).where(in_month)))
    if plan_days and months:
        # Utilisation is measured against the shift time of the days a plan was applied for.
        weekdays = [day.weekday() for day in plan_days]
        for shift in await db.scalars(select(ShiftTemplate).where(ShiftTemplate.technician_id.in_(list(months)))):
            worked = (shift.end_min - shift.start_min - shift.break_minutes) * 60
            months[shift.technician_id].shift_s += worked * weekdays.count(shift.weekday)
    return sorted(months.values(), key=lambda m: (-m.facts.completed, m.name))


async def _open_at_end(db: AsyncSession, as_of: dt.datetime) -> list[OpenAtEnd]:
    """Tickets reported before `as_of` that had not reached an end state by then, by their status at that time."""
    ended = (
        select(TicketEvent.id)
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.to_status.in_(ENDED), TicketEvent.at < as_of)
        .exists()
    )
    status_then = (
        select(TicketEvent.to_status)
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.to_status.is_not(None), TicketEvent.at < as_of)
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
        .limit(1)
        .correlate(Ticket)
        .scalar_subquery()
    )
    # A ticket without events (imported, say) is taken at its current status.
    status = func.coalesce(status_then, Ticket.status).label("status_then")
    late = func.coalesce(func.sum(case((Ticket.sla_due_at < as_of, 1), else_=0)), 0)
    rows = await db.execute(
        select(status, func.count(), late)
        # Open now, or changed since: anything else ended before `as_of` (the row is touched on every
        # status change and no status leads out of an end state), so the event check runs on few rows.
        .where(Ticket.created_at < as_of, or_(Ticket.status.not_in(ENDED), Ticket.updated_at >= as_of), not_(ended))
        .group_by(status)
    )
    found = {}
    for value, count, past_sla in rows:
        status_value = Status(value)
        if status_value in ENDED:
            continue  # a ticket without events whose current status is an end state
        found[status_value] = OpenAtEnd(status_value, count, past_sla)
    return [found[s] for s in Status if s in found]
