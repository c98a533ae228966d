"""The app's travel times: a routing service's road times when one is configured (``TRAVEL_SERVICE``,
see `app.dispatch.table_services.from_url`), else FORMAT.md's great circle.

A company has few places (its buildings, estates and the technicians' homes), so the service is asked
once when a new place appears and its answers are kept; every problem the app builds (plans, moves,
offers, ETAs) reads the same figures. A service that fails is left alone for a minute, with the
great circle meanwhile: the board never waits on it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import numpy as np

from app import dispatch
from app.dispatch.table_services import ServiceError, from_url

log = logging.getLogger(__name__)
RETRY_AFTER_S = 60.0


class RoadTimes:
    def __init__(self, provider: dispatch.TravelProvider, retry_after_s: float = RETRY_AFTER_S):
        self.provider = provider
        self.retry_after_s = retry_after_s
        self.points: dict[tuple[float, float], int] = {}
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self.down_until = 0.0
        self.lock = threading.Lock()  # problems are built on the event loop and in worker threads

    def travel(self, locations: Sequence[dispatch.Location]) -> dispatch.Travel | None:
        """The service's times between ``locations`` as a FORMAT.md matrix; None when it cannot say."""
        keys = [(round(loc.lat, 6), round(loc.lon, 6)) for loc in locations]
        with self.lock:
            new = [k for k in dict.fromkeys(keys) if k not in self.points]
            if new and not self._learn(new):
                return None
            at = np.fromiter((self.points[k] for k in keys), dtype=np.int64, count=len(keys))
            return dispatch.Travel(model="matrix", durations=self.matrix[np.ix_(at, at)])

    def _learn(self, new: list[tuple[float, float]]) -> bool:
        if time.monotonic() < self.down_until:
            return False
        points = [*self.points, *new]
        try:
            matrix = np.asarray(self.provider.durations([dispatch.Location(f"P{i}", lat, lon) for i, (lat, lon) in enumerate(points)]),
                                dtype=np.int64)
        except (ServiceError, OSError, ValueError) as exc:  # OSError: refused, unreachable, timed out
            log.warning("travel service failed (%s); great-circle times for %.0f s", exc, self.retry_after_s)
            self.down_until = time.monotonic() + self.retry_after_s
            return False
        self.points = {p: i for i, p in enumerate(points)}
        self.matrix = matrix
        return True


_road_times: RoadTimes | None = None


def configure(url: str) -> None:
    """At app start: the service named by the settings, or none (great circle)."""
    global _road_times
    _road_times = RoadTimes(from_url(url)) if url else None


def travel_for(locations: Sequence[dispatch.Location]) -> dispatch.Travel:
    found = _road_times.travel(locations) if _road_times is not None else None
    return found or dispatch.Travel()
