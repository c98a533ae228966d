"""A report table once, for the page, the CSV and the XLSX: titled columns of a known kind and raw values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# How a column's numbers read: the page formats them, the exports keep them as numbers.
TEXT, COUNT, MINUTES, HOURS, PERCENT, RATING, MONEY = "text", "count", "minutes", "hours", "percent", "rating", "money"
_DECIMALS = {MINUTES: 1, HOURS: 1, PERCENT: 1, RATING: 2, MONEY: 2}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = COUNT


@dataclass
class Table:
    key: str  # the name in URLs, file names and sheet order
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


def export_value(value: Any, kind: str) -> Any:
    """The number as it goes into a spreadsheet: rounded, percentages as 0-100, blanks for "no data"."""
    if value is None:
        return None
    if kind in _DECIMALS:
        return round(float(value), _DECIMALS[kind])
    return value


def show(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == TEXT:
        return str(value)
    if kind == COUNT:
        return f"{int(value):,}"
    if kind == PERCENT:
        return f"{value:.0f}%"
    if kind == MONEY:
        return f"{value:,.2f}"
    if kind == RATING:
        return f"{value:.2f}"
    return f"{value:,.1f}"
