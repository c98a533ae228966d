"""The morning list (DOMAIN step 10): every unfinished ticket with its age, state, the person
responsible and where it stands against its SLA, most overdue first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.labels import N_
from app.models import OPEN_STATUSES, Status, Technician, Ticket, User
from app.services.reports.tables import HOURS, TEXT, Column, Table

OVERDUE, DUE_SOON, FINE, NO_DEADLINE = "overdue", "due_soon", "fine", "none"
SLA_STATES = (OVERDUE, DUE_SOON, FINE, NO_DEADLINE)
# Without a technician, a ticket waits on the desk (to register, or to chase after-sales) or in
# the dispatcher's queue (to be planned or rebooked).
DESK_QUEUE = frozenset({Status.NEW, Status.AFTER_SALES})
SORTS = ("sla", "age", "person")


@dataclass
class MorningRow:
    ticket: Ticket
    age: dt.timedelta
    technician: str | None  # the technician's name; None while the ticket sits in a queue
    queue: str  # "technician" | "desk" | "dispatch"
    sla: str  # one of SLA_STATES


@dataclass
class MorningList:
    rows: list[MorningRow]
    counts: dict[str, int]
    duplicates: int  # open reports linked to an original: they follow it and are not listed


def sla_state(due: dt.datetime | None, now: dt.datetime, tz: ZoneInfo) -> str:
    """Due today counts as due soon: the list is read at the morning meeting, to plan the day."""
    if due is None:
        return NO_DEADLINE
    if due < now:
        return OVERDUE
    end_of_today = dt.datetime.combine(now.astimezone(tz).date() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return DUE_SOON if due < end_of_today else FINE


def age_text(age: dt.timedelta) -> str:
    minutes = max(int(age.total_seconds()) // 60, 0)
    if minutes >= 24 * 60:
        return _("%(d)sd %(h)sh", d=minutes // (24 * 60), h=minutes % (24 * 60) // 60)
    if minutes >= 60:
        return _("%(h)sh %(m)smin", h=minutes // 60, m=minutes % 60)
    return _("%(m)s min", m=minutes)


async def morning_list(db: AsyncSession, now: dt.datetime, tz: ZoneInfo, *, estate_id: int | None = None,
                       trade: str | None = None, sort: str = "sla") -> MorningList:
    conditions = [Ticket.status.in_(OPEN_STATUSES)]
    if estate_id is not None:
        conditions.append(Ticket.estate_id == estate_id)
    if trade:
        conditions.append(Ticket.trade_code == trade)
    duplicates = await db.scalar(select(func.count(Ticket.id)).where(*conditions, Ticket.duplicate_of_id.is_not(None)))
    listed = (
        select(Ticket, User.name)
        .outerjoin(Technician, Technician.id == Ticket.technician_id)
        .outerjoin(User, User.id == Technician.user_id)
        .where(*conditions, Ticket.duplicate_of_id.is_(None))
    )
    if sort == "age":
        order = (Ticket.created_at, Ticket.id)
    else:
        # Earliest deadline first is most overdue first; tickets without a deadline go last, oldest first.
        order = (Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.created_at, Ticket.id)
    rows = []
    for ticket, name in await db.execute(listed.order_by(*order)):
        queue = "technician" if name else "desk" if ticket.status in DESK_QUEUE else "dispatch"
        rows.append(MorningRow(ticket, now - ticket.created_at, name, queue, sla_state(ticket.sla_due_at, now, tz)))
    if sort == "person":
        # Technicians by name, then the desk's and the dispatchers' queues; the deadline order holds within each.
        rows.sort(key=lambda r: (r.queue != "technician", r.queue, r.technician or ""))
    counts = {state: 0 for state in SLA_STATES}
    for row in rows:
        counts[row.sla] += 1
    return MorningList(rows, counts, duplicates or 0)


SLA_NAMES = {OVERDUE: N_("Overdue"), DUE_SOON: N_("Due today"), FINE: N_("On time"), NO_DEADLINE: N_("No deadline yet")}
QUEUE_NAMES = {"desk": N_("Front desk queue"), "dispatch": N_("Dispatch queue")}


def as_table(result: MorningList, tz: ZoneInfo) -> Table:
    """The list as the page shows it, for the CSV the meeting's minutes are kept in."""
    from app.labels import status_name, trade_name, urgency_name

    table = Table("morning", _("Morning list: unfinished tickets"), [
        Column(_("Number"), TEXT), Column(_("SLA"), TEXT), Column(_("Person responsible"), TEXT), Column(_("Status"), TEXT),
        Column(_("Age (h)"), HOURS), Column(_("Urgency"), TEXT), Column(_("Where"), TEXT), Column(_("Trade"), TEXT),
        Column(_("Reported"), TEXT), Column(_("SLA due"), TEXT),
    ])
    for row in result.rows:
        ticket = row.ticket
        where = ticket.estate.name + (f" {ticket.building.code}-{ticket.unit.code}" if ticket.unit else f" · {ticket.spot}" if ticket.spot else "")
        table.rows.append([
            ticket.number, _(SLA_NAMES[row.sla]), row.technician or _(QUEUE_NAMES[row.queue]), status_name(ticket.status),
            row.age.total_seconds() / 3600, urgency_name(ticket.urgency), where, trade_name(ticket.trade),
            f"{ticket.created_at.astimezone(tz):%Y-%m-%d %H:%M}",
            f"{ticket.sla_due_at.astimezone(tz):%Y-%m-%d %H:%M}" if ticket.sla_due_at else "",
        ])
    return table
