"""The resident's pages: report a fault from the phone, follow it, cancel it, accept a quote."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.live import after_ticket_saved
from app.models import Role
from app.routes.forms import conflict_message, form_dict
from app.routes.ticket_forms import form_page_context, submit_report
from app.security import requires
from app.services import booking, intake, progress, ticket_actions, ticket_queries
from app.services.validation import FormErrors
from app.services.workflow import Conflict, TransitionError

UNPROCESSABLE = 422


class ResidentController(Controller):
    path = "/my"
    guards = [requires(Role.RESIDENT)]  # noqa: RUF012

    @get("/", name="resident_home")
    async def home(self, request: Request, db_session: AsyncSession) -> Template:
        return Template("resident/home.html", context={
            "tickets": await ticket_queries.resident_tickets(db_session, request.user),
            "units": await intake.units_of(db_session, request.user),
        })

    @get("/report", name="resident_report_form")
    async def report_form(self, request: Request, db_session: AsyncSession) -> Template:
        return await self._form(request, db_session, {}, {})

    async def _form(self, request: Request, db: AsyncSession, form: dict, errors: dict, duplicates: list | None = None,
                    status: int = 200, kept: list[str] | None = None) -> Template:
        context = await form_page_context(db, form, errors, duplicates, kept)
        context["units"] = await intake.units_of(db, request.user)
        return Template("resident/report.html", context=context, status_code=status)

    @post("/report", name="resident_report")
    async def report(self, request: Request, db_session: AsyncSession) -> Response:
        sent = await submit_report(request, db_session)
        if sent.ticket is None:
            return await self._form(request, db_session, sent.form, sent.errors, sent.duplicates,
                                    status=UNPROCESSABLE, kept=sent.kept_photos)
        ticket = sent.ticket
        response = Redirect(path=f"/my/tickets/{ticket.number}?new=1", status_code=303)
        response.background = after_ticket_saved(request.app, ticket)
        return response

    @get("/tickets/{number:str}", name="resident_ticket")
    async def ticket(self, number: str, request: Request, db_session: AsyncSession, new: str = "", booked: str = "") -> Template:
        return await self._ticket_page(request, db_session, number, just_created=bool(new), booked=bool(booked))

    async def _ticket_page(self, request: Request, db: AsyncSession, number: str, *, just_created: bool = False, booked: bool = False,
                           errors: dict | None = None, message: str | None = None, status: int = 200) -> Template:
        ticket = await ticket_queries.visible_ticket(db, number, request.user)
        if ticket is None:
            raise NotFoundException()
        original = await db.get(type(ticket), ticket.duplicate_of_id) if ticket.duplicate_of_id else None
        return Template("resident/ticket.html", status_code=status, context={
            "ticket": ticket,
            "original": original,
            "events": await ticket_queries.timeline(db, ticket),
            "photos": await ticket_queries.photos_of(db, ticket),
            "just_created": just_created,
            "booked": booked and ticket.window_start is not None,
            "can_cancel": ticket.status in ticket_actions.CANCELLABLE and ticket.reporter_id == request.user.id,
            **booking.appointment_context(ticket, f"/my/tickets/{ticket.number}/slots"),
            "progress": await progress.resident_view(db, ticket, request.user),
            "errors": errors or {},
            "message": message,
        })

    @post("/tickets/{number:str}/cancel", name="resident_cancel")
    async def cancel(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, ticket_actions.cancel)

    @post("/tickets/{number:str}/consent", name="resident_consent")
    async def consent(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._act(number, request, db_session, ticket_actions.record_consent)

    async def _act(self, number: str, request: Request, db: AsyncSession, action) -> Response:  # noqa: ANN001
        import datetime as dt

        ticket = await ticket_queries.visible_ticket(db, number, request.user)
        if ticket is None or ticket.reporter_id != request.user.id:
            raise NotFoundException()
        form = await form_dict(request)
        try:
            await action(db, ticket, form, request.user, dt.datetime.now(dt.timezone.utc))
        except FormErrors as exc:
            await db.rollback()
            return await self._ticket_page(request, db, number, errors=exc.errors, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db.rollback()
            return await self._ticket_page(request, db, number, message=conflict_message(exc), status=409)
        return Redirect(path=f"/my/tickets/{number}", status_code=303)

