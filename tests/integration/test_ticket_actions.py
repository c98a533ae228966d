"""What the desk and managers do on a registered ticket: each rule and refusal through the app."""

from sqlalchemy import select

from app.models import Charge, Occupancy, Status, Ticket, TicketEvent, Unit, User
from tests.conftest import ACCOUNTS, csrf, login
from tests.integration.helpers import db_session, form_key, post, ticket_number


def _desk_report(client, settings, *, unit_id=None, trade="plumbing", description="厨房下水道堵了"):
    with db_session(settings) as db:
        if unit_id is None:
            unit_id = db.scalar(select(Occupancy.unit_id).order_by(Occupancy.id.desc()).limit(1))
        phone = db.scalar(select(User.phone).join(Occupancy, Occupancy.user_id == User.id).where(Occupancy.unit_id == unit_id)) or "19911112222"
    form = client.get("/desk/report").text
    response = post(client, "/desk/report", {
        "channel": "phone", "unit_id": str(unit_id), "contact_name": "来电人", "contact_phone": phone,
        "trade_code": trade, "description": description, "access": "someone_home",
        "idempotency_key": form_key(form), "duplicate_decision": "different"})
    assert response.status_code == 200, response.text[:300]
    return ticket_number(response)


def _ticket(settings, number):
    with db_session(settings) as db:
        return db.scalar(select(Ticket).where(Ticket.number == number))


def test_second_clerk_saving_a_stale_ticket_is_refused_with_who_and_when(as_role, demo_settings):
    desk = as_role("desk")
    number = _desk_report(desk, demo_settings)
    version = _ticket(demo_settings, number).version
    first = post(desk, f"/tickets/{number}/classify", {"trade_code": "plumbing", "urgency": "urgent", "version": version})
    assert first.status_code == 200
    stale = post(desk, f"/tickets/{number}/classify", {"trade_code": "civil", "urgency": "normal", "version": version})
    assert stale.status_code == 409
    assert 'data-testid="action-message"' in stale.text and "已被" in stale.text and "请刷新" in stale.text
    ticket = _ticket(demo_settings, number)
    assert (ticket.trade_code, ticket.urgency.value) == ("plumbing", "urgent")


def test_desk_confirms_a_residents_report_and_the_sla_follows_the_urgency(as_role, demo_settings):
    desk = as_role("desk")
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.status == Status.NEW, Ticket.duplicate_of_id.is_(None)).limit(1))
    response = post(desk, f"/tickets/{ticket.number}/classify", {"trade_code": "electrical", "urgency": "urgent", "version": ticket.version})
    assert response.status_code == 200
    after = _ticket(demo_settings, ticket.number)
    assert (after.status, after.trade_code, after.urgency.value) == (Status.TRIAGED, "electrical", "urgent")
    assert abs((after.sla_due_at - after.created_at).total_seconds() - 30 * 60) < 1
    with db_session(demo_settings) as db:
        last = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == after.id).order_by(TicketEvent.id.desc())).first()
        assert (last.from_status, last.to_status, last.actor_role.value) == (Status.NEW, Status.TRIAGED, "desk")


def test_unit_in_warranty_is_routed_to_after_sales_through_its_states(as_role, demo_settings):
    desk = as_role("desk")
    with db_session(demo_settings) as db:
        # Waterproofing is covered for five years: the newest handovers are well inside it.
        recent = db.scalar(select(Unit.id).order_by(Unit.handover_date.desc(), Unit.id).limit(1))
    number = _desk_report(desk, demo_settings, unit_id=recent, trade="civil", description="卫生间地面渗水到楼下")
    ticket = _ticket(demo_settings, number)
    assert ticket.charge is Charge.WARRANTY
    assert "开发商售后" in desk.get(f"/tickets/{number}").text
    for step in ("send", "accepted", "fixed", "confirmed"):
        version = _ticket(demo_settings, number).version
        assert post(desk, f"/tickets/{number}/after-sales", {"step": step, "version": version}).status_code == 200, step
    ticket = _ticket(demo_settings, number)
    assert (ticket.status, ticket.warranty_status) == (Status.CONFIRMED, "confirmed")
    out_of_order = post(desk, f"/tickets/{number}/after-sales", {"step": "fixed", "version": ticket.version})
    assert out_of_order.status_code == 409


def test_paid_job_needs_quote_consent_and_approval_before_dispatch(client, demo_settings):
    login(client, ACCOUNTS["desk"])
    number = _desk_report(client, demo_settings, trade="hvac", description="中央空调主机需要更换压缩机")
    version = lambda: _ticket(demo_settings, number).version  # noqa: E731
    assert post(client, f"/tickets/{number}/charge", {"charge": "paid", "version": version()}).status_code == 200
    page = client.get(f"/tickets/{number}").text
    assert "有偿维修需要先报价" in page
    quote = post(client, f"/tickets/{number}/quote", {
        "version": version(), "labour_code": ["L-AC", "L-HOUR", ""], "labour_qty": ["1", "3", "1"],
        "material_name": ["压缩机", "", ""], "material_price": ["5200", "", ""], "material_qty": ["1", "1", "1"]})
    assert quote.status_code == 200
    ticket = _ticket(demo_settings, number)
    assert ticket.quote_total == 150 + 180 + 5200
    assert "业主尚未同意报价" in quote.text and "报价等待审批" in quote.text
    refused = post(client, f"/tickets/{number}/approve", {"title": "engineering_vp", "version": version()})
    assert refused.status_code == 403
    consent = post(client, f"/tickets/{number}/consent", {"consent_name": "", "version": version()})
    assert consent.status_code == 422
    assert post(client, f"/tickets/{number}/consent", {"consent_name": "王先生", "version": version()}).status_code == 200
    client.post("/logout", data={"_csrf_token": csrf(client)})

    login(client, ACCOUNTS["supervisor"])
    page = client.get(f"/tickets/{number}").text
    assert 'data-testid="approve-engineering_vp"' in page and 'data-testid="approve-cost_vp"' in page
    assert post(client, f"/tickets/{number}/approve", {"title": "general_manager", "version": version()}).status_code == 422
    for title in ("engineering_vp", "cost_vp"):
        assert post(client, f"/tickets/{number}/approve", {"title": title, "version": version()}).status_code == 200
    ticket = _ticket(demo_settings, number)
    assert ticket.approvals == ["engineering_vp", "cost_vp"] and ticket.consent_by == "王先生"
    assert 'data-testid="blockers"' not in client.get(f"/tickets/{number}").text


def test_resident_accepts_a_quote_online(client, demo_settings):
    with db_session(demo_settings) as db:
        user = db.scalar(select(User).where(User.phone == ACCOUNTS["resident"]))
        unit_id = db.scalar(select(Occupancy.unit_id).where(Occupancy.user_id == user.id))
    login(client, ACCOUNTS["desk"])
    number = _desk_report(client, demo_settings, unit_id=unit_id, trade="locks", description="防盗门锁芯需要更换")
    version = lambda: _ticket(demo_settings, number).version  # noqa: E731
    post(client, f"/tickets/{number}/charge", {"charge": "paid", "version": version()})
    post(client, f"/tickets/{number}/quote", {"version": version(), "labour_code": ["L-LOCK"], "labour_qty": ["1"]})
    client.post("/logout", data={"_csrf_token": csrf(client)})
    login(client, ACCOUNTS["resident"])
    page = client.get(f"/my/tickets/{number}").text
    assert 'data-testid="accept-quote"' in page and "60.00" in page
    assert post(client, f"/my/tickets/{number}/consent", {"version": version()}).status_code == 200
    ticket = _ticket(demo_settings, number)
    assert (ticket.consent_channel, ticket.consent_by) == ("online", user.name)


def test_a_duplicate_follows_its_original_and_is_never_ready_for_dispatch(as_role, demo_settings):
    desk = as_role("desk")
    with db_session(demo_settings) as db:
        recent = db.scalar(select(Unit.id).order_by(Unit.handover_date.desc(), Unit.id).offset(3).limit(1))
    original = _desk_report(desk, demo_settings, unit_id=recent, trade="civil", description="阳台渗水")
    copy = _desk_report(desk, demo_settings, unit_id=recent, trade="plumbing", description="阳台那边渗水（邻居又打来）")
    response = post(desk, f"/tickets/{copy}/duplicate", {"original": original, "version": _ticket(demo_settings, copy).version})
    assert response.status_code == 200 and "不会单独派单" in response.text
    for step in ("send", "accepted", "fixed", "confirmed"):
        post(desk, f"/tickets/{original}/after-sales", {"step": step, "version": _ticket(demo_settings, original).version})
    follower = _ticket(demo_settings, copy)
    assert follower.status is Status.CONFIRMED
    with db_session(demo_settings) as db:
        kinds = [e.kind for e in db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == follower.id))]
    assert "linked" in kinds and kinds[-1] == "followed"
