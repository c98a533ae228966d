"""Every plan on random small days passes the shared checker."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import H, instance, job, solved, tech

TRADES = ("plumbing", "electrical", "gas")


@st.composite
def days(draw):
    n_places = draw(st.integers(2, 8))
    points = {"home": (0, 0)} | {f"p{k}": (draw(st.integers(0, 4000)), draw(st.integers(0, 4000))) for k in range(n_places)}
    techs = []
    for t in range(draw(st.integers(1, 3))):
        start = draw(st.sampled_from([7, 8, 11])) * H
        lunch = [{"earliest": start + 3 * H, "latest": start + 5 * H, "duration": draw(st.sampled_from([1800, 3600]))}]
        techs.append(tech(f"T{t}", draw(st.sets(st.sampled_from(TRADES), min_size=1)), shift=(start, start + 9 * H),
                          breaks=draw(st.sampled_from([[], lunch])), max_jobs=draw(st.sampled_from([None, 3]))))
    jobs, pinned = [], set()
    for j in range(draw(st.integers(1, 12))):
        opens = draw(st.lists(st.integers(7, 21), max_size=2, unique=True))
        windows = sorted((o * H, o * H + draw(st.sampled_from([0, H, 2 * H]))) for o in opens)
        if len(windows) == 2 and windows[0][1] >= windows[1][0]:
            windows = windows[:1]
        trade = draw(st.sampled_from(TRADES))
        # a pin the checker can accept: one per technician, who holds the trade, any time of the shift
        pin = draw(st.sampled_from([None] * 4 + [t["id"] for t in techs if trade in t["skills"] and t["id"] not in pinned]))
        if pin:
            pinned.add(pin)
            windows = []
        jobs.append(job(f"J{j}", f"p{draw(st.integers(0, n_places - 1))}", [trade],
                        service=draw(st.sampled_from([900, 1800, 3600])), windows=windows,
                        priority=draw(st.sampled_from(["emergency", "urgent", "normal", "planned"])), pinned_to=pin))
    return instance(techs, jobs, points)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days())
def test_every_plan_passes_the_checker(raw):
    plan, summary = solved(raw, seconds=0.3)  # solved() asserts the checker finds no violation
    listed = [s["job"] for r in plan["routes"] for s in r["stops"]] + [u["job"] for u in plan["unassigned"]]
    assert sorted(listed) == sorted(j["id"] for j in raw["jobs"])
