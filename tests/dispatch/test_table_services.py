"""Road times from OSRM's and Valhalla's matrix APIs, asked in blocks within the server's cap."""
from __future__ import annotations

import pytest

from app.dispatch import Location
from app.dispatch.table_services import UNREACHABLE_S, OsrmTable, ServiceError, ValhallaMatrix, blocks, from_url
from tests.fake_router import NO_ROUTE_LAT, expected_seconds, fake_router

POINTS = [Location(f"P{i}", 39.90 + 0.01 * i, 116.40 + 0.003 * i * i) for i in range(6)] + [Location("island", NO_ROUTE_LAT, 116.4)]


def _expected() -> list[list[int]]:
    return [[expected_seconds((a.lat, a.lon), (b.lat, b.lon), UNREACHABLE_S) for b in POINTS] for a in POINTS]


def test_blocks_cover_every_pair_once_within_the_cap():
    seen = [(s, t) for sources, targets in blocks(7, 4) for s in sources for t in targets]
    assert sorted(seen) == [(s, t) for s in range(7) for t in range(7)]
    assert all(len(sources) + len(targets) <= 4 for sources, targets in blocks(7, 4))


@pytest.mark.parametrize("kind", ["osrm", "valhalla"])
def test_the_matrix_is_the_services_times_rounded_up_with_no_route_far_away(kind):
    with fake_router(max_locations=4) as router:
        provider = OsrmTable(router.url, max_locations=4) if kind == "osrm" else ValhallaMatrix(router.url, max_locations=4)
        matrix = provider.durations(POINTS)
        assert matrix.tolist() == _expected()
        assert len(router.asked) > 1 and max(router.asked) <= 4, "asked in blocks within the server's cap"


def test_a_refusal_names_the_service_and_its_reason():
    with fake_router(max_locations=3) as router:
        with pytest.raises(ServiceError, match="OSRM: TooBig"):
            OsrmTable(router.url, max_locations=10).durations(POINTS)


def test_the_setting_names_the_service_its_options_and_nothing_else():
    osrm = from_url("osrm+http://router:5000?profile=foot&max_locations=50")
    assert isinstance(osrm, OsrmTable) and (osrm.base_url, osrm.profile, osrm.max_locations) == ("http://router:5000", "foot", 50)
    valhalla = from_url("valhalla+https://maps.example/api?costing=bicycle")
    assert isinstance(valhalla, ValhallaMatrix) and (valhalla.base_url, valhalla.costing) == ("https://maps.example/api", "bicycle")
    for wrong in ("http://router:5000", "osrm+ftp://router", "google+http://maps"):
        with pytest.raises(ValueError, match="expected osrm"):
            from_url(wrong)
