"""Fictional people: Chinese names from a surname and given-name pool, and phone numbers nobody owns."""

from __future__ import annotations

import random

# Weighted roughly like the national census, so a page of residents looks like a real estate's list.
_SURNAMES = (
    ("王", 72), ("李", 71), ("张", 69), ("刘", 55), ("陈", 45), ("杨", 31), ("赵", 20), ("黄", 19),
    ("周", 17), ("吴", 17), ("徐", 14), ("孙", 13), ("胡", 11), ("朱", 11), ("高", 10), ("林", 10),
    ("何", 9), ("郭", 9), ("马", 9), ("罗", 7), ("梁", 7), ("宋", 6), ("郑", 6), ("谢", 5),
    ("韩", 5), ("唐", 5), ("冯", 5), ("于", 5), ("董", 5), ("萧", 4), ("程", 4), ("曹", 4),
    ("袁", 4), ("邓", 4), ("许", 4), ("傅", 4), ("沈", 4), ("曾", 4), ("彭", 4), ("吕", 4),
    ("苏", 3), ("卢", 3), ("蒋", 3), ("蔡", 3), ("贾", 3), ("丁", 3), ("魏", 3), ("薛", 3),
    ("叶", 3), ("阎", 3), ("余", 3), ("潘", 3), ("杜", 3), ("戴", 3), ("夏", 3), ("钟", 3),
    ("汪", 3), ("田", 3), ("任", 3), ("姜", 3), ("范", 3), ("方", 3), ("石", 3), ("姚", 3),
    ("谭", 2), ("廖", 2), ("邹", 2), ("熊", 2), ("金", 2), ("陆", 2), ("郝", 2), ("孔", 2),
    ("白", 2), ("崔", 2), ("康", 2), ("毛", 2), ("邱", 2), ("秦", 2), ("江", 2), ("史", 2),
    ("顾", 2), ("侯", 2), ("邵", 2), ("孟", 2), ("龙", 2), ("万", 2), ("段", 2), ("钱", 2),
    ("汤", 2), ("尹", 2), ("黎", 2), ("易", 2), ("常", 2), ("武", 2), ("乔", 2), ("贺", 2),
    ("欧阳", 1), ("司马", 1), ("上官", 1),
)
_SURNAME_LIST = [s for s, _ in _SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in _SURNAMES]

_GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文博晨睿轩泽浩然子豪"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲燕红梅琳颖雪慧莉婷倩洁琴云璐欣怡佳悦晓雯楠梦瑶涵雅思嘉"


def person_name(rng: random.Random) -> str:
    surname = rng.choices(_SURNAME_LIST, weights=_SURNAME_WEIGHTS)[0]
    pool = _GIVEN_MALE if rng.random() < 0.5 else _GIVEN_FEMALE
    # About a third of mainland given names have one character.
    length = 1 if rng.random() < 0.33 else 2
    return surname + "".join(rng.choice(pool) for _ in range(length))


def resident_phone(n: int) -> str:
    """The n-th resident's login: 199 0000 xxxx is an unissued block, so no real person gets a text."""
    if not 1 <= n <= 9999:
        raise ValueError("the fictional block holds 9,999 numbers")
    return f"1990000{n:04d}"
