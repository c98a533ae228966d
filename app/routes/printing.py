"""Paper for the field: a technician's day sheet and the work order (派工单) for one ticket."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Role
from app.security import requires
from app.services import printing
from app.web import local_tz, utc_now



class PrintController(Controller):
    # Full paths in the handlers: the sheet lives under the board's URLs, the order under the ticket's.
    path = "/"

    @get("/board/{day:str}/sheet/{technician_id:int}", name="print_day_sheet",
         guards=[requires(Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)])
    async def day_sheet(self, day: str, technician_id: int, db_session: AsyncSession) -> Template:
        try:
            the_day = dt.date.fromisoformat(day)
        except ValueError:
            raise NotFoundException() from None
        sheet = await printing.day_sheet(db_session, the_day, technician_id)
        if sheet is None:
            raise NotFoundException()
        return Template("print/sheet.html", context={"sheet": sheet, "clock": printing.clock, "printed_at": utc_now()})

    @get("/tickets/{number:str}/work-order", name="print_work_order",
         guards=[requires(Role.DESK, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)])
    async def work_order(self, number: str, db_session: AsyncSession) -> Template:
        order = await printing.work_order(db_session, number)
        if order is None:
            raise NotFoundException()
        return Template("print/work_order.html", context={
            "order": order, "ticket": order.ticket, "planned": order.planned_at(local_tz()),
            "clock": printing.clock, "printed_at": utc_now(),
        })
