"""The technician's day through the app: taps and their events, notices to the resident, the on-site
record and re-quote, the one-time code, sign-off with a receipt, and the late flag."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.models import (
    Channel, Charge, ConsentCode, Notice, Occupancy, Payment, Signoff, Status, Technician, Ticket, TicketEvent,
    Unit, Urgency, User,
)
from app.services.tech_status import late_unannounced
from tests.conftest import ACCOUNTS, csrf, login
from tests.integration.helpers import db_session, post

TZ = ZoneInfo("Asia/Shanghai")
HTMX = {"HX-Request": "true"}


def make_job(settings, *, status=Status.ACCEPTED, charge=None, quote=None, window_hours=(-1, 1), tech="tech01") -> str:
    """A job on `tech`'s list today for the demo resident's own unit."""
    now = dt.datetime.now(dt.timezone.utc)
    with db_session(settings) as db:
        resident = db.scalar(select(User).where(User.phone == ACCOUNTS["resident"]))
        unit_id = db.scalar(select(Occupancy.unit_id).where(Occupancy.user_id == resident.id))
        technician = db.scalar(select(Technician).join(User, User.id == Technician.user_id).where(User.username == tech))
        unit = db.get(Unit, unit_id)
        number = f"TD{uuid.uuid4().hex[:10].upper()}"
        ticket = Ticket(number=number, channel=Channel.ONLINE, status=status, urgency=Urgency.NORMAL,
                        trade_code=technician.trades[0], description="卫生间水龙头漏水", estate_id=unit.building.estate_id,
                        building_id=unit.building_id, unit_id=unit.id, reporter_id=resident.id, contact_name="业主",
                        contact_phone=resident.phone, technician_id=technician.id, offered_at=now,
                        window_start=now + dt.timedelta(hours=window_hours[0]), window_end=now + dt.timedelta(hours=window_hours[1]),
                        charge=charge)
        if quote is not None:
            ticket.quote_total, ticket.quote_lines = quote, [{"code": "L-TAP", "name": "更换水龙头", "quantity": "1", "unit_price": str(quote), "amount": str(quote)}]
            ticket.consent_at, ticket.consent_by, ticket.consent_channel = now, "业主", "online"
        db.add(ticket)
        db.commit()
    return number


def ticket(settings, number) -> Ticket:
    with db_session(settings) as db:
        return db.scalar(select(Ticket).where(Ticket.number == number))


def events(settings, number) -> list[TicketEvent]:
    with db_session(settings) as db:
        return list(db.scalars(select(TicketEvent).join(Ticket).where(Ticket.number == number).order_by(TicketEvent.id)))


def notices_of(settings, number) -> list[Notice]:
    with db_session(settings) as db:
        return list(db.scalars(select(Notice).join(Ticket, Ticket.id == Notice.ticket_id).where(Ticket.number == number).order_by(Notice.id)))


def tap(client, number, to, key=None, htmx=True):
    data = {"to": to, "tap": key or uuid.uuid4().hex, "_csrf_token": csrf(client)}
    return client.post(f"/tech/jobs/{number}/status", data=data, headers=HTMX if htmx else None)


def as_tech(client, account="tech01"):
    assert login(client, account).status_code == 200
    return client


def switch(client, account):
    client.post("/logout", data={"_csrf_token": csrf(client)})
    assert login(client, account).status_code == 200


def record(client, number, *, charge="free", materials=(), labour=(), work="更换水龙头阀芯"):
    return post(client, f"/tech/jobs/{number}/record", {
        "version": ticket_version(client, number), "cause": "阀芯老化", "work_done": work, "charge": charge,
        "material_code": [c for c, _q in materials] + [""], "material_qty": [q for _c, q in materials] + ["1"],
        "labour_code": [c for c, _q in labour] + [""], "labour_qty": [q for _c, q in labour] + ["1"]})


def ticket_version(client, number) -> str:
    page = client.get(f"/tech/jobs/{number}").text
    return re.search(r'name="version" value="(\d+)"', page).group(1) if 'name="version"' in page else ""


def test_the_list_shows_the_day_in_route_order_with_navigation_calls_and_the_map(client, demo_settings):
    number = make_job(demo_settings)
    page = as_tech(client).get("/tech").text
    assert f'data-testid="job-{number}"' in page
    assert "geo:" in page and 'href="tel:' in page and 'data-testid="tech-map"' in page
    assert f'data-testid="tap-en_route-{number}"' in page
    tomorrow = (dt.datetime.now(TZ).date() + dt.timedelta(days=1)).isoformat()
    assert client.get(f"/tech?day={tomorrow}").status_code == 200


def test_each_tap_is_one_event_and_the_resident_sees_on_the_way_and_the_eta(client, demo_settings):
    number = make_job(demo_settings)
    as_tech(client)
    key = uuid.uuid4().hex
    first = tap(client, number, "en_route", key)
    assert first.status_code == 200 and f'id="taps-{number}"' in first.text and "✓" in first.text
    # The phone lost the answer and sends the same tap again, then taps once more with a new key.
    assert tap(client, number, "en_route", key).status_code == 200
    assert tap(client, number, "en_route").status_code == 200
    en_route = [e for e in events(demo_settings, number) if e.to_status is Status.EN_ROUTE]
    assert len(en_route) == 1 and en_route[0].data["tap"] == key
    saved = ticket(demo_settings, number)
    assert saved.status is Status.EN_ROUTE and saved.eta_at is not None
    assert [n.kind for n in notices_of(demo_settings, number)] == ["on_the_way"]

    switch(client, ACCOUNTS["resident"])
    page = client.get(f"/my/tickets/{number}").text
    assert 'data-testid="eta"' in page and saved.eta_at.astimezone(TZ).strftime("%H:%M") in page
    assert "正在路上" in page or "on the way" in page


def test_the_state_machine_refuses_illegal_steps_with_a_message(client, demo_settings):
    number = make_job(demo_settings)
    as_tech(client)
    refused = tap(client, number, "completed")
    assert refused.status_code == 409 and 'data-testid="tap-message"' in refused.text
    assert "不能变为" in refused.text or "cannot become" in refused.text
    assert ticket(demo_settings, number).status is Status.ACCEPTED
    assert tap(client, number, "cancelled").status_code == 409
    plain = tap(client, number, "on_site", htmx=False)  # without htmx: the job page with the message
    assert plain.status_code == 409 and 'data-testid="job-message"' in plain.text


def test_someone_elses_job_is_not_found(client, demo_settings):
    number = make_job(demo_settings, tech="tech02")
    as_tech(client)
    assert client.get(f"/tech/jobs/{number}").status_code == 404
    assert tap(client, number, "en_route").status_code == 404


def test_running_late_asks_for_a_new_eta_and_tells_the_resident(client, demo_settings):
    number = make_job(demo_settings)
    as_tech(client)
    tap(client, number, "en_route")
    bad = client.post(f"/tech/jobs/{number}/late", data={"eta_minutes": "", "tap": "x1", "_csrf_token": csrf(client)}, headers=HTMX)
    assert bad.status_code == 422
    ok = client.post(f"/tech/jobs/{number}/late", data={"eta_minutes": "45", "tap": "x2", "_csrf_token": csrf(client)}, headers=HTMX)
    assert ok.status_code == 200
    again = client.post(f"/tech/jobs/{number}/late", data={"eta_minutes": "45", "tap": "x2", "_csrf_token": csrf(client)}, headers=HTMX)
    assert again.status_code == 200
    saved = ticket(demo_settings, number)
    assert saved.late_notice_at is not None
    assert abs((saved.eta_at - saved.late_notice_at).total_seconds() - 45 * 60) < 2
    assert [e.kind for e in events(demo_settings, number)].count("late") == 1
    late = [n for n in notices_of(demo_settings, number) if n.kind == "running_late"]
    assert len(late) == 1 and late[0].data["eta"] == saved.eta_at.astimezone(TZ).strftime("%H:%M")


def test_no_access_needs_the_knock_wait_knock_and_asks_resident_and_desk_to_rebook(client, demo_settings):
    number = make_job(demo_settings)
    as_tech(client)
    tap(client, number, "en_route")
    tap(client, number, "on_site")
    unconfirmed = client.post(f"/tech/jobs/{number}/no-access", data={"tap": "k1", "_csrf_token": csrf(client)}, headers=HTMX)
    assert unconfirmed.status_code == 422 and ticket(demo_settings, number).status is Status.ON_SITE
    done = client.post(f"/tech/jobs/{number}/no-access", data={"knocked": "yes", "tap": "k2", "_csrf_token": csrf(client)}, headers=HTMX)
    assert done.status_code == 200
    assert ticket(demo_settings, number).status is Status.NO_ACCESS
    rebook = [n for n in notices_of(demo_settings, number) if n.kind == "rebook"]
    assert len(rebook) == 1 and "window_start" in rebook[0].data
    switch(client, ACCOUNTS["desk"])
    assert 'hx-get="/desk/slips/attention"' in client.get("/desk").text
    assert f'data-testid="attention-{number}"' in client.get("/desk/slips/attention").text


def test_completing_needs_the_record_and_a_dearer_paid_job_needs_consent_by_one_time_code(client, demo_settings):
    number = make_job(demo_settings, charge=Charge.PAID, quote=35.0)
    as_tech(client)
    for step in ("en_route", "on_site", "in_progress"):
        assert tap(client, number, step).status_code == 200, step
    no_record = tap(client, number, "completed")
    assert no_record.status_code == 409 and ticket(demo_settings, number).status is Status.IN_PROGRESS

    # A price from the form is never used: only catalogue codes and quantities.
    bad = record(client, number, charge="paid", materials=[("M-NOPE", "1")])
    assert bad.status_code == 422 and "更换水龙头阀芯" in bad.text
    saved = record(client, number, charge="paid", materials=[("M-TAP", "1")], labour=[("L-TAP", "1")])
    assert saved.status_code == 200
    after = ticket(demo_settings, number)
    assert after.quote_total == 168 + 35 and after.consent_at is None and after.charge is Charge.PAID
    assert any(n.kind == "quote_changed" for n in notices_of(demo_settings, number))
    refused = tap(client, number, "completed")
    assert refused.status_code == 409 and "203.00" in refused.text

    assert post(client, f"/tech/jobs/{number}/code", {}).status_code == 200
    code = next(n for n in notices_of(demo_settings, number) if n.kind == "consent_code").data["code"]
    with db_session(demo_settings) as db:
        stored = db.scalar(select(ConsentCode).join(Ticket).where(Ticket.number == number))
        assert code not in stored.code_hash and len(stored.code_hash) == 64
    wrong = post(client, f"/tech/jobs/{number}/code/check", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and ticket(demo_settings, number).consent_at is None
    with db_session(demo_settings) as db:
        assert db.scalar(select(ConsentCode.attempts).join(Ticket).where(Ticket.number == number)) == 1
    assert post(client, f"/tech/jobs/{number}/code/check", {"code": code}).status_code == 200
    consented = ticket(demo_settings, number)
    assert consented.consent_channel == "on_site" and consented.consent_at is not None
    assert tap(client, number, "completed").status_code == 200

    # Used, the code is blanked in the resident's message: the message stays, saying a code was sent.
    sent = [n for n in notices_of(demo_settings, number) if n.kind == "consent_code"]
    assert len(sent) == 1 and sent[0].data["code"] == "••••••" and sent[0].data["total"] == "203.00"
    switch(client, ACCOUNTS["resident"])
    page = client.get(f"/my/tickets/{number}").text
    assert code not in page and "••••••" in page and 'data-testid="resident-signoff"' in page


def test_too_many_wrong_codes_need_a_new_code(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    as_tech(client)
    record(client, number, charge="paid", labour=[("L-DRAIN", "1")])
    post(client, f"/tech/jobs/{number}/code", {})
    code = next(n for n in notices_of(demo_settings, number) if n.kind == "consent_code").data["code"]
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(5):
        assert post(client, f"/tech/jobs/{number}/code/check", {"code": wrong}).status_code == 422
    assert post(client, f"/tech/jobs/{number}/code/check", {"code": code}).status_code == 422
    assert ticket(demo_settings, number).consent_at is None


def test_resident_signs_off_on_the_technicians_phone_with_payment_and_receipt(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS, charge=Charge.PAID, quote=200.0)
    as_tech(client)
    record(client, number, charge="paid", labour=[("L-TAP", "1")])  # 35 yuan: within the accepted quote
    assert ticket(demo_settings, number).consent_at is not None
    assert tap(client, number, "completed").status_code == 200
    incomplete = post(client, f"/tech/jobs/{number}/signoff", {"attitude": "5", "skill": "9", "comment": "很好"})
    assert incomplete.status_code == 422 and "很好" in incomplete.text
    done = client.post(f"/tech/jobs/{number}/signoff", follow_redirects=False, data={
        "attitude": "5", "skill": "4", "timeliness": "3", "overall": "4", "comment": "师傅很专业", "method": "wechat",
        "_csrf_token": csrf(client)})
    # Post/redirect/get: refreshing the thank-you page shows it again instead of posting again.
    assert done.status_code == 303 and done.headers["location"] == f"/tech/jobs/{number}/signoff"
    for _ in range(2):
        thanks = client.get(f"/tech/jobs/{number}/signoff")
        assert thanks.status_code == 200 and 'data-testid="receipt-no"' in thanks.text
    saved = ticket(demo_settings, number)
    assert saved.status is Status.CONFIRMED and saved.rating == 4
    with db_session(demo_settings) as db:
        signed = db.scalar(select(Signoff).where(Signoff.ticket_id == saved.id))
        payment = db.scalar(select(Payment).where(Payment.ticket_id == saved.id))
    assert (signed.attitude, signed.skill, signed.timeliness, signed.overall, signed.channel) == (5, 4, 3, 4, "technician_phone")
    assert payment.amount == 35 and payment.method == "wechat"
    assert re.fullmatch(rf"SJ{dt.datetime.now(TZ):%Y%m%d}-\d{{4}}", payment.receipt_no)
    assert post(client, f"/tech/jobs/{number}/signoff", {"overall": "5"}).status_code == 409


def test_receipt_numbers_count_up_per_day_without_twins(demo_settings):
    from app.services import receipts
    from tests.integration.test_board import run

    day = dt.date(2031, 5, 17)

    async def three(db):
        return [await receipts.next_receipt(db, day) for _ in range(3)]

    assert run(demo_settings, three) == ["SJ20310517-0001", "SJ20310517-0002", "SJ20310517-0003"]
    assert run(demo_settings, lambda db: receipts.next_receipt(db, day)) == "SJ20310517-0004"
    assert run(demo_settings, lambda db: receipts.next_receipt(db, day + dt.timedelta(days=1))) == "SJ20310518-0001"


def test_resident_confirms_and_rates_on_their_own_phone(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    as_tech(client)
    record(client, number)
    assert tap(client, number, "completed").status_code == 200
    switch(client, ACCOUNTS["resident"])
    missing = post(client, f"/my/tickets/{number}/signoff", {"attitude": "5", "comment": "谢谢"})
    assert missing.status_code == 422 and "谢谢" in missing.text
    ok = post(client, f"/my/tickets/{number}/signoff", {"attitude": "5", "skill": "5", "timeliness": "4", "overall": "5", "comment": "谢谢"})
    assert ok.status_code == 200 and 'data-testid="signed"' in ok.text
    saved = ticket(demo_settings, number)
    assert saved.status is Status.CONFIRMED and saved.rating == 5
    with db_session(demo_settings) as db:
        assert db.scalar(select(Payment).where(Payment.ticket_id == saved.id)) is None  # free work: nothing to pay


def test_an_unannounced_late_arrival_is_flagged_and_a_notice_clears_it(demo_settings):
    now = dt.datetime.now(dt.timezone.utc)
    half_hour = dt.timedelta(minutes=30)  # the company's default
    job = Ticket(status=Status.EN_ROUTE, window_start=now - dt.timedelta(hours=3), window_end=now - dt.timedelta(minutes=31))
    assert late_unannounced(job, now, half_hour)
    assert not late_unannounced(job, now, dt.timedelta(minutes=45)), "a company that allows more is not flagged yet"
    job.late_notice_at = now - dt.timedelta(hours=1)
    assert not late_unannounced(job, now, half_hour)
    on_time = Ticket(status=Status.ON_SITE, window_end=now, arrived_at=now + dt.timedelta(minutes=20))
    assert not late_unannounced(on_time, now + dt.timedelta(hours=2), half_hour)


def test_the_board_flags_a_job_running_late_without_word_to_the_resident(client, demo_settings):
    from app.models import DayPlan, PlanStop, ShiftTemplate

    today = dt.datetime.now(TZ).date()
    with db_session(demo_settings) as db:
        username = db.scalar(select(User.username).join(Technician, Technician.user_id == User.id)
                             .join(ShiftTemplate, ShiftTemplate.technician_id == Technician.id)
                             .where(ShiftTemplate.weekday == today.weekday()).order_by(Technician.id).limit(1))
    number = make_job(demo_settings, status=Status.EN_ROUTE, window_hours=(-3, -0.7), tech=username)
    with db_session(demo_settings) as db:
        job = db.scalar(select(Ticket).where(Ticket.number == number))
        plan = db.scalar(select(DayPlan).where(DayPlan.day == today))
        if plan is None:
            plan = DayPlan(day=today, locked_technicians=[])
            db.add(plan)
            db.flush()
        plan.updated_at = dt.datetime.now(dt.timezone.utc)  # as every writer of a plan does: its version moves
        start_s = int((job.window_start.astimezone(TZ) - dt.datetime.combine(today, dt.time(), TZ)).total_seconds())
        db.add(PlanStop(plan_id=plan.id, technician_id=job.technician_id, ticket_id=job.id, sequence=99,
                        arrival_s=start_s, start_s=start_s, end_s=start_s + 3600, travel_s=600))
        db.commit()
    login(client, ACCOUNTS["dispatcher"])
    assert f'data-testid="late-{number}"' in client.get(f"/board?day={today}").text
    switch(client, username)
    client.post(f"/tech/jobs/{number}/late", data={"eta_minutes": "20", "tap": "late-1", "_csrf_token": csrf(client)})
    switch(client, ACCOUNTS["dispatcher"])
    assert f'data-testid="late-{number}"' not in client.get(f"/board?day={today}").text


def test_before_and_after_photos_are_checked_and_stored_by_stage(client, demo_settings):
    from app.models import Photo
    from tests.integration.helpers import jpeg

    number = make_job(demo_settings, status=Status.ON_SITE)
    as_tech(client)
    bad = client.post(f"/tech/jobs/{number}/photos", data={"stage": "before", "_csrf_token": csrf(client)},
                      files={"photos": ("note.txt", b"not a photo", "text/plain")})
    assert bad.status_code == 422
    good = client.post(f"/tech/jobs/{number}/photos", data={"stage": "before", "_csrf_token": csrf(client)},
                       files={"photos": ("tap.jpg", jpeg(), "image/jpeg")})
    assert good.status_code == 200
    with db_session(demo_settings) as db:
        stages = list(db.scalars(select(Photo.stage).join(Ticket).where(Ticket.number == number)))
    assert stages == ["before"]


def consent_code_job(client, settings) -> tuple[str, str]:
    """A paid job in progress whose dearer record waits for consent, and the code just sent."""
    number = make_job(settings, status=Status.IN_PROGRESS)
    as_tech(client)
    record(client, number, charge="paid", labour=[("L-DRAIN", "1")])
    assert post(client, f"/tech/jobs/{number}/code", {}).status_code == 200
    return number, [n for n in notices_of(settings, number) if n.kind == "consent_code"][-1].data["code"]


def test_a_guess_sent_in_parallel_cannot_use_a_try_already_taken(client, demo_settings):
    from app.services import consent_codes
    from tests.integration.test_board import run

    number, code = consent_code_job(client, demo_settings)
    with db_session(demo_settings) as db:
        db.execute(update(ConsentCode).where(ConsentCode.ticket_id == ticket(demo_settings, number).id).values(attempts=4))
        db.commit()

    async def late_guess(db):
        job = await db.scalar(select(Ticket).where(Ticket.number == number))
        actor = await db.scalar(select(User).where(User.username == "tech01"))
        seen = await db.scalar(select(ConsentCode).where(ConsentCode.ticket_id == job.id))
        assert seen.attempts == 4  # this request saw one try left...
        with db_session(demo_settings) as other:  # ...and a guess sent at the same moment took it
            other.execute(update(ConsentCode).where(ConsentCode.id == seen.id).values(attempts=5))
            other.commit()
        return await consent_codes.check(db, job, code, actor, dt.datetime.now(dt.timezone.utc))

    problem = run(demo_settings, late_guess)
    assert problem is not None and ("Too many" in problem or "过多" in problem)
    assert ticket(demo_settings, number).consent_at is None
    with db_session(demo_settings) as db:
        assert db.scalar(select(ConsentCode.attempts).join(Ticket).where(Ticket.number == number)) == 5


def test_codes_resent_are_capped_and_replaced_codes_are_blanked_in_the_residents_messages(client, demo_settings):
    number, first = consent_code_job(client, demo_settings)
    for _ in range(2):
        assert post(client, f"/tech/jobs/{number}/code", {}).status_code == 200
    fourth = post(client, f"/tech/jobs/{number}/code", {})
    assert fourth.status_code == 409 and ("last hour" in fourth.text or "小时" in fourth.text)
    with db_session(demo_settings) as db:
        assert len(list(db.scalars(select(ConsentCode).join(Ticket).where(Ticket.number == number)))) == 3
    sent = [n.data["code"] for n in notices_of(demo_settings, number) if n.kind == "consent_code"]
    assert len(sent) == 3 and sent[:2] == ["••••••", "••••••"] and re.fullmatch(r"\d{6}", sent[2])
    assert post(client, f"/tech/jobs/{number}/code/check", {"code": first}).status_code == 422 or first == sent[2]


def race_the_ticket(monkeypatch, settings, key_of_other):
    """Make every tap lose a race: after this request's checks pass, another request (a retry of the
    same tap, or something else) commits a change to the ticket first."""
    from app.services import tech_status

    real = tech_status.tap

    async def losing(db, ticket, to, key, actor, now, company):
        saved = await real(db, ticket, to, key, actor, now, company)
        with db_session(settings) as other:
            other.execute(update(Ticket).where(Ticket.id == ticket.id).values(version=Ticket.version + 1, status=to))
            other.add(TicketEvent(ticket_id=ticket.id, at=now, kind="status", to_status=to, data={"tap": key_of_other(key)}))
            other.commit()
        return saved

    monkeypatch.setattr(tech_status, "tap", losing)


def test_a_retried_tap_that_loses_the_race_shows_what_the_first_one_saved(client, demo_settings, monkeypatch):
    number = make_job(demo_settings)
    as_tech(client)
    race_the_ticket(monkeypatch, demo_settings, lambda key: key)
    answer = tap(client, number, "en_route", "retry-1")
    assert answer.status_code == 200 and f'id="taps-{number}"' in answer.text
    en_route = [e for e in events(demo_settings, number) if e.to_status is Status.EN_ROUTE]
    assert len(en_route) == 1 and en_route[0].data["tap"] == "retry-1"

    other = make_job(demo_settings)
    monkeypatch.undo()
    race_the_ticket(monkeypatch, demo_settings, lambda key: "someone-else")
    refused = tap(client, other, "en_route", "mine")
    assert refused.status_code == 409 and 'data-testid="tap-message"' in refused.text


def test_a_double_submitted_signoff_keeps_the_first_and_redirects(client, demo_settings, monkeypatch):
    from app.services import signoff

    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    as_tech(client)
    record(client, number)
    assert tap(client, number, "completed").status_code == 200
    real = signoff.sign

    async def second(db, ticket, form, actor, channel, now, tz):
        with db_session(demo_settings) as other:  # the first submit commits while this one is checked
            other.add(Signoff(ticket_id=ticket.id, attitude=5, skill=5, timeliness=5, overall=5, comment="",
                              channel=channel, recorded_by_id=actor.id, at=now))
            other.execute(update(Ticket).where(Ticket.id == ticket.id).values(version=Ticket.version + 1, status=Status.CONFIRMED))
            other.commit()
        return await real(db, ticket, form, actor, channel, now, tz)

    monkeypatch.setattr(signoff, "sign", second)
    again = client.post(f"/tech/jobs/{number}/signoff", follow_redirects=False, data={
        "attitude": "5", "skill": "5", "timeliness": "5", "overall": "5", "_csrf_token": csrf(client)})
    assert again.status_code == 303 and again.headers["location"] == f"/tech/jobs/{number}/signoff"
    with db_session(demo_settings) as db:
        assert len(list(db.scalars(select(Signoff).join(Ticket, Ticket.id == Signoff.ticket_id).where(Ticket.number == number)))) == 1


def test_only_the_technician_offered_the_job_can_accept_it(client, demo_settings):
    from app.services import company_settings, tech_status
    from app.services.workflow import TransitionError
    from tests.integration.test_board import run

    number = make_job(demo_settings, status=Status.ASSIGNED, tech="tech02")
    as_tech(client)
    assert client.post(f"/tech/jobs/{number}/accept", data={"tap": "a1", "_csrf_token": csrf(client)}).status_code == 404

    async def accept_as_tech01(db):
        job = await db.scalar(select(Ticket).where(Ticket.number == number))
        actor = await db.scalar(select(User).where(User.username == "tech01"))
        await tech_status.tap(db, job, Status.ACCEPTED, "a2", actor, dt.datetime.now(dt.timezone.utc), await company_settings.load(db))

    with pytest.raises(TransitionError):
        run(demo_settings, accept_as_tech01)
    assert ticket(demo_settings, number).status is Status.ASSIGNED
    # The technician it is offered to accepts with the same tap.
    switch(client, "tech02")
    assert client.post(f"/tech/jobs/{number}/accept", data={"tap": "a3", "_csrf_token": csrf(client)}).status_code == 200
    assert ticket(demo_settings, number).status is Status.ACCEPTED
