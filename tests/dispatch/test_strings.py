"""The string-removal search (SISR) for travel-only days: exact insertion test, every rule kept."""
from __future__ import annotations

import time

from app.dispatch import problem_from_dict, travel_matrix
from app.dispatch.engine import eligibility
from app.dispatch.schedule import Timetable
from app.dispatch.strings import applies, improve

from .helpers import H, instance, job, solved, tech

POINTS = {"home": (0, 0), "a": (1000, 0), "b": (2000, 0), "c": (0, 1000), "d": (0, 2000), "e": (1000, 1000)}


def _search(raw, seconds=0.3, routes=()):
    problem = problem_from_dict(raw)
    table = Timetable(problem, travel_matrix(problem))
    eligible = eligibility(problem, travel_matrix(problem))
    assert applies(table, eligible)
    return table, improve(table, list(routes), eligible, time.monotonic() + seconds)


def test_from_nothing_every_job_served_on_the_shortest_routes_within_windows_skills_and_capacity():
    techs = [tech("T1", skills=("x",), capacity=3), tech("T2", skills=("y",), capacity=3)]
    jobs = [job("A", "a", ("x",), service=0, demand=1), job("B", "b", ("x",), service=0, demand=1),
            job("C", "c", ("y",), service=0, demand=1, windows=[(8 * H, 8 * H + 1500)]),
            job("D", "d", ("y",), service=0, demand=1),
            job("E", "e", ("x",), service=0, demand=1)]
    table, routes = _search(instance(techs, jobs, POINTS, objective="travel"))
    by_tech = {r.technician: r.job_ids for r in routes}
    assert not any(r.violations for r in routes)
    assert sorted(by_tech["T1"]) == ["A", "B", "E"] and by_tech["T2"] == ["C", "D"]


def test_windows_force_the_order():
    jobs = [job("A", "a", (), service=0, windows=[(8 * H + 3000, 8 * H + 3000)]), job("B", "b", (), service=0, windows=[(8 * H, 8 * H + 2500)])]
    table, routes = _search(instance([tech(skills=())], jobs, POINTS, objective="travel"))
    assert routes[0].job_ids == ["B", "A"]


def test_breaks_fall_back_to_the_other_search():
    raw = instance([tech(breaks=[{"earliest": 12 * H, "latest": 13 * H, "duration": 1800}])], [job("A", "a")], POINTS,
                   objective="travel")
    problem = problem_from_dict(raw)
    assert not applies(Timetable(problem, travel_matrix(problem)), eligibility(problem, travel_matrix(problem)))
    solved(raw)


def test_a_pinned_job_stays_and_the_plan_passes_the_checker():
    jobs = [job(j.upper(), j, ()) for j in "abcde"]
    jobs[2]["pinned_to"] = "T2"
    raw = instance([tech("T1", skills=()), tech("T2", skills=())], jobs, POINTS, objective="travel")
    plan, summary = solved(raw, seconds=0.5)
    assert summary["served"] == 5
    assert any(s["job"] == "C" for r in plan["routes"] if r["technician"] == "T2" for s in r["stops"])
