"""What the residents' sign-offs and the technicians' takings would have left behind: one sign-off
per rated ticket and one payment with its receipt for each confirmed paid job, so the month's
satisfaction, the return visits and finance's reconciliation have a history to show."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from app.demo.clock import Clock
from app.demo.ledger import TicketRows
from app.models import Charge, Status
from app.services.receipts import format_receipt

# Share of the methods residents pay a repair with in a Beijing estate.
METHODS = (("wechat", 55), ("alipay", 30), ("cash", 10), ("card", 5))


@dataclass
class Takings:
    signoffs: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    counters: list[dict] = field(default_factory=list)


def _near(rng: random.Random, overall: int) -> int:
    return min(5, max(1, overall + rng.choice((-1, 0, 0, 0, 1))))


def takings(rows: TicketRows, clock: Clock, technician_users: dict[int, int], seed: int) -> Takings:
    # A stream of its own: the tickets drafted before stay exactly as they were.
    rng = random.Random(seed * 7919 + 17)
    out = Takings()
    confirmed: dict[int, dict] = {}
    for event in rows.events:
        if event["to_status"] is Status.CONFIRMED and event["ticket_id"] not in confirmed:
            confirmed[event["ticket_id"]] = event
    paid = []
    for ticket in rows.tickets:
        event = confirmed.get(ticket["id"])
        if event is None:
            continue
        if ticket["rating"] is not None:
            overall = ticket["rating"]
            out.signoffs.append({
                "ticket_id": ticket["id"], "attitude": _near(rng, overall), "skill": _near(rng, overall),
                "timeliness": _near(rng, overall), "overall": overall, "comment": "",
                "channel": rng.choice(("own_phone", "technician_phone")), "recorded_by_id": event["actor_id"],
                "at": event["at"], "created_at": event["at"], "updated_at": event["at"],
            })
        if ticket["charge"] is Charge.PAID and ticket["quote_total"] and ticket["technician_id"] in technician_users:
            paid.append((event["at"], ticket))
    per_day: Counter = Counter()
    for at, ticket in sorted(paid, key=lambda pair: (pair[0], pair[1]["id"])):
        day = clock.day_of(at)
        per_day[day] += 1
        method = rng.choices([m for m, _w in METHODS], weights=[w for _m, w in METHODS])[0]
        out.payments.append({
            "ticket_id": ticket["id"], "amount": ticket["quote_total"], "method": method,
            "receipt_no": format_receipt(day, per_day[day]), "recorded_by_id": technician_users[ticket["technician_id"]],
            "at": at, "created_at": at, "updated_at": at,
        })
    out.counters = [{"day": f"{day:%Y%m%d}", "last": last} for day, last in sorted(per_day.items())]
    return out
