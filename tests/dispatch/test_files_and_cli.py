"""Format-1 files, the malformed-input contract (exit 2, the field named) and the CLI round trip."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from app.dispatch import load_plan, load_problem, plan_to_dict, problem_from_dict, solve

from .helpers import CHECKER_PATH, REPO, H, instance, job, tech

GOOD = instance(
    [tech("T1", breaks=[{"earliest": 12 * H, "latest": 13 * H, "duration": H}]), tech("T2", ("electrical",))],
    [job("J1", "a", windows=[(9 * H, 11 * H)]), job("J2", "b", ("electrical",)), job("J3", "a", priority="urgent",
                                                                                      windows=[(10 * H, 14 * H)])],
    {"home": (0, 0), "a": (600, 0), "b": (0, 900)},
)


def _cli(tmp_path, raw, *args):
    path = tmp_path / "instance.json"
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw))
    return subprocess.run([sys.executable, "-m", "app.dispatch", "solve", str(path), *args,
                           "--out", str(tmp_path / "plan.json")], cwd=REPO, capture_output=True, text=True, timeout=60)


def _broken(mutate):
    raw = copy.deepcopy(GOOD)
    mutate(raw)
    return raw


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r["jobs"][1]["windows"].append([36000, 30000]), "jobs[1].windows[0]: close 30000 is before open 36000"),
    (lambda r: r["jobs"][0].update(location="nowhere"), "jobs[0].location: unknown location 'nowhere'"),
    (lambda r: r["jobs"][2].update(priority="asap"), "jobs[2].priority: unknown priority 'asap'"),
    (lambda r: r["jobs"][0].update(service="45min"), "jobs[0].service: expected a number, got '45min'"),
    (lambda r: r["jobs"][0].update(pinned_to="T9"), "jobs[0].pinned_to: unknown technician 'T9'"),
    (lambda r: r["jobs"].append(dict(r["jobs"][0])), "jobs[3].id: duplicate id 'J1'"),
    (lambda r: r["technicians"][0].update(shift=[64800, 28800]), "technicians[0].shift: end 28800 is before start 64800"),
    (lambda r: r["technicians"][0]["breaks"][0].pop("duration"), "technicians[0].breaks[0].duration: expected a number"),
    (lambda r: r["technicians"][1].update(max_jobs=-1), "technicians[1].max_jobs: -1 is below 0"),
    (lambda r: r["travel"]["durations"].pop(), "travel.durations: 2 rows for 3 locations"),
    (lambda r: r.update(format="dispatch-instance/2"), "format: expected 'dispatch-instance/1'"),
    (lambda r: r.update(objective="speed"), "objective: unknown objective 'speed'"),
])
def test_malformed_instance_exits_2_naming_the_field(tmp_path, mutate, message):
    done = _cli(tmp_path, _broken(mutate), "--time-limit", "1")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "plan.json").exists()


def test_not_json_and_missing_file_exit_2(tmp_path):
    assert _cli(tmp_path, "{not json", "--time-limit", "1").returncode == 2
    done = subprocess.run([sys.executable, "-m", "app.dispatch", "solve", str(tmp_path / "missing.json"),
                           "--out", str(tmp_path / "p.json")], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "missing.json" in done.stderr and "Traceback" not in done.stderr


def test_cli_round_trip_writes_a_plan_the_checker_accepts(tmp_path):
    done = _cli(tmp_path, GOOD, "--time-limit", "1", "--workers", "2")
    assert done.returncode == 0, done.stderr
    summary = done.stdout.strip()
    assert summary.startswith("served 3/3 unassigned 0") and "travel" in summary and "wall" in summary
    check = subprocess.run([sys.executable, str(CHECKER_PATH), str(tmp_path / "instance.json"), str(tmp_path / "plan.json")],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout
    plan = load_plan(tmp_path / "plan.json", load_problem(tmp_path / "instance.json"))
    assert plan_to_dict(plan) == json.loads((tmp_path / "plan.json").read_text())


def test_cli_exits_0_with_unassigned_jobs_and_names_them(tmp_path):
    raw = _broken(lambda r: r["jobs"].append(job("J4", "a", ("gas",))))
    done = _cli(tmp_path, raw, "--time-limit", "1", "--workers", "1")
    assert done.returncode == 0 and "unassigned 1" in done.stdout
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["unassigned"] == [{"job": "J4", "reason": "no technician has the trade gas"}]


def test_problem_reads_windows_sorted_and_defaults():
    raw = _broken(lambda r: r["jobs"][0].update(windows=[[14 * H, 15 * H], [9 * H, 10 * H]]))
    del raw["jobs"][1]["demand"]
    problem = problem_from_dict(raw)
    assert problem.jobs[0].windows == ((9 * H, 10 * H), (14 * H, 15 * H))
    assert problem.jobs[1].demand == 0 and problem.response_weight == {"emergency": 10, "urgent": 1}
    assert solve(problem, 1, workers=1).stats["served"] == 3
