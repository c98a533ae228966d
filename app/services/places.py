"""Estates, buildings and units: listing, searching and the admin's edits."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import Building, Estate, Unit
from app.services.validation import Checker

UNIT_CODE_RE = re.compile(r"^\s*(\w+)\s*-\s*(\w+)\s*(?:-\s*(\w*))?\s*$")
PAGE_SIZE = 50


async def estates_with_counts(db: AsyncSession) -> list[tuple[Estate, int, int]]:
    buildings = select(Building.estate_id, func.count().label("n")).group_by(Building.estate_id).subquery()
    units = (
        select(Building.estate_id, func.count(Unit.id).label("n"))
        .join(Unit, Unit.building_id == Building.id)
        .group_by(Building.estate_id)
        .subquery()
    )
    rows = await db.execute(
        select(Estate, func.coalesce(buildings.c.n, 0), func.coalesce(units.c.n, 0))
        .outerjoin(buildings, buildings.c.estate_id == Estate.id)
        .outerjoin(units, units.c.estate_id == Estate.id)
        .order_by(Estate.code)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def buildings_of(db: AsyncSession, estate_id: int) -> list[tuple[Building, int]]:
    rows = await db.execute(
        select(Building, func.count(Unit.id))
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.estate_id == estate_id)
        .group_by(Building.id)
        .order_by(func.length(Building.code), Building.code)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def unit_search_clause(query: str):  # noqa: ANN201 - a SQLAlchemy clause
    """`3-2-1201` finds that unit, `3-2` the building's units, other text the estate or room number."""
    if match := UNIT_CODE_RE.match(query):
        estate_code, building_code, unit_code = match.groups()
        clause = [Estate.code == estate_code, Building.code == building_code]
        if unit_code:
            clause.append(Unit.code.startswith(unit_code))
        return clause
    like = f"%{query}%"
    return [or_(Estate.name.like(like), Unit.code.startswith(query))]


async def search_units(db: AsyncSession, query: str, page: int = 1, building_id: int | None = None) -> tuple[list[Unit], int]:
    stmt = select(Unit).join(Unit.building).join(Building.estate)
    if building_id is not None:
        stmt = stmt.where(Unit.building_id == building_id)
    if query.strip():
        stmt = stmt.where(*unit_search_clause(query.strip()))
    total = await db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    units = list(
        await db.scalars(
            stmt.order_by(Estate.code, func.length(Building.code), Building.code, Unit.code)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    return units, total


def _check_position(check: Checker) -> tuple[float | None, float | None]:
    # China spans roughly 18–54°N and 73–135°E; a point outside is a typo or swapped fields.
    return check.number("lat", low=18, high=54), check.number("lon", low=73, high=135)


async def save_estate(db: AsyncSession, form: dict[str, str], estate: Estate | None = None) -> Estate:
    check = Checker(form)
    code = check.text("code", max_len=8)
    name = check.text("name", max_len=100)
    address = check.text("address", required=False, max_len=200)
    lat, lon = _check_position(check)
    if code:
        clash = await db.scalar(select(Estate.id).where(Estate.code == code))
        if clash is not None and (estate is None or clash != estate.id):
            check.fail("code", _("Another estate already uses this code."))
    check.raise_if_errors()
    if estate is None:
        estate = Estate(code=code, name=name, address=address, lat=lat, lon=lon)
        db.add(estate)
    else:
        estate.code, estate.name, estate.address, estate.lat, estate.lon = code, name, address, lat, lon
    await db.flush()
    return estate


async def add_building(db: AsyncSession, estate: Estate, form: dict[str, str]) -> Building:
    check = Checker(form)
    code = check.text("code", max_len=8)
    floors = check.number("floors", low=1, high=120)
    lat, lon = _check_position(check)
    if code and await db.scalar(select(Building.id).where(Building.estate_id == estate.id, Building.code == code)):
        check.fail("code", _("This estate already has a building with this code."))
    check.raise_if_errors()
    building = Building(estate_id=estate.id, code=code, floors=int(floors or 1), lat=lat, lon=lon)
    db.add(building)
    await db.flush()
    return building


async def add_unit(db: AsyncSession, building: Building, form: dict[str, str]) -> Unit:
    check = Checker(form)
    code = check.text("code", max_len=8)
    floor = check.number("floor", low=-5, high=120)
    area = check.number("area_m2", low=0, high=2000, required=False)
    handover = check.date("handover_date")
    if code and await db.scalar(select(Unit.id).where(Unit.building_id == building.id, Unit.code == code)):
        check.fail("code", _("This building already has a unit with this number."))
    check.raise_if_errors()
    unit = Unit(building_id=building.id, code=code, floor=int(floor or 0), area_m2=area or 0, handover_date=handover)
    db.add(unit)
    await db.flush()
    return unit
