"""The company's business settings: defaults here, the admin's edits in the database.

Thresholds are the company's to choose (DOMAIN.md), so nothing downstream hard-codes them: it asks
`load(db)` and reads the typed value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import CompanySetting

# Minutes from the report (emergency, urgent) or from the agreed time (normal) to someone on site.
DEFAULTS: dict[str, Any] = {
    "sla_minutes": {"emergency": 10, "urgent": 30, "normal": 15, "planned": 3 * 24 * 60},
    "accept_timeout_minutes": 10,
    "late_notice_minutes": 30,
    # An arrival this long after the window, with no word to the resident, is flagged on the board.
    "late_flag_minutes": 30,
    # Coordination slips (协调单): inspection within half a working day, follow-up and resident
    # update intervals, and the window in which two failed agreements call for a joint visit.
    "coordination_slips": {"inspection_within_hours": 4, "follow_up_days": 3, "resident_update_days": 5,
                           "failure_window_days": 7, "work_start_hour": 8, "work_end_hour": 18},
    "slot_template": [["08:00", "10:00"], ["10:00", "12:00"], ["13:00", "15:00"],
                      ["15:00", "17:00"], ["17:00", "19:00"], ["19:00", "21:00"]],
    "slot_days_ahead": 7,
    # Return visits (回访): hours from completion (paid, unrated) or from the rating (low, sampled) to
    # the call; the share of satisfied jobs also called; failed calls before a resident is unreachable.
    "return_visit_hours": {"paid": 24, "low_rating": 24, "unrated": 24, "sample": 48},
    "return_visit_sample_percent": 20,
    "return_visit_max_attempts": 3,
    # A new report for the same unit and trade this many days after a repair is a repeat failure.
    "repeat_window_days": 30,
    # Statutory minimums (建设工程质量管理条例 art. 40), in months; "two heating or cooling seasons"
    # is kept as 24 months so that every period compares the same way.
    "warranty_months": {"waterproofing": 60, "heating_cooling": 24, "electrical": 24,
                        "plumbing": 24, "equipment": 24, "fitout": 24},
    # A quote below the first bound needs nobody's sign-off; above it, the band's approvers.
    "approval_thresholds": [
        {"below": 1000, "approvers": []},
        {"below": 5000, "approvers": ["engineering_vp"]},
        {"below": 10000, "approvers": ["engineering_vp", "cost_vp"]},
        {"below": None, "approvers": ["general_manager"]},
    ],
    "fee_schedule": [
        {"code": "L-CALL", "name_zh": "上门服务费", "name_en": "Call-out", "unit": "次", "price": 30},
        {"code": "L-PIPE", "name_zh": "更换水管（每米）", "name_en": "Replace pipe (per m)", "unit": "米", "price": 40},
        {"code": "L-TAP", "name_zh": "更换水龙头", "name_en": "Replace tap", "unit": "个", "price": 35},
        {"code": "L-SOCKET", "name_zh": "更换插座/开关", "name_en": "Replace socket or switch", "unit": "个", "price": 25},
        {"code": "L-LOCK", "name_zh": "更换锁芯", "name_en": "Replace lock cylinder", "unit": "个", "price": 60},
        {"code": "L-DRAIN", "name_zh": "疏通下水道", "name_en": "Clear drain", "unit": "次", "price": 80},
        {"code": "L-AC", "name_zh": "空调加氟", "name_en": "Air-conditioner regas", "unit": "台", "price": 150},
        {"code": "L-HOUR", "name_zh": "维修工时（每小时）", "name_en": "Labour (per hour)", "unit": "小时", "price": 60},
    ],
    # What a technician carries or buys nearby, at the company's price to residents (yuan, Beijing 2026).
    "materials_catalogue": [
        {"code": "M-PPR20", "name_zh": "PPR水管 20mm", "name_en": "PPR pipe 20 mm", "unit": "米", "price": 12},
        {"code": "M-ELBOW", "name_zh": "PPR弯头/三通", "name_en": "PPR elbow or tee", "unit": "个", "price": 5},
        {"code": "M-VALVE", "name_zh": "角阀", "name_en": "Angle valve", "unit": "个", "price": 28},
        {"code": "M-HOSE", "name_zh": "不锈钢编织软管 60cm", "name_en": "Braided hose 60 cm", "unit": "根", "price": 22},
        {"code": "M-TAP", "name_zh": "厨房水龙头", "name_en": "Kitchen tap", "unit": "个", "price": 168},
        {"code": "M-FILL", "name_zh": "马桶进水阀", "name_en": "Toilet fill valve", "unit": "套", "price": 45},
        {"code": "M-FLAP", "name_zh": "马桶排水阀", "name_en": "Toilet flush valve", "unit": "套", "price": 58},
        {"code": "M-TAPE", "name_zh": "生料带", "name_en": "PTFE tape", "unit": "卷", "price": 3},
        {"code": "M-SOCKET", "name_zh": "五孔插座（公牛）", "name_en": "Five-pin socket (Bull)", "unit": "个", "price": 18},
        {"code": "M-SWITCH", "name_zh": "单开开关", "name_en": "Single light switch", "unit": "个", "price": 15},
        {"code": "M-BREAKER", "name_zh": "漏电保护器 32A", "name_en": "RCD breaker 32 A", "unit": "个", "price": 85},
        {"code": "M-WIRE", "name_zh": "BV2.5电线", "name_en": "BV 2.5 mm² wire", "unit": "米", "price": 4},
        {"code": "M-LED", "name_zh": "LED吸顶灯 24W", "name_en": "LED ceiling light 24 W", "unit": "个", "price": 89},
        {"code": "M-LOCK", "name_zh": "C级防盗锁芯", "name_en": "Grade C lock cylinder", "unit": "个", "price": 180},
        {"code": "M-HINGE", "name_zh": "不锈钢合页", "name_en": "Stainless hinge", "unit": "个", "price": 12},
        {"code": "M-R410", "name_zh": "R410A冷媒（每公斤）", "name_en": "R410A refrigerant (per kg)", "unit": "公斤", "price": 120},
        {"code": "M-IGNITER", "name_zh": "燃气灶点火针", "name_en": "Gas hob igniter", "unit": "个", "price": 35},
        {"code": "M-SEALANT", "name_zh": "防霉玻璃胶", "name_en": "Anti-mould silicone", "unit": "支", "price": 25},
    ],
    "emergency_keywords": ["跑水", "漏水", "爆管", "水管爆裂", "失火", "着火", "冒烟", "漏电", "触电",
                           "燃气", "煤气", "漏气", "困人", "water burst", "burst pipe", "flooding",
                           "fire", "smoke", "electric shock", "gas leak", "trapped"],
    "urgent_keywords": ["停电", "停水", "停气", "电梯故障", "没电", "没水", "power cut", "no power",
                        "no water", "no gas", "lift fault", "elevator fault"],
    "trade_keywords": {
        "plumbing": ["水管", "水龙头", "下水", "堵", "马桶", "漏水", "跑水", "pipe", "tap", "drain", "toilet", "leak"],
        "electrical": ["电", "插座", "开关", "灯", "跳闸", "socket", "switch", "light", "power", "breaker"],
        "gas": ["燃气", "煤气", "灶", "gas", "stove"],
        "locks": ["锁", "门", "窗", "lock", "door", "window"],
        "appliances": ["热水器", "洗衣机", "冰箱", "油烟机", "water heater", "washing machine", "fridge"],
        "hvac": ["空调", "暖气", "地暖", "air con", "heating", "radiator"],
        "low_voltage": ["门禁", "对讲", "监控", "intercom", "access card", "cctv", "camera"],
        "civil": ["渗水", "墙", "防水", "瓷砖", "裂", "seepage", "wall", "tile", "crack", "waterproof"],
    },
}


@dataclass(frozen=True)
class CompanySettings:
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def sla_minutes(self, urgency: str) -> int:
        return int(self.values["sla_minutes"][urgency])


def validate(key: str, value: Any) -> Any:
    """Check an edited value has the shape of its default; raise ValueError naming what is wrong."""
    if key not in DEFAULTS:
        raise ValueError(f"unknown setting {key}")
    default = DEFAULTS[key]
    if isinstance(default, bool) or not isinstance(default, (int, float, list, dict)):
        return value
    if isinstance(default, (int, float)):
        number = int(value)
        if number < 0:
            raise ValueError(f"{key}: must not be negative")
        low, high = NUMBER_RANGES.get(key, (0, None))
        if number < low or (high is not None and number > high):
            raise ValueError(f"{key}: must be from {low} to {high}")
        return number
    if not isinstance(value, type(default)):
        raise ValueError(f"{key}: expected a {type(default).__name__}")
    if key in PRICE_LISTS:
        _check_price_list(key, value)
    if key in {"sla_minutes", "warranty_months", "return_visit_hours", "coordination_slips"}:
        missing = set(default) - set(value)
        if missing:
            raise ValueError(f"{key}: missing {', '.join(sorted(missing))}")
        for name, minutes in value.items():
            if not isinstance(minutes, int) or minutes <= 0:
                raise ValueError(f"{key}.{name}: must be a positive whole number")
    if key == "coordination_slips" and not value["work_start_hour"] < value["work_end_hour"] <= 24:
        raise ValueError(f"{key}.work_end_hour: must be after the start and at most 24")
    return value


# Numbers with a meaningful range beyond "not negative": (lowest, highest).
NUMBER_RANGES = {"late_flag_minutes": (1, 24 * 60), "return_visit_sample_percent": (0, 100), "return_visit_max_attempts": (1, 10), "repeat_window_days": (1, 365)}
PRICE_LISTS = frozenset({"fee_schedule", "materials_catalogue"})
PRICE_FIELDS = ("code", "name_zh", "name_en", "unit", "price")


def _check_price_list(key: str, items: list) -> None:
    """Every item priced and named in both languages; codes unique, since records keep only the code."""
    codes = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict) or set(PRICE_FIELDS) - set(item):
            raise ValueError(f"{key}[{index}]: needs {', '.join(PRICE_FIELDS)}")
        if not isinstance(item["price"], (int, float)) or isinstance(item["price"], bool) or item["price"] < 0:
            raise ValueError(f"{key}[{index}].price: must be a number of 0 or more")
        if item["code"] in codes:
            raise ValueError(f"{key}: code {item['code']} twice")
        codes.add(item["code"])


async def load(db: AsyncSession) -> CompanySettings:
    values = copy.deepcopy(DEFAULTS)
    for row in await db.scalars(select(CompanySetting)):
        if row.key in values:
            values[row.key] = row.value
    return CompanySettings(values)


async def save(db: AsyncSession, key: str, value: Any, user_id: int | None) -> None:
    value = validate(key, value)
    row = await db.scalar(select(CompanySetting).where(CompanySetting.key == key))
    if row is None:
        db.add(CompanySetting(key=key, value=value, updated_by_id=user_id))
    else:
        row.value = value
        row.updated_by_id = user_id
