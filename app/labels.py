"""Human names for the enums and reference rows, in the request's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.i18n import get_locale
from app.i18n import gettext as _


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated where shown
    return message


ROLE_NAMES = {
    "resident": N_("Resident"),
    "desk": N_("Front desk"),
    "dispatcher": N_("Dispatcher"),
    "technician": N_("Technician"),
    "supervisor": N_("Supervisor"),
    "admin": N_("Administrator"),
}

STATUS_NAMES = {
    "new": N_("New"),
    "triaged": N_("Awaiting dispatch"),
    "assigned": N_("Offered to technician"),
    "accepted": N_("Accepted"),
    "en_route": N_("On the way"),
    "on_site": N_("Arrived"),
    "in_progress": N_("In progress"),
    "paused": N_("Paused"),
    "no_access": N_("No access"),
    "completed": N_("Completed"),
    "confirmed": N_("Confirmed"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
    "after_sales": N_("With after-sales"),
}

URGENCY_NAMES = {
    "emergency": N_("Emergency"),
    "urgent": N_("Urgent"),
    "normal": N_("Normal"),
    "planned": N_("Planned"),
}

CHANNEL_NAMES = {
    "online": N_("Online"),
    "phone": N_("Phone"),
    "walk_in": N_("Walk-in"),
    "self_inspection": N_("Self-inspection"),
    "patrol": N_("Public-area patrol"),
    "return_visit": N_("Return visit"),
    "verbal": N_("Verbal job"),
}

APPROVER_TITLES = {
    "engineering_vp": N_("Engineering VP"),
    "cost_vp": N_("Cost VP"),
    "general_manager": N_("General manager"),
}

AFTER_SALES_NAMES = {
    "sent": N_("Sent to after-sales"),
    "accepted": N_("Accepted by after-sales"),
    "fixed": N_("Fixed by after-sales"),
    "confirmed": N_("Repair confirmed"),
    "refused": N_("Refused by after-sales"),
}

ACCESS_NAMES = {
    "someone_home": N_("Someone will be home"),
    "may_enter": N_("The technician may enter with the key"),
    "call_first": N_("Call me first"),
}


def _name(table: dict, key: Any) -> str:
    message = table.get(key)
    return _(message) if message else (key or "")


def role_name(role: str) -> str:
    return _name(ROLE_NAMES, role)


def status_name(status: Any) -> str:
    value = getattr(status, "value", status)
    return _name(STATUS_NAMES, value)


def urgency_name(urgency: Any) -> str:
    value = getattr(urgency, "value", urgency)
    return _name(URGENCY_NAMES, value)


def channel_name(channel: Any) -> str:
    value = getattr(channel, "value", channel)
    return _name(CHANNEL_NAMES, value)


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
    return _name(APPROVER_TITLES, title)


CHARGE_NAMES = {"warranty": N_("In warranty"), "free": N_("Free"), "paid": N_("Paid"), None: N_("Not decided")}


def charge_name(charge: Any) -> str:
    value = getattr(charge, "value", charge)
    return _name(CHARGE_NAMES, value)


def after_sales_name(step: str | None) -> str:
    return _name(AFTER_SALES_NAMES, step)


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
    if kind in FIELD_EVENTS:
        return FIELD_EVENTS[kind](data)
    if kind == "consent":
        if data.get("channel") == "on_site":
            return _("Quote accepted on site with a one-time code")
        if data.get("channel") == "phone":
            return _("Quote accepted by phone (%(by)s)", by=data.get("by", ""))
        return _("Quote accepted online")
    if kind == "followed":
        return _("Followed %(number)s to “%(to)s”", number=data.get("original", ""), to=status_name(event.to_status))
    if kind == "after_sales":
        return after_sales_name(data.get("after_sales"))
    if kind in BOOKING_EVENTS and "window_start" in data:
        window = window_label(dt.datetime.fromisoformat(data["window_start"]), dt.datetime.fromisoformat(data["window_end"]))
        return _(BOOKING_EVENTS[kind], window=window)
    return kind


BOOKING_EVENTS = {
    "booked": N_("Appointment booked: %(window)s"),
    "rescheduled": N_("Appointment rescheduled to %(window)s"),
    "booking_cancelled": N_("Appointment %(window)s cancelled"),
}


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
    return _name(ACCESS_NAMES, access)


def sla_text(due: Any, now: Any) -> str:
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    span = _("%(h)sh %(m)smin", h=minutes // 60, m=minutes % 60) if minutes >= 60 else _("%(m)s min", m=minutes)
    return _("%(span)s left", span=span) if seconds >= 0 else _("%(span)s late", span=span)


LABELS.update({"access_name": access_name, "sla_text": sla_text})


def day_label(day: Any) -> str:
    """`11月24日 周二` / `Tue 24 Nov`: how a resident names an appointment day."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[day.month - 1]
    # Chinese writes the month's number (11月24日); English its name (Tue 24 Nov): both get both.
    return _("%(weekday)s %(day)s %(month)s", weekday=weekday_name(day.weekday()), day=day.day, month=month, m=day.month)


def window_label(start: Any, end: Any) -> str:
    """An appointment window in local time: `11月24日 周二 10:00–12:00`."""
    from app.web import local_tz

    start_local, end_local = start.astimezone(local_tz()), end.astimezone(local_tz())
    return f"{day_label(start_local.date())} {start_local:%H:%M}–{end_local:%H:%M}"


NOTICE_TEXTS = {
    "booked": N_("%(number)s: your appointment is %(window)s."),
    "rescheduled": N_("%(number)s: your appointment is now %(window)s."),
    "booking_cancelled": N_("%(number)s: your appointment %(window)s is cancelled; pick a new time when it suits you."),
    "rebook": N_("%(number)s: your appointment %(window)s could not be kept; please pick a new time."),
    "reminder": N_("Reminder: %(number)s, the technician comes %(window)s."),
    "on_the_way": N_("%(number)s: the technician is on the way and should arrive about %(eta)s."),
    "running_late": N_("%(number)s: sorry, the technician is running late and should now arrive about %(eta)s."),
    "quote_changed": N_("%(number)s: the repair costs %(total)s yuan. Please accept the quote before work continues."),
    "consent_code": N_("%(number)s: to accept the quote of %(total)s yuan, give the technician the code %(code)s (valid 10 minutes)."),
    "paused": N_("%(number)s: the repair waits for parts or a contractor; an inspection is booked for %(at)s and the front desk keeps you informed."),
    "completed": N_("%(number)s: the work is done. Please confirm and rate it."),
    "receipt": N_("%(number)s: %(amount)s yuan received, receipt %(receipt)s. Thank you."),
}


def notice_text(notice: Any) -> str:
    """The message in the reader's language, from the kind and the figures stored with it."""
    message = NOTICE_TEXTS.get(notice.kind)
    if message is None:
        return notice.kind
    data = dict(notice.data or {})
    if "window_start" in data and "window_end" in data:
        data["window"] = window_label(dt.datetime.fromisoformat(data["window_start"]), dt.datetime.fromisoformat(data["window_end"]))
    data.setdefault("number", notice.ticket.number if notice.ticket else "")
    try:
        return _(message, **data)
    except KeyError:  # stored before its wording changed: the kind is better than a broken page
        return notice.kind


LABELS.update({"day_label": day_label, "window_label": window_label, "notice_text": notice_text})


PAYMENT_METHODS = {"cash": N_("Cash"), "wechat": N_("WeChat Pay"), "alipay": N_("Alipay"), "card": N_("Bank card")}
SLIP_REASONS = {"parts": N_("Waiting for parts"), "contractor": N_("Needs a contractor"),
                "warranty": N_("Developer's warranty"), "other": N_("Other")}
SLIP_ACTIONS = {"opened": N_("Coordination slip opened"), "followed_up": N_("Coordination slip followed up"),
                "resident_updated": N_("Resident updated on the coordination slip"),
                "failed": N_("No agreement with the resident"), "joint_visit": N_("Joint visit needed: two failed agreements in a week"),
                "closed": N_("Coordination slip closed")}


def payment_method_name(method: str | None) -> str:
    return _name(PAYMENT_METHODS, method)


def slip_reason_name(reason: str | None) -> str:
    return _name(SLIP_REASONS, reason)


# Events of the visit itself: each kind's words from the figures stored with it.
FIELD_EVENTS = {
    "late": lambda d: _("Running late: now arriving about %(eta)s", eta=d.get("eta", "")),
    "site_record": lambda d: _("On-site record saved: %(total)s yuan", total=d.get("total", "")),
    "code_sent": lambda d: _("One-time code sent to the resident"),
    "photos": lambda d: _("%(n)s photos added", n=d.get("n", "")),
    "signoff": lambda d: _("Confirmed and rated %(overall)s/5", overall=d.get("overall", "")),
    "payment": lambda d: _("Paid %(amount)s yuan (%(method)s), receipt %(receipt)s", amount=d.get("amount", ""),
                           method=payment_method_name(d.get("method")), receipt=d.get("receipt", "")),
    "slip": lambda d: _name(SLIP_ACTIONS, d.get("action")),
}

LABELS.update({"payment_method_name": payment_method_name, "slip_reason_name": slip_reason_name})


# After the work: return visits and repeat failures (services/return_visits.py, services/repeats.py).
RETURN_VISIT_REASONS = {"paid": N_("Paid job"), "low_rating": N_("Rated below satisfied"), "unrated": N_("Not rated"),
                        "sample": N_("Sample")}
SATISFACTION_NAMES = {"satisfied": N_("Satisfied"), "neutral": N_("Neutral"), "dissatisfied": N_("Dissatisfied")}


def return_visit_reason(reason: str | None) -> str:
    return _name(RETURN_VISIT_REASONS, reason)


def satisfaction_name(value: str | None) -> str:
    return _name(SATISFACTION_NAMES, value)


def _return_visit_event(d: dict) -> str:
    if d.get("outcome") == "not_reached":
        return _("Return visit: resident not reached (attempt %(n)s)", n=d.get("attempt", ""))
    if d.get("outcome") == "unreachable":
        return _("Return visit: resident unreachable after %(n)s attempts", n=d.get("attempt", ""))
    text = _("Return visit: %(satisfaction)s", satisfaction=satisfaction_name(d.get("satisfaction")))
    if d.get("follow_up"):
        text += " · " + _("problem raised, new ticket %(number)s", number=d["follow_up"])
    return text


def _repeat_event(d: dict) -> str:
    if d.get("technician"):
        return _("Repeat of %(number)s, first repaired by %(name)s", number=d.get("original", ""), name=d["technician"])
    return _("Repeat of %(number)s", number=d.get("original", ""))


FIELD_EVENTS.update({
    "return_visit": _return_visit_event,
    "return_visit_follow_up": lambda d: _("Opened from the return visit of %(number)s", number=d.get("original", "")),
    "repeat": _repeat_event,
    "repeated": lambda d: _("Failed again: %(number)s reported for the same unit and trade", number=d.get("repeat", "")),
})
LABELS.update({"return_visit_reason": return_visit_reason, "satisfaction_name": satisfaction_name})
