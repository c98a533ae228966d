"""The business rules of intake, on their boundaries."""

import datetime as dt
from decimal import Decimal

import pytest

from app.models import Charge, Role, Status, Ticket, Urgency, User
from app.services import classify, quotes, warranty
from app.services.company_settings import DEFAULTS, CompanySettings
from app.services.workflow import TransitionError, allowed_targets, transition

SETTINGS = CompanySettings(DEFAULTS)


@pytest.mark.parametrize(("text", "urgency", "keyword"), [
    ("卫生间水管爆裂，跑水了", Urgency.EMERGENCY, "跑水"),
    ("厨房闻到煤气味", Urgency.EMERGENCY, "煤气"),
    ("2号电梯困人", Urgency.EMERGENCY, "困人"),
    ("There is a gas leak in the kitchen", Urgency.EMERGENCY, "gas leak"),
    ("整栋楼停电了", Urgency.URGENT, "停电"),
    ("Lift fault on floor 3", Urgency.URGENT, "lift fault"),
    ("卧室门锁坏了", Urgency.NORMAL, None),
])
def test_urgency_proposed_from_keywords(text, urgency, keyword):
    proposal = classify.propose(text, SETTINGS)
    assert proposal.urgency is urgency
    assert proposal.urgency_keyword == keyword


def test_public_area_without_keywords_is_planned():
    assert classify.propose("大堂墙皮脱落", SETTINGS, public_area=True).urgency is Urgency.PLANNED
    assert classify.propose("大堂冒烟", SETTINGS, public_area=True).urgency is Urgency.EMERGENCY


@pytest.mark.parametrize(("text", "trade"), [
    ("厨房水龙头漏水", "plumbing"), ("客厅插座没电", "electrical"), ("空调不制冷", "hvac"),
    ("入户门锁打不开", "locks"), ("单元门禁刷卡没反应", "low_voltage"), ("卫生间墙面渗水", "civil"),
    ("the washing machine will not drain", "appliances"), ("今天心情不好", None),
])
def test_trade_proposed_from_keywords(text, trade):
    assert classify.propose(text, SETTINGS).trade_code == trade


def test_keyword_lists_come_from_settings():
    custom = CompanySettings({**DEFAULTS, "emergency_keywords": ["暖气爆了"], "urgent_keywords": []})
    assert classify.propose("暖气爆了", custom).urgency is Urgency.EMERGENCY
    assert classify.propose("跑水", custom).urgency is Urgency.NORMAL


@pytest.mark.parametrize(("category", "months_after", "days_after", "expected"), [
    ("waterproofing", 59, 30, Charge.WARRANTY),  # the day before the 5th anniversary
    ("waterproofing", 60, 0, None),  # on the anniversary the statutory period has run out
    ("plumbing", 23, 0, Charge.WARRANTY),
    ("plumbing", 24, 0, None),
    ("heating_cooling", 24, -1, Charge.WARRANTY),
    (None, 1, 0, None),  # appliances: the maker's warranty, not the developer's
])
def test_warranty_on_statutory_boundaries(category, months_after, days_after, expected):
    handover = dt.date(2021, 3, 31)
    today = warranty.add_months(handover, months_after) + dt.timedelta(days=days_after)
    assert warranty.decide(handover, category, DEFAULTS["warranty_months"], today) is expected


def test_add_months_clamps_to_month_end():
    assert warranty.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert warranty.add_months(dt.date(2023, 12, 15), 24) == dt.date(2025, 12, 15)


def test_warranty_months_are_settings():
    handover, today = dt.date(2020, 1, 1), dt.date(2023, 6, 1)
    assert warranty.decide(handover, "plumbing", {"plumbing": 24}, today) is None
    assert warranty.decide(handover, "plumbing", {"plumbing": 48}, today) is Charge.WARRANTY
    assert warranty.decide(None, "plumbing", {"plumbing": 48}, today) is None


def test_quote_totals_round_each_line_to_the_fen():
    lines = [
        quotes.labour_line(DEFAULTS["fee_schedule"], "L-CALL", 1),
        quotes.labour_line(DEFAULTS["fee_schedule"], "L-PIPE", "2.5"),
        quotes.QuoteLine("MAT", "PPR 管", Decimal("3"), Decimal("12.335")),
    ]
    assert [line.amount for line in lines] == [Decimal("30.00"), Decimal("100.00"), Decimal("37.01")]
    assert quotes.total(lines) == Decimal("167.01")
    with pytest.raises(ValueError, match="unknown fee code"):
        quotes.labour_line(DEFAULTS["fee_schedule"], "NOPE", 1)


@pytest.mark.parametrize(("amount", "approvers"), [
    ("999.99", []),
    ("1000", ["engineering_vp"]),
    ("4999.99", ["engineering_vp"]),
    ("5000", ["engineering_vp", "cost_vp"]),
    ("9999.99", ["engineering_vp", "cost_vp"]),
    ("10000", ["general_manager"]),
    ("250000", ["general_manager"]),
])
def test_approval_thresholds(amount, approvers):
    assert quotes.approvers_for(Decimal(amount), DEFAULTS["approval_thresholds"]) == approvers


class FakeSession:
    def __init__(self):
        self.added = []

    def add(self, item):
        self.added.append(item)


def _ticket(status):
    return Ticket(id=1, number="BX20261123-0001", status=status, version=1)


def test_state_machine_records_every_allowed_step():
    db, desk = FakeSession(), User(id=7, role=Role.DESK, name="客服")
    ticket = _ticket(Status.NEW)
    event = transition(db, ticket, Status.TRIAGED, desk, note="checked")
    assert ticket.status is Status.TRIAGED
    assert (event.from_status, event.to_status, event.actor_id, event.actor_role, event.note) == (
        Status.NEW, Status.TRIAGED, 7, Role.DESK, "checked")
    assert db.added == [event]


def test_state_machine_refuses_illegal_steps_and_roles():
    db = FakeSession()
    resident = User(id=3, role=Role.RESIDENT, name="业主")
    with pytest.raises(TransitionError):
        transition(db, _ticket(Status.NEW), Status.COMPLETED, User(id=4, role=Role.TECHNICIAN, name="x"))
    with pytest.raises(TransitionError):
        transition(db, _ticket(Status.TRIAGED), Status.ASSIGNED, resident)
    assert db.added == []
    assert Status.CANCELLED in allowed_targets(_ticket(Status.NEW), Role.RESIDENT)
    assert Status.CANCELLED not in allowed_targets(_ticket(Status.ASSIGNED), Role.RESIDENT)


def test_paid_emergencies_are_dispatched_before_consent_but_normal_jobs_wait():
    from app.services.ticket_actions import dispatch_blockers

    settings = CompanySettings(DEFAULTS)
    normal = Ticket(id=2, status=Status.TRIAGED, urgency=Urgency.NORMAL, trade_code="plumbing", charge=Charge.PAID, quote_total=80.0)
    burst = Ticket(id=3, status=Status.TRIAGED, urgency=Urgency.EMERGENCY, trade_code="plumbing", charge=Charge.PAID, quote_total=80.0)
    assert dispatch_blockers(normal, settings) == ["业主尚未同意报价。"]
    assert dispatch_blockers(burst, settings) == []


def test_a_month_far_from_now_is_no_month_and_redirects_stay_on_the_site():
    import datetime as dt

    from app.routes.forms import safe_next
    from app.services.reports.month import parse_month

    today = dt.date(2026, 11, 23)
    assert parse_month("2026-10", today) == dt.date(2026, 10, 1)
    assert parse_month("", today) == dt.date(2026, 11, 1)
    assert parse_month("9999-12", today) is None and parse_month("0001-01", today) is None
    assert safe_next("/tech/jobs/BX1", "/tech") == "/tech/jobs/BX1"
    assert safe_next("/\t/evil.example", "/tech") == "/tech"
    assert safe_next("//evil.example", "/tech") == "/tech"
