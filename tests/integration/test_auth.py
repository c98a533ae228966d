"""Signing in and out, the login defences, and CSRF."""

import pytest
from litestar.testing import TestClient

from app.asgi import create_app
from tests.conftest import ACCOUNTS, HOMES, csrf, login


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_each_role_signs_in_to_its_home_and_signs_out(client, role):
    response = login(client, ACCOUNTS[role])
    assert response.status_code == 200
    assert response.url.path == HOMES[role]
    assert 'data-testid="home-title"' in response.text

    response = client.post("/logout", data={"_csrf_token": csrf(client)})
    assert response.url.path == "/login"
    assert client.get(HOMES[role]).url.path == "/login"


def test_session_cookie_changes_at_sign_in(client):
    client.get("/login")
    before = client.cookies.get("session")
    login(client, ACCOUNTS["desk"])
    after = client.cookies.get("session")
    assert after and after != before


def test_wrong_password_and_unknown_user_get_the_same_form_and_message(client):
    wrong = login(client, "desk1", "not-the-password")
    unknown = login(client, "nobody-here", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert 'name="account"' in response.text
        assert 'data-testid="login-error"' in response.text
    assert 'value="desk1"' in wrong.text  # what was typed stays
    assert wrong.text.count("login-error") == unknown.text.count("login-error")
    assert "账号或密码不正确" in wrong.text


def test_more_than_five_failures_a_minute_get_429(fresh_settings):
    with TestClient(create_app(fresh_settings)) as test_client:
        for _ in range(5):
            assert login(test_client, "someone", "wrong").status_code == 401
        blocked = login(test_client, "someone", "wrong")
        assert blocked.status_code == 429
        assert "一分钟后再试" in blocked.text


def test_form_without_csrf_token_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"account": "admin", "password": "baoxiu123"})
    assert response.status_code == 403
    assert 'data-testid="error-page"' in response.text


def test_admin_form_without_csrf_token_is_refused(as_role):
    admin = as_role("admin")
    response = admin.post("/admin/staff", data={"username": "sneaky", "name": "x", "role": "admin", "password": "12345678"})
    assert response.status_code == 403
    assert "sneaky" not in admin.get("/admin/staff").text


def test_login_redirects_back_to_the_page_asked_for(client):
    assert client.get("/admin/staff").url.path == "/login"
    response = client.post(
        "/login", data={"account": "admin", "password": "baoxiu123", "next": "/admin/staff", "_csrf_token": csrf(client)}
    )
    assert response.url.path == "/admin/staff"


def test_english_from_the_browser_and_the_switch_is_remembered(client):
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN"}).text
    client.get("/lang?to=en&next=/login")
    assert ">Sign in<" in client.get("/login", headers={"Accept-Language": "zh-CN"}).text
