"""Slack induction by string removals (SISR, Christiaens & Vanden Berghe 2020) for plans that only
minimise travel: ruin a few strings of consecutive jobs on neighbouring routes, put the jobs back one
by one at their cheapest place (skipping a place now and then, "blinks"), accept by simulated
annealing.

Only for days without breaks and with at most one window per job (the Solomon benchmark): there an
insertion is feasible exactly when the job can start in its window after the stop before it and the
stop after it still starts by its latest start, so every place of every route is tested at once on
numpy arrays of the stops' departure and latest times.
"""
from __future__ import annotations

import math
import random
import time

import numpy as np

from .problem import Route
from .schedule import Timetable

AVG_REMOVED = 10  # c-bar: jobs removed per ruin on average
MAX_STRING = 10  # L-max: longest string removed from one route
SPLIT_SHARE = 0.5  # ruins of a route that keep a few jobs inside the removed string
BLINK = 0.01  # chance of skipping a place while inserting
UNSERVED_COST = 10**9
INF = 10**12


def applies(table: Timetable, eligible: dict[str, list[int]]) -> bool:
    """The exact O(1) insertion test holds: no breaks, no fixed starts, at most one window a job."""
    if any(t.breaks for t in table.problem.technicians):
        return False
    return all(len(table.jobs[j].windows) <= 1 and table.jobs[j].fixed_start is None for j in eligible)


class Strings:
    """One SISR search over a set of routes; jobs are numbered in the order of ``eligible``."""

    def __init__(self, table: Timetable, eligible: dict[str, list[int]], seed: int = 1):
        self.table = table
        self.rng = random.Random(seed)
        techs = table.problem.technicians
        self.tech_ids = [t.id for t in techs]
        self.ids = list(eligible)
        jobs = [table.jobs[j] for j in self.ids]
        n, v = len(jobs), len(techs)
        self.matrix = np.asarray(table.tt, dtype=np.int64)
        self.tt = table.tt
        self.loc = [table.loc[j.location] for j in jobs]
        self.open = [j.windows[0][0] if j.windows else -INF for j in jobs]
        self.close = [j.windows[0][1] if j.windows else INF for j in jobs]
        self.service = [j.service for j in jobs]
        self.demand = [j.demand for j in jobs]
        self.fixed = [bool(j.pinned_to) for j in jobs]
        self.allowed = np.zeros((n, v), dtype=bool)
        for k, job_id in enumerate(self.ids):
            self.allowed[k, eligible[job_id]] = True
        self.start_loc = [table.loc[t.start] for t in techs]
        self.end_loc = [table.loc[t.end] for t in techs]
        self.shift = [(t.shift.start, t.shift.end) for t in techs]
        self.capacity = np.array([INF if t.capacity is None else t.capacity for t in techs], dtype=np.int64)
        self.max_jobs = np.array([n if t.max_jobs is None else t.max_jobs for t in techs], dtype=np.int64)
        home = [self.start_loc[eligible[j][0]] for j in self.ids]
        self.from_home = [self.tt[h][l] for h, l in zip(home, self.loc)]
        here = np.array(self.loc)
        # jobs by distance from each job, for the strings on neighbouring routes
        self.neighbours = np.argsort(self.matrix[np.ix_(here, here)], axis=1, kind="stable").tolist()

    # -- a solution: routes (lists of job numbers) and, per route and place, numpy rows
    def _empty(self, width: int) -> dict:
        v = len(self.tech_ids)
        return {"routes": [[] for _ in range(v)], "where": [-1] * len(self.ids),
                "prev": np.zeros((v, width), dtype=np.int64), "next": np.zeros((v, width), dtype=np.int64),
                "depart": np.zeros((v, width), dtype=np.int64), "latest": np.full((v, width), -INF, dtype=np.int64),
                "arc": np.zeros((v, width), dtype=np.int64), "load": np.zeros(v, dtype=np.int64),
                "count": np.zeros(v, dtype=np.int64), "cost": [0] * v}

    def _copy(self, sol: dict) -> dict:
        return {"routes": list(sol["routes"]), "where": list(sol["where"]), "cost": list(sol["cost"]),
                **{k: sol[k].copy() for k in ("prev", "next", "depart", "latest", "arc", "load", "count")}}

    def _refresh(self, sol: dict, v: int) -> bool:
        """Recompute route ``v``'s rows; False when the route breaks a window or the shift."""
        route = sol["routes"][v]
        width = sol["prev"].shape[1]
        if len(route) + 1 > width:
            self._widen(sol, max(2 * width, len(route) + 2))
        tt = self.tt
        places = [self.start_loc[v], *(self.loc[j] for j in route), self.end_loc[v]]
        depart = [self.shift[v][0]]
        ok = True
        for k, j in enumerate(route):
            begin = max(self.open[j], depart[-1] + tt[places[k]][places[k + 1]])
            ok &= begin <= self.close[j]
            depart.append(begin + self.service[j])
        ok &= depart[-1] + tt[places[-2]][places[-1]] <= self.shift[v][1]
        latest = [0] * (len(route) + 2)
        latest[-1] = self.shift[v][1]
        for k in range(len(route), 0, -1):
            j = route[k - 1]
            latest[k] = min(self.close[j], latest[k + 1] - tt[places[k]][places[k + 1]] - self.service[j])
        m = len(route) + 1
        arcs = [tt[a][b] for a, b in zip(places, places[1:])]
        sol["prev"][v, :m] = places[:-1]
        sol["next"][v, :m] = places[1:]
        sol["depart"][v, :m] = depart
        sol["latest"][v, :m] = latest[1:]
        sol["latest"][v, m:] = -INF
        sol["arc"][v, :m] = arcs
        sol["load"][v] = sum(self.demand[j] for j in route)
        sol["count"][v] = len(route)
        sol["cost"][v] = sum(arcs) if route else 0
        for j in route:
            sol["where"][j] = v
        return ok

    def _widen(self, sol: dict, width: int) -> None:
        for key, fill in (("prev", 0), ("next", 0), ("depart", 0), ("latest", -INF), ("arc", 0)):
            old = sol[key]
            grown = np.full((old.shape[0], width), fill, dtype=np.int64)
            grown[:, :old.shape[1]] = old
            sol[key] = grown

    def solution(self, routes: dict[str, list[str]]) -> dict:
        """The search's form of ``routes``; a job whose route it cannot keep is left out (the
        recreate puts it back)."""
        number = {j: k for k, j in enumerate(self.ids)}
        sol = self._empty(max([len(r) for r in routes.values()] + [8]) + 2)
        for v, tech_id in enumerate(self.tech_ids):
            route = []
            for job_id in routes.get(tech_id, []):
                if job_id not in number:
                    continue
                sol["routes"][v] = [*route, number[job_id]]
                if self._refresh(sol, v):
                    route = sol["routes"][v]
            sol["routes"][v] = route
            self._refresh(sol, v)
        served = {j for r in sol["routes"] for j in r}
        sol["where"] = [sol["where"][j] if j in served else -1 for j in range(len(self.ids))]
        return sol

    def cost(self, sol: dict) -> int:
        return sum(sol["cost"]) + UNSERVED_COST * sol["where"].count(-1)

    # -- ruin
    def _ruin(self, sol: dict) -> list[int] | None:
        rng = self.rng
        routes = sol["routes"]
        busy = [r for r in routes if r]
        if not busy:
            return []
        served = sum(len(r) for r in busy)
        string_max = min(MAX_STRING, served / len(busy))
        strings_max = 4 * AVG_REMOVED / (1 + string_max) - 1
        n_strings = int(rng.uniform(1, strings_max + 1))
        movable = [j for j in range(len(self.ids)) if sol["where"][j] >= 0 and not self.fixed[j]]
        if not movable:
            return []
        removed, ruined = [], set()
        for c in self.neighbours[rng.choice(movable)]:
            if len(ruined) >= n_strings:
                break
            v = sol["where"][c]
            if v < 0 or v in ruined:
                continue
            ruined.add(v)
            route = routes[v]
            length = int(rng.uniform(1, min(len(route), string_max) + 1))
            taken = self._string(route, route.index(c), length)
            routes[v] = [j for k, j in enumerate(route) if k not in taken or self.fixed[j]]
            removed.extend(j for k, j in enumerate(route) if k in taken and not self.fixed[j])
        for j in removed:
            sol["where"][j] = -1
        # truncated distances can break the triangle inequality by a second: such a ruin is void
        feasible = [self._refresh(sol, v) for v in ruined]
        return removed if all(feasible) else None

    def _string(self, route: list[int], at: int, length: int) -> set[int]:
        """Places of a string of ``length`` jobs through place ``at``; a split string keeps ``m``
        jobs of a longer string in the route."""
        rng = self.rng
        keep = 0
        if rng.random() < SPLIT_SHARE and length < len(route):
            keep = 1
            while length + keep < len(route) and rng.random() < 0.5:
                keep += 1
        span = length + keep
        first = rng.randint(max(0, at - span + 1), min(at, len(route) - span))
        places = list(range(first, first + span))
        if keep:
            kept_from = rng.randint(0, length)
            del places[kept_from:kept_from + keep]
        return set(places)

    # -- recreate
    def _order(self, jobs: list[int]) -> list[int]:
        pick = self.rng.choices(("random", "demand", "far", "close"), weights=(4, 4, 2, 1))[0]
        if pick == "random":
            self.rng.shuffle(jobs)
        elif pick == "demand":
            jobs.sort(key=lambda j: -self.demand[j])
        elif pick == "far":
            jobs.sort(key=lambda j: -self.from_home[j])
        else:
            jobs.sort(key=lambda j: self.from_home[j])
        return jobs

    def _insert(self, sol: dict, j: int) -> bool:
        """Put job ``j`` at its cheapest feasible place (with blinks); False when none fits."""
        m = self.matrix
        here = self.loc[j]
        to_here, from_here = m[:, here], m[here]
        prev, nxt = sol["prev"], sol["next"]
        into, out = to_here[prev], from_here[nxt]
        begin = np.maximum(sol["depart"] + into, self.open[j])
        ok = (begin <= self.close[j]) & (begin + (self.service[j] + out) <= sol["latest"])
        room = self.allowed[j] & (sol["load"] + self.demand[j] <= self.capacity) & (sol["count"] < self.max_jobs)
        ok &= room[:, None]
        extra = np.where(ok, into + out - sol["arc"], INF)
        best = int(extra.argmin())
        # each place blinks independently: the cheapest that does not blink is taken
        while self.rng.random() < BLINK and extra.flat[best] < INF:
            extra.flat[best] = INF
            best = int(extra.argmin())
        if extra.flat[best] >= INF:
            return False
        v, place = divmod(best, extra.shape[1])
        route = sol["routes"][v]
        sol["routes"][v] = [*route[:place], j, *route[place:]]
        self._refresh(sol, v)
        return True

    def _recreate(self, sol: dict, jobs: list[int]) -> None:
        for j in self._order(jobs):
            self._insert(sol, j)

    def run(self, sol: dict, deadline: float, temperatures: tuple[float, float]) -> dict:
        """Ruin and recreate until ``deadline``; the best solution seen."""
        best, best_cost = sol, self.cost(sol)
        current, current_cost = sol, best_cost
        began = time.monotonic()
        span = max(1e-6, deadline - began)
        t0, t1 = temperatures
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            temperature = t0 * (t1 / t0) ** ((now - began) / span)
            trial = self._copy(current)
            removed = self._ruin(trial)
            if removed is None:
                continue
            self._recreate(trial, removed + [j for j in range(len(self.ids)) if trial["where"][j] < 0 and j not in removed])
            cost = self.cost(trial)
            if cost < current_cost - temperature * math.log(self.rng.random() or 1e-12):
                current, current_cost = trial, cost
                if cost < best_cost:
                    best, best_cost = trial, cost
        return best

    def routes(self, sol: dict) -> list[Route]:
        return [self.table.retime(self.tech_ids[v], [self.ids[j] for j in r]) for v, r in enumerate(sol["routes"]) if r]


def improve(table: Timetable, routes: list[Route], eligible: dict[str, list[int]], deadline: float, seed: int = 1,
            temperatures: tuple[float, float] = (10.0, 1.0)) -> list[Route]:
    """SISR from ``routes`` until ``deadline`` (``applies`` must hold)."""
    search = Strings(table, eligible, seed)
    start = search.solution({r.technician: r.job_ids for r in routes})
    search._recreate(start, [j for j in range(len(search.ids)) if start["where"][j] < 0])
    return search.routes(search.run(start, deadline, temperatures))
