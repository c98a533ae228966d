"""Human names for the enums and reference rows, in the request's language."""

from __future__ import annotations

from typing import Any

from app.i18n import get_locale
from app.i18n import gettext as _


def role_name(role: str) -> str:
    return {
        "resident": _("Resident"),
        "desk": _("Front desk"),
        "dispatcher": _("Dispatcher"),
        "technician": _("Technician"),
        "supervisor": _("Supervisor"),
        "admin": _("Administrator"),
    }.get(role, role)


def status_name(status: Any) -> str:
    value = getattr(status, "value", status)
    return {
        "new": _("New"),
        "triaged": _("Awaiting dispatch"),
        "assigned": _("Offered to technician"),
        "accepted": _("Accepted"),
        "en_route": _("On the way"),
        "on_site": _("Arrived"),
        "in_progress": _("In progress"),
        "paused": _("Paused"),
        "no_access": _("No access"),
        "completed": _("Completed"),
        "confirmed": _("Confirmed"),
        "closed": _("Closed"),
        "cancelled": _("Cancelled"),
    }.get(value, value)


def urgency_name(urgency: Any) -> str:
    value = getattr(urgency, "value", urgency)
    return {
        "emergency": _("Emergency"),
        "urgent": _("Urgent"),
        "normal": _("Normal"),
        "planned": _("Planned"),
    }.get(value, value)


def channel_name(channel: Any) -> str:
    value = getattr(channel, "value", channel)
    return {
        "online": _("Online"),
        "phone": _("Phone"),
        "walk_in": _("Walk-in"),
        "self_inspection": _("Self-inspection"),
        "patrol": _("Public-area patrol"),
        "return_visit": _("Return visit"),
        "verbal": _("Verbal job"),
    }.get(value, value)


def weekday_name(weekday: int) -> str:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][weekday]


def trade_name(trade: Any) -> str:
    """A trade row or None ("not sure yet")."""
    if trade is None:
        return _("Not sure")
    return trade.name_zh if get_locale() == "zh_CN" else trade.name_en


LABELS = {
    "role_name": role_name,
    "status_name": status_name,
    "urgency_name": urgency_name,
    "channel_name": channel_name,
    "weekday_name": weekday_name,
    "trade_name": trade_name,
}
