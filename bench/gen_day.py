"""Generate a realistic repair day (dispatch-instance/1) for one Beijing district.

    python bench/gen_day.py --jobs 300 --technicians 36 --seed 1 > day.json

Estates cluster around a district centre; jobs come from units of those estates (a few from their
public areas), in 8 trades at the shares a property-management desk sees; technicians work day or
late shifts with a lunch (or supper) break; residents book 2-hour windows, evenings included;
emergencies and urgent jobs must be attended soon after they are reported.
"""
from __future__ import annotations

import argparse
import json
import random

CENTRE = (39.95, 116.39)
KM_LAT, KM_LON = 1 / 111.0, 1 / 85.3  # degrees per km at 40°N
TRADES = {  # share of jobs, mean service minutes
    "plumbing": (0.24, 45), "electrical": (0.23, 40), "locks_doors_windows": (0.13, 35), "hvac": (0.12, 60),
    "appliances": (0.08, 50), "civil_waterproofing": (0.08, 80), "gas": (0.07, 40), "low_voltage": (0.05, 35),
}
SLOTS = [(28800, 36000, 4), (36000, 43200, 4), (46800, 54000, 4), (54000, 61200, 3), (61200, 68400, 3), (68400, 75600, 2)]
DAY_SHIFT = ([28800, 64800], {"earliest": 41400, "latest": 48600, "duration": 3600})
LATE_SHIFT = ([39600, 75600], {"earliest": 59400, "latest": 64800, "duration": 1800})


def _near(rng: random.Random, centre, km: float):
    return round(centre[0] + rng.gauss(0, km) * KM_LAT, 6), round(centre[1] + rng.gauss(0, km) * KM_LON, 6)


def _trade(rng: random.Random) -> str:
    return rng.choices(list(TRADES), weights=[s for s, _ in TRADES.values()])[0]


def _window(rng: random.Random, priority: str, public: bool):
    if priority in ("emergency", "urgent"):
        reported = rng.randrange(28800, 61200, 900)
        return [[reported, reported + (3600 if priority == "emergency" else 4 * 3600)]]
    if public or rng.random() < 0.25:
        return []
    open_, close, _ = rng.choices(SLOTS, weights=[w for *_, w in SLOTS])[0]
    return [[open_, close]]


def generate(jobs: int = 300, technicians: int = 36, seed: int = 1) -> dict:
    rng = random.Random(seed)
    estates = [_near(rng, CENTRE, 3.5) for _ in range(max(8, jobs // 8))]
    locations = [{"id": "office", "lat": CENTRE[0], "lon": CENTRE[1]}]
    techs = []
    for t in range(technicians):
        home = _near(rng, CENTRE, 6.0)
        locations.append({"id": f"home{t:03d}", "lat": home[0], "lon": home[1]})
        skills = {_trade(rng)}
        while rng.random() < 0.45 and len(skills) < 3:
            skills.add(_trade(rng))
        shift, lunch = LATE_SHIFT if rng.random() < 0.25 else DAY_SHIFT
        techs.append({"id": f"T{t + 1:03d}", "skills": sorted(skills), "start": f"home{t:03d}", "end": f"home{t:03d}",
                      "shift": shift, "breaks": [lunch], "capacity": None, "max_jobs": None})
    for trade in TRADES:  # a trade nobody holds would only measure the generator
        if not any(trade in t["skills"] for t in techs):
            rng.choice(techs)["skills"].append(trade)
    job_list, known = [], set()
    for k in range(jobs):
        public = rng.random() < 0.08
        estate = rng.choice(estates)
        where = estate if public else _near(rng, estate, 0.15)
        loc_id = f"e{estates.index(estate):03d}" if public else f"u{k:04d}"
        if loc_id not in known:
            known.add(loc_id)
            locations.append({"id": loc_id, "lat": where[0], "lon": where[1]})
        priority = rng.choices(["emergency", "urgent", "normal", "planned"], weights=[2.5, 8, 74.5, 15])[0]
        if public:
            priority = rng.choice(["normal", "planned"])
        trade = _trade(rng)
        minutes = max(15, rng.lognormvariate(0, 0.35) * TRADES[trade][1] * (1.8 if public else 1))
        job_list.append({"id": f"J{k + 1:04d}", "location": loc_id, "skills": [trade], "service": int(minutes // 5) * 300,
                         "windows": _window(rng, priority, public), "priority": priority, "demand": 0, "pinned_to": None})
    return {"format": "dispatch-instance/1", "name": f"gen-{jobs}j-{technicians}t-s{seed}",
            "travel": {"model": "great_circle", "speed_kmh": 25, "detour_factor": 1.3},
            "objective": "service-then-travel", "locations": locations, "technicians": techs, "jobs": job_list}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--technicians", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(generate(args.jobs, args.technicians, args.seed)))


if __name__ == "__main__":
    main()
