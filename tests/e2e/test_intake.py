"""The intake journeys in a real browser: a resident on a phone, the desk on a desk screen."""

import io
import re

import pytest
from PIL import Image

from tests.conftest import ACCOUNTS
from tests.e2e.conftest import DESK, PHONE, shot, sign_in

pytestmark = pytest.mark.e2e




def photo_file(tmp_path):  # noqa: ANN001
    path = tmp_path / "leak.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 90, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_resident_reports_a_leak_with_a_photo_and_sees_its_timeline(new_page, tmp_path):
    page = new_page(viewport=PHONE)
    sign_in(page, ACCOUNTS["resident"])
    page.click("[data-testid=report-button]")
    page.select_option("select[name=trade_code]", "plumbing")
    page.fill("textarea[name=description]", "厨房水槽下面的水管接头滴水")
    page.set_input_files("input[name=photos]", str(photo_file(tmp_path)))
    page.check("input[value=call_first]")
    shot(page, "resident-report-form-phone")
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_selector("[data-testid=created-banner], [data-testid=duplicates]")
    if page.locator("[data-testid=duplicates]").count():
        # The demo resident already has an open plumbing ticket: this is a different fault.
        assert page.input_value("textarea[name=description]") == "厨房水槽下面的水管接头滴水"
        shot(page, "resident-duplicate-prompt-phone")
        page.set_input_files("input[name=photos]", str(photo_file(tmp_path)))
        page.check("input[name=duplicate_decision][value=different]")
        page.click("[data-testid=report-form] button[type=submit]")
        page.wait_for_selector("[data-testid=created-banner]")
    number = page.inner_text("[data-testid=ticket-number]")
    assert re.fullmatch(r"BX\d{8}-\d{4}", number)
    page.wait_for_function("() => { const img = document.querySelector('.photos img'); return img && img.complete && img.naturalWidth > 0; }")
    assert "报修已登记" in page.inner_text("[data-testid=timeline]")
    shot(page, "resident-ticket-phone")
    page.goto("/my")
    assert number in page.inner_text("body")
    page.click(f"text={number}")
    assert page.inner_text("[data-testid=ticket-status]") == "新报修"


def test_desk_registers_a_phone_report_by_unit_code_and_emergency_turns_red(new_page):
    page = new_page(viewport=DESK)
    sign_in(page, ACCOUNTS["desk"])
    page.click("[data-testid=new-phone-report]")
    page.fill("[data-testid=caller-search]", "2-3-1")
    page.wait_for_selector("[data-testid=caller-pick]")
    first = page.locator("[data-testid=caller-pick]").first
    label = first.get_attribute("data-unit-label")
    assert label.startswith("2-3-1")
    first.click()
    assert page.inner_text("[data-testid=unit-label]") == label
    if not page.input_value("#contact_phone"):
        page.fill("#contact_name", "来电人")
        page.fill("#contact_phone", "19987654321")
    page.fill("textarea[name=description]", "卫生间水管爆裂，正在跑水")
    shot(page, "desk-phone-report")
    page.click("[data-testid=desk-submit]")
    if page.locator("[data-testid=duplicates]").count():
        page.check("input[name=duplicate_decision][value=different]")
        page.click("[data-testid=desk-submit]")
    page.wait_for_selector("[data-testid=created-banner]")
    urgency = page.locator("[data-testid=ticket-urgency]")
    assert urgency.inner_text() == "紧急"
    assert urgency.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(211, 47, 47)"
    countdown = page.locator("[data-testid=sla-countdown]")
    page.wait_for_function("el => /^剩余 (09|10):\\d\\d$/.test(el.textContent)", arg=countdown.element_handle())
    first_text = countdown.inner_text()
    # It ticks: within a few seconds even when the box is busy and the browser's timers run late.
    page.wait_for_function("([el, first]) => el.textContent !== first", arg=[countdown.element_handle(), first_text], timeout=5000)
    assert countdown.inner_text() != first_text
    shot(page, "desk-emergency-ticket")


def test_a_resident_cannot_open_another_residents_ticket(new_page):
    owner = new_page(viewport=PHONE)
    sign_in(owner, ACCOUNTS["resident"])
    number = owner.locator("[data-testid=my-ticket] strong").first.inner_text()
    stranger = new_page(viewport=PHONE)
    sign_in(stranger, "19900000500")
    response = stranger.goto(f"/my/tickets/{number}")
    assert response.status == 404
    assert number not in stranger.inner_text("body")
    shot(stranger, "resident-other-ticket-404")
