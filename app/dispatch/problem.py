"""The dispatch problem and its plan as plain dataclasses (format 1, see FORMAT.md).

Times are integer seconds from local midnight; durations are integer seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PRIORITY_WEIGHT = {"emergency": 1000, "urgent": 100, "normal": 10, "planned": 1}
DEFAULT_RESPONSE_WEIGHT = {"emergency": 10, "urgent": 1}
OBJECTIVES = ("service-then-travel", "travel")


@dataclass(frozen=True)
class Location:
    id: str
    lat: float | None = None
    lon: float | None = None
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True)
class Shift:
    start: int
    end: int


@dataclass(frozen=True)
class Break:
    earliest: int
    latest: int
    duration: int


@dataclass(frozen=True)
class Technician:
    id: str
    skills: frozenset[str]
    start: str
    end: str
    shift: Shift
    breaks: tuple[Break, ...] = ()
    capacity: int | None = None
    max_jobs: int | None = None


@dataclass(frozen=True)
class Job:
    id: str
    location: str
    service: int
    skills: frozenset[str] = frozenset()
    windows: tuple[tuple[int, int], ...] = ()
    priority: str = "normal"
    demand: int = 0
    pinned_to: str | None = None
    fixed_start: int | None = None

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT[self.priority]

    def windows_within(self, shift: Shift) -> tuple[tuple[int, int], ...]:
        """The start windows as the checker reads them: no windows means the whole shift."""
        return self.windows or ((shift.start, shift.end),)


@dataclass(frozen=True)
class Travel:
    model: str = "great_circle"
    speed_kmh: float = 25.0
    detour_factor: float = 1.3
    scale: float = 1.0
    durations: tuple[tuple[int, ...], ...] | None = None


@dataclass
class Problem:
    name: str
    locations: list[Location]
    technicians: list[Technician]
    jobs: list[Job]
    travel: Travel = field(default_factory=Travel)
    objective: str = "service-then-travel"
    response_weight: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RESPONSE_WEIGHT))

    def location_index(self) -> dict[str, int]:
        return {loc.id: i for i, loc in enumerate(self.locations)}

    def job(self, job_id: str) -> Job:
        return next(j for j in self.jobs if j.id == job_id)

    def technician(self, tech_id: str) -> Technician:
        return next(t for t in self.technicians if t.id == tech_id)

    def response_cost_per_s(self, job: Job) -> int:
        """Travel-seconds charged per second between a job's window opening and its start."""
        if self.objective != "service-then-travel" or not job.windows:
            return 0
        return int(self.response_weight.get(job.priority, 0))


@dataclass(frozen=True)
class Stop:
    job: str
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class BreakSlot:
    start: int
    end: int


@dataclass
class Route:
    technician: str
    stops: list[Stop] = field(default_factory=list)
    breaks: list[BreakSlot] = field(default_factory=list)
    return_: int | None = None
    # rules a hand-made order breaks (see solver.retime_route); a solved route has none
    violations: list[str] = field(default_factory=list)

    @property
    def job_ids(self) -> list[str]:
        return [s.job for s in self.stops]


@dataclass(frozen=True)
class Unassigned:
    job: str
    reason: str


@dataclass
class Plan:
    instance: str
    routes: list[Route] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def served(self) -> set[str]:
        return {s.job for r in self.routes for s in r.stops}
