"""Residents who signed up in the app: owners, their tenants, and a few owners of two units."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from app.demo.clock import IdSequence
from app.demo.names import person_name, resident_phone
from app.demo.places import Places, UnitInfo
from app.models import Role

# Not every household installs the app; these shares give about 1,500 accounts for 2,000 units.
_REGISTERED_SHARE = 0.70
_TENANT_SHARE = 0.12
_SECOND_UNIT_SHARE = 0.015


@dataclass(frozen=True)
class ResidentInfo:
    id: int
    name: str
    phone: str


@dataclass
class Residents:
    user_rows: list[dict] = field(default_factory=list)
    occupancy_rows: list[dict] = field(default_factory=list)
    people: dict[int, ResidentInfo] = field(default_factory=dict)
    # Unit id -> resident ids living there, tenants first: the tenant is the one who calls.
    by_unit: dict[int, list[int]] = field(default_factory=dict)
    units_of: dict[int, list[UnitInfo]] = field(default_factory=dict)
    demo_resident_id: int = 0


def _demo_unit(places: Places) -> UnitInfo:
    """Unit 502 of building 2 in estate 1: an easy address to type when showing the demo."""
    estate = places.estates[0]
    building_id = estate.building_ids[1]
    return next(u for u in places.units if u.building_id == building_id and u.code == "502")


def build_residents(rng: random.Random, places: Places, user_ids: IdSequence, password_hash: str) -> Residents:
    residents = Residents()
    occupancy_ids = IdSequence()
    owners: list[int] = []

    def new_person() -> ResidentInfo:
        person = ResidentInfo(user_ids.next(), person_name(rng), resident_phone(len(residents.people) + 1))
        residents.people[person.id] = person
        residents.user_rows.append({"id": person.id, "role": Role.RESIDENT, "username": None,
                                    "phone": person.phone, "password_hash": password_hash,
                                    "name": person.name, "is_active": True})
        return person

    def occupy(person_id: int, unit: UnitInfo, relation: str) -> None:
        residents.occupancy_rows.append({"id": occupancy_ids.next(), "user_id": person_id,
                                         "unit_id": unit.id, "relation": relation})
        residents.units_of.setdefault(person_id, []).append(unit)
        living = residents.by_unit.setdefault(unit.id, [])
        living.insert(0, person_id) if relation == "tenant" else living.append(person_id)

    demo_unit = _demo_unit(places)
    # The demo resident comes first so that their phone number is the first of the block.
    residents.demo_resident_id = new_person().id
    occupy(residents.demo_resident_id, demo_unit, "owner")

    for unit in places.units:
        if unit.id == demo_unit.id or rng.random() >= _REGISTERED_SHARE:
            continue
        reusable = [o for o in owners if len(residents.units_of[o]) == 1]
        if reusable and rng.random() < _SECOND_UNIT_SHARE:
            owner_id = rng.choice(reusable)
        else:
            owner_id = new_person().id
            owners.append(owner_id)
        occupy(owner_id, unit, "owner")
        if rng.random() < _TENANT_SHARE:
            occupy(new_person().id, unit, "tenant")
    return residents
