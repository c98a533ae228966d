"""The peers the dispatcher is measured against: VROOM (pyvroom) and PyVRP. Benchmark extras only;
the app never imports them. Each returns a dispatch Plan that check_plan.py can judge."""
from __future__ import annotations

import tempfile
import time

import numpy as np

from app.dispatch.problem import BreakSlot, Plan, Problem, Route, Stop, Unassigned
from app.dispatch.schedule import Timetable

# VROOM priorities run 0..100; this keeps FORMAT.md's order emergency >> urgent >> normal >> planned
VROOM_PRIORITY = {"emergency": 100, "urgent": 10, "normal": 1, "planned": 0}


def vroom_plan(problem: Problem, matrix: np.ndarray, exploration: int = 5, threads: int = 2) -> Plan:
    import vroom

    began = time.monotonic()
    loc = problem.location_index()
    trades = sorted({s for t in problem.technicians for s in t.skills} | {s for j in problem.jobs for s in j.skills})
    code = {s: k + 1 for k, s in enumerate(trades)}
    tech_ids = {t.id: v + 1 for v, t in enumerate(problem.technicians)}
    inp = vroom.Input()
    inp.set_durations_matrix("car", matrix)
    for v, tech in enumerate(problem.technicians):
        skills = {code[s] for s in tech.skills} | {10_000 + v + 1}  # the last: for pinned jobs
        breaks = [vroom.Break(k + 1, time_windows=[vroom.TimeWindow(b.earliest, b.latest)], service=b.duration)
                  for k, b in enumerate(tech.breaks)]
        inp.add_vehicle(vroom.Vehicle(
            v + 1, start=loc[tech.start], end=loc[tech.end], skills=skills, breaks=breaks,
            time_window=vroom.TimeWindow(tech.shift.start, tech.shift.end),
            capacity=[tech.capacity if tech.capacity is not None else 10**9],
            **({"max_tasks": tech.max_jobs} if tech.max_jobs is not None else {})))
    for k, job in enumerate(problem.jobs):
        skills = {code[s] for s in job.skills} | ({10_000 + tech_ids[job.pinned_to]} if job.pinned_to else set())
        windows = [(job.fixed_start, job.fixed_start)] if job.fixed_start is not None else job.windows
        inp.add_job(vroom.Job(k + 1, location=loc[job.location], default_service=job.service, delivery=[job.demand],
                              skills=skills or None, priority=VROOM_PRIORITY[job.priority],
                              time_windows=[vroom.TimeWindow(o, c) for o, c in windows]))
    solution = inp.solve(exploration_level=exploration, nb_threads=threads)
    routes = []
    for vid, steps in solution.routes.groupby("vehicle_id"):
        route = Route(problem.technicians[int(vid) - 1].id)
        for row in steps.itertuples():
            begin = int(row.arrival) + int(row.waiting_time)
            if row.type == "job":
                job = problem.jobs[int(row.id) - 1]
                route.stops.append(Stop(job.id, int(row.arrival), begin, begin + job.service))
            elif row.type == "break":
                route.breaks.append(BreakSlot(begin, begin + int(row.service)))
            elif row.type == "end":
                route.return_ = int(row.arrival)
        if route.stops:
            routes.append(route)
    return _plan(problem, matrix, routes, "vroom", began)


def pyvrp_fits(problem: Problem) -> bool:
    """PyVRP is measured on the benchmark instances only: one depot, one fleet, one window per job,
    no breaks, skills or pins."""
    techs = problem.technicians
    return (problem.objective == "travel" and len({(t.start, t.end, t.shift, t.capacity) for t in techs}) == 1 and techs[0].start == techs[0].end
            and all(not t.breaks and not t.skills for t in techs)
            and all(len(j.windows) == 1 and not j.skills and not j.pinned_to for j in problem.jobs))


def _vrplib_text(problem: Problem, matrix: np.ndarray) -> str:
    """The instance as a VRPLIB file with our own travel matrix, so both solvers see the same figures."""
    tech = problem.technicians[0]
    loc = problem.location_index()
    nodes = [loc[tech.start]] + [loc[j.location] for j in problem.jobs]
    lines = [f"NAME : {problem.name}", "TYPE : VRPTW", f"DIMENSION : {len(nodes)}",
             f"VEHICLES : {len(problem.technicians)}", f"CAPACITY : {tech.capacity}",
             "EDGE_WEIGHT_TYPE : EXPLICIT", "EDGE_WEIGHT_FORMAT : FULL_MATRIX", "EDGE_WEIGHT_SECTION"]
    lines += [" ".join(str(int(matrix[a, b])) for b in nodes) for a in nodes]
    lines += ["DEMAND_SECTION", "1 0"] + [f"{k} {j.demand}" for k, j in enumerate(problem.jobs, 2)]
    lines += ["DEPOT_SECTION", "1", "-1", "TIME_WINDOW_SECTION", f"1 {tech.shift.start} {tech.shift.end}"]
    lines += [f"{k} {j.windows[0][0]} {j.windows[0][1]}" for k, j in enumerate(problem.jobs, 2)]
    lines += ["SERVICE_TIME_SECTION", "1 0"] + [f"{k} {j.service}" for k, j in enumerate(problem.jobs, 2)]
    return "\n".join(lines + ["EOF"]) + "\n"


def pyvrp_plan(problem: Problem, matrix: np.ndarray, seconds: float) -> Plan:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    began = time.monotonic()
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write(_vrplib_text(problem, matrix))
        f.flush()
        data = pyvrp.read(f.name, round_func="none")
    result = pyvrp.solve(data, stop=MaxRuntime(seconds))
    table = Timetable(problem, matrix)
    routes = []
    for tech, r in zip(problem.technicians, result.best.routes()):
        jobs = [problem.jobs[a.idx].id for a in r if a.is_client()]  # idx: position among clients
        routes.append(table.retime(tech.id, jobs))  # no breaks: earliest times hold
    return _plan(problem, matrix, routes, "pyvrp", began)


def _plan(problem: Problem, matrix: np.ndarray, routes: list[Route], solver: str, began: float) -> Plan:
    table = Timetable(problem, matrix)
    served = {s.job for r in routes for s in r.stops}
    unassigned = [Unassigned(j.id, "left out by " + solver) for j in problem.jobs if j.id not in served]
    travel = sum(table.travel(table.techs[r.technician], r.job_ids) for r in routes)
    return Plan(problem.name, routes, unassigned,
                {"served": len(served), "travel_s": travel, "wall_s": round(time.monotonic() - began, 3), "solver": solver})
