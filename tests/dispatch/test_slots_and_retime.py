"""Appointment offers by insertion, and re-timing a dispatcher's manual order."""
from __future__ import annotations

import json
import subprocess
import sys

from app.dispatch import capacity_offer, offer, plan_from_dict, problem_from_dict, retime_route

from .helpers import CHECKER_PATH, REPO, H, checker, instance, job, solved, tech

POINTS = {"home": (0, 0), "a": (600, 0), "b": (1200, 0), "c": (0, 900)}


def _day():
    """T1 (plumbing, 08-18, lunch) is busy at a 09-12 and 13-16; NEW can come 16-17 but not 10-11."""
    return instance(
        [tech("T1", breaks=[{"earliest": 12 * H, "latest": 13 * H, "duration": H}]), tech("T2", ("electrical",))],
        [job("A", "a", service=3 * H, windows=[(9 * H, 9 * H)]), job("B", "a", service=3 * H, windows=[(13 * H, 13 * H)]),
         job("NEW", "c", windows=[(10 * H, 11 * H), (16 * H, 17 * H), (22 * H, 23 * H)])],
        POINTS,
    )


def _without(raw, jid):
    return {**raw, "jobs": [j for j in raw["jobs"] if j["id"] != jid]}


def test_offers_insert_into_one_route_and_pass_the_checker_with_the_window_narrowed():
    raw = _day()
    plan_dict, _ = solved(_without(raw, "NEW"))
    problem = problem_from_dict(raw)
    result = offer(problem, plan_from_dict(plan_dict), "NEW")
    assert [o.window for o in result.offers] == [(16 * H, 17 * H)]
    assert result.offers[0].technician == "T1" and result.offers[0].extra_travel_s == 1082 + 900 - 600
    assert dict(result.refused) == {
        (10 * H, 11 * H): "T1, the only technician with plumbing, is full 10:00-11:00",
        (22 * H, 23 * H): "the window 22:00-23:00 is outside every shift",
    }
    from app.dispatch.fileio import route_to_dict

    narrowed = json.loads(json.dumps(raw))
    narrowed["jobs"][2]["windows"] = [[16 * H, 17 * H]]
    changed = {**plan_dict, "routes": [route_to_dict(result.offers[0].route) if r["technician"] == "T1" else r
                                       for r in plan_dict["routes"]]}
    errors, summary = checker.check(narrowed, changed)
    assert errors == [] and summary["served"] == 3


def test_offer_command_prints_json_offers(tmp_path):
    raw = _day()
    plan_dict, _ = solved(_without(raw, "NEW"))
    (tmp_path / "i.json").write_text(json.dumps(raw))
    (tmp_path / "p.json").write_text(json.dumps(plan_dict))
    done = subprocess.run([sys.executable, "-m", "app.dispatch", "offer", str(tmp_path / "i.json"), str(tmp_path / "p.json"),
                           "--job", "NEW"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["job"] == "NEW" and printed["offers"][0]["window"] == [16 * H, 17 * H]
    assert len(printed["refused"]) == 2 and "wall_s" in printed["stats"]
    served = subprocess.run([sys.executable, "-m", "app.dispatch", "offer", str(tmp_path / "i.json"), str(tmp_path / "p.json"),
                             "--job", "A"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert served.returncode == 2 and "--job: 'A' is already served" in served.stderr


def test_retime_reports_broken_rules_instead_of_refusing():
    raw = instance(
        [tech("T1", shift=(8 * H, 12 * H), breaks=[{"earliest": 10 * H, "latest": 10 * H, "duration": H}])],
        [job("GAS", "a", ("gas",), service=H), job("LATE", "b", windows=[(8 * H, 8 * H + 60)], service=2 * H)],
        POINTS,
    )
    route = retime_route(problem_from_dict(raw), "T1", ["GAS", "LATE"])
    assert [s.job for s in route.stops] == ["GAS", "LATE"]
    text = " | ".join(route.violations)
    assert "GAS needs gas, which T1 lacks" in text
    assert "LATE cannot start within 08:00-08:01" in text
    assert "T1 is back at" in text and "after the shift ends at 12:00" in text


def test_retime_of_a_valid_order_has_no_violations_and_places_the_break_on_the_way():
    raw = instance(
        [tech("T1", breaks=[{"earliest": 12 * H, "latest": 13 * H, "duration": H}])],
        [job("A", "a", service=3 * H, windows=[(9 * H, 9 * H)]), job("B", "b", service=H, windows=[(13 * H, 14 * H)])],
        POINTS,
    )
    route = retime_route(problem_from_dict(raw), "T1", ["A", "B"])
    assert route.violations == []
    assert [(b.start, b.end) for b in route.breaks] == [(12 * H, 13 * H)]
    # the 50 minutes of waiting at b cannot hold the hour: it is taken on the way, so B starts late
    assert (route.stops[1].arrival, route.stops[1].start) == (13 * H + 600, 13 * H + 600)


def test_committed_jobs_take_their_room_before_anything_is_offered():
    """A job booked 16-17 since the plan was made is inserted first: NEW can no longer have 16-17."""
    raw = _day()
    raw["jobs"].append(job("BOOKED", "b", service=H, windows=[(16 * H, 17 * H)]))
    plan_dict, _ = solved(_without(_without(raw, "NEW"), "BOOKED"))
    problem = problem_from_dict(raw)
    assert [o.window for o in offer(problem, plan_from_dict(plan_dict), "NEW").offers] == [(16 * H, 17 * H)]
    result = offer(problem, plan_from_dict(plan_dict), "NEW", committed=["BOOKED"])
    assert result.offers == []
    assert "is full 16:00-17:00" in dict(result.refused)[(16 * H, 17 * H)]


def test_capacity_offers_count_booked_work_against_the_trade_s_minutes():
    """Without a plan: two plumbers give 2 x 2 h in 08-10; each booked hour-long job takes 1 h 15 min."""
    points = {"home": (0, 0), "a": (600, 0)}
    plumbers = [tech("T1"), tech("T2"), tech("T3", ("electrical",))]
    booked = [job(f"B{i}", "a", service=H, windows=[(8 * H, 10 * H)]) for i in range(2)]
    new = job("NEW", "a", service=H, windows=[(8 * H, 10 * H), (10 * H, 12 * H)])
    roomy = capacity_offer(problem_from_dict(instance(plumbers, [*booked, new], points)), "NEW")
    assert [o.window for o in roomy.offers] == [(10 * H, 12 * H), (8 * H, 10 * H)], "roomiest first"
    assert roomy.offers[1].spare_s == 4 * H - 3 * (H + 15 * 60)
    third = job("B2", "a", service=H, windows=[(8 * H, 10 * H)])
    full = capacity_offer(problem_from_dict(instance(plumbers, [*booked, third, new], points)), "NEW")
    assert [o.window for o in full.offers] == [(10 * H, 12 * H)]
    assert dict(full.refused)[(8 * H, 10 * H)] == "all 2 technicians with plumbing are full 08:00-10:00"
    # An electrical job elsewhere in the day does not use the plumbers' minutes.
    wired = job("E1", "a", skills=("electrical",), service=2 * H, windows=[(8 * H, 10 * H)])
    assert (8 * H, 10 * H) in [o.window for o in capacity_offer(problem_from_dict(
        instance(plumbers, [*booked, wired, new], points)), "NEW").offers]
