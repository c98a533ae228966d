"""Each role's landing page."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Role
from app.security import requires
from app.services import overview
from app.web import utc_now



@get("/supervisor", guards=[requires(Role.SUPERVISOR, Role.ADMIN)], name="supervisor_home")
async def supervisor_home(db_session: AsyncSession) -> Template:
    return Template("supervisor/home.html", context=await overview.supervisor_home(db_session, utc_now()))


route_handlers = [supervisor_home]
