"""Read and write format 1 (dispatch-instance/1, dispatch-plan/1; see FORMAT.md).

Every check names the offending field, e.g. ``jobs[17].windows[0]: close 30000 is before open
36000``, so a dispatcher or an importing script can mend the file without reading a traceback.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .problem import (
    OBJECTIVES,
    PRIORITY_WEIGHT,
    Break,
    BreakSlot,
    Job,
    Location,
    Plan,
    Problem,
    Route,
    Shift,
    Stop,
    Technician,
    Travel,
    Unassigned,
)

INSTANCE_FORMAT = "dispatch-instance/1"
PLAN_FORMAT = "dispatch-plan/1"
TRAVEL_MODELS = ("great_circle", "geodesic", "euclidean", "matrix")


class FormatError(ValueError):
    """A malformed file; str() is ``field: what is wrong``."""


def _fail(where: str, what: str):
    raise FormatError(f"{where}: {what}")


def _obj(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        _fail(where, f"expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        _fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        _fail(where, f"expected a non-empty string, got {value!r}")
    return value


def _num(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(where, f"expected a number, got {value!r}")
    return float(value)


def _int(value: Any, where: str, minimum: int | None = None) -> int:
    number = _num(value, where)
    if not number.is_integer():
        _fail(where, f"expected whole seconds, got {value!r}")
    if minimum is not None and number < minimum:
        _fail(where, f"{int(number)} is below {minimum}")
    return int(number)


def _opt_int(value: Any, where: str) -> int | None:
    return None if value is None else _int(value, where, 0)


def _skills(value: Any, where: str) -> frozenset[str]:
    return frozenset(_str(s, f"{where}[{i}]") for i, s in enumerate(_list(value or [], where)))


def _interval(value: Any, where: str, names=("open", "close")) -> tuple[int, int]:
    pair = _list(value, where)
    if len(pair) != 2:
        _fail(where, f"expected [{names[0]}, {names[1]}], got {len(pair)} numbers")
    lo, hi = _int(pair[0], f"{where}[0]"), _int(pair[1], f"{where}[1]")
    if hi < lo:
        _fail(where, f"{names[1]} {hi} is before {names[0]} {lo}")
    return lo, hi


def _travel(raw: Any, n_locations: int) -> Travel:
    raw = _obj(raw if raw is not None else {}, "travel")
    model = raw.get("model", "great_circle")
    if model not in TRAVEL_MODELS:
        _fail("travel.model", f"unknown model {model!r} (one of {', '.join(TRAVEL_MODELS)})")
    speed = _num(raw.get("speed_kmh", 25), "travel.speed_kmh")
    if speed <= 0:
        _fail("travel.speed_kmh", f"{speed} is not a positive speed")
    detour = _num(raw.get("detour_factor", 1.3), "travel.detour_factor")
    if detour <= 0:
        _fail("travel.detour_factor", f"{detour} is not positive")
    scale = _num(raw.get("scale", 1), "travel.scale")
    durations = None
    if model == "matrix":
        rows = _list(raw.get("durations"), "travel.durations")
        if len(rows) != n_locations:
            _fail("travel.durations", f"{len(rows)} rows for {n_locations} locations")
        durations = []
        for r, row in enumerate(rows):
            row = _list(row, f"travel.durations[{r}]")
            if len(row) != n_locations:
                _fail(f"travel.durations[{r}]", f"{len(row)} columns for {n_locations} locations")
            durations.append(tuple(_int(v, f"travel.durations[{r}][{c}]", 0) for c, v in enumerate(row)))
        durations = tuple(durations)
    return Travel(model, speed, detour, scale, durations)


def _location(raw: Any, where: str, model: str) -> Location:
    raw = _obj(raw, where)
    loc_id = _str(raw.get("id"), f"{where}.id")
    if model in ("great_circle", "geodesic"):
        lat, lon = _num(raw.get("lat"), f"{where}.lat"), _num(raw.get("lon"), f"{where}.lon")
        if not -90 <= lat <= 90:
            _fail(f"{where}.lat", f"{lat} is not a latitude")
        if not -180 <= lon <= 180:
            _fail(f"{where}.lon", f"{lon} is not a longitude")
        return Location(loc_id, lat=lat, lon=lon)
    if model == "euclidean":
        return Location(loc_id, x=_num(raw.get("x"), f"{where}.x"), y=_num(raw.get("y"), f"{where}.y"))
    return Location(loc_id)


def _technician(raw: Any, where: str, places: set[str]) -> Technician:
    raw = _obj(raw, where)
    for key in ("start", "end"):
        if raw.get(key) not in places:
            _fail(f"{where}.{key}", f"unknown location {raw.get(key)!r}")
    shift = Shift(*_interval(raw.get("shift"), f"{where}.shift", ("start", "end")))
    breaks = []
    for b, rb in enumerate(_list(raw.get("breaks") or [], f"{where}.breaks")):
        bw = f"{where}.breaks[{b}]"
        rb = _obj(rb, bw)
        earliest, latest = _int(rb.get("earliest"), f"{bw}.earliest"), _int(rb.get("latest"), f"{bw}.latest")
        if latest < earliest:
            _fail(f"{bw}.latest", f"{latest} is before earliest {earliest}")
        duration = _int(rb.get("duration"), f"{bw}.duration", 0)
        if max(earliest, shift.start) > min(latest, shift.end - duration):
            _fail(bw, f"a {duration}s break starting {earliest}-{latest} does not fit the shift {shift.start}-{shift.end}")
        breaks.append(Break(earliest, latest, duration))
    return Technician(
        id=_str(raw.get("id"), f"{where}.id"),
        skills=_skills(raw.get("skills"), f"{where}.skills"),
        start=raw["start"],
        end=raw["end"],
        shift=shift,
        breaks=tuple(sorted(breaks, key=lambda b: b.earliest)),
        capacity=_opt_int(raw.get("capacity"), f"{where}.capacity"),
        max_jobs=_opt_int(raw.get("max_jobs"), f"{where}.max_jobs"),
    )


def _job(raw: Any, where: str, places: set[str], techs: set[str]) -> Job:
    raw = _obj(raw, where)
    if raw.get("location") not in places:
        _fail(f"{where}.location", f"unknown location {raw.get('location')!r}")
    priority = raw.get("priority", "normal")
    if priority not in PRIORITY_WEIGHT:
        _fail(f"{where}.priority", f"unknown priority {priority!r} (one of {', '.join(PRIORITY_WEIGHT)})")
    pinned = raw.get("pinned_to")
    if pinned is not None and pinned not in techs:
        _fail(f"{where}.pinned_to", f"unknown technician {pinned!r}")
    windows = tuple(
        _interval(w, f"{where}.windows[{k}]") for k, w in enumerate(_list(raw.get("windows") or [], f"{where}.windows"))
    )
    fixed = raw.get("fixed_start")
    return Job(
        id=_str(raw.get("id"), f"{where}.id"),
        location=raw["location"],
        service=_int(raw.get("service", 0), f"{where}.service", 0),
        skills=_skills(raw.get("skills"), f"{where}.skills"),
        windows=tuple(sorted(windows)),
        priority=priority,
        demand=_int(raw.get("demand", 0), f"{where}.demand", 0),
        pinned_to=pinned,
        fixed_start=None if fixed is None else _int(fixed, f"{where}.fixed_start"),
    )


def _unique(items, where: str) -> None:
    seen = set()
    for i, item in enumerate(items):
        if item.id in seen:
            _fail(f"{where}[{i}].id", f"duplicate id {item.id!r}")
        seen.add(item.id)


def problem_from_dict(raw: Any) -> Problem:
    raw = _obj(raw, "instance")
    if raw.get("format") != INSTANCE_FORMAT:
        _fail("format", f"expected {INSTANCE_FORMAT!r}, got {raw.get('format')!r}")
    raw_locations = _list(raw.get("locations"), "locations")
    travel = _travel(raw.get("travel"), len(raw_locations))
    locations = [_location(loc, f"locations[{i}]", travel.model) for i, loc in enumerate(raw_locations)]
    _unique(locations, "locations")
    places = {loc.id for loc in locations}
    techs = [_technician(t, f"technicians[{i}]", places) for i, t in enumerate(_list(raw.get("technicians"), "technicians"))]
    _unique(techs, "technicians")
    tech_ids = {t.id for t in techs}
    jobs = [_job(j, f"jobs[{i}]", places, tech_ids) for i, j in enumerate(_list(raw.get("jobs"), "jobs"))]
    _unique(jobs, "jobs")
    objective = raw.get("objective", "service-then-travel")
    if objective not in OBJECTIVES:
        _fail("objective", f"unknown objective {objective!r} (one of {', '.join(OBJECTIVES)})")
    response = _obj(raw.get("response_weight") or {}, "response_weight")
    for key, value in response.items():
        if key not in PRIORITY_WEIGHT:
            _fail(f"response_weight.{key}", "not a priority")
        _int(value, f"response_weight.{key}", 0)
    problem = Problem(
        name=str(raw.get("name", "")),
        locations=locations,
        technicians=techs,
        jobs=jobs,
        travel=travel,
        objective=objective,
    )
    problem.response_weight.update({k: int(v) for k, v in response.items()})
    return problem


def plan_from_dict(raw: Any, problem: Problem | None = None) -> Plan:
    raw = _obj(raw, "plan")
    if raw.get("format") != PLAN_FORMAT:
        _fail("format", f"expected {PLAN_FORMAT!r}, got {raw.get('format')!r}")
    known_jobs = {j.id for j in problem.jobs} if problem else None
    known_techs = {t.id for t in problem.technicians} if problem else None
    routes = []
    for r, rr in enumerate(_list(raw.get("routes") or [], "routes")):
        where = f"routes[{r}]"
        rr = _obj(rr, where)
        tech = _str(rr.get("technician"), f"{where}.technician")
        if known_techs is not None and tech not in known_techs:
            _fail(f"{where}.technician", f"unknown technician {tech!r}")
        stops = []
        for s, rs in enumerate(_list(rr.get("stops") or [], f"{where}.stops")):
            sw = f"{where}.stops[{s}]"
            rs = _obj(rs, sw)
            job = _str(rs.get("job"), f"{sw}.job")
            if known_jobs is not None and job not in known_jobs:
                _fail(f"{sw}.job", f"unknown job {job!r}")
            stops.append(Stop(job, *(_int(rs.get(k), f"{sw}.{k}") for k in ("arrival", "start", "end"))))
        breaks = [
            BreakSlot(*_interval([_obj(b, f"{where}.breaks[{k}]").get("start"), b.get("end")], f"{where}.breaks[{k}]", ("start", "end")))
            for k, b in enumerate(_list(rr.get("breaks") or [], f"{where}.breaks"))
        ]
        back = rr.get("return")
        routes.append(Route(tech, stops, breaks, None if back is None else _int(back, f"{where}.return")))
    unassigned = []
    for u, ru in enumerate(_list(raw.get("unassigned") or [], "unassigned")):
        ru = _obj(ru, f"unassigned[{u}]")
        unassigned.append(Unassigned(_str(ru.get("job"), f"unassigned[{u}].job"), str(ru.get("reason", ""))))
    return Plan(str(raw.get("instance", "")), routes, unassigned, dict(raw.get("stats") or {}))


def route_to_dict(route: Route) -> dict:
    return {
        "technician": route.technician,
        "stops": [{"job": s.job, "arrival": s.arrival, "start": s.start, "end": s.end} for s in route.stops],
        "breaks": [{"start": b.start, "end": b.end} for b in route.breaks],
        "return": route.return_,
    }


def plan_to_dict(plan: Plan) -> dict:
    return {
        "format": PLAN_FORMAT,
        "instance": plan.instance,
        "routes": [route_to_dict(r) for r in plan.routes],
        "unassigned": [{"job": u.job, "reason": u.reason} for u in plan.unassigned],
        "stats": plan.stats,
    }


def _read_json(path: str | Path, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: not JSON ({exc})") from None


def load_problem(path: str | Path) -> Problem:
    return problem_from_dict(_read_json(path, "instance"))


def load_plan(path: str | Path, problem: Problem | None = None) -> Plan:
    return plan_from_dict(_read_json(path, "plan"), problem)


def save_plan(plan: Plan, path: str | Path) -> None:
    Path(path).write_text(json.dumps(plan_to_dict(plan), indent=1) + "\n", encoding="utf-8")
