"""Return visits (回访): who the desk calls after a job, by when, and what the call found.

The rules are the company's settings: every paid job within a day of completion; every free job the
resident rated below "satisfied" or did not rate; a fixed share of the rest within two days, chosen
by a hash of the ticket id so the same ticket is always in or out. A queue row is made when a ticket
reaches "completed" or "confirmed" (`consider`), and `catch_up` fills in rows for recent work that
reached those states some other way (the demo company, or before this feature existed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import DONE_STATUSES, Channel, Charge, ReturnVisit, Scope, Signoff, SiteRecord, Status, Technician, Ticket, TicketEvent, User
from app.services import company_settings, intake
from app.services.company_settings import CompanySettings
from app.services.validation import Checker, FormErrors
from app.services.workflow import Conflict, record

REASONS = ("paid", "low_rating", "unrated", "sample")
SATISFACTION = ("satisfied", "neutral", "dissatisfied")
SATISFIED_RATING = 4  # 4 and 5 stars are "satisfied"
# How far back the catch-up looks: older work is past every due time the rules can give.
CATCH_UP = dt.timedelta(days=3)


def sampled(ticket_id: int, percent: int) -> bool:
    """The same ticket is always in or out of the sample, whichever process asks."""
    digest = hashlib.sha256(f"return-visit:{ticket_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def decide(ticket: Ticket, settings: CompanySettings, completed_at: dt.datetime | None,
           confirmed_at: dt.datetime | None) -> tuple[str, dt.datetime] | None:
    """(reason, due time) for a visit, or None when the rules call for none."""
    # Public-area work has no resident to call.
    if ticket.scope is Scope.PUBLIC or not ticket.contact_phone:
        return None
    hours = {**company_settings.DEFAULTS["return_visit_hours"], **settings.values.get("return_visit_hours", {})}
    finished = completed_at or confirmed_at
    rated = confirmed_at or finished
    if finished is None:
        return None
    if ticket.charge is Charge.PAID:
        return "paid", finished + dt.timedelta(hours=hours["paid"])
    # Warranty work is the developer's: sampled like satisfied work, never called for its rating.
    if ticket.charge is not Charge.WARRANTY:
        if ticket.rating is not None and ticket.rating < SATISFIED_RATING:
            return "low_rating", rated + dt.timedelta(hours=hours["low_rating"])
        if ticket.rating is None:
            return "unrated", finished + dt.timedelta(hours=hours["unrated"])
    percent = int(settings.values.get("return_visit_sample_percent", company_settings.DEFAULTS["return_visit_sample_percent"]))
    if sampled(ticket.id, percent):
        return "sample", rated + dt.timedelta(hours=hours["sample"])
    return None


async def _moments(db: AsyncSession, ticket_ids: list[int]) -> dict[int, tuple[dt.datetime | None, dt.datetime | None]]:
    rows = await db.execute(
        select(TicketEvent.ticket_id,
               func.min(case((TicketEvent.to_status == Status.COMPLETED, TicketEvent.at))),
               func.min(case((TicketEvent.to_status == Status.CONFIRMED, TicketEvent.at))))
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.to_status.in_((Status.COMPLETED, Status.CONFIRMED)))
        .group_by(TicketEvent.ticket_id)
    )
    return {ticket_id: (completed, confirmed) for ticket_id, completed, confirmed in rows}


async def consider(db: AsyncSession, ticket: Ticket, now: dt.datetime, settings: CompanySettings | None = None) -> ReturnVisit | None:
    """Called where a ticket becomes completed or confirmed: queue, re-time or drop its visit."""
    settings = settings or await company_settings.load(db)
    completed_at, confirmed_at = (await _moments(db, [ticket.id])).get(ticket.id, (None, None))
    if ticket.status is Status.COMPLETED:
        completed_at = completed_at or now
    elif ticket.status is Status.CONFIRMED:
        confirmed_at = confirmed_at or now
    return await _apply(db, ticket, settings, completed_at, confirmed_at)


async def _apply(db: AsyncSession, ticket: Ticket, settings: CompanySettings, completed_at: dt.datetime | None,
                 confirmed_at: dt.datetime | None) -> ReturnVisit | None:
    visit = await db.scalar(select(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id))
    decision = decide(ticket, settings, completed_at, confirmed_at)
    if visit is None:
        if decision is None:
            return None
        visit = ReturnVisit(ticket_id=ticket.id, reason=decision[0], due_at=decision[1], attempts=0, comment="")
        try:
            async with db.begin_nested():
                db.add(visit)
        except IntegrityError:  # another request queued it first: theirs stands
            return await db.scalar(select(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id))
        return visit
    # Once the desk has started calling, the visit is theirs; before, the rating may change the reason
    # (a job waiting for its rating as "unrated" turns out satisfied, or poorly rated).
    if visit.outcome is None and visit.attempts == 0:
        if decision is None:
            await db.delete(visit)
            return None
        visit.reason, visit.due_at = decision
    return visit


async def catch_up(db: AsyncSession, now: dt.datetime, settings: CompanySettings) -> int:
    """Queue rows for recent finished work that has none; idempotent thanks to the unique ticket id."""
    recent = (select(TicketEvent.ticket_id)
              .where(TicketEvent.to_status.in_((Status.COMPLETED, Status.CONFIRMED)), TicketEvent.at >= now - CATCH_UP))
    tickets = list(await db.scalars(
        select(Ticket)
        .outerjoin(ReturnVisit, ReturnVisit.ticket_id == Ticket.id)
        .where(Ticket.id.in_(recent), ReturnVisit.id.is_(None), Ticket.status.in_(DONE_STATUSES), Ticket.scope == Scope.IN_HOME)
    ))
    if not tickets:
        return 0
    moments = await _moments(db, [t.id for t in tickets])
    made = 0
    for ticket in tickets:
        completed_at, confirmed_at = moments.get(ticket.id, (None, None))
        if await _apply(db, ticket, settings, completed_at, confirmed_at) is not None:
            made += 1
    return made


@dataclass
class QueueRow:
    visit: ReturnVisit
    ticket: Ticket
    technician: str
    work_done: str
    rating_comment: str
    overdue: bool
    follow_up: Ticket | None = None


def overdue(visit: ReturnVisit, now: dt.datetime) -> bool:
    """Past due and still not recorded; at the due time itself it is not yet late."""
    return visit.outcome is None and now > visit.due_at


async def _rows(db: AsyncSession, pairs: list[tuple[ReturnVisit, Ticket]], now: dt.datetime) -> list[QueueRow]:
    ids = [t.id for _v, t in pairs]
    if not ids:
        return []
    technicians = dict((await db.execute(select(Technician.id, User.name).join(User, User.id == Technician.user_id))).all())
    work = dict((await db.execute(select(SiteRecord.ticket_id, SiteRecord.work_done).where(SiteRecord.ticket_id.in_(ids)))).all())
    comments = dict((await db.execute(select(Signoff.ticket_id, Signoff.comment).where(Signoff.ticket_id.in_(ids)))).all())
    follow_ids = [v.follow_up_ticket_id for v, _t in pairs if v.follow_up_ticket_id]
    follow = {t.id: t for t in await db.scalars(select(Ticket).where(Ticket.id.in_(follow_ids)))} if follow_ids else {}
    return [QueueRow(v, t, technicians.get(t.technician_id, ""), work.get(t.id, ""), comments.get(t.id, "") or "",
                     overdue(v, now), follow.get(v.follow_up_ticket_id)) for v, t in pairs]


async def queue(db: AsyncSession, now: dt.datetime) -> list[QueueRow]:
    pairs = (await db.execute(select(ReturnVisit, Ticket).join(Ticket, Ticket.id == ReturnVisit.ticket_id)
                              .where(ReturnVisit.outcome.is_(None)).order_by(ReturnVisit.due_at, ReturnVisit.id))).all()
    return await _rows(db, [tuple(p) for p in pairs], now)


async def recent(db: AsyncSession, now: dt.datetime, limit: int = 20) -> list[QueueRow]:
    """The latest recorded visits, so a clerk can see what a colleague has already done."""
    pairs = (await db.execute(select(ReturnVisit, Ticket).join(Ticket, Ticket.id == ReturnVisit.ticket_id)
                              .where(ReturnVisit.outcome.is_not(None)).order_by(ReturnVisit.recorded_at.desc()).limit(limit))).all()
    return await _rows(db, [tuple(p) for p in pairs], now)


async def of(db: AsyncSession, ticket: Ticket) -> ReturnVisit | None:
    return await db.scalar(select(ReturnVisit).where(ReturnVisit.ticket_id == ticket.id))


class ProblemDuplicates(FormErrors):
    """The problem raised is already an open ticket for this unit and trade: link to it or say it differs."""

    def __init__(self, errors: dict[str, str], candidates: list[intake.Candidate]) -> None:
        super().__init__(errors)
        self.candidates = candidates


async def record_call(db: AsyncSession, visit_id: int, form: dict[str, str], ctx: intake.Context) -> ReturnVisit:
    """One call: not reached (another attempt, or unreachable after the last one) or reached with the
    resident's satisfaction, and perhaps a problem that becomes a new ticket linked to this one."""
    visit = await db.get(ReturnVisit, visit_id)
    if visit is None:
        raise LookupError(visit_id)
    key = (form.get("key") or "")[:64]
    if key and key == visit.last_key:
        return visit  # the same form again: it is saved already
    if visit.outcome is not None or form.get("attempts", "") != str(visit.attempts):
        by = await db.get(User, visit.recorded_by_id) if visit.recorded_by_id else None
        raise Conflict(by=by.name if by else _("a colleague"), at=visit.recorded_at or visit.updated_at)
    ticket = await db.get(Ticket, visit.ticket_id)
    check = Checker(form)
    reached = form.get("reached", "")
    if reached not in {"yes", "no"}:
        check.fail("reached", _("Say whether you reached the resident."))
    comment = check.text("comment", required=False, max_len=500)
    problem = reached == "yes" and form.get("problem") == "yes"
    if reached == "yes" and form.get("satisfaction") not in SATISFACTION:
        check.fail("satisfaction", _("Choose how satisfied the resident is."))
    if problem and not comment:
        check.fail("comment", _("Describe the problem: it becomes the new ticket's description."))
    check.raise_if_errors()

    actor, now = ctx.actor, ctx.now
    visit.last_key = key or None
    if reached == "no":
        visit.attempts += 1
        visit.last_attempt_at = now
        limit = int(ctx.settings.values.get("return_visit_max_attempts", company_settings.DEFAULTS["return_visit_max_attempts"]))
        if visit.attempts >= limit:
            visit.outcome, visit.recorded_by_id, visit.recorded_at = "unreachable", actor.id, now
        visit.comment = comment or visit.comment
        record(db, ticket, actor, "return_visit", at=now, note=comment,
               data={"outcome": visit.outcome or "not_reached", "attempt": visit.attempts})
        return visit

    visit.outcome, visit.satisfaction, visit.comment = "reached", form["satisfaction"], comment
    visit.recorded_by_id, visit.recorded_at = actor.id, now
    data: dict = {"outcome": "reached", "satisfaction": visit.satisfaction}
    if problem:
        follow_up = await _open_follow_up(db, visit, ticket, form, comment, ctx)
        visit.follow_up_ticket_id = follow_up.id
        data["follow_up"] = follow_up.number
    record(db, ticket, actor, "return_visit", at=now, note=comment, data=data)
    return visit


async def _open_follow_up(db: AsyncSession, visit: ReturnVisit, old: Ticket, form: dict, comment: str,
                          ctx: intake.Context) -> Ticket:
    """The problem as a new report through the normal intake: numbering, SLA and duplicate rules hold."""
    report = {
        "channel": Channel.RETURN_VISIT.value,
        "unit_id": str(old.unit_id or ""),
        "trade_code": old.trade_code or "",
        "description": comment,
        "contact_name": old.contact_name,
        "contact_phone": old.contact_phone,
        "access": old.access,
        "duplicate_decision": form.get("duplicate_decision", ""),
        # A resent form (or two clerks' identical submits) makes one ticket, not two.
        "idempotency_key": f"rv{visit.id}-{visit.last_key or visit.version}"[:64],
    }
    try:
        new = await intake.create_report(db, report, [], None, ctx)
    except intake.DuplicatesFound as found:
        numbers = ", ".join(c.number for c in found.candidates)
        raise ProblemDuplicates({"duplicate_decision": _("%(numbers)s is already open for this unit and trade: link the problem to it, or say it is a different fault.",
                                                         numbers=numbers)}, found.candidates) from None
    except FormErrors as exc:
        raise FormErrors({"problem": " ".join(exc.errors.values())}) from None
    if new.parent_id != old.id:
        new.parent_id = old.id
    record(db, new, ctx.actor, "return_visit_follow_up", at=ctx.now, data={"original": old.number})
    return new
