"""The morning list and the month's statistics on a small history whose figures are worked out by hand.

October 2026 (Asia/Shanghai) holds seven reports, A to I less F and G:

| ticket | trade, estate, channel, urgency | what happened | response | completion |
|---|---|---|---|---|
| A | plumbing, 1, phone, urgent | paid 200, on site in 20 min, done in 1 h, rated 5 | 20 min, in SLA | 1 h, same day |
| B | plumbing, 1, online, normal | no access, back next day, done; free | 2,550 min, late | 63 h, late |
| C | electrical, 2, phone, emergency | paid 300, rated 3; repeat ticket D within 30 days | 8 min, in SLA | 1.5 h, same day |
| D | electrical, 2, return visit, normal | D's follow-up of C, waiting for dispatch; free | — | — |
| E | plumbing, 2, walk-in, planned | paid 500, paused at the end (not revenue) | 1,380 min, in SLA | — |
| H | plumbing, 1, online, normal | cancelled | — | — |
| I | plumbing, 1, phone, normal | paid 1,000, paused in October, finished 2 November, rated 4 | 1,390 min, in SLA | 720 h, late |

F is reported at 00:30 on 1 November (still 31 October in UTC) and G at 23:30 on 30 September:
neither is October's. J is reported two hours ago with three days to go.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.asgi import create_app
from app.models import (
    Channel, Charge, DayPlan, Estate, PlanStop, Role, ShiftTemplate, Status, Technician, Ticket, TicketEvent, Trade, Urgency,
    User,
)
from app.security import hash_password
from app.services.reports import exports, month
from app.services.reports.tables import COUNT, MONEY, TEXT, Column, Table
from app.services.svg_charts import bar_chart
from tests.conftest import login
from tests.integration.helpers import db_session

TZ = ZoneInfo("Asia/Shanghai")
S = Status
PASSWORD = "report-test-pw"
ACCOUNTS = {Role.SUPERVISOR: "boss", Role.DESK: "deskx", Role.DISPATCHER: "dispy", Role.TECHNICIAN: "techa",
            Role.ADMIN: "root"}


def local(m: int, d: int, h: int, mi: int = 0, y: int = 2026) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def build_history(settings) -> dict[str, int]:  # noqa: ANN001
    db = db_session(settings)
    password = hash_password(PASSWORD)
    users = {role: User(role=role, username=name, name=name, password_hash=password) for role, name in ACCOUNTS.items()}
    users[Role.TECHNICIAN].name = "甲师傅"
    other = User(role=Role.TECHNICIAN, username="techb", name="乙师傅", password_hash=password)
    db.add_all([*users.values(), other])
    db.add_all([Trade(code="plumbing", name_zh="给排水", name_en="Plumbing", sort_order=1),
                Trade(code="electrical", name_zh="电气", name_en="Electrical", sort_order=2)])
    e1, e2 = Estate(code="1", name="一号园", lat=39.9, lon=116.4), Estate(code="2", name="二号园", lat=39.91, lon=116.41)
    db.add_all([e1, e2])
    db.flush()
    t1 = Technician(user_id=users[Role.TECHNICIAN].id, trades=["plumbing", "electrical"], home_lat=39.9, home_lon=116.4)
    t2 = Technician(user_id=other.id, trades=["plumbing"], home_lat=39.9, home_lon=116.4)
    db.add_all([t1, t2])
    db.flush()
    db.add(ShiftTemplate(technician_id=t2.id, weekday=0, start_min=8 * 60, end_min=17 * 60, break_minutes=60))
    ids: dict[str, int] = {}

    def ticket(name: str, trade: str, estate: Estate, channel: Channel, urgency: Urgency, created: dt.datetime,
               steps: list[tuple[Status, dt.datetime]], *, sla: dt.datetime | None = None, tech: Technician | None = None,
               charge: Charge | None = None, quote: float | None = None, rating: int | None = None,
               parent: str | None = None) -> None:
        status = steps[-1][0] if steps else S.NEW
        row = Ticket(number=f"BX-{name}", channel=channel, status=status, urgency=urgency, trade_code=trade,
                     description=name, estate_id=estate.id, sla_due_at=sla, technician_id=tech.id if tech else None,
                     charge=charge, quote_total=quote, rating=rating, parent_id=ids.get(parent), created_at=created)
        db.add(row)
        db.flush()
        ids[name] = row.id
        db.add(TicketEvent(ticket_id=row.id, at=created, kind="created", to_status=S.NEW))
        previous = S.NEW
        for to, at in steps:
            db.add(TicketEvent(ticket_id=row.id, at=at, kind="status", from_status=previous, to_status=to))
            previous = to

    def visit(day: tuple[int, int], on_site: tuple[int, int], done: tuple[int, int]) -> list[tuple[Status, dt.datetime]]:
        m, d = day
        return [(S.EN_ROUTE, local(m, d, on_site[0], on_site[1]) - dt.timedelta(minutes=10)),
                (S.ON_SITE, local(m, d, *on_site)), (S.IN_PROGRESS, local(m, d, *on_site) + dt.timedelta(minutes=2)),
                (S.COMPLETED, local(m, d, *done))]

    booked = [(S.TRIAGED, None), (S.ASSIGNED, None), (S.ACCEPTED, None)]

    def book(after: dt.datetime) -> list[tuple[Status, dt.datetime]]:
        return [(status, after + dt.timedelta(minutes=n + 1)) for n, (status, _) in enumerate(booked)]

    plumbing, electrical = "plumbing", "electrical"
    ticket("A", plumbing, e1, Channel.PHONE, Urgency.URGENT, local(10, 5, 9),
           [*book(local(10, 5, 9)), *visit((10, 5), (9, 20), (10, 0)), (S.CONFIRMED, local(10, 5, 10, 10))],
           sla=local(10, 5, 9, 30), tech=t1, charge=Charge.PAID, quote=200, rating=5)
    ticket("B", plumbing, e1, Channel.ONLINE, Urgency.NORMAL, local(10, 6, 20),
           [*book(local(10, 7, 8)), (S.EN_ROUTE, local(10, 8, 14, 10)), (S.ON_SITE, local(10, 8, 14, 30)),
            (S.NO_ACCESS, local(10, 8, 14, 40)), *book(local(10, 8, 15)), *visit((10, 9), (10, 0), (11, 0))],
           sla=local(10, 8, 14, 15), tech=t2, charge=Charge.FREE)
    ticket("C", electrical, e2, Channel.PHONE, Urgency.EMERGENCY, local(10, 10, 22),
           [*book(local(10, 10, 22)), *visit((10, 10), (22, 8), (23, 30)), (S.CONFIRMED, local(10, 10, 23, 40)),
            (S.CLOSED, local(10, 11, 9))],
           sla=local(10, 10, 22, 10), tech=t1, charge=Charge.PAID, quote=300, rating=3)
    ticket("D", electrical, e2, Channel.RETURN_VISIT, Urgency.NORMAL, local(10, 20, 10),
           [(S.TRIAGED, local(10, 20, 10, 5))], charge=Charge.FREE, parent="C")
    ticket("E", plumbing, e2, Channel.WALK_IN, Urgency.PLANNED, local(10, 25, 10),
           [*book(local(10, 25, 10)), (S.EN_ROUTE, local(10, 26, 8, 40)), (S.ON_SITE, local(10, 26, 9)),
            (S.IN_PROGRESS, local(10, 26, 9, 5)), (S.PAUSED, local(10, 26, 10))],
           sla=local(10, 28, 10), tech=t2, charge=Charge.PAID, quote=500)
    ticket("F", plumbing, e1, Channel.PHONE, Urgency.NORMAL, local(11, 1, 0, 30), [])
    ticket("G", plumbing, e1, Channel.PHONE, Urgency.NORMAL, local(9, 30, 23, 30), [])
    ticket("H", plumbing, e1, Channel.ONLINE, Urgency.NORMAL, local(10, 15, 9), [(S.CANCELLED, local(10, 15, 10))])
    ticket("I", plumbing, e1, Channel.PHONE, Urgency.NORMAL, local(10, 3, 10),
           [*book(local(10, 3, 11)), (S.EN_ROUTE, local(10, 4, 9)), (S.ON_SITE, local(10, 4, 9, 10)),
            (S.IN_PROGRESS, local(10, 4, 9, 15)), (S.PAUSED, local(10, 4, 10)), (S.IN_PROGRESS, local(11, 2, 9)),
            (S.COMPLETED, local(11, 2, 10)), (S.CONFIRMED, local(11, 2, 10, 5))],
           sla=local(10, 4, 9, 15), tech=t1, charge=Charge.PAID, quote=1000, rating=4)
    now = dt.datetime.now(dt.timezone.utc)
    ticket("J", plumbing, e1, Channel.PHONE, Urgency.PLANNED, now - dt.timedelta(hours=2),
           [(S.TRIAGED, now - dt.timedelta(hours=1))], sla=now + dt.timedelta(days=3))
    plan = DayPlan(day=dt.date(2026, 10, 26), locked_technicians=[])
    db.add(plan)
    db.flush()
    db.add(PlanStop(plan_id=plan.id, technician_id=t2.id, ticket_id=ids["E"], sequence=1, arrival_s=9 * 3600 - 60,
                    start_s=9 * 3600, end_s=10 * 3600, travel_s=1800))
    ids.update(t1=t1.id, t2=t2.id)
    db.commit()
    db.close()
    return ids


@pytest.fixture
def history(fresh_settings):  # noqa: ANN001, ANN201
    return fresh_settings, build_history(fresh_settings)


def october(settings) -> month.MonthStats:  # noqa: ANN001
    async def go() -> month.MonthStats:
        engine = create_async_engine(settings.database_url)
        try:
            async with async_sessionmaker(engine)() as db:
                return await month.month_stats(db, dt.date(2026, 10, 1), TZ, dt.datetime.now(dt.timezone.utc))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_the_month_figures_match_the_hand_count(history):
    settings, ids = history
    stats = october(settings)
    total = stats.total
    assert total.tickets == 7  # A B C D E H I: F is November's and G September's, in local time
    assert total.completed == 4  # A B C I
    assert total.responded == 5  # A B C E I
    assert total.avg_response_min == pytest.approx((20 + 2550 + 8 + 1380 + 1390) / 5)
    assert total.response_met_pct == pytest.approx(80.0)  # B arrived 15 min late
    assert total.avg_completion_h == pytest.approx((1 + 63 + 1.5 + 720) / 4)
    assert total.completion_met_pct == pytest.approx(50.0)  # A and C the same day; B and I later
    assert total.first_time_fixed == 1  # only A: B had no access, C has a repeat, I was paused
    assert total.first_time_fix_pct == pytest.approx(25.0)
    assert (total.rated, total.avg_rating) == (3, pytest.approx(4.0))
    assert total.satisfied_pct == pytest.approx(200 / 3)
    assert (total.paid, total.free, total.warranty) == (4, 2, 0)
    assert total.revenue == pytest.approx(1500.0)  # A C I; E's quote is not earned yet

    trades = {trade.code: facts for trade, facts in stats.by_trade}
    assert (trades["plumbing"].tickets, trades["electrical"].tickets) == (5, 2)
    assert trades["plumbing"].revenue == pytest.approx(1200.0)
    assert [(estate.code, facts.tickets) for estate, facts in stats.by_estate] == [("1", 4), ("2", 3)]
    assert {c: f.tickets for c, f in stats.by_channel} == {
        Channel.PHONE: 3, Channel.ONLINE: 2, Channel.WALK_IN: 1, Channel.RETURN_VISIT: 1}
    assert {u: f.tickets for u, f in stats.by_urgency} == {
        Urgency.EMERGENCY: 1, Urgency.URGENT: 1, Urgency.NORMAL: 4, Urgency.PLANNED: 1}
    assert {u: f.avg_response_min for u, f in stats.by_urgency}[Urgency.EMERGENCY] == pytest.approx(8.0)


def test_per_technician_and_what_stayed_open(history):
    settings, ids = history
    stats = october(settings)
    technicians = {m.technician_id: m for m in stats.by_technician}
    first, second = technicians[ids["t1"]], technicians[ids["t2"]]
    assert (first.name, first.facts.tickets, first.facts.completed, first.facts.first_time_fixed) == ("甲师傅", 3, 3, 1)
    assert first.facts.avg_rating == pytest.approx(4.0)
    assert first.travel_h is None  # no planned stops in October
    assert (second.facts.tickets, second.facts.completed, second.planned_stops) == (2, 1, 1)
    assert second.travel_h == pytest.approx(0.5)
    # One Monday plan: an hour's work and half an hour's travel in an eight-hour shift.
    assert second.utilisation_pct == pytest.approx(1.5 / 8 * 100)

    # At the end of October: G still new, D waiting, E and I paused (I only finished in November),
    # B completed but not confirmed. A, C and H had ended; F did not exist yet.
    assert [(row.status, row.tickets, row.past_sla) for row in stats.open_at_end] == [
        (S.NEW, 1, 0), (S.TRIAGED, 1, 0), (S.PAUSED, 2, 2), (S.COMPLETED, 1, 1)]


@pytest.fixture
def reports_client(history):  # noqa: ANN001, ANN201
    settings, ids = history
    with TestClient(create_app(settings)) as test_client:
        yield test_client, ids


def sign_in(client: TestClient, role: Role) -> TestClient:
    assert login(client, ACCOUNTS[role], PASSWORD).status_code == 200
    return client


def test_the_month_page_shows_the_figures_and_charts(reports_client):
    client, _ = reports_client
    page = sign_in(client, Role.SUPERVISOR).get("/reports/month?month=2026-10")
    assert page.status_code == 200
    assert 'data-testid="headline-tickets">7<' in page.text
    assert 'data-testid="headline-revenue">1,500.00<' in page.text
    assert page.text.count('<svg class="chart"') == 5
    assert "一号园" in page.text and "给排水" in page.text
    assert sign_in(client, Role.SUPERVISOR).get("/reports/month?month=2026-13").status_code == 404


def test_every_table_downloads_as_csv_with_a_bom(reports_client):
    client, _ = reports_client
    sign_in(client, Role.ADMIN)
    response = client.get("/reports/month.csv?month=2026-10&table=by_trade")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="baoxiu-2026-10-by_trade.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 14
    plumbing = next(row for row in rows if row[0] == "给排水")
    assert (plumbing[1], plumbing[13]) == ("5", "1200.0")
    for key in ("summary", "by_estate", "by_channel", "by_urgency", "by_technician", "open_at_end"):
        assert client.get(f"/reports/month.csv?month=2026-10&table={key}").status_code == 200, key
    assert client.get("/reports/month.csv?month=2026-10&table=users").status_code == 404


def test_the_workbook_has_a_sheet_per_table(reports_client):
    client, _ = reports_client
    response = sign_in(client, Role.SUPERVISOR).get("/reports/month.xlsx?month=2026-10")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 7
    estates = book.worksheets[2]
    assert (estates["A2"].value, estates["B2"].value, estates["A3"].value, estates["B3"].value) == ("一号园", 4, "二号园", 3)
    summary = book.worksheets[0]
    assert summary["A2"].value == "2026-10"
    assert summary["N2"].value == pytest.approx(1500.0)
    technicians = book.worksheets[5]
    assert technicians["A2"].value == "甲师傅" and technicians["C2"].value == 3


def test_the_morning_list_puts_the_most_overdue_first(reports_client):
    client, _ = reports_client
    page = sign_in(client, Role.DESK).get("/reports/morning")
    assert page.status_code == 200
    order = [number.removeprefix("BX-") for number in _numbers(page.text)]
    # B and E are past their deadline (B longest), J is due in three days, then the rest oldest first.
    assert order == ["B", "E", "J", "G", "D", "F"]
    assert 'data-testid="count-overdue">2<' in page.text
    assert 'data-testid="count-fine">1<' in page.text
    assert 'data-testid="count-none">3<' in page.text
    row_b = page.text.split('data-ticket="BX-B"')[1].split("</tr>")[0]
    assert "乙师傅" in row_b and 'data-sla="overdue"' in row_b

    estate_two = client.get(f"/reports/morning?estate={_estate_id(page.text, '二号园')}")
    assert [n.removeprefix("BX-") for n in _numbers(estate_two.text)] == ["E", "D"]
    electrical = client.get("/reports/morning?trade=electrical")
    assert [n.removeprefix("BX-") for n in _numbers(electrical.text)] == ["D"]
    by_age = client.get("/reports/morning?sort=age")
    assert [n.removeprefix("BX-") for n in _numbers(by_age.text)] == ["G", "B", "D", "E", "F", "J"]


def test_the_morning_list_names_who_holds_each_ticket(reports_client):
    client, _ = reports_client
    page = sign_in(client, Role.DISPATCHER).get("/reports/morning?sort=person")
    order = [n.removeprefix("BX-") for n in _numbers(page.text)]
    assert order == ["B", "E", "G", "F", "J", "D"]  # 乙师傅's, then the desk's queue, then the dispatchers'; deadline order within
    english = client.get("/reports/morning?sort=person", headers={"accept-language": "en"})
    row_d = english.text.split('data-ticket="BX-D"')[1].split("</tr>")[0]
    row_g = english.text.split('data-ticket="BX-G"')[1].split("</tr>")[0]
    assert "Dispatch queue" in row_d and "Front desk queue" in row_g


@pytest.mark.parametrize(("role", "path"), [
    (Role.TECHNICIAN, "/reports/morning"),
    (Role.DESK, "/reports/month"),
    (Role.DISPATCHER, "/reports/month.xlsx"),
    (Role.DESK, "/reports/month.csv?table=summary"),
])
def test_other_roles_are_refused(reports_client, role, path):
    client, _ = reports_client
    response = sign_in(client, role).get(path)
    assert response.status_code == 403
    assert 'data-testid="error-page"' in response.text


def test_exports_keep_numbers_and_never_run_a_name_as_a_formula():
    table = Table("t", "表 [1]: 测试/试", [Column("名称", TEXT), Column("数", COUNT), Column("元", MONEY)],
                  [["=1+1", 3, 2.345], ["<b>", None, None]])
    text = exports.to_csv(table).decode("utf-8")
    assert text.startswith("\ufeff名称,数,元\r\n'=1+1,3,2.35\r\n")
    book = load_workbook(io.BytesIO(exports.to_xlsx([table, table])))
    assert [sheet.title for sheet in book.worksheets] == ["表  1   测试 试", "表  1   测试 试 (2)"]
    assert book.worksheets[0]["C2"].value == pytest.approx(2.35)
    assert (book.worksheets[0]["A2"].value, book.worksheets[0]["A2"].data_type) == ("=1+1", "s")


def test_bar_chart_escapes_labels_and_keeps_chinese():
    svg = str(bar_chart([("<script>", 3), ("弱电（对讲/门禁/监控）", 7)], title="工单 & 趋势"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "弱电" in svg and "工单 &amp; 趋势" in svg
    assert svg.count("<rect") == 2


def _numbers(html: str) -> list[str]:
    return [chunk.split('"')[0] for chunk in html.split('data-testid="morning-row" data-ticket="')[1:]]


def _estate_id(html: str, name: str) -> str:
    return html.split(f">{name}</option>")[0].rsplit('value="', 1)[1].split('"')[0]


def test_the_morning_list_downloads_as_csv_in_the_page_s_order(reports_client):
    import csv
    import io

    client, _ = reports_client
    page = sign_in(client, Role.DESK).get("/reports/morning")
    download = client.get("/reports/morning.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == _numbers(page.text), "the same tickets, most overdue first"
    assert rows[1][1] == "已超时" and rows[1][0] == "BX-B"
    by_trade = client.get("/reports/morning.csv?trade=plumbing")
    assert all(row[7] == "给排水" for row in list(csv.reader(io.StringIO(by_trade.content.decode("utf-8-sig"))))[1:])


def test_revenue_counts_what_the_technician_charged_on_site(history):
    """A's quote was 200; on site the work came to 150: the month earns 150, as finance collects."""
    from app.models import SiteRecord

    settings, ids = history
    with db_session(settings) as db:
        db.add(SiteRecord(ticket_id=ids["A"], cause="阀芯老化", work_done="更换阀芯", total=150))
        db.commit()
    assert october(settings).total.revenue == pytest.approx(1500.0 - 50)
