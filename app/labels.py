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
        "after_sales": _("With after-sales"),
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


def approver_title(title: str) -> str:
    return {
        "engineering_vp": _("Engineering VP"),
        "cost_vp": _("Cost VP"),
        "general_manager": _("General manager"),
    }.get(title, title)


def charge_name(charge: Any) -> str:
    value = getattr(charge, "value", charge)
    return {"warranty": _("In warranty"), "free": _("Free"), "paid": _("Paid"), None: _("Not decided")}.get(value, value)


def after_sales_name(step: str | None) -> str:
    return {
        "sent": _("Sent to after-sales"),
        "accepted": _("Accepted by after-sales"),
        "fixed": _("Fixed by after-sales"),
        "confirmed": _("Repair confirmed"),
        "refused": _("Refused by after-sales"),
    }.get(step or "", step or "")


def event_text(event: Any) -> str:
    data = event.data or {}
    kind = event.kind
    if kind == "created":
        return _("Report registered")
    if kind == "status":
        if "after_sales" in data:
            return after_sales_name(data["after_sales"])
        return _("Status: %(frm)s → %(to)s", frm=status_name(event.from_status), to=status_name(event.to_status))
    if kind == "classified":
        return _("Trade and urgency updated")
    if kind == "linked":
        return _("Linked as a duplicate of %(number)s", number=data.get("original", ""))
    if kind == "unlinked":
        return _("Marked as a different fault")
    if kind == "charge":
        return _("Charge: %(charge)s", charge=charge_name(data.get("charge")))
    if kind == "quoted":
        return _("Quote: %(total)s yuan", total=data.get("total", ""))
    if kind == "approved":
        return _("Quote approved by %(title)s", title=approver_title(data.get("title", "")))
    if kind == "consent":
        if data.get("channel") == "phone":
            return _("Quote accepted by phone (%(by)s)", by=data.get("by", ""))
        return _("Quote accepted online")
    if kind == "followed":
        return _("Followed %(number)s to “%(to)s”", number=data.get("original", ""), to=status_name(event.to_status))
    if kind == "after_sales":
        return after_sales_name(data.get("after_sales"))
    return kind


def next_step(ticket: Any) -> str:
    """What happens next, for the resident, by the ticket's state."""
    value = ticket.status.value
    if ticket.duplicate_of_id:
        return _("This report is handled together with an earlier report of the same fault.")
    if value in {"new", "triaged"} and ticket.charge is not None and ticket.charge.value == "paid" and ticket.quote_total and not ticket.consent_at:
        return _("Please accept or discuss the quote below; work is scheduled after you agree.")
    return {
        "new": _("The front desk will check your report shortly."),
        "triaged": _("Your report is registered and waiting for a technician to be scheduled."),
        "assigned": _("A technician has been chosen and will confirm soon."),
        "accepted": _("A technician has accepted the job."),
        "en_route": _("The technician is on the way."),
        "on_site": _("The technician has arrived."),
        "in_progress": _("The repair is under way."),
        "paused": _("The repair is paused while parts or a contractor are arranged; the front desk keeps you informed."),
        "no_access": _("Nobody was home at the visit. The front desk will call you to book again."),
        "completed": _("The work is done. Please confirm and rate it."),
        "confirmed": _("Thank you. We may call you to ask how it went."),
        "closed": _("This repair is closed."),
        "cancelled": _("This report was cancelled."),
        "after_sales": _("The unit is in warranty: the developer's after-sales service will repair it."),
    }.get(value, "")


LABELS.update({
    "approver_title": approver_title,
    "charge_name": charge_name,
    "after_sales_name": after_sales_name,
    "event_text": event_text,
    "next_step": next_step,
})


def access_name(access: str) -> str:
    return {
        "someone_home": _("Someone will be home"),
        "may_enter": _("The technician may enter with the key"),
        "call_first": _("Call me first"),
    }.get(access, access)


def sla_text(due: Any, now: Any) -> str:
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    span = _("%(h)sh %(m)smin", h=minutes // 60, m=minutes % 60) if minutes >= 60 else _("%(m)s min", m=minutes)
    return _("%(span)s left", span=span) if seconds >= 0 else _("%(span)s late", span=span)


LABELS.update({"access_name": access_name, "sla_text": sla_text})
