"""Which appointment windows a new job can still get.

With a plan: by insertion into one technician's route. No re-solve: every other job keeps its
technician, its order and its window; the shift, the breaks and pinned or fixed jobs hold. Offers
come cheapest first (extra travel seconds).

Without a plan yet (days ahead): by trade capacity, the minutes technicians with the trade work in
the window minus the work already booked there. Offers come roomiest first.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from . import diagnose
from .engine import best_insertion
from .fileio import route_to_dict
from .problem import Plan, Problem, Route
from .schedule import Timetable
from .travel import TravelProvider, travel_matrix


# Booked work also needs getting there: the time a technician in one district spends between jobs.
TRAVEL_ALLOWANCE_S = 15 * 60


@dataclass
class Offer:
    window: tuple[int, int]
    technician: str
    extra_travel_s: int
    route: Route | None
    spare_s: int | None = None  # capacity offers: technician seconds left in the window after this job


@dataclass
class Offers:
    job: str
    offers: list[Offer] = field(default_factory=list)
    refused: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    wall_s: float = 0.0


def offer(problem: Problem, plan: Plan, job_id: str, provider: TravelProvider | None = None,
          committed: list[str] | tuple[str, ...] = ()) -> Offers:
    """Each window of ``job_id`` (or the whole day when it has none) as an offer or a refusal.

    ``committed``: jobs promised for the day but not on the plan yet (booked since it was made); they
    are inserted first, earliest window first, so nobody is offered the room they already took.
    """
    began = time.monotonic()
    job = problem.job(job_id)
    table = Timetable(problem, travel_matrix(problem, provider))
    by_tech = {r.technician: r for r in plan.routes}
    for other_id in sorted(committed, key=lambda j: min((o for o, _c in problem.job(j).windows), default=0)):
        other = problem.job(other_id)
        placed = best_insertion(table, by_tech, [t.id for t in diagnose.qualified(problem, other)], other_id)
        if placed is not None:
            by_tech[placed.technician] = placed
    able = [t.id for t in diagnose.qualified(problem, job)]
    windows = job.windows or ((min(t.shift.start for t in problem.technicians), max(t.shift.end for t in problem.technicians)),)
    loc = table.loc

    def reach(tech, j):
        return table.tt[loc[tech.start]][loc[j.location]], table.tt[loc[j.location]][loc[tech.end]]

    result = Offers(job_id)
    for window in windows:
        narrowed = replace(job, windows=(window,))
        table.jobs[job_id] = narrowed  # the other jobs keep theirs
        best = None
        for tech_id in able:
            route = best_insertion(table, by_tech, [tech_id], job_id)
            if route is None:
                continue
            before = by_tech.get(tech_id)
            extra = table.travel(table.techs[tech_id], route.job_ids) - table.travel(
                table.techs[tech_id], before.job_ids if before else [])
            if best is None or extra < best.extra_travel_s:
                best = Offer(window, tech_id, extra, route)
        if best:
            result.offers.append(best)
        else:
            result.refused.append((window, diagnose.reason(replace(problem, jobs=[narrowed]), narrowed, reach)))
    table.jobs[job_id] = job
    result.offers.sort(key=lambda o: o.extra_travel_s)
    result.wall_s = round(time.monotonic() - began, 3)
    return result


def capacity_offer(problem: Problem, job_id: str, allowance_s: int = TRAVEL_ALLOWANCE_S) -> Offers:
    """Offers for a day with no plan: a window is open while the technicians with the job's trade
    have more minutes in it than the work booked there needs (each job with its travel allowance).

    A booked job whose window spans several slots counts in each in proportion to the overlap.
    """
    began = time.monotonic()
    job = problem.job(job_id)
    able = diagnose.qualified(problem, job)
    others = [j for j in problem.jobs if j.id != job_id and j.skills & job.skills]
    result = Offers(job_id)
    need = job.service + allowance_s
    for window in job.windows:
        supply = sum(_working_seconds(t, window) for t in able)
        booked = sum((j.service + allowance_s) * _share(j.windows, window) for j in others)
        spare = int(supply - booked - need)
        if spare >= 0:
            result.offers.append(Offer(window, "", 0, None, spare_s=spare))
        elif not able:
            result.refused.append((window, diagnose.reason(replace(problem, jobs=[job]), job, lambda *_a: (0, 0))))
        elif supply == 0:
            result.refused.append((window, f"no technician with {', '.join(sorted(job.skills))} works {diagnose.span([window])}"))
        else:
            result.refused.append((window, f"all {len(able)} technicians with {', '.join(sorted(job.skills))} are full {diagnose.span([window])}"))
    result.offers.sort(key=lambda o: -(o.spare_s or 0))
    result.wall_s = round(time.monotonic() - began, 3)
    return result


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _working_seconds(tech, window: tuple[int, int]) -> int:
    working = _overlap((tech.shift.start, tech.shift.end), window)
    for pause in tech.breaks:
        # The break falls somewhere in its own window: charge this slot its share of it.
        span = max(1, pause.latest + pause.duration - pause.earliest)
        working -= pause.duration * _overlap((pause.earliest, pause.latest + pause.duration), window) / span
    return max(0, int(working))


def _share(windows: tuple[tuple[int, int], ...], slot: tuple[int, int]) -> float:
    total = sum(c - o for o, c in windows)
    if total <= 0:
        return 1.0 if any(slot[0] <= o < slot[1] for o, _c in windows) else 0.0
    return sum(_overlap(w, slot) for w in windows) / total


def offer_to_dict(offers: Offers) -> dict:
    return {
        "job": offers.job,
        "offers": [{"window": list(o.window), "technician": o.technician, "extra_travel_s": o.extra_travel_s,
                    "route": route_to_dict(o.route) if o.route else None} for o in offers.offers],
        "refused": [{"window": list(w), "reason": reason} for w, reason in offers.refused],
        "stats": {"wall_s": offers.wall_s},
    }
