"""A dispatcher's hand on the plan: move a job, pin it, lock a route. Re-timed at once; broken rules
are kept on the stop and shown on the board, never silently accepted or refused."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app import dispatch
from app.i18n import gettext as _
from app.models import DayPlan, PlanStop, PlanUnassigned, User
from app.services import planning
from app.services.workflow import Conflict


class MoveError(Exception):
    """A move that cannot be made at all (the job is not plannable, the technician is off)."""


async def _plan_at(db: AsyncSession, data: planning.DayData, form: dict, now: dt.datetime) -> DayPlan:
    version = int(form.get("version") or 0)
    plan = data.plan
    if plan is None:
        if version != 0:
            raise Conflict(by="?", at=now)
        plan = DayPlan(day=data.day, locked_technicians=[], stops=[], unassigned=[], breaks=[])
        db.add(plan)
        await db.flush()
        data.plan = plan
        return plan
    if plan.version != version:
        editor = await db.get(User, plan.updated_by_id) if plan.updated_by_id else None
        raise Conflict(by=editor.name if editor else "?", at=plan.updated_at)
    return plan


def _routes(plan: DayPlan) -> dict[int, list[PlanStop]]:
    routes: dict[int, list[PlanStop]] = {}
    for stop in sorted(plan.stops, key=lambda s: s.sequence):
        routes.setdefault(stop.technician_id, []).append(stop)
    return routes


async def _rewrite(db: AsyncSession, table: dispatch.Timetable, plan: DayPlan, technician_id: int,
                   ticket_ids: list[int], pinned: set[int]) -> None:
    route = table.retime(planning.tech_key(technician_id), [planning.job_key(t) for t in ticket_ids])
    travel = planning.travel_per_stop(table.problem, dispatch.Plan(table.problem.name, routes=[route]), table.tt)
    await db.execute(delete(PlanStop).where(PlanStop.plan_id == plan.id, PlanStop.technician_id == technician_id))
    violations = route.violations or None
    for sequence, stop in enumerate(route.stops):
        db.add(PlanStop(plan_id=plan.id, technician_id=technician_id, ticket_id=planning.key_id(stop.job),
                        sequence=sequence, arrival_s=stop.arrival, start_s=stop.start, end_s=stop.end,
                        travel_s=travel.get(stop.job, 0), pinned=planning.key_id(stop.job) in pinned,
                        violations=violations))


def _touch(plan: DayPlan, actor: User, now: dt.datetime) -> None:
    plan.updated_by_id, plan.updated_at = actor.id, now


async def move_job(db: AsyncSession, data: planning.DayData, form: dict, actor: User, now: dt.datetime) -> None:
    ticket_id = int(form.get("ticket_id") or 0)
    target = int(form["technician_id"]) if form.get("technician_id", "").isdigit() else None
    position = int(form.get("position") or 0)
    tickets = {t.id: t for t in data.tickets}
    if ticket_id not in tickets:
        held = dict((t.id, why) for t, why in data.held_out).get(ticket_id)
        raise MoveError(" ".join(held) if held else _("This ticket cannot be planned for this day."))
    if target is not None and target not in data.shifts:
        raise MoveError(_("That technician is not on shift this day."))
    plan = await _plan_at(db, data, form, now)
    routes = _routes(plan)
    pinned = {s.ticket_id for s in plan.stops if s.pinned}
    source = next((tech for tech, stops in routes.items() if any(s.ticket_id == ticket_id for s in stops)), None)
    orders = {tech: [s.ticket_id for s in stops] for tech, stops in routes.items()}
    if source is not None:
        orders[source].remove(ticket_id)
    if target is not None:
        order = orders.setdefault(target, [])
        order.insert(max(0, min(position, len(order))), ticket_id)
        pinned.add(ticket_id)  # a hand-placed job stays where the dispatcher put it
    else:
        pinned.discard(ticket_id)
    # One day, one travel table for both routes: the problem reads the plan as it was before the move.
    problem = planning.build_problem(data, now)
    table = dispatch.Timetable(problem, dispatch.travel_matrix(problem))
    # The source first: the database holds a ticket to one stop per plan, even mid-transaction.
    for technician_id in dict.fromkeys(t for t in (source, target) if t is not None):
        await _rewrite(db, table, plan, technician_id, orders.get(technician_id, []), pinned)
    await db.execute(delete(PlanUnassigned).where(PlanUnassigned.plan_id == plan.id, PlanUnassigned.ticket_id == ticket_id))
    ticket = tickets[ticket_id]
    if target is not None:
        planning.offer(db, ticket, target, actor, now)
    else:
        db.add(PlanUnassigned(plan_id=plan.id, ticket_id=ticket_id, reason=_("Moved to the queue by %(name)s.", name=actor.name)))
        if ticket.status.value == "assigned":
            planning.withdraw(db, ticket, actor, now, _("Taken back by the dispatcher."))
    _touch(plan, actor, now)


async def toggle_pin(db: AsyncSession, data: planning.DayData, form: dict, actor: User, now: dt.datetime) -> None:
    plan = await _plan_at(db, data, form, now)
    ticket_id = int(form.get("ticket_id") or 0)
    stop = next((s for s in plan.stops if s.ticket_id == ticket_id), None)
    if stop is None:
        raise MoveError(_("Only a job on a route can be pinned."))
    stop.pinned = not stop.pinned
    _touch(plan, actor, now)


async def lock_route(db: AsyncSession, data: planning.DayData, form: dict, actor: User, now: dt.datetime) -> None:
    plan = await _plan_at(db, data, form, now)
    technician_id = int(form.get("technician_id") or 0)
    locked = set(plan.locked_technicians or [])
    locked ^= {technician_id}
    plan.locked_technicians = sorted(locked)
    _touch(plan, actor, now)
