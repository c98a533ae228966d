"""The demo company loads fast, is the same for the same day, and tells a consistent story."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.cli import migrate
from app.db import install_sqlite_pragmas
from app.demo import DEMO_PASSWORD, DEMO_RESIDENT_PHONE, DemoSummary, load_demo
from app.demo.history import WITH_TECHNICIAN
from app.models import (
    Building,
    Charge,
    Estate,
    Occupancy,
    Role,
    Scope,
    ShiftTemplate,
    Status,
    Technician,
    Ticket,
    TicketCounter,
    TicketEvent,
    Trade,
    Unit,
    Urgency,
    User,
)
from app.security import verify_password
from app.services.company_settings import DEFAULTS
from app.services.warranty import add_months
from app.services.workflow import TRANSITIONS
from app.settings import load_settings

TODAY = dt.date(2026, 11, 23)
TZ = ZoneInfo("Asia/Shanghai")
TRADE_CODES = {"plumbing", "electrical", "gas", "locks", "appliances", "hvac", "low_voltage", "civil",
               "cleaning", "security"}


@dataclass
class Loaded:
    engine: Engine
    summary: DemoSummary
    seconds: float


def _load(data_dir: Path, today: dt.date) -> Loaded:
    settings = load_settings({"BAOXIU_DATA_DIR": str(data_dir), "SECRET_KEY": "x"})
    migrate(settings)

    async def run() -> tuple[DemoSummary, float]:
        engine = create_async_engine(settings.database_url)
        install_sqlite_pragmas(engine.sync_engine)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                started = time.perf_counter()
                summary = await load_demo(db, today=today)
                await db.commit()
                return summary, time.perf_counter() - started
        finally:
            await engine.dispose()

    summary, seconds = asyncio.run(run())
    return Loaded(create_engine(settings.database_url.replace("+aiosqlite", "")), summary, seconds)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    loaded = _load(tmp_path_factory.mktemp("demo"), TODAY)
    print(f"\ndemo loaded in {loaded.seconds:.2f} s: {loaded.summary}")
    yield loaded
    loaded.engine.dispose()


def _rows(demo: Loaded, stmt):  # noqa: ANN001, ANN202
    with demo.engine.connect() as connection:
        return connection.execute(stmt).all()


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TZ)


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=TZ).astimezone(dt.timezone.utc)


def test_loads_well_within_the_time_budget(demo: Loaded) -> None:
    print(f"load_demo: {demo.seconds:.2f} s")
    assert demo.seconds < 60


def test_counts_are_in_the_promised_ranges(demo: Loaded) -> None:
    def count(model: type, *where) -> int:  # noqa: ANN002
        return _rows(demo, select(func.count()).select_from(model).where(*where))[0][0]

    assert count(Estate) == 6
    assert 35 <= count(Building) <= 45
    assert 1800 <= count(Unit) <= 2200
    assert 1300 <= count(User, User.role == Role.RESIDENT) <= 1700
    assert count(User, User.role == Role.TECHNICIAN) == 36
    assert count(Technician) == 36
    assert {r[0] for r in _rows(demo, select(User.username).where(User.role != Role.RESIDENT))} >= {
        "admin", "desk1", "desk2", "dispatch1", "dispatch2", "super1", "tech01", "tech36"}
    assert {r[0] for r in _rows(demo, select(Trade.code))} == TRADE_CODES
    summary = demo.summary
    assert (summary.units, summary.tickets) == (count(Unit), count(Ticket))
    owners_of_two = _rows(demo, select(Occupancy.user_id).where(Occupancy.relation == "owner")
                          .group_by(Occupancy.user_id).having(func.count() > 1))
    assert len(owners_of_two) >= 3
    assert count(Occupancy, Occupancy.relation == "tenant") >= 50


def test_places_nest_and_sit_in_chaoyang(demo: Loaded) -> None:
    orphans = _rows(demo, select(func.count()).select_from(Unit).outerjoin(Building, Unit.building_id == Building.id)
                    .outerjoin(Estate, Building.estate_id == Estate.id).where(Estate.id.is_(None)))
    assert orphans[0][0] == 0
    for lat, lon in _rows(demo, select(Building.lat, Building.lon)):
        assert 39.89 <= lat <= 40.03 and 116.41 <= lon <= 116.56
    for code, floor, handover in _rows(demo, select(Unit.code, Unit.floor, Unit.handover_date)):
        assert int(code) // 100 == floor
        assert dt.date(2018, 1, 1) <= handover <= dt.date(2025, 12, 31)
    years = {r[0].year for r in _rows(demo, select(Unit.handover_date))}
    assert len(years) >= 7


def test_every_trade_has_two_active_technicians_on_realistic_shifts(demo: Loaded) -> None:
    holders: Counter[str] = Counter()
    for trades, active in _rows(demo, select(Technician.trades, User.is_active).join(User)):
        assert 1 <= len(trades) <= 3 and set(trades) <= TRADE_CODES
        if active:
            holders.update(trades)
    assert all(holders[code] >= 2 for code in TRADE_CODES), holders
    assert holders["plumbing"] == max(holders.values()) or holders["electrical"] == max(holders.values())
    per_weekday = Counter(r[0] for r in _rows(demo, select(ShiftTemplate.weekday)))
    assert all(28 <= per_weekday[day] <= 34 for day in range(7)), per_weekday
    days_worked = Counter(r[0] for r in _rows(demo, select(ShiftTemplate.technician_id)))
    assert set(days_worked.values()) == {6}
    late = {r[0] for r in _rows(demo, select(ShiftTemplate.technician_id).where(ShiftTemplate.start_min == 12 * 60))}
    assert 9 <= len(late) <= 15


def test_every_status_appears_among_past_tickets(demo: Loaded) -> None:
    past = {r[0] for r in _rows(demo, select(Ticket.status).where(Ticket.created_at < _midnight_utc(TODAY)))}
    assert past == set(Status)


def test_event_histories_match_the_ticket_status(demo: Loaded) -> None:
    tickets = dict(_rows(demo, select(Ticket.id, Ticket.status)))
    events = defaultdict(list)
    for row in _rows(demo, select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.kind, TicketEvent.from_status,
                                  TicketEvent.to_status, TicketEvent.actor_role).order_by(TicketEvent.id)):
        events[row.ticket_id].append(row)
    now = dt.datetime.combine(TODAY, dt.time(9), tzinfo=TZ)
    assert set(events) == set(tickets)
    for ticket_id, history in events.items():
        assert history[0].kind == "created" and history[0].from_status is None
        assert history[0].to_status == Status.NEW and history[0].actor_role in (Role.RESIDENT, Role.DESK)
        for before, after in zip(history, history[1:], strict=False):
            assert after.kind == "status" and after.from_status == before.to_status
            assert before.at <= after.at
            # Every step is one the app's own state machine allows, taken by a role it allows.
            allowed = TRANSITIONS.get((after.from_status, after.to_status))
            assert allowed is not None and after.actor_role in allowed, after
        assert history[-1].to_status == tickets[ticket_id]
        assert history[-1].at <= now


def test_ticket_numbers_run_per_day_and_match_the_counters(demo: Loaded) -> None:
    rows = _rows(demo, select(Ticket.number, Ticket.created_at).order_by(Ticket.id))
    numbers = [r.number for r in rows]
    assert len(set(numbers)) == len(numbers)
    per_day: dict[str, list[int]] = defaultdict(list)
    for number, created in rows:
        assert re.fullmatch(r"BX\d{8}-\d{4}", number)
        day, seq = number[2:10], int(number[11:])
        assert day == _local(created).strftime("%Y%m%d")
        per_day[day].append(seq)
    for seqs in per_day.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    counters = dict(_rows(demo, select(TicketCounter.day, TicketCounter.last)))
    assert counters == {day: len(seqs) for day, seqs in per_day.items()}


def test_technicians_hold_the_trade_of_their_tickets(demo: Loaded) -> None:
    trades_of = dict(_rows(demo, select(Technician.id, Technician.trades)))
    user_of = dict(_rows(demo, select(Technician.id, Technician.user_id)))
    assigned = {r[0] for r in _rows(demo, select(TicketEvent.ticket_id).where(TicketEvent.to_status == Status.ASSIGNED))}
    rows = _rows(demo, select(Ticket.id, Ticket.status, Ticket.trade_code, Ticket.technician_id))
    for ticket_id, status, trade, technician_id in rows:
        assert (technician_id is not None) == (status in WITH_TECHNICIAN and ticket_id in assigned), status
        if technician_id is not None:
            assert trade in trades_of[technician_id]
    # The technician who acted on a ticket is the one it is assigned to.
    for ticket_id, actor_id in _rows(demo, select(TicketEvent.ticket_id, TicketEvent.actor_id)
                                     .where(TicketEvent.actor_role == Role.TECHNICIAN)):
        technician_id = next(r.technician_id for r in rows if r.id == ticket_id)
        assert user_of[technician_id] == actor_id
    # Nobody is on the way to, or working at, two doors at once this morning.
    started = _rows(demo, select(Ticket.technician_id).where(
        Ticket.status.in_([Status.EN_ROUTE, Status.ON_SITE, Status.IN_PROGRESS]),
        Ticket.window_start >= _midnight_utc(TODAY)))
    assert started and len({r[0] for r in started}) == len(started)


def test_open_work_waits_for_dispatch_today_and_tomorrow(demo: Loaded) -> None:
    start, end = _midnight_utc(TODAY), _midnight_utc(TODAY + dt.timedelta(days=2))
    triaged = _rows(demo, select(Ticket.window_start, Ticket.window_end, Ticket.technician_id, Ticket.scope,
                                 Ticket.urgency).where(Ticket.status == Status.TRIAGED,
                                                       Ticket.window_start >= start, Ticket.window_start < end))
    assert 200 <= len(triaged) <= 300
    by_day = Counter(_local(r.window_start).date() for r in triaged)
    assert by_day[TODAY] > by_day[TODAY + dt.timedelta(days=1)] >= 60
    slots = {(a, b) for a, b in DEFAULTS["slot_template"]}
    in_slots = 0
    for row in triaged:
        assert row.technician_id is None and row.window_start.tzinfo is not None
        window = (_local(row.window_start).strftime("%H:%M"), _local(row.window_end).strftime("%H:%M"))
        in_slots += window in slots
        if row.scope == Scope.PUBLIC:
            assert row.urgency == Urgency.PLANNED and window == ("08:00", "17:00")
    assert in_slots > len(triaged) * 0.6
    fresh = _rows(demo, select(func.count()).where(Ticket.status == Status.NEW, Ticket.created_at >= start))
    assert fresh[0][0] >= 8


def test_sla_and_scope_follow_the_rules(demo: Loaded) -> None:
    sla = DEFAULTS["sla_minutes"]
    for t in _rows(demo, select(Ticket)):
        minutes = dt.timedelta(minutes=sla[t.urgency.value])
        if t.urgency == Urgency.NORMAL:
            assert t.sla_due_at == t.window_start + minutes
        else:
            assert t.sla_due_at == t.created_at + minutes
        if t.scope == Scope.PUBLIC:
            assert t.unit_id is None and t.spot and t.building_id is not None
            assert t.channel.value in ("patrol", "self_inspection")
        else:
            assert t.unit_id is not None and t.spot is None and t.reporter_id is not None
        assert t.window_start is not None and t.window_start < t.window_end


def test_charges_follow_warranty_and_ratings_follow_confirmation(demo: Loaded) -> None:
    category = dict(_rows(demo, select(Trade.code, Trade.warranty_category)))
    months_allowed = DEFAULTS["warranty_months"]
    rows = _rows(demo, select(Ticket.id, Ticket.status, Ticket.scope, Ticket.trade_code, Ticket.charge,
                              Ticket.quote_total, Ticket.quote_lines, Ticket.consent_at, Ticket.warranty_status,
                              Ticket.rating, Ticket.created_at, Unit.handover_date).outerjoin(Unit))
    after_sales = {r[0] for r in _rows(demo, select(TicketEvent.ticket_id)
                                       .where(TicketEvent.to_status == Status.AFTER_SALES))}
    in_progress = {r[0] for r in _rows(demo, select(TicketEvent.ticket_id)
                                       .where(TicketEvent.to_status == Status.IN_PROGRESS))}
    charges = Counter()
    for t in rows:
        charges[t.charge] += 1
        if t.status == Status.NEW:
            assert t.charge is None  # nobody has classified it yet
        elif t.scope == Scope.PUBLIC:
            assert t.charge == Charge.FREE
        else:
            created = _local(t.created_at).date()
            within = add_months(t.handover_date, months_allowed.get(category[t.trade_code], 0)) > created
            assert (t.charge == Charge.WARRANTY) == (category[t.trade_code] is not None and within)
            # Cancelled before the hand-over, or classified minutes ago and about to be handed over.
            if t.status not in (Status.CANCELLED, Status.TRIAGED):
                assert (t.id in after_sales) == (t.charge == Charge.WARRANTY)
        assert (t.warranty_status is not None) == (t.id in after_sales)
        paid = t.charge == Charge.PAID
        assert (t.quote_total is not None and t.quote_total > 0) == paid
        if paid:
            assert sum(float(line["amount"]) for line in t.quote_lines) == t.quote_total
        # Consent only to a paid quote; and no paid work starts without it (most agree on the phone).
        assert t.consent_at is None or paid
        if paid and t.id in in_progress:
            assert t.consent_at is not None
        rated = t.scope == Scope.IN_HOME and t.status in (Status.CONFIRMED, Status.CLOSED)
        assert (t.rating in range(1, 6)) if rated else t.rating is None
    assert min(charges[c] for c in charges if c is not None) >= 20 and len(charges) == 4


def test_demo_resident_signs_in_and_has_tickets(demo: Loaded) -> None:
    (user,) = _rows(demo, select(User).where(User.phone == DEMO_RESIDENT_PHONE))
    assert user.role == Role.RESIDENT
    assert verify_password(user.password_hash, DEMO_PASSWORD)
    assert not verify_password(user.password_hash, "wrong-password")
    estates = _rows(demo, select(Estate.code, Occupancy.relation).select_from(Occupancy).join(Unit)
                    .join(Building).join(Estate).where(Occupancy.user_id == user.id))
    assert ("1", "owner") in estates
    statuses = {r[0] for r in _rows(demo, select(Ticket.status).where(Ticket.reporter_id == user.id))}
    assert len(statuses) >= 5 and Status.COMPLETED in statuses and Status.NEW in statuses
    phones = [r[0] for r in _rows(demo, select(User.phone).where(User.role == Role.RESIDENT))]
    assert all(re.fullmatch(r"1990000\d{4}", p) for p in phones)
    staff_hashes = {r[0] for r in _rows(demo, select(User.password_hash).where(User.role != Role.RESIDENT))}
    assert staff_hashes == {user.password_hash}


def _digest(loaded: Loaded) -> str:
    parts = _rows(loaded, select(Ticket.number, Ticket.description, Ticket.status, Ticket.window_start,
                                 Ticket.technician_id).order_by(Ticket.id))
    parts += _rows(loaded, select(User.phone, User.name).order_by(User.id))
    parts += _rows(loaded, select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.actor_id).order_by(TicketEvent.id))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_same_day_gives_the_same_company(demo: Loaded, tmp_path: Path) -> None:
    again = _load(tmp_path / "again", TODAY)
    try:
        assert again.summary == demo.summary
        assert _digest(again) == _digest(demo)
    finally:
        again.engine.dispose()


def test_dates_follow_the_day_of_loading(tmp_path: Path) -> None:
    later = _load(tmp_path / "later", TODAY + dt.timedelta(days=40))
    try:
        days = {r[0][2:10] for r in _rows(later, select(Ticket.number))}
        assert max(days) == (TODAY + dt.timedelta(days=40)).strftime("%Y%m%d")
        assert min(days) >= (TODAY + dt.timedelta(days=40 - 21)).strftime("%Y%m%d")
    finally:
        later.engine.dispose()


def test_tickets_name_the_building_and_estate_of_their_unit(demo: Loaded) -> None:
    # The board loads a unit's building and a building's estate from the ticket's own joins.
    with demo.engine.connect() as db:
        mismatched = db.execute(text(
            "SELECT count(*) FROM tickets t JOIN units u ON u.id = t.unit_id "
            "JOIN buildings b ON b.id = u.building_id "
            "WHERE t.building_id IS NULL OR t.building_id != u.building_id OR t.estate_id != b.estate_id"
        )).scalar()
    assert mismatched == 0
