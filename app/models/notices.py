"""The notification outbox: every message to a person is a row first, then sent.

Rows are written in the same transaction as the change they report, so a message is never sent for
a change that rolled back and never lost for one that committed. Senders (in-app now, SMS or WeChat
later) pick up rows that are due.
"""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.tickets import Ticket


class Notice(BigIntAuditBase):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_read", "user_id", "read_at"), Index("ix_notices_due", "sent_at", "due_at"))

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True)
    # What happened: booked | reminder | on_the_way | running_late | no_access | ... (labels.notice_text)
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    due_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    channel: Mapped[str] = mapped_column(String(10), default="in_app")
    # A scheduled reminder has one row per ticket and purpose: rebooking replaces it, never doubles it.
    dedupe_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    ticket: Mapped[Ticket | None] = relationship(lazy="joined")


class SlotLedger(BigIntAuditBase):
    """One row per day that has bookings: every booking bumps its version, so two residents taking
    the last place in a window cannot both succeed — the second sees the first's booking and
    fresh options."""

    __tablename__ = "slot_ledgers"

    day: Mapped[dt.date] = mapped_column(unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    bookings: Mapped[int] = mapped_column(Integer, default=0)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as is
