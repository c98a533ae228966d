"""Repeat failures: a new report for the same unit and trade within the window is linked to the repair
it repeats, shown to the dispatcher with who did the first repair, and costs that repair its
first-time fix."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.models import Status, Ticket, TicketEvent
from app.services.reports import month
from tests.integration.helpers import db_session, form_key, post, ticket_number
from tests.integration.test_board import run
from tests.integration.test_return_visits import done_job, utcnow

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def report(client, unit_id: int, trade: str, description: str = "水龙头关不紧") -> str:  # noqa: ANN001
    with db_session(client.app.state.settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.unit_id == unit_id))
        name, phone = ticket.contact_name, ticket.contact_phone
    response = post(client, "/desk/report", {
        "channel": "phone", "unit_id": str(unit_id), "contact_name": name, "contact_phone": phone, "trade_code": trade,
        "description": description, "access": "someone_home", "urgency": "normal",
        "idempotency_key": form_key(client.get("/desk/report").text), "duplicate_decision": "different"})
    assert response.status_code == 200 and response.url.path.startswith("/tickets/BX"), response.text[:300]
    return ticket_number(response)


def finished(settings, *, days_ago: dt.timedelta, trade: str = "plumbing", status: Status = Status.CLOSED) -> tuple[str, int]:
    number = done_job(settings, trade=trade, rating=5, completed_ago=days_ago, confirmed_ago=days_ago - MINUTE, tech="tech01")
    with db_session(settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == number))
        ticket.status = status
        db.commit()
        return number, ticket.unit_id


def linked(settings, number: str) -> Ticket:
    with db_session(settings) as db:
        return db.scalar(select(Ticket).where(Ticket.number == number))


def kinds(settings, number: str) -> dict[str, dict]:
    with db_session(settings) as db:
        return {e.kind: e.data for e in db.scalars(select(TicketEvent).join(Ticket).where(Ticket.number == number))}


def test_day_30_is_inside_the_window_and_linked_with_events_on_both(as_role, demo_settings):
    old, unit_id = finished(demo_settings, days_ago=30 * DAY - 5 * MINUTE)
    client = as_role("desk")
    new = report(client, unit_id, "plumbing")
    with db_session(demo_settings) as db:
        old_id = db.scalar(select(Ticket.id).where(Ticket.number == old))
    assert linked(demo_settings, new).parent_id == old_id
    repeat = kinds(demo_settings, new)["repeat"]
    assert repeat["original"] == old and repeat["technician"]
    assert kinds(demo_settings, old)["repeated"] == {"repeat": new}
    # The ticket pages say so: who repaired it first, and on the old one that it failed again.
    panel = client.get(f"/tickets/{new}/aftercare").text
    assert 'data-testid="repeat-of"' in panel and old in panel and repeat["technician"] in panel
    assert 'data-testid="repeated-by"' in client.get(f"/tickets/{old}/aftercare").text
    timeline = client.get(f"/tickets/{new}").text
    assert 'id="aftercare-panel"' in timeline and old in timeline


def test_day_31_is_outside_and_another_trade_is_never_linked(as_role, demo_settings):
    client = as_role("desk")
    _old, unit_id = finished(demo_settings, days_ago=31 * DAY)
    assert linked(demo_settings, report(client, unit_id, "plumbing")).parent_id is None
    _old, unit_id = finished(demo_settings, days_ago=30 * DAY + 5 * MINUTE)
    assert linked(demo_settings, report(client, unit_id, "plumbing")).parent_id is None
    _old, unit_id = finished(demo_settings, days_ago=3 * DAY, trade="electrical")
    new = report(client, unit_id, "plumbing")
    assert linked(demo_settings, new).parent_id is None and "repeat" not in kinds(demo_settings, new)


def test_only_finished_work_counts_and_the_latest_repair_is_the_one_repeated(as_role, demo_settings):
    client = as_role("desk")
    first, unit_id = finished(demo_settings, days_ago=20 * DAY)
    second = done_job(demo_settings, trade="plumbing", rating=4, completed_ago=5 * DAY, confirmed_ago=5 * DAY - MINUTE, unit_id=unit_id)
    new = report(client, unit_id, "plumbing")
    assert kinds(demo_settings, new)["repeat"]["original"] == second != first


def test_the_dispatcher_sees_who_did_the_first_repair_on_the_board_queue(as_role, demo_settings):
    old, unit_id = finished(demo_settings, days_ago=2 * DAY)
    new = report(as_role("desk"), unit_id, "plumbing")
    # Give it a window today so the board's queue has it.
    now = utcnow()
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == new))
        ticket.window_start, ticket.window_end = now + dt.timedelta(hours=1), now + dt.timedelta(hours=3)
        db.commit()
    client = as_role("dispatcher")
    board = client.get("/board").text
    assert f'hx-get="/tickets/{new}/repeat-note"' in board
    note = client.get(f"/tickets/{new}/repeat-note").text
    technician = kinds(demo_settings, new)["repeat"]["technician"]
    assert 'data-testid="repeat-note"' in note and old in note and technician in note
    # A ticket that repeats nothing has no note.
    assert 'data-testid="repeat-note"' not in client.get(f"/tickets/{old}/repeat-note").text
    with db_session(demo_settings) as db:  # keep the shared board as other tests expect it
        db.scalar(select(Ticket).where(Ticket.number == new)).status = Status.CANCELLED
        db.commit()


def test_a_repeat_costs_the_first_repair_its_first_time_fix(as_role, demo_settings):
    first_day = utcnow().astimezone(TZ).date().replace(day=1)

    def stats() -> month.Facts:
        return run(demo_settings, lambda db: month.month_stats(db, first_day, TZ, utcnow())).total

    old, unit_id = finished(demo_settings, days_ago=dt.timedelta(hours=1))  # inside this month on any day
    before = stats()
    new = report(as_role("desk"), unit_id, "plumbing")
    after = stats()
    assert after.tickets == before.tickets + 1
    assert after.completed == before.completed  # the new report is not done yet
    assert after.first_time_fixed == before.first_time_fixed - 1
    assert linked(demo_settings, new).parent_id is not None and old in kinds(demo_settings, new)["repeat"]["original"]
