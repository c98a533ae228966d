"""The best plan so far is heard while the searches run, and never goes backwards."""
from __future__ import annotations

import threading
import time

from app.dispatch import load_problem, progress, solve
from tests.dispatch.helpers import REPO

DAY = REPO.parent / "shared" / "dispatch" / "days" / "day-300-s1.json"


def _watch(workers: int, seconds: float, previous=None):  # noqa: ANN001
    problem = load_problem(DAY)
    heard: list[tuple[float, dict]] = []
    began = time.monotonic()
    plan = solve(problem, seconds, previous, workers=workers, progress_to=lambda found: heard.append((time.monotonic() - began, found)))
    return problem, plan, heard


def _weight(problem, plan) -> int:  # noqa: ANN001
    jobs = {j.id: j for j in problem.jobs}
    return sum(jobs[s.job].weight for r in plan.routes for s in r.stops)


def test_two_searches_report_their_best_while_they_run():
    problem, plan, heard = _watch(workers=2, seconds=4.0)
    assert len(heard) >= 2, "reports come during the search, not only at its end"
    assert heard[0][0] < 3.0
    for _at, found in heard:
        assert found["served"] + found["unassigned"] == len(problem.jobs)
        assert found["served"] > 0 and 0 < found["travel_s"] <= found["cost"]
    ranks = [(found["weight"], -found["cost"]) for _at, found in heard]
    assert ranks == sorted(ranks), "each report improves on the last"
    assert heard[-1][1]["weight"] <= _weight(problem, plan), "the plan returned is at least as good"


def test_a_warm_started_search_in_this_process_reports_too_and_nobody_else_hears():
    problem, first, _heard = _watch(workers=2, seconds=2.0)
    others: list[dict] = []
    progress.listen(others.append)  # another solve's listener, in another thread: must not hear this one
    try:
        thread = threading.Thread(target=lambda: result.append(_watch(workers=1, seconds=2.0, previous=first)))
        result: list = []
        thread.start()
        thread.join()
    finally:
        progress.listen(None)
    _problem, _plan, heard = result[0]
    assert heard and others == []


def test_nobody_listening_costs_nothing_and_changes_nothing():
    assert not progress.listening()
    problem = load_problem(DAY)
    plan = solve(problem, 1.0, workers=1)
    assert plan.served()
