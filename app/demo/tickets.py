"""Repair tickets: two weeks of history, the open work for today and tomorrow, the demo resident's own."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from app.demo import catalog
from app.demo.clock import Clock
from app.demo.history import Draft, Player
from app.demo.places import Places, UnitInfo
from app.demo.residents import Residents
from app.demo.staff import WARRANTY_CATEGORY, Staff, TechInfo
from app.models import Channel, Charge, Role, Scope, Status, Urgency
from app.services.company_settings import DEFAULTS
from app.services.warranty import decide as decide_warranty

S = Status
DAY = dt.timedelta(days=1)
# Appointment slots from the company's template, in minutes after local midnight, with how often
# residents pick each (mornings and early afternoons are the favourites).
SLOTS = tuple((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])) for a, b in DEFAULTS["slot_template"])
SLOT_WEIGHTS = (4, 4, 4, 3, 3, 2)
WHOLE_DAY = (8 * 60, 17 * 60)
_CHANNELS = (Channel.ONLINE, Channel.PHONE, Channel.WALK_IN, Channel.SELF_INSPECTION, Channel.PATROL)
_CHANNEL_WEIGHTS = (45, 35, 10, 5, 5)
_HISTORY_OUTCOMES = ((S.CLOSED, 55), (S.CONFIRMED, 14), (S.COMPLETED, 8), (S.CANCELLED, 7),
                     (S.PAUSED, 6), (S.NO_ACCESS, 5))


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass
class Where:
    estate_id: int
    building_id: int
    unit: UnitInfo | None
    spot: str | None


class TicketFactory:
    def __init__(self, rng: random.Random, clock: Clock, places: Places, residents: Residents,
                 staff: Staff) -> None:
        self.rng, self.clock, self.places, self.residents, self.staff = rng, clock, places, residents, staff
        self.player = Player(rng, clock, staff.office)
        self.occupied = [u for u in places.units if u.id in residents.by_unit]
        self.drafts: list[Draft] = []
        # Technicians already out on a job this morning: one person cannot be at two doors at once.
        self.busy: set[int] = set()

    # --- pieces --------------------------------------------------------------------------------

    def _charge(self, trade: str, unit: UnitInfo | None, on: dt.date) -> tuple[Charge, float | None, list | None]:
        # Common areas are paid for from the service fee; in-home work follows warranty, then the fee schedule.
        if unit is None:
            return Charge.FREE, None, None
        if decide_warranty(unit.handover, WARRANTY_CATEGORY[trade], DEFAULTS["warranty_months"], on):
            return Charge.WARRANTY, None, None
        if self.rng.random() < catalog.PAID_SHARE[trade]:
            return Charge.PAID, *catalog.quote(self.rng, trade)
        return Charge.FREE, None, None

    def _technician(self, trade: str, start: dt.datetime, avoid: frozenset[int] | set[int] = frozenset()) -> TechInfo:
        """Someone with the trade, on shift that day and at that hour if possible."""
        holders = self.staff.holders(trade)
        weekday, minute = self.clock.day_of(start).weekday(), self.clock.minute_of(start)
        working = [t for t in holders if t.works(weekday)]
        on_shift = [t for t in working if t.shift[0] <= minute < t.shift[1]]
        free = [t for t in on_shift if t.id not in avoid]
        return self.rng.choice(free or on_shift or working or holders)

    def _sla(self, urgency: Urgency, created: dt.datetime, window_start: dt.datetime | None) -> dt.datetime:
        minutes = DEFAULTS["sla_minutes"][urgency.value]
        if urgency == Urgency.NORMAL and window_start is not None:
            return window_start + dt.timedelta(minutes=minutes)
        return created + dt.timedelta(minutes=minutes)

    def _draft(self, *, created: dt.datetime, channel: Channel, urgency: Urgency, trade: str, text: str,
               where: Where, window: tuple[dt.datetime, dt.datetime] | None, target: Status,
               reporter_id: int | None = None, preferred: str = "", technician: TechInfo | None = None) -> Draft:
        rng = self.rng
        scope = Scope.IN_HOME if where.unit else Scope.PUBLIC
        if where.unit is not None:
            reporter_id = reporter_id or rng.choice(self.residents.by_unit[where.unit.id])
            person = self.residents.people[reporter_id]
            name, phone = person.name, person.phone
        else:
            # Staff found it: the desk clerk who logged it is the reporter and contact.
            reporter_id = rng.choice(self.staff.office[Role.DESK])
            name, phone = "客服中心", ""
        charge, quote, lines = self._charge(trade, where.unit, self.clock.day_of(created))
        start = window[0] if window else created
        draft = Draft(
            created=created, channel=channel, urgency=urgency, scope=scope, trade=trade, description=text,
            estate_id=where.estate_id, building_id=where.building_id,
            unit_id=where.unit.id if where.unit else None, spot=where.spot, reporter_id=reporter_id,
            contact_name=name, contact_phone=phone, window_start=window[0] if window else None,
            window_end=window[1] if window else None, sla_due_at=self._sla(urgency, created, start),
            target=target, technician=technician or self._technician(trade, start),
            charge=charge, quote_total=quote, quote_lines=lines,
            access=rng.choices(("someone_home", "call_first", "may_enter"), weights=(70, 20, 10))[0],
            preferred_time=preferred,
        )
        self.player.play(draft)
        self.drafts.append(draft)
        return draft

    def _in_home_where(self, unit: UnitInfo | None = None) -> Where:
        unit = unit or self.rng.choice(self.occupied)
        return Where(unit.estate_id, unit.building_id, unit, None)

    def _our_job(self, trade: str, day: dt.date) -> Where:
        """A unit whose warranty for this trade has run out, so the job is ours and not after-sales'."""
        for _ in range(100):
            unit = self.rng.choice(self.occupied)
            if not decide_warranty(unit.handover, WARRANTY_CATEGORY[trade], DEFAULTS["warranty_months"], day):
                break
        return self._in_home_where(unit)

    def _public_where(self, spot: str) -> Where:
        estate = self.rng.choice(self.places.estates)
        return Where(estate.id, self.rng.choice(estate.building_ids), None, spot)

    def _slot(self, day: dt.date, earliest_minute: int = 0) -> tuple[tuple[dt.datetime, dt.datetime], str] | None:
        choices = [(s, w) for s, w in zip(SLOTS, SLOT_WEIGHTS, strict=True) if s[0] >= earliest_minute]
        if not choices:
            return None
        (a, b), = self.rng.choices([s for s, _ in choices], weights=[w for _, w in choices])
        return (self.clock.at(day, a), self.clock.at(day, b)), f"{day.month}月{day.day}日 {_hhmm(a)}-{_hhmm(b)}"

    def _whole_day(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], str]:
        a, b = WHOLE_DAY
        return (self.clock.at(day, a), self.clock.at(day, b)), f"{day.month}月{day.day}日 白天都可以，来前电话联系"

    def _booked_ahead(self, window_day: dt.date, slot_start: int, lead_days: int, channel: Channel,
                      latest: dt.datetime) -> dt.datetime:
        """When a resident booked a window `lead_days` ahead, within the channel's hours and before `latest`."""
        low, high = (7 * 60, 22 * 60 + 30) if channel == Channel.ONLINE else (8 * 60, 20 * 60)
        day = window_day - lead_days * DAY
        if lead_days == 0:
            high = min(high, slot_start - 60)
        latest_day = self.clock.day_of(latest)
        if day >= latest_day:
            day, high = latest_day, min(high, self.clock.minute_of(latest))
        if high < low:  # nothing left that day: the booking was made the evening before
            day, low, high = day - DAY, 19 * 60, 22 * 60
        return self.clock.at(day, self.rng.uniform(low, high))

    # --- ticket families ------------------------------------------------------------------------

    def one_booked(self, window_day: dt.date, target: Status, *, lead_days: int | None = None,
                   normal_only: bool = False, latest: dt.datetime | None = None, first_slot: int = 0) -> Draft:
        """A ticket with an appointment (or, for public areas, a whole-day window) on `window_day`."""
        rng = self.rng
        channel = rng.choices(_CHANNELS, weights=_CHANNEL_WEIGHTS)[0]
        latest = latest or self.clock.now
        if lead_days is None:
            lead_days = rng.choices((0, 1, 2, 3, 4), weights=(25, 40, 18, 10, 7))[0]
        if channel in (Channel.SELF_INSPECTION, Channel.PATROL):
            spot, text, trade = catalog.pick_public(rng)
            window, preferred = self._whole_day(window_day)
            created = self._booked_ahead(window_day, 24 * 60, max(lead_days, 1), Channel.PHONE, latest)
            return self._draft(created=created, channel=channel, urgency=Urgency.PLANNED, trade=trade, text=text,
                               where=self._public_where(spot), window=window, target=target, preferred=preferred)
        trade, text, urgency = catalog.pick_in_home(rng)
        while urgency != Urgency.NORMAL and (normal_only or target not in (S.CLOSED, S.CONFIRMED, S.COMPLETED)):
            trade, text, urgency = catalog.pick_in_home(rng)
        if urgency != Urgency.NORMAL:
            return self.one_emergency(window_day, target, trade, text, urgency)
        slot = self._slot(window_day, first_slot)
        window, preferred = self._whole_day(window_day) if rng.random() < 0.08 or slot is None else slot
        start_minute = self.clock.minute_of(window[0])
        created = self._booked_ahead(window_day, start_minute, lead_days, channel, latest)
        return self._draft(created=created, channel=channel, urgency=Urgency.NORMAL, trade=trade, text=text,
                           where=self._in_home_where(), window=window, target=target, preferred=preferred)

    def one_emergency(self, day: dt.date, target: Status, trade: str, text: str, urgency: Urgency,
                      minute: float | None = None, where: Where | None = None) -> Draft:
        """Bursts and outages are phoned in at any hour and attended at once, so the window opens at the report."""
        rng = self.rng
        if minute is None:
            minute = rng.uniform(0, 24 * 60) if rng.random() < 0.3 else rng.uniform(7 * 60, 22 * 60)
        created = self.clock.at(day, minute)
        hours = 2 if urgency == Urgency.EMERGENCY else 4
        window = (created, created + dt.timedelta(hours=hours))
        return self._draft(created=created, channel=Channel.PHONE, urgency=urgency, trade=trade, text=text,
                           where=where or self._in_home_where(), window=window, target=target, preferred="尽快")

    def history(self, first: dt.date, days: int) -> None:
        """Finished and stuck work with appointments on the days before today."""
        outcomes, weights = zip(*_HISTORY_OUTCOMES, strict=True)
        for offset in range(days):
            day = first + offset * DAY
            for _ in range(self.rng.randint(20, 30)):
                target = self.rng.choices(outcomes, weights=weights)[0]
                # The supervisor's morning list needs a few jobs left half done yesterday.
                if day == self.clock.today - DAY and self.rng.random() < 0.12:
                    target = self.rng.choice((S.ON_SITE, S.IN_PROGRESS))
                self.one_booked(day, target)

    def open_work(self, today_count: int, tomorrow_count: int) -> None:
        today, clock = self.clock.today, self.clock
        for day, count in ((today, today_count), (today + DAY, tomorrow_count)):
            waiting = 0
            # In-warranty reports go to after-sales instead of waiting: keep booking until `count` wait.
            for _ in range(3 * count):
                if waiting == count:
                    break
                # Bookings come in over the days before; those made this morning are triaged by 09:00.
                weights = (45, 30, 15, 10, 0) if day == today else (20, 45, 20, 10, 5)
                lead = self.rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
                # Today's 08:00 slot was planned before 09:00: what still waits starts at 10:00 or later.
                draft = self.one_booked(day, S.TRIAGED, lead_days=lead, normal_only=True,
                                        latest=clock.at(today, 8 * 60 + 20), first_slot=10 * 60 if day == today else 0)
                waiting += draft.status == S.TRIAGED
        # Fresh emergencies the dispatcher has still to send someone to.
        for urgency, minute in ((Urgency.URGENT, 8 * 60 + 41), (Urgency.URGENT, 8 * 60 + 47),
                                (Urgency.EMERGENCY, 8 * 60 + 52)):
            trade, text = self._text_of(urgency)
            self.one_emergency(today, S.TRIAGED, trade, text, urgency, minute=minute, where=self._our_job(trade, today))
        # Untriaged reports: a few from last night, the rest from this morning.
        for n in range(12):
            minute = self.rng.uniform(21 * 60 + 5, 23 * 60 + 50) if n < 3 else self.rng.uniform(7 * 60, 8 * 60 + 55)
            created = clock.at(today - DAY if n < 3 else today, minute)
            trade, text = self._text_of(Urgency.NORMAL)
            window, preferred = self._slot(today + DAY) or self._whole_day(today + DAY)
            self._draft(created=created, channel=Channel.ONLINE, urgency=Urgency.NORMAL, trade=trade, text=text,
                        where=self._in_home_where(), window=window, target=S.NEW, preferred=preferred)
        # Jobs already on technicians' lists this morning, booked on earlier days.
        for target, count in ((S.ASSIGNED, 4), (S.ACCEPTED, 4), (S.EN_ROUTE, 3), (S.ON_SITE, 2), (S.IN_PROGRESS, 2)):
            for _ in range(count):
                self._started_today(target)

    def _text_of(self, urgency: Urgency) -> tuple[str, str]:
        trade, text, found = catalog.pick_in_home(self.rng)
        while found != urgency:
            trade, text, found = catalog.pick_in_home(self.rng)
        return trade, text

    def _started_today(self, target: Status) -> Draft:
        rng, today = self.rng, self.clock.today
        # Work under way by 09:00 sits in the first slot; work merely offered or accepted comes later.
        first = target in (S.EN_ROUTE, S.ON_SITE, S.IN_PROGRESS)
        a, b = SLOTS[0] if first else rng.choice(SLOTS[1:4])
        window = (self.clock.at(today, a), self.clock.at(today, b))
        weekday = today.weekday()
        for _ in range(100):  # a fault someone free this morning can take
            trade, text = self._text_of(Urgency.NORMAL)
            if any(t.works(weekday) and t.shift[0] <= a < t.shift[1] and t.id not in self.busy
                   for t in self.staff.holders(trade)):
                break
        created = self._booked_ahead(today, a, rng.randint(1, 3), Channel.ONLINE, self.clock.now)
        technician = self._technician(trade, window[0], avoid=self.busy)
        if first:
            self.busy.add(technician.id)
        return self._draft(created=created, channel=rng.choice((Channel.ONLINE, Channel.PHONE)),
                           urgency=Urgency.NORMAL, trade=trade, text=text, where=self._our_job(trade, today),
                           window=window, target=target, technician=technician,
                           preferred=f"{today.month}月{today.day}日 {_hhmm(a)}-{_hhmm(b)}")

    def demo_resident(self) -> None:
        """The showcase account's own tickets, one in each state a resident meets."""
        resident_id = self.residents.demo_resident_id
        unit = self.residents.units_of[resident_id][0]
        today = self.clock.today
        plan = (  # days from today, slot index, trade, description, target
            (-10, 1, "plumbing", "厨房水龙头漏水", S.CLOSED),
            (-8, 2, "locks", "防盗门猫眼松动", S.CANCELLED),
            (-6, 0, "civil", "卫生间墙面渗水到隔壁", S.PAUSED),
            (-4, 3, "electrical", "卧室顶灯不亮，换了灯泡也不行", S.CONFIRMED),
            (-1, 3, "hvac", "暖气片不热", S.COMPLETED),
            (1, 1, "locks", "窗户把手断了关不严", S.TRIAGED),
        )
        for days, slot, trade, text, target in plan:
            day = today + days * DAY
            a, b = SLOTS[slot]
            created = self.clock.at(min(day, today) - DAY, 20 * 60 + 15)
            self._draft(created=created, channel=Channel.ONLINE, urgency=Urgency.NORMAL, trade=trade, text=text,
                        where=self._in_home_where(unit), window=(self.clock.at(day, a), self.clock.at(day, b)),
                        target=target, reporter_id=resident_id,
                        preferred=f"{day.month}月{day.day}日 {_hhmm(a)}-{_hhmm(b)}")
        a, b = SLOTS[4]
        self._draft(created=self.clock.at(today, 7 * 60 + 42), channel=Channel.ONLINE, urgency=Urgency.NORMAL,
                    trade="appliances", text="热水器不出热水", where=self._in_home_where(unit),
                    window=(self.clock.at(today, a), self.clock.at(today, b)), target=S.NEW,
                    reporter_id=resident_id, preferred=f"今天 {_hhmm(a)}-{_hhmm(b)}")
