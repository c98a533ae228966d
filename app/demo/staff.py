"""Trades, office staff, and 36 technicians with their skills, home base and weekly shifts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from app.demo.clock import IdSequence
from app.demo.names import person_name
from app.demo.places import Places
from app.models import Role

# code, Chinese name, English name, warranty category (a key of the warranty_months setting),
# service minutes, verbal only. Appliances carry the maker's warranty, not the developer's.
TRADES: tuple[tuple[str, str, str, str | None, int, bool], ...] = (
    ("plumbing", "给排水", "Plumbing", "plumbing", 45, False),
    ("electrical", "电气", "Electrical", "electrical", 40, False),
    ("gas", "燃气", "Gas", "equipment", 40, False),
    ("locks", "门窗锁具", "Locks, doors and windows", "fitout", 35, False),
    ("appliances", "家电", "Appliances", None, 50, False),
    ("hvac", "暖通空调", "Heating and air-conditioning", "heating_cooling", 60, False),
    ("low_voltage", "弱电（对讲/门禁/监控）", "Low voltage (intercom, access, CCTV)", "equipment", 35, False),
    ("civil", "土建防水", "Civil works and waterproofing", "waterproofing", 90, False),
    ("cleaning", "保洁", "Cleaning", None, 30, True),
    ("security", "秩序维护", "Security and order", None, 30, True),
)
TRADE_CODES = tuple(t[0] for t in TRADES)
SERVICE_MINUTES = {t[0]: t[4] for t in TRADES}
WARRANTY_CATEGORY = {t[0]: t[3] for t in TRADES}

# Skill sets and how many technicians hold each: plumbers and electricians are the bulk of an
# engineering department, most people have one or two trades, every trade has at least two holders.
_SKILL_SETS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("plumbing",), 4), (("plumbing", "gas"), 2), (("plumbing", "civil"), 2), (("plumbing", "electrical"), 1),
    (("electrical",), 4), (("electrical", "low_voltage"), 2), (("electrical", "appliances"), 2),
    (("locks",), 2), (("locks", "civil"), 2), (("hvac",), 2), (("hvac", "appliances"), 2),
    (("appliances",), 1), (("civil",), 2), (("gas", "plumbing", "hvac"), 1), (("low_voltage",), 2),
    (("low_voltage", "security"), 1), (("cleaning",), 2), (("cleaning", "security"), 1), (("security",), 1),
)
TECHNICIAN_COUNT = 36

# (start, end, break earliest, break latest, break minutes), minutes from local midnight.
DAY_SHIFT = (8 * 60, 17 * 60, 11 * 60 + 30, 12 * 60 + 30, 60)
LATE_SHIFT = (12 * 60, 21 * 60, 17 * 60, 18 * 60, 45)

# username, role; every office account gets a generated Chinese name.
_OFFICE = (("admin", Role.ADMIN), ("desk1", Role.DESK), ("desk2", Role.DESK),
           ("dispatch1", Role.DISPATCHER), ("dispatch2", Role.DISPATCHER), ("super1", Role.SUPERVISOR))


@dataclass(frozen=True)
class TechInfo:
    id: int
    user_id: int
    trades: tuple[str, ...]
    estate_id: int
    shift: tuple[int, int, int, int, int]
    day_off: int  # weekday, 0 = Monday

    def works(self, weekday: int) -> bool:
        return weekday != self.day_off


@dataclass
class Staff:
    trade_rows: list[dict] = field(default_factory=list)
    user_rows: list[dict] = field(default_factory=list)
    technician_rows: list[dict] = field(default_factory=list)
    shift_rows: list[dict] = field(default_factory=list)
    office: dict[Role, list[int]] = field(default_factory=dict)
    technicians: list[TechInfo] = field(default_factory=list)

    def holders(self, trade: str) -> list[TechInfo]:
        return [t for t in self.technicians if trade in t.trades]


def build_trades() -> list[dict]:
    return [{"id": i + 1, "code": code, "name_zh": zh, "name_en": en, "warranty_category": category,
             "service_minutes": minutes, "verbal_only": verbal, "sort_order": (i + 1) * 10}
            for i, (code, zh, en, category, minutes, verbal) in enumerate(TRADES)]


def build_staff(rng: random.Random, places: Places, user_ids: IdSequence, password_hash: str) -> Staff:
    staff = Staff(trade_rows=build_trades())

    def add_user(username: str, role: Role) -> int:
        user_id = user_ids.next()
        staff.user_rows.append({"id": user_id, "role": role, "username": username, "phone": None,
                                "password_hash": password_hash, "name": person_name(rng), "is_active": True})
        return user_id

    for username, role in _OFFICE:
        staff.office.setdefault(role, []).append(add_user(username, role))

    skill_sets = [skills for skills, count in _SKILL_SETS for _ in range(count)]
    assert len(skill_sets) == TECHNICIAN_COUNT, "the skill table must add up to the headcount"
    rng.shuffle(skill_sets)
    shift_ids = IdSequence()
    for n, skills in enumerate(skill_sets):
        tech_id = n + 1
        estate = places.estates[n % len(places.estates)]
        # Every third technician works late so that evening appointment slots can be served.
        shift = LATE_SHIFT if n % 3 == 2 else DAY_SHIFT
        tech = TechInfo(tech_id, add_user(f"tech{tech_id:02d}", Role.TECHNICIAN), skills, estate.id, shift, n % 7)
        staff.technicians.append(tech)
        staff.technician_rows.append({"id": tech.id, "user_id": tech.user_id, "trades": list(skills),
                                      "home_label": f"{estate.name}工程部",
                                      "home_lat": estate.lat, "home_lon": estate.lon})
        start, end, earliest, latest, minutes = shift
        for weekday in range(7):
            if tech.works(weekday):
                staff.shift_rows.append({"id": shift_ids.next(), "technician_id": tech.id, "weekday": weekday,
                                         "start_min": start, "end_min": end, "break_earliest_min": earliest,
                                         "break_latest_min": latest, "break_minutes": minutes})
    return staff
