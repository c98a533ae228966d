"""A resident books an appointment on a phone and sees it on the ticket; the desk moves it."""

import pytest

from tests.conftest import ACCOUNTS
from tests.e2e.conftest import DESK, PHONE, shot, sign_in

pytestmark = pytest.mark.e2e


def _report_lock_fault(page) -> str:  # noqa: ANN001
    page.click("[data-testid=report-button]")
    page.select_option("select[name=trade_code]", "locks")
    page.fill("textarea[name=description]", "入户门锁芯转不动，钥匙插不进去")
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_selector("[data-testid=created-banner], [data-testid=duplicates]")
    if page.locator("[data-testid=duplicates]").count():
        page.check("input[name=duplicate_decision][value=different]")
        page.click("[data-testid=report-form] button[type=submit]")
        page.wait_for_selector("[data-testid=created-banner]")
    return page.inner_text("[data-testid=ticket-number]")


def test_resident_books_a_window_on_a_phone_and_the_desk_reschedules_it(new_page):
    page = new_page(viewport=PHONE)
    sign_in(page, ACCOUNTS["resident"])
    number = _report_lock_fault(page)
    page.click("[data-testid=pick-time]")
    page.wait_for_selector("[data-testid=slot-picker]")
    # The third day: the demo's today and tomorrow are busy; any day must offer something or say why.
    page.locator(".day-tabs a").nth(2).click()
    page.wait_for_selector(".day-tabs a:nth-child(3)[aria-current]")
    assert page.locator("[data-testid=recommended]").count() >= 1
    shot(page, "resident-slots-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    page.locator("[data-testid=window]:has([data-testid=recommended]) input").first.check()
    chosen = page.locator("[data-testid=window]:has(input:checked) .time").inner_text()
    page.click("[data-testid=book]")
    page.wait_for_selector("[data-testid=booked-banner]")
    assert chosen in page.inner_text("[data-testid=appointment-window]")
    assert "已预约：" in page.inner_text("[data-testid=timeline]")
    shot(page, "resident-booked-phone")
    page.click("[data-testid=messages-link]")
    assert chosen in page.inner_text("[data-testid=messages]")

    desk = new_page(viewport=DESK)
    sign_in(desk, ACCOUNTS["desk"])
    desk.goto(f"/tickets/{number}")
    assert chosen in desk.inner_text("[data-testid=appointment-window]")
    desk.click("[data-testid=change-time]")
    other = desk.locator("[data-testid=window] input:not([disabled]):not(:checked)").first
    other.check()
    moved_to = desk.locator("[data-testid=window]:has(input:checked) .time").inner_text()
    assert moved_to != chosen
    shot(desk, "desk-slots")
    desk.click("[data-testid=book]")
    desk.wait_for_selector("[data-testid=booked-banner]")
    assert moved_to in desk.inner_text("[data-testid=appointment-window]")

    page.goto(f"/my/tickets/{number}")
    assert moved_to in page.inner_text("[data-testid=appointment-window]")
    assert f"预约已改为 {page.inner_text('[data-testid=appointment-window]')}" in page.inner_text("[data-testid=timeline]")
