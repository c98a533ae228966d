"""After the work: the return visit (回访) queue and finance's daily close of each cashier's takings."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class ReturnVisit(BigIntAuditBase):
    """One call owed to the resident about a finished job; the queue is every row without an outcome."""

    __tablename__ = "return_visits"
    __table_args__ = (Index("ix_return_visits_outcome_due", "outcome", "due_at"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(String(12))  # paid | low_rating | unrated | sample
    due_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # calls that did not reach the resident
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)  # reached | unreachable
    satisfaction: Mapped[str | None] = mapped_column(String(12), nullable=True)  # satisfied | neutral | dissatisfied
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    follow_up_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    # The key of the last call's form: the same form sent twice finds it and records nothing more.
    last_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as is


class ReconciliationClose(BigIntAuditBase):
    """Finance has checked one cashier's payments of one local day; that day's payments are locked."""

    __tablename__ = "reconciliation_closes"
    __table_args__ = (UniqueConstraint("day", "cashier_id", name="uq_reconciliation_closes_day_cashier"),)

    day: Mapped[dt.date] = mapped_column(Date)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expected: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    recorded: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
