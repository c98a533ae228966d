"""The resident's messages: what the outbox delivered in-app (bookings, reminders, the technician on the way)."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Role
from app.security import requires
from app.services import notices


class MessagesController(Controller):
    path = "/my/messages"
    guards = [requires(Role.RESIDENT)]  # noqa: RUF012

    @get("/", name="resident_messages")
    async def inbox(self, request: Request, db_session: AsyncSession) -> Template:
        messages = await notices.inbox(db_session, request.user)
        unread = {m.id for m in messages if m.read_at is None}
        # Opening the inbox is reading it; the page still marks what was new on this visit.
        await notices.mark_read(db_session, request.user, dt.datetime.now(dt.timezone.utc))
        return Template("resident/messages.html", context={"messages": messages, "unread": unread})
