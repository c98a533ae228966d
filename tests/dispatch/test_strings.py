"""The compiled string-removal search (SISR): exact timing of windows, breaks and response cost."""
from __future__ import annotations

import time

from app.dispatch import problem_from_dict, travel_matrix
from app.dispatch.engine import eligibility
from app.dispatch.schedule import Timetable
from app.dispatch.strings import handles, improve

from .helpers import H, instance, job, solved, tech

POINTS = {"home": (0, 0), "a": (1000, 0), "b": (2000, 0), "c": (0, 1000), "d": (0, 2000), "e": (1000, 1000)}


def _search(raw, seconds=0.3, routes=()):
    problem = problem_from_dict(raw)
    table = Timetable(problem, travel_matrix(problem))
    eligible = eligibility(problem, travel_matrix(problem))
    routes = improve(table, list(routes), eligible, time.monotonic() + seconds)
    assert not any(r.violations for r in routes)
    return {r.technician: r for r in routes}


def test_from_nothing_every_job_served_on_the_shortest_routes_within_windows_skills_and_capacity():
    techs = [tech("T1", skills=("x",), capacity=3), tech("T2", skills=("y",), capacity=3)]
    jobs = [job("A", "a", ("x",), service=0, demand=1), job("B", "b", ("x",), service=0, demand=1),
            job("C", "c", ("y",), service=0, demand=1, windows=[(8 * H, 8 * H + 1500)]),
            job("D", "d", ("y",), service=0, demand=1),
            job("E", "e", ("x",), service=0, demand=1)]
    routes = _search(instance(techs, jobs, POINTS, objective="travel"))
    assert sorted(routes["T1"].job_ids) == ["A", "B", "E"] and routes["T2"].job_ids == ["C", "D"]


def test_windows_force_the_order():
    jobs = [job("A", "a", (), service=0, windows=[(8 * H + 3000, 8 * H + 3000)]), job("B", "b", (), service=0, windows=[(8 * H, 8 * H + 2500)])]
    routes = _search(instance([tech(skills=())], jobs, POINTS, objective="travel"))
    assert routes["T1"].job_ids == ["B", "A"]


def test_a_job_waits_for_its_second_window():
    jobs = [job("A", "a", (), service=3 * H, windows=[(9 * H, 9 * H + 60)]),
            job("B", "b", (), service=600, windows=[(8 * H, 8 * H + 100), (13 * H, 14 * H)])]
    routes = _search(instance([tech(skills=())], jobs, POINTS))
    assert routes["T1"].job_ids == ["A", "B"]
    assert routes["T1"].stops[1].start == 13 * H


def test_the_break_is_taken_on_the_way_when_only_that_keeps_the_next_window():
    # A ends at 12:00, the break must start at 12:00, and B closes before a technician who waited
    # for his break at A could reach it
    lunch = {"earliest": 12 * H, "latest": 12 * H, "duration": H}
    jobs = [job("A", "a", (), service=H, windows=[(11 * H, 11 * H)]), job("B", "b", (), service=600, windows=[(12 * H, 13 * H + 1000)])]
    routes = _search(instance([tech(skills=(), breaks=[lunch])], jobs, POINTS))
    route = routes["T1"]
    assert route.job_ids == ["A", "B"]
    assert route.stops[1].start == 13 * H + 1000
    assert [(b.start, b.end) for b in route.breaks] == [(12 * H, 13 * H)]


def test_an_emergency_goes_first_though_the_other_order_travels_less():
    # ending at e, the normal job first travels 586 s less; the emergency waits 2,800 s more then
    jobs = [job("N", "a", (), windows=[(8 * H, 18 * H)]), job("X", "b", (), priority="emergency", windows=[(8 * H, 18 * H)])]
    days = {objective: _search(instance([tech(skills=(), end="e")], jobs, POINTS, objective=objective))["T1"].job_ids
            for objective in ("service-then-travel", "travel")}
    assert days == {"service-then-travel": ["X", "N"], "travel": ["N", "X"]}


def test_a_pinned_job_stays_and_the_plan_passes_the_checker():
    jobs = [job(j.upper(), j, ()) for j in "abcde"]
    jobs[2]["pinned_to"] = "T2"
    raw = instance([tech("T1", skills=()), tech("T2", skills=())], jobs, POINTS, objective="travel")
    plan, summary = solved(raw, seconds=0.5)
    assert summary["served"] == 5
    assert any(s["job"] == "C" for r in plan["routes"] if r["technician"] == "T2" for s in r["stops"])


def test_two_breaks_a_day_are_planned_by_or_tools():
    breaks = [{"earliest": 10 * H, "latest": 11 * H, "duration": 900}, {"earliest": 14 * H, "latest": 15 * H, "duration": 900}]
    raw = instance([tech(skills=(), breaks=breaks)], [job(j.upper(), j, ()) for j in "abcde"], POINTS)
    assert not handles(problem_from_dict(raw))
    plan, summary = solved(raw, seconds=1.0)
    assert summary["served"] == 5
