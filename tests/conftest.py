"""Shared fixtures: a migrated database with the demo company, and clients signed in as each role."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from app.asgi import create_app
from app.cli import migrate, seed_if_empty
from app.settings import Settings, load_settings

DEMO_PASSWORD = "baoxiu123"
ACCOUNTS = {
    "admin": "admin",
    "desk": "desk1",
    "dispatcher": "dispatch1",
    "technician": "tech01",
    "supervisor": "super1",
    "resident": "19900000001",
}
HOMES = {"admin": "/admin", "desk": "/desk", "dispatcher": "/board", "technician": "/tech", "supervisor": "/supervisor", "resident": "/my"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests last: Playwright's sync API runs an event loop that other tests' asyncio.run() cannot share.
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


def make_settings(data_dir: Path, **extra: str) -> Settings:
    return load_settings({"BAOXIU_DATA_DIR": str(data_dir), "SECRET_KEY": "test-secret-key", "OPTIMISE_SECONDS": "2", **extra})


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One demo database for the whole run: tests that change data make their own records."""
    settings = make_settings(tmp_path_factory.mktemp("demo"))
    migrate(settings)
    asyncio.run(seed_if_empty(settings))
    return settings


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    """An empty, migrated database of the test's own (for state that must not leak, like throttles)."""
    settings = make_settings(tmp_path)
    migrate(settings)
    return settings


@pytest.fixture
def client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings)) as test_client:
        yield test_client


def csrf(test_client: TestClient) -> str:
    if "csrftoken" not in test_client.cookies:
        test_client.get("/login")
    return test_client.cookies["csrftoken"]


def login(test_client: TestClient, account: str, password: str = DEMO_PASSWORD):  # noqa: ANN201
    return test_client.post("/login", data={"account": account, "password": password, "_csrf_token": csrf(test_client)})


@pytest.fixture
def as_role(client: TestClient):  # noqa: ANN201
    def sign_in(role: str) -> TestClient:
        response = login(client, ACCOUNTS[role])
        assert response.status_code == 200, response.text[:500]
        return client

    return sign_in


def today_local() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
