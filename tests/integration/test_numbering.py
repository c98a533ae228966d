"""Ticket numbers under load: 100 reports at once get 100 distinct, consecutive numbers."""

import asyncio
import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.db import install_sqlite_pragmas
from app.models import TicketCounter
from app.services.numbering import format_number, next_number


def test_format():
    assert format_number(dt.date(2026, 11, 23), 42) == "BX20261123-0042"


def test_hundred_concurrent_numbers_are_consecutive(fresh_settings):
    day = dt.date(2031, 1, 2)

    async def run():
        engine = create_async_engine(fresh_settings.database_url, pool_size=20, max_overflow=100)
        install_sqlite_pragmas(engine.sync_engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)

        async def create_one():
            async with sessions() as db:
                number = await next_number(db, day)
                await asyncio.sleep(0)  # let the others pile up on the lock
                await db.commit()
                return number

        numbers = await asyncio.gather(*(create_one() for _ in range(100)))
        async with sessions() as db:
            last = await db.scalar(select(TicketCounter.last).where(TicketCounter.day == "20310102"))
        await engine.dispose()
        return numbers, last

    numbers, last = asyncio.run(run())
    assert sorted(numbers) == [format_number(day, n) for n in range(1, 101)]
    assert last == 100


def test_a_rolled_back_report_gives_its_number_back(fresh_settings):
    day = dt.date(2031, 1, 3)

    async def run():
        engine = create_async_engine(fresh_settings.database_url)
        install_sqlite_pragmas(engine.sync_engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as db:
            assert await next_number(db, day) == "BX20310103-0001"
            await db.commit()
        async with sessions() as db:
            assert await next_number(db, day) == "BX20310103-0002"
            await db.rollback()
        async with sessions() as db:
            number = await next_number(db, day)
            await db.commit()
        await engine.dispose()
        return number

    assert asyncio.run(run()) == "BX20310103-0002"
