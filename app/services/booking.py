"""Appointment windows a resident can trust: offered only when the day's plan can serve them, and
booked so that two people never take the same last place.

A day with a plan is asked by insertion into its routes (`dispatch.offer`); a day without one by the
trade's capacity (`dispatch.capacity_offer`). Booking re-asks inside the transaction and bumps the
day's `SlotLedger`, so a booking that raced another one fails instead of overbooking.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import dispatch
from app.i18n import gettext as _
from app.models import DayPlan, PlanStop, Scope, SlotLedger, Status, Ticket, Urgency, User
from app.services import notices, planning
from app.services.company_settings import CompanySettings
from app.services.intake import sla_due
from app.services.workflow import record, transition

# After no access (未遇) the visit is rebooked like a new one.
BOOKABLE_STATUSES = (Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.ACCEPTED, Status.NO_ACCESS)
# A new time is a new question for the technicians: the next plan offers these again.
OFFERED_STATUSES = (Status.ASSIGNED, Status.ACCEPTED, Status.NO_ACCESS)
LEAD_TIME = dt.timedelta(hours=1)  # a window starting sooner cannot be promised: nobody could get there
RECOMMENDED = 2
REMINDER_AT = dt.time(18, 0)  # the evening before the visit


class SlotTaken(Exception):
    """The window chosen is no longer open (someone else booked the room); fresh options attached."""

    def __init__(self, options: DayOptions) -> None:
        super().__init__("slot taken")
        self.options = options


@dataclass
class WindowOption:
    start: dt.datetime
    end: dt.datetime
    available: bool
    recommended: bool = False
    reason: str = ""  # why it is full, in the solver's words (localised for staff by the caller)
    extra_travel_min: int | None = None

    @property
    def value(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass
class DayOptions:
    day: dt.date
    windows: list[WindowOption] = field(default_factory=list)
    whole_day: WindowOption | None = None  # "any time that day": offered when no slot is but the day still has room
    by_plan: bool = False  # True: checked against the day's routes; False: against trade capacity

    @property
    def any_available(self) -> bool:
        return any(w.available for w in self.windows) or bool(self.whole_day and self.whole_day.available)


def blocker(ticket: Ticket) -> str | None:
    """Why this ticket takes no appointment, or None when it does."""
    if ticket.status not in BOOKABLE_STATUSES or ticket.duplicate_of_id is not None:
        return _("This ticket no longer takes an appointment.")
    if ticket.urgency in (Urgency.EMERGENCY, Urgency.URGENT):
        return _("Emergency and urgent repairs are attended at once, without an appointment.")
    if ticket.scope is Scope.PUBLIC:
        return _("Public-area work is scheduled by the property office.")
    if ticket.trade_code is None:
        return _("The front desk will confirm the trade first; then you can pick a time here.")
    return None


def appointment_context(ticket: Ticket, slots_url: str) -> dict:
    """What a ticket page needs for its appointment card (templates/slots/_appointment.html)."""
    why_not = blocker(ticket)
    return {"slots_url": slots_url, "can_book": why_not is None, "booking_blocker": why_not}


def days_offered(now: dt.datetime, settings: CompanySettings, tz: ZoneInfo) -> list[dt.date]:
    today = now.astimezone(tz).date()
    days = [today + dt.timedelta(days=n) for n in range(int(settings["slot_days_ahead"]))]
    return [d for d in days if _slot_windows(d, settings, tz, now)]


def _slot_windows(day: dt.date, settings: CompanySettings, tz: ZoneInfo, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    windows = []
    for start_text, end_text in settings["slot_template"]:
        start = dt.datetime.combine(day, dt.time.fromisoformat(start_text), tzinfo=tz)
        end = dt.datetime.combine(day, dt.time.fromisoformat(end_text), tzinfo=tz)
        if start >= now + LEAD_TIME:
            windows.append((start, end))
    return windows


@dataclass(frozen=True)
class _DayState:
    """A day as the solver sees it, before any one ticket is asked about."""

    day_start: dt.datetime
    problem: dispatch.Problem
    plan: dispatch.Plan | None  # the stored routes, limited to the day's jobs
    settled: frozenset[str]  # jobs on a route or in the plan's own queue
    service_minutes: dict[str, int]


# Reading a full day from the database costs more than asking it: a resident flipping day tabs, or
# many residents asking about the same day, reuse it until anything in it changes (the signature).
_DAYS: OrderedDict[tuple, _DayState] = OrderedDict()
_DAYS_KEPT = 32


async def _day_state(db: AsyncSession, day: dt.date, now: dt.datetime, settings: CompanySettings, tz: ZoneInfo) -> _DayState:
    # Today's problem starts at `now`, so it keys by the minute; later days do not depend on the clock.
    clock = now.replace(second=0, microsecond=0) if day <= now.astimezone(tz).date() else None
    key = (str(db.get_bind().url), day, clock, repr(sorted(settings.values.items())), await planning.day_signature(db, day, tz))
    if (state := _DAYS.get(key)) is not None:
        _DAYS.move_to_end(key)
        return state
    data = await planning.load_day(db, day, tz, settings)
    problem = planning.build_problem(data, now)
    plan, settled = planning.stored_plan(data), frozenset()
    if plan is not None:
        known = {j.id for j in problem.jobs}
        plan = replace(plan, routes=[replace(r, stops=[s for s in r.stops if s.job in known]) for r in plan.routes])
        # Booked since the plan was made: their room is taken. Jobs the plan itself could not place are
        # the dispatcher's queue, not room anyone can have.
        settled = frozenset({s.job for r in plan.routes for s in r.stops} | {planning.job_key(u.ticket_id) for u in data.plan.unassigned})
    state = _DayState(planning.day_bounds(day, tz)[0], problem, plan, settled,
                      {code: trade.service_minutes for code, trade in data.trades.items()})
    _DAYS[key] = state
    while len(_DAYS) > _DAYS_KEPT:
        _DAYS.popitem(last=False)
    return state


async def day_options(db: AsyncSession, ticket: Ticket, day: dt.date, now: dt.datetime, settings: CompanySettings,
                      tz: ZoneInfo) -> DayOptions:
    slots = _slot_windows(day, settings, tz, now)
    result = DayOptions(day)
    if not slots:
        return result
    state = await _day_state(db, day, now, settings, tz)
    seconds = [(int((start - state.day_start).total_seconds()), int((end - state.day_start).total_seconds())) for start, end in slots]
    whole = (seconds[0][0], seconds[-1][1])
    job = dispatch.Job(id=planning.job_key(ticket.id), location=f"L{ticket.id}",
                       service=state.service_minutes.get(ticket.trade_code, 60) * 60, skills=frozenset({ticket.trade_code}),
                       windows=(*seconds, whole), priority=ticket.urgency.value)
    place = await ticket.awaitable_attrs.building or await ticket.awaitable_attrs.estate
    # Rebooking: the ticket's own old place is free.
    problem = replace(state.problem, jobs=[*(j for j in state.problem.jobs if j.id != job.id), job],
                      locations=[*(x for x in state.problem.locations if x.id != job.location),
                                 dispatch.Location(job.location, place.lat, place.lon)])
    if state.plan is not None:
        plan = replace(state.plan, routes=[replace(r, stops=[s for s in r.stops if s.job != job.id]) for r in state.plan.routes])
        committed = [j.id for j in problem.jobs if j.id not in state.settled and j.id != job.id]
        offers = dispatch.offer(problem, plan, job.id, committed=committed)
        result.by_plan = True
    else:
        offers = dispatch.capacity_offer(problem, job.id)
    by_window = {o.window: o for o in offers.offers}
    refused = dict(offers.refused)
    for (start, end), window in zip([*slots, (slots[0][0], slots[-1][1])], [*seconds, whole], strict=True):
        found = by_window.get(window)
        option = WindowOption(start, end, available=found is not None, reason=refused.get(window, ""),
                              extra_travel_min=round(found.extra_travel_s / 60) if found and found.route else None)
        if window == whole:
            result.whole_day = option
        else:
            result.windows.append(option)
    # Best first is the offers' order; the top few that are real slots are recommended.
    ranked = [by_window[w] for w in [o.window for o in offers.offers] if w != whole]
    for best in ranked[:RECOMMENDED]:
        for option, window in zip(result.windows, seconds, strict=True):
            if window == best.window:
                option.recommended = True
    return result


async def first_day_with_room(db: AsyncSession, ticket: Ticket, after: dt.date, now: dt.datetime,
                              settings: CompanySettings, tz: ZoneInfo) -> DayOptions | None:
    for day in days_offered(now, settings, tz):
        if day > after:
            options = await day_options(db, ticket, day, now, settings, tz)
            if options.any_available:
                return options
    return None


async def book(db: AsyncSession, ticket: Ticket, start: dt.datetime, end: dt.datetime, actor: User, now: dt.datetime,
               settings: CompanySettings, tz: ZoneInfo) -> None:
    """Give `ticket` the window [start, end) if it is still open, else raise `SlotTaken`.

    Raises SQLAlchemy's StaleDataError when another booking for the day committed meanwhile: the
    caller rolls back and shows fresh options.
    """
    if (why := blocker(ticket)) is not None:
        raise ValueError(why)
    day = start.astimezone(tz).date()
    ledger = await _ledger(db, day)
    options = await day_options(db, ticket, day, now, settings, tz)
    chosen = next((w for w in [*options.windows, options.whole_day] if w and w.start == start and w.end == end), None)
    if chosen is None or not chosen.available:
        raise SlotTaken(options)
    had = (ticket.window_start, ticket.window_end) if ticket.window_start else None
    if had == (start, end) and ticket.status is not Status.NO_ACCESS:
        return  # the same booking sent twice (a double click): nothing to change, nothing to tell
    await _leave_plan(db, ticket, tz)
    if ticket.status in OFFERED_STATUSES:
        ticket.technician_id, ticket.offered_at = None, None
        transition(db, ticket, Status.TRIAGED, None, at=now, data={"rebooked": True})
    ticket.window_start, ticket.window_end = start, end
    ticket.sla_due_at = sla_due(ticket.urgency, settings, ticket.created_at, start)
    ticket.updated_by_id = actor.id
    await _enter_plan(db, ticket, day, now, settings, tz)
    ledger.bookings += 1
    window = {"window_start": start.isoformat(), "window_end": end.isoformat()}
    if had:
        window |= {"before_start": had[0].isoformat(), "before_end": had[1].isoformat()}
    record(db, ticket, actor, "rescheduled" if had else "booked", at=now, data=window)
    notices.notify(db, ticket.reporter_id, "rescheduled" if had else "booked", now, ticket=ticket, data=window)
    reminder_at = dt.datetime.combine(day - dt.timedelta(days=1), REMINDER_AT, tzinfo=tz)
    await notices.schedule(db, ticket.reporter_id, "reminder", reminder_at, now, ticket=ticket, data=window)
    await db.flush()


async def cancel(db: AsyncSession, ticket: Ticket, actor: User, now: dt.datetime, tz: ZoneInfo) -> None:
    """Give the window back; the ticket stays open and can be booked again."""
    if ticket.window_start is None or ticket.status not in BOOKABLE_STATUSES:
        raise ValueError(_("This ticket has no appointment to cancel."))
    window = {"window_start": ticket.window_start.isoformat(), "window_end": ticket.window_end.isoformat()}
    ledger = await _ledger(db, ticket.window_start.astimezone(tz).date())
    await _leave_plan(db, ticket, tz)
    if ticket.status in OFFERED_STATUSES:
        ticket.technician_id, ticket.offered_at = None, None
        transition(db, ticket, Status.TRIAGED, None, at=now, data={"rebooked": True})
    ticket.window_start = ticket.window_end = None
    if ticket.urgency is Urgency.NORMAL:
        ticket.sla_due_at = None  # a normal job's clock runs from the agreed time; there is none now
    ticket.updated_by_id = actor.id
    ledger.bookings += 1  # the version bump orders this against concurrent bookings of the day
    record(db, ticket, actor, "booking_cancelled", at=now, data=window)
    notices.notify(db, ticket.reporter_id, "booking_cancelled", now, ticket=ticket, data=window)
    await notices.unschedule(db, ticket, "reminder")
    await db.flush()


async def _ledger(db: AsyncSession, day: dt.date) -> SlotLedger:
    ledger = await db.scalar(select(SlotLedger).where(SlotLedger.day == day))
    if ledger is None:
        try:
            async with db.begin_nested():
                ledger = SlotLedger(day=day, bookings=0)
                db.add(ledger)
        except IntegrityError:  # the day's first two bookings raced: use the row the other one made
            ledger = await db.scalar(select(SlotLedger).where(SlotLedger.day == day))
    return ledger


async def _leave_plan(db: AsyncSession, ticket: Ticket, tz: ZoneInfo) -> None:
    """Take the ticket off whichever stored plan has it, so its old time is free for others."""
    stop = await db.scalar(select(PlanStop).where(PlanStop.ticket_id == ticket.id))
    if stop is None:
        return
    plan = await db.get(DayPlan, stop.plan_id)
    await db.delete(stop)
    plan.updated_at = dt.datetime.now(dt.timezone.utc)  # bumps the plan's version: a stale apply is refused


async def _enter_plan(db: AsyncSession, ticket: Ticket, day: dt.date, now: dt.datetime, settings: CompanySettings,
                      tz: ZoneInfo) -> None:
    """A booking on a planned day goes onto the route it was offered on, with every stop re-timed."""
    data = await planning.load_day(db, day, tz, settings)
    if data.plan is None:
        return
    problem = planning.build_problem(data, now)
    job_id = planning.job_key(ticket.id)
    if job_id not in {j.id for j in problem.jobs}:
        return
    plan = planning.stored_plan(data)
    known = {j.id for j in problem.jobs}
    plan = replace(plan, routes=[replace(r, stops=[s for s in r.stops if s.job in known]) for r in plan.routes])
    offers = dispatch.offer(problem, plan, job_id)
    if not offers.offers or offers.offers[0].route is None:
        return  # it fitted a moment ago through a committed job's place; the next optimise places it
    route = offers.offers[0].route
    technician_id = planning.key_id(route.technician)
    travel = planning.travel_per_stop(problem, dispatch.Plan(instance=problem.name, routes=[route]))
    stops = {s.ticket_id: s for s in data.plan.stops if s.technician_id == technician_id}
    for sequence, stop in enumerate(route.stops):
        ticket_id = planning.key_id(stop.job)
        row = stops.get(ticket_id)
        if row is None:
            row = PlanStop(plan_id=data.plan.id, technician_id=technician_id, ticket_id=ticket_id, pinned=False)
            db.add(row)
        row.sequence, row.arrival_s, row.start_s, row.end_s = sequence, stop.arrival, stop.start, stop.end
        row.travel_s = travel.get(stop.job, 0)
    data.plan.updated_at = now
