"""An emergency re-plans its day at once: accepted and started work held, the rest free to move.

The plan's objective serves as much priority weight as it can, so on a full day it would rather
attend a burst pipe at four in the afternoon than leave any normal job unserved. A company promises
minutes, not hours: the re-plan first asks for every new emergency within `PROMPT_HORIZON` of now,
which lets the solver move or drop jobs nobody has accepted yet; only when even that is impossible
(everyone able is held by accepted or started work) does it take the day's first free gap.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from zoneinfo import ZoneInfo

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from app import dispatch
from app.services import company_settings, planning
from app.services.workflow import Conflict

log = logging.getLogger(__name__)
REPLAN_SECONDS = 1.5
PROMPT_HORIZON_S = 60 * 60


def promptly(problem: dispatch.Problem, now_s: int, horizon_s: int = PROMPT_HORIZON_S) -> dispatch.Problem:
    """The day with every emergency nobody holds yet due within `horizon_s` of now (or of its report)."""
    def tightened(job: dispatch.Job) -> dispatch.Job:
        if job.priority != "emergency" or job.pinned_to or job.fixed_start is not None:
            return job
        windows = tuple((o, min(c, max(o, now_s) + horizon_s)) for o, c in job.windows) or ((now_s, now_s + horizon_s),)
        return replace(job, windows=windows)

    return replace(problem, jobs=[tightened(j) for j in problem.jobs])


async def solve_for_emergency(problem: dispatch.Problem, now_s: int, previous: dispatch.Plan | None) -> dispatch.Plan:
    prompt = promptly(problem, now_s)
    proposal = await planning.solve(prompt, REPLAN_SECONDS, previous)
    urgent = {j.id for j, original in zip(prompt.jobs, problem.jobs, strict=True) if j.windows != original.windows}
    if urgent & {u.job for u in proposal.unassigned}:
        # Nobody can be there within the hour without dropping held work: the first free gap, then.
        proposal = await planning.solve(problem, REPLAN_SECONDS, proposal)
    return proposal


async def replan(alchemy: SQLAlchemyAsyncConfig, day: dt.date, tz: ZoneInfo, now: dt.datetime) -> bool:
    """Solve the day warm-started from its plan and apply the result as the system. A dispatcher who
    saved in the meantime wins; the emergency is then planned on the next try."""
    for _attempt in range(2):
        async with alchemy.get_session() as db:
            settings = await company_settings.load(db)
            data = await planning.load_day(db, day, tz, settings)
            problem = planning.build_problem(data, now)
            proposal = await solve_for_emergency(problem, planning.now_seconds(data, now), planning.stored_plan(data))
            try:
                await planning.apply(db, data, proposal, data.plan.version if data.plan else 0, None, now, problem)
                await db.commit()
                return True
            except Conflict:
                await db.rollback()
    log.warning("emergency re-plan for %s lost twice to concurrent changes", day)
    return False
