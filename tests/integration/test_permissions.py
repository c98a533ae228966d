"""Every page checks who may see it: the wrong role gets the 403 page, never data."""

import re

import pytest

from app.asgi import create_app
from tests.conftest import ACCOUNTS, login

STAFF_HOMES = {"desk", "supervisor", "admin"}
# Who may open each page. A new route without a line here fails `test_every_route_is_in_the_table`.
ALLOWED = {
    "/my": {"resident"},
    "/desk": {"desk", "supervisor", "admin"},
    "/board": {"dispatcher", "supervisor", "admin"},
    "/tech": {"technician"},
    "/supervisor": {"supervisor", "admin"},
    "/admin": {"admin"},
    "/tickets": {"desk", "dispatcher", "supervisor", "admin"},
    # The month's statistics and their downloads (/reports/month.csv, .xlsx) are for managers; the
    # morning list of unfinished work is for everyone who acts on it.
    "/reports": {"supervisor", "admin"},
    "/reports/morning": {"desk", "dispatcher", "supervisor", "admin"},
    "/reports/morning.csv": {"desk", "dispatcher", "supervisor", "admin"},
    # The return-visit queue is the desk's (under /desk); finance's daily reconciliation is for managers.
    "/desk/return-visits": {"desk", "supervisor", "admin"},
    "/finance": {"supervisor", "admin"},
    # Every signed-in role reaches the photo route; the photo's ticket decides (404 for strangers).
    "/photos": {"resident", "desk", "dispatcher", "technician", "supervisor", "admin"},
}
PUBLIC = {"/login", "/logout", "/lang", "/healthz", "/static", "/"}


def allowed_roles(path: str) -> set[str]:
    for prefix in sorted(ALLOWED, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "/"):
            return ALLOWED[prefix]
    raise KeyError(path)


def concrete_paths() -> list[str]:
    app = create_app()
    paths = set()
    for route in app.routes:
        if any(route.path == p or route.path.startswith(p + "/") for p in PUBLIC if p != "/") or route.path == "/":
            continue
        if "GET" not in getattr(route, "methods", {"GET"}):
            continue
        paths.add(re.sub(r"\{[^}]+\}", "1", route.path))
    return sorted(paths)


def test_every_route_is_in_the_table():
    for path in concrete_paths():
        assert allowed_roles(path), path


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_every_route_refuses_the_wrong_role(client, role):
    assert login(client, ACCOUNTS[role]).status_code == 200
    for path in concrete_paths():
        if role in allowed_roles(path) and path.endswith("/events"):
            continue  # an endless event stream: tested against a real server in tests/e2e
        response = client.get(path)
        if role in allowed_roles(path):
            assert response.status_code in {200, 404}, (role, path, response.status_code)
        else:
            assert response.status_code == 403, (role, path, response.status_code)
            assert 'data-testid="error-page"' in response.text


def test_anonymous_visitors_are_sent_to_login(client):
    for path in concrete_paths():
        response = client.get(path)
        assert response.url.path == "/login", path
