"""The day's plan: one versioned row per day, one row per stop, and the jobs it could not place."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship


class DayPlan(BigIntAuditBase):
    __tablename__ = "day_plans"

    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    # Bumped on every apply or manual move; a dispatcher saving against an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Technicians whose whole route the dispatcher locked: the optimiser leaves them as they are.
    locked_technicians: Mapped[list] = mapped_column(JSON, default=list)
    stats: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    stops: Mapped[list[PlanStop]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStop.sequence", lazy="selectin"
    )
    unassigned: Mapped[list[PlanUnassigned]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", lazy="selectin"
    )
    breaks: Mapped[list[PlanBreak]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class PlanStop(BigIntAuditBase):
    """Where a ticket sits in a technician's day; the board, the technician's list and the
    resident's ETA all read these figures."""

    __tablename__ = "plan_stops"
    # A ticket is on one route only: the database refuses a second stop for it on the same day.
    __table_args__ = (UniqueConstraint("plan_id", "ticket_id"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("day_plans.id", ondelete="CASCADE"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    # Seconds from local midnight of the plan's day, like the solver's.
    arrival_s: Mapped[int] = mapped_column(Integer)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    travel_s: Mapped[int] = mapped_column(Integer, default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    violations: Mapped[list | None] = mapped_column(JSON, nullable=True)

    plan: Mapped[DayPlan] = relationship(back_populates="stops", lazy="raise")


class PlanUnassigned(BigIntAuditBase):
    __tablename__ = "plan_unassigned"
    __table_args__ = (UniqueConstraint("plan_id", "ticket_id"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("day_plans.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[DayPlan] = relationship(back_populates="unassigned", lazy="raise")


class PlanBreak(BigIntAuditBase):
    __tablename__ = "plan_breaks"

    plan_id: Mapped[int] = mapped_column(ForeignKey("day_plans.id", ondelete="CASCADE"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id"))
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="lunch")
