"""The front desk: register phone, walk-in, self-inspection and public-area reports."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.live import after_ticket_saved
from app.models import Building, Estate, Role
from app.routes.ticket_forms import form_page_context, submit_report
from app.security import requires
from app.services import overview, ticket_queries

UNPROCESSABLE = 422
PUBLIC_SPOTS = ("大堂", "1号电梯", "2号电梯", "楼梯间", "单元门禁", "地下车库B1", "地下车库B2", "屋顶", "绿地", "小区大门", "垃圾站", "消防通道")


class DeskController(Controller):
    path = "/desk"
    guards = [requires(Role.DESK, Role.SUPERVISOR, Role.ADMIN)]  # noqa: RUF012

    @get("/", name="desk_home")
    async def home(self, db_session: AsyncSession) -> Template:
        return Template("desk/home.html", context=await overview.desk_home(db_session, dt.datetime.now(dt.timezone.utc)))

    @get("/report", name="desk_report_form")
    async def report_form(self, db_session: AsyncSession, public: bool = False) -> Template:
        return await self._form(db_session, {"channel": "self_inspection" if public else "phone"}, {})

    async def _form(self, db: AsyncSession, form: dict, errors: dict, duplicates: list | None = None,
                    status: int = 200, kept: list[str] | None = None) -> Template:
        context = await form_page_context(db, form, errors, duplicates, kept)
        context["estates"] = list(await db.scalars(select(Estate).order_by(Estate.code)))
        context["spots"] = PUBLIC_SPOTS
        context["public"] = form.get("channel") in {"self_inspection", "patrol"}
        if form.get("estate_id", "").isdigit():
            context["buildings"] = await self._buildings(db, int(form["estate_id"]))
        if form.get("unit_id", "").isdigit():
            from app.models import Unit

            context["unit"] = await db.get(Unit, int(form["unit_id"]))
        template = "desk/public.html" if context["public"] else "desk/report.html"
        return Template(template, context=context, status_code=status)

    @post("/report", name="desk_report")
    async def report(self, request: Request, db_session: AsyncSession) -> Response:
        sent = await submit_report(request, db_session)
        if sent.ticket is None:
            return await self._form(db_session, sent.form, sent.errors, sent.duplicates,
                                    status=UNPROCESSABLE, kept=sent.kept_photos)
        ticket = sent.ticket
        response = Redirect(path=f"/tickets/{ticket.number}?new=1", status_code=303)
        response.background = after_ticket_saved(request.app, ticket)
        return response

    @get("/callers", name="desk_callers")
    async def callers(self, db_session: AsyncSession, q: str = "") -> Template:
        """Active search while the clerk types a phone number, a name or a unit code like 3-2-1201."""
        results = await ticket_queries.search_callers(db_session, q)
        return Template("desk/_callers.html", context={"results": results, "q": q})

    @get("/buildings", name="desk_buildings")
    async def buildings(self, request: HTMXRequest, db_session: AsyncSession, estate_id: int = 0) -> Template:
        return Template("desk/_building_options.html", context={"buildings": await self._buildings(db_session, estate_id), "form": {}})

    @staticmethod
    async def _buildings(db: AsyncSession, estate_id: int) -> list[Building]:
        return list(await db.scalars(select(Building).where(Building.estate_id == estate_id).order_by(Building.id)))
