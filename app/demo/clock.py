"""Local Beijing time for the demo: everything is planned in local time and stored in UTC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def local_today() -> dt.date:
    return dt.datetime.now(TZ).date()


@dataclass(frozen=True)
class Clock:
    """The demo's notion of time: `now` is a fixed morning hour of `today`, never the wall clock.

    A fixed "now" keeps a load deterministic for a given day: the board shows the same open work at
    whatever hour the demo happens to be loaded.
    """

    today: dt.date
    now_minute: int = 9 * 60

    def at(self, day: dt.date, minute: float) -> dt.datetime:
        """A local day plus minutes after midnight (may run past 24:00), as an aware UTC datetime."""
        local = dt.datetime.combine(day, dt.time(), tzinfo=TZ) + dt.timedelta(minutes=minute)
        return local.astimezone(UTC).replace(microsecond=0)

    @property
    def now(self) -> dt.datetime:
        return self.at(self.today, self.now_minute)

    @property
    def setup_time(self) -> dt.datetime:
        """When the company's master data is stamped as created: well before any demo ticket."""
        return self.at(self.today - dt.timedelta(days=60), 9 * 60)

    def day_of(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(TZ).date()

    def minute_of(self, moment: dt.datetime) -> int:
        local = moment.astimezone(TZ)
        return local.hour * 60 + local.minute


class IdSequence:
    """Hands out explicit primary keys so bulk rows can reference each other before insertion."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last
