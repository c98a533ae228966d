"""solve(): travel matrix, two searches in parallel (the compiled SISR; OR-Tools for days it cannot
time), re-timing, a fill pass and reasons.

Kept apart from solver.py so that only that module imports ortools, and so that the parts a
dispatcher's manual move needs (re-timing, insertion) run without building a routing model.
"""
from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import replace

from . import diagnose, progress, sisr, strings
from .construct import Insertions, report_routes
from .problem import Plan, Problem, Route, Unassigned
from .schedule import Timetable
from .travel import TravelProvider, travel_matrix

# left after the search for re-timing, the fill pass and reasons (300 jobs: 0.15 s measured; the
# fill pass found nothing left to do after the compiled SISR on gen_day's days)
SEARCH_MARGIN_S = 0.25
MARGIN_PER_JOB_S = 0.0005
FINISH_MARGIN_S = 0.15  # the fill pass stops this long before the time limit


def _searches(problem: Problem):
    """Two searches, one per core, set apart so they explore differently: the compiled SISR
    (strings.py, sisr.py) from nothing at two annealing temperatures. Measured at 10 s, one process
    each, from nothing: Solomon's hard four 0.00-0.51 % from the best known (OR-Tools' ILS for 30 %
    of the time before the Python SISR, round 3: 0.80-1.99 %); on gen_day's days SISR from an empty
    plan served as much priority weight as from the regret insertion, which costs a second."""
    from .solver import Search

    if not strings.handles(problem):
        # a technician with two breaks or more: only OR-Tools times such a day
        return [Search(), Search(first_solution="PARALLEL_CHEAPEST_INSERTION", temperatures=(1000.0, 10.0), ruin_visits=12)]
    if problem.objective == "travel":
        return [Search(python_only=True, sisr_temperatures=(300.0, 3.0)),
                Search(python_only=True, seed=2, sisr_temperatures=(100.0, 1.0))]
    return [Search(python_only=True, sisr_temperatures=(3000.0, 30.0)),
            Search(python_only=True, seed=2, sisr_temperatures=(1000.0, 10.0))]


def penalty_unit(problem: Problem, matrix) -> int:
    """Seconds of travel one unit of priority weight is worth. Large enough that serving more
    weight always beats travelling less; for the "travel" objective, every job must be served."""
    longest = int(matrix.max()) if matrix.size else 0
    if problem.objective == "travel":
        return max(10**7, 1000 * longest)
    return max(100_000, 20 * longest)


def eligibility(problem: Problem, matrix) -> dict[str, list[int]]:
    """Job id -> vehicles (technician positions) that hold its trades and could reach it inside a
    window within their shift; jobs nobody can serve stay out of the model (diagnose says why)."""
    loc = problem.location_index()
    position = {t.id: v for v, t in enumerate(problem.technicians)}
    allowed = {}
    for job in problem.jobs:
        at = loc[job.location]
        vehicles = [position[t.id] for t in diagnose.qualified(problem, job)
                    if diagnose.works_then(t, job, int(matrix[loc[t.start], at]), int(matrix[at, loc[t.end]]))]
        if vehicles:
            allowed[job.id] = vehicles
    return allowed


def _search(problem, matrix, eligible, unit, balance_weight, search, seconds, warm):
    from . import solver

    began = time.monotonic()
    table = Timetable(problem, matrix)
    if warm:
        # The previous plan as the Python timing reads it, improved by SISR. OR-Tools' warm start
        # (ReadAssignmentFromRoutes, SolveFromAssignmentWithParameters) refused such plans at random,
        # ROUTING_FAIL in 0.1 s (15 of 19 searches on the demo day after an apply: the board's Optimise
        # then only re-filled the old plan), and once hung on their breaks.
        routes = [_feasible_prefix(table, tech_id, [j for j in jobs if j in eligible])
                  for tech_id, jobs in warm.items() if tech_id in table.techs]
        report_routes(table, routes)
        return _python_outcome(table, _sisr(table, routes, eligible, began + seconds, search))
    if search.python_only:
        return _python_outcome(table, _sisr(table, [], eligible, began + seconds, search))
    return solver.run(solver.build(problem, matrix, eligible, unit, balance_weight), search, seconds)


def _sisr(table: Timetable, routes: list[Route], eligible, deadline: float, search) -> list[Route]:
    if not strings.handles(table.problem):
        return routes  # the fill pass places what these routes leave out
    return strings.improve(table, routes, eligible, deadline, search.seed, search.sisr_temperatures)


def _feasible_prefix(table: Timetable, tech_id: str, jobs: list[str]) -> Route:
    """OR-Tools' order as the Python timing reads it: a job it cannot time (a break OR-Tools took
    on the way in a way the re-timing does not find) is left for the ruin-and-recreate to place."""
    kept = []
    for job_id in jobs:
        if not table.retime(tech_id, [*kept, job_id]).violations:
            kept.append(job_id)
    return table.retime(tech_id, kept)


def _python_outcome(table: Timetable, routes: list[Route]):
    from .solver import Outcome

    return Outcome({r.technician: r.job_ids for r in routes}, {r.technician: [s.start for s in r.stops] for r in routes},
                   {r.technician: [b.start for b in r.breaks] for r in routes}, 0)


_POOL_CONTEXT = None
REPORT_POLL_S = 0.2  # how often the caller passes on the searches' reports of the best plan so far
OVERRUN_GRACE_S = 3.0  # a search this late is stuck (seen once in the web app, not reproduced): killed


def _context():
    global _POOL_CONTEXT
    if _POOL_CONTEXT is None:
        # forkserver: safe beside the web app's threads. Every child imports the caller's main module
        # again (`python -m app.cli run`: the whole web app, a second or more of each search's time):
        # imported once in the server, the children start with it, as they do with the solver.
        _POOL_CONTEXT = multiprocessing.get_context("forkserver")
        _POOL_CONTEXT.set_forkserver_preload(["__main__", *_main_module(), "app.dispatch.engine", "app.dispatch.solver"])
    return _POOL_CONTEXT


def _main_module() -> list[str]:
    """The caller's main module by name when it was run with ``-m`` (a script's path the forkserver
    preloads as "__main__"); a package's ``__main__`` is never run again in a child."""
    name = getattr(getattr(sys.modules["__main__"], "__spec__", None), "name", "")
    return [name] if name and not name.endswith("__main__") else []


def _in_processes(args, searches, began, time_limit_s, margin, warm, best: progress.Best) -> list:
    """Each search in its own process: the searches (OR-Tools, the compiled SISR) hold the GIL, so the
    caller's threads (the web app's event loop) keep running while this one waits; a search that overruns
    its time limit is terminated and the others' answers are used. Their reports of the best plan
    so far come through a queue and are passed on while waiting."""
    context = _context()
    reports = context.Queue() if best.progress else None
    pool = context.Pool(len(searches), *((progress.listen_queue, (reports,)) if reports else ()))
    try:
        seconds = max(0.1, time_limit_s - (time.monotonic() - began) - margin)  # after the pool start
        pending = [pool.apply_async(_search, (*args, s, seconds, warm)) for s in searches]
        stop_at = time.monotonic() + seconds + OVERRUN_GRACE_S
        outcomes = []
        for result in pending:
            while not result.ready() and time.monotonic() < stop_at:
                result.wait(min(REPORT_POLL_S, max(0.0, stop_at - time.monotonic())))
                if reports:
                    best.drain(reports)
            if result.ready() and result.successful():
                outcomes.append(result.get())
        return outcomes
    finally:
        pool.terminate()
        if reports:
            reports.close()


def solve(
    problem: Problem,
    time_limit_s: float = 10.0,
    previous: Plan | None = None,
    *,
    provider: TravelProvider | None = None,
    workers: int = 2,
    balance_weight: int = 0,
    progress_to: Callable[[dict], None] | None = None,
) -> Plan:
    """The best plan found within ``time_limit_s`` wall seconds. ``previous`` warm-starts the search
    (its routes, minus jobs that no longer exist). Every job ends up in a route or in ``unassigned``.

    ``workers`` >= 2 runs that many differently-set searches, each in a child process (a script
    calling this needs the usual ``if __name__ == "__main__":`` guard); 1 searches in this process.
    ``progress_to`` hears the best plan so far while they search (served, unassigned, weight,
    travel_s), from another thread."""
    began = time.monotonic()
    matrix = travel_matrix(problem, provider)
    eligible = eligibility(problem, matrix)
    unit = penalty_unit(problem, matrix)
    warm = {r.technician: r.job_ids for r in previous.routes} if previous else None
    searches = _searches(problem)[: max(1, workers)]
    margin = SEARCH_MARGIN_S + MARGIN_PER_JOB_S * len(problem.jobs)
    outcomes = []
    best = progress.Best(progress_to)
    if eligible:
        args = (problem, matrix, eligible, unit, balance_weight)
        if len(searches) > 1:
            outcomes = _in_processes(args, searches, began, time_limit_s, margin, warm, best)
        if not any(outcomes):
            # one search in this process (or the processes failed): the first search; OR-Tools'
            # plain guided local search when that is OR-Tools, as it has never overrun
            single = searches[0] if len(searches) == 1 else replace(searches[0], method="gls")
            seconds = max(0.1, time_limit_s - (time.monotonic() - began) - margin)
            progress.listen(best.offer if progress_to else None)
            try:
                outcomes = [_search(*args, single, seconds, warm)]
            finally:
                progress.listen(None)
    table = Timetable(problem, matrix)
    # priced here, by FORMAT.md's objective, whichever search answered
    timed = [[_timed(table, tech_id, o, jobs) for tech_id, jobs in o.routes.items()] for o in outcomes if o is not None]
    routes = max(timed, key=lambda rs: _price(table, rs)) if timed else []
    routes = fill(table, routes, eligible, deadline=began + time_limit_s - FINISH_MARGIN_S)
    plan = _finish(problem, table, routes)
    plan.stats.update(wall_s=round(time.monotonic() - began, 3), searches=len(searches))
    return plan


def _price(table: Timetable, routes: list[Route]) -> tuple[int, int]:
    """(served weight, -(travel + response cost)): larger is better."""
    weight = sum(table.jobs[s.job].weight for r in routes for s in r.stops)
    return weight, -sum(table.travel(table.techs[r.technician], r.job_ids) + table.response_cost(r) for r in routes)


def _timed(table: Timetable, tech_id: str, outcome, jobs: list[str]) -> Route:
    """Earliest times when they keep every rule, else the solver's own (always feasible) times."""
    route = table.retime(tech_id, jobs)
    if route.violations:
        route = table.from_times(tech_id, jobs, outcome.starts[tech_id], outcome.break_starts[tech_id])
    return route


def fill(table: Timetable, routes: list[Route], eligible: dict[str, list[int]], deadline: float = float("inf")) -> list[Route]:
    """Serve jobs the search left out, highest priority first: insert where one still fits, else
    move one served job to another technician to make room, else take the place of a served job of
    lower priority (which then tries again). The search seldom makes such two-job moves itself."""
    problem = table.problem
    ins = Insertions(table)
    by_tech = {r.technician: r for r in routes}
    served = {s.job for r in routes for s in r.stops}
    waiting = sorted((j for j in problem.jobs if j.id not in served and j.id in eligible), key=lambda j: -j.weight)
    while waiting and time.monotonic() < deadline:
        job = waiting.pop(0)
        candidates = [problem.technicians[v].id for v in eligible[job.id]]
        found = _cheapest(ins, by_tech, candidates, job.id)
        changed = [found[1]] if found else _best_ejection(ins, by_tech, candidates, job.id, eligible, deadline)
        if not changed:
            found, evicted = _best_swap(ins, by_tech, candidates, job)
            if found is None:
                continue
            changed = [found]
            waiting.append(evicted)
            waiting.sort(key=lambda j: -j.weight)
        for route in changed:
            by_tech[route.technician] = route
    return [r for r in by_tech.values() if r.stops]


def _movable(job) -> bool:
    return not job.pinned_to and job.fixed_start is None


def _into(ins: Insertions, tech_id: str, route: Route | None, job_id: str):
    """(cost, route) of the cheapest feasible insertion of ``job_id`` into one route, or None."""
    tech = ins.table.techs[tech_id]
    route = route or Route(tech_id)
    found = ins.best(tech, route, ins.latest_starts(tech, route), job_id)
    return None if found is None else (found[0], ins.table.retime(tech_id, found[1]))


def _cheapest(ins: Insertions, by_tech: dict[str, Route], candidates: list[str], job_id: str):
    best = None
    for tech_id in candidates:
        found = _into(ins, tech_id, by_tech.get(tech_id), job_id)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return best


def _without(table: Timetable, route: Route, k: int) -> Route:
    return table.retime(route.technician, route.job_ids[:k] + route.job_ids[k + 1:])


def _best_ejection(ins: Insertions, by_tech: dict[str, Route], candidates: list[str], job_id: str,
                   eligible: dict[str, list[int]], deadline: float) -> list[Route] | None:
    """Room for ``job_id`` on one route by moving one of its jobs to another technician: the two
    changed routes, cheapest in travel, or None."""
    table = ins.table
    techs = table.problem.technicians
    best, best_cost = None, None
    for tech_id in candidates:
        route = by_tech.get(tech_id)
        if route is None:
            continue
        for k, stop in enumerate(route.stops):
            if not _movable(table.jobs[stop.job]) or time.monotonic() > deadline:
                continue
            rest = _without(table, route, k)
            here = _into(ins, tech_id, rest, job_id)
            if here is None:
                continue
            others = [techs[v].id for v in eligible[stop.job] if techs[v].id != tech_id]
            there = _cheapest(ins, by_tech, others, stop.job)
            if there is None:
                continue
            removed = table.travel(table.techs[tech_id], route.job_ids) - table.travel(table.techs[tech_id], rest.job_ids)
            cost = here[0] + there[0] - removed
            if best_cost is None or cost < best_cost:
                best, best_cost = [here[1], there[1]], cost
    return best


def best_insertion(table: Timetable, by_tech: dict[str, Route], candidates: list[str], job_id: str) -> Route | None:
    """The cheapest feasible insertion of ``job_id`` into one candidate's route (extra travel plus
    response cost), or None."""
    best, best_cost = None, None
    for tech_id in candidates:
        current = by_tech.get(tech_id)
        jobs = current.job_ids if current else []
        tech = table.techs[tech_id]
        base = table.travel(tech, jobs) + (table.response_cost(current) if current else 0)
        for k in range(len(jobs) + 1):
            trial = table.retime(tech_id, [*jobs[:k], job_id, *jobs[k:]])
            if trial.violations:
                continue
            cost = table.travel(tech, trial.job_ids) + table.response_cost(trial) - base
            if best_cost is None or cost < best_cost:
                best, best_cost = trial, cost
    return best


def _best_swap(ins: Insertions, by_tech: dict[str, Route], candidates: list[str], job):
    table = ins.table
    best, evicted, best_gain = None, None, None
    for tech_id in candidates:
        route = by_tech.get(tech_id)
        if route is None:
            continue
        for k, stop in enumerate(route.stops):
            other = table.jobs[stop.job]
            if other.weight >= job.weight or not _movable(other):
                continue
            found = _into(ins, tech_id, _without(table, route, k), job.id)
            if found is None:
                continue
            gain = (job.weight - other.weight, -table.travel(table.techs[tech_id], found[1].job_ids))
            if best_gain is None or gain > best_gain:
                best, evicted, best_gain = found[1], other, gain
    return best, evicted


def _finish(problem: Problem, table: Timetable, routes: list[Route]) -> Plan:
    served = {s.job for r in routes for s in r.stops}
    loc = table.loc

    def reach(tech, job):
        return table.tt[loc[tech.start]][loc[job.location]], table.tt[loc[job.location]][loc[tech.end]]

    order = {t.id: i for i, t in enumerate(problem.technicians)}
    routes.sort(key=lambda r: order[r.technician])
    unassigned = [Unassigned(j.id, diagnose.reason(problem, j, reach)) for j in problem.jobs if j.id not in served]
    weight = sum(table.jobs[j].weight for j in served)
    travel = sum(table.travel(table.techs[r.technician], r.job_ids) for r in routes)
    response = sum(table.response_cost(r) for r in routes)
    from .solver import SOLVER_NAME

    name = sisr.NAME if strings.handles(problem) else SOLVER_NAME
    stats = {"served": len(served), "unassigned": len(unassigned), "served_weight": weight, "travel_s": travel,
             "response_cost_s": response, "solver": name}
    return Plan(problem.name, routes, unassigned, stats)
