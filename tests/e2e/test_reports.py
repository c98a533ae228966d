"""The supervisor's reports in a real browser: the month page with its charts, the workbook download, the morning list."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import ACCOUNTS
from tests.e2e.conftest import DESK, PHONE, shot, sign_in

pytestmark = pytest.mark.e2e


def test_supervisor_opens_the_month_and_downloads_the_workbook(new_page):
    page = new_page(viewport=DESK)
    sign_in(page, ACCOUNTS["supervisor"])
    page.goto("/supervisor")
    page.click("[data-testid=link-month]")
    page.wait_for_selector("[data-testid=month-report]")
    assert int(page.inner_text("[data-testid=headline-tickets]").replace(",", "")) > 0
    assert page.locator("svg.chart").count() == 5
    assert page.locator("[data-testid=chart-by_trade] rect").count() > 3
    # The chart's labels are drawn in the page's CJK font, not as boxes: each has a real width.
    label = page.locator("[data-testid=chart-by_estate] text").first
    assert label.evaluate("el => el.getComputedTextLength()") > 10
    shot(page, "reports-month-desk")

    with page.expect_download() as download_info:
        page.click("[data-testid=download-xlsx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert len(book.worksheets) == 7
    assert book.worksheets[0]["B2"].value == int(page.inner_text("[data-testid=headline-tickets]").replace(",", ""))

    phone = new_page(viewport=PHONE)
    sign_in(phone, ACCOUNTS["supervisor"])
    phone.goto("/reports/month")
    phone.wait_for_selector("[data-testid=month-report]")
    # Wide tables scroll inside their frame; the page itself does not scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(phone, "reports-month-phone")


def test_the_desk_reads_the_morning_list_most_overdue_first(new_page):
    page = new_page(viewport=DESK)
    sign_in(page, ACCOUNTS["desk"])
    page.goto("/desk")
    page.click("[data-testid=link-morning]")
    page.wait_for_selector("[data-testid=morning-list]")
    states = page.locator("[data-testid=morning-row]").evaluate_all("rows => rows.map(r => r.dataset.sla)")
    assert states and states[0] == "overdue"
    rank = {"overdue": 0, "due_soon": 1, "fine": 2, "none": 3}
    assert [rank[s] for s in states] == sorted(rank[s] for s in states)
    shot(page, "reports-morning-desk")
    page.select_option("[data-testid=morning-sort]", "person")
    page.wait_for_url("**sort=person**")
    assert page.locator("[data-testid=morning-row]").count() == len(states)
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=morning-filters]").is_visible()
    shot(page, "reports-morning-print")

    phone = new_page(viewport=PHONE)
    sign_in(phone, ACCOUNTS["desk"])
    phone.goto("/reports/morning")
    phone.wait_for_selector("[data-testid=morning-list]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(phone, "reports-morning-phone")
