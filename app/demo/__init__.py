"""The demo company: a fictional Beijing property manager with six estates, its people and tickets.

`load_demo(db)` fills an empty, migrated database; the caller commits. Everything is drawn from one
seeded random generator and dated relative to `today`, so the same day always gives the same data.
Rows go in as Core bulk inserts with explicit ids (one INSERT per table), which keeps the load to
seconds; on PostgreSQL the id sequences are then moved past the ids used.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.clock import Clock, IdSequence, local_today
from app.demo.ledger import number_tickets
from app.demo.places import build_places
from app.demo.residents import build_residents
from app.demo.staff import build_staff
from app.demo.takings import takings
from app.demo.tickets import DAY, TicketFactory
from app.models import (
    Building,
    Estate,
    Occupancy,
    Payment,
    ReceiptCounter,
    ShiftTemplate,
    Signoff,
    Technician,
    Ticket,
    TicketCounter,
    TicketEvent,
    Trade,
    Unit,
    User,
)
from app.security import hash_password

DEMO_PASSWORD = "baoxiu123"
DEMO_RESIDENT_PHONE = "19900000001"
DEMO_SEED = 20261123
HISTORY_DAYS = 14
OPEN_TODAY, OPEN_TOMORROW = 150, 100

__all__ = ["DEMO_PASSWORD", "DEMO_RESIDENT_PHONE", "DemoSummary", "load_demo"]


@dataclass(frozen=True)
class DemoSummary:
    today: dt.date
    estates: int
    buildings: int
    units: int
    residents: int
    occupancies: int
    staff: int
    technicians: int
    tickets: int
    events: int


async def _bulk(db: AsyncSession, model: type, rows: list[dict], stamp: dt.datetime | None = None) -> None:
    if not rows:
        return
    if stamp is not None:
        # A fixed stamp instead of the wall clock keeps two loads of the same day identical.
        rows = [{"created_at": stamp, "updated_at": stamp, **row} for row in rows]
    await db.execute(insert(model), rows)


async def _move_sequences_past_ids(db: AsyncSession, models: list[type]) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1; the app's next insert would collide without this."""
    if db.bind.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        await db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table}))"))


async def load_demo(db: AsyncSession, today: dt.date | None = None, seed: int = DEMO_SEED) -> DemoSummary:
    """Insert the demo company into an empty database; `today` defaults to today in Beijing."""
    today = today or local_today()
    rng = random.Random(seed)
    clock = Clock(today)
    # One argon2 hash for every account: 1,500 separate hashes would take over a minute.
    password_hash = hash_password(DEMO_PASSWORD)

    places = build_places(rng, today)
    user_ids = IdSequence()
    staff = build_staff(rng, places, user_ids, password_hash)
    residents = build_residents(rng, places, user_ids, password_hash)
    assert residents.people[residents.demo_resident_id].phone == DEMO_RESIDENT_PHONE

    factory = TicketFactory(rng, clock, places, residents, staff)
    factory.history(today - HISTORY_DAYS * DAY, HISTORY_DAYS)
    factory.open_work(OPEN_TODAY, OPEN_TOMORROW)
    factory.demo_resident()
    ticket_rows = number_tickets(factory.drafts, clock)
    takings_rows = takings(ticket_rows, clock, {t.id: t.user_id for t in staff.technicians}, seed)

    setup = clock.setup_time
    await _bulk(db, Trade, staff.trade_rows, setup)
    await _bulk(db, User, staff.user_rows + residents.user_rows, setup)
    await _bulk(db, Estate, places.estate_rows, setup)
    await _bulk(db, Building, places.building_rows, setup)
    await _bulk(db, Unit, places.unit_rows, setup)
    await _bulk(db, Occupancy, residents.occupancy_rows, setup)
    await _bulk(db, Technician, staff.technician_rows, setup)
    await _bulk(db, ShiftTemplate, staff.shift_rows, setup)
    await _bulk(db, Ticket, ticket_rows.tickets)
    await _bulk(db, TicketEvent, ticket_rows.events)
    await _bulk(db, TicketCounter, ticket_rows.counters)
    await _bulk(db, Signoff, takings_rows.signoffs)
    await _bulk(db, Payment, takings_rows.payments)
    await _bulk(db, ReceiptCounter, takings_rows.counters, setup)
    await _move_sequences_past_ids(db, [Trade, User, Estate, Building, Unit, Occupancy, Technician,
                                        ShiftTemplate, Ticket, TicketEvent, TicketCounter])
    await db.flush()
    return DemoSummary(
        today=today, estates=len(places.estate_rows), buildings=len(places.building_rows),
        units=len(places.unit_rows), residents=len(residents.user_rows),
        occupancies=len(residents.occupancy_rows), staff=len(staff.user_rows) - len(staff.technicians),
        technicians=len(staff.technicians), tickets=len(ticket_rows.tickets), events=len(ticket_rows.events),
    )
