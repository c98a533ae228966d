"""What each role sees first when signing in: small, real summaries read straight from the tickets."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import OPEN_STATUSES, Status, Ticket


async def status_counts(db: AsyncSession) -> Counter[Status]:
    rows = await db.execute(
        select(Ticket.status, func.count()).where(Ticket.status.in_(OPEN_STATUSES)).group_by(Ticket.status)
    )
    return Counter({status: count for status, count in rows})


async def desk_home(db: AsyncSession, now: dt.datetime) -> dict:
    waiting = list(
        await db.scalars(
            select(Ticket).where(Ticket.status == Status.NEW).order_by(Ticket.created_at.desc()).limit(15)
        )
    )
    return {"counts": await status_counts(db), "waiting": waiting}


async def supervisor_home(db: AsyncSession, now: dt.datetime) -> dict:
    overdue = list(
        await db.scalars(
            select(Ticket)
            .where(Ticket.status.in_(OPEN_STATUSES), Ticket.sla_due_at < now)
            .order_by(Ticket.sla_due_at)
            .limit(20)
        )
    )
    overdue_total = await db.scalar(
        select(func.count()).where(Ticket.status.in_(OPEN_STATUSES), Ticket.sla_due_at < now)
    )
    return {"counts": await status_counts(db), "overdue": overdue, "overdue_total": overdue_total or 0}
