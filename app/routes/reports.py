"""The morning list for everyone who acts on it, and the month's statistics with their downloads for managers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import Estate
from app.security import MANAGERS, STAFF, requires
from app.services import staff
from app.services.reports import exports, morning, month
from app.services.reports.month_tables import TABLE_KEYS, month_charts, month_tables
from app.services.reports.tables import show
from app.web import local_tz, utc_now

# "month" in the URL; the handlers' name would shadow the service module.
MonthParam = Annotated[str, QueryParameter(name="month")]



def _first_day(text: str) -> dt.date:
    first_day = month.parse_month(text, utc_now().astimezone(local_tz()).date())
    if first_day is None:
        raise NotFoundException()
    return first_day


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content=content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class ReportController(Controller):
    path = "/reports"

    @get("/morning", name="reports_morning", guards=[requires(*STAFF)])
    async def morning_page(self, db_session: AsyncSession, estate: str = "", trade: str = "", sort: str = "sla") -> Template:
        sort = sort if sort in morning.SORTS else "sla"
        now = utc_now()
        result = await morning.morning_list(db_session, now, local_tz(), estate_id=int(estate) if estate.isdigit() else None,
                                            trade=trade or None, sort=sort)
        return Template("reports/morning.html", context={
            "result": result, "now": now, "today": now.astimezone(local_tz()).date(), "filters": {"estate": estate, "trade": trade, "sort": sort},
            "estates": list(await db_session.scalars(select(Estate).order_by(Estate.code))),
            "trades": await staff.trades(db_session), "age_text": morning.age_text,
            "sla_names": {state: _(name) for state, name in morning.SLA_NAMES.items()},
            "queue_names": {queue: _(name) for queue, name in morning.QUEUE_NAMES.items()},
        })

    @get("/morning.csv", name="reports_morning_csv", guards=[requires(*STAFF)])
    async def morning_csv(self, db_session: AsyncSession, estate: str = "", trade: str = "", sort: str = "sla") -> Response:
        now = utc_now()
        result = await morning.morning_list(db_session, now, local_tz(), estate_id=int(estate) if estate.isdigit() else None,
                                            trade=trade or None, sort=sort if sort in morning.SORTS else "sla")
        return _download(exports.to_csv(morning.as_table(result, local_tz())), "text/csv",
                         f"baoxiu-morning-{now.astimezone(local_tz()):%Y-%m-%d}.csv")

    @get("/month", name="reports_month", guards=[requires(*MANAGERS)])
    async def month_page(self, db_session: AsyncSession, month_: MonthParam = "") -> Template:
        return await self._month_page(db_session, month_)

    async def _month_page(self, db: AsyncSession, text: str) -> Template:
        first_day = _first_day(text)
        stats = await month.month_stats(db, first_day, local_tz(), utc_now())
        return Template("reports/month.html", context={
            "stats": stats, "tables": month_tables(stats), "charts": month_charts(stats), "show": show,
            "month_value": first_day.strftime("%Y-%m"),
            "previous": month.previous_month(first_day).strftime("%Y-%m"),
            "next": month.next_month(first_day).strftime("%Y-%m"),
        })

    @get("/month.csv", name="reports_month_csv", guards=[requires(*MANAGERS)])
    async def month_csv(self, db_session: AsyncSession, month_: MonthParam = "", table: str = "summary") -> Response:
        if table not in TABLE_KEYS:
            raise NotFoundException()
        first_day = _first_day(month_)
        stats = await month.month_stats(db_session, first_day, local_tz(), utc_now())
        chosen = next(t for t in month_tables(stats) if t.key == table)
        return _download(exports.to_csv(chosen), "text/csv",
                         f"baoxiu-{first_day:%Y-%m}-{table}.csv")

    @get("/month.xlsx", name="reports_month_xlsx", guards=[requires(*MANAGERS)])
    async def month_xlsx(self, db_session: AsyncSession, month_: MonthParam = "") -> Response:
        first_day = _first_day(month_)
        stats = await month.month_stats(db_session, first_day, local_tz(), utc_now())
        heading = _("Baoxiu repair desk") + " · " + first_day.strftime("%Y-%m")
        return _download(exports.to_xlsx(month_tables(stats), heading),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         f"baoxiu-{first_day:%Y-%m}.xlsx")
