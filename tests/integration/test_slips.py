"""Coordination slips (协调单): opened from a paused job with an inspection inside half a working day,
due flags for the desk, and the escalation to a joint visit."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from app.models import CoordinationSlip, Status, Ticket, TicketEvent
from app.services.company_settings import DEFAULTS
from app.services.coordination import working_deadline
from tests.conftest import ACCOUNTS
from tests.integration.helpers import db_session, post
from tests.integration.test_tech_day import as_tech, make_job, switch, tap, ticket

RULE = DEFAULTS["coordination_slips"]

TZ = ZoneInfo("Asia/Shanghai")


def local(value: dt.datetime) -> str:
    return value.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


def test_half_a_working_day_skips_the_night():
    friday_4pm = dt.datetime(2026, 11, 27, 16, 0, tzinfo=TZ)
    assert working_deadline(friday_4pm, 4, TZ, RULE) == dt.datetime(2026, 11, 28, 10, 0, tzinfo=TZ)
    night = dt.datetime(2026, 11, 27, 23, 30, tzinfo=TZ)
    assert working_deadline(night, 4, TZ, RULE) == dt.datetime(2026, 11, 28, 12, 0, tzinfo=TZ)
    morning = dt.datetime(2026, 11, 27, 9, 0, tzinfo=TZ)
    assert working_deadline(morning, 4, TZ, RULE) == dt.datetime(2026, 11, 27, 13, 0, tzinfo=TZ)


def open_slip(client, settings) -> str:
    number = make_job(settings, status=Status.IN_PROGRESS)
    as_tech(client)
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30)
    inspection = min(soon, working_deadline(dt.datetime.now(dt.timezone.utc), 4, TZ, RULE))
    response = post(client, f"/tech/jobs/{number}/pause", {"reason": "parts", "note": "等压缩机到货", "inspection_at": local(inspection)})
    assert response.status_code == 200, response.text[:300]
    return number


def desk_on_a_slip(client, settings) -> tuple[str, int]:
    """A paused job's slip, and the desk signed in to act on it: (ticket number, slip id)."""
    number = open_slip(client, settings)
    switch(client, ACCOUNTS["desk"])
    with db_session(settings) as db:
        return number, db.scalar(select(CoordinationSlip.id).join(Ticket).where(Ticket.number == number))


def failed_key(client, number: str) -> str:
    """The key rendered into the slip's "agreement failed" form on a freshly loaded page."""
    page = client.get("/desk/slips").text
    card = page[page.index(f'data-testid="slip-{number}"'):]
    return re.search(r'name="action" value="failed"><input type="hidden" name="key" value="([^"]+)"', card).group(1)


def test_pausing_needs_a_reason_and_an_inspection_within_half_a_working_day(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    as_tech(client)
    too_late = local(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3))
    refused = post(client, f"/tech/jobs/{number}/pause", {"reason": "", "note": "等配件", "inspection_at": too_late})
    assert refused.status_code == 422 and "等配件" in refused.text and 'name="inspection_at"' in refused.text
    assert ticket(demo_settings, number).status is Status.IN_PROGRESS
    soon = min(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30), working_deadline(dt.datetime.now(dt.timezone.utc), 4, TZ, RULE))
    assert post(client, f"/tech/jobs/{number}/pause", {"reason": "contractor", "inspection_at": local(soon)}).status_code == 200
    assert ticket(demo_settings, number).status is Status.PAUSED
    with db_session(demo_settings) as db:
        slip = db.scalar(select(CoordinationSlip).join(Ticket).where(Ticket.number == number))
        assert slip.reason == "contractor" and slip.closed_at is None
    # Resuming the work closes the slip.
    assert tap(client, number, "in_progress").status_code == 200
    with db_session(demo_settings) as db:
        assert db.scalar(select(CoordinationSlip.closed_at).where(CoordinationSlip.id == slip.id)) is not None


def test_the_desk_sees_slips_due_for_follow_up_and_resident_update(client, demo_settings):
    number = open_slip(client, demo_settings)
    switch(client, ACCOUNTS["desk"])
    fresh = client.get("/desk/slips").text
    assert f'data-testid="slip-{number}"' in fresh
    with db_session(demo_settings) as db:
        slip_id = db.scalar(select(CoordinationSlip.id).join(Ticket).where(Ticket.number == number))
        db.execute(update(CoordinationSlip).where(CoordinationSlip.id == slip_id)
                   .values(opened_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=4)))
        db.commit()
    page = client.get("/desk/slips").text
    card = page[page.index(f'data-testid="slip-{number}"'):]
    card = card[:card.index("</form>")]
    assert 'data-testid="follow-up-due"' in card and 'data-testid="update-due"' not in card
    assert "/desk/slips" in client.get("/desk/slips/attention").text
    assert post(client, f"/desk/slips/{slip_id}", {"action": "followed_up"}).status_code == 200
    page = client.get("/desk/slips").text
    card = page[page.index(f'data-testid="slip-{number}"'):]
    assert 'data-testid="follow-up-due"' not in card[:card.index("</form>")]
    with db_session(demo_settings) as db:
        db.execute(update(CoordinationSlip).where(CoordinationSlip.id == slip_id)
                   .values(opened_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=6)))
        db.commit()
    page = client.get("/desk/slips").text
    card = page[page.index(f'data-testid="slip-{number}"'):]
    assert 'data-testid="update-due"' in card[:card.index("</form>")]
    assert post(client, f"/desk/slips/{slip_id}", {"action": "resident_updated"}).status_code == 200
    assert post(client, f"/desk/slips/{slip_id}", {"action": "nonsense"}).status_code == 409


def test_two_failed_agreements_within_a_week_call_for_a_joint_visit(client, demo_settings):
    number = open_slip(client, demo_settings)
    switch(client, ACCOUNTS["desk"])
    with db_session(demo_settings) as db:
        slip_id = db.scalar(select(CoordinationSlip.id).join(Ticket).where(Ticket.number == number))
        # One failure long ago does not count towards this week's two.
        old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)).isoformat()
        db.execute(update(CoordinationSlip).where(CoordinationSlip.id == slip_id).values(failures=[old]))
        db.commit()
    post(client, f"/desk/slips/{slip_id}", {"action": "failed"})
    with db_session(demo_settings) as db:
        assert db.scalar(select(CoordinationSlip.joint_visit).where(CoordinationSlip.id == slip_id)) is False
    post(client, f"/desk/slips/{slip_id}", {"action": "failed"})
    with db_session(demo_settings) as db:
        assert db.scalar(select(CoordinationSlip.joint_visit).where(CoordinationSlip.id == slip_id)) is True
        kinds = [e.data.get("action") for e in db.scalars(select(TicketEvent).join(Ticket).where(Ticket.number == number, TicketEvent.kind == "slip"))]
    assert kinds.count("failed") == 2 and kinds.count("joint_visit") == 1
    page = client.get("/desk/slips").text
    assert 'data-testid="joint-visit"' in page


def test_other_roles_cannot_act_on_slips(client, demo_settings):
    as_tech(client)
    assert client.get("/desk/slips").status_code == 403


def test_a_double_clicked_agreement_failed_counts_once(client, demo_settings):
    number, slip_id = desk_on_a_slip(client, demo_settings)
    key = failed_key(client, number)
    # The browser sends the same form twice: one failure, no joint visit.
    for _ in range(2):
        assert post(client, f"/desk/slips/{slip_id}", {"action": "failed", "key": key}).status_code == 200
    with db_session(demo_settings) as db:
        slip = db.get(CoordinationSlip, slip_id)
        assert len(slip.failures) == 1 and slip.joint_visit is False
    # A second click on a freshly loaded page is a second failure: two within the week call for the joint visit.
    fresh = failed_key(client, number)
    assert fresh != key
    assert post(client, f"/desk/slips/{slip_id}", {"action": "failed", "key": fresh}).status_code == 200
    with db_session(demo_settings) as db:
        assert db.scalar(select(CoordinationSlip.joint_visit).where(CoordinationSlip.id == slip_id)) is True


def test_two_desks_failing_the_same_slip_at_once_never_lose_a_failure(client, demo_settings, monkeypatch):
    from app.services import coordination

    number, slip_id = desk_on_a_slip(client, demo_settings)
    key = failed_key(client, number)
    looked_up = coordination._event_with_key

    async def other_desk_commits_first(db, ticket, *args, **kwargs):
        # This request has read the slip and its ticket; the other desk's "failed" lands now.
        with db_session(demo_settings) as other:
            slip = other.get(CoordinationSlip, slip_id)
            slip.failures = [*slip.failures, dt.datetime.now(dt.timezone.utc).isoformat()]
            other.add(TicketEvent(ticket_id=slip.ticket_id, at=dt.datetime.now(dt.timezone.utc), kind="slip",
                                  data={"action": "failed", "slip": slip_id}))
            other.get(Ticket, slip.ticket_id).updated_at = dt.datetime.now(dt.timezone.utc)
            other.commit()
        monkeypatch.setattr(coordination, "_event_with_key", looked_up)
        return await looked_up(db, ticket, *args, **kwargs)

    monkeypatch.setattr(coordination, "_event_with_key", other_desk_commits_first)
    refused = post(client, f"/desk/slips/{slip_id}", {"action": "failed", "key": key})
    assert refused.status_code == 409 and "同一时间" in refused.text
    with db_session(demo_settings) as db:
        slip = db.get(CoordinationSlip, slip_id)
        failed = [e for e in db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == slip.ticket_id, TicketEvent.kind == "slip"))
                  if (e.data or {}).get("action") == "failed"]
        assert len(slip.failures) == len(failed) == 1


def test_a_resent_pause_form_shows_the_saved_pause(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    as_tech(client)
    soon = min(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30), working_deadline(dt.datetime.now(dt.timezone.utc), 4, TZ, RULE))
    form = {"reason": "parts", "inspection_at": local(soon), "tap": "pause-1"}
    assert post(client, f"/tech/jobs/{number}/pause", form).status_code == 200
    again = post(client, f"/tech/jobs/{number}/pause", form)
    assert again.status_code == 200 and str(again.url).endswith(f"/tech/jobs/{number}")
    with db_session(demo_settings) as db:
        assert len(list(db.scalars(select(CoordinationSlip).join(Ticket).where(Ticket.number == number)))) == 1
    assert [e.to_status for e in db_session(demo_settings).scalars(
        select(TicketEvent).join(Ticket).where(Ticket.number == number, TicketEvent.to_status == Status.PAUSED))] == [Status.PAUSED]


def test_an_inspection_time_with_an_offset_is_converted_and_impossible_dates_are_field_errors(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    as_tech(client)
    for impossible in ("0001-01-01T00:00", "9999-12-31T23:59-05:00", "2026-13-40T25:00"):
        refused = post(client, f"/tech/jobs/{number}/pause", {"reason": "parts", "inspection_at": impossible})
        assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text, impossible
    soon = (min(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30),
                working_deadline(dt.datetime.now(dt.timezone.utc), 4, TZ, RULE))).replace(second=0, microsecond=0)
    # Sent in UTC with its offset: read as that moment, not as Shanghai's clock reading 8 hours off.
    assert post(client, f"/tech/jobs/{number}/pause", {"reason": "parts", "inspection_at": soon.isoformat()}).status_code == 200
    with db_session(demo_settings) as db:
        saved = db.scalar(select(CoordinationSlip.inspection_at).join(Ticket).where(Ticket.number == number))
    assert saved.astimezone(dt.timezone.utc) == soon
