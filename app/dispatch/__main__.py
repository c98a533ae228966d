"""python -m app.dispatch solve INSTANCE --time-limit S --out PLAN   (see FORMAT.md)"""
from __future__ import annotations

import argparse
import json
import sys

from .fileio import FormatError, load_plan, load_problem, save_plan


def _solve(args) -> int:
    from .engine import solve

    problem = load_problem(args.instance)
    plan = solve(problem, args.time_limit, workers=args.workers)
    save_plan(plan, args.out)
    s = plan.stats
    print(f"served {s['served']}/{len(problem.jobs)} unassigned {s['unassigned']} weight {s['served_weight']} "
          f"travel {s['travel_s']}s wall {s['wall_s']}s -> {args.out}")
    return 0


def _offer(args) -> int:
    from .slots import offer, offer_to_dict

    problem = load_problem(args.instance)
    plan = load_plan(args.plan, problem)
    if args.job not in {j.id for j in problem.jobs}:
        raise FormatError(f"--job: {args.job!r} is not a job of the instance")
    if args.job in plan.served():
        raise FormatError(f"--job: {args.job!r} is already served by the plan")
    print(json.dumps(offer_to_dict(offer(problem, plan, args.job)), indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.dispatch", description="Plan technicians' days (FORMAT.md).")
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="plan a day and write the plan")
    solve.add_argument("instance")
    solve.add_argument("--time-limit", type=float, default=10.0, help="wall seconds (default 10)")
    solve.add_argument("--out", required=True)
    solve.add_argument("--workers", type=int, default=2, help="parallel searches (default 2)")
    solve.set_defaults(run=_solve)
    offer = commands.add_parser("offer", help="appointment windows a new job can still get")
    offer.add_argument("instance")
    offer.add_argument("plan")
    offer.add_argument("--job", required=True)
    offer.set_defaults(run=_offer)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except FormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
