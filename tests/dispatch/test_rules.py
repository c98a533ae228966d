"""One tiny instance per rule of FORMAT.md, each with a known best answer."""
from __future__ import annotations

from .helpers import H, instance, job, reason_of, solved, stop, stops_of, tech

POINTS = {"home": (0, 0), "a": (600, 0), "b": (1200, 0), "c": (0, 900), "far": (3000, 0)}


def test_trade_mismatch_goes_to_the_right_technician_and_a_missing_trade_is_named():
    raw = instance(
        [tech("P", ("plumbing",)), tech("E", ("electrical",))],
        [job("J1", "a", ("electrical",)), job("J2", "b", ("gas",)), job("J3", "c", ("plumbing",))],
        POINTS,
    )
    plan, _ = solved(raw)
    assert stops_of(plan, "E") == ["J1"]
    assert stops_of(plan, "P") == ["J3"]
    assert reason_of(plan, "J2") == "no technician has the trade gas"


def test_windows_force_the_order_against_geography():
    # b is further out than a, but b's window closes before a's opens
    raw = instance(
        [tech()],
        [job("A", "a", windows=[(12 * H, 13 * H)]), job("B", "b", windows=[(8 * H, 9 * H)])],
        POINTS,
    )
    plan, summary = solved(raw)
    assert stops_of(plan, "T1") == ["B", "A"]
    assert summary["travel_s"] == 1200 + 600 + 600


def test_break_is_taken_whole_between_services():
    raw = instance(
        [tech(shift=(8 * H, 14 * H), breaks=[{"earliest": 11 * H, "latest": 12 * H, "duration": H}])],
        [job("A", "a", service=2 * H, windows=[(9 * H, 9 * H)]), job("B", "b", service=H, windows=[(12 * H, 13 * H)])],
        POINTS,
    )
    plan, _ = solved(raw)
    (route,) = plan["routes"]
    (brk,) = route["breaks"]
    assert brk["end"] - brk["start"] == H and 11 * H <= brk["start"] <= 12 * H
    assert stop(plan, "A")["end"] <= brk["start"] and brk["end"] <= stop(plan, "B")["start"]


def test_pinned_job_stays_with_its_technician_even_when_another_is_closer():
    raw = instance(
        [tech("NEAR"), tech("FAR", home="far")],
        [job("J1", "a", pinned_to="FAR")],
        POINTS,
    )
    plan, _ = solved(raw)
    assert stops_of(plan, "FAR") == ["J1"] and stops_of(plan, "NEAR") == []


def test_fixed_start_is_kept_to_the_second():
    raw = instance([tech()], [job("J1", "a", windows=[(8 * H, 18 * H)], pinned_to="T1", fixed_start=10 * H + 123)], POINTS)
    plan, _ = solved(raw)
    assert stop(plan, "J1")["start"] == 10 * H + 123


def test_impossible_jobs_get_reasons_a_dispatcher_can_act_on():
    raw = instance(
        [tech("P", ("plumbing",), shift=(8 * H, 12 * H)), tech("E", ("electrical",), shift=(8 * H, 18 * H))],
        [
            job("NIGHT", "a", ("electrical",), windows=[(22 * H, 23 * H)]),
            job("EVENING", "a", ("plumbing",), windows=[(16 * H, 17 * H)]),
            job("GAS", "a", ("gas",)),
        ],
        POINTS,
    )
    plan, _ = solved(raw)
    assert reason_of(plan, "NIGHT") == "the window 22:00-23:00 is outside every shift"
    assert reason_of(plan, "EVENING") == "no technician with plumbing works 16:00-17:00"
    assert reason_of(plan, "GAS") == "no technician has the trade gas"


def test_capacity_bounds_the_load_and_the_leftover_is_full():
    jobs = [job(f"J{k}", "a", windows=[(9 * H, 17 * H)], demand=1) for k in range(3)]
    raw = instance([tech(capacity=2)], jobs, POINTS)
    plan, summary = solved(raw)
    assert summary["served"] == 2
    (left,) = plan["unassigned"]
    assert left["reason"] == "T1, the only technician with plumbing, is full 09:00-17:00"


def test_max_jobs_bounds_the_stops():
    raw = instance([tech("T1", max_jobs=1), tech("T2", max_jobs=1)], [job("J1", "a"), job("J2", "b"), job("J3", "c")], POINTS)
    plan, summary = solved(raw)
    assert summary["served"] == 2
    assert len(stops_of(plan, "T1")) == 1 and len(stops_of(plan, "T2")) == 1


def test_multiple_windows_use_the_later_one_when_the_first_is_out_of_reach():
    # 600 s away, shift starts 08:00: the 08:00-08:05 window cannot be reached, 14:00-15:00 can
    raw = instance([tech()], [job("J1", "a", windows=[(8 * H, 8 * H + 300), (14 * H, 15 * H)])], POINTS)
    plan, _ = solved(raw)
    assert stop(plan, "J1")["start"] == 14 * H


def test_priority_decides_which_of_two_clashing_jobs_is_served():
    both = [(10 * H, 10 * H)]
    raw = instance([tech()], [job("PLANNED", "a", windows=both, priority="planned"),
                              job("URGENT", "b", windows=both, priority="urgent")], POINTS)
    plan, _ = solved(raw)
    assert stops_of(plan, "T1") == ["URGENT"]
    assert reason_of(plan, "PLANNED").endswith("is full 10:00-10:00")


def test_emergency_is_attended_as_soon_as_possible():
    raw = instance([tech()], [job("E", "a", windows=[(9 * H, 17 * H)], priority="emergency"),
                              job("N", "c", windows=[(9 * H, 17 * H)])], POINTS)
    plan, _ = solved(raw)
    assert stop(plan, "E")["start"] == 9 * H


def test_travel_objective_serves_everyone_on_the_shortest_tour():
    points = {"home": (0, 0), "a": (1000, 0), "b": (1000, 1000), "c": (0, 1000)}
    raw = instance([tech()], [job(j, j, skills=()) for j in "abc"], points, objective="travel")
    _, summary = solved(raw)
    assert summary["served"] == 3 and summary["travel_s"] == 4000


def test_warm_start_from_a_previous_plan_keeps_a_valid_plan():
    from app.dispatch import plan_from_dict, problem_from_dict

    raw = instance([tech("T1"), tech("T2")], [job(j, j) for j in "abc"], POINTS)
    first, _ = solved(raw)
    previous = plan_from_dict(first, problem_from_dict(raw))
    again, summary = solved(raw, previous=previous)
    assert summary["served"] == 3
