"""Propose urgency and trade from the words of the report; the desk confirms or changes both.

The keyword lists are company settings, so a company adds "暖气不热" without a release.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Urgency
from app.services.company_settings import CompanySettings


@dataclass(frozen=True)
class Proposal:
    urgency: Urgency
    urgency_keyword: str | None
    trade_code: str | None
    trade_keywords: tuple[str, ...]


def _hits(text: str, keywords: list[str]) -> list[str]:
    lowered = text.lower()
    return [word for word in keywords if word and word.lower() in lowered]


def propose(description: str, settings: CompanySettings, *, public_area: bool = False) -> Proposal:
    urgency, keyword = (Urgency.PLANNED if public_area else Urgency.NORMAL), None
    if hits := _hits(description, settings["emergency_keywords"]):
        urgency, keyword = Urgency.EMERGENCY, hits[0]
    elif hits := _hits(description, settings["urgent_keywords"]):
        urgency, keyword = Urgency.URGENT, hits[0]

    best_trade, best_hits = None, []
    for trade, words in settings["trade_keywords"].items():
        hits = _hits(description, words)
        # The trade with the most (then the longest) matching words wins: "水管漏电" is about the pipe
        # only if more words point at plumbing than at electrics.
        if hits and (len(hits), sum(map(len, hits))) > (len(best_hits), sum(map(len, best_hits))):
            best_trade, best_hits = trade, hits
    return Proposal(urgency, keyword, best_trade, tuple(best_hits))
