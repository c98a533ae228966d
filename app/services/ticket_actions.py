"""What staff and residents do to a registered ticket. Each function is one use case, version-checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import OPEN_STATUSES, Charge, Role, Status, Ticket, Trade, Urgency, User
from app.services import quotes, return_visits
from app.services.company_settings import CompanySettings
from app.services.intake import sla_due
from app.services.validation import Checker, FormErrors
from app.services.workflow import Conflict, TransitionError, carry_duplicates, record, transition

AFTER_SALES_STEPS = ("sent", "accepted", "fixed", "confirmed")
APPROVER_TITLES = ("engineering_vp", "cost_vp", "general_manager")
CANCELLABLE = (Status.NEW, Status.TRIAGED)


async def guard_version(db: AsyncSession, ticket: Ticket, form: dict) -> None:
    raw = form.get("version", "")
    if raw.isdigit() and int(raw) != ticket.version:
        editor = await db.get(User, ticket.updated_by_id) if ticket.updated_by_id else None
        raise Conflict(by=editor.name if editor else "?", at=ticket.updated_at)


def _touch(ticket: Ticket, actor: User) -> None:
    # `updated_at` follows by itself (the audit column's onupdate); who saved is ours to record.
    ticket.updated_by_id = actor.id


async def classify_ticket(db: AsyncSession, ticket: Ticket, form: dict, actor: User, settings: CompanySettings, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    check = Checker(form)
    trade = await db.scalar(select(Trade).where(Trade.code == form.get("trade_code", "")))
    if trade is None:
        check.fail("trade_code", _("Choose the trade."))
    try:
        urgency = Urgency(form.get("urgency", ""))
    except ValueError:
        check.fail("urgency", _("Choose an urgency."))
        urgency = ticket.urgency
    check.raise_if_errors()
    changed = {"trade": trade.code, "urgency": urgency.value}
    ticket.trade_code = trade.code
    if urgency is not ticket.urgency:
        ticket.urgency = urgency
        ticket.sla_due_at = sla_due(urgency, settings, ticket.created_at, ticket.window_start)
    _touch(ticket, actor)
    if ticket.status is Status.NEW:
        transition(db, ticket, Status.TRIAGED, actor, data=changed, at=now)
    else:
        record(db, ticket, actor, "classified", data=changed, at=now)


async def cancel(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    reason = Checker(form).text("reason", max_len=200)
    if not reason:
        raise FormErrors({"reason": _("Say why the ticket is cancelled.")})
    if ticket.status not in CANCELLABLE:
        raise TransitionError(_("Only a ticket not yet dispatched can be cancelled."))
    transition(db, ticket, Status.CANCELLED, actor, note=reason, at=now)


async def link_duplicate(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    number = form.get("original", "").strip().upper()
    original = await db.scalar(select(Ticket).where(Ticket.number == number))
    if original is None or original.id == ticket.id:
        raise FormErrors({"original": _("No other ticket has this number.")})
    if original.status not in OPEN_STATUSES:
        raise FormErrors({"original": _("That ticket is no longer open.")})
    # Follow chains to the root: a duplicate of a duplicate belongs to the first report.
    while original.duplicate_of_id is not None:
        original = await db.get(Ticket, original.duplicate_of_id)
    ticket.duplicate_of_id = original.id
    _touch(ticket, actor)
    record(db, ticket, actor, "linked", at=now, data={"original": original.number},
           note=_("Linked as a duplicate of %(number)s.", number=original.number))


async def unlink_duplicate(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    if ticket.duplicate_of_id is None:
        return
    ticket.duplicate_of_id = None
    _touch(ticket, actor)
    record(db, ticket, actor, "unlinked", at=now, note=_("Marked as a different fault."))


async def set_charge(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    try:
        charge = Charge(form.get("charge", ""))
    except ValueError:
        raise FormErrors({"charge": _("Choose free, paid or warranty.")}) from None
    if charge is ticket.charge:
        return
    ticket.charge = charge
    if charge is not Charge.PAID:
        ticket.quote_lines, ticket.quote_total, ticket.approvals = None, None, None
        ticket.consent_at = ticket.consent_by = ticket.consent_channel = None
    _touch(ticket, actor)
    record(db, ticket, actor, "charge", at=now, data={"charge": charge.value})


def parse_quote_lines(form: dict, raw_lists: dict[str, list[str]], fee_schedule: list[dict]) -> list[quotes.QuoteLine]:
    """Labour rows (fee code + quantity) and material rows (name + price + quantity) from the form."""
    errors: dict[str, str] = {}
    lines: list[quotes.QuoteLine] = []
    for index, (code, qty) in enumerate(zip(raw_lists.get("labour_code", []), raw_lists.get("labour_qty", []), strict=False)):
        if not code:
            continue
        try:
            lines.append(quotes.labour_line(fee_schedule, code, Decimal(qty or "1")))
        except (ValueError, InvalidOperation):
            errors[f"labour_{index}"] = _("Check the item and quantity.")
    materials = zip(raw_lists.get("material_name", []), raw_lists.get("material_price", []), raw_lists.get("material_qty", []), strict=False)
    for index, (name, price, qty) in enumerate(materials):
        if not name.strip():
            continue
        try:
            line = quotes.QuoteLine("MAT", name.strip()[:60], Decimal(qty or "1"), Decimal(price))
            if line.quantity <= 0 or line.unit_price < 0:
                raise InvalidOperation
            lines.append(line)
        except InvalidOperation:
            errors[f"material_{index}"] = _("Check the price and quantity.")
    if not lines and not errors:
        errors["quote"] = _("Add at least one item.")
    if errors:
        raise FormErrors(errors)
    return lines


async def save_quote(db: AsyncSession, ticket: Ticket, form: dict, lines: list[quotes.QuoteLine], actor: User, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    if ticket.charge is not Charge.PAID:
        raise TransitionError(_("Only a paid repair has a quote."))
    amount = quotes.total(lines)
    ticket.quote_lines = [
        {"code": line.code, "name": line.name, "quantity": str(line.quantity), "unit_price": str(line.unit_price), "amount": str(line.amount)}
        for line in lines
    ]
    ticket.quote_total = float(amount)
    # A new quote needs fresh consent and fresh approvals: the resident agreed to the old figure.
    ticket.approvals, ticket.consent_at, ticket.consent_by, ticket.consent_channel = [], None, None, None
    _touch(ticket, actor)
    record(db, ticket, actor, "quoted", at=now, data={"total": str(amount), "lines": len(lines)})


def pending_approvals(ticket: Ticket, settings: CompanySettings) -> list[str]:
    if ticket.charge is not Charge.PAID or ticket.quote_total is None:
        return []
    needed = quotes.approvers_for(Decimal(str(ticket.quote_total)), settings["approval_thresholds"])
    return [title for title in needed if title not in (ticket.approvals or [])]


async def approve(db: AsyncSession, ticket: Ticket, form: dict, actor: User, settings: CompanySettings, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    title = form.get("title", "")
    if actor.role not in {Role.SUPERVISOR, Role.ADMIN}:
        raise TransitionError(_("Only a manager can approve a quote."))
    if title not in pending_approvals(ticket, settings):
        raise FormErrors({"title": _("This approval is not needed.")})
    ticket.approvals = [*(ticket.approvals or []), title]
    _touch(ticket, actor)
    record(db, ticket, actor, "approved", at=now, data={"title": title, "total": str(ticket.quote_total)})


async def record_consent(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    """The resident accepts the quote: online themselves, or by phone as recorded by the desk."""
    await guard_version(db, ticket, form)
    if ticket.charge is not Charge.PAID or ticket.quote_total is None:
        raise TransitionError(_("There is no quote to accept."))
    if actor.role is Role.RESIDENT:
        name, channel = actor.name, "online"
    else:
        name = Checker(form).text("consent_name", max_len=50)
        if not name:
            raise FormErrors({"consent_name": _("Who agreed on the phone?")})
        channel = "phone"
    ticket.consent_at, ticket.consent_by, ticket.consent_channel = now, name, channel
    _touch(ticket, actor)
    record(db, ticket, actor, "consent", at=now, data={"by": name, "channel": channel, "total": str(ticket.quote_total)})


def dispatch_blockers(ticket: Ticket, settings: CompanySettings) -> list[str]:
    """Why this ticket may not go to a technician yet; empty when it may."""
    reasons = []
    if ticket.duplicate_of_id is not None:
        reasons.append(_("It is a duplicate: it follows its original ticket."))
    if ticket.trade_code is None:
        reasons.append(_("The trade is not set."))
    if ticket.charge is Charge.WARRANTY:
        reasons.append(_("It is in warranty: the developer's after-sales repairs it."))
    # Water, fire, gas and trapped people come first: consent to the bill can follow the visit.
    if ticket.charge is Charge.PAID and ticket.urgency not in (Urgency.EMERGENCY, Urgency.URGENT):
        if ticket.quote_total is None:
            reasons.append(_("A paid repair needs a quote."))
        elif ticket.consent_at is None:
            reasons.append(_("The resident has not accepted the quote."))
        if pending_approvals(ticket, settings):
            reasons.append(_("The quote is waiting for approval."))
    return reasons


async def after_sales_step(db: AsyncSession, ticket: Ticket, form: dict, actor: User, now: dt.datetime) -> None:
    await guard_version(db, ticket, form)
    step = form.get("step", "")
    if step == "send":
        if ticket.charge is not Charge.WARRANTY:
            raise TransitionError(_("Only a ticket in warranty goes to after-sales."))
        transition(db, ticket, Status.AFTER_SALES, actor, at=now, data={"after_sales": "sent"})
        ticket.warranty_status = "sent"
        return
    if ticket.status is not Status.AFTER_SALES:
        raise TransitionError(_("The ticket is not with after-sales."))
    if step == "refused":
        ticket.charge, ticket.warranty_status = None, None
        transition(db, ticket, Status.TRIAGED, actor, at=now, note=form.get("note", "")[:200], data={"after_sales": "refused"})
        return
    order = AFTER_SALES_STEPS
    if step not in order or order.index(step) != order.index(ticket.warranty_status or "sent") + 1:
        raise TransitionError(_("That after-sales step is out of order."))
    ticket.warranty_status = step
    _touch(ticket, actor)
    if step == "confirmed":
        transition(db, ticket, Status.CONFIRMED, actor, at=now, data={"after_sales": step})
        await carry_duplicates(db, ticket, actor, now)
        await return_visits.consider(db, ticket, now)
    else:
        record(db, ticket, actor, "after_sales", at=now, data={"after_sales": step})

