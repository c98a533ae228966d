"""Which appointment windows a new job can still get, by insertion into one technician's route.

No re-solve: every other job keeps its technician, its order and its window; the shift, the
breaks and pinned or fixed jobs hold. Offers come cheapest first (extra travel seconds).
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


@dataclass
class Offer:
    window: tuple[int, int]
    technician: str
    extra_travel_s: int
    route: Route


@dataclass
class Offers:
    job: str
    offers: list[Offer] = field(default_factory=list)
    refused: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    wall_s: float = 0.0


def offer(problem: Problem, plan: Plan, job_id: str, provider: TravelProvider | None = None) -> Offers:
    """Each window of ``job_id`` (or the whole day when it has none) as an offer or a refusal."""
    began = time.monotonic()
    job = problem.job(job_id)
    table = Timetable(problem, travel_matrix(problem, provider))
    by_tech = {r.technician: r for r in plan.routes}
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


def offer_to_dict(offers: Offers) -> dict:
    return {
        "job": offers.job,
        "offers": [{"window": list(o.window), "technician": o.technician, "extra_travel_s": o.extra_travel_s,
                    "route": route_to_dict(o.route)} for o in offers.offers],
        "refused": [{"window": list(w), "reason": reason} for w, reason in offers.refused],
        "stats": {"wall_s": offers.wall_s},
    }
