"""The resident confirms and rates completed work on their own phone."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.live import announce
from app.models import Role
from app.routes.forms import conflict_message, form_dict
from app.security import requires
from app.services import progress, signoff, ticket_queries
from app.services.validation import FormErrors
from app.services.workflow import Conflict, TransitionError
from app.web import local_tz


class ResidentSignoffController(Controller):
    path = "/my/tickets"
    guards = [requires(Role.RESIDENT)]  # noqa: RUF012

    @post("/{number:str}/signoff", name="resident_signoff")
    async def sign(self, number: str, request: Request, db_session: AsyncSession) -> Response:
        ticket = await ticket_queries.visible_ticket(db_session, number, request.user)
        if ticket is None or ticket.reporter_id != request.user.id:
            raise NotFoundException()
        form = await form_dict(request)
        try:
            await signoff.sign(db_session, ticket, form, request.user, "own_phone", dt.datetime.now(dt.timezone.utc), local_tz())
            await db_session.flush()
        except (StaleDataError, IntegrityError):
            # Signed at the same moment on the technician's phone: that sign-off stands.
            await db_session.rollback()
            return Redirect(path=f"/my/tickets/{number}", status_code=303)
        except FormErrors as exc:
            await db_session.rollback()
            return await self._page(request, db_session, number, form, errors=exc.errors, status=422)
        except (TransitionError, Conflict) as exc:
            await db_session.rollback()
            return await self._page(request, db_session, number, form, message=conflict_message(exc), status=409)
        response = Redirect(path=f"/my/tickets/{number}", status_code=303)
        response.background = announce(request.app, "ticket")
        return response

    async def _page(self, request: Request, db: AsyncSession, number: str, form: dict, *, status: int,
                    errors: dict | None = None, message: str | None = None) -> Template:
        ticket = await ticket_queries.visible_ticket(db, number, request.user)
        return Template("resident/signoff.html", status_code=status, context={
            "ticket": ticket, "form": form, "errors": errors or {}, "message": message,
            "progress": await progress.resident_view(db, ticket, request.user),
        })
