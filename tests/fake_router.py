"""A local stand-in for an OSRM or Valhalla server (none is reachable from here): the two matrix
APIs as they are specified, answering road times from a formula the tests can recompute."""

from __future__ import annotations

import json
import math
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

NO_ROUTE_LAT = 1.0  # no road reaches a point on this latitude (the services answer null)


def road_seconds(a: tuple[float, float], b: tuple[float, float]) -> float | None:
    """(lat, lon) to (lat, lon): an imaginary city of right-angled streets, 0.4 s short of a whole second."""
    if a == b:
        return 0.0
    if NO_ROUTE_LAT in (a[0], b[0]):
        return None
    return (abs(a[0] - b[0]) + abs(a[1] - b[1])) * 100_000 + 0.6


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
        pass

    def _answer(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        segments = parts.path.strip("/").split("/")
        if segments[:2] != ["table", "v1"] or len(segments) != 4:
            return self._answer({"code": "InvalidUrl"}, 400)
        points = [tuple(float(v) for v in pair.split(","))[::-1] for pair in segments[3].split(";")]  # lon,lat -> (lat, lon)
        self.server.asked.append(len(points))
        if len(points) > self.server.max_locations:
            return self._answer({"code": "TooBig", "message": "Too many table coordinates"}, 400)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        sources = [int(i) for i in query["sources"].split(";")]
        targets = [int(i) for i in query["destinations"].split(";")]
        return self._answer({"code": "Ok", "durations": [[road_seconds(points[s], points[t]) for t in targets] for s in sources]})

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/sources_to_targets":
            return self._answer({"error": "not found"}, 404)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        sources = [(p["lat"], p["lon"]) for p in body["sources"]]
        targets = [(p["lat"], p["lon"]) for p in body["targets"]]
        self.server.asked.append(len(sources) + len(targets))
        return self._answer({"sources_to_targets": [[{"time": road_seconds(s, t), "distance": 0} for t in targets] for s in sources]})


@contextmanager
def fake_router(max_locations: int = 100):
    """A server on a free port; yields it (``.url``, ``.asked``: locations per request)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.asked, server.max_locations = [], max_locations
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def expected_seconds(a: tuple[float, float], b: tuple[float, float], unreachable: int) -> int:
    found = road_seconds(a, b)
    return unreachable if found is None else math.ceil(found)
