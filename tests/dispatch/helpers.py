"""Helpers for the dispatch tests: tiny hand-made instances and the shared plan checker."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from app.dispatch import plan_to_dict, problem_from_dict, solve

REPO = Path(__file__).resolve().parents[2]
CHECKER_PATH = REPO.parent / "shared" / "dispatch" / "check_plan.py"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_plan", CHECKER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = _load_checker()

H = 3600


def tech(tid="T1", skills=("plumbing",), home="home", shift=(8 * H, 18 * H), breaks=(), **extra):
    return {"id": tid, "skills": list(skills), "start": home, "end": home, "shift": list(shift),
            "breaks": [dict(b) for b in breaks], "capacity": None, "max_jobs": None, **extra}


def job(jid, at, skills=("plumbing",), service=1800, windows=(), priority="normal", **extra):
    return {"id": jid, "location": at, "skills": list(skills), "service": service,
            "windows": [list(w) for w in windows], "priority": priority, "demand": 0, "pinned_to": None, **extra}


def instance(technicians, jobs, points, objective="service-then-travel", **extra):
    """``points``: location id -> (x, y) on a plane where travel seconds = distance (matrix model)."""
    ids = list(points)
    durations = [[round(((points[a][0] - points[b][0]) ** 2 + (points[a][1] - points[b][1]) ** 2) ** 0.5)
                  for b in ids] for a in ids]
    return {"format": "dispatch-instance/1", "name": "tiny", "objective": objective,
            "travel": {"model": "matrix", "durations": durations},
            "locations": [{"id": i} for i in ids], "technicians": technicians, "jobs": jobs, **extra}


def solved(raw: dict, seconds: float = 1.0, **kwargs):
    """Solve, insist that the checker accepts the plan, return (plan dict, checker summary)."""
    plan = plan_to_dict(solve(problem_from_dict(raw), seconds, workers=1, **kwargs))
    errors, summary = checker.check(raw, plan)
    assert errors == [], errors
    return plan, summary


def stops_of(plan: dict, tid: str) -> list[str]:
    return [s["job"] for r in plan["routes"] if r["technician"] == tid for s in r["stops"]]


def reason_of(plan: dict, jid: str) -> str | None:
    return next((u["reason"] for u in plan["unassigned"] if u["job"] == jid), None)


def stop(plan: dict, jid: str) -> dict:
    return next(s for r in plan["routes"] for s in r["stops"] if s["job"] == jid)

