"""An emergency re-plans its day at once: accepted and started work held, the rest free to move."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from app.services import company_settings, planning
from app.services.workflow import Conflict

log = logging.getLogger(__name__)
REPLAN_SECONDS = 1.5


async def replan(alchemy: SQLAlchemyAsyncConfig, day: dt.date, tz: ZoneInfo, now: dt.datetime) -> bool:
    """Solve the day warm-started from its plan and apply the result as the system. A dispatcher who
    saved in the meantime wins; the emergency is then planned on the next try."""
    for _attempt in range(2):
        async with alchemy.get_session() as db:
            settings = await company_settings.load(db)
            data = await planning.load_day(db, day, tz, settings)
            problem = planning.build_problem(data, now)
            proposal = await planning.solve(problem, REPLAN_SECONDS, planning.stored_plan(data))
            try:
                await planning.apply(db, data, proposal, data.plan.version if data.plan else 0, None, now, problem)
                await db.commit()
                return True
            except Conflict:
                await db.rollback()
    log.warning("emergency re-plan for %s lost twice to concurrent changes", day)
    return False
