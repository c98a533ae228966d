"""Each role's landing page."""

from __future__ import annotations

import datetime as dt

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Role
from app.security import requires
from app.services import overview
from app.web import local_tz


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _today() -> dt.date:
    return _now().astimezone(local_tz()).date()


@get("/tech", guards=[requires(Role.TECHNICIAN)], name="technician_home")
async def technician_home(request: Request, db_session: AsyncSession) -> Template:
    context = await overview.technician_home(db_session, request.user, _today(), local_tz())
    return Template("tech/home.html", context=context)


@get("/supervisor", guards=[requires(Role.SUPERVISOR, Role.ADMIN)], name="supervisor_home")
async def supervisor_home(db_session: AsyncSession) -> Template:
    return Template("supervisor/home.html", context=await overview.supervisor_home(db_session, _now()))


route_handlers = [technician_home, supervisor_home]
