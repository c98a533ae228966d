"""Consent on the technician's phone: a one-time code goes to the resident, who reads it out.

Only a keyed hash of the code is stored; it expires after ten minutes and allows five tries, so
guessing one of a million codes is not a way around the resident.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import ConsentCode, Ticket, User
from app.services import notices
from app.services.tech_status import consent_missing
from app.services.workflow import TransitionError, record
from app.settings import get_settings

VALID_FOR = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _hash(ticket: Ticket, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{ticket.id}:{code}".encode(), hashlib.sha256).hexdigest()


async def send(db: AsyncSession, ticket: Ticket, actor: User, now: dt.datetime) -> None:
    if not consent_missing(ticket):
        raise TransitionError(_("There is no quote waiting for the resident's consent."))
    if ticket.reporter_id is None:
        raise TransitionError(_("The resident has no account to receive a code: ask the front desk to record consent by phone."))
    # A new code replaces any earlier one: only the latest message is valid.
    await db.execute(update(ConsentCode).where(ConsentCode.ticket_id == ticket.id, ConsentCode.used_at.is_(None))
                     .values(expires_at=now))
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
    if latest.attempts >= MAX_ATTEMPTS:
        return _("Too many wrong codes: send the resident a new one.")
    latest.attempts += 1
    if not hmac.compare_digest(latest.code_hash, _hash(ticket, code.strip())):
        return _("That code is not right. %(n)s tries left.", n=MAX_ATTEMPTS - latest.attempts)
    latest.used_at = now
    name = ticket.contact_name or _("Resident")
    ticket.consent_at, ticket.consent_by, ticket.consent_channel = now, name, "on_site"
    ticket.updated_by_id = actor.id
    record(db, ticket, actor, "consent", at=now, data={"by": name, "channel": "on_site", "total": f"{ticket.quote_total:.2f}"})
    return None
