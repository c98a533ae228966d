"""What residents and patrols report, by trade, with the urgency the desk would give it."""

from __future__ import annotations

import random

from app.models import Urgency
from app.services.company_settings import DEFAULTS
from app.services.quotes import labour_line, total

E, U, N = Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL

# Share of in-home reports per trade, as a property desk sees them over a year.
IN_HOME_SHARE = {"plumbing": 26, "electrical": 22, "locks": 13, "hvac": 12, "appliances": 8,
                 "civil": 9, "gas": 6, "low_voltage": 4}

IN_HOME: dict[str, tuple[tuple[str, Urgency, int], ...]] = {
    # description, urgency, weight
    "plumbing": (
        ("厨房水龙头漏水", N, 6), ("卫生间下水道堵塞", N, 6), ("马桶水箱一直流水", N, 5),
        ("洗手盆下水管渗水", N, 4), ("淋浴花洒出水很小", N, 3), ("地漏返臭味", N, 3),
        ("热水管接头滴水", N, 3), ("卫生间水管爆裂跑水", E, 1), ("家里突然没水了，邻居家有水", U, 1),
    ),
    "electrical": (
        ("客厅插座没电", N, 6), ("卧室顶灯不亮，换了灯泡也不行", N, 5), ("厨房开关一开就跳闸", N, 4),
        ("卫生间浴霸不工作", N, 3), ("阳台灯开关松动", N, 3), ("入户配电箱空开老是跳", N, 3),
        ("整层停电", U, 1), ("插座冒烟有焦糊味", E, 1), ("全屋停电，其他住户有电", U, 1),
    ),
    "gas": (
        ("燃气灶打不着火", N, 5), ("燃气表不走字", N, 2), ("燃气灶火焰发黄偏小", N, 3),
        ("厨房有燃气味，怀疑漏气", E, 1), ("燃气热水器点不着", N, 2),
    ),
    "locks": (
        ("入户门锁芯转不动", N, 5), ("卧室门关不上，门吸坏了", N, 3), ("窗户把手断了关不严", N, 4),
        ("推拉门滑轮卡住", N, 3), ("纱窗破了需更换", N, 3), ("防盗门猫眼松动", N, 2),
        ("钥匙断在锁里，人在门外进不去", U, 1),
    ),
    "appliances": (
        ("热水器不出热水", N, 5), ("洗衣机不排水", N, 4), ("油烟机噪音大吸力弱", N, 4),
        ("冰箱冷藏室不制冷", N, 3), ("洗碗机显示故障代码E4", N, 1),
    ),
    "hvac": (
        ("空调不制冷", N, 5), ("暖气片不热", N, 6), ("地暖分水器阀门漏水", N, 3),
        ("空调室内机滴水", N, 4), ("暖气管道有异响", N, 2), ("暖气阀门爆开跑水", E, 1),
    ),
    "low_voltage": (
        ("可视对讲没有画面", N, 4), ("楼下按门铃家里不响", N, 3), ("门禁卡刷不开单元门", N, 3),
        ("家里网络面板没信号", N, 2),
    ),
    "civil": (
        ("卫生间墙面渗水到隔壁", N, 4), ("顶棚有水渍，楼上可能漏水", N, 4), ("客厅墙面开裂", N, 3),
        ("阳台瓷砖空鼓起翘", N, 3), ("飘窗下面渗水", N, 3), ("厨房墙砖脱落", N, 2),
    ),
}

# Patrol and self-inspection finds in common areas: spot, description, trade. All can wait days.
PUBLIC: tuple[tuple[str, str, str], ...] = (
    ("大堂", "大堂顶灯两盏不亮", "electrical"), ("大堂", "大堂地面瓷砖破损", "civil"),
    ("大堂", "大堂玻璃门闭门器漏油", "locks"), ("单元门禁", "单元门禁读卡器失灵", "low_voltage"),
    ("单元门禁", "单元门关不严，门吸坏了", "locks"), ("2号电梯", "2号电梯轿厢照明灯不亮", "electrical"),
    ("2号电梯", "2号电梯前室监控画面模糊", "low_voltage"), ("地下车库B1", "地下车库B1照明灯多处不亮", "electrical"),
    ("地下车库B1", "地下车库B1顶板渗水", "civil"), ("地下车库B1", "地下车库B1排水沟堵塞", "plumbing"),
    ("地下车库B1", "地下车库B1地面油污需清洗", "cleaning"), ("屋顶", "屋顶防水层起鼓", "civil"),
    ("屋顶", "屋顶排水口堵塞", "plumbing"), ("楼道", "楼道声控灯不亮", "electrical"),
    ("楼道", "楼道堆放杂物占用消防通道", "security"), ("楼道", "楼道窗户玻璃破裂", "locks"),
    ("消防通道", "消防通道被车辆占用", "security"), ("垃圾房", "垃圾房异味大需冲洗", "cleaning"),
    ("小区正门", "小区正门道闸抬杆慢", "low_voltage"), ("水泵房", "水泵房阀门渗漏", "plumbing"),
    ("中心花园", "中心花园地灯不亮", "electrical"), ("单元门口", "单元门口台阶地砖松动", "civil"),
)

# Fee-schedule items a paid job of each trade typically needs, with the quantity range.
_PAID_ITEMS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "plumbing": (("L-TAP", 1, 2), ("L-DRAIN", 1, 1), ("L-PIPE", 1, 4)),
    "electrical": (("L-SOCKET", 1, 3), ("L-HOUR", 1, 2)),
    "gas": (("L-HOUR", 1, 2),),
    "locks": (("L-LOCK", 1, 1), ("L-HOUR", 1, 1)),
    "appliances": (("L-HOUR", 1, 3),),
    "hvac": (("L-AC", 1, 2), ("L-HOUR", 1, 2)),
    "low_voltage": (("L-HOUR", 1, 1),),
    "civil": (("L-HOUR", 2, 6),),
}
# Of out-of-warranty in-home jobs, the share that needs materials or real labour and is charged.
PAID_SHARE = {"plumbing": 0.5, "electrical": 0.4, "gas": 0.3, "locks": 0.6, "appliances": 0.7,
              "hvac": 0.5, "low_voltage": 0.2, "civil": 0.6}


def pick_in_home(rng: random.Random) -> tuple[str, str, Urgency]:
    trade = rng.choices(list(IN_HOME_SHARE), weights=list(IN_HOME_SHARE.values()))[0]
    choices = IN_HOME[trade]
    text, urgency, _ = rng.choices(choices, weights=[w for *_, w in choices])[0]
    return trade, text, urgency


def pick_public(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(PUBLIC)


def quote(rng: random.Random, trade: str) -> tuple[float, list[dict]]:
    """A call-out plus one fee-schedule item: the total and its lines as stored on the ticket."""
    code, low, high = rng.choice(_PAID_ITEMS[trade])
    lines = [labour_line(DEFAULTS["fee_schedule"], "L-CALL", 1),
             labour_line(DEFAULTS["fee_schedule"], code, rng.randint(low, high))]
    stored = [{"code": line.code, "name": line.name, "quantity": str(line.quantity),
               "unit_price": str(line.unit_price), "amount": str(line.amount)} for line in lines]
    return float(total(lines)), stored
