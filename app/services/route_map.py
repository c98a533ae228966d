"""The day's routes as a server-rendered SVG: no tile server is needed, or reachable, to see them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.services.board import Board

WIDTH, HEIGHT, MARGIN = 640, 420, 18
# Distinct, print-safe hues; technicians beyond the list reuse them with a dash pattern.
PALETTE = ("#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#283593", "#558b2f")


@dataclass
class MapRoute:
    name: str
    color: str
    dashed: bool
    points: str  # "x,y x,y ..." from home through the stops and back
    stops: list[tuple[float, float, str, str]]  # x, y, ticket number, urgency
    home: tuple[float, float]


@dataclass
class RouteMap:
    width: int
    height: int
    routes: list[MapRoute]
    queue: list[tuple[float, float, str, str]]

    def markup(self) -> Markup:
        """The routes and queued jobs as SVG elements: one string for the hundreds of stops of a full
        day, built here because a template expression per attribute made the board slow."""
        parts = []
        for r in self.routes:
            dash = ' stroke-dasharray="6 3"' if r.dashed else ""
            name = escape(r.name)
            parts.append(f'<g class="map-route" data-name="{name}">'
                         f'<polyline points="{r.points}" fill="none" stroke="{r.color}" stroke-width="2"{dash} opacity=".8"/>'
                         f'<rect x="{r.home[0] - 4}" y="{r.home[1] - 4}" width="8" height="8" fill="{r.color}"><title>{name}</title></rect>')
            for x, y, number, urgency in r.stops:
                emergency = urgency == "emergency"
                parts.append(f'<circle cx="{x}" cy="{y}" r="{6 if emergency else 4}" fill="{"#d32f2f" if emergency else r.color}" '
                             f'stroke="#fff"><title>{escape(number)} · {name}</title></circle>')
            parts.append("</g>")
        parts += [f'<circle cx="{x}" cy="{y}" r="4" fill="#fff" stroke="#616e7c" stroke-width="1.5"><title>{escape(number)}</title></circle>'
                  for x, y, number, _urgency in self.queue]
        return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above


def draw(board: Board) -> RouteMap:
    places = []
    for row in board.rows:
        places.append((row.technician.home_lat, row.technician.home_lon))
        places += [_position(block.ticket) for block in row.blocks]
    places += [_position(item.ticket) for item in board.queue]
    if not places:
        return RouteMap(WIDTH, HEIGHT, [], [])
    lats = [p[0] for p in places]
    lons = [p[1] for p in places]
    # Equirectangular around the middle latitude: over a district, distortion is far below a pixel.
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    west, north = min(lons), max(lats)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (round(MARGIN + (lon - west) * squeeze * scale, 1), round(MARGIN + (north - lat) * scale, 1))

    routes = []
    for index, row in enumerate(r for r in board.rows if r.blocks):
        home = xy(row.technician.home_lat, row.technician.home_lon)
        stops = [(*xy(*_position(b.ticket)), b.ticket.number, b.ticket.urgency.value) for b in row.blocks]
        path = [home, *[(x, y) for x, y, _n, _u in stops], home]
        routes.append(MapRoute(row.technician.user.name, PALETTE[index % len(PALETTE)], index >= len(PALETTE),
                               " ".join(f"{x},{y}" for x, y in path), stops, home))
    queue = [(*xy(*_position(item.ticket)), item.ticket.number, item.ticket.urgency.value) for item in board.queue]
    return RouteMap(WIDTH, HEIGHT, routes, queue)


def _position(ticket) -> tuple[float, float]:  # noqa: ANN001
    place = ticket.building or ticket.estate
    return place.lat, place.lon
