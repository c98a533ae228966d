"""Alembic environment: runs migrations on the app's async engine (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import install_sqlite_pragmas
from app.models import metadata
from app.settings import load_settings

config = context.config


def database_url() -> str:
    return config.attributes.get("database_url") or load_settings().database_url


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):  # noqa: ANN001, ANN201
    # SQLite reports advanced-alchemy's GUID as NUMERIC; the stored bytes are the same.
    if type(metadata_type).__name__ == "GUID":
        return False
    return None


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_async_engine(database_url())
    install_sqlite_pragmas(engine.sync_engine)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
