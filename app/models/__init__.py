"""All mapped models, imported here so that Alembic and the app see one metadata."""

from advanced_alchemy.base import orm_registry

from app.models.aftercare import ReconciliationClose, ReturnVisit
from app.models.company import CompanySetting
from app.models.fieldwork import ConsentCode, CoordinationSlip, Payment, ReceiptCounter, Signoff, SiteRecord
from app.models.notices import Notice, SlotLedger
from app.models.people import STAFF_ROLES, Occupancy, Role, ShiftTemplate, Technician, User
from app.models.places import Building, Estate, Unit
from app.models.plans import DayPlan, PlanBreak, PlanStop, PlanUnassigned
from app.models.store import StoreItem
from app.models.tickets import (
    DONE_STATUSES,
    OPEN_STATUSES,
    STARTED_STATUSES,
    Channel,
    Charge,
    Photo,
    Scope,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    Trade,
    Urgency,
)

metadata = orm_registry.metadata

__all__ = [
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "STAFF_ROLES",
    "STARTED_STATUSES",
    "Building",
    "Channel",
    "Charge",
    "CompanySetting",
    "ConsentCode",
    "CoordinationSlip",
    "DayPlan",
    "Estate",
    "Notice",
    "Occupancy",
    "Payment",
    "Photo",
    "PlanBreak",
    "PlanStop",
    "PlanUnassigned",
    "ReceiptCounter",
    "ReconciliationClose",
    "ReturnVisit",
    "Role",
    "Scope",
    "ShiftTemplate",
    "Signoff",
    "SiteRecord",
    "SlotLedger",
    "Status",
    "StoreItem",
    "Technician",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "Trade",
    "Unit",
    "Urgency",
    "User",
    "metadata",
]
