"""A ticket's life as events: who moved it to which status and when, cut off at the demo's "now"."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from app.demo.clock import Clock
from app.demo.staff import SERVICE_MINUTES, TechInfo
from app.models import Channel, Charge, Role, Scope, Status, Urgency

S = Status
_FORWARD = (S.NEW, S.TRIAGED, S.ASSIGNED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE, S.IN_PROGRESS,
            S.COMPLETED, S.CONFIRMED, S.CLOSED)
_TECHNICIAN_STEPS = frozenset({S.ACCEPTED, S.EN_ROUTE, S.ON_SITE, S.IN_PROGRESS, S.PAUSED, S.NO_ACCESS,
                               S.COMPLETED})
WITH_TECHNICIAN = frozenset({S.ASSIGNED}) | _TECHNICIAN_STEPS | {S.CONFIRMED, S.CLOSED}
_RESIDENT_CHANNELS = frozenset({Channel.ONLINE})
_NOTES = {
    S.PAUSED: ("需更换配件，已订货，开协调单", "需邻户配合查漏，已开协调单", "需外协单位施工，已开协调单"),
    S.NO_ACCESS: ("敲门两次无人应答，电话未接通，需改约", "住户临时外出，约改期"),
    S.CANCELLED: ("住户已自行修好", "住户来电取消", "住户改约后取消"),
    S.CLOSED: ("回访满意", "回访：住户表示满意", "已回访，问题解决"),
    S.AFTER_SALES: ("在保修期内，已转开发商售后", "在保修期内，已转厂家售后"),
}


@dataclass
class Draft:
    """Everything a ticket row needs, before it has an id or a number."""

    created: dt.datetime
    channel: Channel
    urgency: Urgency
    scope: Scope
    trade: str
    description: str
    estate_id: int
    building_id: int | None
    unit_id: int | None
    spot: str | None
    reporter_id: int | None
    contact_name: str
    contact_phone: str
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    sla_due_at: dt.datetime
    target: Status
    technician: TechInfo | None
    charge: Charge
    quote_total: float | None
    quote_lines: list[dict] | None = None
    access: str = "someone_home"
    preferred_time: str = ""
    # Filled in by `play`.
    status: Status = S.NEW
    rating: int | None = None
    events: list[dict] = field(default_factory=list)
    consent_at: dt.datetime | None = None
    warranty_status: str | None = None


def path_to(target: Status, warranty: bool, rng: random.Random) -> list[Status]:
    """The steps from the report to `target`, along the transitions app.services.workflow allows."""
    if target == S.CANCELLED:
        return [S.NEW, S.TRIAGED, S.CANCELLED] if rng.random() < 0.5 else [S.NEW, S.CANCELLED]
    if target == S.NEW:
        return [S.NEW]
    if warranty:
        # In-warranty work goes to the developer's after-sales instead of our own technicians;
        # the desk confirms with the resident once they have fixed it.
        if target in (S.CONFIRMED, S.CLOSED):
            return [S.NEW, S.TRIAGED, S.AFTER_SALES, S.CONFIRMED, S.CLOSED][: 4 + (target == S.CLOSED)]
        return [S.NEW, S.TRIAGED, S.AFTER_SALES]
    if target == S.PAUSED:
        return [*_FORWARD[: _FORWARD.index(S.IN_PROGRESS) + 1], S.PAUSED]
    if target == S.NO_ACCESS:
        return [*_FORWARD[: _FORWARD.index(S.ON_SITE) + 1], S.NO_ACCESS]
    return list(_FORWARD[: _FORWARD.index(target) + 1])


def _minutes(value: float) -> dt.timedelta:
    return dt.timedelta(minutes=value)


class Player:
    """Walks a draft along its path with realistic gaps between steps and the right actor for each."""

    def __init__(self, rng: random.Random, clock: Clock, office: dict[Role, list[int]]) -> None:
        self.rng = rng
        self.clock = clock
        self.office = office

    def _desk_hours(self, moment: dt.datetime) -> dt.datetime:
        """Reports made overnight wait for the desk to open at 08:00."""
        minute = self.clock.minute_of(moment)
        day = self.clock.day_of(moment)
        if minute < 8 * 60:
            return self.clock.at(day, 8 * 60 + self.rng.uniform(0, 30))
        if minute > 21 * 60:
            return self.clock.at(day + dt.timedelta(days=1), 8 * 60 + self.rng.uniform(0, 30))
        return moment

    def _next_time(self, draft: Draft, step: Status, before: Status, prev: dt.datetime) -> dt.datetime:
        rng, fast = self.rng, draft.urgency in (Urgency.EMERGENCY, Urgency.URGENT)
        start = draft.window_start or prev
        if step == S.TRIAGED:
            if fast:
                return prev + _minutes(rng.uniform(1, 3))
            return self._desk_hours(prev + _minutes(rng.uniform(3, 40)))
        if step == S.ASSIGNED:
            if fast:
                return prev + _minutes(rng.uniform(1, 4))
            # The dispatcher plans each day early that morning.
            planned = self.clock.at(self.clock.day_of(start), rng.uniform(450, 500))
            return max(planned, prev + _minutes(rng.uniform(2, 20)))
        if step == S.ACCEPTED:
            return prev + _minutes(rng.uniform(0.5, 2) if fast else rng.uniform(1, 8))
        if step == S.EN_ROUTE:
            if fast:
                return prev + _minutes(rng.uniform(1, 2))
            return max(prev + _minutes(1), start + _minutes(rng.uniform(-25, 20)))
        if step == S.ON_SITE:
            return prev + _minutes(rng.uniform(3, 8) if fast else rng.uniform(4, 18))
        if step == S.NO_ACCESS:
            return prev + _minutes(rng.uniform(8, 15))
        if step == S.IN_PROGRESS:
            return prev + _minutes(rng.uniform(2, 10))
        if step == S.PAUSED:
            return prev + _minutes(rng.uniform(15, 50))
        if step == S.COMPLETED:
            return prev + _minutes(SERVICE_MINUTES[draft.trade] * rng.uniform(0.6, 1.5))
        if step == S.AFTER_SALES:
            return prev + _minutes(rng.uniform(1, 10))  # the desk checks the handover date while classifying
        if step == S.CONFIRMED and before == S.AFTER_SALES:
            return self._desk_hours(prev + _minutes(rng.uniform(24 * 60, 5 * 24 * 60)))
        if step == S.CONFIRMED and draft.scope == Scope.PUBLIC:
            return self._desk_hours(prev + _minutes(rng.uniform(30, 4 * 60)))
        if step == S.CONFIRMED:
            on_the_spot = rng.random() < 0.6
            return prev + _minutes(rng.uniform(2, 10) if on_the_spot else rng.uniform(60, 20 * 60))
        if step == S.CLOSED:
            return self._desk_hours(prev + _minutes(rng.uniform(4 * 60, 3 * 24 * 60)))
        if step == S.CANCELLED:
            latest = (draft.window_start or prev + _minutes(24 * 60)) - _minutes(30)
            return max(prev + _minutes(5), min(prev + _minutes(rng.uniform(20, 20 * 60)), latest))
        raise ValueError(step)

    def _actor(self, draft: Draft, step: Status, prev: Status | None) -> tuple[int | None, Role]:
        rng = self.rng
        if step in _TECHNICIAN_STEPS:
            assert draft.technician is not None
            return draft.technician.user_id, Role.TECHNICIAN
        if step == S.NEW:
            if draft.channel in _RESIDENT_CHANNELS and draft.reporter_id is not None:
                return draft.reporter_id, Role.RESIDENT
            return rng.choice(self.office[Role.DESK]), Role.DESK
        if step == S.ASSIGNED:
            return rng.choice(self.office[Role.DISPATCHER]), Role.DISPATCHER
        if step == S.CONFIRMED and draft.scope == Scope.IN_HOME and prev == S.COMPLETED:
            return draft.reporter_id, Role.RESIDENT
        if step == S.CLOSED:
            if rng.random() < 0.6:
                return self.office[Role.SUPERVISOR][0], Role.SUPERVISOR
            return rng.choice(self.office[Role.DESK]), Role.DESK
        if step == S.CANCELLED and prev == S.NEW and draft.channel in _RESIDENT_CHANNELS:
            return draft.reporter_id, Role.RESIDENT
        return rng.choice(self.office[Role.DESK]), Role.DESK

    def play(self, draft: Draft) -> None:
        """Fill in events, status, rating; drop the technician and charge where the path stops short."""
        now = self.clock.now
        steps = path_to(draft.target, draft.charge == Charge.WARRANTY, self.rng)
        at = draft.created
        prev: Status | None = None
        for step in steps:
            if prev is not None:
                at = self._next_time(draft, step, prev, at).replace(microsecond=0)
            if at > now:
                break
            actor_id, role = self._actor(draft, step, prev)
            note, data = "", None
            if step in _NOTES:
                note = self.rng.choice(_NOTES[step])
            if step == S.ASSIGNED:
                data = {"technician_id": draft.technician.id if draft.technician else None}
            if step == S.TRIAGED and draft.charge == Charge.PAID and self.rng.random() < 0.9:
                # The desk quotes on the phone and most residents agree there; the rest are still
                # thinking it over, and the board shows them as waiting for consent.
                draft.consent_at = at
            if step == S.IN_PROGRESS and draft.charge == Charge.PAID and draft.consent_at is None:
                # Otherwise the resident agrees to the quote at the door, before work starts.
                draft.consent_at = at
            if step == S.CONFIRMED and draft.scope == Scope.IN_HOME:
                draft.rating = self.rng.choices((5, 4, 3, 2, 1), weights=(60, 25, 9, 4, 2))[0]
                data = {"rating": draft.rating}
            draft.events.append({"at": at, "actor_id": actor_id, "actor_role": role,
                                 "kind": "created" if prev is None else "status",
                                 "from_status": prev, "to_status": step, "note": note, "data": data})
            prev = step
        assert prev is not None, "a draft is never created after the demo's now"
        draft.status = prev
        reached = {event["to_status"] for event in draft.events}
        if draft.status not in WITH_TECHNICIAN or S.ASSIGNED not in reached:
            draft.technician = None
        if S.AFTER_SALES in reached:
            done = draft.status in (S.CONFIRMED, S.CLOSED)
            draft.warranty_status = "confirmed" if done else self.rng.choice(("sent", "accepted", "fixed"))
        if draft.status == S.NEW:
            draft.charge, draft.quote_total = None, None  # type: ignore[assignment]
