"""The ticket's state machine: one table of who may move a ticket from which state to which.

Every change goes through `transition`, which checks the rule, the ticket's version and the role,
and writes the event row the timelines, SLA clocks and statistics are computed from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.labels import status_name
from app.models import DONE_STATUSES, OPEN_STATUSES, Role, Status, Ticket, TicketEvent, User

S, R = Status, Role
DESK_SIDE = frozenset({R.DESK, R.SUPERVISOR, R.ADMIN})
PLANNERS = frozenset({R.DISPATCHER, R.SUPERVISOR, R.ADMIN})

# (from, to) -> roles allowed. Later features add rows here, not new mechanisms.
TRANSITIONS: dict[tuple[Status, Status], frozenset[Role]] = {
    (S.NEW, S.TRIAGED): DESK_SIDE | PLANNERS,
    (S.NEW, S.CANCELLED): DESK_SIDE | {R.RESIDENT},
    (S.TRIAGED, S.CANCELLED): DESK_SIDE | {R.RESIDENT},
    (S.NEW, S.AFTER_SALES): DESK_SIDE,
    (S.TRIAGED, S.AFTER_SALES): DESK_SIDE,
    (S.AFTER_SALES, S.TRIAGED): DESK_SIDE,  # after-sales refused: the company repairs it after all
    (S.AFTER_SALES, S.CONFIRMED): DESK_SIDE,
    (S.TRIAGED, S.ASSIGNED): PLANNERS,
    (S.ASSIGNED, S.TRIAGED): PLANNERS | {R.TECHNICIAN},  # declined, timed out or taken back
    (S.ACCEPTED, S.TRIAGED): PLANNERS,
    (S.ASSIGNED, S.ACCEPTED): frozenset({R.TECHNICIAN}),
    (S.ACCEPTED, S.EN_ROUTE): frozenset({R.TECHNICIAN}),
    (S.EN_ROUTE, S.ON_SITE): frozenset({R.TECHNICIAN}),
    (S.ON_SITE, S.IN_PROGRESS): frozenset({R.TECHNICIAN}),
    (S.EN_ROUTE, S.NO_ACCESS): frozenset({R.TECHNICIAN}),
    (S.ON_SITE, S.NO_ACCESS): frozenset({R.TECHNICIAN}),
    (S.NO_ACCESS, S.TRIAGED): DESK_SIDE | PLANNERS,
    (S.IN_PROGRESS, S.PAUSED): frozenset({R.TECHNICIAN}),
    (S.PAUSED, S.IN_PROGRESS): frozenset({R.TECHNICIAN}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({R.TECHNICIAN}),
    (S.COMPLETED, S.CONFIRMED): frozenset({R.RESIDENT, R.TECHNICIAN, R.DESK}),
    (S.CONFIRMED, S.CLOSED): DESK_SIDE,
}


class TransitionError(Exception):
    """A step the rules do not allow; the message says why in the user's language."""


@dataclass(frozen=True)
class Conflict(Exception):
    """Someone else saved the ticket since this user loaded it."""

    by: str
    at: dt.datetime


def allowed_targets(ticket: Ticket, role: Role) -> list[Status]:
    return [to for (frm, to), roles in TRANSITIONS.items() if frm == ticket.status and role in roles]


def check_version(ticket: Ticket, expected_version: int | None, changed_by: str) -> None:
    if expected_version is not None and expected_version != ticket.version:
        raise Conflict(by=changed_by, at=ticket.updated_at)


def record(db: AsyncSession, ticket: Ticket, actor: User | None, kind: str, *, note: str = "",
           data: dict | None = None, at: dt.datetime | None = None,
           from_status: Status | None = None, to_status: Status | None = None) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket.id,
        at=at or dt.datetime.now(dt.timezone.utc),
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    db.add(event)
    return event


# When the original's work is done, its linked duplicates reach its status too: they were the same fault.


async def carry_duplicates(db: AsyncSession, original: Ticket, actor: User | None, at: dt.datetime | None = None) -> int:
    """Move the open duplicates of `original` to its status, each with an event naming the original."""
    if original.status not in DONE_STATUSES:
        return 0
    followers = list(await db.scalars(
        select(Ticket).where(Ticket.duplicate_of_id == original.id, Ticket.status.in_(OPEN_STATUSES))
    ))
    for follower in followers:
        frm = follower.status
        follower.status = original.status
        follower.updated_by_id = actor.id if actor else None
        record(db, follower, actor, "followed", at=at, from_status=frm, to_status=original.status,
               data={"original": original.number})
    return len(followers)


def transition(db: AsyncSession, ticket: Ticket, to: Status, actor: User | None, *, note: str = "",
               data: dict | None = None, at: dt.datetime | None = None) -> TicketEvent:
    """`actor` None is the system itself (an offer timing out, an emergency re-plan): the step must
    still be one of the table's, but no role is checked."""
    roles = TRANSITIONS.get((ticket.status, to))
    if roles is None:
        raise TransitionError(_("A ticket that is “%(frm)s” cannot become “%(to)s”.",
                                frm=status_name(ticket.status), to=status_name(to)))
    if actor is not None and actor.role not in roles:
        raise TransitionError(_("Your role may not move a ticket to “%(to)s”.", to=status_name(to)))
    frm = ticket.status
    ticket.status = to
    ticket.updated_by_id = actor.id if actor else None
    return record(db, ticket, actor, "status", note=note, data=data, at=at, from_status=frm, to_status=to)
