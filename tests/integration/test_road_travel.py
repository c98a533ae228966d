"""A configured routing service gives every problem the app builds its road times; asked once per
new place; when it fails, the great circle, and the service is left alone for a while."""

import numpy as np

from app import dispatch
from app.dispatch.table_services import UNREACHABLE_S, OsrmTable
from app.services import company_settings, planning, road_travel
from tests.fake_router import expected_seconds, fake_router
from tests.integration.test_board import TZ, at, run, tomorrow


def _problem(settings) -> dispatch.Problem:
    async def build(db):
        data = await planning.load_day(db, tomorrow(), TZ, await company_settings.load(db))
        return planning.build_problem(data, at(tomorrow(), 7))

    return run(settings, build)


def test_the_days_problem_reads_road_times_from_the_configured_service(demo_settings):
    with fake_router() as router:
        try:
            road_travel.configure(f"osrm+{router.url}")
            problem = _problem(demo_settings)
            asked = len(router.asked)
            assert problem.travel.model == "matrix" and asked > 0
            matrix = dispatch.travel_matrix(problem)
            points = [(loc.lat, loc.lon) for loc in problem.locations]
            assert matrix.tolist() == [[expected_seconds(a, b, UNREACHABLE_S) for b in points] for a in points]
            # the same places again: nothing is asked
            again = _problem(demo_settings)
            assert len(router.asked) == asked and np.array_equal(dispatch.travel_matrix(again), matrix)
        finally:
            road_travel.configure("")
    assert _problem(demo_settings).travel.model == "great_circle"


def test_a_failing_service_gives_the_great_circle_and_is_left_alone_for_a_while():
    places = [dispatch.Location(f"L{i}", 39.9 + i / 100, 116.4) for i in range(3)]
    with fake_router() as router:
        times = road_travel.RoadTimes(OsrmTable(router.url), retry_after_s=60)
        assert times.travel(places) is not None
        learned = len(router.asked)
    # the server is gone: a new place cannot be learned; known places still can be read
    newcomer = [*places, dispatch.Location("L9", 40.0, 116.5)]
    assert times.travel(newcomer) is None
    assert times.down_until > 0 and times.travel(places) is not None
    with fake_router() as router:
        times.provider = OsrmTable(router.url)
        assert times.travel(newcomer) is None and router.asked == [], "not asked again within the minute"
        times.down_until = 0.0  # the minute is over
        assert times.travel(newcomer) is not None and router.asked
    assert learned > 0


def test_every_problem_the_app_builds_goes_through_the_service(demo_settings):
    """Moves and offers re-time with the problem's own travel: the same road times as the plan."""
    with fake_router() as router:
        try:
            road_travel.configure(f"osrm+{router.url}")
            problem = _problem(demo_settings)
            tech = problem.technicians[0]
            jobs = [j.id for j in problem.jobs if j.skills <= tech.skills][:3]
            route = dispatch.retime_route(problem, tech.id, jobs)
            index = problem.location_index()
            first = next(j for j in problem.jobs if j.id == route.stops[0].job)
            leg = expected_seconds(*((problem.locations[index[k]].lat, problem.locations[index[k]].lon) for k in (tech.start, first.location)),
                                   UNREACHABLE_S)
            assert leg > 0 and route.stops[0].arrival == tech.shift.start + leg
        finally:
            road_travel.configure("")
