"""Travel seconds between locations, as one integer matrix in the order of ``problem.locations``.

The built-in models reproduce FORMAT.md (and so check_plan.py) to the second. A routing service
(OSRM, Valhalla) plugs in through ``TravelProvider``; the solver, slot offers and ETAs all read the
same matrix, so they agree.
"""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from .problem import Location, Problem, Travel

EARTH_RADIUS_KM = 6371.009  # geopy's great_circle sphere
_EPS = 1e-9  # the checker's rounding slack, so a figure on an exact boundary rounds the same way


class TravelProvider(Protocol):
    """Anything that turns locations into a square matrix of integer travel seconds."""

    def durations(self, locations: Sequence[Location]) -> np.ndarray: ...


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All-pairs distances with geopy's great_circle formula (atan2 form, stable for tiny and
    antipodal arcs). The longitude difference is expanded into outer products of per-point sines
    and cosines: n² multiplications instead of n² trigonometric calls."""
    la, lo = np.radians(lat), np.radians(lon)
    sin_la, cos_la, sin_lo, cos_lo = np.sin(la), np.cos(la), np.sin(lo), np.cos(lo)
    cos_d = np.outer(cos_lo, cos_lo) + np.outer(sin_lo, sin_lo)  # cos(lon_b - lon_a)
    sin_d = np.outer(cos_lo, sin_lo) - np.outer(sin_lo, cos_lo)  # sin(lon_b - lon_a)
    y = np.hypot(cos_la[None, :] * sin_d, np.outer(cos_la, sin_la) - np.outer(sin_la, cos_la) * cos_d)
    x = np.outer(sin_la, sin_la) + np.outer(cos_la, cos_la) * cos_d
    return EARTH_RADIUS_KM * np.arctan2(y, x)


def _seconds_from_km(km: np.ndarray, travel: Travel) -> np.ndarray:
    seconds = np.ceil(km * travel.detour_factor / travel.speed_kmh * 3600 - _EPS).astype(np.int64)
    np.fill_diagonal(seconds, 0)
    return seconds


class GreatCircle:
    def __init__(self, travel: Travel):
        self.travel = travel

    def durations(self, locations: Sequence[Location]) -> np.ndarray:
        lat = np.array([loc.lat for loc in locations], dtype=float)
        lon = np.array([loc.lon for loc in locations], dtype=float)
        return _seconds_from_km(great_circle_km(lat, lon), self.travel)


class Geodesic:
    """WGS-84 geodesic through geopy, pair by pair: slow, meant for checks on small days."""

    def __init__(self, travel: Travel):
        self.travel = travel

    def durations(self, locations: Sequence[Location]) -> np.ndarray:
        from geopy.distance import geodesic

        n = len(locations)
        km = np.zeros((n, n))
        for a in range(n):
            for b in range(a + 1, n):
                pa, pb = locations[a], locations[b]
                km[a, b] = km[b, a] = geodesic((pa.lat, pa.lon), (pb.lat, pb.lon)).km
        return _seconds_from_km(km, self.travel)


class Euclidean:
    def __init__(self, travel: Travel):
        self.travel = travel

    def durations(self, locations: Sequence[Location]) -> np.ndarray:
        x = np.array([loc.x for loc in locations], dtype=float)
        y = np.array([loc.y for loc in locations], dtype=float)
        dist = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
        return np.floor(dist * self.travel.scale + _EPS).astype(np.int64)


class Fixed:
    def __init__(self, travel: Travel):
        self.travel = travel

    def durations(self, locations: Sequence[Location]) -> np.ndarray:
        return np.array(self.travel.durations, dtype=np.int64).reshape(len(locations), len(locations))


MODELS = {"great_circle": GreatCircle, "geodesic": Geodesic, "euclidean": Euclidean, "matrix": Fixed}


def travel_matrix(problem: Problem, provider: TravelProvider | None = None) -> np.ndarray:
    """Integer travel seconds, ``[from][to]`` in the order of ``problem.locations``."""
    provider = provider or MODELS[problem.travel.model](problem.travel)
    matrix = np.asarray(provider.durations(problem.locations), dtype=np.int64)
    n = len(problem.locations)
    if matrix.shape != (n, n):
        raise ValueError(f"travel provider returned a {matrix.shape} matrix for {n} locations")
    return matrix


