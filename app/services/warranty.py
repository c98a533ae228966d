"""Who pays: the developer's warranty, or the company (free or paid).

Statutory minimums (建设工程质量管理条例 art. 40) run from the unit's handover; the company's settings
hold the months per warranty category, so a longer contractual warranty is one edit away.
"""

from __future__ import annotations

import calendar
import datetime as dt

from app.models import Charge


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_ends(handover: dt.date | None, category: str | None, warranty_months: dict[str, int]) -> dt.date | None:
    if handover is None or category is None or category not in warranty_months:
        return None
    return add_months(handover, int(warranty_months[category]))


def decide(handover: dt.date | None, category: str | None, warranty_months: dict[str, int], today: dt.date) -> Charge | None:
    """WARRANTY while the period runs (the last covered day is the day before the anniversary);
    otherwise None: the desk decides free or paid once it knows whether materials are needed."""
    ends = warranty_ends(handover, category, warranty_months)
    if ends is not None and today < ends:
        return Charge.WARRANTY
    return None
