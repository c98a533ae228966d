"""The solver's reasons and rule breaks, in the dispatcher's language and with names, not solver keys.

The solver (app/dispatch) speaks English with keys like `T12` and `J345`; this is the one place that
turns those sentences into what a dispatcher reads. Unknown sentences keep their words, keys replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.i18n import gettext as _

KEY = re.compile(r"\b([TJ])(\d+)\b")
TRADES_RE = r"(?P<trades>[a-z_]+(?:, [a-z_]+)*)"

PATTERNS: list[tuple[re.Pattern, Callable[..., str]]] = [
    (re.compile(rf"^no technician has the trade {TRADES_RE}$"),
     lambda trades, **_k: _("No technician has the trade %(trades)s.", trades=trades)),
    (re.compile(r"^the window (?P<when>.+) is outside every shift$"),
     lambda when, **_k: _("The window %(when)s is outside every shift.", when=when)),
    (re.compile(rf"^no technician with {TRADES_RE} works (?P<when>.+)$"),
     lambda trades, when, **_k: _("Nobody with %(trades)s works %(when)s.", trades=trades, when=when)),
    (re.compile(rf"^all (?P<n>\d+) technicians with {TRADES_RE} are full (?P<when>.+)$"),
     lambda n, trades, when, **_k: _("All %(n)s technicians with %(trades)s are full %(when)s.", n=n, trades=trades, when=when)),
    (re.compile(rf"^(?P<who>\S+), the only technician with {TRADES_RE}, is full (?P<when>.+)$"),
     lambda who, trades, when, **_k: _("%(who)s, the only technician with %(trades)s, is full %(when)s.", who=who, trades=trades, when=when)),
    (re.compile(r"^(?P<who>\S+) is back at (?P<back>\d\d:\d\d), after the shift ends at (?P<end>\d\d:\d\d)$"),
     lambda who, back, end, **_k: _("%(who)s is back at %(back)s, after the shift ends at %(end)s.", who=who, back=back, end=end)),
    (re.compile(r"^(?P<job>\S+) cannot start at (?P<when>\d\d:\d\d) \(ready at (?P<ready>\d\d:\d\d)\)$"),
     lambda job, when, ready, **_k: _("%(job)s cannot start at %(when)s: the technician is ready at %(ready)s.", job=job, when=when, ready=ready)),
    (re.compile(r"^(?P<job>\S+) needs (?P<trades>[a-z_, ]+), which (?P<who>\S+) lacks$"),
     lambda job, trades, who, **_k: _("%(job)s needs %(trades)s, which %(who)s lacks.", job=job, trades=trades, who=who)),
    (re.compile(r"^(?P<job>\S+) is pinned to (?P<who>\S+)$"),
     lambda job, who, **_k: _("%(job)s is pinned to %(who)s.", job=job, who=who)),
    (re.compile(r"^(?P<job>\S+) cannot start within (?P<when>.+) \(ready at (?P<ready>\d\d:\d\d)\)$"),
     lambda job, when, ready, **_k: _("%(job)s cannot start within %(when)s: the technician is ready at %(ready)s.", job=job, when=when, ready=ready)),
    (re.compile(r"^(?P<who>\S+): break cannot start by (?P<latest>\d\d:\d\d) \(earliest (?P<begin>\d\d:\d\d)\)$"),
     lambda who, latest, begin, **_k: _("%(who)s: the break cannot start by %(latest)s (earliest %(begin)s).", who=who, latest=latest, begin=begin)),
]


def localize(text: str, technicians: dict[int, str], tickets: dict[int, str], trades: dict[str, str]) -> str:
    def name(match: re.Match) -> str:
        kind, number = match.group(1), int(match.group(2))
        return (technicians if kind == "T" else tickets).get(number, match.group(0))

    sentence = KEY.sub(name, text.strip())
    for pattern, render in PATTERNS:
        if found := pattern.match(sentence):
            values = found.groupdict()
            if "trades" in values:
                values["trades"] = "、".join(trades.get(code.strip(), code) for code in values["trades"].split(","))
            return render(**values)
    return sentence
