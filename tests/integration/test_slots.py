"""Appointment slots: only what the day can serve, booked atomically, with reminders in the outbox."""

import asyncio
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm.exc import StaleDataError

from app.db import install_sqlite_pragmas
from app.models import Channel, DayPlan, Notice, Occupancy, PlanStop, Status, Technician, Ticket, TicketEvent, Unit, Urgency, User
from app.services import booking, company_settings
from tests.conftest import ACCOUNTS, login
from tests.integration.helpers import post
from tests.integration.test_board import optimise_and_apply, run

TZ = ZoneInfo("Asia/Shanghai")
RESIDENT_PHONE = ACCOUNTS["resident"]


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def at(day: dt.date, hh: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh), tzinfo=TZ)


async def _new_ticket(db, trade: str, tag: str, *, reporter: User | None = None, window=None, unit: Unit | None = None) -> Ticket:
    unit = unit or await db.scalar(select(Unit).order_by(Unit.id).offset(37).limit(1))
    await db.refresh(unit, ["building"])
    count = await db.scalar(select(func.count()).select_from(Ticket))
    ticket = Ticket(number=f"BXT{tag}-{count:05d}", channel=Channel.PHONE, status=Status.TRIAGED, urgency=Urgency.NORMAL,
                    trade_code=trade, description="测试预约", estate_id=unit.building.estate_id, building_id=unit.building_id,
                    unit_id=unit.id, reporter_id=reporter.id if reporter else None,
                    window_start=window[0] if window else None, window_end=window[1] if window else None)
    db.add(ticket)
    await db.flush()
    return ticket


async def _options(db, ticket_id: int, day: dt.date) -> booking.DayOptions:
    settings = await company_settings.load(db)
    ticket = await db.get(Ticket, ticket_id)
    return await booking.day_options(db, ticket, day, dt.datetime.now(dt.timezone.utc), settings, TZ)


def _window(options: booking.DayOptions, hour: int) -> booking.WindowOption:
    return next(w for w in options.windows if w.start.astimezone(TZ).hour == hour)


def test_a_window_is_refused_once_every_technician_with_the_trade_is_full(demo_settings):
    day = today() + dt.timedelta(days=2)  # no plan for it: offers come from the trade's capacity

    async def probe(db):
        ticket = await _new_ticket(db, "gas", "CAP")
        return ticket.id, await _options(db, ticket.id, day)

    ticket_id, before = run(demo_settings, probe)
    assert not before.by_plan
    assert _window(before, 8).available and _window(before, 10).available
    assert any(w.recommended for w in before.windows)

    async def fill_eight_to_ten(db):
        added = 0
        while _window(await _options(db, ticket_id, day), 8).available:
            await _new_ticket(db, "gas", "FILL", window=(at(day, 8), at(day, 10)))
            added += 1
            assert added < 40, "capacity never ran out"
        return added, await _options(db, ticket_id, day)

    added, after = run(demo_settings, fill_eight_to_ten)
    assert added >= 2
    full = _window(after, 8)
    assert not full.available and "full" in full.reason
    assert _window(after, 10).available, "the next window is untouched by bookings in 08-10"

    async def book_full(db):
        settings = await company_settings.load(db)
        ticket = await db.get(Ticket, ticket_id)
        user = await db.scalar(select(User).where(User.username == "desk1"))
        with pytest.raises(booking.SlotTaken):
            await booking.book(db, ticket, full.start, full.end, user, dt.datetime.now(dt.timezone.utc), settings, TZ)

    run(demo_settings, book_full)


def test_the_last_place_in_a_window_goes_to_one_of_two_residents(demo_settings):
    day = today() + dt.timedelta(days=3)

    async def setup(db):
        first = await _new_ticket(db, "hvac", "RACE")
        second = await _new_ticket(db, "hvac", "RACE")
        # Fill 19-21 until exactly one more job fits: both see it open.
        while True:
            filler = await _new_ticket(db, "hvac", "RACEFILL", window=(at(day, 19), at(day, 21)))
            if not _window(await _options(db, first.id, day), 19).available:
                await db.delete(filler)
                await db.flush()
                break
        assert _window(await _options(db, second.id, day), 19).available
        return first.id, second.id

    first_id, second_id = run(demo_settings, setup)

    async def race():
        engine = create_async_engine(demo_settings.database_url)
        install_sqlite_pragmas(engine.sync_engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)

        async def take(ticket_id: int) -> str:
            async with sessions() as db:
                settings = await company_settings.load(db)
                ticket = await db.get(Ticket, ticket_id)
                user = await db.scalar(select(User).where(User.username == "desk1"))
                try:
                    await booking.book(db, ticket, at(day, 19), at(day, 21), user, dt.datetime.now(dt.timezone.utc), settings, TZ)
                    await db.commit()
                    return "booked"
                except (booking.SlotTaken, StaleDataError):
                    await db.rollback()
                    return "refused"
        try:
            return await asyncio.gather(take(first_id), take(second_id))
        finally:
            await engine.dispose()

    outcomes = asyncio.run(race())
    assert sorted(outcomes) == ["booked", "refused"]

    async def check(db):
        tickets = [await db.get(Ticket, i) for i in (first_id, second_id)]
        return [t.window_start is not None for t in tickets]

    assert sorted(run(demo_settings, check)) == [False, True]


def _resident_ticket(demo_settings, tag: str) -> str:
    async def make(db):
        resident = await db.scalar(select(User).where(User.phone == RESIDENT_PHONE))
        unit = await db.scalar(select(Unit).join(Occupancy, Occupancy.unit_id == Unit.id).where(Occupancy.user_id == resident.id).limit(1))
        ticket = await _new_ticket(db, "locks", tag, reporter=resident, unit=unit)
        return ticket.number

    return run(demo_settings, make)


def test_resident_books_reschedules_and_cancels_with_reminders_in_the_outbox(client, demo_settings):
    number = _resident_ticket(demo_settings, "RES")
    day = today() + dt.timedelta(days=4)
    login(client, RESIDENT_PHONE)
    page = client.get(f"/my/tickets/{number}/slots?day={day}")
    assert page.status_code == 200
    values = re.findall(r'name="window" value="([^"]+)"(?! disabled)', page.text)
    assert values, page.text[:2000]
    chosen = next(v for v in values if dt.datetime.fromisoformat(v.split("/")[0]).astimezone(TZ).hour == 10)
    booked = post(client, f"/my/tickets/{number}/slots", {"window": chosen})
    assert booked.status_code == 200 and f"/my/tickets/{number}" in str(booked.url)
    assert 'data-testid="appointment-window"' in booked.text and "10:00–12:00" in booked.text

    def outbox(db_work):
        async def look(db):
            ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
            rows = list(await db.scalars(select(Notice).where(Notice.ticket_id == ticket.id).order_by(Notice.id)))
            events = list(await db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
            return ticket, rows, events
        return run(demo_settings, look)

    ticket, notes, events = outbox(None)
    assert ticket.window_start == at(day, 10) and ticket.sla_due_at == at(day, 10) + dt.timedelta(minutes=15)
    assert [n.kind for n in notes] == ["booked", "reminder"]
    assert notes[1].sent_at is None and notes[1].due_at == at(day - dt.timedelta(days=1), 18)
    assert "booked" in events

    later = next(v for v in values if dt.datetime.fromisoformat(v.split("/")[0]).astimezone(TZ).hour == 15)
    assert post(client, f"/my/tickets/{number}/slots", {"window": later}).status_code == 200
    ticket, notes, events = outbox(None)
    assert ticket.window_start == at(day, 15)
    pending = [n for n in notes if n.kind == "reminder" and n.sent_at is None]
    assert len(pending) == 1, "a rebooking replaces the reminder instead of adding one"
    assert "rescheduled" in events

    inbox = client.get("/my/messages")
    assert inbox.status_code == 200 and "15:00–17:00" in inbox.text

    cancelled = post(client, f"/my/tickets/{number}/slots/cancel", {})
    assert cancelled.status_code == 200
    ticket, notes, events = outbox(None)
    assert ticket.window_start is None and ticket.status is Status.TRIAGED
    assert not [n for n in notes if n.kind == "reminder" and n.sent_at is None]
    assert "booking_cancelled" in events


def test_a_booking_on_a_planned_day_enters_a_route_and_the_desk_can_move_it(client, demo_settings):
    day = today() + dt.timedelta(days=5)
    login(client, ACCOUNTS["dispatcher"])
    optimise_and_apply(client, day)
    number = _resident_ticket(demo_settings, "PLAN")
    login(client, ACCOUNTS["desk"])
    page = client.get(f"/tickets/{number}/slots?day={day}")
    values = re.findall(r'name="window" value="([^"]+)"(?! disabled)', page.text)
    assert values, "a planned day with room offers windows"
    response = post(client, f"/tickets/{number}/slots", {"window": values[0]})
    assert response.status_code == 200 and 'data-testid="booked-banner"' in response.text

    async def look(db):
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        plan = await db.scalar(select(DayPlan).where(DayPlan.day == day))
        stop = await db.scalar(select(PlanStop).where(PlanStop.ticket_id == ticket.id))
        return ticket, plan, stop

    ticket, plan, stop = run(demo_settings, look)
    assert stop is not None and stop.plan_id == plan.id, "the booking entered that day's plan"
    start_s = (ticket.window_start.astimezone(TZ) - at(day, 0)).total_seconds()
    end_s = (ticket.window_end.astimezone(TZ) - at(day, 0)).total_seconds()
    assert start_s <= stop.start_s <= end_s, "the route starts the work inside the booked window"


def test_emergencies_and_unclassified_reports_take_no_appointment(client, demo_settings):
    async def make(db):
        emergency = await _new_ticket(db, "plumbing", "EMG")
        emergency.urgency = Urgency.EMERGENCY
        unsure = await _new_ticket(db, "plumbing", "UNS")
        unsure.trade_code, unsure.status = None, Status.NEW
        return emergency.number, unsure.number

    emergency, unsure = run(demo_settings, make)
    login(client, ACCOUNTS["desk"])
    page = client.get(f"/tickets/{emergency}/slots")
    assert 'data-testid="slot-blocker"' in page.text and 'name="window"' not in page.text
    refused = post(client, f"/tickets/{unsure}/slots", {"window": f"{at(today(), 20).isoformat()}/{at(today(), 21).isoformat()}"})
    assert refused.status_code == 409


def test_after_no_access_the_resident_rebooks_and_the_visit_returns_to_the_queue(client, demo_settings):
    number = _resident_ticket(demo_settings, "NOACC")
    yesterday = today() - dt.timedelta(days=1)

    async def knocked_in_vain(db):
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        technician = await db.scalar(select(User).where(User.username == "tech01"))
        ticket.status, ticket.window_start, ticket.window_end = Status.NO_ACCESS, at(yesterday, 10), at(yesterday, 12)
        ticket.technician_id = (await db.execute(select(Technician.id).where(Technician.user_id == technician.id))).scalar_one()

    run(demo_settings, knocked_in_vain)
    login(client, RESIDENT_PHONE)
    page = client.get(f"/my/tickets/{number}")
    assert 'data-testid="change-time"' in page.text, "the rebooking prompt leads to the picker"
    day = today() + dt.timedelta(days=3)
    picker = client.get(f"/my/tickets/{number}/slots?day={day}")
    value = re.findall(r'name="window" value="([^"]+)"(?! disabled)', picker.text)[0]
    assert post(client, f"/my/tickets/{number}/slots", {"window": value}).status_code == 200

    async def look(db):
        return await db.scalar(select(Ticket).where(Ticket.number == number))

    rebooked = run(demo_settings, look)
    assert rebooked.status is Status.TRIAGED and rebooked.technician_id is None
    assert rebooked.window_start.astimezone(TZ).date() == day


def test_a_double_click_books_once_and_a_forged_window_is_refused(client, demo_settings):
    number = _resident_ticket(demo_settings, "TWICE")
    day = today() + dt.timedelta(days=4)
    login(client, RESIDENT_PHONE)
    value = re.findall(r'name="window" value="([^"]+)"(?! disabled)', client.get(f"/my/tickets/{number}/slots?day={day}").text)[0]
    assert post(client, f"/my/tickets/{number}/slots", {"window": value}).status_code == 200
    assert post(client, f"/my/tickets/{number}/slots", {"window": value}).status_code == 200

    async def kinds(db):
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        return list(await db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))

    assert [k for k in run(demo_settings, kinds) if k in ("booked", "rescheduled")] == ["booked"]
    for forged in ("9999-12-31T23:00:00+00:00/9999-12-31T23:59:00+00:00", "2026-11-30T10:00/2026-11-30T12:00", "soon"):
        assert post(client, f"/my/tickets/{number}/slots", {"window": forged}).status_code == 422
