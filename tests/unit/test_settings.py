from app.services import company_settings
from app.settings import load_settings

import pytest


def test_defaults_point_at_embedded_sqlite(tmp_path):
    settings = load_settings({"BAOXIU_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'baoxiu.db'}"
    assert settings.is_sqlite
    assert settings.port == 8000


def test_postgres_url_gets_the_async_driver(tmp_path):
    settings = load_settings({"BAOXIU_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u:p@db/baoxiu", "PORT": "9000"})
    assert settings.database_url == "postgresql+asyncpg://u:p@db/baoxiu"
    assert not settings.is_sqlite
    assert settings.port == 9000


def test_generated_secret_key_is_kept_across_starts(tmp_path):
    first = load_settings({"BAOXIU_DATA_DIR": str(tmp_path)}).secret_key
    second = load_settings({"BAOXIU_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert load_settings({"BAOXIU_DATA_DIR": str(tmp_path), "SECRET_KEY": "given"}).secret_key == "given"


def test_company_setting_validation_names_the_problem():
    with pytest.raises(ValueError, match="sla_minutes: missing planned"):
        company_settings.validate("sla_minutes", {"emergency": 10, "urgent": 30, "normal": 15})
    with pytest.raises(ValueError, match="sla_minutes.urgent"):
        company_settings.validate("sla_minutes", {"emergency": 10, "urgent": 0, "normal": 15, "planned": 9})
    with pytest.raises(ValueError, match="unknown setting"):
        company_settings.validate("no_such_key", 1)
    assert company_settings.validate("accept_timeout_minutes", "12") == 12


def test_live_updates_use_postgres_when_the_database_is_postgres():
    from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend
    from litestar.channels.backends.memory import MemoryChannelsBackend

    from app.live import channels_plugin

    assert isinstance(channels_plugin("sqlite+aiosqlite:///x.db")._backend, MemoryChannelsBackend)
    assert isinstance(channels_plugin("postgresql+asyncpg://u:p@db/baoxiu")._backend, AsyncPgChannelsBackend)
