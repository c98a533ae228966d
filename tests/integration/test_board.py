"""The board's services and pages: database to problem, apply and its versions, moves, offers, emergencies."""

import asyncio
import dataclasses
import datetime as dt
import re
from zoneinfo import ZoneInfo

from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app import dispatch
from app.asgi import create_app
from app.db import install_sqlite_pragmas
from app.models import (
    Building, Channel, DayPlan, PlanStop, PlanUnassigned, Status, Technician, Ticket, TicketEvent, Urgency, User,
)
from app.services import company_settings, emergency, offers, planning
from tests.conftest import ACCOUNTS, csrf, login
from tests.integration.helpers import db_session, post

TZ = ZoneInfo("Asia/Shanghai")


def tomorrow() -> dt.date:
    return dt.datetime.now(TZ).date() + dt.timedelta(days=1)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


def run(settings, work):
    """Run `work(db)` in a session of its own and commit."""
    async def go():
        engine = create_async_engine(settings.database_url)
        install_sqlite_pragmas(engine.sync_engine)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                result = await work(db)
                await db.commit()
                return result
        finally:
            await engine.dispose()
    return asyncio.run(go())


def optimise_and_apply(client, day: dt.date) -> str:
    board = client.get(f"/board?day={day}")
    started = post(client, f"/board/{day}/optimise", {})
    job = re.search(r"/optimise/([^\"]+)\"", started.text).group(1)
    for _ in range(60):
        status = client.get(f"/board/{day}/optimise/{job}")
        if 'data-testid="optimise-preview"' in status.text:
            break
        asyncio.run(asyncio.sleep(0.5))
    assert 'data-testid="optimise-preview"' in status.text
    applied = post(client, f"/board/{day}/apply", {"job": job})
    assert applied.status_code == 200, applied.text[:400]
    assert board.status_code == 200
    return job


def test_problem_maps_pins_fixed_starts_windows_and_declines(demo_settings):
    day = tomorrow() + dt.timedelta(days=5)  # a day of its own, so other tests' plans do not interfere

    async def setup(db):
        technicians = [t for t in await db.scalars(select(Technician).order_by(Technician.id))
                       if any(s.weekday == day.weekday() and s.start_min <= 480 for s in t.shifts)]
        plumber = next(t for t in technicians if "plumbing" in t.trades)
        other = next(t for t in technicians if "plumbing" in t.trades and t.id != plumber.id)
        building = await db.scalar(select(Building).limit(1))
        tickets = []
        for index, (status, urgency, window) in enumerate([
            (Status.TRIAGED, Urgency.NORMAL, (10, 12)),
            (Status.ACCEPTED, Urgency.NORMAL, (13, 15)),
            (Status.IN_PROGRESS, Urgency.NORMAL, (8, 10)),
            (Status.TRIAGED, Urgency.NORMAL, (15, 17)),
        ]):
            ticket = Ticket(number=f"BX{day:%Y%m%d}-9{index:03d}", channel=Channel.PHONE, status=status, urgency=urgency,
                            trade_code="plumbing", description="测试", estate_id=building.estate_id, building_id=building.id,
                            window_start=at(day, window[0]), window_end=at(day, window[1]),
                            technician_id=plumber.id if status is not Status.TRIAGED else None)
            db.add(ticket)
            tickets.append(ticket)
        tickets[3].declined_by = [plumber.id]
        await db.flush()
        plan = DayPlan(day=day, locked_technicians=[], stops=[], unassigned=[], breaks=[])
        db.add(plan)
        await db.flush()
        db.add(PlanStop(plan_id=plan.id, technician_id=plumber.id, ticket_id=tickets[2].id, sequence=0,
                        arrival_s=8 * 3600, start_s=8 * 3600 + 600, end_s=9 * 3600, travel_s=300))
        return plumber.id, other.id, [t.id for t in tickets]

    plumber, other, ids = run(demo_settings, setup)

    async def build(db):
        settings = await company_settings.load(db)
        data = await planning.load_day(db, day, TZ, settings)
        return data, planning.build_problem(data, at(day, 7))

    data, problem = run(demo_settings, build)
    jobs = {j.id: j for j in problem.jobs}
    free, held, started, declined = (jobs[planning.job_key(i)] for i in ids)
    assert free.pinned_to is None and free.windows == ((10 * 3600, 12 * 3600),)
    assert held.pinned_to == planning.tech_key(plumber) and held.fixed_start is None
    assert started.pinned_to == planning.tech_key(plumber) and started.fixed_start == 8 * 3600 + 600
    techs = {t.id: t for t in problem.technicians}
    # The technician on site starts the plan at that job, so it can never be dropped.
    assert techs[planning.tech_key(plumber)].start == started.location
    assert planning.job_key(ids[3]) in declined.skills
    assert planning.job_key(ids[3]) not in techs[planning.tech_key(plumber)].skills
    assert planning.job_key(ids[3]) in techs[planning.tech_key(other)].skills
    plan = dispatch.solve(problem, 2)
    owner = {s.job: r.technician for r in plan.routes for s in r.stops}
    assert owner.get(declined.id) != planning.tech_key(plumber)
    assert owner[held.id] == planning.tech_key(plumber)
    assert next(s for r in plan.routes for s in r.stops if s.job == started.id).start == 8 * 3600 + 600


def test_optimise_apply_and_the_second_dispatcher_is_refused(client, demo_settings):
    day = tomorrow()
    login(client, ACCOUNTS["dispatcher"])
    version_before = int(re.search(r'data-version="(\d+)"', client.get(f"/board?day={day}").text).group(1))
    started = post(client, f"/board/{day}/optimise", {})
    stale_job = re.search(r"/optimise/([^\"]+)\"", started.text).group(1)
    optimise_and_apply(client, day)  # someone else applies first
    with db_session(demo_settings) as db:
        plan = db.scalar(select(DayPlan).where(DayPlan.day == day))
        assert plan.version > version_before
        per_ticket = db.execute(select(PlanStop.ticket_id, func.count()).where(PlanStop.plan_id == plan.id).group_by(PlanStop.ticket_id)).all()
        assert per_ticket and all(n == 1 for _t, n in per_ticket)  # no job on two routes
        offered = db.scalar(select(func.count()).select_from(Ticket).join(PlanStop, PlanStop.ticket_id == Ticket.id)
                            .where(PlanStop.plan_id == plan.id, Ticket.status == Status.ASSIGNED))
        assert offered > 0
    for _ in range(60):
        if 'optimise-preview' in client.get(f"/board/{day}/optimise/{stale_job}").text:
            break
        asyncio.run(asyncio.sleep(0.5))
    refused = post(client, f"/board/{day}/apply", {"job": stale_job})
    assert refused.status_code == 409
    assert 'data-testid="board-message"' in refused.text and "已被" in refused.text


def test_optimise_shows_the_best_plan_so_far_while_it_runs(demo_settings):
    day = tomorrow()
    # long enough that the search is still running on a busy machine when the panel is asked
    with TestClient(create_app(dataclasses.replace(demo_settings, optimise_seconds=8.0))) as client:
        login(client, ACCOUNTS["dispatcher"])
        started = post(client, f"/board/{day}/optimise", {})
        job = re.search(r"/optimise/([^\"]+)\"", started.text).group(1)
        best_so_far = []
        for _ in range(80):
            status = client.get(f"/board/{day}/optimise/{job}").text
            if 'data-testid="optimise-preview"' in status:
                break
            best_so_far += re.findall(r'data-testid="optimise-best">([^<]*)<', status)
            asyncio.run(asyncio.sleep(0.3))
    assert 'data-testid="optimise-preview"' in status
    # while it searched, the panel named a plan: jobs on routes, unassigned, travel
    assert [line for line in best_so_far if len(re.findall(r"\d+", line)) >= 4], best_so_far


def test_move_retimes_pins_and_shows_broken_rules(client, demo_settings):
    day = tomorrow()
    login(client, ACCOUNTS["dispatcher"])
    if 'data-testid="block-' not in client.get(f"/board?day={day}").text:
        optimise_and_apply(client, day)
    with db_session(demo_settings) as db:
        plan = db.scalar(select(DayPlan).where(DayPlan.day == day))
        stop = db.scalar(select(PlanStop).join(Ticket, Ticket.id == PlanStop.ticket_id)
                         .where(PlanStop.plan_id == plan.id, Ticket.trade_code == "plumbing", Ticket.status == Status.ASSIGNED).limit(1))
        mismatch = next(t for t in db.scalars(select(Technician)) if "plumbing" not in t.trades and t.id != stop.technician_id
                        and db.scalar(select(func.count()).select_from(PlanStop).where(PlanStop.plan_id == plan.id, PlanStop.technician_id == t.id)) is not None)
        version, ticket_id = plan.version, stop.ticket_id
    board = client.get(f"/board?day={day}").text
    target = next(int(m) for m in re.findall(r'data-technician="(\d+)"', board) if int(m) == mismatch.id or True)
    target = mismatch.id if f'data-technician="{mismatch.id}"' in board else target
    moved = post(client, f"/board/{day}/move", {"ticket_id": ticket_id, "technician_id": target, "position": 0, "version": version})
    assert moved.status_code == 200
    with db_session(demo_settings) as db:
        plan = db.scalar(select(DayPlan).where(DayPlan.day == day))
        new_stop = db.scalar(select(PlanStop).where(PlanStop.plan_id == plan.id, PlanStop.ticket_id == ticket_id))
        ticket = db.get(Ticket, ticket_id)
        assert (new_stop.technician_id, new_stop.sequence, new_stop.pinned) == (target, 0, True)
        assert ticket.technician_id == target
        technician = db.get(Technician, target)
        if "plumbing" not in technician.trades:
            assert new_stop.violations and any("lacks" in v for v in new_stop.violations)
            assert 'data-testid="violation"' in moved.text
        assert plan.version > version
    stale = post(client, f"/board/{day}/move", {"ticket_id": ticket_id, "technician_id": "", "position": 0, "version": version})
    assert stale.status_code == 409


def test_offer_is_accepted_declined_or_times_out(client, demo_settings):
    day = tomorrow()
    login(client, ACCOUNTS["dispatcher"])
    if 'data-testid="block-' not in client.get(f"/board?day={day}").text:
        optimise_and_apply(client, day)
    client.post("/logout", data={"_csrf_token": csrf(client)})
    with db_session(demo_settings) as db:
        offered = db.scalars(select(Ticket).join(PlanStop, PlanStop.ticket_id == Ticket.id)
                             .where(Ticket.status == Status.ASSIGNED, Ticket.window_start >= at(day, 0))
                             .order_by(Ticket.id)).all()
        by_tech = {}
        for t in offered:
            by_tech.setdefault(t.technician_id, []).append(t)
        technician_id, jobs = next((k, v) for k, v in by_tech.items() if len(v) >= 2)
        username = db.scalar(select(User.username).join(Technician, Technician.user_id == User.id).where(Technician.id == technician_id))
        first, second = jobs[0].number, jobs[1].number
    login(client, username)
    page = client.get(f"/tech?day={day}")
    assert f'data-testid="accept-{first}"' in page.text
    assert post(client, f"/tech/jobs/{first}/accept", {}).status_code == 200
    no_reason = post(client, f"/tech/jobs/{second}/decline", {"reason": ""})
    assert no_reason.status_code == 422
    assert post(client, f"/tech/jobs/{second}/decline", {"reason": "缺少配件"}).status_code == 200
    with db_session(demo_settings) as db:
        accepted = db.scalar(select(Ticket).where(Ticket.number == first))
        declined = db.scalar(select(Ticket).where(Ticket.number == second))
        assert accepted.status is Status.ACCEPTED
        assert declined.status is Status.TRIAGED and declined.technician_id is None and technician_id in declined.declined_by
        assert db.scalar(select(PlanStop).where(PlanStop.ticket_id == declined.id)) is None
        assert db.scalar(select(PlanUnassigned.reason).where(PlanUnassigned.ticket_id == declined.id)) == "缺少配件"
    assert post(client, f"/tech/jobs/{second}/accept", {}).status_code in (404, 409)



def test_an_offer_not_answered_in_time_returns_to_the_queue(demo_settings):
    # Long ago, so the sweep's clock (just after this offer's timeout) finds no other offer old enough.
    offered_at = at(tomorrow() - dt.timedelta(days=400), 9)

    async def setup(db):
        technician = await db.scalar(select(Technician).order_by(Technician.id).limit(1))
        building = await db.scalar(select(Building).limit(1))
        ticket = Ticket(number=f"BX{offered_at:%Y%m%d}-7001", channel=Channel.PHONE, status=Status.ASSIGNED,
                        urgency=Urgency.NORMAL, trade_code=technician.trades[0], description="待接单",
                        estate_id=building.estate_id, building_id=building.id, technician_id=technician.id,
                        offered_at=offered_at)
        db.add(ticket)
        await db.flush()
        return ticket.id, technician.id

    ticket_id, technician_id = run(demo_settings, setup)

    async def expire(db):
        timeout = int((await company_settings.load(db))["accept_timeout_minutes"])
        early = await offers.expire(db, offered_at + dt.timedelta(minutes=timeout - 1), timeout)
        late = await offers.expire(db, offered_at + dt.timedelta(minutes=timeout + 1), timeout)
        return [t.id for t in early], [t.id for t in late]

    early, late = run(demo_settings, expire)
    assert ticket_id not in early and ticket_id in late
    with db_session(demo_settings) as db:
        ticket = db.get(Ticket, ticket_id)
        assert ticket.status is Status.TRIAGED and technician_id in ticket.declined_by and ticket.technician_id is None
        event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id.desc())).first()
        assert event.actor_id is None and event.to_status is Status.TRIAGED and event.data["timed_out"] is True


def test_an_emergency_replans_the_day_and_holds_accepted_work(demo_settings):
    day = tomorrow() + dt.timedelta(days=6)

    async def setup(db):
        plumber = next(t for t in await db.scalars(select(Technician).order_by(Technician.id))
                       if "plumbing" in t.trades and any(s.weekday == day.weekday() and s.start_min <= 600 for s in t.shifts))
        building = await db.scalar(select(Building).offset(5).limit(1))
        accepted = Ticket(number=f"BX{day:%Y%m%d}-8001", channel=Channel.PHONE, status=Status.ACCEPTED, urgency=Urgency.NORMAL,
                          trade_code="plumbing", description="已接单", estate_id=building.estate_id, building_id=building.id,
                          window_start=at(day, 13), window_end=at(day, 15), technician_id=plumber.id)
        burst = Ticket(number=f"BX{day:%Y%m%d}-8002", channel=Channel.PHONE, status=Status.TRIAGED, urgency=Urgency.EMERGENCY,
                       trade_code="plumbing", description="水管爆裂跑水", estate_id=building.estate_id, building_id=building.id,
                       created_at=at(day, 10), sla_due_at=at(day, 10, 10))
        db.add_all([accepted, burst])
        await db.flush()
        return plumber.id, accepted.id, burst.id

    plumber, accepted_id, burst_id = run(demo_settings, setup)
    alchemy = type("Alchemy", (), {})()
    engine = None

    async def replan():
        nonlocal engine
        engine = create_async_engine(demo_settings.database_url)
        install_sqlite_pragmas(engine.sync_engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        alchemy.get_session = sessions
        try:
            return await emergency.replan(alchemy, day, TZ, at(day, 10, 1))
        finally:
            await engine.dispose()

    assert asyncio.run(replan()) is True
    with db_session(demo_settings) as db:
        plan = db.scalar(select(DayPlan).where(DayPlan.day == day))
        stops = {s.ticket_id: s for s in db.scalars(select(PlanStop).where(PlanStop.plan_id == plan.id))}
        assert stops[accepted_id].technician_id == plumber  # held
        burst_stop = stops[burst_id]
        assert burst_stop.start_s >= 10 * 3600  # not before the call
        assert burst_stop.arrival_s <= 10 * 3600 + 60 * 60  # attended promptly, not at the end of the day
        assert db.get(Ticket, burst_id).status is Status.ASSIGNED
        event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == burst_id)).all()[-1]
        assert event.actor_id is None and event.to_status is Status.ASSIGNED


def test_board_page_shows_rows_queue_map_and_refuses_other_roles(client):
    login(client, ACCOUNTS["dispatcher"])
    page = client.get(f"/board?day={tomorrow()}")
    assert page.status_code == 200
    assert page.text.count('data-testid="lane"') >= 25
    assert 'data-testid="route-map"' in page.text and 'data-testid="queue"' in page.text
    client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, ACCOUNTS["desk"])
    assert client.get("/board").status_code == 403
    assert post(client, f"/board/{tomorrow()}/optimise", {}).status_code == 403


def test_a_board_refresh_of_an_unchanged_day_leaves_the_page_alone(client, demo_settings):
    day = tomorrow() + dt.timedelta(days=9)
    login(client, ACCOUNTS["dispatcher"])
    htmx = {"HX-Request": "true", "HX-Target": "board"}
    first = client.get(f"/board?day={day}", headers=htmx)
    stamp = re.search(r'since=([0-9a-f]{16})', first.text).group(1)
    assert client.get(f"/board?day={day}&since={stamp}", headers=htmx).status_code == 204

    async def change(db):
        building = await db.scalar(select(Building).limit(1))
        db.add(Ticket(number=f"BX{day:%Y%m%d}-7001", channel=Channel.PHONE, status=Status.TRIAGED, urgency=Urgency.NORMAL,
                      trade_code="plumbing", description="新预约", estate_id=building.estate_id, building_id=building.id,
                      window_start=at(day, 10), window_end=at(day, 12)))

    run(demo_settings, change)
    changed = client.get(f"/board?day={day}&since={stamp}", headers=htmx)
    assert changed.status_code == 200 and f"BX{day:%Y%m%d}-7001" in changed.text


def test_every_request_inside_the_board_names_its_own_target(client, demo_settings):
    """The board's own hx-target="this" is inherited: a child without a target of its own would
    replace the whole board with its answer, and that board would hear no change again."""
    day = tomorrow() + dt.timedelta(days=10)

    async def repeat_in_the_queue(db):
        first = await db.scalar(select(Ticket).where(Ticket.status == Status.CLOSED).limit(1))
        db.add(Ticket(number=f"BX{day:%Y%m%d}-7101", channel=Channel.PHONE, status=Status.TRIAGED, urgency=Urgency.NORMAL,
                      trade_code=first.trade_code, description="又坏了", estate_id=first.estate_id, building_id=first.building_id,
                      unit_id=first.unit_id, parent_id=first.id, window_start=at(day, 10), window_end=at(day, 12)))

    run(demo_settings, repeat_in_the_queue)
    login(client, ACCOUNTS["dispatcher"])
    page = client.get(f"/board?day={day}", headers={"HX-Request": "true", "HX-Target": "board"}).text
    assert "repeat-note" in page
    tags = re.findall(r"<[^>]*\bhx-(?:get|post)=[^>]*>", page)
    assert tags
    assert [tag for tag in tags if "hx-target=" not in tag] == []
