"""Estates (小区), their buildings and the units residents live in."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship


class Estate(BigIntAuditBase):
    __tablename__ = "estates"

    # The short number the desk says on the phone: unit code "3-2-1201" starts with it.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    buildings: Mapped[list[Building]] = relationship(
        back_populates="estate", order_by="Building.code", cascade="all, delete-orphan", lazy="raise"
    )


class Building(BigIntAuditBase):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    floors: Mapped[int] = mapped_column(Integer, default=6)
    # WGS-84; units inherit their building's position.
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    estate: Mapped[Estate] = relationship(back_populates="buildings", lazy="joined", innerjoin=True)
    units: Mapped[list[Unit]] = relationship(
        back_populates="building", order_by="Unit.code", cascade="all, delete-orphan", lazy="raise"
    )


class Unit(BigIntAuditBase):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("building_id", "code"),)

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    # Room number as written on the door: "1201" is floor 12, room 01.
    code: Mapped[str] = mapped_column(String(8))
    floor: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[float] = mapped_column(Float, default=0)
    # Warranty periods run from the handover to the first owner.
    handover_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    building: Mapped[Building] = relationship(back_populates="units", lazy="joined", innerjoin=True)

    @property
    def full_code(self) -> str:
        return f"{self.building.estate.code}-{self.building.code}-{self.code}"
