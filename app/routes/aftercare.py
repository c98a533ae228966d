"""After the work: the desk's return-visit queue, finance's daily reconciliation, and the ticket
page's panel with payments taken at the desk, the return visit and repeat failures."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.i18n import gettext as _
from app.live import after_ticket_saved
from app.models import DONE_STATUSES, Charge, Ticket
from app.routes.forms import conflict_message, form_dict
from app.security import DESK_SIDE, MANAGERS, STAFF, requires
from app.services import company_settings, intake, receipts, reconciliation, repeats, return_visits, signoff
from app.services.validation import FormErrors
from app.services.workflow import Conflict, TransitionError
from app.web import local_tz, utc_now

UNPROCESSABLE, CONFLICT = 422, 409



class ReturnVisitController(Controller):
    path = "/desk/return-visits"
    guards = [requires(*DESK_SIDE)]  # noqa: RUF012

    @get("/", name="return_visits")
    async def page(self, db_session: AsyncSession) -> Template:
        return await self._page(db_session)

    async def _page(self, db: AsyncSession, *, errors: dict | None = None, form: dict | None = None, visit_id: int | None = None,
                    candidates: list | None = None, message: str | None = None, status: int = 200) -> Template:
        now = utc_now()
        await return_visits.catch_up(db, now, await company_settings.load(db))
        return Template("aftercare/return_visits.html", status_code=status, context={
            "rows": await return_visits.queue(db, now), "recent": await return_visits.recent(db, now), "now": now,
            "errors": errors or {}, "form": form or {}, "visit_id": visit_id, "candidates": candidates or [],
            "message": message, "new_key": secrets.token_urlsafe(16),
        })

    @post("/{visit_id:int}", name="return_visit_record")
    async def record(self, visit_id: int, request: Request, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        settings = await company_settings.load(db_session)
        ctx = intake.Context(actor=request.user, settings=settings, now=utc_now(), tz=local_tz(),
                             upload_dir=Path(request.app.state.settings.upload_dir))
        try:
            visit = await return_visits.record_call(db_session, visit_id, form, ctx)
            await db_session.flush()
        except LookupError:
            raise NotFoundException() from None
        except return_visits.ProblemDuplicates as exc:
            await db_session.rollback()
            return await self._page(db_session, errors=exc.errors, form=form, visit_id=visit_id, candidates=exc.candidates,
                                    status=UNPROCESSABLE)
        except FormErrors as exc:
            await db_session.rollback()
            return await self._page(db_session, errors=exc.errors, form=form, visit_id=visit_id, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await self._page(db_session, message=conflict_message(exc), status=CONFLICT)
        except (StaleDataError, IntegrityError):
            # Two clerks saved the same call at once: the first one's record stands.
            await db_session.rollback()
            return await self._page(db_session, message=_("Someone recorded this call at the same moment. Here is the queue as it is now."),
                                    status=CONFLICT)
        if visit.follow_up_ticket_id:
            follow_up = await db_session.get(Ticket, visit.follow_up_ticket_id)
            response = Redirect(path=f"/tickets/{follow_up.number}?new=1", status_code=303)
            response.background = after_ticket_saved(request.app, follow_up)
            return response
        return Redirect(path="/desk/return-visits", status_code=303)


class FinanceController(Controller):
    path = "/finance"
    guards = [requires(*MANAGERS)]  # noqa: RUF012

    @get("/", name="finance_home")
    async def home(self) -> Redirect:
        return Redirect(path="/finance/reconciliation", status_code=303)

    @get("/reconciliation", name="reconciliation")
    async def page(self, db_session: AsyncSession, day: str = "") -> Template:
        today = utc_now().astimezone(local_tz()).date()
        try:
            chosen = dt.date.fromisoformat(day) if day else today
        except ValueError:
            return await self._page(db_session, today, errors={"day": _("Enter a date as YYYY-MM-DD.")}, typed_day=day,
                                    status=UNPROCESSABLE)
        return await self._page(db_session, chosen)

    async def _page(self, db: AsyncSession, day: dt.date, *, errors: dict | None = None, form: dict | None = None,
                    typed_day: str | None = None, message: str | None = None, status: int = 200) -> Template:
        return Template("aftercare/reconciliation.html", status_code=status, context={
            "day": day, "typed_day": typed_day if typed_day is not None else day.isoformat(),
            "sheet": await reconciliation.day_sheet(db, day, local_tz()),
            "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1),
            "errors": errors or {}, "form": form or {}, "message": message, "now": utc_now(),
        })

    @post("/reconciliation/close", name="reconciliation_close")
    async def close(self, request: Request, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        try:
            day = dt.date.fromisoformat(form.get("day", ""))
        except ValueError:
            return await self._page(db_session, utc_now().astimezone(local_tz()).date(),
                                    errors={"day": _("Enter a date as YYYY-MM-DD.")}, status=UNPROCESSABLE)
        try:
            await reconciliation.close_day(db_session, day, form, request.user, utc_now(), local_tz())
            await db_session.flush()
        except FormErrors as exc:
            await db_session.rollback()
            return await self._page(db_session, day, errors=exc.errors, form=form, status=UNPROCESSABLE)
        except TransitionError as exc:
            await db_session.rollback()
            return await self._page(db_session, day, message=str(exc), status=CONFLICT)
        return Redirect(path=f"/finance/reconciliation?day={day.isoformat()}", status_code=303)


class TicketAftercareController(Controller):
    """The ticket page's aftercare panel, loaded after the page, and the desk's payment form in it."""

    path = "/tickets/{number:str}"
    guards = [requires(*STAFF)]  # noqa: RUF012

    @get("/aftercare", name="ticket_aftercare")
    async def panel(self, number: str, request: Request, db_session: AsyncSession) -> Template:
        ticket = await _ticket(db_session, number)
        return Template("aftercare/_ticket_panel_body.html", context=await _panel(db_session, ticket, request))

    @get("/repeat-note", name="ticket_repeat_note")
    async def repeat_note(self, number: str, db_session: AsyncSession) -> Template:
        """The board's queue item of a repeat failure: whose repair it was, to offer it to them first."""
        ticket = await _ticket(db_session, number)
        return Template("aftercare/_repeat_note.html", context={"note": await repeats.note_for(db_session, ticket)})

    @post("/payment", name="ticket_desk_payment")
    async def payment(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        ticket = await _ticket(db_session, number)
        form = await form_dict(request)
        full_page = not request.headers.get("hx-request")
        if request.user.role not in DESK_SIDE:
            return await _panel_response(db_session, ticket, request, full_page, message=_("Your role may not take payments."),
                                         status=403)
        try:
            payment = await reconciliation.record_desk_payment(db_session, ticket, form, request.user, utc_now(), local_tz())
            await db_session.flush()
        except FormErrors as exc:
            await db_session.rollback()
            return await _panel_response(db_session, ticket, request, full_page, errors=exc.errors, form=form, status=UNPROCESSABLE)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await _panel_response(db_session, ticket, request, full_page, message=conflict_message(exc), status=CONFLICT)
        if full_page:
            return Redirect(path=f"/tickets/{number}", status_code=303)
        saved = _("Payment recorded: receipt %(receipt)s.", receipt=payment.receipt_no) if payment else _("This payment was already recorded.")
        return await _panel_response(db_session, ticket, request, False, saved=saved)


async def _ticket(db: AsyncSession, number: str) -> Ticket:
    ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        raise NotFoundException()
    return ticket


async def _panel(db: AsyncSession, ticket: Ticket, request: Request, **extra: object) -> dict:
    await db.refresh(ticket)  # after a rollback the panel shows what is saved
    visit = await return_visits.of(db, ticket)
    payments = await reconciliation.payments_of(db, ticket)
    due = await signoff.amount_due(db, ticket)
    paid = round(sum(p.amount for p, _u in payments), 2)
    follow_up = await db.get(Ticket, visit.follow_up_ticket_id) if visit and visit.follow_up_ticket_id else None
    return {
        "ticket": ticket, "visit": visit, "follow_up": follow_up, "visit_overdue": bool(visit and return_visits.overdue(visit, utc_now())),
        "repeat_note": await repeats.note_for(db, ticket), "repeated_by": await repeats.repeats_of(db, ticket),
        "payments": payments, "amount_due": due, "paid": paid,
        "can_take_payment": request.user.role in DESK_SIDE and ticket.charge is Charge.PAID and ticket.status in DONE_STATUSES,
        "methods": receipts.METHODS, "new_key": secrets.token_urlsafe(16),
        "errors": {}, "form": {}, "message": None, "saved": None, **extra,
    }


async def _panel_response(db: AsyncSession, ticket: Ticket, request: Request, full_page: bool, status: int = 200,
                          **extra: object) -> Template:
    template = "aftercare/payment_page.html" if full_page else "aftercare/_ticket_panel_body.html"
    return Template(template, status_code=status, context=await _panel(db, ticket, request, **extra))


route_handlers = [ReturnVisitController, FinanceController, TicketAftercareController]
