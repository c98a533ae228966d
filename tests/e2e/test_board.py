"""The dispatcher's day in a real browser: optimise, see routes and map, drag a job, watch an emergency arrive."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ACCOUNTS
from tests.e2e.conftest import DESK, shot, sign_in

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")




def planned_board(page, day):  # noqa: ANN001
    page.goto(f"/board?day={day}")
    if page.locator(".track .block").count() == 0:
        page.click("[data-testid=optimise]")
        page.wait_for_selector("[data-testid=optimise-progress], [data-testid=optimise-preview]")
        page.wait_for_selector("[data-testid=apply-plan]", timeout=60000)
        page.click("[data-testid=apply-plan]")
        page.wait_for_selector(".track .block")


def test_dispatcher_optimises_the_day_and_sees_every_route_and_the_map(new_page):
    day = dt.datetime.now(TZ).date() + dt.timedelta(days=1)  # the demo's full day of appointments
    page = new_page(viewport=DESK)
    sign_in(page, ACCOUNTS["dispatcher"])
    page.goto(f"/board?day={day}")
    page.click("[data-testid=optimise]")
    page.wait_for_selector("[data-testid=optimise-progress]")
    # The board answers while the optimiser works.
    assert page.locator("[data-testid=queue]").is_visible()
    page.wait_for_selector("[data-testid=optimise-preview]", timeout=60000)
    shot(page, "board-preview")
    page.click("[data-testid=apply-plan]")
    page.wait_for_selector(".track .block")
    page.wait_for_selector("[data-testid=optimise-preview]", state="detached")  # applied: nothing pending
    planned = int(page.inner_text("[data-testid=jobs-planned]"))
    assert planned == page.locator(".track .block").count() > 0
    lanes_with_work = page.locator("[data-testid=lane]:has(.block)").count()
    routes_on_map = page.locator("[data-testid=route-map] .map-route").count()
    assert routes_on_map == lanes_with_work > 0
    assert page.locator("[data-testid=route-map] polyline").count() == routes_on_map
    shot(page, "board-after-apply")


def test_dispatcher_drags_a_job_to_another_technician(new_page):
    day = dt.datetime.now(TZ).date() + dt.timedelta(days=1)
    page = new_page(viewport=DESK)
    sign_in(page, ACCOUNTS["dispatcher"])
    planned_board(page, day)
    block = page.locator(".track .block").first
    number_suffix = block.inner_text().strip()[:4]
    ticket = block.get_attribute("data-ticket")
    source = block.locator("xpath=..").get_attribute("data-technician")
    target_track = page.locator(f".track[data-technician]:not([data-technician='{source}'])").nth(2)
    target = target_track.get_attribute("data-technician")
    box, goal = block.bounding_box(), target_track.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(box["x"] + box["width"] / 2 + (goal["x"] + 30 - box["x"]) * step / 15,
                        box["y"] + box["height"] / 2 + (goal["y"] + goal["height"] / 2 - box["y"] - box["height"] / 2) * step / 15)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_selector(f".track[data-technician='{target}'] .block[data-ticket='{ticket}']")
    moved = page.locator(f".block[data-ticket='{ticket}']")
    assert moved.count() == 1  # on one route only
    assert "Pinned" in (moved.locator(".pin").get_attribute("title") or "") or moved.locator(".pin").count() == 1
    assert number_suffix in moved.inner_text()
    shot(page, "board-after-drag")


def test_an_emergency_arrives_on_the_open_board_without_reload(new_page):
    page = new_page(viewport=DESK)
    sign_in(page, ACCOUNTS["dispatcher"])
    page.goto("/board")
    page.wait_for_timeout(500)  # the event stream connects
    page.evaluate("window.__sameDocument = true")

    desk = new_page(viewport=DESK)
    sign_in(desk, ACCOUNTS["desk"])
    desk.goto("/desk/report")
    desk.fill("[data-testid=caller-search]", "1-1-")
    desk.wait_for_selector("[data-testid=caller-pick]")
    desk.locator("[data-testid=caller-pick]").first.click()
    if not desk.input_value("#contact_phone"):
        desk.fill("#contact_name", "来电人")
        desk.fill("#contact_phone", "19955556666")
    desk.select_option("select[name=trade_code]", "plumbing")
    desk.fill("textarea[name=description]", "楼上水管爆裂，家里正在跑水")
    desk.click("[data-testid=desk-submit]")
    if desk.locator("[data-testid=duplicates]").count():
        desk.check("input[name=duplicate_decision][value=different]")
        desk.click("[data-testid=desk-submit]")
    desk.wait_for_selector("[data-testid=created-banner]")
    number = desk.inner_text("[data-testid=ticket-number]")

    page.wait_for_selector(f"[data-testid=block-{number}], [data-testid=queue-{number}]", timeout=30000)
    assert page.evaluate("window.__sameDocument") is True  # no reload: the board was swapped in place
    now = dt.datetime.now(TZ)
    if dt.time(8, 30) <= now.time() <= dt.time(16, 0):
        # The day shift's plumbers are on: the re-plan gives it to one of them, and the board says who
        # goes. (In the evening the demo's late-shift plumbers are all held by accepted work.)
        page.wait_for_selector(f"[data-testid=block-{number}]", timeout=30000)
        assert number in page.inner_text("[data-testid=emergencies]")
        assert page.locator("[data-testid=emergency-who]").count() >= 1
    else:
        # Nobody can go: it waits in the queue, and the queue says why.
        page.wait_for_timeout(3000)  # the re-plan has answered
        if not page.locator(f"[data-testid=block-{number}]").count():
            queued = page.inner_text(f"[data-testid=queue-{number}]")
            assert "给排水" in queued and len(queued.splitlines()) >= 4, queued  # number, countdown, where, why
    shot(page, "board-emergency")
