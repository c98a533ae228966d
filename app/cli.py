"""`python -m app.cli run|migrate|seed`: what `make run` does, step by step."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.db import install_sqlite_pragmas
from app.settings import ROOT, Settings, get_settings


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def migrate(settings: Settings) -> None:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.database_url), "head")


async def seed_if_empty(settings: Settings) -> bool:
    """Load the demo company into an empty database; leave a database with users alone."""
    from app.demo import load_demo
    from app.models import User

    engine = create_async_engine(settings.database_url)
    install_sqlite_pragmas(engine.sync_engine)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db:
            if await db.scalar(select(func.count()).select_from(User)):
                return False
            await load_demo(db)
            await db.commit()
            return True
    finally:
        await engine.dispose()


BANNER = """
  Baoxiu (报修) is serving on {url}

  Demo sign-ins (password for every demo account: {password})
    admin        administrator           desk1        front desk
    dispatch1    dispatcher              tech01       technician
    super1       supervisor              {phone}  resident (phone number)
"""


def run(settings: Settings, host: str) -> None:
    import uvicorn

    from app.demo import DEMO_PASSWORD, DEMO_RESIDENT_PHONE

    migrate(settings)
    started = time.perf_counter()
    if asyncio.run(seed_if_empty(settings)):
        print(f"  Loaded the demo company in {time.perf_counter() - started:.1f} s.")
    print(BANNER.format(url=f"http://{host}:{settings.port}", password=DEMO_PASSWORD, phone=DEMO_RESIDENT_PHONE))
    sys.stdout.flush()
    # Open board event streams would otherwise hold Ctrl-C until the browser closes them.
    uvicorn.run("app.asgi:create_app", factory=True, host=host, port=settings.port, log_level="warning",
                timeout_graceful_shutdown=3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    parser.add_argument("command", choices=["run", "migrate", "seed"])
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "migrate":
        migrate(settings)
    elif args.command == "seed":
        migrate(settings)
        print("loaded" if asyncio.run(seed_if_empty(settings)) else "database not empty: left as it is")
    else:
        run(settings, args.host)


if __name__ == "__main__":
    main()
