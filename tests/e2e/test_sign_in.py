"""Each role signs in through the real browser and sees its home page, in Chinese and in English."""

import pytest

from tests.conftest import ACCOUNTS, DEMO_PASSWORD, HOMES
from tests.e2e.conftest import DESK, PHONE, shot

pytestmark = pytest.mark.e2e

TITLES = {
    "zh-CN": {"admin": "系统管理", "desk": "客服前台", "dispatcher": "调度看板", "technician": "今日工单", "supervisor": "主管", "resident": "我的报修"},
    "en-US": {"admin": "Administration", "desk": "Front desk", "dispatcher": "Dispatch board", "technician": "My jobs today", "supervisor": "Supervision", "resident": "My repairs"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_role_signs_in_and_sees_its_home(new_page, role, locale):
    viewport = PHONE if role in {"resident", "technician"} else DESK
    page = new_page(locale=locale, viewport=viewport)
    page.goto("/")
    page.fill("input[name=account]", ACCOUNTS[role])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{HOMES[role]}")
    title = page.locator("[data-testid=home-title]")
    assert TITLES[locale][role] in title.inner_text()
    shot(page, f"home-{role}-{locale}")


def test_wrong_password_shows_message_and_keeps_account(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/login")
    page.fill("input[name=account]", "desk1")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "账号或密码不正确" in page.locator("[data-testid=login-error]").inner_text()
    assert page.input_value("input[name=account]") == "desk1"
    shot(page, "login-error-phone")


def test_language_switch_is_remembered(new_page):
    page = new_page(locale="zh-CN")
    page.goto("/login")
    assert page.locator("h1").inner_text() == "登录"
    page.click("text=EN")
    assert page.locator("h1").inner_text() == "Sign in"
    page.goto("/login")
    assert page.locator("h1").inner_text() == "Sign in"


def test_a_resident_opening_an_admin_page_gets_the_403_page(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/login")
    page.fill("input[name=account]", ACCOUNTS["resident"])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/my")
    response = page.goto("/admin/staff")
    assert response.status == 403
    assert "无权访问" in page.inner_text("body")
    assert "tech01" not in page.content()
    shot(page, "forbidden-phone")
