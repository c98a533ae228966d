"""The repair ticket (报修单/工单), its event history and its photos."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.people import Role, User
from app.models.places import Building, Estate, Unit


class Status(str, enum.Enum):
    NEW = "new"  # reported, waiting for the desk to confirm trade and urgency
    TRIAGED = "triaged"  # classified, waiting for dispatch
    ASSIGNED = "assigned"  # offered to a technician, not yet accepted
    ACCEPTED = "accepted"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"  # waiting for parts or a contractor: a coordination slip is open
    NO_ACCESS = "no_access"  # nobody answered the door (未遇); to be rebooked
    COMPLETED = "completed"  # work done, waiting for the resident's confirmation
    CONFIRMED = "confirmed"  # resident confirmed and rated; return visit may follow
    CLOSED = "closed"
    CANCELLED = "cancelled"
    AFTER_SALES = "after_sales"  # in warranty: handed to the developer's after-sales or the maker


OPEN_STATUSES = frozenset(Status) - {Status.CONFIRMED, Status.CLOSED, Status.CANCELLED}
# Work the plan must hold in place: it is on a technician's list and they have said yes.
STARTED_STATUSES = frozenset({Status.EN_ROUTE, Status.ON_SITE, Status.IN_PROGRESS})
# The work is done: what payments, return visits, repeat failures and linked duplicates go by.
DONE_STATUSES = frozenset({Status.COMPLETED, Status.CONFIRMED, Status.CLOSED})


class Urgency(str, enum.Enum):
    EMERGENCY = "emergency"  # water burst, fire, electrical or gas leak, people trapped in a lift
    URGENT = "urgent"  # outage of power, water or gas; lift fault
    NORMAL = "normal"  # in-home work at an agreed time
    PLANNED = "planned"  # public-area and other work with days of slack


class Channel(str, enum.Enum):
    ONLINE = "online"
    PHONE = "phone"
    WALK_IN = "walk_in"
    SELF_INSPECTION = "self_inspection"
    PATROL = "patrol"
    RETURN_VISIT = "return_visit"
    VERBAL = "verbal"


class Scope(str, enum.Enum):
    IN_HOME = "in_home"
    PUBLIC = "public"


class Charge(str, enum.Enum):
    WARRANTY = "warranty"  # developer's after-sales or the maker pays
    FREE = "free"
    PAID = "paid"


class Trade(BigIntAuditBase):
    """A trade (工种): what a technician can do and what a job needs."""

    __tablename__ = "trades"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(30))
    name_en: Mapped[str] = mapped_column(String(40))
    # Which statutory warranty period applies (a key of the company's warranty settings).
    warranty_category: Mapped[str | None] = mapped_column(String(30), nullable=True)
    service_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # Cleaning and security are verbal jobs (口头派工): logged and closed by whoever took them.
    verbal_only: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(BigIntAuditBase):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_window", "status", "window_start"),
        Index("ix_tickets_unit_trade", "unit_id", "trade_code"),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=20))
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=20), index=True)
    urgency: Mapped[Urgency] = mapped_column(Enum(Urgency, native_enum=False, length=12), index=True)
    scope: Mapped[Scope] = mapped_column(Enum(Scope, native_enum=False, length=10), default=Scope.IN_HOME)
    trade_code: Mapped[str | None] = mapped_column(ForeignKey("trades.code"), nullable=True, index=True)
    description: Mapped[str] = mapped_column(Text)

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    spot: Mapped[str | None] = mapped_column(String(100), nullable=True)  # public area: "lobby", "lift 2"

    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    access: Mapped[str] = mapped_column(String(20), default="someone_home")  # someone_home | may_enter | call_first
    preferred_time: Mapped[str] = mapped_column(String(200), default="")

    # The agreed appointment window; the plan must start the work inside it.
    window_start: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    window_end: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    sla_due_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"), nullable=True, index=True)

    charge: Mapped[Charge | None] = mapped_column(Enum(Charge, native_enum=False, length=10), nullable=True)
    quote_total: Mapped[float | None] = mapped_column(Numeric(10, 2, asdecimal=False), nullable=True)
    quote_lines: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # Titles (engineering_vp, cost_vp, general_manager) that have signed the current quote.
    approvals: Mapped[list | None] = mapped_column(JSON, nullable=True)
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    consent_by: Mapped[str | None] = mapped_column(String(50), nullable=True)
    consent_channel: Mapped[str | None] = mapped_column(String(10), nullable=True)  # online | phone | on_site
    warranty_status: Mapped[str | None] = mapped_column(String(10), nullable=True)  # sent | accepted | fixed | confirmed
    # Technicians who declined or let the offer time out: the next plan leaves them out for this job.
    declined_by: Mapped[list | None] = mapped_column(JSON, nullable=True)
    offered_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The arrival time last promised to the resident (on the way, running late), when it was
    # promised late, and the arrival itself: the board flags an unannounced late arrival from these.
    eta_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    late_notice_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    arrived_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    # A retried or double-clicked submit carries the same key and finds the ticket already made.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)

    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as is

    estate: Mapped[Estate] = relationship(lazy="joined", innerjoin=True)
    building: Mapped[Building | None] = relationship(lazy="joined")
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    trade: Mapped[Trade | None] = relationship(lazy="joined")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="raise")
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.at", cascade="all, delete-orphan", lazy="raise"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketEvent(BigIntAuditBase):
    """One thing that happened to a ticket. SLA clocks and statistics are computed from these."""

    __tablename__ = "ticket_events"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_role: Mapped[Role | None] = mapped_column(Enum(Role, native_enum=False, length=16), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))  # created | status | classified | assigned | note | ...
    from_status: Mapped[Status | None] = mapped_column(Enum(Status, native_enum=False, length=20), nullable=True)
    to_status: Mapped[Status | None] = mapped_column(Enum(Status, native_enum=False, length=20), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    ticket: Mapped[Ticket] = relationship(back_populates="events", lazy="raise")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Photo(BigIntAuditBase):
    __tablename__ = "photos"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    stage: Mapped[str] = mapped_column(String(10), default="report")  # report | before | after
    # Random names on disk: a guessed URL never reaches a file without the permission check.
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(30))
    size_bytes: Mapped[int] = mapped_column(Integer)

    ticket: Mapped[Ticket] = relationship(back_populates="photos", lazy="raise")


class TicketCounter(BigIntAuditBase):
    """The last number handed out per local day: `BX20261123-0042` is day 20261123, number 42.

    Incremented with one UPDATE inside the creating transaction, so numbers have no gaps and no twins.
    """

    __tablename__ = "ticket_counters"

    day: Mapped[str] = mapped_column(String(8), unique=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
