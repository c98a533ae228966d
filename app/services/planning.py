"""From the database to a dispatch problem and back: the day's plan, versioned.

The solver knows nothing of tickets: technicians become `T<id>`, tickets `J<id>`, positions `L<id>`.
Work already accepted or under way is pinned to its technician; work started keeps its start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

import anyio
from sqlalchemy import and_, delete, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer, joinedload, lazyload

from app import dispatch
from app.models import (
    Building,
    Estate,
    DayPlan,
    PlanBreak,
    PlanStop,
    PlanUnassigned,
    ShiftTemplate,
    Status,
    Technician,
    Ticket,
    Trade,
    Unit,
    Urgency,
    User,
)
from app.i18n import gettext as _
from app.services import road_travel
from app.services.company_settings import CompanySettings
from app.services.ticket_actions import dispatch_blockers
from app.services.workflow import Conflict, record, transition

PLANNABLE = (Status.TRIAGED, Status.ASSIGNED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE, Status.IN_PROGRESS)
HELD = (Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE, Status.IN_PROGRESS)  # the technician said yes
STARTED = (Status.EN_ROUTE, Status.ON_SITE, Status.IN_PROGRESS)
DAY_END_S = 24 * 3600 - 1


def tech_key(technician_id: int) -> str:
    return f"T{technician_id}"


def job_key(ticket_id: int) -> str:
    return f"J{ticket_id}"


def key_id(key: str) -> int:
    return int(key[1:])


@dataclass
class DayData:
    """Everything the board and the solver need about one day, read once."""

    day: dt.date
    tz: ZoneInfo
    technicians: list[Technician]
    shifts: dict[int, ShiftTemplate]
    tickets: list[Ticket]
    trades: dict[str, Trade]
    plan: DayPlan | None
    held_out: list[tuple[Ticket, list[str]]] = field(default_factory=list)  # and why the planner may not take them
    # An arrival this long past the window with no word to the resident is flagged (settings).
    late_flag: dt.timedelta = dt.timedelta(minutes=30)

    def seconds(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.tz)
        return int((local - dt.datetime.combine(self.day, dt.time(), tzinfo=self.tz)).total_seconds())

    def moment(self, seconds: int) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time(), tzinfo=self.tz) + dt.timedelta(seconds=seconds)


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return start, start + dt.timedelta(days=1)


class DaySignature(NamedTuple):
    tickets: int
    ticket_versions: int | None
    tickets_at: dt.datetime | None
    plan_id: int | None
    plan_version: int | None
    staff: int
    shifts_at: dt.datetime | None
    technicians_at: dt.datetime | None
    accounts_at: dt.datetime | None
    trades_at: dt.datetime | None
    places_at: tuple  # estates, buildings, units: their names and codes are on every block

    @property
    def plan(self) -> tuple:
        return self.plan_id, self.plan_version

    @property
    def team(self) -> tuple:
        """Who is on shift, with which trades, and how long each trade's work takes."""
        return self.staff, self.shifts_at, self.technicians_at, self.accounts_at, self.trades_at


async def day_signature(db: AsyncSession, day: dt.date, tz: ZoneInfo) -> DaySignature:
    """What changes whenever anything on the day's board or in its problem changes: the day's
    plannable tickets (count, version sum, latest change: one leaving or joining changes them too),
    its plan's version (every writer of a plan's stops moves it), the weekday's shifts and the
    places' names. One statement, cheap enough for every request, so views of the day can be reused
    until it differs."""
    start, end = day_bounds(day, tz)
    tickets = select(func.count().label("n"), func.sum(Ticket.version).label("versions"), func.max(Ticket.updated_at).label("at")).where(
        Ticket.status.in_(PLANNABLE),
        or_(and_(Ticket.window_start < end, Ticket.window_end > start),
            and_(Ticket.window_start.is_(None), Ticket.created_at >= start, Ticket.created_at < end))).subquery()
    # A technician's trades, an account switched off, a trade's service minutes: all change the day.
    staff = (select(func.count().label("n"), func.max(ShiftTemplate.updated_at).label("shifts"),
                    func.max(Technician.updated_at).label("technicians"), func.max(User.updated_at).label("accounts"),
                    select(func.max(Trade.updated_at)).scalar_subquery().label("trades"))
             .select_from(ShiftTemplate).join(Technician, Technician.id == ShiftTemplate.technician_id)
             .join(User, User.id == Technician.user_id)
             .where(ShiftTemplate.weekday == day.weekday()).subquery())
    plan = select(DayPlan.id, DayPlan.version).where(DayPlan.day == day)
    places = [select(func.max(model.updated_at)).scalar_subquery() for model in (Estate, Building, Unit)]
    *row, estates, buildings, units = (await db.execute(select(
        tickets.c.n, tickets.c.versions, tickets.c.at,
        plan.with_only_columns(DayPlan.id).scalar_subquery(), plan.with_only_columns(DayPlan.version).scalar_subquery(),
        staff.c.n, staff.c.shifts, staff.c.technicians, staff.c.accounts, staff.c.trades, *places,
    ).select_from(tickets.join(staff, true())))).one()  # two one-row aggregates side by side
    return DaySignature(*row, places_at=(estates, buildings, units))


async def load_day(db: AsyncSession, day: dt.date, tz: ZoneInfo, settings: CompanySettings) -> DayData:
    technicians, shifts = await read_staff(db, day)
    tickets = list(await db.scalars(day_tickets(day, tz)))
    return assemble(day, tz, settings, technicians, shifts, tickets, await read_trades(db), await read_plan(db, day))


async def read_staff(db: AsyncSession, day: dt.date) -> tuple[list[Technician], dict[int, ShiftTemplate]]:
    """The technicians on shift that weekday, in shift order, and their shifts."""
    rows = await db.execute(
        select(Technician, ShiftTemplate)
        .join(ShiftTemplate, and_(ShiftTemplate.technician_id == Technician.id, ShiftTemplate.weekday == day.weekday()))
        .join(User, User.id == Technician.user_id)
        .where(User.is_active.is_(True))
        .order_by(ShiftTemplate.start_min, Technician.id)
    )
    technicians, shifts = [], {}
    for technician, shift in rows:
        technicians.append(technician)
        shifts[technician.id] = shift
    return technicians, shifts


def on_the_day(day: dt.date, tz: ZoneInfo):  # noqa: ANN201 - a SQL condition
    """The tickets the day plans: plannable, not a duplicate, with a window that day or, for
    emergencies and urgent jobs without an appointment, reported that day."""
    start, end = day_bounds(day, tz)
    return and_(
        Ticket.status.in_(PLANNABLE),
        Ticket.duplicate_of_id.is_(None),
        or_(
            and_(Ticket.window_start < end, Ticket.window_end > start),
            and_(Ticket.window_start.is_(None), Ticket.urgency.in_((Urgency.EMERGENCY, Urgency.URGENT)),
                 Ticket.created_at >= start, Ticket.created_at < end),
        ),
    )


def day_tickets(day: dt.date, tz: ZoneInfo):  # noqa: ANN201 - a statement
    # Each ticket's building and estate are already joined: a unit's own building and a building's
    # estate come from the identity map instead of joining the same rows again per ticket. Their
    # audit times are never shown on a plan, and parsing them was a tenth of the board's time.
    return (
        select(Ticket)
        .options(joinedload(Ticket.unit).options(lazyload(Unit.building), defer(Unit.created_at), defer(Unit.updated_at)),
                 joinedload(Ticket.building).options(lazyload(Building.estate), defer(Building.created_at), defer(Building.updated_at)),
                 joinedload(Ticket.estate, innerjoin=True).options(defer(Estate.created_at), defer(Estate.updated_at)),
                 joinedload(Ticket.trade).options(defer(Trade.created_at), defer(Trade.updated_at)))
        .where(on_the_day(day, tz))
        .order_by(Ticket.id)
    )


async def read_trades(db: AsyncSession) -> dict[str, Trade]:
    return {t.code: t for t in await db.scalars(select(Trade))}


async def read_plan(db: AsyncSession, day: dt.date) -> DayPlan | None:
    # Fresh even within a request that just changed it: the board re-renders what was saved.
    return await db.scalar(select(DayPlan).where(DayPlan.day == day).execution_options(populate_existing=True))


def assemble(day: dt.date, tz: ZoneInfo, settings: CompanySettings, technicians: list[Technician],
             shifts: dict[int, ShiftTemplate], tickets: list[Ticket], trades: dict[str, Trade], plan: DayPlan | None) -> DayData:
    """The day from what was read: tickets the planner may not take yet are held out, with why."""
    data = DayData(day, tz, technicians, shifts, [], trades, plan, late_flag=dt.timedelta(minutes=int(settings["late_flag_minutes"])))
    for ticket in tickets:
        blockers = dispatch_blockers(ticket, settings)
        if blockers and ticket.status not in HELD:
            data.held_out.append((ticket, blockers))
        else:
            data.tickets.append(ticket)
    return data


def now_seconds(data: DayData, now: dt.datetime) -> int:
    return max(0, data.seconds(now))  # before the day starts this is 0: nothing to clip


def open_windows(data: DayData, ticket: Ticket, now_s: int) -> tuple[tuple[int, int], ...]:
    """The ticket's start windows from `now_s` on; empty when they have all passed. Work already
    started keeps its windows: it is happening, whatever the clock says."""
    windows = _windows(data, ticket, now_s)
    if ticket.status in STARTED:
        return windows
    return tuple((max(open_s, now_s), close_s) for open_s, close_s in windows if close_s >= now_s)


def missed(data: DayData, now: dt.datetime) -> list[Ticket]:
    """Tickets whose appointment window is over: to be rebooked, not planned."""
    now_s = now_seconds(data, now)
    return [t for t in data.tickets if not open_windows(data, t, now_s)]


def build_problem(data: DayData, now: dt.datetime) -> dispatch.Problem:
    """The day as the solver sees it. For today nothing new is planned before `now`: jobs whose window
    has passed are left out (see `missed`), and idle technicians start from now."""
    plan_stops = {s.ticket_id: s for s in data.plan.stops} if data.plan else {}
    locked = set(data.plan.locked_technicians or []) if data.plan else set()
    on_shift = {t.id for t in data.technicians}
    now_s = now_seconds(data, now)
    locations: dict[str, dispatch.Location] = {}
    technicians = []
    jobs = []
    declined: dict[int, set[int]] = {}
    for ticket in data.tickets:
        declined[ticket.id] = {int(x) for x in (ticket.declined_by or [])}

    started_by: dict[int, list[Ticket]] = {}
    for ticket in data.tickets:
        place = ticket.building or ticket.estate
        locations[f"L{ticket.id}"] = dispatch.Location(f"L{ticket.id}", place.lat, place.lon)
        if ticket.status in STARTED and ticket.technician_id is not None:
            started_by.setdefault(ticket.technician_id, []).append(ticket)
    for technician in data.technicians:
        shift = data.shifts[technician.id]
        home = f"H{technician.id}"
        locations[home] = dispatch.Location(home, technician.home_lat, technician.home_lon)
        breaks = ()
        if shift.break_minutes and shift.break_earliest_min is not None:
            breaks = (dispatch.Break(shift.break_earliest_min * 60, shift.break_latest_min * 60, shift.break_minutes * 60),)
        # A job some technicians declined gets its own skill that only the others have.
        extra = {job_key(tid) for tid, refused in declined.items() if refused and technician.id not in refused}
        start, start_s = home, min(max(shift.start_min * 60, now_s), shift.end_min * 60)
        started = [plan_stops[t.id] for t in started_by.get(technician.id, []) if t.id in plan_stops]
        if started:
            # Work under way is where the technician is: the day goes on from there, never without it.
            first = min(started, key=lambda stop: stop.start_s)
            start, start_s = f"L{first.ticket_id}", min(first.start_s, start_s)
        technicians.append(dispatch.Technician(
            id=tech_key(technician.id), skills=frozenset(technician.trades) | extra, start=start, end=home,
            shift=dispatch.Shift(start_s, shift.end_min * 60), breaks=breaks,
        ))

    for ticket in data.tickets:
        windows = open_windows(data, ticket, now_s)
        if not windows:
            continue
        location = f"L{ticket.id}"
        trade = data.trades.get(ticket.trade_code)
        skills = {ticket.trade_code} | ({job_key(ticket.id)} if declined[ticket.id] else set())
        pinned_to, fixed_start = None, None
        stop = plan_stops.get(ticket.id)
        if ticket.status in HELD and ticket.technician_id in on_shift:
            pinned_to = tech_key(ticket.technician_id)
        elif stop is not None and (stop.pinned or stop.technician_id in locked) and stop.technician_id in on_shift:
            pinned_to = tech_key(stop.technician_id)
        if pinned_to and stop is not None and (ticket.status in STARTED or stop.technician_id in locked):
            fixed_start = stop.start_s
        jobs.append(dispatch.Job(
            id=job_key(ticket.id), location=location, service=(trade.service_minutes if trade else 60) * 60,
            skills=frozenset(skills), windows=windows, priority=ticket.urgency.value,
            pinned_to=pinned_to, fixed_start=fixed_start,
        ))
    places = list(locations.values())
    return dispatch.Problem(name=f"baoxiu-{data.day.isoformat()}", locations=places, technicians=technicians, jobs=jobs,
                            travel=road_travel.travel_for(places))


def _windows(data: DayData, ticket: Ticket, now_s: int) -> tuple[tuple[int, int], ...]:
    reported_s = max(0, data.seconds(ticket.created_at))
    if ticket.window_start is not None and ticket.window_end is not None:
        open_s = max(0, data.seconds(ticket.window_start))
        close_s = min(DAY_END_S, data.seconds(ticket.window_end))
        if ticket.urgency in (Urgency.EMERGENCY, Urgency.URGENT):
            open_s = max(open_s, min(reported_s, close_s))  # nobody can be sent before the call
        return ((open_s, max(open_s, close_s)),)
    # No appointment (emergency, urgent): from the report, or from now if that is later, to the day's end.
    return ((max(reported_s, min(now_s, DAY_END_S)), DAY_END_S),)


async def solve(problem: dispatch.Problem, time_limit_s: float, previous: dispatch.Plan | None = None,
                progress: Callable[[dict], None] | None = None) -> dispatch.Plan:
    # OR-Tools holds the GIL for long stretches: run it in a worker thread so the board keeps answering.
    return await anyio.to_thread.run_sync(lambda: dispatch.solve(problem, time_limit_s, previous, progress_to=progress))


def stored_plan(data: DayData) -> dispatch.Plan | None:
    """The stored plan in the solver's terms, to warm-start the next search and to diff against."""
    if data.plan is None:
        return None
    routes: dict[int, dispatch.Route] = {}
    for stop in sorted(data.plan.stops, key=lambda s: (s.technician_id, s.sequence)):
        route = routes.setdefault(stop.technician_id, dispatch.Route(tech_key(stop.technician_id)))
        route.stops.append(dispatch.Stop(job_key(stop.ticket_id), stop.arrival_s, stop.start_s, stop.end_s))
    return dispatch.Plan(instance=f"baoxiu-{data.day.isoformat()}", routes=list(routes.values()))


@dataclass
class Change:
    ticket_id: int
    before: int | None  # technician id, None when it was not on a route
    after: int | None


def diff(before: dispatch.Plan | None, after: dispatch.Plan) -> list[Change]:
    def owners(plan: dispatch.Plan | None) -> dict[int, int]:
        if plan is None:
            return {}
        return {key_id(s.job): key_id(r.technician) for r in plan.routes for s in r.stops}

    old, new = owners(before), owners(after)
    return [Change(t, old.get(t), new.get(t)) for t in sorted(set(old) | set(new)) if old.get(t) != new.get(t)]


async def apply(db: AsyncSession, data: DayData, proposal: dispatch.Plan, base_version: int, actor: User | None,
                now: dt.datetime, problem: dispatch.Problem | None = None) -> DayPlan:
    """Store `proposal` as the day's plan and offer each technician their new jobs.

    Refused with `Conflict` when someone applied or moved since `base_version` was read.
    """
    plan = data.plan
    if plan is not None and plan.version != base_version:
        editor = await db.get(User, plan.updated_by_id) if plan.updated_by_id else None
        raise Conflict(by=editor.name if editor else _("the system"), at=plan.updated_at)
    if plan is None:
        if base_version != 0:
            raise Conflict(by="?", at=now)
        plan = DayPlan(day=data.day, locked_technicians=[], stops=[], unassigned=[])
        db.add(plan)
    pins = {s.ticket_id for s in plan.stops if s.pinned}
    await db.flush()
    await db.execute(delete(PlanStop).where(PlanStop.plan_id == plan.id))
    await db.execute(delete(PlanUnassigned).where(PlanUnassigned.plan_id == plan.id))
    await db.execute(delete(PlanBreak).where(PlanBreak.plan_id == plan.id))
    tickets = {t.id: t for t in data.tickets}
    travel = travel_per_stop(problem or build_problem(data, now), proposal)
    for route in proposal.routes:
        technician_id = key_id(route.technician)
        for sequence, stop in enumerate(route.stops):
            ticket_id = key_id(stop.job)
            db.add(PlanStop(plan_id=plan.id, technician_id=technician_id, ticket_id=ticket_id, sequence=sequence,
                            arrival_s=stop.arrival, start_s=stop.start, end_s=stop.end,
                            travel_s=travel.get(stop.job, 0), pinned=ticket_id in pins,
                            violations=route.violations or None))
            offer(db, tickets[ticket_id], technician_id, actor, now)
        for slot in route.breaks:
            db.add(PlanBreak(plan_id=plan.id, technician_id=technician_id, start_s=slot.start, end_s=slot.end))
    for item in proposal.unassigned:
        ticket = tickets[key_id(item.job)]
        db.add(PlanUnassigned(plan_id=plan.id, ticket_id=ticket.id, reason=item.reason))
        if ticket.status is Status.ASSIGNED:
            withdraw(db, ticket, actor, now, item.reason)
    plan.updated_by_id = actor.id if actor else None
    plan.updated_at = now
    plan.stats = {**proposal.stats, "applied_at": now.isoformat()}
    await db.flush()
    await db.refresh(plan)
    return plan


def travel_per_stop(problem: dispatch.Problem, plan: dispatch.Plan, matrix=None) -> dict[str, int]:  # noqa: ANN001
    matrix = dispatch.travel_matrix(problem) if matrix is None else matrix
    index = problem.location_index()
    jobs = {j.id: j for j in problem.jobs}
    techs = {t.id: t for t in problem.technicians}
    legs = {}
    for route in plan.routes:
        here = index[techs[route.technician].start]
        for stop in route.stops:
            there = index[jobs[stop.job].location]
            legs[stop.job] = int(matrix[here][there])
            here = there
    return legs


def offer(db: AsyncSession, ticket: Ticket, technician_id: int, actor: User | None, now: dt.datetime) -> None:
    """A new or moved job is offered to its technician, who must accept within the timeout."""
    if ticket.status is Status.TRIAGED:
        ticket.technician_id, ticket.offered_at = technician_id, now
        transition(db, ticket, Status.ASSIGNED, actor, at=now, data={"technician": technician_id})
    elif ticket.status is Status.ASSIGNED and ticket.technician_id != technician_id:
        previous = ticket.technician_id
        ticket.technician_id, ticket.offered_at = technician_id, now
        record(db, ticket, actor, "reassigned", at=now, data={"from": previous, "technician": technician_id})


def withdraw(db: AsyncSession, ticket: Ticket, actor: User | None, now: dt.datetime, reason: str) -> None:
    ticket.technician_id, ticket.offered_at = None, None
    transition(db, ticket, Status.TRIAGED, actor, at=now, note=reason, data={"withdrawn": True})
