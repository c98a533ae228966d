"""Quotes for paid work: labour from the fee schedule plus materials, and who must approve."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class QuoteLine:
    code: str  # a fee-schedule code for labour, or "MAT" for a material
    name: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def labour_line(fee_schedule: list[dict], code: str, quantity: str | float | Decimal, locale: str = "zh_CN") -> QuoteLine:
    for item in fee_schedule:
        if item["code"] == code:
            name = item["name_zh"] if locale == "zh_CN" else item["name_en"]
            return QuoteLine(code, name, Decimal(str(quantity)), Decimal(str(item["price"])))
    raise ValueError(f"unknown fee code {code}")


def total(lines: list[QuoteLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def approvers_for(amount: Decimal, thresholds: list[dict]) -> list[str]:
    """The first band whose upper bound is above the amount names the approvers; `None` is no bound.

    With the seed bands, 4,999.99 needs the engineering VP, 5,000 the engineering and cost VPs
    together, and anything from 10,000 the general manager (DOMAIN.md)."""
    for band in thresholds:
        if band["below"] is None or amount < Decimal(str(band["below"])):
            return list(band["approvers"])
    return []
