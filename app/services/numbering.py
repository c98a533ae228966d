"""Ticket numbers: `BX` + local date + a 4-digit sequence, unique per day with no gaps.

The counter row is bumped with a single UPDATE inside the transaction that creates the ticket: the
row lock (PostgreSQL) or the write lock (SQLite) makes concurrent reports take turns, and a
transaction that fails gives its number back by rolling back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ReceiptCounter, TicketCounter


def format_number(day: dt.date, sequence: int) -> str:
    return f"BX{day:%Y%m%d}-{sequence:04d}"


async def next_in_day(db: AsyncSession, counter: type[TicketCounter] | type[ReceiptCounter], day: dt.date) -> int:
    """The day's next sequence from `counter` (a table with `day` and `last`), taken in this transaction."""
    key = f"{day:%Y%m%d}"
    bump = update(counter).where(counter.day == key).values(last=counter.last + 1).returning(counter.last)
    sequence = (await db.execute(bump)).scalar_one_or_none()
    if sequence is None:
        # The day's first. Two firsts at once: the loser's INSERT fails on the unique day and its
        # retry below finds the row.
        try:
            async with db.begin_nested():
                db.add(counter(day=key, last=1))
            sequence = 1
        except Exception:  # noqa: BLE001 - an IntegrityError under any driver's name
            sequence = (await db.execute(bump)).scalar_one()
    return sequence


async def next_number(db: AsyncSession, day: dt.date) -> str:
    return format_number(day, await next_in_day(db, TicketCounter, day))


async def peek_last(db: AsyncSession, day: dt.date) -> int:
    return await db.scalar(select(TicketCounter.last).where(TicketCounter.day == f"{day:%Y%m%d}")) or 0
