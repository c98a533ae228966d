"""Fees: the desk's payment form with receipts, the daily reconciliation per cashier against a hand-
counted day, closing a day and the lock it puts on that cashier's payments, and who may do what."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models import Channel, Charge, Payment, ReconciliationClose, SiteRecord, Status, Ticket, TicketEvent, Urgency, User
from app.services import reconciliation, receipts
from app.services.workflow import TransitionError
from tests.conftest import csrf, login
from tests.integration.helpers import db_session, post
from tests.integration.test_board import run
from tests.integration.test_return_visits import done_job, utcnow

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2020, 3, 10)  # a day of its own: no other test takes money on it
HTMX = {"HX-Request": "true"}


def local(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ).astimezone(dt.timezone.utc)


def user_id(db, username: str) -> int:  # noqa: ANN001
    return db.scalar(select(User.id).where(User.username == username))


def job(db, *, charge, quote, completed_at, by, site_total=None) -> Ticket:  # noqa: ANN001
    ticket = Ticket(number=f"RC{uuid.uuid4().hex[:10].upper()}", channel=Channel.PHONE,
                    status=Status.CONFIRMED, urgency=Urgency.NORMAL, trade_code="plumbing",
                    description="换水龙头", estate_id=1, charge=charge, quote_total=quote, contact_phone="19900000001")
    db.add(ticket)
    db.flush()
    db.add(TicketEvent(ticket_id=ticket.id, at=completed_at, actor_id=by, kind="status", from_status=Status.IN_PROGRESS,
                       to_status=Status.COMPLETED, note=""))
    if site_total is not None:
        db.add(SiteRecord(ticket_id=ticket.id, total=site_total, materials=[], labour=[]))
    return ticket


def pay(db, ticket: Ticket, amount: float, method: str, by: int, at: dt.datetime) -> None:  # noqa: ANN001
    db.add(Payment(ticket_id=ticket.id, amount=amount, method=method, receipt_no=f"SJT{uuid.uuid4().hex[:12]}",
                   recorded_by_id=by, at=at))


@pytest.fixture(scope="module")
def counted_day(demo_settings) -> dict:  # noqa: ANN001
    """The hand-counted day. tech05 (technician) and desk2 (front desk) on 10 March 2020, local time:

    T1 paid, done by tech05, record 180 (quote 200), tech05 took 180 cash      -> tech05 expects 180, took 180
    T2 paid, done by tech05, quote 150, nobody took money                       -> tech05 expects 150
    T3 paid, done by tech05, quote 90, desk2 took 80 by WeChat                  -> desk2 expects 90, took 80
    T4 free, done by tech05                                                     -> nothing
    T5 paid, done by tech05 the day before, tech05 took 60 at 23:30             -> tech05 expects 60, took 60
    T6 paid, done by tech05, tech05 took 70 at 00:10 the next day              -> the next day's, not this one's
    tech05: expected 390, recorded 240, difference -150; desk2: 90, 80, -10.
    """
    with db_session(demo_settings) as db:
        tech, desk = user_id(db, "tech05"), user_id(db, "desk2")
        t1 = job(db, charge=Charge.PAID, quote=200, site_total=180, completed_at=local(DAY, 9), by=tech)
        pay(db, t1, 180, "cash", tech, local(DAY, 9, 30))
        t2 = job(db, charge=Charge.PAID, quote=150, completed_at=local(DAY, 11), by=tech)
        t3 = job(db, charge=Charge.PAID, quote=90, completed_at=local(DAY, 13), by=tech)
        pay(db, t3, 80, "wechat", desk, local(DAY, 16))
        job(db, charge=Charge.FREE, quote=None, completed_at=local(DAY, 14), by=tech)
        t5 = job(db, charge=Charge.PAID, quote=60, completed_at=local(DAY - dt.timedelta(days=1), 17), by=tech)
        pay(db, t5, 60, "alipay", tech, local(DAY, 23, 30))
        t6 = job(db, charge=Charge.PAID, quote=70, completed_at=local(DAY, 20), by=tech)
        pay(db, t6, 70, "cash", tech, local(DAY + dt.timedelta(days=1), 0, 10))
        db.commit()
        return {"tech": tech, "desk": desk, "numbers": [t.number for t in (t1, t2, t3, t5, t6)]}


def sheet(settings, day=DAY) -> dict[int, reconciliation.CashierDay]:  # noqa: ANN001
    return {row.cashier.id: row for row in run(settings, lambda db: reconciliation.day_sheet(db, day, TZ))}


def test_expected_and_recorded_per_cashier_match_the_hand_count(counted_day, demo_settings):
    rows = sheet(demo_settings)
    assert set(rows) == {counted_day["tech"], counted_day["desk"]}
    tech, desk = rows[counted_day["tech"]], rows[counted_day["desk"]]
    assert (tech.expected, tech.recorded, tech.difference) == (390, 240, -150)
    assert (desk.expected, desk.recorded, desk.difference) == (90, 80, -10)
    t1, t2, t3, t5, t6 = counted_day["numbers"]
    assert [t.number for t, _a in tech.unpaid_jobs] == [t2]
    next_day = sheet(demo_settings, DAY + dt.timedelta(days=1))[counted_day["tech"]]
    assert (next_day.expected, next_day.recorded) == (70, 70)


def test_the_page_shows_each_cashier_with_the_difference_and_receipts(counted_day, as_role):
    page = as_role("supervisor").get(f"/finance/reconciliation?day={DAY.isoformat()}")
    assert page.status_code == 200
    tech = page.text.split(f'data-testid="cashier-{counted_day["tech"]}"')[1].split("</section>")[0]
    assert 'data-testid="expected">390.00' in tech and 'data-testid="recorded">240.00' in tech
    assert 'data-testid="difference">-150.00' in tech and "recon-off" in tech
    assert tech.count('data-testid="receipt-row"') == 2 and counted_day["numbers"][1] in tech  # T2 listed as unpaid
    assert 'data-testid="total-expected">480.00' in page.text and 'data-testid="total-recorded">320.00' in page.text
    assert 'data-testid="print-button"' in page.text
    assert "recon-empty" in as_role("admin").get("/finance/reconciliation?day=2001-01-01").text
    bad = as_role("admin").get("/finance/reconciliation?day=2020-13-45")
    assert bad.status_code == 422 and 'value="2020-13-45"' in bad.text and 'id="err-day"' in bad.text


def close_form(client, day: dt.date, cashier: int) -> dict:
    html = client.get(f"/finance/reconciliation?day={day.isoformat()}").text
    section = html.split(f'data-testid="cashier-{cashier}"')[1].split("</section>")[0]
    return {name: re.search(rf'name="{name}" value="([^"]*)"', section).group(1) for name in ("day", "cashier_id", "expected", "recorded")}


def test_closing_the_day_locks_that_cashiers_payments(counted_day, as_role, demo_settings):
    client = as_role("supervisor")
    form = close_form(client, DAY, counted_day["tech"])
    assert (form["expected"], form["recorded"]) == ("390.00", "240.00")
    # Figures that changed since the page was read are refused; the reviewer must look again.
    stale = post(client, "/finance/reconciliation/close", {**form, "recorded": "200.00"})
    assert stale.status_code == 409 and 'data-testid="recon-message"' in stale.text
    closed = post(client, "/finance/reconciliation/close", {**form, "note": "差150元，T2未收"})
    assert closed.status_code == 200 and 'data-testid="closed"' in closed.text.split(f'data-testid="cashier-{counted_day["tech"]}"')[1].split("</section>")[0]
    assert post(client, "/finance/reconciliation/close", {**form, "note": "again"}).status_code == 200  # a double click
    with db_session(demo_settings) as db:
        rows = list(db.scalars(select(ReconciliationClose).where(ReconciliationClose.cashier_id == counted_day["tech"])))
    assert len(rows) == 1 and (rows[0].day, rows[0].expected, rows[0].recorded, rows[0].note) == (DAY, 390, 240, "差150元，T2未收")

    async def late_payment(db, username, at):  # noqa: ANN001, ANN202
        actor = await db.scalar(select(User).where(User.username == username))
        ticket = await db.scalar(select(Ticket).where(Ticket.number == counted_day["numbers"][1]))
        return await receipts.record_payment(db, ticket, 150, "cash", actor, at, TZ)

    with pytest.raises(TransitionError):
        run(demo_settings, lambda db: late_payment(db, "tech05", local(DAY, 22)))
    # The next day, and another cashier's same day, stay open.
    assert run(demo_settings, lambda db: late_payment(db, "tech05", local(DAY + dt.timedelta(days=2), 9))).receipt_no
    assert run(demo_settings, lambda db: late_payment(db, "desk2", local(DAY, 22))).receipt_no


def test_the_desk_takes_a_payment_once_with_a_receipt(as_role, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=100)
    client = as_role("desk")
    panel = client.get(f"/tickets/{number}/aftercare").text
    key = re.search(r'name="key" value="([^"]+)"', panel).group(1)
    version = re.search(r'name="version" value="(\d+)"', panel).group(1)
    assert 'value="100.00"' in panel  # the amount due, ready to take

    bad = client.post(f"/tickets/{number}/payment", data={"key": key, "version": version, "amount": "-5", "method": "",
                                                          "_csrf_token": csrf(client)}, headers=HTMX)
    assert bad.status_code == 422 and 'value="-5"' in bad.text and 'id="err-amount"' in bad.text and 'id="err-method"' in bad.text
    data = {"key": key, "version": version, "amount": "100", "method": "cash", "_csrf_token": csrf(client)}
    done = client.post(f"/tickets/{number}/payment", data=data, headers=HTMX)
    assert done.status_code == 200 and 'data-testid="payment-saved"' in done.text
    receipt = re.search(r"SJ\d{8}-\d{4}", done.text).group(0)
    assert client.post(f"/tickets/{number}/payment", data=data, headers=HTMX).status_code == 200  # sent twice
    stale = client.post(f"/tickets/{number}/payment", data={**data, "key": "other-key"}, headers=HTMX)
    assert stale.status_code == 409 and 'data-testid="payment-message"' in stale.text
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == number))
        payments = list(db.scalars(select(Payment).where(Payment.ticket_id == ticket.id)))
        event = db.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "payment"))
        desk1 = user_id(db, "desk1")
    assert [(p.amount, p.method, p.receipt_no, p.recorded_by_id) for p in payments] == [(100, "cash", receipt, desk1)]
    assert event.data["receipt"] == receipt
    # Without htmx the form still works: a redirect back to the ticket.
    again = client.post(f"/tickets/{number}/payment", data={"key": "plain", "version": str(int(version) + 1), "amount": "5",
                                                            "method": "wechat", "_csrf_token": csrf(client)})
    assert again.status_code == 200 and again.url.path == f"/tickets/{number}"
    # Free work takes no money.
    free = done_job(demo_settings, charge=Charge.FREE)
    refused = client.post(f"/tickets/{free}/payment", data={"key": "k", "amount": "5", "method": "cash", "_csrf_token": csrf(client)}, headers=HTMX)
    assert refused.status_code == 409


def test_a_closed_day_refuses_the_desks_payment_with_a_message(client, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=55)
    login(client, "desk2")
    panel = client.get(f"/tickets/{number}/aftercare").text
    key, version = (re.search(rf'name="{n}" value="([^"]+)"', panel).group(1) for n in ("key", "version"))
    # Finance closes desk2's today (desk2 has taken nothing yet today: nothing to answer for, so a
    # payment first, then the close).
    first = done_job(demo_settings, charge=Charge.PAID, quote=10)
    p = client.get(f"/tickets/{first}/aftercare").text
    fk, fv = (re.search(rf'name="{n}" value="([^"]+)"', p).group(1) for n in ("key", "version"))
    assert client.post(f"/tickets/{first}/payment", data={"key": fk, "version": fv, "amount": "10", "method": "cash",
                                                          "_csrf_token": csrf(client)}, headers=HTMX).status_code == 200
    client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, "super1")
    today = utcnow().astimezone(TZ).date()
    with db_session(demo_settings) as db:
        desk2 = user_id(db, "desk2")
    assert post(client, "/finance/reconciliation/close", close_form(client, today, desk2)).status_code == 200
    client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, "desk2")
    refused = client.post(f"/tickets/{number}/payment", data={"key": key, "version": version, "amount": "55", "method": "cash",
                                                              "_csrf_token": csrf(client)}, headers=HTMX)
    assert refused.status_code == 409 and today.isoformat() in refused.text
    with db_session(demo_settings) as db:
        assert db.scalar(select(func.count()).select_from(Payment).join(Ticket).where(Ticket.number == number)) == 0
    # A day that has not begun cannot be closed.
    client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, "admin")
    future = post(client, "/finance/reconciliation/close", {"day": (today + dt.timedelta(days=2)).isoformat(), "cashier_id": str(desk2),
                                                            "expected": "0.00", "recorded": "0.00"})
    assert future.status_code == 409


def test_only_managers_reconcile_and_only_the_desk_side_takes_payments(client, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=30)
    for account in ("desk1", "dispatch1", "tech01", "19900000001"):
        login(client, account)
        assert client.get("/finance/reconciliation").status_code == 403, account
        refused = client.post("/finance/reconciliation/close", data={"day": DAY.isoformat(), "cashier_id": "1", "_csrf_token": csrf(client)})
        assert refused.status_code == 403, account
        client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, "dispatch1")
    panel = client.get(f"/tickets/{number}/aftercare").text
    assert 'data-testid="desk-payment-form"' not in panel
    taken = client.post(f"/tickets/{number}/payment", data={"key": "x", "amount": "30", "method": "cash", "_csrf_token": csrf(client)}, headers=HTMX)
    assert taken.status_code == 403
    with db_session(demo_settings) as db:
        assert db.scalar(select(func.count()).select_from(Payment).join(Ticket).where(Ticket.number == number)) == 0
    client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, "super1")
    assert client.get("/finance").status_code == 200 and 'data-testid="finance-link"' in client.get("/supervisor").text


def test_a_second_tab_is_refused_even_when_the_same_clerk_edited_last(as_role, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=80)
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == number))
        ticket.updated_by_id = user_id(db, "desk1")
        db.commit()
    client = as_role("desk")
    panel = client.get(f"/tickets/{number}/aftercare").text
    version = re.search(r'name="version" value="(\d+)"', panel).group(1)
    first = {"key": "tab-one", "version": version, "amount": "80", "method": "cash", "_csrf_token": csrf(client)}
    assert client.post(f"/tickets/{number}/payment", data=first, headers=HTMX).status_code == 200
    second = client.post(f"/tickets/{number}/payment", data={**first, "key": "tab-two"}, headers=HTMX)
    assert second.status_code == 409
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == number))
        assert len(list(db.scalars(select(Payment).where(Payment.ticket_id == ticket.id)))) == 1
