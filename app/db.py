"""Database engine and the advanced-alchemy configuration shared by the app and the tools."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.settings import Settings


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the board read while a plan is written; foreign keys are off by default in SQLite;
    # busy_timeout turns a momentary write lock into a short wait instead of an error.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def install_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def make_alchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    config = SQLAlchemyAsyncConfig(
        connection_string=settings.database_url,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        engine_config=EngineConfig(pool_pre_ping=not settings.is_sqlite),
        before_send_handler="autocommit_include_redirects",
        create_all=False,
    )
    install_sqlite_pragmas(config.get_engine().sync_engine)
    return config
