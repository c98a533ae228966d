"""Insertions in plain Python for the fill pass after a search, and reports of a plan so far."""
from __future__ import annotations

from . import progress
from .problem import Route
from .schedule import Timetable

# feasible places whose response cost is computed, cheapest in travel first (4 served less weight
# in 10 s on the generated days: each costs a full re-timing)
PRICED_PLACES = 2


class Insertions:
    """Cheapest feasible insertion of a job into a route. A relaxation that ignores breaks (the
    latest start of each stop that keeps the rest of the route in its windows and shift) rejects
    most positions before the exact re-timing confirms the cheapest remaining one."""

    def __init__(self, table: Timetable):
        self.table = table
        self.tt = table.tt
        self.loc = table.loc
        self.job_loc = {jid: table.loc[j.location] for jid, j in table.jobs.items()}
        self.responds = {jid: bool(table.problem.response_cost_per_s(j)) for jid, j in table.jobs.items()}
        self.last_close = {jid: max((c for _, c in j.windows), default=None) for jid, j in table.jobs.items()}

    def latest_starts(self, tech, route: Route) -> list[int]:
        """Per stop, the latest start after which the rest of the route cannot be kept (no breaks)."""
        tt, jobs = self.tt, self.table.jobs
        stops = route.stops
        latest = [0] * len(stops)
        nxt_loc, nxt_latest = self.loc[tech.end], tech.shift.end
        for k in range(len(stops) - 1, -1, -1):
            job = jobs[stops[k].job]
            here = self.job_loc[job.id]
            bound = nxt_latest - tt[here][nxt_loc] - job.service
            close = job.fixed_start if job.fixed_start is not None else self.last_close[job.id]
            if close is not None:
                bound = min(bound, close)
            latest[k] = bound
            nxt_loc, nxt_latest = here, bound
        return latest

    def best(self, tech, route: Route, latest: list[int], job_id: str):
        """(cost, new order of the route) of the cheapest feasible insertion, or None. Cost: extra
        travel plus the change in the route's response cost."""
        table, tt = self.table, self.tt
        job = table.jobs[job_id]
        at = self.job_loc[job_id]
        stops = route.stops
        prev_loc, prev_end = self.loc[tech.start], tech.shift.start
        windows = job.windows_within(tech.shift)
        first_open = windows[0][0]
        close = job.fixed_start if job.fixed_start is not None else windows[-1][1]
        end_loc = self.loc[tech.end]
        candidates = []
        for k in range(len(stops) + 1):
            arrival = prev_end + tt[prev_loc][at]
            if arrival > close:
                break  # later positions only arrive later
            start = max(arrival, job.fixed_start if job.fixed_start is not None else first_open)
            done = start + job.service
            if k < len(stops):
                nxt_loc = self.job_loc[stops[k].job]
                ok = done + tt[at][nxt_loc] <= latest[k]
            else:
                nxt_loc = end_loc
                ok = done + tt[at][end_loc] <= tech.shift.end
            if ok:
                candidates.append((tt[prev_loc][at] + tt[at][nxt_loc] - tt[prev_loc][nxt_loc], k))
            if k < len(stops):
                prev_loc, prev_end = nxt_loc, stops[k].end
        if not candidates:
            return None
        candidates.sort()
        ids = route.job_ids
        priced = self.responds[job_id] or any(self.responds[j] for j in ids)
        before = table.response_cost(route) if priced else 0
        best, tried = None, 0
        for delta, k in candidates:
            order = [*ids[:k], job_id, *ids[k:]]
            if not table.fits(tech.id, order):
                continue
            if not priced:
                return delta, order
            # an emergency's wait costs more than travel: price a few feasible places in full
            delta += table.response_cost(table.retime(tech.id, order)) - before
            if best is None or delta < best[0]:
                best = delta, order
            tried += 1
            if tried == PRICED_PLACES:
                break
        return best


def report_routes(table: Timetable, routes) -> None:  # noqa: ANN001 - any iterable of routes
    """The plan so far, for whoever watches the search (progress.py)."""
    routes = [r for r in routes if r.stops]
    travel = sum(table.travel(table.techs[r.technician], r.job_ids) for r in routes)
    progress.report(progress.summary(
        served=sum(len(r.stops) for r in routes), jobs=len(table.problem.jobs),
        weight=sum(table.jobs[s.job].weight for r in routes for s in r.stops),
        travel_s=travel, cost=travel + sum(table.response_cost(r) for r in routes)))

