"""The day's money per cashier (收费对账): what each person should have taken, what they recorded,
and finance's close of the day, after which that cashier's payments of that day are locked.

"Expected" is the amount due on the paid jobs a person is answerable for that day: the jobs they took
money for, and the paid jobs a technician completed that nobody has taken money for yet (the cash
may be in their pocket). A job paid to someone else is that person's to answer for, never twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import DONE_STATUSES, Charge, Payment, ReconciliationClose, SiteRecord, Status, Ticket, TicketEvent, User
from app.services import notices, receipts
from app.services.planning import day_bounds
from app.services.validation import Checker, FormErrors
from app.services.workflow import TransitionError, check_version, record



async def closed(db: AsyncSession, cashier_id: int, day: dt.date) -> ReconciliationClose | None:
    return await db.scalar(select(ReconciliationClose).where(ReconciliationClose.day == day, ReconciliationClose.cashier_id == cashier_id))


async def ensure_open(db: AsyncSession, cashier_id: int, at: dt.datetime, tz: ZoneInfo) -> None:
    """Refuse a payment on a day finance has closed for this cashier."""
    day = at.astimezone(tz).date()
    if await closed(db, cashier_id, day) is not None:
        raise TransitionError(_("Finance has closed %(day)s for this cashier: no more payments can be recorded on that day.",
                                day=day.isoformat()))


async def _amounts_due(db: AsyncSession, tickets: list[Ticket]) -> dict[int, float]:
    """What each paid job costs: the on-site record's total, or the accepted quote without one."""
    ids = [t.id for t in tickets]
    totals = dict((await db.execute(select(SiteRecord.ticket_id, SiteRecord.total).where(SiteRecord.ticket_id.in_(ids)))).all()) if ids else {}
    return {t.id: float(totals.get(t.id) or t.quote_total or 0) for t in tickets}


@dataclass
class CashierDay:
    cashier: User
    payments: list[tuple[Payment, Ticket]] = field(default_factory=list)
    expected_jobs: list[tuple[Ticket, float]] = field(default_factory=list)
    close: ReconciliationClose | None = None
    closed_by: str = ""

    @property
    def unpaid_jobs(self) -> list[tuple[Ticket, float]]:
        """Jobs they answer for without a payment of theirs that day: where money may be missing."""
        paid = {t.id for _p, t in self.payments}
        return [(t, amount) for t, amount in self.expected_jobs if t.id not in paid]

    @property
    def expected(self) -> float:
        return round(sum(amount for _t, amount in self.expected_jobs), 2)

    @property
    def recorded(self) -> float:
        return round(sum(p.amount for p, _t in self.payments), 2)

    @property
    def difference(self) -> float:
        return round(self.recorded - self.expected, 2)


async def day_sheet(db: AsyncSession, day: dt.date, tz: ZoneInfo) -> list[CashierDay]:
    start, end = day_bounds(day, tz)
    paid_rows = (await db.execute(
        select(Payment, Ticket).join(Ticket, Ticket.id == Payment.ticket_id)
        .where(Payment.at >= start, Payment.at < end).order_by(Payment.at, Payment.id)
    )).all()
    completed_rows = (await db.execute(
        select(TicketEvent.actor_id, Ticket).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.to_status == Status.COMPLETED, TicketEvent.at >= start, TicketEvent.at < end,
               TicketEvent.actor_id.is_not(None), Ticket.charge == Charge.PAID)
        .order_by(TicketEvent.at)
    )).all()
    completed_ids = [t.id for _a, t in completed_rows]
    ever_paid = set(await db.scalars(select(Payment.ticket_id).where(Payment.ticket_id.in_(completed_ids)))) if completed_ids else set()

    answerable: dict[int, dict[int, Ticket]] = {}  # cashier id -> the jobs they answer for
    for payment, ticket in paid_rows:
        answerable.setdefault(payment.recorded_by_id, {})[ticket.id] = ticket
    for actor_id, ticket in completed_rows:
        if ticket.id not in ever_paid:
            answerable.setdefault(actor_id, {})[ticket.id] = ticket
    answerable.pop(None, None)
    if not answerable:
        return []
    due = await _amounts_due(db, [t for jobs in answerable.values() for t in jobs.values()])
    closes = {c.cashier_id: c for c in await db.scalars(select(ReconciliationClose).where(ReconciliationClose.day == day))}
    wanted = set(answerable) | {c.closed_by_id for c in closes.values()}
    users = {u.id: u for u in await db.scalars(select(User).where(User.id.in_(wanted)))}
    sheet = []
    for user_id, jobs in answerable.items():
        close = closes.get(user_id)
        row = CashierDay(users[user_id], close=close, closed_by=users[close.closed_by_id].name if close else "")
        row.payments = [(p, t) for p, t in paid_rows if p.recorded_by_id == user_id]
        row.expected_jobs = [(t, due[t.id]) for t in jobs.values()]
        sheet.append(row)
    sheet.sort(key=lambda r: (r.cashier.role.value, r.cashier.name))
    return sheet


async def close_day(db: AsyncSession, day: dt.date, form: dict[str, str], actor: User, now: dt.datetime, tz: ZoneInfo) -> ReconciliationClose:
    """Close one cashier's day as reviewed. The figures must still be those the reviewer saw."""
    check = Checker(form)
    cashier_id = int(form["cashier_id"]) if form.get("cashier_id", "").isdigit() else None
    note = check.text("note", required=False, max_len=500)
    if cashier_id is None:
        check.fail("cashier_id", _("Choose whose day to close."))
    check.raise_if_errors()
    existing = await closed(db, cashier_id, day)
    if existing is not None:
        return existing  # closed already (a second click, or a colleague): the first close stands
    if day > now.astimezone(tz).date():
        raise TransitionError(_("A day that has not begun cannot be closed."))
    row = next((r for r in await day_sheet(db, day, tz) if r.cashier.id == cashier_id), None)
    if row is None:
        raise FormErrors({"cashier_id": _("Nobody by that name took payments that day.")})
    if form.get("recorded") != f"{row.recorded:.2f}" or form.get("expected") != f"{row.expected:.2f}":
        raise TransitionError(_("The figures changed since you opened the page (now %(recorded)s recorded, %(expected)s expected). Review them again.",
                                recorded=f"{row.recorded:.2f}", expected=f"{row.expected:.2f}"))
    close = ReconciliationClose(day=day, cashier_id=cashier_id, expected=row.expected, recorded=row.recorded,
                                closed_by_id=actor.id, closed_at=now, note=note)
    try:
        async with db.begin_nested():
            db.add(close)
    except IntegrityError:
        return await closed(db, cashier_id, day)
    return close


async def record_desk_payment(db: AsyncSession, ticket: Ticket, form: dict[str, str], actor: User, now: dt.datetime,
                              tz: ZoneInfo) -> Payment | None:
    """Money the resident brings to the desk for a paid job, with a receipt. None: already recorded."""
    key = (form.get("key") or "")[:64]
    if key and await _payment_with_key(db, ticket, key):
        return None
    if ticket.charge is not Charge.PAID:
        raise TransitionError(_("Only a paid job takes a payment."))
    if ticket.status not in DONE_STATUSES:
        raise TransitionError(_("A payment is taken once the work is completed."))
    check = Checker(form)
    amount = check.number("amount", low=0.01, high=100000)
    method = form.get("method", "")
    if method not in receipts.METHODS:
        check.fail("method", _("Choose how the resident paid."))
    check.raise_if_errors()
    version = form.get("version", "")
    check_version(ticket, int(version) if version.isdigit() else None, await _changed_by(db, ticket))
    payment = await receipts.record_payment(db, ticket, round(amount, 2), method, actor, now, tz)
    # A new updated_at always changes the row, so the version bumps even when this clerk was the last
    # editor too: a second form opened before this payment is refused as stale.
    ticket.updated_by_id, ticket.updated_at = actor.id, now
    figures = {"amount": f"{amount:.2f}", "method": method, "receipt": payment.receipt_no, "key": key, "desk": True}
    record(db, ticket, actor, "payment", at=now, data=figures)
    notices.notify(db, ticket.reporter_id, "receipt", now, ticket=ticket,
                   data={k: figures[k] for k in ("amount", "method", "receipt")})
    return payment


async def _payment_with_key(db: AsyncSession, ticket: Ticket, key: str) -> bool:
    events = await db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "payment"))
    return any((e.data or {}).get("key") == key for e in events)


async def _changed_by(db: AsyncSession, ticket: Ticket) -> str:
    user = await db.get(User, ticket.updated_by_id) if ticket.updated_by_id else None
    return user.name if user else "—"


async def payments_of(db: AsyncSession, ticket: Ticket) -> list[tuple[Payment, User | None]]:
    rows = await db.execute(select(Payment, User).outerjoin(User, User.id == Payment.recorded_by_id)
                            .where(Payment.ticket_id == ticket.id).order_by(Payment.at))
    return [tuple(r) for r in rows]
