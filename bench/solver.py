"""Measure the dispatcher beside its peers; every plan is judged by shared/dispatch/check_plan.py.

    python bench/solver.py --set benchmark --time-limit 10
    python bench/solver.py --set days --time-limit 10          # shared day-300 files + gen_day seeds 1-5
    python bench/solver.py --set big --time-limit 60 --no-peers  # 1,000 jobs / 120 technicians
    (memory: python bench/memory.py -- .venv/bin/python -m app.dispatch solve bench/out/instances/gen-1000-120-s1.json ...)

Prints one table: served, priority weight, travel, response cost (FORMAT.md's objective is weight,
then travel + response), gap to the best known distance, wall seconds, the checker's verdict and
the ratio of travel to each peer's. VROOM (exploration 5, 2 threads) stops by itself; PyVRP gets
the same time limit as ours and runs only where the instance fits it.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.dispatch import load_problem, save_plan, solve, travel_matrix  # noqa: E402
from bench.gen_day import generate  # noqa: E402
from bench.peers import pyvrp_fits, pyvrp_plan, vroom_plan  # noqa: E402

SHARED = ROOT.parent / "shared" / "dispatch"
CHECKER = SHARED / "check_plan.py"
OUT = ROOT / "bench" / "out"
BENCHMARK = ["C101", "C201", "R101", "R201", "RC101", "RC201", "C1_2_1", "R1_2_1", "RC1_2_1"]


def instances(which: str, seeds: list[int]):
    if which == "benchmark":
        for name in BENCHMARK:
            yield name, SHARED / "instances" / f"{name}.json"
    if which == "days":
        for s in (1, 2, 3):
            yield f"day-300-s{s}", SHARED / "days" / f"day-300-s{s}.json"
        for s in seeds:
            yield from _generated(300, 36, s)
    if which == "big":
        yield from _generated(1000, 120, 1)


def _generated(jobs: int, techs: int, seed: int):
    name = f"gen-{jobs}-{techs}-s{seed}"
    path = OUT / "instances" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generate(jobs, techs, seed)))
    yield name, path


def check(instance: Path, plan_path: Path) -> dict:
    done = subprocess.run([sys.executable, str(CHECKER), str(instance), str(plan_path), "--json"],
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def row(name, solver, instance, plan, bks):
    path = OUT / "plans" / f"{name}-{solver}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_plan(plan, path)
    verdict = check(instance, path)
    gap = (verdict["travel_s"] / (bks * 10) - 1) * 100 if bks else None
    return {"instance": name, "solver": solver, "ok": verdict["ok"], "served": verdict["served"],
            "weight": verdict["served_weight"], "travel": verdict["travel_s"], "response": verdict["response_cost_s"],
            "gap": gap, "wall": plan.stats.get("wall_s"), "errors": verdict["errors"][:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["benchmark", "days", "big"], default="benchmark")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    bks = json.loads((SHARED / "instances" / "bks.json").read_text())["bks"]
    rows = []
    header = (f"| instance | solver | check | served | weight | travel s | response s | gap % | wall s "
              f"| travel / VROOM | travel / PyVRP |\n|{'---|' * 11}")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  set={args.set} time_limit={args.time_limit}s "
          f"workers={args.workers}\n\n{header}", flush=True)
    for name, path in instances(args.set, args.seeds):
        problem = load_problem(path)
        matrix = travel_matrix(problem)
        found = {"ours": row(name, "ours", path, solve(problem, args.time_limit, workers=args.workers), bks.get(name))}
        if problem.response_weight and problem.objective == "service-then-travel":
            # like for like with the peers, which ignore response: the same day with no response cost
            # (the response column still prices the plan with the instance's weights)
            blind = replace(problem, response_weight={})
            found["ours, no response cost"] = row(name, "ours-noresp", path, solve(blind, args.time_limit, workers=args.workers),
                                                  bks.get(name))
        if not args.no_peers:
            found["vroom"] = row(name, "vroom", path, vroom_plan(problem, matrix), bks.get(name))
            if pyvrp_fits(problem):
                found["pyvrp"] = row(name, "pyvrp", path, pyvrp_plan(problem, matrix, args.time_limit), bks.get(name))
        for solver, r in found.items():
            ratios = [f"{r['travel'] / found[p]['travel']:.3f}" if p in found else "" for p in ("vroom", "pyvrp")]
            if "vroom" in found and solver != "vroom" and r["weight"] != found["vroom"]["weight"]:
                ratios[0] += f" (weight {r['weight'] - found['vroom']['weight']:+d})"
            gap = f"{r['gap']:.2f}" if r["gap"] is not None else ""
            print(f"| {name} | {solver} | {'OK' if r['ok'] else 'FAIL ' + '; '.join(r['errors'])} | {r['served']} "
                  f"| {r['weight']} | {r['travel']} | {r['response']} | {gap} | {r['wall']} | {ratios[0]} | {ratios[1]} |",
                  flush=True)
            rows.append(r)
    print()
    for solver in ("ours", "ours-noresp", "vroom", "pyvrp"):
        gaps = [r["gap"] for r in rows if r["solver"] == solver and r["gap"] is not None]
        if gaps:
            print(f"mean gap {solver}: {sum(gaps) / len(gaps):.2f} % over {len(gaps)}")
    print(f"all plans pass check_plan.py: {all(r['ok'] for r in rows)}")
    (OUT / f"rows-{args.set}-{int(args.time_limit)}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
