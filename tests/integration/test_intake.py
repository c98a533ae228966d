"""Reports from every channel, and every refusal: through the app, checked in the database."""

import re

from sqlalchemy import func, select

from app.models import Channel, Occupancy, Photo, Role, Scope, Status, Ticket, TicketEvent, Unit, Urgency, User
from tests.conftest import ACCOUNTS, csrf, login
from tests.integration.helpers import db_session, form_key, jpeg, post, ticket_number

RESIDENT = ACCOUNTS["resident"]


def _resident_unit(settings, phone=RESIDENT):
    with db_session(settings) as db:
        user = db.scalar(select(User).where(User.phone == phone))
        return db.scalar(select(Occupancy.unit_id).where(Occupancy.user_id == user.id))


def _count(settings, model=Ticket):
    with db_session(settings) as db:
        return db.scalar(select(func.count()).select_from(model))


def _report(client, settings, files=None, **fields):
    form = client.get("/my/report").text
    data = {"unit_id": str(_resident_unit(settings)), "trade_code": "unsure", "access": "someone_home",
            "idempotency_key": form_key(form), "duplicate_decision": "different", **fields}
    return post(client, "/my/report", data, files=files)


def test_resident_reports_a_leak_with_a_photo_and_follows_it(as_role, demo_settings):
    client = as_role("resident")
    response = _report(client, demo_settings, description="厨房水龙头一直滴水", preferred_date="2030-01-02", preferred_part="evening",
                       files={"photos": ("tap.jpg", jpeg(), "image/jpeg")})
    assert response.status_code == 200 and response.url.path.startswith("/my/tickets/BX")
    number = ticket_number(response)
    assert number in response.text and 'data-testid="created-banner"' in response.text
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == number))
        assert (ticket.status, ticket.channel, ticket.trade_code, ticket.urgency) == (Status.NEW, Channel.ONLINE, "plumbing", Urgency.NORMAL)
        assert ticket.preferred_time == "2030-01-02 evening"
        photo = db.scalar(select(Photo).where(Photo.ticket_id == ticket.id))
        events = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).all()
        # The demo resident's unit may have had its plumbing repaired lately: the report is then linked as a repeat.
        assert [e.kind for e in events if e.kind != "repeat"] == ["created"] and events[0].actor_role is Role.RESIDENT
    assert client.get(f"/photos/{photo.id}/thumb").headers["content-type"] == "image/jpeg"
    assert number in client.get("/my").text
    page = client.get(f"/my/tickets/{number}")
    assert 'data-testid="timeline"' in page.text and "报修已登记" in page.text


def test_form_with_errors_keeps_everything_typed_and_saves_nothing(as_role, demo_settings):
    client = as_role("resident")
    before = _count(demo_settings)
    response = _report(client, demo_settings, description="", trade_code="hvac", access="may_enter", preferred_part="morning")
    assert response.status_code == 422
    assert 'id="err-description"' in response.text
    assert re.search(r'<option value="hvac" selected>', response.text)
    assert re.search(r'value="may_enter" checked', response.text)
    assert _count(demo_settings) == before


def test_bad_photo_is_refused_with_a_message_and_the_rest_stays(as_role, demo_settings):
    client = as_role("resident")
    response = _report(client, demo_settings, description="阳台门关不上",
                       files=[("photos", ("notes.txt", b"just text", "text/plain")), ("photos", ("door.jpg", jpeg(), "image/jpeg"))])
    assert response.status_code == 422
    assert "notes.txt" in response.text and "不是 JPEG、PNG 或 WebP" in response.text
    assert "阳台门关不上" in response.text
    # The good photo is kept: the corrected form carries it and the ticket gets it.
    kept = re.findall(r'name="kept_photo" value="([^"]+)"', response.text)
    assert len(kept) == 1
    fixed = post(client, "/my/report", {"unit_id": str(_resident_unit(demo_settings)), "trade_code": "locks", "access": "someone_home",
                                        "idempotency_key": form_key(response.text), "duplicate_decision": "different",
                                        "description": "阳台门关不上", "kept_photo": kept})
    assert fixed.status_code == 200
    with db_session(demo_settings) as db:
        ticket_id = db.scalar(select(Ticket.id).where(Ticket.number == ticket_number(fixed)))
        assert db.scalar(select(func.count()).where(Photo.ticket_id == ticket_id)) == 1
    before = _count(demo_settings)
    forged = _report(client, demo_settings, description="试图读取别的文件", kept_photo=["../../secret_key", "x.txt"])
    assert forged.status_code == 200
    with db_session(demo_settings) as db:
        ticket_id = db.scalar(select(Ticket.id).where(Ticket.number == ticket_number(forged)))
        assert db.scalar(select(func.count()).where(Photo.ticket_id == ticket_id)) == 0
    big = _report(client, demo_settings, description="阳台门关不上",
                  files={"photos": ("huge.jpg", jpeg() + b"\0" * (10 * 1024 * 1024), "image/jpeg")})
    assert big.status_code == 422 and "huge.jpg" in big.text and "10 MB" in big.text
    assert _count(demo_settings) == before + 1


def test_double_submit_creates_one_ticket(as_role, demo_settings):
    client = as_role("resident")
    form = client.get("/my/report").text
    data = {"unit_id": str(_resident_unit(demo_settings)), "trade_code": "locks", "access": "someone_home",
            "idempotency_key": form_key(form), "duplicate_decision": "different", "description": "入户门锁芯卡住"}
    first, second = post(client, "/my/report", data), post(client, "/my/report", data)
    assert first.url.path == second.url.path
    with db_session(demo_settings) as db:
        assert db.scalar(select(func.count()).where(Ticket.description == "入户门锁芯卡住")) == 1


def test_resident_cannot_report_for_someone_elses_unit(as_role, demo_settings):
    client = as_role("resident")
    with db_session(demo_settings) as db:
        mine = set(db.scalars(select(Occupancy.unit_id).join(User).where(User.phone == RESIDENT)))
        other = db.scalar(select(Unit.id).where(Unit.id.not_in(mine)).limit(1))
    response = _report(client, demo_settings, unit_id=str(other), description="客厅灯不亮")
    assert response.status_code == 422 and 'id="err-unit_id"' in response.text


def test_another_resident_gets_404_for_ticket_and_photo(client, demo_settings):
    login(client, RESIDENT)
    response = _report(client, demo_settings, description="卧室窗户关不严", files={"photos": ("w.jpg", jpeg(), "image/jpeg")})
    number = ticket_number(response)
    photo_id = re.search(r"/photos/(\d+)/thumb", response.text).group(1)
    client.post("/logout", data={"_csrf_token": csrf(client)})
    with db_session(demo_settings) as db:
        others = db.scalars(select(User.phone).where(User.role == Role.RESIDENT, User.phone != RESIDENT).limit(50)).all()
        mine = set(db.scalars(select(Occupancy.unit_id).join(User).where(User.phone == RESIDENT)))
        stranger = next(p for p in others if not set(db.scalars(select(Occupancy.unit_id).join(User).where(User.phone == p))) & mine)
    login(client, stranger)
    assert client.get(f"/my/tickets/{number}").status_code == 404
    assert client.get(f"/photos/{photo_id}").status_code == 404
    assert client.get(f"/photos/{photo_id}/thumb").status_code == 404
    assert number not in client.get("/my").text


def test_resident_cancels_before_dispatch_with_a_reason(as_role, demo_settings):
    client = as_role("resident")
    number = ticket_number(_report(client, demo_settings, description="马桶水箱一直流水"))
    with db_session(demo_settings) as db:
        version = db.scalar(select(Ticket.version).where(Ticket.number == number))
    missing = post(client, f"/my/tickets/{number}/cancel", {"reason": "", "version": version})
    assert missing.status_code == 422 and 'id="err-reason"' in missing.text
    done = post(client, f"/my/tickets/{number}/cancel", {"reason": "自己修好了", "version": version})
    assert done.status_code == 200
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.status is Status.CANCELLED
        event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id.desc())).first()
        assert (event.to_status, event.note) == (Status.CANCELLED, "自己修好了")


def test_desk_registers_a_phone_report_by_unit_code_for_a_new_caller(as_role, demo_settings):
    client = as_role("desk")
    found = client.get("/desk/callers?q=3-2-12")
    units = re.findall(r'data-unit-id="(\d+)" data-unit-label="(3-2-12\d+)', found.text)
    assert units
    unit_id = units[0][0]
    form = client.get("/desk/report").text
    response = post(client, "/desk/report", {
        "channel": "phone", "unit_id": unit_id, "contact_name": "新住户", "contact_phone": "19912345678",
        "trade_code": "electrical", "description": "客厅插座冒烟", "access": "call_first", "urgency": "",
        "idempotency_key": form_key(form), "duplicate_decision": "different"})
    assert response.status_code == 200 and response.url.path.startswith("/tickets/BX")
    assert 'data-testid="ticket-urgency">紧急' in response.text
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == ticket_number(response)))
        caller = db.scalar(select(User).where(User.phone == "19912345678"))
        assert caller.role is Role.RESIDENT and caller.password_hash is None
        # An emergency re-plans today at once: it may already be offered to an electrician on shift.
        assert ticket.reporter_id == caller.id and ticket.urgency is Urgency.EMERGENCY
        assert ticket.status in (Status.TRIAGED, Status.ASSIGNED)
        assert db.scalar(select(Occupancy).where(Occupancy.user_id == caller.id, Occupancy.unit_id == int(unit_id)))
        unit = db.get(Unit, int(unit_id))
        assert (ticket.building_id, ticket.estate_id) == (unit.building_id, unit.building.estate_id)
        minutes = (ticket.sla_due_at - ticket.created_at).total_seconds() / 60
        assert abs(minutes - 10) < 0.1


def test_desk_form_errors_name_each_field(as_role):
    client = as_role("desk")
    form = client.get("/desk/report").text
    response = post(client, "/desk/report", {"channel": "phone", "contact_phone": "12345", "description": "x",
                                              "idempotency_key": form_key(form)})
    assert response.status_code == 422
    for field in ("unit_id", "contact_phone"):
        assert f'id="err-{field}"' in response.text
    assert 'value="12345"' in response.text


def test_public_area_report_and_its_duplicate_within_48_hours(as_role, demo_settings):
    client = as_role("desk")
    with db_session(demo_settings) as db:
        unit = db.scalar(select(Unit).limit(1))
        building_id, estate_id = unit.building_id, unit.building.estate_id
    data = {"channel": "patrol", "estate_id": str(estate_id), "building_id": str(building_id), "spot": "屋顶",
            "description": "屋顶防水层起鼓", "trade_code": "civil", "access": "may_enter"}
    first = post(client, "/desk/report", {**data, "idempotency_key": form_key(client.get("/desk/report?public=true").text)})
    assert first.status_code == 200
    with db_session(demo_settings) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.number == ticket_number(first)))
        assert (ticket.scope, ticket.unit_id, ticket.reporter_id, ticket.urgency) == (Scope.PUBLIC, None, None, Urgency.PLANNED)
    second = post(client, "/desk/report", {**data, "idempotency_key": form_key(client.get("/desk/report?public=true").text)})
    assert second.status_code == 422 and 'data-testid="duplicates"' in second.text and ticket.number in second.text
    linked = post(client, "/desk/report", {**data, "idempotency_key": form_key(second.text), "duplicate_decision": f"link:{ticket.id}"})
    assert linked.status_code == 200
    assert "不会单独派单" in linked.text or "重复" in linked.text
    with db_session(demo_settings) as db:
        duplicate = db.scalar(select(Ticket).where(Ticket.number == ticket_number(linked)))
        assert duplicate.duplicate_of_id == ticket.id


def test_same_unit_and_trade_is_flagged_and_different_fault_is_allowed(as_role, demo_settings):
    client = as_role("resident")
    data = {"unit_id": str(_resident_unit(demo_settings)), "trade_code": "appliances", "access": "someone_home", "description": "热水器不点火"}
    first = post(client, "/my/report", {**data, "idempotency_key": form_key(client.get("/my/report").text), "duplicate_decision": "different"})
    again = post(client, "/my/report", {**data, "idempotency_key": form_key(client.get("/my/report").text)})
    assert again.status_code == 422 and ticket_number(first) in again.text
    different = post(client, "/my/report", {**data, "idempotency_key": form_key(again.text), "duplicate_decision": "different"})
    assert different.status_code == 200 and ticket_number(different) != ticket_number(first)
