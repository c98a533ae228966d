"""The technician's day on a phone: the routed list and the answer to each offer."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.live import announce
from app.models import Role, Ticket
from app.routes.forms import conflict_message, form_dict
from app.security import requires
from app.services import company_settings, offers, tech_day
from app.services.board import clock
from app.services.validation import FormErrors
from app.services.workflow import Conflict, TransitionError
from app.web import local_tz


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class TechnicianController(Controller):
    path = "/tech"
    guards = [requires(Role.TECHNICIAN)]  # noqa: RUF012

    @get("/", name="technician_home")
    async def home(self, request: Request, db_session: AsyncSession, day: str = "") -> Template:
        return await self._page(request, db_session, day)

    async def _page(self, request: Request, db: AsyncSession, day: str = "", *, message: str | None = None,
                    errors: dict | None = None, status: int = 200) -> Template:
        today = _now().astimezone(local_tz()).date()
        try:
            the_day = dt.date.fromisoformat(day) if day else today
        except ValueError:
            raise NotFoundException() from None
        technician = await tech_day.technician_of(db, request.user)
        settings = await company_settings.load(db)
        visits = await tech_day.visits(db, technician, the_day, local_tz()) if technician else []
        return Template("tech/home.html", status_code=status, context={
            "technician": technician, "visits": visits, "day": the_day, "today": today,
            "tomorrow": today + dt.timedelta(days=1), "clock": clock, "message": message, "errors": errors or {},
            "timeout_minutes": settings["accept_timeout_minutes"], "now": _now(), "timedelta": dt.timedelta,
        })

    async def _answer(self, number: str, request: Request, db: AsyncSession, accept: bool) -> Response:
        technician = await tech_day.technician_of(db, request.user)
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        if technician is None or ticket is None or ticket.technician_id != technician.id:
            raise NotFoundException()
        form = await form_dict(request)
        try:
            if accept:
                await offers.accept(db, ticket, technician, request.user, _now())
            else:
                await offers.decline(db, ticket, technician, form.get("reason", ""), request.user, _now())
        except FormErrors as exc:
            await db.rollback()
            return await self._page(request, db, errors={number: exc.errors.get("reason", "")}, status=422)
        except (TransitionError, Conflict) as exc:
            await db.rollback()
            return await self._page(request, db, message=conflict_message(exc), status=409)
        response = Redirect(path="/tech", status_code=303)
        response.background = announce(request.app, "offer")
        return response

    @post("/jobs/{number:str}/accept", name="technician_accept")
    async def accept(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._answer(number, request, db_session, accept=True)

    @post("/jobs/{number:str}/decline", name="technician_decline")
    async def decline(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        return await self._answer(number, request, db_session, accept=False)
