"""What the app-level benchmarks share: a scratch data directory the app is pointed at before it is
imported, a database session per event loop, and percentiles."""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_in_scratch(prefix: str, keep: bool, work: Callable[[Path], None]) -> None:
    """`work(scratch)` with the app's data in a temporary directory, removed afterwards unless `keep`."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    # Before the app is imported: get_settings() (time zone, database) reads these once.
    os.environ.update({"BAOXIU_DATA_DIR": str(scratch), "SECRET_KEY": "bench-secret-key"})
    sys.path.insert(0, str(ROOT))
    try:
        work(scratch)
    finally:
        if keep:
            print(f"scratch database kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


@contextlib.asynccontextmanager
async def session(settings) -> AsyncIterator:  # noqa: ANN001
    """An engine per event loop, disposed in it: aiosqlite connections belong to the loop that opened
    them, and each asyncio.run() of a benchmark is a new loop."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from app.db import install_sqlite_pragmas

    engine = create_async_engine(settings.database_url)
    install_sqlite_pragmas(engine.sync_engine)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db:
            yield db
    finally:
        await engine.dispose()


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)
