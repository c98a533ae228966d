"""An emergency on a full day: attended within the hour by moving work nobody has accepted yet."""

import asyncio

from app import dispatch
from app.dispatch import problem_from_dict
from app.services.emergency import PROMPT_HORIZON_S, solve_for_emergency
from tests.dispatch.helpers import H, checker, instance, job, tech

POINTS = {"home": (0, 0), "a": (300, 0), "b": (0, 300), "burst": (300, 300)}


def _full_day(pinned: bool) -> dict:
    """One plumber, 08-20; ten hour-long jobs fill 08-18; a pipe bursts at 10:00."""
    jobs = [job(f"N{h}", "a" if h % 2 else "b", service=H - 600, windows=[(h * H, h * H + 600)],
                pinned_to="T1" if pinned else None) for h in range(8, 18)]
    jobs.append(job("BURST", "burst", service=1800, windows=[(10 * H, 20 * H)], priority="emergency"))
    return instance([tech("T1", shift=(8 * H, 20 * H))], jobs, POINTS)


def _start(plan: dispatch.Plan, job_id: str) -> int | None:
    return next((s.start for r in plan.routes for s in r.stops if s.job == job_id), None)


def test_the_emergency_goes_within_the_hour_and_an_unaccepted_job_waits():
    raw = _full_day(pinned=False)
    plain = dispatch.solve(problem_from_dict(raw), 2)
    assert _start(plain, "BURST") >= 17 * H, "serving every job first would leave the burst pipe till evening"
    plan = asyncio.run(solve_for_emergency(problem_from_dict(raw), 10 * H, None))
    assert 10 * H <= _start(plan, "BURST") <= 10 * H + PROMPT_HORIZON_S
    assert len(plan.unassigned) >= 1 and all(u.job.startswith("N") for u in plan.unassigned)
    errors, _summary = checker.check(raw, dispatch.plan_to_dict(plan))
    assert errors == []


def test_work_already_accepted_is_held_and_the_emergency_takes_the_first_gap():
    raw = _full_day(pinned=True)
    plan = asyncio.run(solve_for_emergency(problem_from_dict(raw), 10 * H, None))
    assert {s.job for r in plan.routes for s in r.stops} >= {f"N{h}" for h in range(8, 18)}
    assert _start(plan, "BURST") >= 17 * H + H - 600, "after the last held job"
    errors, _summary = checker.check(raw, dispatch.plan_to_dict(plan))
    assert errors == []
