"""Return visits (回访): the rules on their boundaries, the hooks at completion and sign-off, the desk's
queue, recording calls (reached, not reached, unreachable) and a problem that opens a linked ticket."""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import func, select

from app.models import (
    Channel, Charge, Occupancy, ReturnVisit, Role, Scope, Status, Technician, Ticket, TicketEvent, Unit, Urgency, User,
)
from app.services import company_settings, return_visits
from app.services.company_settings import CompanySettings
from tests.conftest import ACCOUNTS, csrf, login
from tests.integration.helpers import db_session, post
from tests.integration.test_board import run
from tests.integration.test_tech_day import make_job, record, switch, tap

HOUR = dt.timedelta(hours=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def settings_with(**changes) -> CompanySettings:
    values = copy.deepcopy(company_settings.DEFAULTS)
    values.update(changes)
    return CompanySettings(values)


def quiet_unit(db):  # noqa: ANN001, ANN201
    """A unit with a resident and no tickets yet: duplicates and repeats start from nothing."""
    used = select(Ticket.unit_id).where(Ticket.unit_id.is_not(None))
    return db.execute(
        select(Unit, User).join(Occupancy, Occupancy.unit_id == Unit.id).join(User, User.id == Occupancy.user_id)
        .where(Unit.id.not_in(used), User.role == Role.RESIDENT).order_by(func.random()).limit(1)
    ).first()


def done_job(settings, *, charge=Charge.FREE, rating=None, completed_ago=HOUR, confirmed_ago=None, trade="plumbing",
             tech="tech01", quote=None, unit_id=None) -> str:
    """A finished job with its completion (and confirmation) events, without a return-visit row."""
    now = utcnow()
    with db_session(settings) as db:
        if unit_id is None:
            unit, resident = quiet_unit(db)
        else:
            unit = db.get(Unit, unit_id)
            resident = db.scalar(select(User).join(Occupancy, Occupancy.user_id == User.id).where(Occupancy.unit_id == unit_id))
        technician = db.scalar(select(Technician).join(User, User.id == Technician.user_id).where(User.username == tech))
        ticket = Ticket(number=f"RV{uuid.uuid4().hex[:10].upper()}", channel=Channel.PHONE,
                        status=Status.CONFIRMED if confirmed_ago else Status.COMPLETED, urgency=Urgency.NORMAL,
                        trade_code=trade, description="厨房水龙头漏水", estate_id=unit.building.estate_id,
                        building_id=unit.building_id, unit_id=unit.id, reporter_id=resident.id, contact_name=resident.name,
                        contact_phone=resident.phone, technician_id=technician.id, charge=charge, rating=rating,
                        quote_total=quote)
        db.add(ticket)
        db.flush()
        completed_at = now - completed_ago
        db.add(TicketEvent(ticket_id=ticket.id, at=completed_at - 2 * HOUR, kind="created", to_status=Status.NEW, note=""))
        db.add(TicketEvent(ticket_id=ticket.id, at=completed_at, kind="status", from_status=Status.IN_PROGRESS,
                           to_status=Status.COMPLETED, note=""))
        if confirmed_ago:
            db.add(TicketEvent(ticket_id=ticket.id, at=now - confirmed_ago, kind="status", from_status=Status.COMPLETED,
                               to_status=Status.CONFIRMED, note=""))
        db.commit()
        return ticket.number


def consider(settings, number):  # noqa: ANN001, ANN201
    async def work(db):  # noqa: ANN001, ANN202
        ticket = await db.scalar(select(Ticket).where(Ticket.number == number))
        visit = await return_visits.consider(db, ticket, utcnow())
        return (visit.reason, visit.due_at) if visit else None

    return run(settings, work)


def visit_of(settings, number) -> ReturnVisit | None:
    with db_session(settings) as db:
        return db.scalar(select(ReturnVisit).join(Ticket, Ticket.id == ReturnVisit.ticket_id).where(Ticket.number == number))


def event_at(settings, number, status) -> dt.datetime:
    with db_session(settings) as db:
        at = db.scalar(select(TicketEvent.at).join(Ticket).where(Ticket.number == number, TicketEvent.to_status == status))
    return at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at


def fake(ticket_id=7, charge=Charge.FREE, rating=None, scope=Scope.IN_HOME, phone="19900000001") -> Ticket:
    return Ticket(id=ticket_id, charge=charge, rating=rating, scope=scope, contact_phone=phone)


# --- the rules ------------------------------------------------------------------------------------

def test_rules_on_their_boundaries():
    done = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.timezone.utc)
    rated = done + 3 * HOUR
    none, every = settings_with(return_visit_sample_percent=0), settings_with(return_visit_sample_percent=100)
    # Every paid job, within 24 h of its completion, whatever the rating.
    assert return_visits.decide(fake(charge=Charge.PAID, rating=5), none, done, rated) == ("paid", done + 24 * HOUR)
    assert return_visits.decide(fake(charge=Charge.PAID), none, None, rated) == ("paid", rated + 24 * HOUR)
    # A free job rated 4 ("satisfied") only when sampled, within 48 h of the rating; rated 3 always, within 24 h.
    assert return_visits.decide(fake(rating=4), none, done, rated) is None
    assert return_visits.decide(fake(rating=4), every, done, rated) == ("sample", rated + 48 * HOUR)
    assert return_visits.decide(fake(rating=3), none, done, rated) == ("low_rating", rated + 24 * HOUR)
    assert return_visits.decide(fake(rating=1), none, done, rated)[0] == "low_rating"
    # Not rated: called within 24 h of completion; "not decided" charges count as free.
    assert return_visits.decide(fake(), none, done, None) == ("unrated", done + 24 * HOUR)
    assert return_visits.decide(fake(charge=None), none, done, None)[0] == "unrated"
    # The developer's warranty work and public areas: sampled or nothing.
    assert return_visits.decide(fake(charge=Charge.WARRANTY), none, None, rated) is None
    assert return_visits.decide(fake(scope=Scope.PUBLIC, charge=Charge.PAID), every, done, rated) is None
    # The hours are the company's.
    hours = {"paid": 12, "low_rating": 6, "unrated": 30, "sample": 72}
    assert return_visits.decide(fake(charge=Charge.PAID), settings_with(return_visit_hours=hours), done, None) == ("paid", done + 12 * HOUR)


def test_the_sample_is_deterministic_and_near_its_share():
    picks = [return_visits.sampled(ticket_id, 20) for ticket_id in range(1, 2001)]
    assert picks == [return_visits.sampled(ticket_id, 20) for ticket_id in range(1, 2001)]
    assert 0.17 < sum(picks) / len(picks) < 0.23
    assert not any(return_visits.sampled(i, 0) for i in range(1, 200)) and all(return_visits.sampled(i, 100) for i in range(1, 200))


def test_overdue_is_exactly_past_due_and_never_once_recorded():
    due = dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.timezone.utc)
    visit = ReturnVisit(due_at=due, attempts=0)
    assert not return_visits.overdue(visit, due)
    assert return_visits.overdue(visit, due + dt.timedelta(seconds=1))
    visit.outcome = "reached"
    assert not return_visits.overdue(visit, due + dt.timedelta(days=3))


def test_settings_keep_the_sample_share_a_percentage():
    assert company_settings.validate("return_visit_sample_percent", "35") == 35
    for bad in ("150", "-1", "x"):
        with pytest.raises(ValueError):
            company_settings.validate("return_visit_sample_percent", bad)
    with pytest.raises(ValueError):
        company_settings.validate("return_visit_hours", {"paid": 24})
    with pytest.raises(ValueError):
        company_settings.validate("repeat_window_days", "0")


def test_the_admin_edits_the_rules_on_the_settings_page(as_role):
    client = as_role("admin")
    page = client.get("/admin/settings").text
    for name in ("return_visit_sample_percent", "return_visit_max_attempts", "repeat_window_days", "return_visit_hours.paid",
                 "return_visit_hours.sample"):
        assert f'name="{name}"' in page, name
    form = {m[0]: m[1] for m in re.findall(r'<input type="number" name="([^"]+)" value="([^"]*)"', page)}
    texts = {m[0]: m[1] for m in re.findall(r'<textarea name="([^"]+)" rows="6" >(.*?)</textarea>', page, re.S)}
    import html

    data = {**form, **{k: html.unescape(v) for k, v in texts.items()}, "return_visit_sample_percent": "150"}
    refused = post(client, "/admin/settings", data)
    assert refused.status_code == 422 and 'name="return_visit_sample_percent" value="150"' in refused.text
    assert "0" in refused.text.split('id="err-return_visit_sample_percent"')[1][:80]


# --- the hooks ------------------------------------------------------------------------------------

def test_completing_a_paid_job_queues_it_due_24_hours_after(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS, charge=Charge.PAID, quote=200.0)
    login(client, "tech01")
    record(client, number, charge="paid", labour=[("L-TAP", "1")])
    assert tap(client, number, "completed").status_code == 200
    visit = visit_of(demo_settings, number)
    assert visit.reason == "paid" and visit.due_at == event_at(demo_settings, number, Status.COMPLETED) + 24 * HOUR
    # The resident's good rating does not take a paid job out of the queue.
    assert post(client, f"/tech/jobs/{number}/signoff", {"attitude": "5", "skill": "5", "timeliness": "5", "overall": "5",
                                                         "method": "cash"}).status_code == 200
    assert visit_of(demo_settings, number).reason == "paid"


def test_a_free_jobs_rating_decides_its_visit(client, demo_settings):
    first, second = make_job(demo_settings, status=Status.IN_PROGRESS), make_job(demo_settings, status=Status.IN_PROGRESS)
    login(client, "tech01")
    for number in (first, second):
        record(client, number)
        assert tap(client, number, "completed").status_code == 200
        # Until the resident rates it, a free job waits as "not rated", due 24 h after completion.
        visit = visit_of(demo_settings, number)
        assert visit.reason == "unrated" and visit.due_at == event_at(demo_settings, number, Status.COMPLETED) + 24 * HOUR
    post(client, f"/tech/jobs/{first}/signoff", {"attitude": "3", "skill": "3", "timeliness": "3", "overall": "3"})
    post(client, f"/tech/jobs/{second}/signoff", {"attitude": "5", "skill": "4", "timeliness": "4", "overall": "4"})
    low = visit_of(demo_settings, first)
    assert low.reason == "low_rating" and low.due_at == event_at(demo_settings, first, Status.CONFIRMED) + 24 * HOUR
    satisfied = visit_of(demo_settings, second)
    with db_session(demo_settings) as db:
        second_id = db.scalar(select(Ticket.id).where(Ticket.number == second))
    if return_visits.sampled(second_id, 20):
        assert satisfied.reason == "sample" and satisfied.due_at == event_at(demo_settings, second, Status.CONFIRMED) + 48 * HOUR
    else:
        assert satisfied is None


def test_rated_4_is_queued_only_when_sampled_and_rated_3_always(demo_settings):
    for _ in range(3):
        number = done_job(demo_settings, rating=4, confirmed_ago=HOUR, completed_ago=2 * HOUR)
        with db_session(demo_settings) as db:
            ticket_id = db.scalar(select(Ticket.id).where(Ticket.number == number))
        decided = consider(demo_settings, number)
        assert (decided is not None) == return_visits.sampled(ticket_id, 20)
        if decided:
            assert decided[0] == "sample"
    assert consider(demo_settings, done_job(demo_settings, rating=3, confirmed_ago=HOUR))[0] == "low_rating"
    # Consider twice: still one row (the ticket id is unique).
    number = done_job(demo_settings, charge=Charge.PAID, quote=80)
    consider(demo_settings, number)
    consider(demo_settings, number)
    with db_session(demo_settings) as db:
        assert db.scalar(select(func.count()).select_from(ReturnVisit).join(Ticket, Ticket.id == ReturnVisit.ticket_id)
                         .where(Ticket.number == number)) == 1


# --- the desk's queue -----------------------------------------------------------------------------

def test_the_queue_shows_due_overdue_contact_job_and_rating_and_catches_up(as_role, demo_settings):
    late = done_job(demo_settings, charge=Charge.PAID, quote=120, completed_ago=25 * HOUR)
    fresh = done_job(demo_settings, rating=2, completed_ago=2 * HOUR, confirmed_ago=HOUR)
    consider(demo_settings, late)
    missed = done_job(demo_settings, completed_ago=3 * HOUR)  # no row yet: the page's catch-up makes it
    assert visit_of(demo_settings, missed) is None

    page = as_role("desk").get("/desk/return-visits")
    assert page.status_code == 200
    html = page.text
    cards = {n: html.split(f'data-testid="visit-{n}"')[1].split("</article>")[0] for n in (late, fresh, missed)}
    assert 'data-testid="overdue"' in cards[late] and 'data-testid="overdue"' not in cards[fresh]
    assert re.search(r'href="tel:1\d{10}"', cards[late]) and "厨房水龙头漏水" in cards[late]
    assert "2/5" in cards[fresh] and "★★☆☆☆" in cards[fresh]
    assert visit_of(demo_settings, missed).reason == "unrated"
    # Overdue rows first: the queue is in due order.
    assert html.index(f'data-testid="visit-{late}"') < html.index(f'data-testid="visit-{fresh}"')
    # The desk home links to the queue; the ticket page shows the visit.
    assert 'href="/desk/return-visits"' in as_role("desk").get("/desk").text
    panel = as_role("desk").get(f"/tickets/{late}/aftercare").text
    assert 'data-testid="return-visit"' in panel


def visit_form(client, number) -> dict:
    html = client.get("/desk/return-visits").text
    card = html.split(f'data-testid="visit-{number}"')[1].split("</article>")[0]
    return {
        "action": re.search(r'action="([^"#]+)', card).group(1),
        "key": re.search(r'name="key" value="([^"]+)"', card).group(1),
        "attempts": re.search(r'name="attempts" value="(\d+)"', card).group(1),
    }


def call(client, number, **fields):  # noqa: ANN001, ANN201
    form = visit_form(client, number)
    data = {"key": form["key"], "attempts": form["attempts"], **fields}
    return form, post(client, form["action"], data)


def test_not_reached_three_times_leaves_the_queue_as_unreachable(as_role, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=60)
    consider(demo_settings, number)
    client = as_role("desk")
    form, first = call(client, number, reached="no", comment="无人接听")
    assert first.status_code == 200 and f'data-testid="visit-{number}"' in first.text  # still in the queue
    # The same form again (a double click) records nothing more; an old form is refused.
    assert post(client, form["action"], {"key": form["key"], "attempts": "0", "reached": "no"}).status_code == 200
    assert visit_of(demo_settings, number).attempts == 1
    stale = post(client, form["action"], {"key": "another", "attempts": "0", "reached": "no"})
    assert stale.status_code == 409 and 'data-testid="visit-message"' in stale.text
    assert 'data-testid="attempts"' in client.get("/desk/return-visits").text.split(f'data-testid="visit-{number}"')[1].split("</article>")[0]
    call(client, number, reached="no")
    _, third = call(client, number, reached="no")
    assert third.status_code == 200 and f'data-testid="visit-{number}"' not in third.text
    visit = visit_of(demo_settings, number)
    assert (visit.attempts, visit.outcome, visit.recorded_at is not None) == (3, "unreachable", True)
    with db_session(demo_settings) as db:
        kinds = [e.data for e in db.scalars(select(TicketEvent).join(Ticket).where(Ticket.number == number, TicketEvent.kind == "return_visit")
                                            .order_by(TicketEvent.id))]
    assert [d["outcome"] for d in kinds] == ["not_reached", "not_reached", "unreachable"]


def test_reached_and_satisfied_is_recorded_as_an_event(as_role, demo_settings):
    number = done_job(demo_settings, rating=3, confirmed_ago=HOUR, completed_ago=2 * HOUR)
    consider(demo_settings, number)
    client = as_role("desk")
    # A bad form comes back with what was typed and the field named.
    _, missing = call(client, number, reached="yes", comment="师傅态度好")
    assert missing.status_code == 422 and "师傅态度好" in missing.text and 'id="err-satisfaction"' in missing.text
    _, ok = call(client, number, reached="yes", satisfaction="satisfied", comment="师傅态度好")
    assert ok.status_code == 200
    visit = visit_of(demo_settings, number)
    assert (visit.outcome, visit.satisfaction, visit.comment, visit.follow_up_ticket_id) == ("reached", "satisfied", "师傅态度好", None)
    timeline = client.get(f"/tickets/{number}").text
    assert "师傅态度好" in timeline


def test_a_problem_raised_opens_a_new_linked_ticket_through_intake(as_role, demo_settings):
    old = done_job(demo_settings, rating=2, trade="plumbing", confirmed_ago=HOUR, completed_ago=3 * HOUR)
    consider(demo_settings, old)
    client = as_role("desk")
    _, no_words = call(client, old, reached="yes", satisfaction="dissatisfied", problem="yes")
    assert no_words.status_code == 422 and 'id="err-comment"' in no_words.text
    form, made = call(client, old, reached="yes", satisfaction="dissatisfied", problem="yes", comment="水龙头还是滴水")
    assert made.status_code == 200 and "/tickets/BX" in str(made.url) and 'data-testid="created-banner"' in made.text
    new_number = str(made.url.path).rstrip("/").split("/")[-1]
    # Sent again: the same visit, the same new ticket.
    post(client, form["action"], {"key": form["key"], "attempts": "0", "reached": "yes", "satisfaction": "dissatisfied",
                                  "problem": "yes", "comment": "水龙头还是滴水"})
    with db_session(demo_settings) as db:
        old_ticket = db.scalar(select(Ticket).where(Ticket.number == old))
        new = db.scalar(select(Ticket).where(Ticket.number == new_number))
        assert db.scalar(select(func.count()).select_from(Ticket).where(Ticket.parent_id == old_ticket.id)) == 1
        events = {e.kind: e.data for e in db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == old_ticket.id))}
        new_events = {e.kind for e in db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == new.id))}
    assert re.fullmatch(r"BX\d{8}-\d{4}", new_number)
    assert (new.parent_id, new.channel, new.unit_id, new.trade_code, new.description, new.status) == (
        old_ticket.id, Channel.RETURN_VISIT, old_ticket.unit_id, "plumbing", "水龙头还是滴水", Status.TRIAGED)
    assert new.sla_due_at is None or new.sla_due_at > new.created_at
    assert events["return_visit"]["follow_up"] == new_number
    assert {"created", "return_visit_follow_up"} <= new_events
    assert visit_of(demo_settings, old).follow_up_ticket_id == new.id
    panel = client.get(f"/tickets/{new_number}/aftercare").text
    assert f'href="/tickets/{old}"' in panel and 'data-testid="repeat-of"' in panel


def test_a_problem_already_open_asks_to_link_or_register_a_different_fault(as_role, demo_settings):
    old = done_job(demo_settings, rating=1, trade="electrical", confirmed_ago=HOUR, completed_ago=3 * HOUR)
    with db_session(demo_settings) as db:
        unit_id = db.scalar(select(Ticket.unit_id).where(Ticket.number == old))
    open_one = done_job(demo_settings, trade="electrical", unit_id=unit_id)
    with db_session(demo_settings) as db:
        db.scalar(select(Ticket).where(Ticket.number == open_one)).status = Status.TRIAGED
        db.commit()
    consider(demo_settings, old)
    client = as_role("desk")
    form, asked = call(client, old, reached="yes", satisfaction="neutral", problem="yes", comment="插座又跳闸")
    assert asked.status_code == 422 and 'data-testid="duplicate-choice"' in asked.text and open_one in asked.text
    assert "插座又跳闸" in asked.text and visit_of(demo_settings, old).outcome is None
    made = post(client, form["action"], {"key": form["key"], "attempts": "0", "reached": "yes", "satisfaction": "neutral",
                                         "problem": "yes", "comment": "插座又跳闸", "duplicate_decision": "different"})
    assert made.status_code == 200 and 'data-testid="created-banner"' in made.text


def test_only_the_desk_side_reaches_the_queue(client, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=50)
    consider(demo_settings, number)
    visit_id = visit_of(demo_settings, number).id
    for account in ("dispatch1", "tech01", ACCOUNTS["resident"]):
        login(client, account)
        assert client.get("/desk/return-visits").status_code == 403, account
        refused = client.post(f"/desk/return-visits/{visit_id}", data={"reached": "no", "attempts": "0", "_csrf_token": csrf(client)})
        assert refused.status_code == 403, account
        client.post("/logout", data={"_csrf_token": csrf(client)})
    assert visit_of(demo_settings, number).attempts == 0
    login(client, "super1")
    assert client.get("/desk/return-visits").status_code == 200
    switch(client, "desk1")
    assert client.post("/desk/return-visits/999999999", data={"reached": "no", "_csrf_token": csrf(client)}).status_code == 404
