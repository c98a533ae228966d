"""The technician's day on a phone (390×844), end to end: accept, on the way, arrive, record materials
on a paid job, the resident accepts the new quote on their phone, completes, and the resident rates."""

import pytest

from app.models import Status
from tests.conftest import ACCOUNTS
from tests.e2e.conftest import PHONE, shot, sign_in
from tests.integration.test_tech_day import make_job

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1280, "height": 800}


def no_sideways_scroll(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_paid_job_from_offer_to_rating_on_two_phones(new_page, demo_settings):
    number = make_job(demo_settings, status=Status.ASSIGNED)
    tech = new_page(viewport=PHONE)
    sign_in(tech, "tech01")
    tech.goto("/tech")
    card = f"[data-testid=job-{number}]"
    tech.wait_for_selector(card)
    assert tech.locator(f"{card} a[href^='geo:']").count() == 1 and tech.locator(f"{card} a[href^='tel:']").count() == 1
    assert no_sideways_scroll(tech)
    shot(tech, "tech-day-list-phone")

    tech.click(f"[data-testid=accept-{number}]")
    tech.wait_for_selector(f"[data-testid=tap-en_route-{number}]")
    assert tech.locator(f"[data-testid=saved-{number}] .saved-mark").count() == 1
    tech.click(f"[data-testid=tap-en_route-{number}]")
    tech.wait_for_selector(f"[data-testid=tap-on_site-{number}]")
    shot(tech, "tech-day-on-the-way-phone")

    resident = new_page(viewport=PHONE)
    sign_in(resident, ACCOUNTS["resident"])
    resident.goto(f"/my/tickets/{number}")
    assert resident.locator("[data-testid=eta]").is_visible()
    shot(resident, "resident-eta-phone")

    tech.goto(f"/tech/jobs/{number}")
    tech.click(f"[data-testid=tap-on_site-{number}]")
    tech.wait_for_selector(f"[data-testid=tap-in_progress-{number}]")
    tech.click(f"[data-testid=tap-in_progress-{number}]")
    tech.wait_for_selector(f"[data-testid=tap-completed-{number}]")
    tech.reload()
    tech.fill("textarea[name=cause]", "水龙头阀芯老化开裂")
    tech.fill("[data-testid=work-done]", "更换厨房水龙头并试水，无渗漏")
    tech.check("[data-testid=charge-paid]")
    tech.select_option("[data-testid=material-0]", "M-TAP")
    tech.select_option("[data-testid=labour-0]", "L-TAP")
    tech.click("[data-testid=save-record]")
    tech.wait_for_selector("[data-testid=consent]")
    assert "203.00" in tech.inner_text("[data-testid=record-total]")
    assert no_sideways_scroll(tech)
    shot(tech, "tech-job-record-phone")
    tech.click(f"[data-testid=tap-completed-{number}]")
    tech.wait_for_selector("[data-testid=tap-message]")  # no consent yet: refused with a message

    resident.goto(f"/my/tickets/{number}")
    resident.click("[data-testid=accept-onsite-quote]")
    resident.wait_for_load_state("networkidle")
    assert resident.locator("[data-testid=onsite-quote]").count() == 0

    tech.reload()
    tech.click(f"[data-testid=tap-completed-{number}]")
    tech.wait_for_selector(f"[data-testid=signoff-{number}]")
    tech.click(f"[data-testid=signoff-{number}]")
    tech.wait_for_selector("[data-testid=signoff-form]")
    shot(tech, "tech-signoff-phone")

    resident.goto(f"/my/tickets/{number}")
    for name, stars in (("attitude", 5), ("skill", 5), ("timeliness", 4), ("overall", 5)):
        resident.click(f"[data-testid=rate-{name}-{stars}]")
    resident.fill("textarea[name=comment]", "师傅准时，活干得干净")
    resident.check("[data-testid=method-alipay]")
    shot(resident, "resident-signoff-form-phone")
    resident.click("[data-testid=confirm-signoff]")
    resident.wait_for_selector("[data-testid=signed]")
    assert resident.inner_text("[data-testid=receipt-no]").startswith("SJ")
    timeline = resident.inner_text("[data-testid=timeline]")
    for words in ("已接单", "在途中", "已到场", "203", "已确认"):
        assert words in timeline, words
    assert no_sideways_scroll(resident)
    shot(resident, "resident-ticket-timeline-phone")

    wide = new_page(viewport=LAPTOP)
    sign_in(wide, "tech01")
    wide.goto(f"/tech/jobs/{number}")
    shot(wide, "tech-job-laptop")


def test_a_paused_job_opens_a_slip_the_desk_sees(new_page, demo_settings):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from app.services.company_settings import DEFAULTS
    from app.services.coordination import working_deadline

    number = make_job(demo_settings, status=Status.IN_PROGRESS)
    tech = new_page(viewport=PHONE)
    sign_in(tech, "tech01")
    tech.goto(f"/tech/jobs/{number}")
    tech.click(f"[data-testid=pause-{number}]")
    tech.check("input[name=reason][value=parts]")
    tech.fill("input[name=note]", "需订购同型号压缩机")
    now = dt.datetime.now(dt.timezone.utc)
    inspection = min(now + dt.timedelta(minutes=30), working_deadline(now, 4, ZoneInfo("Asia/Shanghai"), DEFAULTS["coordination_slips"]))
    tech.fill("[data-testid=inspection-at]", inspection.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M"))
    shot(tech, "tech-pause-phone")
    tech.click("[data-testid=open-slip]")
    tech.wait_for_selector(f"[data-testid=tap-in_progress-{number}]")

    for viewport, name in ((LAPTOP, "desk-slips-laptop"), (PHONE, "desk-slips-phone")):
        desk = new_page(viewport=viewport)
        sign_in(desk, ACCOUNTS["desk"])
        desk.goto("/desk/slips")
        desk.wait_for_selector(f"[data-testid=slip-{number}]")
        assert no_sideways_scroll(desk)
        shot(desk, name)
    desk.goto("/desk")
    desk.wait_for_selector("[data-testid=attention]")
    shot(desk, "desk-home-attention-phone")


def test_a_tap_lost_on_the_network_is_retried_and_saved_once(new_page, demo_settings):
    from sqlalchemy import select

    from app.models import Ticket, TicketEvent
    from tests.integration.helpers import db_session

    number = make_job(demo_settings, status=Status.ACCEPTED)
    tech = new_page(viewport=PHONE)
    sign_in(tech, "tech01")
    tech.goto(f"/tech/jobs/{number}")
    sent = []

    def flaky(route):  # noqa: ANN001, ANN202 - the first send is lost, the retry gets through
        sent.append(route.request.post_data)
        route.abort() if len(sent) == 1 else route.continue_()

    tech.route(f"**/tech/jobs/{number}/status", flaky)
    tech.click(f"[data-testid=tap-en_route-{number}]")
    tech.wait_for_selector(".retry-note:not([hidden])")
    shot(tech, "tech-tap-retrying-phone")
    tech.wait_for_selector(f"[data-testid=tap-on_site-{number}]", timeout=15000)
    assert len(sent) == 2 and sent[0] == sent[1]  # the same key both times
    with db_session(demo_settings) as db:
        steps = db.scalars(select(TicketEvent).join(Ticket).where(Ticket.number == number, TicketEvent.to_status == Status.EN_ROUTE)).all()
    assert len(steps) == 1
