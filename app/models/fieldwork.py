"""What happens at the door and after: the on-site record, quote codes, sign-off, payment, coordination slips."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class SiteRecord(BigIntAuditBase):
    """The technician's record of the visit: one per ticket, saved again as the work goes on."""

    __tablename__ = "site_records"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    cause: Mapped[str] = mapped_column(Text, default="")
    work_done: Mapped[str] = mapped_column(Text, default="")
    # [{"code", "name", "unit", "quantity", "unit_price", "amount"}]: prices as they were on the day.
    materials: Mapped[list] = mapped_column(JSON, default=list)
    labour: Mapped[list] = mapped_column(JSON, default=list)
    total: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False), default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class ConsentCode(BigIntAuditBase):
    """A one-time code sent to the resident: typed on the technician's phone, it is their consent.

    This row keeps only a keyed hash. The code itself is in the resident's message (`Notice.data`)
    until it is used, replaced or found expired; then the message's copy is blanked (consent_codes)."""

    __tablename__ = "consent_codes"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    total: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Signoff(BigIntAuditBase):
    """The resident's confirmation and ratings (1-5). The overall figure is also `Ticket.rating`."""

    __tablename__ = "signoffs"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    attitude: Mapped[int] = mapped_column(Integer)
    skill: Mapped[int] = mapped_column(Integer)
    timeliness: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20))  # own_phone | technician_phone
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class Payment(BigIntAuditBase):
    """Money taken for a paid job, with the receipt number the resident keeps."""

    __tablename__ = "payments"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    amount: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    method: Mapped[str] = mapped_column(String(10))  # cash | wechat | alipay | card
    receipt_no: Mapped[str] = mapped_column(String(20), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class ReceiptCounter(BigIntAuditBase):
    """The last receipt number per local day (`SJ20261123-0007`), bumped like ticket numbers."""

    __tablename__ = "receipt_counters"

    day: Mapped[str] = mapped_column(String(8), unique=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CoordinationSlip(BigIntAuditBase):
    """协调单: work that cannot finish the same day, and the desk's duty to chase it and keep the resident told."""

    __tablename__ = "coordination_slips"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # parts | contractor | warranty | other
    note: Mapped[str] = mapped_column(Text, default="")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    inspection_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    followed_up_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    resident_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    # ISO times of each failed agreement with the resident: two within a week call for a joint visit.
    failures: Mapped[list] = mapped_column(JSON, default=list)
    joint_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
