"""What goes on paper: a technician's day sheet and the work order (派工单) for one ticket.

Both read the stored plan (`DayPlan` / `PlanStop`), never a fresh solve: the paper says what the
dispatcher applied, with the same times the board and the technician's list show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Charge, DayPlan, PlanBreak, PlanStop, ShiftTemplate, Status, Technician, Ticket, Trade, User


def clock(seconds: int) -> str:
    """Seconds from local midnight as HH:MM (the same figures as the board's)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


@dataclass
class SheetStop:
    number: int  # 1, 2, 3 ... in route order
    ticket: Ticket
    arrival_s: int
    start_s: int
    end_s: int
    travel_s: int


@dataclass
class DaySheet:
    day: dt.date
    technician: Technician
    trades: list[Trade | None]
    shift: ShiftTemplate | None  # None: not on shift that weekday
    plan: DayPlan | None
    stops: list[SheetStop] = field(default_factory=list)
    breaks: list[PlanBreak] = field(default_factory=list)

    @property
    def travel_minutes(self) -> int:
        return round(sum(s.travel_s for s in self.stops) / 60)

    @property
    def service_minutes(self) -> int:
        return round(sum(s.end_s - s.start_s for s in self.stops) / 60)

    def timeline(self) -> list[tuple[str, SheetStop | PlanBreak]]:
        """Stops in route order with each break before the first stop starting after it:
        ("stop", stop) or ("break", slot)."""
        items: list[tuple[str, SheetStop | PlanBreak]] = []
        breaks = list(self.breaks)
        for stop in self.stops:
            while breaks and breaks[0].start_s <= stop.start_s:
                items.append(("break", breaks.pop(0)))
            items.append(("stop", stop))
        items += [("break", slot) for slot in breaks]
        return items


async def day_sheet(db: AsyncSession, day: dt.date, technician_id: int) -> DaySheet | None:
    """The technician's planned day, or None when there is no such technician."""
    technician = await db.scalar(select(Technician).where(Technician.id == technician_id))
    if technician is None:
        return None
    trades = {t.code: t for t in await db.scalars(select(Trade))}
    shift = await db.scalar(select(ShiftTemplate).where(ShiftTemplate.technician_id == technician_id,
                                                        ShiftTemplate.weekday == day.weekday()))
    plan = await db.scalar(select(DayPlan).where(DayPlan.day == day))
    sheet = DaySheet(day, technician, [trades.get(code) for code in technician.trades], shift, plan)
    if plan is None:
        return sheet
    own = sorted((s for s in plan.stops if s.technician_id == technician_id), key=lambda s: (s.sequence, s.id))
    tickets = {t.id: t for t in await db.scalars(select(Ticket).where(Ticket.id.in_([s.ticket_id for s in own])))} if own else {}
    for stop in own:
        ticket = tickets.get(stop.ticket_id)
        if ticket is None or ticket.status is Status.CANCELLED:
            continue  # cancelled since the plan was applied: nobody should go
        sheet.stops.append(SheetStop(len(sheet.stops) + 1, ticket, stop.arrival_s, stop.start_s, stop.end_s, stop.travel_s))
    sheet.breaks = sorted((b for b in plan.breaks if b.technician_id == technician_id), key=lambda b: b.start_s)
    return sheet


@dataclass
class WorkOrder:
    ticket: Ticket
    reporter: User | None
    technician: Technician | None  # planned (or offered) technician
    planned_day: dt.date | None
    stop: PlanStop | None
    charged: bool  # paid work: the quote lines go on the order

    def planned_at(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime] | None:
        if self.stop is None or self.planned_day is None:
            return None
        midnight = dt.datetime.combine(self.planned_day, dt.time(), tzinfo=tz)
        return midnight + dt.timedelta(seconds=self.stop.start_s), midnight + dt.timedelta(seconds=self.stop.end_s)


async def work_order(db: AsyncSession, number: str) -> WorkOrder | None:
    ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        return None
    reporter = await db.get(User, ticket.reporter_id) if ticket.reporter_id else None
    # The latest day whose plan holds the ticket (a rebooked job may sit in an older plan too).
    row = (await db.execute(
        select(PlanStop, DayPlan.day).join(DayPlan, DayPlan.id == PlanStop.plan_id)
        .where(PlanStop.ticket_id == ticket.id).order_by(DayPlan.day.desc()).limit(1)
    )).first()
    stop, planned_day = (row[0], row[1]) if row else (None, None)
    technician_id = stop.technician_id if stop is not None else ticket.technician_id
    technician = await db.scalar(select(Technician).where(Technician.id == technician_id)) if technician_id else None
    charged = ticket.charge is Charge.PAID and bool(ticket.quote_lines)
    return WorkOrder(ticket, reporter, technician, planned_day, stop, charged)
