"""The appointment picker: the resident books for their own ticket, the desk for a caller.

One handler per step serves the whole page or, for htmx, just the picker (day tabs, windows).
"""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.i18n import gettext as _
from app.live import announce
from app.models import Role, Ticket
from app.routes.forms import form_dict
from app.security import requires
from app.labels import trade_name
from app.services import booking, company_settings, staff, ticket_queries
from app.services.reasons import localize
from app.web import local_tz, utc_now

CONFLICT = 409



class SlotPicker:
    """The steps both audiences share; subclasses say whose tickets and where to go after."""

    base = ""
    staff = False

    async def ticket(self, db: AsyncSession, number: str, request: Request) -> Ticket:
        raise NotImplementedError

    def ticket_url(self, ticket: Ticket) -> str:
        raise NotImplementedError

    async def render(self, request: HTMXRequest, db: AsyncSession, ticket: Ticket, day: dt.date | None = None, *,
                     message: str | None = None, status: int = 200, options: booking.DayOptions | None = None) -> Template:
        settings = await company_settings.load(db)
        now, tz = utc_now(), local_tz()
        days = booking.days_offered(now, settings, tz)
        why_not = booking.blocker(ticket)
        context = {"ticket": ticket, "days": days, "why_not": why_not, "message": message,
                   "slots_url": f"{self.base}/{ticket.number}/slots", "ticket_url": self.ticket_url(ticket),
                   "staff": self.staff, "options": None, "sooner": None}
        if why_not is None and days:
            chosen = day if day in days else (ticket.window_start.astimezone(tz).date()
                                              if ticket.window_start and ticket.window_start.astimezone(tz).date() in days else days[0])
            options = options or await booking.day_options(db, ticket, chosen, now, settings, tz)
            if self.staff:
                trades = {t.code: trade_name(t) for t in await staff.trades(db)}
                for option in [*options.windows, options.whole_day]:
                    if option and option.reason:
                        option.reason = localize(option.reason, {}, {}, trades)
            context["options"] = options
            if not any(w.available for w in options.windows):
                context["sooner"] = await booking.first_day_with_room(db, ticket, options.day, now, settings, tz)
        fragment = request.htmx and request.htmx.target == "slot-picker"
        return Template("slots/_picker.html" if fragment else "slots/page.html", context=context, status_code=status)

    async def book(self, request: HTMXRequest, db: AsyncSession, number: str) -> Response:
        ticket = await self.ticket(db, number, request)
        form = await form_dict(request)
        try:
            start_text, end_text = form.get("window", "").split("/")
            start, end = dt.datetime.fromisoformat(start_text), dt.datetime.fromisoformat(end_text)
            if start.tzinfo is None or end.tzinfo is None:
                raise ValueError("a window is always sent with its offset")
            start.astimezone(local_tz()), end.astimezone(local_tz())  # far years overflow here, not later
        except (ValueError, OverflowError):
            return await self.render(request, db, ticket, message=_("Pick one of the times offered."), status=422)
        settings = await company_settings.load(db)
        if (why := booking.blocker(ticket)) is not None:
            return await self.render(request, db, ticket, message=why, status=CONFLICT)
        try:
            await booking.book(db, ticket, start, end, request.user, utc_now(), settings, local_tz())
            await db.commit()
        except booking.SlotTaken as taken:
            await db.rollback()
            return await self.render(request, db, ticket, taken.options.day, status=CONFLICT, message=_(
                "That time has just been taken. Here is what is still open."))
        except StaleDataError:
            # Someone else booked on that day between our look and our write: look again.
            await db.rollback()
            ticket = await self.ticket(db, number, request)
            return await self.render(request, db, ticket, start.astimezone(local_tz()).date(), status=CONFLICT, message=_(
                "Someone booked at the same moment. Here is what is still open."))
        return _go(request, self.ticket_url(ticket) + "?booked=1")

    async def cancel(self, request: HTMXRequest, db: AsyncSession, number: str) -> Response:
        ticket = await self.ticket(db, number, request)
        try:
            await booking.cancel(db, ticket, request.user, utc_now(), local_tz())
            await db.commit()
        except ValueError as exc:
            await db.rollback()
            return await self.render(request, db, ticket, message=str(exc), status=CONFLICT)
        except StaleDataError:
            await db.rollback()
            ticket = await self.ticket(db, number, request)
            return await self.render(request, db, ticket, message=_("The day's bookings changed meanwhile. Please try again."),
                                     status=CONFLICT)
        return _go(request, self.ticket_url(ticket))


def _go(request: HTMXRequest, url: str) -> Response:
    """After a booking: the ticket page, as a whole page even when the picker asked by htmx. Open
    boards hear of it: the day's routes may have changed."""
    response = ClientRedirect(redirect_to=url) if request.htmx else Redirect(path=url, status_code=303)
    response.background = announce(request.app, "booking")
    return response


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ResidentSlots(SlotPicker):
    base = "/my/tickets"

    async def ticket(self, db: AsyncSession, number: str, request: Request) -> Ticket:
        ticket = await ticket_queries.visible_ticket(db, number, request.user)
        if ticket is None or ticket.reporter_id != request.user.id:
            raise NotFoundException()
        return ticket

    def ticket_url(self, ticket: Ticket) -> str:
        return f"/my/tickets/{ticket.number}"


class DeskSlots(SlotPicker):
    base = "/tickets"
    staff = True

    async def ticket(self, db: AsyncSession, number: str, request: Request) -> Ticket:
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is None:
            raise NotFoundException()
        return ticket

    def ticket_url(self, ticket: Ticket) -> str:
        return f"/tickets/{ticket.number}"


class ResidentSlotController(Controller):
    path = "/my/tickets/{number:str}/slots"
    guards = [requires(Role.RESIDENT)]  # noqa: RUF012
    picker = ResidentSlots()

    @get("/", name="resident_slots")
    async def page(self, number: str, request: HTMXRequest, db_session: AsyncSession, day: str = "") -> Template:
        return await self.picker.render(request, db_session, await self.picker.ticket(db_session, number, request), _day(day))

    @post("/", name="resident_book")
    async def book(self, number: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self.picker.book(request, db_session, number)

    @post("/cancel", name="resident_unbook")
    async def cancel(self, number: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self.picker.cancel(request, db_session, number)


class DeskSlotController(Controller):
    path = "/tickets/{number:str}/slots"
    guards = [requires(Role.DESK, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)]  # noqa: RUF012
    picker = DeskSlots()

    @get("/", name="desk_slots")
    async def page(self, number: str, request: HTMXRequest, db_session: AsyncSession, day: str = "") -> Template:
        return await self.picker.render(request, db_session, await self.picker.ticket(db_session, number, request), _day(day))

    @post("/", name="desk_book")
    async def book(self, number: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self.picker.book(request, db_session, number)

    @post("/cancel", name="desk_unbook")
    async def cancel(self, number: str, request: HTMXRequest, db_session: AsyncSession) -> Response:
        return await self.picker.cancel(request, db_session, number)
