"""Payments for paid work and their receipt numbers: `SJ` + local date + a 4-digit daily sequence.

Numbered like tickets (numbering.py): one UPDATE of the day's counter inside the paying transaction,
so two receipts never share a number and a rolled-back payment gives its number back.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Payment, ReceiptCounter, Ticket, User
from app.services.numbering import next_in_day

METHODS = ("cash", "wechat", "alipay", "card")


def format_receipt(day: dt.date, sequence: int) -> str:
    return f"SJ{day:%Y%m%d}-{sequence:04d}"


async def next_receipt(db: AsyncSession, day: dt.date) -> str:
    return format_receipt(day, await next_in_day(db, ReceiptCounter, day))


async def record_payment(db: AsyncSession, ticket: Ticket, amount: float, method: str, actor: User,
                         now: dt.datetime, tz: ZoneInfo) -> Payment:
    from app.services.reconciliation import ensure_open  # reconciliation reads payments through this module

    await ensure_open(db, actor.id, now, tz)  # finance's close of the day locks this cashier's takings
    receipt = await next_receipt(db, now.astimezone(tz).date())
    payment = Payment(ticket_id=ticket.id, amount=amount, method=method, receipt_no=receipt, recorded_by_id=actor.id, at=now)
    db.add(payment)
    return payment


async def of(db: AsyncSession, ticket: Ticket) -> Payment | None:
    return await db.scalar(select(Payment).where(Payment.ticket_id == ticket.id).order_by(Payment.id.desc()).limit(1))
