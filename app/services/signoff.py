"""The resident's confirmation: four ratings and a comment, and for paid work the payment and receipt.

Signed on the resident's own phone or on the technician's, handed over. `Ticket.rating` keeps the
overall figure, which the statistics and the return visits read.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import Charge, Signoff, Status, Technician, Ticket, User
from app.services import notices, receipts, return_visits, site_record
from app.services.validation import Checker
from app.services.workflow import TransitionError, carry_duplicates, record, transition

RATINGS = ("attitude", "skill", "timeliness", "overall")


async def of(db: AsyncSession, ticket: Ticket) -> Signoff | None:
    return await db.scalar(select(Signoff).where(Signoff.ticket_id == ticket.id))


async def amount_due(db: AsyncSession, ticket: Ticket) -> float | None:
    """What a paid job costs: the on-site record's total, or the accepted quote without one."""
    if ticket.charge is not Charge.PAID:
        return None
    site = await site_record.of(db, ticket)
    return site.total if site is not None and site.total else ticket.quote_total


async def _technician_user(db: AsyncSession, ticket: Ticket) -> User | None:
    technician = await db.get(Technician, ticket.technician_id) if ticket.technician_id else None
    return technician.user if technician else None


async def sign(db: AsyncSession, ticket: Ticket, form: dict, actor: User, channel: str, now: dt.datetime,
               tz: ZoneInfo) -> Signoff:
    if ticket.status is not Status.COMPLETED:
        raise TransitionError(_("Only completed work can be confirmed."))
    check = Checker(form)
    scores = {}
    for name in RATINGS:
        raw = form.get(name, "")
        if raw not in {"1", "2", "3", "4", "5"}:
            check.fail(name, _("Choose 1 to 5 stars."))
        else:
            scores[name] = int(raw)
    comment = check.text("comment", required=False, max_len=500)
    amount = await amount_due(db, ticket)
    method = form.get("method", "")
    if amount and method not in receipts.METHODS:
        check.fail("method", _("Choose how the resident paid."))
    check.raise_if_errors()
    signed = Signoff(ticket_id=ticket.id, comment=comment, channel=channel, recorded_by_id=actor.id, at=now, **scores)
    db.add(signed)
    ticket.rating = scores["overall"]
    transition(db, ticket, Status.CONFIRMED, actor, at=now, data={"channel": channel})
    record(db, ticket, actor, "signoff", at=now, data={**scores, "channel": channel})
    # The money went to whoever took it, never to the resident: signed on their own phone, the
    # payment is the technician's to hand in, and finance's reconciliation holds them to it.
    cashier = None
    if amount:
        cashier = actor if channel != "own_phone" else await _technician_user(db, ticket)
    if cashier is not None:
        payment = await receipts.record_payment(db, ticket, amount, method, cashier, now, tz)
        figures = {"amount": f"{amount:.2f}", "method": method, "receipt": payment.receipt_no}
        record(db, ticket, actor, "payment", at=now, data=figures)
        notices.notify(db, ticket.reporter_id, "receipt", now, ticket=ticket, data=figures)
    await carry_duplicates(db, ticket, actor, now)
    await return_visits.consider(db, ticket, now)
    return signed
