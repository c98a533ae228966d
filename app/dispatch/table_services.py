"""Road travel times from a routing service's matrix API: OSRM's ``/table`` or Valhalla's
``/sources_to_targets``. Either is a ``TravelProvider``; the app configures one (``TRAVEL_SERVICE``)
and falls back to FORMAT.md's great circle when it does not answer, so none is needed to run.

Both services cap the locations of one request (OSRM's ``--max-table-size`` is 100 by default), so
a matrix is asked in blocks of sources x destinations. Standard library only: the solver package
takes no HTTP client dependency for an optional feature.
"""
from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from urllib.parse import parse_qs, urlsplit

import numpy as np

from .problem import Location

UNREACHABLE_S = 10**7  # a pair the service has no route for: far longer than any shift, never chosen


class ServiceError(Exception):
    """The routing service refused the request or answered something unreadable."""


def blocks(n: int, max_locations: int) -> Iterator[tuple[range, range]]:
    """Source and destination ranges covering n x n with at most ``max_locations`` in each request."""
    side = max(1, max_locations // 2)
    for a in range(0, n, side):
        for b in range(0, n, side):
            yield range(a, min(a + side, n)), range(b, min(b + side, n))


def _seconds(value) -> int:  # noqa: ANN001 - a JSON number or null
    return UNREACHABLE_S if value is None else math.ceil(value)


def _json(request: urllib.request.Request, timeout_s: float) -> dict:
    """The answer's JSON; a refusal's too (both services explain it in the body of a 4xx)."""
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - a configured service URL
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
        if not body:
            raise ServiceError(f"HTTP {exc.code}") from exc
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ServiceError(f"not JSON: {exc}") from exc


class _Blocks:
    """A matrix asked block by block; each service says how to ask one block."""

    max_locations: int

    def durations(self, locations: Sequence[Location]) -> np.ndarray:
        n = len(locations)
        matrix = np.zeros((n, n), dtype=np.int64)
        for sources, targets in blocks(n, self.max_locations):
            rows = self._block(locations, sources, targets)
            if not isinstance(rows, list) or len(rows) != len(sources) or any(len(row) != len(targets) for row in rows):
                raise ServiceError(f"{type(self).__name__}: an answer of the wrong size")
            for i, row in zip(sources, rows, strict=True):
                matrix[i, targets.start:targets.stop] = [_seconds(v) for v in row]
        np.fill_diagonal(matrix, 0)
        return matrix

    def _block(self, locations: Sequence[Location], sources: range, targets: range) -> list:
        raise NotImplementedError


class OsrmTable(_Blocks):
    """``GET {base}/table/v1/{profile}/{lon,lat;...}?sources=..&destinations=..&annotations=duration``."""

    def __init__(self, base_url: str, profile: str = "driving", max_locations: int = 100, timeout_s: float = 5.0):
        self.base_url, self.profile = base_url.rstrip("/"), profile
        self.max_locations, self.timeout_s = max_locations, timeout_s

    def _block(self, locations: Sequence[Location], sources: range, targets: range) -> list:
        asked = list(dict.fromkeys([*sources, *targets]))  # a point in both lists is sent once
        at = {i: k for k, i in enumerate(asked)}
        coordinates = ";".join(f"{locations[i].lon:.6f},{locations[i].lat:.6f}" for i in asked)
        query = (f"sources={';'.join(str(at[i]) for i in sources)}"
                 f"&destinations={';'.join(str(at[i]) for i in targets)}&annotations=duration")
        answer = _json(urllib.request.Request(f"{self.base_url}/table/v1/{self.profile}/{coordinates}?{query}"), self.timeout_s)
        if answer.get("code") != "Ok":
            raise ServiceError(f"OSRM: {answer.get('code')}: {answer.get('message', '')}")
        return answer.get("durations")


class ValhallaMatrix(_Blocks):
    """``POST {base}/sources_to_targets`` with ``{"sources", "targets", "costing"}``; times in seconds."""

    def __init__(self, base_url: str, costing: str = "auto", max_locations: int = 100, timeout_s: float = 5.0):
        self.base_url, self.costing = base_url.rstrip("/"), costing
        self.max_locations, self.timeout_s = max_locations, timeout_s

    def _block(self, locations: Sequence[Location], sources: range, targets: range) -> list:
        body = {"sources": [{"lat": locations[i].lat, "lon": locations[i].lon} for i in sources],
                "targets": [{"lat": locations[i].lat, "lon": locations[i].lon} for i in targets],
                "costing": self.costing}
        request = urllib.request.Request(f"{self.base_url}/sources_to_targets", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        answer = _json(request, self.timeout_s)
        if "sources_to_targets" not in answer:
            raise ServiceError(f"Valhalla: {answer.get('error') or 'no sources_to_targets in the answer'}")
        return [[cell.get("time") for cell in row] for row in answer["sources_to_targets"]]


def from_url(url: str, timeout_s: float = 5.0):  # noqa: ANN201 - a TravelProvider
    """``osrm+http://router:5000?profile=driving`` or ``valhalla+https://host?costing=auto``
    (``max_locations=`` for a server configured with another cap)."""
    parts = urlsplit(url)
    kind, _, scheme = parts.scheme.partition("+")
    if kind not in ("osrm", "valhalla") or scheme not in ("http", "https"):
        raise ValueError(f"travel service {url!r}: expected osrm+http(s)://… or valhalla+http(s)://…")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    base = f"{scheme}://{parts.netloc}{parts.path}"
    limit = int(options.get("max_locations", 100))
    if kind == "osrm":
        return OsrmTable(base, options.get("profile", "driving"), limit, timeout_s)
    return ValhallaMatrix(base, options.get("costing", "auto"), limit, timeout_s)
