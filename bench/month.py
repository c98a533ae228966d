"""Issue 8 "Speed": the month report over a month of 10,000 tickets and their events, in a scratch database.

    .venv/bin/python bench/month.py                    # 10,000 tickets, 20 timed requests
    .venv/bin/python bench/month.py --tickets 20000 --requests 30 --keep

Target: GET /reports/month under 300 ms server time. Steps:

1. migrate + seed the demo company into a temporary directory (estates, units, 36 technicians);
2. bulk-insert N tickets reported over last month (local time) with their status events, walked
   along the app's transitions with realistic gaps: most completed and rated, some paused, no
   access, cancelled or still open; paid ones with a quote; a few follow-up tickets with a parent;
   plus a day plan for every day of the month with the completed jobs as stops;
3. time GET /reports/month?month=... as super1 through litestar's TestClient (in-process: the
   server's time without network): 3 warm-ups, then N requests; median and p95; then the service
   alone and the template render alone, to say where the time goes.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from scratch import percentile, run_in_scratch

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory and print it")
    args = parser.parse_args()

    run_in_scratch("baoxiu-bench-month-", args.keep, lambda scratch: run(scratch, args))


def generate(settings, first_day, tz, count: int, rng: random.Random) -> tuple[int, int, int]:  # noqa: ANN001, C901
    """Insert the month's tickets, events and day plans with Core bulk inserts; returns the row counts."""
    import datetime as dt

    from sqlalchemy import create_engine, func, insert, select

    from app.models import (
        Building, Channel, Charge, DayPlan, PlanStop, Role, Scope, Status, Technician, Ticket, TicketEvent, Trade, Unit, Urgency,
    )
    from app.services.company_settings import DEFAULTS
    from app.services.reports.month import next_month

    S = Status
    engine = create_engine(settings.database_url.replace("+aiosqlite", ""))
    with engine.begin() as conn:
        units = conn.execute(select(Unit.id, Unit.building_id)).all()
        estate_of = dict(conn.execute(select(Building.id, Building.estate_id)).all())
        trades = list(conn.scalars(select(Trade.code)))
        technicians = conn.execute(select(Technician.id, Technician.user_id, Technician.trades)).all()
        next_ticket = (conn.scalar(select(func.max(Ticket.id))) or 0) + 1
        next_event = (conn.scalar(select(func.max(TicketEvent.id))) or 0) + 1

    by_trade = {code: [t for t in technicians if code in t.trades] or technicians for code in trades}
    sla = DEFAULTS["sla_minutes"]
    days = (next_month(first_day) - first_day).days
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz)
    tickets, events, stops_by_day = [], [], {}
    minutes = dt.timedelta(minutes=1)
    for n in range(count):
        ticket_id = next_ticket + n
        created = start + dt.timedelta(days=rng.randrange(days), minutes=rng.uniform(7 * 60, 22 * 60))
        urgency = rng.choices(list(Urgency), weights=(3, 10, 70, 17))[0]
        trade = rng.choice(trades)
        unit_id, building_id = rng.choice(units)
        technician = rng.choice(by_trade[trade])
        window_start = None
        if urgency is Urgency.NORMAL:
            window_start = (created + dt.timedelta(days=rng.choice((0, 1, 1, 2)))).replace(
                hour=rng.choice((8, 10, 13, 15, 17, 19)), minute=0, second=0, microsecond=0)
            window_start = max(window_start, created + 30 * minutes)
            due = window_start + sla["normal"] * minutes
        else:
            due = created + sla[urgency.value] * minutes
        fate = rng.choices(("done", "paused", "no_access", "cancelled", "open"), weights=(80, 5, 4, 5, 6))[0]
        charge = rng.choices((Charge.FREE, Charge.PAID, Charge.WARRANTY), weights=(55, 35, 10))[0]
        quote = round(rng.uniform(30, 600), 2) if charge is Charge.PAID else None
        fast = urgency in (Urgency.EMERGENCY, Urgency.URGENT)
        at = created
        path: list[tuple[Status, dt.datetime]] = [(S.NEW, at)]

        def step(status: Status, lo: float, hi: float) -> None:
            nonlocal at
            at = at + rng.uniform(lo, hi) * minutes
            path.append((status, at))

        if fate == "cancelled":
            step(S.CANCELLED, 10, 600)
        else:
            step(S.TRIAGED, 1, 30)
            if fate != "open" or rng.random() < 0.5:
                step(S.ASSIGNED, 1, 20)
                step(S.ACCEPTED, 1, 8)
                if window_start and at < window_start:
                    at = window_start - rng.uniform(5, 30) * minutes
                step(S.EN_ROUTE, 1, 3)
                step(S.ON_SITE, 3 if fast else 5, 12 if fast else 35)
                if fate == "no_access":
                    step(S.NO_ACCESS, 5, 15)
                    if rng.random() < 0.6:  # rebooked and done the next day
                        step(S.TRIAGED, 30, 120)
                        step(S.ASSIGNED, 600, 1400)
                        step(S.ACCEPTED, 1, 8)
                        step(S.EN_ROUTE, 1, 30)
                        step(S.ON_SITE, 5, 35)
                        fate = "done"
                if fate in ("done", "paused"):
                    step(S.IN_PROGRESS, 1, 10)
                    if fate == "paused":
                        step(S.PAUSED, 15, 60)
                        if rng.random() < 0.5:
                            step(S.IN_PROGRESS, 1440, 5 * 1440)
                            fate = "done"
                    if fate == "done":
                        step(S.COMPLETED, 20, 150)
                        if rng.random() < 0.85:
                            step(S.CONFIRMED, 2, 600)
                            if rng.random() < 0.7:
                                step(S.CLOSED, 240, 3 * 1440)
        status = path[-1][0]
        reached = {s for s, _ in path}
        has_technician = S.ASSIGNED in reached and status not in (S.TRIAGED, S.NEW, S.CANCELLED)
        rating = rng.choices((5, 4, 3, 2, 1), weights=(60, 25, 9, 4, 2))[0] if S.CONFIRMED in reached else None
        tickets.append({
            "id": ticket_id, "number": f"BM{first_day:%Y%m}-{n + 1:05d}", "channel": rng.choice(list(Channel)),
            "status": status, "urgency": urgency, "scope": Scope.IN_HOME, "trade_code": trade,
            "description": "基准测试：报修", "estate_id": estate_of[building_id], "building_id": building_id,
            "unit_id": unit_id, "window_start": window_start,
            "window_end": window_start + dt.timedelta(hours=2) if window_start else None, "sla_due_at": due,
            "technician_id": technician.id if has_technician else None, "charge": charge, "quote_total": quote,
            "rating": rating, "version": len(path), "created_at": created, "updated_at": path[-1][1],
            # One in fifty reports is a follow-up of an earlier ticket of the month.
            "parent_id": next_ticket + rng.randrange(n) if n and rng.random() < 0.02 else None,
        })
        previous = None
        for status_, when in path:
            technician_step = status_ in (S.ACCEPTED, S.EN_ROUTE, S.ON_SITE, S.IN_PROGRESS, S.PAUSED, S.NO_ACCESS, S.COMPLETED)
            events.append({
                "id": next_event + len(events), "ticket_id": ticket_id, "at": when,
                "actor_id": technician.user_id if technician_step else None,
                "actor_role": Role.TECHNICIAN if technician_step else Role.DESK,
                "kind": "created" if previous is None else "status", "from_status": previous, "to_status": status_,
                "note": "", "created_at": when, "updated_at": when,
            })
            previous = status_
        if S.COMPLETED in reached:
            on_site = next(when for s, when in path if s is S.ON_SITE)
            local = on_site.astimezone(tz)
            if local.date() < next_month(first_day):
                seconds = local.hour * 3600 + local.minute * 60
                stops_by_day.setdefault(local.date(), []).append((technician.id, ticket_id, seconds, rng.randint(300, 2400)))

    plans, stops = [], []
    with engine.begin() as conn:
        conn.execute(insert(Ticket), tickets)
        conn.execute(insert(TicketEvent), events)
        for day, day_stops in sorted(stops_by_day.items()):
            plan_id = conn.execute(insert(DayPlan).values(day=day, version=1, locked_technicians=[])).inserted_primary_key[0]
            plans.append(plan_id)
            for sequence, (technician_id, ticket_id, seconds, travel_s) in enumerate(day_stops):
                stops.append({"plan_id": plan_id, "technician_id": technician_id, "ticket_id": ticket_id,
                              "sequence": sequence, "arrival_s": seconds, "start_s": seconds,
                              "end_s": seconds + 3600, "travel_s": travel_s, "pinned": False})
        conn.execute(insert(PlanStop), stops)
    engine.dispose()
    return len(tickets), len(events), len(stops)


def run(scratch: Path, args: argparse.Namespace) -> None:
    import datetime as dt
    import logging
    from zoneinfo import ZoneInfo

    from litestar.testing import TestClient
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from app.asgi import create_app
    from app.cli import migrate, seed_if_empty
    from app.i18n import set_locale
    from app.models import Role
    from app.services.reports import month
    from app.services.reports.month_tables import month_charts, month_tables
    from app.services.reports.tables import show
    from app.settings import get_settings
    from app.web import template_config

    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = get_settings()
    tz = ZoneInfo(settings.timezone)
    today = dt.datetime.now(tz).date()
    first_day = month.previous_month(today.replace(day=1))
    rng = random.Random(args.seed)

    started = time.perf_counter()
    migrate(settings)
    asyncio.run(seed_if_empty(settings))
    print(f"demo database in {scratch} ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    n_tickets, n_events, n_stops = generate(settings, first_day, tz, args.tickets, rng)
    print(f"{first_day:%Y-%m}: {n_tickets:,} tickets, {n_events:,} events, {n_stops:,} plan stops "
          f"inserted in {time.perf_counter() - started:.1f} s")

    url = f"/reports/month?month={first_day:%Y-%m}"
    timings = []
    with TestClient(create_app(settings)) as client:
        client.get("/login")
        response = client.post("/login", data={"account": "super1", "password": "baoxiu123",
                                               "_csrf_token": client.cookies["csrftoken"]})
        assert response.status_code == 200, response.status_code
        for _ in range(3):
            page = client.get(url)
            assert page.status_code == 200, page.text[:500]
        for _ in range(args.requests):
            began = time.perf_counter()
            page = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
            assert page.status_code == 200
        size_kib = len(page.content) / 1024

    async def service_only() -> tuple[list[float], list[float]]:
        engine = create_async_engine(settings.database_url)
        environment = template_config().to_engine().engine
        template = environment.get_template("reports/month.html")
        service, render = [], []
        # What the base template reads from the request: the signed-in user and the path.
        user = SimpleNamespace(role=Role.SUPERVISOR, name="super1")
        request = SimpleNamespace(scope={"user": user}, url=SimpleNamespace(path=url))
        try:
            async with async_sessionmaker(engine)() as db:
                for _ in range(args.requests):
                    began = time.perf_counter()
                    stats = await month.month_stats(db, first_day, tz, dt.datetime.now(dt.timezone.utc))
                    service.append((time.perf_counter() - began) * 1000)
                    began = time.perf_counter()

                    template.render(stats=stats, tables=month_tables(stats), charts=month_charts(stats), show=show,
                                    month_value=f"{first_day:%Y-%m}", previous="", next="", request=request,
                                    csrf_token=lambda: "", csrf_input="")
                    render.append((time.perf_counter() - began) * 1000)
        finally:
            await engine.dispose()
        return service, render

    set_locale("zh_CN")
    service, render = asyncio.run(service_only())
    median = statistics.median(timings)
    print(f"GET {url}: {size_kib:.0f} KiB; median {median:.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
          f"min {min(timings):.1f} ms over {len(timings)} requests "
          f"(target < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'MISSED'})")
    print(f"  service month_stats: median {statistics.median(service):.1f} ms, p95 {percentile(service, 0.95):.1f} ms")
    print(f"  tables + charts + template render: median {statistics.median(render):.1f} ms, "
          f"p95 {percentile(render, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
