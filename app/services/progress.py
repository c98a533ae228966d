"""What the resident sees of the visit: the ETA, messages about the ticket, the quote to accept on
site, the sign-off form and, afterwards, the ratings and the receipt."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Notice, Status, Ticket, User
from app.services import receipts, signoff, site_record
from app.services.tech_status import consent_missing

ON_THE_WAY = (Status.ACCEPTED, Status.EN_ROUTE)
AT_WORK = (Status.ON_SITE, Status.IN_PROGRESS, Status.PAUSED)


async def resident_view(db: AsyncSession, ticket: Ticket, user: User) -> dict:
    messages = list(await db.scalars(
        select(Notice).where(Notice.ticket_id == ticket.id, Notice.user_id == user.id, Notice.sent_at.is_not(None))
        .order_by(Notice.sent_at.desc(), Notice.id.desc()).limit(6)))
    return {
        "eta": ticket.eta_at if ticket.status in ON_THE_WAY else None,
        "messages": messages,
        "site": await site_record.of(db, ticket),
        "consent_on_site": consent_missing(ticket) and ticket.status in AT_WORK and ticket.reporter_id == user.id,
        "signed": await signoff.of(db, ticket),
        "payment": await receipts.of(db, ticket),
        "amount": await signoff.amount_due(db, ticket),
        "methods": receipts.METHODS,
        "may_sign": ticket.status is Status.COMPLETED and ticket.reporter_id == user.id,
    }
