"""Optimisations running in the background, one per request to optimise, kept until applied or dropped.

In-process on purpose: the embedded SQLite set-up has no job broker (SAQ needs PostgreSQL). The
solver itself runs in a worker thread and child processes, so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

KEEP_S = 30 * 60


@dataclass
class SolveJob:
    id: str
    day: str
    base_version: int
    time_limit_s: float
    started: float = field(default_factory=time.monotonic)
    result: Any = None
    error: str | None = None
    task: asyncio.Task | None = None
    best: dict | None = None  # the best plan so far, as the solver reports it while it searches
    best_at_s: float = 0.0

    def report(self, summary: dict) -> None:
        """Called from the solver's thread: one assignment, read whole by the next status request."""
        self.best, self.best_at_s = summary, self.elapsed_s

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    @property
    def elapsed_s(self) -> float:
        return round(time.monotonic() - self.started, 1)

    @property
    def percent(self) -> int:
        return 100 if self.done else min(99, int(100 * self.elapsed_s / max(self.time_limit_s, 0.1)))


class SolveJobs:
    def __init__(self) -> None:
        self._jobs: dict[str, SolveJob] = {}

    def start(self, day: str, base_version: int, time_limit_s: float, work: Callable[[SolveJob], Awaitable[Any]]) -> SolveJob:
        self._forget_old()
        job = SolveJob(secrets.token_urlsafe(8), day, base_version, time_limit_s)

        async def run() -> None:
            try:
                job.result = await work(job)
            except Exception as exc:  # noqa: BLE001 - shown to the dispatcher instead of lost in a task
                job.error = f"{type(exc).__name__}: {exc}"

        job.task = asyncio.get_running_loop().create_task(run())
        self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> SolveJob | None:
        return self._jobs.get(job_id)

    def drop(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [j.id for j in self._jobs.values() if j.done and now - j.started > KEEP_S]:
            self._jobs.pop(job_id, None)
