"""Consent on the technician's phone: a one-time code goes to the resident, who reads it out.

The consent_codes row keeps only a keyed hash of the code. The code itself is in the resident's
message (notices.data) while it can still be used: once it is used, replaced by a newer code, or
found expired at the next send, the message keeps its row (the resident still sees that a code was
sent) but the code in it is blanked. A code expires after ten minutes and allows five tries, each
counted by one atomic UPDATE so parallel guesses cannot share a try; a ticket gets at most three
codes an hour, so resending is not a way to more tries either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import ConsentCode, Notice, Ticket, User
from app.services import notices
from app.services.tech_status import consent_missing
from app.services.workflow import TransitionError, record
from app.settings import get_settings

VALID_FOR = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_SENDS, SEND_WINDOW = 3, dt.timedelta(hours=1)
HIDDEN = "••••••"


def _hash(ticket: Ticket, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{ticket.id}:{code}".encode(), hashlib.sha256).hexdigest()


async def _blank_sent_codes(db: AsyncSession, ticket: Ticket) -> None:
    """No code that can no longer be used stays readable in the resident's messages."""
    for notice in await db.scalars(select(Notice).where(Notice.ticket_id == ticket.id, Notice.kind == "consent_code")):
        if (notice.data or {}).get("code") != HIDDEN:
            notice.data = {**(notice.data or {}), "code": HIDDEN}  # a new dict: JSON columns track assignment only


async def send(db: AsyncSession, ticket: Ticket, actor: User, now: dt.datetime) -> None:
    if not consent_missing(ticket):
        raise TransitionError(_("There is no quote waiting for the resident's consent."))
    if ticket.reporter_id is None:
        raise TransitionError(_("The resident has no account to receive a code: ask the front desk to record consent by phone."))
    # Every code brings five fresh tries: without a cap, resending would make guessing practical.
    recent = await db.scalar(select(func.count()).select_from(ConsentCode)
                             .where(ConsentCode.ticket_id == ticket.id, ConsentCode.created_at > now - SEND_WINDOW))
    if recent >= MAX_SENDS:
        raise TransitionError(_("%(n)s codes were sent in the last hour: wait, or ask the front desk to record consent by phone.",
                                n=MAX_SENDS))
    # A new code replaces any earlier one: only the latest message is valid.
    await db.execute(update(ConsentCode).where(ConsentCode.ticket_id == ticket.id, ConsentCode.used_at.is_(None))
                     .values(expires_at=now))
    await _blank_sent_codes(db, ticket)
    code = f"{secrets.randbelow(10**6):06d}"
    db.add(ConsentCode(ticket_id=ticket.id, code_hash=_hash(ticket, code), total=ticket.quote_total,
                       expires_at=now + VALID_FOR, attempts=0, created_by_id=actor.id))
    notices.notify(db, ticket.reporter_id, "consent_code", now, ticket=ticket,
                   data={"code": code, "total": f"{ticket.quote_total:.2f}"})
    record(db, ticket, actor, "code_sent", at=now, data={"total": f"{ticket.quote_total:.2f}"})


async def check(db: AsyncSession, ticket: Ticket, code: str, actor: User, now: dt.datetime) -> str | None:
    """Record consent if `code` is right; otherwise the reason in words. A wrong try counts even
    though nothing else is saved, so the caller commits either way."""
    if not consent_missing(ticket):
        return None
    latest = await db.scalar(select(ConsentCode).where(ConsentCode.ticket_id == ticket.id, ConsentCode.used_at.is_(None),
                                                       ConsentCode.expires_at > now).order_by(ConsentCode.id.desc()).limit(1))
    if latest is None or latest.total != ticket.quote_total:
        return _("No valid code: send the resident a new one.")
    # The try is taken in the database, not read and written back: two guesses sent at once cannot
    # both see the same count, and a guess is compared only if it got a try.
    attempts = await db.scalar(update(ConsentCode).where(ConsentCode.id == latest.id, ConsentCode.attempts < MAX_ATTEMPTS)
                               .values(attempts=ConsentCode.attempts + 1).returning(ConsentCode.attempts)
                               .execution_options(synchronize_session=False))
    if attempts is None:
        await _blank_sent_codes(db, ticket)
        return _("Too many wrong codes: send the resident a new one.")
    if not hmac.compare_digest(latest.code_hash, _hash(ticket, code.strip())):
        if attempts >= MAX_ATTEMPTS:
            await _blank_sent_codes(db, ticket)
        return _("That code is not right. %(n)s tries left.", n=MAX_ATTEMPTS - attempts)
    # Used once only, even if the right code arrives twice at the same moment.
    used = await db.execute(update(ConsentCode).where(ConsentCode.id == latest.id, ConsentCode.used_at.is_(None))
                            .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        return _("No valid code: send the resident a new one.")
    await _blank_sent_codes(db, ticket)
    name = ticket.contact_name or _("Resident")
    ticket.consent_at, ticket.consent_by, ticket.consent_channel = now, name, "on_site"
    ticket.updated_by_id = actor.id
    record(db, ticket, actor, "consent", at=now, data={"by": name, "channel": "on_site", "total": f"{ticket.quote_total:.2f}"})
    return None
