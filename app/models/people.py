"""Everyone who signs in: residents and staff, and the technicians' working pattern."""

from __future__ import annotations

import enum

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.places import Unit


class Role(str, enum.Enum):
    RESIDENT = "resident"
    DESK = "desk"
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}


class User(BigIntAuditBase):
    """One login. Staff sign in by username, residents by phone number."""

    __tablename__ = "users"

    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16), index=True)
    username: Mapped[str | None] = mapped_column(String(50), unique=True, nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name: Mapped[str] = mapped_column(String(50))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    occupancies: Mapped[list[Occupancy]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise"
    )
    technician: Mapped[Technician | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan", lazy="raise"
    )


class Occupancy(BigIntAuditBase):
    """A resident's tie to a unit: the owner (业主) or a tenant (租户)."""

    __tablename__ = "occupancies"
    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(10), default="owner")  # owner | tenant

    user: Mapped[User] = relationship(back_populates="occupancies", lazy="joined", innerjoin=True)
    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)


class Technician(BigIntAuditBase):
    __tablename__ = "technicians"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Codes from the trades table; kept as a list because trades are a short, fixed vocabulary.
    trades: Mapped[list[str]] = mapped_column(JSON, default=list)
    home_label: Mapped[str] = mapped_column(String(100), default="")
    home_lat: Mapped[float] = mapped_column(Float)
    home_lon: Mapped[float] = mapped_column(Float)

    user: Mapped[User] = relationship(back_populates="technician", lazy="joined", innerjoin=True)
    shifts: Mapped[list[ShiftTemplate]] = relationship(
        back_populates="technician",
        order_by="ShiftTemplate.weekday",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class ShiftTemplate(BigIntAuditBase):
    """A technician's weekly working pattern: one row per weekday worked (0 = Monday)."""

    __tablename__ = "shift_templates"
    __table_args__ = (UniqueConstraint("technician_id", "weekday"),)

    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    # Minutes from local midnight, like the solver's seconds but coarser for humans.
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    break_earliest_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    break_latest_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)

    technician: Mapped[Technician] = relationship(back_populates="shifts", lazy="raise")
