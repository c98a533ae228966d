"""Migrations go up on an empty database, match the models, and come down to nothing."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.cli import alembic_config
from app.models import metadata
from tests.conftest import make_settings


def test_upgrade_to_head_matches_models_and_downgrade_to_base(tmp_path):
    settings = make_settings(tmp_path)
    config = alembic_config(settings.database_url)
    command.upgrade(config, "head")

    sync_url = settings.database_url.replace("+aiosqlite", "")
    engine = create_engine(sync_url)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert {"tickets", "ticket_events", "users", "units", "store_items", "company_settings"} <= tables
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        assert journal == "wal"
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, metadata) == []

    command.downgrade(config, "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()
