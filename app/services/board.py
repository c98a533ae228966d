"""The dispatcher's board as plain data: one row per technician on a 07:00–22:00 axis, the queue, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from app.models import DayPlan, PlanBreak, Technician, Ticket, Urgency
from app.i18n import gettext as _
from app.services import reasons
from app.services.tech_status import late_unannounced
from app.services.planning import DayData, missed

AXIS_START_S = 7 * 3600
AXIS_END_S = 22 * 3600
AXIS_SPAN_S = AXIS_END_S - AXIS_START_S


def axis_percent(seconds: int) -> float:
    return round(100 * (min(max(seconds, AXIS_START_S), AXIS_END_S) - AXIS_START_S) / AXIS_SPAN_S, 3)


def clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


@dataclass
class Block:
    ticket: Ticket
    sequence: int
    arrival_s: int
    start_s: int
    end_s: int
    travel_s: int
    pinned: bool
    violations: list[str]
    late: bool = False  # past the window by more than the late-flag minutes (settings), resident not told
    # Filled by `label_blocks`: the board shows hundreds of blocks, and one string per attribute
    # renders far faster than a dozen template expressions each.
    css: str = ""
    style: str = ""
    title: str = ""
    travel_style: str = ""

    @property
    def left(self) -> float:
        return axis_percent(self.start_s)

    @property
    def width(self) -> float:
        return max(axis_percent(self.end_s) - self.left, 0.4)

    @property
    def travel_left(self) -> float:
        return axis_percent(self.arrival_s - self.travel_s)

    @property
    def travel_width(self) -> float:
        return max(axis_percent(self.arrival_s) - self.travel_left, 0)


@dataclass
class Row:
    technician: Technician
    shift_start_s: int
    shift_end_s: int
    blocks: list[Block] = field(default_factory=list)
    breaks: list[PlanBreak] = field(default_factory=list)
    locked: bool = False

    @property
    def service_s(self) -> int:
        return sum(b.end_s - b.start_s for b in self.blocks)

    @property
    def travel_s(self) -> int:
        return sum(b.travel_s for b in self.blocks)

    @property
    def utilisation(self) -> int:
        available = self.shift_end_s - self.shift_start_s - sum(b.end_s - b.start_s for b in self.breaks)
        return round(100 * (self.service_s + self.travel_s) / available) if available > 0 else 0

    @property
    def shift_left(self) -> float:
        return axis_percent(self.shift_start_s)

    @property
    def shift_width(self) -> float:
        return axis_percent(self.shift_end_s) - self.shift_left


@dataclass
class QueueItem:
    ticket: Ticket
    reason: str
    where: str = ""  # filled by `label_blocks`, like the blocks' labels
    why: str = ""


@dataclass
class Board:
    day: dt.date
    plan: DayPlan | None
    rows: list[Row]
    queue: list[QueueItem]
    hours: list[tuple[str, float]]
    data: DayData

    @property
    def version(self) -> int:
        return self.plan.version if self.plan else 0

    @property
    def jobs(self) -> int:
        return sum(len(r.blocks) for r in self.rows)

    @property
    def travel_hours(self) -> float:
        return round(sum(r.travel_s for r in self.rows) / 3600, 1)

    @cached_property
    def _names(self) -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
        from app.labels import trade_name

        technicians = {t.id: t.user.name for t in self.data.technicians}
        tickets = {t.id: t.number for t in self.data.tickets} | {t.id: t.number for t, _why in self.data.held_out}
        trades = {code: trade_name(trade) for code, trade in self.data.trades.items()}
        return technicians, tickets, trades

    def explain(self, text: str) -> str:
        """A solver reason or rule break in the dispatcher's words, with names instead of solver keys.
        Many jobs share a reason ("all 4 technicians with plumbing are full 17:00-19:00"): each
        sentence is matched against the patterns once per board."""
        if (said := self._explained.get(text)) is None:
            said = self._explained[text] = reasons.localize(text, *self._names)
        return said

    @cached_property
    def _explained(self) -> dict[str, str]:
        return {}

    def emergencies(self) -> list[tuple[Block, Row, int | None]]:
        """Each planned emergency, who goes, and the arrival's minutes past the promise (<= 0: in time)."""
        found = []
        for row in self.rows:
            for block in row.blocks:
                if block.ticket.urgency is Urgency.EMERGENCY:
                    due = block.ticket.sla_due_at
                    late = None if due is None else round((self.data.moment(block.arrival_s) - due).total_seconds() / 60)
                    found.append((block, row, late))
        return found


def build(data: DayData, now: dt.datetime) -> Board:
    tickets = {t.id: t for t in data.tickets}
    locked = set(data.plan.locked_technicians or []) if data.plan else set()
    rows = {}
    for technician in data.technicians:
        shift = data.shifts[technician.id]
        rows[technician.id] = Row(technician, shift.start_min * 60, shift.end_min * 60, locked=technician.id in locked)
    placed = set()
    if data.plan is not None:
        for stop in data.plan.stops:
            ticket = tickets.get(stop.ticket_id)
            row = rows.get(stop.technician_id)
            if ticket is None or row is None:
                continue  # closed or cancelled since the plan was made, or technician off today
            placed.add(ticket.id)
            row.blocks.append(Block(ticket, stop.sequence, stop.arrival_s, stop.start_s, stop.end_s, stop.travel_s,
                                    stop.pinned, list(stop.violations or []), late_unannounced(ticket, now, data.late_flag)))
        for slot in data.plan.breaks:
            if slot.technician_id in rows:
                rows[slot.technician_id].breaks.append(slot)
    for row in rows.values():
        row.blocks.sort(key=lambda b: b.sequence)
    reasons = {u.ticket_id: u.reason for u in data.plan.unassigned} if data.plan else {}
    passed = missed(data, now)
    missed_ids = {t.id for t in passed}
    queue = [QueueItem(t, reasons.get(t.id, "")) for t in data.tickets if t.id not in placed and t.id not in missed_ids]
    queue += [QueueItem(t, " ".join(why)) for t, why in data.held_out]
    queue += [QueueItem(t, _("The appointment window has passed: rebook it with the resident.")) for t in passed if t.id not in placed]
    queue.sort(key=lambda q: (list(Urgency).index(q.ticket.urgency), q.ticket.window_start or q.ticket.created_at))
    hours = [(f"{h:02d}:00", axis_percent(h * 3600)) for h in range(7, 23)]
    board = Board(data.day, data.plan, list(rows.values()), queue, hours, data)
    label_blocks(board)
    return board


def label_blocks(board: Board) -> None:
    from app.labels import status_name, trade_name

    trades = {code: trade_name(trade) for code, trade in board.data.trades.items()}
    for row in board.rows:
        for b in row.blocks:
            ticket = b.ticket
            flags = [ticket.urgency.value, f"st-{ticket.status.value}"]
            flags += [flag for flag, on in (("broken", b.violations), ("pinned", b.pinned), ("late", b.late)) if on]
            b.css = "block " + " ".join(flags)
            b.style = f"left: {b.left}%; width: {b.width}%"
            if b.travel_width > 0:
                b.travel_style = f"left: {b.travel_left}%; width: {b.travel_width}%"
            where = f"{ticket.estate.name} {ticket.unit.full_code}" if ticket.unit else ticket.estate.name
            parts = [ticket.number, where, trades.get(ticket.trade_code, trade_name(None)),
                     f"{clock(b.start_s)}–{clock(b.end_s)}", status_name(ticket.status)]
            parts += [f"⚠ {board.explain(v)}" for v in b.violations]
            b.title = " · ".join(parts)
    tz = board.data.tz
    for item in board.queue:
        ticket = item.ticket
        where = f"{ticket.estate.name} {ticket.unit.full_code}" if ticket.unit else ticket.estate.name
        item.where = f"{where} · {trades.get(ticket.trade_code, trade_name(None))}"
        if ticket.window_start is not None:
            item.where += f" · {ticket.window_start.astimezone(tz):%H:%M}–{ticket.window_end.astimezone(tz):%H:%M}"
        item.why = board.explain(item.reason) if item.reason else ""
