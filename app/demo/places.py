"""Six fictional estates in Chaoyang district, their buildings and units."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from app.demo.clock import IdSequence

# Metres per degree near 40°N, for placing buildings a few hundred metres around an estate centre.
_M_PER_DEG_LAT = 111_000.0
_M_PER_DEG_LON = 111_000.0 * math.cos(math.radians(39.95))


@dataclass(frozen=True)
class EstateSpec:
    code: str
    name: str
    address: str
    lat: float
    lon: float
    buildings: int
    floors: tuple[int, int]
    rooms_per_floor: int
    # Developers hand buildings over in phases; each phase date covers an equal share of buildings.
    phases: tuple[dt.date, ...]


# Street names are invented too: only the district is real.
ESTATES: tuple[EstateSpec, ...] = (
    EstateSpec("1", "锦绣家园", "北京市朝阳区锦绣东路18号", 39.9215, 116.4490, 8, (6, 6), 6,
               (dt.date(2018, 6, 18), dt.date(2019, 5, 10))),
    EstateSpec("2", "阳光花园", "北京市朝阳区向阳北街6号", 39.9402, 116.4718, 7, (10, 12), 4,
               (dt.date(2019, 10, 8), dt.date(2020, 9, 26))),
    EstateSpec("3", "望湖苑", "北京市朝阳区望湖西路21号", 39.9876, 116.4725, 6, (16, 18), 3,
               (dt.date(2021, 4, 16), dt.date(2021, 12, 20))),
    EstateSpec("4", "翠竹园", "北京市朝阳区翠竹南路9号", 39.9658, 116.5012, 7, (22, 26), 2,
               (dt.date(2022, 6, 30), dt.date(2023, 3, 28))),
    EstateSpec("5", "金桂里", "北京市朝阳区金桂中街33号", 39.9103, 116.5205, 6, (25, 28), 2,
               (dt.date(2023, 10, 15), dt.date(2024, 6, 22))),
    EstateSpec("6", "枫林湾", "北京市朝阳区枫林路88号", 40.0052, 116.5318, 6, (15, 18), 4,
               (dt.date(2024, 12, 20), dt.date(2025, 8, 18))),
)


@dataclass
class EstateInfo:
    id: int
    code: str
    name: str
    lat: float
    lon: float
    building_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class BuildingInfo:
    id: int
    estate_id: int
    code: str
    floors: int


@dataclass(frozen=True)
class UnitInfo:
    id: int
    estate_id: int
    building_id: int
    code: str
    handover: dt.date


@dataclass
class Places:
    estate_rows: list[dict] = field(default_factory=list)
    building_rows: list[dict] = field(default_factory=list)
    unit_rows: list[dict] = field(default_factory=list)
    estates: list[EstateInfo] = field(default_factory=list)
    buildings: dict[int, BuildingInfo] = field(default_factory=dict)
    units: list[UnitInfo] = field(default_factory=list)
    units_by_estate: dict[int, list[UnitInfo]] = field(default_factory=dict)


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return round(lat + north_m / _M_PER_DEG_LAT, 6), round(lon + east_m / _M_PER_DEG_LON, 6)


def build_places(rng: random.Random, today: dt.date) -> Places:
    places = Places()
    estate_ids, building_ids, unit_ids = IdSequence(), IdSequence(), IdSequence()
    # A caller passing a day before the last phase must not see units handed over in the future.
    latest_handover = today - dt.timedelta(days=90)
    for spec in ESTATES:
        estate = EstateInfo(estate_ids.next(), spec.code, spec.name, spec.lat, spec.lon)
        places.estates.append(estate)
        places.units_by_estate[estate.id] = []
        places.estate_rows.append({"id": estate.id, "code": spec.code, "name": spec.name,
                                   "address": spec.address, "lat": spec.lat, "lon": spec.lon})
        for b in range(spec.buildings):
            building = BuildingInfo(building_ids.next(), estate.id, str(b + 1), rng.randint(*spec.floors))
            estate.building_ids.append(building.id)
            places.buildings[building.id] = building
            # Rows of buildings on a rough grid, jittered, within about 400 m of the centre.
            north = (b // 3 - (spec.buildings - 1) // 6) * 180 + rng.uniform(-40, 40)
            east = (b % 3 - 1) * 200 + rng.uniform(-40, 40)
            lat, lon = _offset(spec.lat, spec.lon, north, east)
            places.building_rows.append({"id": building.id, "estate_id": estate.id, "code": building.code,
                                         "floors": building.floors, "lat": lat, "lon": lon})
            phase = spec.phases[b * len(spec.phases) // spec.buildings]
            for floor in range(1, building.floors + 1):
                for room in range(1, spec.rooms_per_floor + 1):
                    handover = min(phase + dt.timedelta(days=rng.randint(0, 45)), latest_handover)
                    unit = UnitInfo(unit_ids.next(), estate.id, building.id, f"{floor * 100 + room}", handover)
                    places.units.append(unit)
                    places.units_by_estate[estate.id].append(unit)
                    places.unit_rows.append({
                        "id": unit.id, "building_id": building.id, "code": unit.code, "floor": floor,
                        "area_m2": round(rng.uniform(55, 145), 1), "handover_date": handover,
                    })
    return places
