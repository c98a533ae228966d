"""The staff's ticket list and ticket page, with the actions each role may take in each state."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.live import after_ticket_saved
from app.models import Channel, Estate, Status, Ticket, Urgency
from app.routes.forms import conflict_message, form_dict
from app.security import DESK_SIDE, MANAGERS, STAFF, requires
from app.services import booking, company_settings, staff, ticket_actions, ticket_queries
from app.services.validation import FormErrors
from app.services.workflow import Conflict, TransitionError, allowed_targets
from app.web import local_tz, utc_now




class TicketController(Controller):
    path = "/tickets"
    guards = [requires(*STAFF)]  # noqa: RUF012

    @get("/", name="ticket_list")
    async def list_page(self, request: HTMXRequest, db_session: AsyncSession, q: str = "", status: str = "", estate: str = "",
                        trade: str = "", urgency: str = "", channel: str = "", breached: str = "", day: str = "", page: int = 1) -> Template:
        filters = ticket_queries.ListFilters(q, status, estate, trade, urgency, channel, breached, day, page)
        result = await ticket_queries.list_tickets(db_session, filters, utc_now(), local_tz())
        context = {
            "result": result, "filters": filters, "now": utc_now(),
            "estates": list(await db_session.scalars(select(Estate).order_by(Estate.code))),
            "trades": await staff.trades(db_session), "statuses": list(Status), "urgencies": list(Urgency), "channels": list(Channel),
        }
        # The filter form swaps only the results; a plain visit (or a bookmarked URL) gets the page.
        if request.htmx and request.htmx.target == "ticket-results":
            return Template("tickets/_results.html", context=context)
        return Template("tickets/list.html", context=context)

    @get("/{number:str}", name="ticket_page")
    async def ticket_page(self, number: str, request: Request, db_session: AsyncSession, new: str = "", booked: str = "") -> Template:
        return await self._page(request, db_session, number, just_created=bool(new), booked=bool(booked))

    async def _page(self, request: Request, db: AsyncSession, number: str, *, just_created: bool = False, booked: bool = False,
                    errors: dict | None = None, message: str | None = None, status: int = 200) -> Template:
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is None:
            raise NotFoundException()
        settings = await company_settings.load(db)
        role = request.user.role
        return Template("tickets/detail.html", status_code=status, context={
            "ticket": ticket,
            "original": await db.get(Ticket, ticket.duplicate_of_id) if ticket.duplicate_of_id else None,
            "duplicates": await ticket_queries.duplicates_of(db, ticket),
            "events": await ticket_queries.timeline(db, ticket),
            "photos": await ticket_queries.photos_of(db, ticket),
            "trades": [t for t in await staff.trades(db)],
            "fee_schedule": settings["fee_schedule"],
            "pending_approvals": ticket_actions.pending_approvals(ticket, settings),
            "blockers": ticket_actions.dispatch_blockers(ticket, settings),
            "targets": allowed_targets(ticket, role),
            "is_desk": role in DESK_SIDE,
            "is_manager": role in MANAGERS,
            "can_cancel": role in DESK_SIDE and ticket.status in ticket_actions.CANCELLABLE,
            "now": utc_now(),
            "just_created": just_created,
            "booked": booked and ticket.window_start is not None,
            **booking.appointment_context(ticket, f"/tickets/{ticket.number}/slots"),
            "errors": errors or {},
            "message": message,
        })

    async def _act(self, number: str, request: Request, db: AsyncSession, action, roles=DESK_SIDE) -> Response:  # noqa: ANN001
        if request.user.role not in roles:
            return await self._page(request, db, number, message=str(TransitionError()), status=403)
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is None:
            raise NotFoundException()
        raw = await request.form()
        form = await form_dict(request)
        try:
            await action(db, ticket, form, raw)
            await db.flush()
        except FormErrors as exc:
            await db.rollback()
            return await self._page(request, db, number, errors=exc.errors, status=422)
        except (TransitionError, Conflict) as exc:
            await db.rollback()
            return await self._page(request, db, number, message=conflict_message(exc), status=409)
        response = Redirect(path=f"/tickets/{number}", status_code=303)
        response.background = after_ticket_saved(request.app, ticket)
        return response

    @post("/{number:str}/classify", name="ticket_classify")
    async def classify(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        settings = await company_settings.load(db_session)
        return await self._act(number, request, db_session,
                               lambda db, t, f, raw: ticket_actions.classify_ticket(db, t, f, request.user, settings, utc_now()), roles=STAFF)

    @post("/{number:str}/cancel", name="ticket_cancel")
    async def cancel(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, lambda db, t, f, raw: ticket_actions.cancel(db, t, f, request.user, utc_now()))

    @post("/{number:str}/duplicate", name="ticket_duplicate")
    async def duplicate(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, lambda db, t, f, raw: ticket_actions.link_duplicate(db, t, f, request.user, utc_now()))

    @post("/{number:str}/unlink", name="ticket_unlink")
    async def unlink(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, lambda db, t, f, raw: ticket_actions.unlink_duplicate(db, t, f, request.user, utc_now()))

    @post("/{number:str}/charge", name="ticket_charge")
    async def charge(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, lambda db, t, f, raw: ticket_actions.set_charge(db, t, f, request.user, utc_now()))

    @post("/{number:str}/quote", name="ticket_quote")
    async def quote(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        settings = await company_settings.load(db_session)

        async def save(db, ticket, form, raw):  # noqa: ANN001, ANN202
            lists = {key: raw.getall(key) for key in ("labour_code", "labour_qty", "material_name", "material_price", "material_qty") if key in raw}
            lines = ticket_actions.parse_quote_lines(form, lists, settings["fee_schedule"])
            await ticket_actions.save_quote(db, ticket, form, lines, request.user, utc_now())

        return await self._act(number, request, db_session, save)

    @post("/{number:str}/consent", name="ticket_consent")
    async def consent(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, lambda db, t, f, raw: ticket_actions.record_consent(db, t, f, request.user, utc_now()))

    @post("/{number:str}/approve", name="ticket_approve")
    async def approve(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        settings = await company_settings.load(db_session)
        return await self._act(number, request, db_session,
                               lambda db, t, f, raw: ticket_actions.approve(db, t, f, request.user, settings, utc_now()),
                               roles=MANAGERS)

    @post("/{number:str}/after-sales", name="ticket_after_sales")
    async def after_sales(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, lambda db, t, f, raw: ticket_actions.after_sales_step(db, t, f, request.user, utc_now()))
