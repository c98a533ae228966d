"""Timing a technician's route along a given order, in plain Python.

Used to report the solver's routes (earliest starts, so emergencies are attended as soon as
possible), to re-time a dispatcher's manual move, and to test insertions for slot offers. Instead of
refusing an order that breaks a rule it times it anyway and lists the broken rules in
``Route.violations``.
"""
from __future__ import annotations

from .problem import BreakSlot, Job, Problem, Route, Stop, Technician


def hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _earliest_start(job: Job, windows, ready: int) -> int | None:
    if job.fixed_start is not None:
        return job.fixed_start if ready <= job.fixed_start else None
    for open_, close in windows:
        if ready <= close:
            return max(ready, open_)
    return None


class Timetable:
    """Route timing over one problem and its travel matrix (``[from][to]`` seconds)."""

    def __init__(self, problem: Problem, matrix):
        self.problem = problem
        self.tt = matrix.tolist() if hasattr(matrix, "tolist") else matrix
        self.loc = problem.location_index()
        self.jobs = {j.id: j for j in problem.jobs}
        self.techs = {t.id: t for t in problem.technicians}

    def travel(self, tech: Technician, job_ids: list[str]) -> int:
        if not job_ids:
            return 0
        path = [self.loc[tech.start], *(self.loc[self.jobs[j].location] for j in job_ids), self.loc[tech.end]]
        return sum(self.tt[a][b] for a, b in zip(path, path[1:]))

    def response_cost(self, route: Route) -> int:
        cost = 0
        for stop in route.stops:
            job = self.jobs[stop.job]
            per_s = self.problem.response_cost_per_s(job)
            if per_s:
                cost += per_s * max(0, stop.start - job.windows[0][0])
        return cost

    def retime(self, tech_id: str, job_ids: list[str]) -> Route:
        """Earliest times along ``job_ids``; each break goes into waiting time when it fits there,
        otherwise as late as the next job allows, otherwise it interrupts the leg before that job."""
        tech = self.techs[tech_id]
        shift = tech.shift
        pending = [[max(b.earliest, shift.start), min(b.latest, shift.end - b.duration), b.duration] for b in tech.breaks]
        route = Route(tech_id)
        clock, here = shift.start, self.loc[tech.start]
        for jid in job_ids:
            job = self.jobs[jid]
            there = self.loc[job.location]
            route.violations.extend(self._rule_breaks(tech, job))
            arrival, start = self._leg(route, clock, self.tt[here][there], job, job.windows_within(shift), pending)
            route.stops.append(Stop(jid, arrival, start, start + job.service))
            clock, here = start + job.service, there
        if job_ids:
            route.return_, _ = self._leg(route, clock, self.tt[here][self.loc[tech.end]], None, (), pending)
            if route.return_ > shift.end:
                route.violations.append(f"{tech_id} is back at {hhmm(route.return_)}, after the shift ends at {hhmm(shift.end)}")
        after = route.return_ if job_ids else shift.start
        for earliest, latest, duration in pending:  # breaks after the work is done (or on a free day)
            begin = max(after, earliest)
            if begin > latest:
                route.violations.append(f"{tech_id}: break cannot start by {hhmm(latest)} (earliest {hhmm(begin)})")
            route.breaks.append(BreakSlot(begin, begin + duration))
            after = begin + duration
        route.violations.extend(self._load_breaks(tech, job_ids))
        if route.violations and len(tech.breaks) == 1 and job_ids:
            return self._one_break_anywhere(tech, job_ids) or route
        return route

    def fits(self, tech_id: str, job_ids: list[str]) -> bool:
        """Whether ``retime`` would time this order without a violation; for a technician with at most
        one break it only adds up seconds (the insertion searches ask this most)."""
        tech = self.techs[tech_id]
        if len(tech.breaks) > 1:
            return not self.retime(tech_id, job_ids).violations
        jobs = [self.jobs[j] for j in job_ids]
        if any(self._rule_breaks(tech, j) for j in jobs) or self._load_breaks(tech, job_ids):
            return False
        if not jobs:
            return True
        places = [self.loc[tech.start], *(self.loc[j.location] for j in jobs), self.loc[tech.end]]
        windows = [j.windows_within(tech.shift) for j in jobs]
        if not tech.breaks:
            return self._back_with_break(tech, jobs, windows, places, len(jobs) + 1, None, None) is not None
        return self._break_gap(tech, jobs, windows, places, first=True) is not None

    def _one_break_anywhere(self, tech: Technician, job_ids: list[str]) -> Route | None:
        """The order timed with its one break in each gap in turn (on the way, or waiting on site),
        the feasible timing that returns earliest, or None. The greedy placement above refused 3-5
        of VROOM's valid routes per generated day; this finds them."""
        if any(self._rule_breaks(tech, self.jobs[j]) for j in job_ids) or self._load_breaks(tech, job_ids):
            return None
        jobs = [self.jobs[j] for j in job_ids]
        places = [self.loc[tech.start], *(self.loc[j.location] for j in jobs), self.loc[tech.end]]
        windows = [j.windows_within(tech.shift) for j in jobs]
        gap = self._break_gap(tech, jobs, windows, places)
        return None if gap is None else self._route_with_break(tech, jobs, windows, places, gap)

    def _break_window(self, tech: Technician) -> tuple[int, int, int]:
        brk = tech.breaks[0]
        return max(brk.earliest, tech.shift.start), min(brk.latest, tech.shift.end - brk.duration), brk.duration

    def _break_gap(self, tech, jobs, windows, places, first: bool = False) -> int | None:
        """The gap for the one break that brings the technician home earliest (``first``: any
        feasible gap, trying first those around the break's earliest start), or None."""
        earliest, latest, _ = self._break_window(tech)
        tt = self.tt
        clocks = []  # per gap: leaving the stop before it, no break taken yet
        clock = tech.shift.start
        for gap in range(len(jobs) + 2):  # the last: after the return home
            if max(clock, earliest) > latest:
                break  # the break can only move later from here
            clocks.append(clock)
            if gap > len(jobs):
                break
            ready = clock + tt[places[gap]][places[gap + 1]]
            if gap < len(jobs):
                ready = _earliest_start(jobs[gap], windows[gap], ready)
                if ready is None:
                    break
                ready += jobs[gap].service
            clock = ready
        natural = sum(1 for c in clocks if c <= earliest) - 1
        order = sorted(range(len(clocks)), key=lambda g: (abs(g - natural), g))
        best_gap, best_back = None, None
        for gap in order:
            back = self._back_with_break(tech, jobs, windows, places, gap, clocks[gap], (earliest, latest))
            if back is not None and (best_back is None or back < best_back):
                if first:
                    return gap
                best_gap, best_back = gap, back
        return best_gap

    def _back_with_break(self, tech, jobs, windows, places, gap, clock, span) -> int | None:
        """Return time with the break in ``gap`` (``span``: its earliest and latest start; None: no
        break), from ``clock`` leaving the stop before the gap (None: the shift start), or None."""
        tt = self.tt
        n = len(jobs)
        start_at = 0 if clock is None else gap
        clock = tech.shift.start if clock is None else clock
        if gap > n:
            if span is not None:
                if max(clock, span[0]) > span[1]:
                    return None
                if start_at > n:
                    return clock if clock <= tech.shift.end else None
        duration = tech.breaks[0].duration if span is not None else 0
        for k in range(start_at, n + 1):
            leg = tt[places[k]][places[k + 1]]
            ready = clock + leg
            if k == gap:
                begin = max(clock, span[0])
                if begin <= clock + leg:
                    ready += duration
                else:
                    begin = max(ready, span[0])
                    if begin > span[1] or k == n:
                        return None
                    ready = begin + duration
            if k == n:
                return ready if ready <= tech.shift.end else None
            start = _earliest_start(jobs[k], windows[k], ready)
            if start is None:
                return None
            clock = start + jobs[k].service
        return None

    def _route_with_break(self, tech, jobs, windows, places, gap) -> Route:
        earliest, _, duration = self._break_window(tech)
        route = Route(tech.id)
        clock = tech.shift.start
        for k in range(len(jobs) + 1):
            leg = self.tt[places[k]][places[k + 1]]
            arrival = ready = clock + leg
            if k == gap:
                begin = max(clock, earliest)
                if begin <= clock + leg:
                    arrival = ready = clock + leg + duration
                else:
                    begin = max(arrival, earliest)
                    ready = begin + duration
                route.breaks.append(BreakSlot(begin, begin + duration))
            if k == len(jobs):
                route.return_ = arrival
                break
            start = _earliest_start(jobs[k], windows[k], ready)
            route.stops.append(Stop(jobs[k].id, arrival, start, start + jobs[k].service))
            clock = start + jobs[k].service
        if gap > len(jobs):
            begin = max(route.return_, earliest)
            route.breaks.append(BreakSlot(begin, begin + duration))
        return route

    def _leg(self, route: Route, clock: int, leg: int, job: Job | None, windows, pending) -> tuple[int, int]:
        """Travel ``leg`` from ``clock`` to ``job`` (None: home), taking the breaks that cannot wait.
        Returns (arrival, service start)."""
        remaining, arrived = leg, None
        while True:
            arrival = arrived if arrived is not None else clock + remaining
            ready = max(clock, arrival)
            start = ready if job is None else _earliest_start(job, windows, ready)
            if start is None:
                wanted = f"at {hhmm(job.fixed_start)}" if job.fixed_start is not None else "within " + ", ".join(
                    f"{hhmm(o)}-{hhmm(c)}" for o, c in windows)
                route.violations.append(f"{job.id} cannot start {wanted} (ready at {hhmm(ready)})")
                start = ready
            if not pending:
                return arrival, start
            earliest, latest, duration = pending[0]
            on_site = max(ready, earliest)
            if job is not None and on_site <= latest and on_site + duration <= start:
                route.breaks.append(BreakSlot(on_site, on_site + duration))  # taken while waiting anyway
                pending.pop(0)
                arrived, clock = arrival, on_site + duration
                continue
            done = start + (job.service if job is not None else 0)
            if max(done, earliest) <= latest:
                return arrival, start
            begin = max(clock, earliest)
            if begin > latest:
                route.violations.append(f"{route.technician}: break cannot start by {hhmm(latest)} (earliest {hhmm(begin)})")
            if arrived is None and begin < clock + remaining:
                remaining -= begin - clock  # stops on the way
            else:
                arrived = arrival
                remaining = 0
            clock = begin + duration
            route.breaks.append(BreakSlot(begin, begin + duration))
            pending.pop(0)

    def _rule_breaks(self, tech: Technician, job: Job) -> list[str]:
        broken = []
        missing = job.skills - tech.skills
        if missing:
            broken.append(f"{job.id} needs {', '.join(sorted(missing))}, which {tech.id} lacks")
        if job.pinned_to and job.pinned_to != tech.id:
            broken.append(f"{job.id} is pinned to {job.pinned_to}")
        return broken

    def _load_breaks(self, tech: Technician, job_ids: list[str]) -> list[str]:
        broken = []
        if tech.max_jobs is not None and len(job_ids) > tech.max_jobs:
            broken.append(f"{tech.id} has {len(job_ids)} jobs, more than max_jobs {tech.max_jobs}")
        load = sum(self.jobs[j].demand for j in job_ids)
        if tech.capacity is not None and load > tech.capacity:
            broken.append(f"{tech.id} carries {load}, more than capacity {tech.capacity}")
        return broken

    def from_times(self, tech_id: str, job_ids: list[str], starts: list[int], break_starts: list[int]) -> Route:
        """A route at given service and break starts (the solver's own times): arrivals assume the
        technician leaves each job at once and pauses the drive for any break on the way."""
        tech = self.techs[tech_id]
        breaks = sorted(BreakSlot(s, s + b.duration) for s, b in zip(break_starts, tech.breaks))
        route = Route(tech_id, breaks=breaks)
        clock, here = tech.shift.start, self.loc[tech.start]
        for jid, start in zip(job_ids, starts):
            job = self.jobs[jid]
            there = self.loc[job.location]
            route.stops.append(Stop(jid, self._drive(clock, self.tt[here][there], breaks), start, start + job.service))
            clock, here = start + job.service, there
        if job_ids:
            route.return_ = self._drive(clock, self.tt[here][self.loc[tech.end]], breaks)
        return route

    @staticmethod
    def _drive(clock: int, leg: int, breaks: list[BreakSlot]) -> int:
        for b in breaks:
            if b.start >= clock and b.start < clock + leg:
                leg -= b.start - clock
                clock = b.end
        return clock + leg
