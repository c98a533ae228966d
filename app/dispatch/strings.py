"""Slack induction by string removals (SISR, Christiaens & Vanden Berghe 2020): ruin a few strings
of consecutive jobs on neighbouring routes, put the jobs back one by one (higher priorities first) at
their cheapest place (skipping a place now and then, "blinks"), accept by simulated annealing on
travel plus response cost; a plan serving less priority weight is never accepted.

This module turns a problem into the arrays of the compiled search (``sisr.py``) and back, and keeps
time: the compiled loop runs in chunks of about 20 ms, between which the temperature follows the
clock and the best plan so far is reported.
"""
from __future__ import annotations

import time

import numpy as np

from . import progress, sisr
from .construct import report_routes
from .problem import Problem, Route
from .schedule import Timetable

INF = sisr.INF
AVERAGE_REMOVED = 10.0  # jobs a ruin takes out on average (the paper's c-bar)
CHUNK_S = 0.02  # the compiled search hands back this often: the clock, the temperature, progress reports


def handles(problem: Problem) -> bool:
    """The compiled timing knows one break a technician at most."""
    return all(len(t.breaks) <= 1 for t in problem.technicians)


def improve(table: Timetable, routes: list[Route], eligible: dict[str, list[int]], deadline: float, seed: int = 1,
            temperatures: tuple[float, float] = (300.0, 3.0)) -> list[Route]:
    """SISR from ``routes`` (a job a route cannot keep in its order is left out, then every job left
    out is put where it fits) until ``deadline``; the best routes found."""
    return Strings(table, eligible).improve(routes, deadline, seed, temperatures)


class Strings:
    """The problem as the compiled search's arrays (see ``sisr.py`` for their columns)."""

    def __init__(self, table: Timetable, eligible: dict[str, list[int]]):
        self.table = table
        problem = table.problem
        techs = problem.technicians
        self.tech_ids = [t.id for t in techs]
        self.ids = list(eligible)
        self.number = {j: k for k, j in enumerate(self.ids)}
        n, v = len(self.ids), len(techs)
        jobs = np.zeros((n, sisr.JOB_COLUMNS), dtype=np.int64)
        windows, wptr = [], [0]
        # the checker refuses a plan that leaves a pinned job out: one outweighs all the others
        pinned_weight = 1 + sum(table.jobs[j].weight for j in self.ids)
        for k, job_id in enumerate(self.ids):
            job = table.jobs[job_id]
            spans = [(job.fixed_start, job.fixed_start)] if job.fixed_start is not None else list(job.windows) or [(-INF, INF)]
            windows.extend(spans)
            wptr.append(len(windows))
            home = techs[eligible[job_id][0]].start
            weight = pinned_weight if job.pinned_to else job.weight
            jobs[k] = (table.loc[job.location], job.service, job.demand, weight, problem.response_cost_per_s(job),
                       job.windows[0][0] if job.windows else 0, bool(job.pinned_to) or job.fixed_start is not None,
                       table.tt[table.loc[home]][table.loc[job.location]], spans[0][0], spans[-1][1])
        tech_rows = np.zeros((v, sisr.TECH_COLUMNS), dtype=np.int64)
        for k, t in enumerate(techs):
            brk = t.breaks[0] if t.breaks else None
            tech_rows[k] = (table.loc[t.start], table.loc[t.end], t.shift.start, t.shift.end, brk is not None,
                            max(brk.earliest, t.shift.start) if brk else 0,
                            min(brk.latest, t.shift.end - brk.duration) if brk else 0, brk.duration if brk else 0,
                            INF if t.capacity is None else t.capacity, n if t.max_jobs is None else t.max_jobs)
        eligible_flat = [w for job_id in self.ids for w in eligible[job_id]]
        eptr = np.cumsum([0, *(len(eligible[j]) for j in self.ids)])
        tt = np.asarray(table.tt, dtype=np.int64)
        self.data = (tt, jobs, tech_rows, np.array(windows, dtype=np.int64).reshape(-1, 2),
                     np.array(wptr, dtype=np.int64), np.array(eligible_flat, dtype=np.int64), eptr.astype(np.int64))
        here = jobs[:, sisr.LOC]
        # jobs by distance from each job, for the strings on neighbouring routes
        self.neighbours = np.argsort(tt[np.ix_(here, here)], axis=1, kind="stable").astype(np.int64)
        self.exact = (not any(t.breaks for t in techs) and not jobs[:, sisr.RESPOND].any()
                      and all(len(table.jobs[j].windows) <= 1 for j in self.ids))
        self.width = self._width(eligible)

    def _width(self, eligible: dict[str, list[int]]) -> int:
        """Room for the longest route a technician could drive: his eligible jobs, his max_jobs, and
        as many of the shortest jobs as fit in his shift."""
        jobs = self.data[1]
        shortest = int(jobs[:, sisr.SERVICE].min()) if len(jobs) else 0
        per_tech = [0] * len(self.tech_ids)
        for job_id in self.ids:
            for w in eligible[job_id]:
                per_tech[w] += 1
        width = 1
        for w, t in enumerate(self.table.problem.technicians):
            room = per_tech[w] if t.max_jobs is None else min(per_tech[w], t.max_jobs)
            if shortest > 0:
                room = min(room, (t.shift.end - t.shift.start) // shortest + 1)
            width = max(width, room)
        return width

    def state(self, routes: list[Route]):
        """The search's form of ``routes`` and its cost; a job a route cannot keep in its order is
        left out, then every job left out is put where it fits."""
        state = sisr.new_state(len(self.tech_ids), self.width, len(self.ids))
        by_tech = {r.technician: [self.number[j] for j in r.job_ids if j in self.number] for r in routes}
        flat = [c for t in self.tech_ids for c in by_tech.get(t, [])]
        starts = np.cumsum([0, *(len(by_tech.get(t, [])) for t in self.tech_ids)]).astype(np.int64)
        sisr.load_routes(state, self.data, starts, np.array(flat, dtype=np.int64))
        return state, sisr.fill(state, self.data, self.exact)

    def routes(self, state) -> list[Route]:
        lines, lengths = state[0], state[1]
        return [self.table.retime(t, [self.ids[c] for c in lines[v, :lengths[v]]])
                for v, t in enumerate(self.tech_ids) if lengths[v]]

    def improve(self, routes: list[Route], deadline: float, seed: int, temperatures: tuple[float, float]) -> list[Route]:
        sisr.seed(seed)
        current, cost = self.state(routes)
        best = sisr.new_state(len(self.tech_ids), self.width, len(self.ids))
        sisr.copy_state(best, current)
        best_cost = reported = cost
        began = time.monotonic()
        span = max(1e-6, deadline - began)
        hot, cold = temperatures
        chunk, per_iteration = 10, None
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            if per_iteration is not None:
                chunk = max(1, min(int(CHUNK_S / per_iteration), int((deadline - now) / per_iteration)))
            ahead = chunk * (per_iteration or 0)
            t0 = hot * (cold / hot) ** ((now - began) / span)
            t1 = hot * (cold / hot) ** (min(span, now - began + ahead) / span)
            cost, best_cost = sisr.run(current, best, cost, best_cost, self.data, self.neighbours, chunk, t0, t1, self.exact,
                                       AVERAGE_REMOVED)
            per_iteration = max(1e-7, (time.monotonic() - now) / chunk)
            if best_cost < reported and progress.due():
                reported = best_cost
                report_routes(self.table, self.routes(best))
        return self.routes(best)


def _compile() -> None:
    """Compile the search (or load it from numba's cache, a fraction of a second) when this module is
    imported, not when the first search is timed: compiling takes about 20 s."""
    from .problem import Break, Job, Location, Problem, Shift, Technician

    tech = Technician("t", frozenset(), "a", "a", Shift(0, 36000), (Break(100, 20000, 600),))
    jobs = [Job("j", "b", 600, windows=((0, 9000),), priority="urgent"), Job("k", "a", 60)]
    problem = Problem("compile", [Location("a", 0.0, 0.0), Location("b", 0.001, 0.0)], [tech], jobs)
    search = Strings(Timetable(problem, [[0, 60], [60, 0]]), {"j": [0], "k": [0]})
    current, cost = search.state([])
    sisr.run(current, sisr.new_state(1, search.width, 2), cost, cost, search.data, search.neighbours, 1, 1.0, 1.0, False,
             AVERAGE_REMOVED)


_compile()
