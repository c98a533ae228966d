"""Slack induction by string removals (SISR, Christiaens & Vanden Berghe 2020): ruin a few strings
of consecutive jobs on neighbouring routes, put the jobs back one by one (higher priorities first) at
their cheapest place (skipping a place now and then, "blinks"), accept by simulated annealing on
travel plus response cost; a plan serving less priority weight is never accepted.

Every place of every route is tested at once on numpy arrays of the stops' departure and latest
start times: a job fits a place when it can start in its window after the stop before it and the
stop after it still starts by its latest start. Without breaks and with at most one window per job
(the Solomon benchmark) that test is exact; otherwise it ignores breaks and gaps between windows, so
it only rules places out and ``Timetable.fits`` confirms the cheapest remaining ones.
"""
from __future__ import annotations

import math
import random
import time

import numpy as np

from . import progress
from .construct import report_routes
from .problem import Route
from .schedule import Timetable

AVG_REMOVED = 10  # c-bar: jobs removed per ruin on average
MAX_STRING = 10  # L-max: longest string removed from one route
SPLIT_SHARE = 0.5  # ruins of a route that keep a few jobs inside the removed string
BLINK = 0.01  # chance of skipping a place while inserting
UNSERVED_COST = 10**9  # per unit of priority weight left out: more than any travel
INF = 10**12
CONFIRMED_PLACES = 12  # cheapest relaxed places confirmed exactly before a job is left out


def applies(table: Timetable, eligible: dict[str, list[int]]) -> bool:
    """The O(1) insertion test is exact: no breaks, no fixed starts, at most one window a job."""
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
        self.exact = applies(table, eligible)
        self.open = [j.fixed_start if j.fixed_start is not None else j.windows[0][0] if j.windows else -INF for j in jobs]
        self.close = [j.fixed_start if j.fixed_start is not None else j.windows[-1][1] if j.windows else INF for j in jobs]
        self.service = [j.service for j in jobs]
        self.demand = [j.demand for j in jobs]
        self.weight = [j.weight for j in jobs]
        self.fixed = [bool(j.pinned_to) or j.fixed_start is not None for j in jobs]
        self.respond = [table.problem.response_cost_per_s(j) for j in jobs]
        self.reported = [j.windows[0][0] if j.windows else 0 for j in jobs]
        self.responds = any(self.respond)
        self.eligible = [eligible[j] for j in self.ids]
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
        self.neighbours = np.argsort(self.matrix[np.ix_(here, here)], axis=1, kind="stable")

    # -- a solution: routes (lists of job numbers) and, per route and place, numpy rows
    def _empty(self, width: int) -> dict:
        v = len(self.tech_ids)
        return {"routes": [[] for _ in range(v)], "where": [-1] * len(self.ids),
                "prev": np.zeros((v, width), dtype=np.int64), "next": np.zeros((v, width), dtype=np.int64),
                "depart": np.zeros((v, width), dtype=np.int64), "latest": np.full((v, width), -INF, dtype=np.int64),
                "arc": np.zeros((v, width), dtype=np.int64), "waits": np.zeros((v, width), dtype=np.int64),
                "load": np.zeros(v, dtype=np.int64), "count": np.zeros(v, dtype=np.int64), "cost": [0] * v}

    def _copy(self, sol: dict) -> dict:
        return {"routes": list(sol["routes"]), "where": list(sol["where"]), "cost": list(sol["cost"]),
                **{k: sol[k].copy() for k in ("prev", "next", "depart", "latest", "arc", "waits", "load", "count")}}

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
        if self.responds:
            # per place: response cost per second of delay to the stops after it
            after = [0] * m
            for k in range(len(route) - 1, -1, -1):
                after[k] = after[k + 1] + self.respond[route[k]]
            sol["waits"][v, :m] = after
        sol["load"][v] = sum(self.demand[j] for j in route)
        sol["count"][v] = len(route)
        sol["cost"][v] = sum(arcs) + self._response(v, route) if route else 0
        for j in route:
            sol["where"][j] = v
        return ok

    def _response(self, v: int, route: list[int]) -> int:
        if not any(self.respond[j] for j in route):
            return 0
        return self.table.response_cost(self.table.retime(self.tech_ids[v], [self.ids[j] for j in route]))

    def _fits(self, v: int, route: list[int]) -> bool:
        return self.exact or self.table.fits(self.tech_ids[v], [self.ids[j] for j in route])

    def _widen(self, sol: dict, width: int) -> None:
        for key, fill in (("prev", 0), ("next", 0), ("depart", 0), ("latest", -INF), ("arc", 0), ("waits", 0)):
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
                if self._refresh(sol, v) and self._fits(v, sol["routes"][v]):
                    route = sol["routes"][v]
            sol["routes"][v] = route
            self._refresh(sol, v)
        served = {j for r in sol["routes"] for j in r}
        sol["where"] = [sol["where"][j] if j in served else -1 for j in range(len(self.ids))]
        return sol

    def cost(self, sol: dict) -> int:
        left_out = sum(w for w, v in zip(self.weight, sol["where"]) if v < 0)
        return sum(sol["cost"]) + UNSERVED_COST * left_out

    # -- ruin
    def _ruin(self, sol: dict) -> tuple[list[int], set[int]] | None:
        """The jobs taken out and the routes they came from; None when a route cannot do without them."""
        rng = self.rng
        routes = sol["routes"]
        busy = [r for r in routes if r]
        if not busy:
            return [], set()
        served = sum(len(r) for r in busy)
        string_max = min(MAX_STRING, served / len(busy))
        strings_max = 4 * AVG_REMOVED / (1 + string_max) - 1
        n_strings = int(rng.uniform(1, strings_max + 1))
        movable = [j for j in range(len(self.ids)) if sol["where"][j] >= 0 and not self.fixed[j]]
        if not movable:
            return [], set()
        left_out = [j for j, v in enumerate(sol["where"]) if v < 0]
        if left_out and rng.random() < 0.5:
            near = self._near_in_time(sol, rng.choice(left_out))
        else:
            near = self.neighbours[rng.choice(movable)].tolist()
        removed, ruined = [], set()
        for c in near:
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
        feasible = [self._refresh(sol, v) and self._fits(v, routes[v]) for v in ruined]
        return (removed, ruined) if all(feasible) else None

    def _near_in_time(self, sol: dict, j: int) -> list[int]:
        """Jobs on the routes of technicians who could take job ``j``, nearest first in place and
        in time from its windows: where room for it would have to come from."""
        row, opens, closes = self.tt[self.loc[j]], self.open[j], self.close[j]
        keyed = []
        for v in self.eligible[j]:
            depart = sol["depart"][v].tolist()
            for k, c in enumerate(sol["routes"][v]):
                start = depart[k + 1] - self.service[c]
                keyed.append((row[self.loc[c]] + max(0, opens - start, start - closes), c))
        keyed.sort()
        return [c for _, c in keyed]

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
        jobs.sort(key=lambda j: -self.weight[j])  # stable: the order above within a priority
        return jobs

    def _insert(self, sol: dict, j: int, within=None) -> bool:
        """Put job ``j`` at its cheapest feasible place (with blinks), on the routes marked in
        ``within`` if given; False when none fits."""
        m = self.matrix
        here = self.loc[j]
        to_here, from_here = m[:, here], m[here]
        prev, nxt = sol["prev"], sol["next"]
        into, out = to_here[prev], from_here[nxt]
        begin = np.maximum(sol["depart"] + into, self.open[j])
        ok = (begin <= self.close[j]) & (begin + (self.service[j] + out) <= sol["latest"])
        room = self.allowed[j] & (sol["load"] + self.demand[j] <= self.capacity) & (sol["count"] < self.max_jobs)
        if within is not None:
            room &= within
        ok &= room[:, None]
        extra = into + out - sol["arc"]
        if self.respond[j]:
            extra += self.respond[j] * (begin - self.reported[j])
        if self.responds:
            # the later stops' extra wait, as if none of them waited for its window to open
            extra += sol["waits"] * np.maximum(0, begin + (self.service[j] + out) - sol["depart"] - sol["arc"])
        extra = np.where(ok, extra, INF)
        if self.exact:
            best = int(extra.argmin())
            # each place blinks independently: the cheapest that does not blink is taken
            while self.rng.random() < BLINK and extra.flat[best] < INF:
                extra.flat[best] = INF
                best = int(extra.argmin())
            return extra.flat[best] < INF and self._put(sol, j, best)
        places = np.flatnonzero(extra < INF)
        tried = 0
        for best in places[np.argsort(extra.flat[places], kind="stable")].tolist():
            if self.rng.random() < BLINK:
                continue
            v, place = divmod(best, extra.shape[1])
            route = sol["routes"][v]
            if self.table.fits(self.tech_ids[v], [self.ids[k] for k in (*route[:place], j, *route[place:])]):
                return self._put(sol, j, best)
            tried += 1
            if tried == CONFIRMED_PLACES:
                break
        return False

    def _put(self, sol: dict, j: int, best: int) -> bool:
        v, place = divmod(best, sol["prev"].shape[1])
        route = sol["routes"][v]
        sol["routes"][v] = [*route[:place], j, *route[place:]]
        self._refresh(sol, v)
        return True

    def _recreate(self, sol: dict, removed: list[int], ruined: set[int] | None = None) -> None:
        """Insert the ``removed`` jobs and those left out before; the latter fitted nowhere then, so
        they are only tried on the ``ruined`` routes (a route that only gained jobs has no more room)."""
        fresh = set(removed)
        left_out = [j for j, v in enumerate(sol["where"]) if v < 0 and j not in fresh]
        within = None
        if ruined is not None:
            within = np.zeros(len(self.tech_ids), dtype=bool)
            within[list(ruined)] = True
        for j in self._order(removed + left_out):
            if j in fresh:
                self._insert(sol, j)
            elif within is None or any(v in ruined for v in self.eligible[j]):
                self._insert(sol, j, within)

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
            ruin = self._ruin(trial)
            if ruin is None:
                continue
            self._recreate(trial, *ruin)
            cost = self.cost(trial)
            if cost < current_cost - temperature * math.log(self.rng.random() or 1e-12):
                current, current_cost = trial, cost
                if cost < best_cost:
                    best, best_cost = trial, cost
                    if progress.due():
                        report_routes(self.table, self.routes(best))
        return best

    def routes(self, sol: dict) -> list[Route]:
        return [self.table.retime(self.tech_ids[v], [self.ids[j] for j in r]) for v, r in enumerate(sol["routes"]) if r]


def improve(table: Timetable, routes: list[Route], eligible: dict[str, list[int]], deadline: float, seed: int = 1,
            temperatures: tuple[float, float] = (300.0, 3.0)) -> list[Route]:
    """SISR from ``routes`` (jobs they leave out are inserted first) until ``deadline``."""
    search = Strings(table, eligible, seed)
    start = search.solution({r.technician: r.job_ids for r in routes})
    search._recreate(start, [])
    return search.routes(search.run(start, deadline, temperatures))
