"""The desk's return visit in a browser: the queue at desk size and on a phone, a call that finds the
repair did not hold, and the new ticket linked to the old one; the reconciliation page for finance."""

import pytest
from sqlalchemy import select

from app.models import Charge, Ticket
from tests.e2e.conftest import DESK, PHONE, shot, sign_in
from tests.integration.helpers import db_session
from tests.integration.test_return_visits import HOUR, done_job

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_desk_records_a_return_visit_that_raises_a_problem(new_page, demo_settings):
    # No queue rows yet: the page's catch-up queues recent finished work (Playwright's loop rules out
    # calling the service from here).
    old = done_job(demo_settings, rating=2, trade="plumbing", completed_ago=26 * HOUR, confirmed_ago=25 * HOUR)
    paid = done_job(demo_settings, charge=Charge.PAID, quote=168, completed_ago=2 * HOUR)

    phone = new_page(viewport=PHONE)
    sign_in(phone, "desk1")
    phone.goto("/desk/return-visits")
    phone.wait_for_selector(f"[data-testid=visit-{old}]")
    assert no_sideways_scroll(phone)
    shot(phone, "return-visits-phone")

    desk = new_page(viewport=DESK)
    sign_in(desk, "desk1")
    desk.goto("/desk")
    desk.click("[data-testid=link-return-visits]")
    card = desk.locator(f"[data-testid=visit-{old}]")
    card.wait_for()
    assert card.locator("[data-testid=overdue]").is_visible()
    assert card.locator("a[href^='tel:']").count() == 1
    assert desk.locator(f"[data-testid=visit-{paid}] [data-testid=overdue]").count() == 0
    card.locator(f"[data-testid=open-record-{old}]").click()
    card.locator("[data-testid=reached-yes]").check()
    card.locator("[data-testid=satisfaction-dissatisfied]").check()
    card.locator("[data-testid=comment]").fill("水龙头又开始滴水了")
    card.locator("[data-testid=problem]").check()
    shot(desk, "return-visit-record-desk")
    card.locator(f"[data-testid=save-{old}]").click()

    desk.wait_for_selector("[data-testid=created-banner]")
    new_number = desk.inner_text("[data-testid=ticket-number]")
    assert new_number.startswith("BX") and new_number != old
    desk.wait_for_selector("[data-testid=repeat-of]")
    assert old in desk.inner_text("[data-testid=repeat-of]")
    assert "水龙头又开始滴水了" in desk.inner_text("main")
    shot(desk, "return-visit-new-ticket-desk")
    with db_session(demo_settings) as db:
        new, before = (db.scalar(select(Ticket).where(Ticket.number == n)) for n in (new_number, old))
        assert new.parent_id == before.id

    # The old ticket tells the story too: the visit, and the new ticket it opened.
    desk.click(f"[data-testid=repeat-of] a[href='/tickets/{old}']")
    desk.wait_for_selector("[data-testid=visit-follow-up]")
    assert desk.inner_text("[data-testid=visit-follow-up]") == new_number
    shot(desk, "return-visit-old-ticket-desk")

    # The recorded call has left the queue.
    phone.goto("/desk/return-visits")
    phone.wait_for_selector("[data-testid=home-title]")
    assert phone.locator(f"[data-testid=visit-{old}]").count() == 0


def test_finance_reads_the_days_takings_at_desk_size_and_on_a_phone(new_page, demo_settings):
    number = done_job(demo_settings, charge=Charge.PAID, quote=88)
    desk = new_page(viewport=DESK)
    sign_in(desk, "desk1")
    desk.goto(f"/tickets/{number}")
    desk.wait_for_selector("[data-testid=desk-payment-form]")
    desk.select_option("[data-testid=payment-method]", "wechat")
    desk.click("[data-testid=payment-submit]")
    desk.wait_for_selector("[data-testid=payment-saved]")
    shot(desk, "desk-payment-desk")

    boss = new_page(viewport=DESK)
    sign_in(boss, "super1")
    boss.click("[data-testid=finance-link]")
    boss.wait_for_selector("[data-testid=reconciliation]")
    assert "88.00" in boss.inner_text("[data-testid=reconciliation]")
    shot(boss, "reconciliation-desk")
    phone = new_page(viewport=PHONE)
    sign_in(phone, "super1")
    phone.goto("/finance/reconciliation")
    phone.wait_for_selector("[data-testid=reconciliation]")
    shot(phone, "reconciliation-phone")
