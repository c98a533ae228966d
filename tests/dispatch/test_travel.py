"""Travel matrices agree with FORMAT.md's figures (and so with check_plan.py)."""
from __future__ import annotations

import math
import random

import numpy as np
from geopy.distance import great_circle

from app.dispatch import Location, Problem, Travel, travel_matrix


def test_great_circle_matrix_equals_geopy_to_the_second():
    rng = random.Random(4)
    locations = [Location(f"p{k}", 39.85 + rng.random() * 0.2, 116.3 + rng.random() * 0.2) for k in range(60)]
    locations.append(Location("far", -33.9, 151.2))  # Sydney: long arcs too
    problem = Problem("t", locations, [], [], Travel("great_circle", 25, 1.3))
    matrix = travel_matrix(problem)
    for a in locations:
        for b in locations:
            km = great_circle((a.lat, a.lon), (b.lat, b.lon)).km
            expected = 0 if a is b else math.ceil(km * 1.3 / 25 * 3600 - 1e-9)
            assert matrix[locations.index(a), locations.index(b)] == expected


def test_euclidean_truncates_tenths_as_the_benchmarks_do():
    locations = [Location("a", x=0, y=0), Location("b", x=3, y=4), Location("c", x=1, y=1)]
    matrix = travel_matrix(Problem("t", locations, [], [], Travel("euclidean", scale=10)))
    assert matrix.tolist() == [[0, 50, 14], [50, 0, 36], [14, 36, 0]]


def test_a_configured_provider_replaces_the_model():
    class Table:
        def durations(self, locations):
            return np.full((len(locations), len(locations)), 7)

    locations = [Location("a", 39.9, 116.4), Location("b", 39.95, 116.4)]
    assert travel_matrix(Problem("t", locations, [], []), Table()).tolist() == [[7, 7], [7, 7]]
