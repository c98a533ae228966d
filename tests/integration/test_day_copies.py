"""The board's kept copy of a day reads what changed and always equals the day read afresh."""

import asyncio
import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.db import install_sqlite_pragmas
from app.models import Building, Channel, Estate, Status, Technician, Ticket, Unit, Urgency
from app.services import company_settings, day_copies, planning
from tests.integration.test_board import TZ, at, tomorrow


def picture(data: planning.DayData) -> dict:
    """What the board shows of a day, in plain values."""
    return {
        "tickets": [(t.id, t.version, t.status, t.urgency, t.unit.full_code if t.unit else None, t.estate.name)
                    for t in data.tickets],
        "held_out": [(t.id, tuple(why)) for t, why in data.held_out],
        "technicians": [(t.id, t.user.name, tuple(t.trades), data.shifts[t.id].start_min) for t in data.technicians],
        "trades": sorted((code, trade.service_minutes) for code, trade in data.trades.items()),
        "plan": None if data.plan is None else (data.plan.version, [(s.ticket_id, s.technician_id) for s in data.plan.stops]),
    }


def test_the_kept_copy_follows_every_kind_of_change(demo_settings):
    day = tomorrow() + dt.timedelta(days=11)

    async def go():
        engine = create_async_engine(demo_settings.database_url)
        install_sqlite_pragmas(engine.sync_engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        reads = {"fresh": 0}

        async def both_agree(db):
            settings = await company_settings.load(db)
            signature = await planning.day_signature(db, day, TZ)
            kept = await day_copies.board_day(db, day, TZ, settings, signature)
            fresh = await planning.load_day(db, day, TZ, settings)
            assert picture(kept) == picture(fresh)
            reads["fresh"] += 1
            return kept

        async def change(work):
            async with sessions() as db:
                await work(db)
                await db.commit()
            async with sessions() as db:
                return await both_agree(db)

        async def open_day(db):
            for n, unit in enumerate(await db.scalars(select(Unit).limit(3))):
                building = await db.get(Building, unit.building_id)
                db.add(Ticket(number=f"BC{day:%Y%m%d}-{n + 1:04d}", channel=Channel.PHONE, status=Status.TRIAGED,
                              urgency=Urgency.NORMAL, trade_code="plumbing", description="预约", estate_id=building.estate_id,
                              building_id=building.id, unit_id=unit.id, window_start=at(day, 9 + n), window_end=at(day, 11 + n)))

        try:
            async with sessions() as db:
                assert not (await both_agree(db)).tickets
            first = await change(open_day)
            assert len(first.tickets) == 3
            # a ticket of the day changes: only it is read again
            target_id = first.tickets[0].id

            async def escalate(db):
                ticket = await db.get(Ticket, target_id)
                ticket.urgency = Urgency.URGENT

            after = await change(escalate)
            assert next(t for t in after.tickets if t.id == target_id).urgency is Urgency.URGENT
            assert next(t for t in after.tickets if t.id != target_id) is next(t for t in first.tickets if t.id != target_id)

            # a new booking joins the day, a cancelled one leaves it
            async def book(db):
                building = await db.scalar(select(Building).limit(1))
                db.add(Ticket(number=f"BC{day:%Y%m%d}-0009", channel=Channel.PHONE, status=Status.TRIAGED,
                              urgency=Urgency.NORMAL, trade_code="plumbing", description="新预约", estate_id=building.estate_id,
                              building_id=building.id, window_start=at(day, 10), window_end=at(day, 12)))
                (await db.get(Ticket, target_id)).status = Status.CANCELLED

            after = await change(book)
            numbers = {t.number for t in after.tickets}
            assert f"BC{day:%Y%m%d}-0009" in numbers and target_id not in {t.id for t in after.tickets}

            # the team changes: a technician learns a trade
            async def learn(db):
                technician = await db.scalar(select(Technician).order_by(Technician.id).limit(1))
                technician.trades = [*technician.trades, "locks"] if "locks" not in technician.trades else technician.trades[1:]

            await change(learn)

            # a place is renamed: its name is on the blocks of tickets that did not change
            async def rename(db):
                estate = await db.get(Estate, after.tickets[0].estate_id)
                estate.name = f"{estate.name}（新）"

            after = await change(rename)
            assert after.tickets[0].estate.name.endswith("（新）")

            # the plan changes: a first plan for the day
            async def plan(db):
                settings = await company_settings.load(db)
                data = await planning.load_day(db, day, TZ, settings)
                problem = planning.build_problem(data, at(day, 7))
                proposal = await planning.solve(problem, 2.0)
                await planning.apply(db, data, proposal, 0, None, at(day, 7), problem)

            after = await change(plan)
            assert after.plan is not None and after.plan.stops

            # a request that read the copy and then rolled back leaves the copy readable
            async with sessions() as db:
                await both_agree(db)
                await db.rollback()
            async with sessions() as db:
                again = await both_agree(db)
            assert [t.unit.full_code for t in again.tickets if t.unit]
        finally:
            await engine.dispose()
        return reads["fresh"]

    assert asyncio.run(go()) == 9
