"""The desk's coordination slips (协调单): what is due for a follow-up or a resident update, and the
visits that found nobody home."""

from __future__ import annotations

import secrets

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.i18n import gettext as _
from app.models import Role
from app.routes.forms import conflict_message, form_dict
from app.security import requires
from app.services import coordination
from app.services.validation import FormErrors
from app.services.workflow import TransitionError
from app.web import utc_now



class SlipsController(Controller):
    path = "/desk/slips"
    guards = [requires(Role.DESK, Role.SUPERVISOR, Role.ADMIN)]  # noqa: RUF012

    @get("/", name="desk_slips")
    async def slips(self, db_session: AsyncSession) -> Template:
        return await self._page(db_session)

    async def _page(self, db: AsyncSession, message: str | None = None, status: int = 200) -> Template:
        now = utc_now()
        return Template("desk/slips.html", status_code=status, context={
            "rows": await coordination.open_slips(db, now), "message": message,
            "new_key": lambda: secrets.token_urlsafe(12),
            **await coordination.attention(db, now),
        })

    @get("/attention", name="desk_attention")
    async def attention(self, db_session: AsyncSession) -> Template:
        """The desk home's list of field work needing the desk, loaded after the page."""
        return Template("desk/_attention.html", context=await coordination.attention(db_session, utc_now()))

    @post("/{slip_id:int}", name="desk_slip_action")
    async def act(self, slip_id: int, request: Request, db_session: AsyncSession) -> Response:
        form = await form_dict(request)
        try:
            await coordination.act(db_session, slip_id, form.get("action", ""), request.user, utc_now(), key=form.get("key", ""))
            await db_session.flush()
        except (FormErrors, TransitionError) as exc:
            await db_session.rollback()
            text = " ".join(exc.errors.values()) if isinstance(exc, FormErrors) else conflict_message(exc)
            return await self._page(db_session, message=text, status=409)
        except StaleDataError:
            await db_session.rollback()
            return await self._page(db_session, status=409, message=_(
                "Someone acted on this slip or its ticket at the same moment. Here are the slips as they are now."))
        return Redirect(path="/desk/slips", status_code=303)
