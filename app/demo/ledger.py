"""Turns drafted tickets into rows: ids and numbers in order of creation, events, daily counters."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.demo.clock import Clock
from app.demo.history import Draft


@dataclass
class TicketRows:
    tickets: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    counters: list[dict] = field(default_factory=list)


def number_tickets(drafts: list[Draft], clock: Clock) -> TicketRows:
    """Numbers run per local day of creation from 0001, as the desk's counter hands them out."""
    rows = TicketRows()
    # The drafting order breaks ties so that equal timestamps still number the same way every time.
    ordered = sorted(enumerate(drafts), key=lambda pair: (pair[1].created, pair[0]))
    per_day: Counter[str] = Counter()
    event_id = 0
    for ticket_id, (_, draft) in enumerate(ordered, start=1):
        day = clock.day_of(draft.created).strftime("%Y%m%d")
        per_day[day] += 1
        last = draft.events[-1]
        rows.tickets.append({
            "id": ticket_id, "number": f"BX{day}-{per_day[day]:04d}", "channel": draft.channel,
            "status": draft.status, "urgency": draft.urgency, "scope": draft.scope, "trade_code": draft.trade,
            "description": draft.description, "estate_id": draft.estate_id, "building_id": draft.building_id,
            "unit_id": draft.unit_id, "spot": draft.spot, "reporter_id": draft.reporter_id,
            "contact_name": draft.contact_name, "contact_phone": draft.contact_phone, "access": draft.access,
            "preferred_time": draft.preferred_time, "window_start": draft.window_start,
            "window_end": draft.window_end, "sla_due_at": draft.sla_due_at,
            "technician_id": draft.technician.id if draft.technician else None, "charge": draft.charge,
            "quote_total": draft.quote_total, "quote_lines": draft.quote_lines, "approvals": None,
            "consent_at": draft.consent_at, "consent_by": draft.contact_name if draft.consent_at else None,
            "consent_channel": "phone" if draft.consent_at else None, "warranty_status": draft.warranty_status,
            "duplicate_of_id": None, "parent_id": None,
            "rating": draft.rating, "idempotency_key": None, "version": len(draft.events),
            "updated_by_id": last["actor_id"], "created_at": draft.created, "updated_at": last["at"],
        })
        for event in draft.events:
            event_id += 1
            rows.events.append({"id": event_id, "ticket_id": ticket_id, **event,
                                "created_at": event["at"], "updated_at": event["at"]})
    setup = clock.now
    rows.counters = [{"id": n, "day": day, "last": last, "created_at": setup, "updated_at": setup}
                     for n, (day, last) in enumerate(sorted(per_day.items()), start=1)]
    return rows
