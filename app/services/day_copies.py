"""The board's copy of each day, brought up to date by reading only what changed since.

Every open board reads its day again after every change anywhere, and a change is nearly always
one ticket (a technician's tap, a booking): reading the day's 300 tickets as objects again was half
of the board's time. A copy is read in a session of its own and kept detached, so nothing a request
does to its own session (a rollback expires what that session loaded) reaches it; so a request
that changes the day commits before it draws the board. Changes themselves read the day in their
own transaction (`planning.load_day`).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import DayPlan, ShiftTemplate, Technician, Ticket, Trade
from app.services import planning
from app.services.company_settings import CompanySettings

COPIES_KEPT = 8


@dataclass(frozen=True)
class _Copy:
    places_at: tuple  # a renamed estate, building or unit: every ticket is read again
    tickets: dict[int, Ticket]  # by id, each as read at its version
    team: tuple
    technicians: list[Technician]
    shifts: dict[int, ShiftTemplate]
    trades: dict[str, Trade]
    plan_key: tuple
    plan: DayPlan | None


_COPIES: OrderedDict[tuple, _Copy] = OrderedDict()


async def board_day(db: AsyncSession, day: dt.date, tz: ZoneInfo, settings: CompanySettings,
                    signature: planning.DaySignature) -> planning.DayData:
    """The day as `planning.load_day` reads it, from the kept copy and what changed since: tickets
    whose version moved, the plan when its version did, the team when `signature.team` did,
    everything when a place was renamed."""
    key = (str(db.get_bind().url), day, tz.key)
    kept = _COPIES.get(key)
    if kept is not None and kept.places_at != signature.places_at:
        kept = None
    async with AsyncSession(db.bind, expire_on_commit=False) as own:
        versions = dict((await own.execute(select(Ticket.id, Ticket.version).where(planning.on_the_day(day, tz)))).all())
        stale = [i for i, v in versions.items() if kept is None or i not in kept.tickets or kept.tickets[i].version != v]
        fresh = list(await own.scalars(planning.day_tickets(day, tz).where(Ticket.id.in_(stale)))) if stale else []
        # The unit's code reads its building and estate: fetched now, while the session can still.
        await own.run_sync(lambda _s: [t.unit.full_code for t in fresh if t.unit is not None])
        if kept is not None and kept.team == signature.team:
            team, technicians, shifts, trades = kept.team, kept.technicians, kept.shifts, kept.trades
        else:
            team, (technicians, shifts), trades = signature.team, await planning.read_staff(own, day), await planning.read_trades(own)
        if kept is not None and kept.plan_key == signature.plan:
            plan_key, plan = kept.plan_key, kept.plan
        else:
            plan_key, plan = signature.plan, await planning.read_plan(own, day)
    tickets = {i: kept.tickets[i] for i in versions if i not in stale and kept is not None} | {t.id: t for t in fresh}
    _COPIES[key] = _Copy(signature.places_at, tickets, team, technicians, shifts, trades, plan_key, plan)
    _COPIES.move_to_end(key)
    while len(_COPIES) > COPIES_KEPT:
        _COPIES.popitem(last=False)
    return planning.assemble(day, tz, settings, technicians, shifts, [tickets[i] for i in sorted(tickets)], trades, plan)
