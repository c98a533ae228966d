"""Ticket numbers: `BX` + local date + a 4-digit sequence, unique per day with no gaps.

The counter row is bumped with a single UPDATE inside the transaction that creates the ticket: the
row lock (PostgreSQL) or the write lock (SQLite) makes concurrent reports take turns, and a
transaction that fails gives its number back by rolling back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import TicketCounter


def format_number(day: dt.date, sequence: int) -> str:
    return f"BX{day:%Y%m%d}-{sequence:04d}"


async def next_number(db: AsyncSession, day: dt.date) -> str:
    key = f"{day:%Y%m%d}"
    bump = update(TicketCounter).where(TicketCounter.day == key).values(last=TicketCounter.last + 1).returning(TicketCounter.last)
    sequence = (await db.execute(bump)).scalar_one_or_none()
    if sequence is None:
        # First ticket of the day. Two first reports at once: the loser's INSERT fails on the unique
        # day and its retry below finds the row.
        try:
            async with db.begin_nested():
                db.add(TicketCounter(day=key, last=1))
            sequence = 1
        except Exception:  # noqa: BLE001 - an IntegrityError under any driver's name
            sequence = (await db.execute(bump)).scalar_one()
    return format_number(day, sequence)


async def peek_last(db: AsyncSession, day: dt.date) -> int:
    return await db.scalar(select(TicketCounter.last).where(TicketCounter.day == f"{day:%Y%m%d}")) or 0
