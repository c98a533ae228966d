"""What happens without a click: boards hear about changes, emergencies re-plan, offers time out,
reminders go out."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from litestar import Litestar
from litestar.background_tasks import BackgroundTask
from litestar.channels import ChannelsPlugin

from app.models import Status, Ticket, Urgency
from app.services import company_settings, emergency, notices, offers

log = logging.getLogger(__name__)
BOARD_CHANNEL = "board"
SWEEP_EVERY_S = 30


def channels_plugin(database_url: str) -> ChannelsPlugin:
    """In-memory for the embedded single process; on PostgreSQL, LISTEN/NOTIFY through the same
    database, so every app process's boards hear every change and no Redis is needed."""
    if database_url.startswith("postgresql"):
        from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend

        backend = AsyncPgChannelsBackend(dsn="postgresql://" + database_url.split("://", 1)[1])
    else:
        from litestar.channels.backends.memory import MemoryChannelsBackend

        backend = MemoryChannelsBackend(history=0)
    return ChannelsPlugin(backend=backend, channels=[BOARD_CHANNEL])


async def publish(app: Litestar, what: str) -> None:
    await app.plugins.get(ChannelsPlugin).wait_published(what, BOARD_CHANNEL)


def announce(app: Litestar, what: str) -> BackgroundTask:
    """Tell every open board, once this response (and so its transaction) is done."""
    return BackgroundTask(publish, app, what)


def after_ticket_saved(app: Litestar, ticket: Ticket) -> BackgroundTask:
    """A new or reclassified ticket: an emergency for today re-plans the day, then boards refresh."""
    tz = app.state.settings.timezone
    urgent_today = ticket.urgency is Urgency.EMERGENCY and ticket.window_start is None and ticket.status is Status.TRIAGED

    async def run() -> None:
        if urgent_today:
            # Boards show the emergency in the queue at once; the re-plan then says who goes.
            await publish(app, "ticket")
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(tz)
            now = dt.datetime.now(dt.timezone.utc)
            try:
                await emergency.replan(app.state.alchemy, now.astimezone(zone).date(), zone, now)
            except Exception:  # noqa: BLE001 - the ticket is saved; the dispatcher can still optimise by hand
                log.exception("emergency re-plan failed for %s", ticket.number)
        await publish(app, "ticket")

    return BackgroundTask(run)


async def sweep_offers(app: Litestar) -> int:
    now = dt.datetime.now(dt.timezone.utc)
    async with app.state.alchemy.get_session() as db:
        settings = await company_settings.load(db)
        expired = await offers.expire(db, now, int(settings["accept_timeout_minutes"]))
        await notices.deliver_due(db, now)  # reminders fall due on the same clock as offers
        await db.commit()
    if expired:
        await publish(app, "offers")
    return len(expired)


@contextlib.asynccontextmanager
async def offer_sweeper(app: Litestar) -> AsyncIterator[None]:
    async def loop() -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY_S)
            try:
                await sweep_offers(app)
            except Exception:  # noqa: BLE001 - keep sweeping; one bad minute must not stop the timeouts
                log.exception("offer sweep failed")

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
