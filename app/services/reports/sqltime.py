"""Seconds since 1970 as a SQL expression, so durations are summed in the database on SQLite and PostgreSQL alike.

SQLite keeps `DateTimeUTC` as naive UTC text, which `julianday` reads; PostgreSQL has `EXTRACT(EPOCH ...)`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    type = BigInteger()
    name = "epoch"
    inherit_cache = True


@compiles(epoch)
def _epoch_default(element: epoch, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: Any, **kw: Any) -> str:
    # julianday, not strftime('%s'): a literal % would clash with percent-style parameter escaping.
    return f"CAST(ROUND((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400) AS INTEGER)"
