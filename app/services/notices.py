"""Messages to people through the outbox (`Notice`): written with the change, delivered when due.

`notify` is what features call; `deliver_due` is what the sweeper runs. A sender is the only part
that knows a channel: in-app needs nothing more than the row, SMS or WeChat would post it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Notice, Ticket, User

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class Sender(Protocol):
    channel: str

    async def send(self, notice: Notice) -> None:
        """Deliver or raise; a raised notice is tried again on the next sweep."""


class InAppSender:
    """In-app messages are read from the outbox itself: sent means visible in the resident's inbox."""

    channel = "in_app"

    async def send(self, notice: Notice) -> None:
        return None


SENDERS: dict[str, Sender] = {"in_app": InAppSender()}


def notify(db: AsyncSession, user_id: int | None, kind: str, now: dt.datetime, *, ticket: Ticket | None = None,
           data: dict | None = None, due_at: dt.datetime | None = None, dedupe_key: str | None = None) -> Notice | None:
    """Queue a message for `user_id` (nobody to tell: no row). Immediate ones are marked sent at once
    for in-app delivery, so the resident sees them in the same response."""
    if user_id is None:
        return None
    due = due_at or now
    notice = Notice(user_id=user_id, ticket_id=ticket.id if ticket else None, kind=kind, data=data or {},
                    due_at=due, sent_at=now if due <= now else None, dedupe_key=dedupe_key)
    db.add(notice)
    return notice


async def schedule(db: AsyncSession, user_id: int | None, kind: str, due_at: dt.datetime, now: dt.datetime, *,
                   ticket: Ticket, data: dict | None = None) -> Notice | None:
    """One pending message per ticket and kind: booking again replaces the reminder, never adds one."""
    key = f"{kind}:{ticket.id}"
    await db.execute(delete(Notice).where(Notice.dedupe_key == key, Notice.sent_at.is_(None)))
    # A reminder already sent for an earlier booking keeps its row; the new one needs a fresh key.
    if await db.scalar(select(Notice.id).where(Notice.dedupe_key == key)):
        await db.execute(update(Notice).where(Notice.dedupe_key == key).values(dedupe_key=None))
    if due_at <= now:
        return None
    return notify(db, user_id, kind, now, ticket=ticket, data=data, due_at=due_at, dedupe_key=key)


async def unschedule(db: AsyncSession, ticket: Ticket, kind: str) -> None:
    await db.execute(delete(Notice).where(Notice.dedupe_key == f"{kind}:{ticket.id}", Notice.sent_at.is_(None)))


async def deliver_due(db: AsyncSession, now: dt.datetime) -> int:
    due = list(await db.scalars(
        select(Notice).where(Notice.sent_at.is_(None), Notice.due_at <= now, Notice.attempts < MAX_ATTEMPTS)
        .order_by(Notice.due_at).limit(500)
    ))
    for notice in due:
        notice.attempts += 1
        try:
            await SENDERS[notice.channel].send(notice)
        except Exception:  # noqa: BLE001 - one failing message must not hold up the others
            log.exception("sending notice %s failed", notice.id)
            continue
        notice.sent_at = now
    return len(due)


async def inbox(db: AsyncSession, user: User, limit: int = 50) -> list[Notice]:
    return list(await db.scalars(
        select(Notice).where(Notice.user_id == user.id, Notice.sent_at.is_not(None))
        .order_by(Notice.sent_at.desc(), Notice.id.desc()).limit(limit)
    ))


async def unread_count(db: AsyncSession, user: User) -> int:
    return await db.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user.id, Notice.sent_at.is_not(None), Notice.read_at.is_(None))) or 0


async def mark_read(db: AsyncSession, user: User, now: dt.datetime) -> None:
    await db.execute(update(Notice).where(Notice.user_id == user.id, Notice.sent_at.is_not(None), Notice.read_at.is_(None))
                     .values(read_at=now))

