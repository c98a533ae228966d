"""The SISR search's inner loop (ruin, recreate, accept) compiled by numba: plain arrays in, plain
arrays out, so it knows nothing of the problem's classes (``strings.py`` builds the arrays).

Compiled because the search's quality is its number of iterations: the same loop in Python and
numpy ran about 1,400 iterations per CPU second on the benchmark instances.

Every insertion is exact. A job fits a place only if the route, timed with the job there, keeps
every window, the shift and the technician's break (when he has one, in the gap that costs least
response time, as ``Timetable`` times it); the cost of a place is its extra travel plus the extra
response cost it brings on the whole route. Places are screened first by a test that ignores the
break and the gaps between a job's windows (so it only rules places out), and timed exactly in
order of a lower bound on their cost until none can be cheaper. Without breaks, without a job of
several windows and without response costs (the Solomon benchmark) the screen is exact, and no
route is timed.
"""
from __future__ import annotations

import numpy as np
import numba
from numba import njit

NAME = f"sisr (numba {numba.__version__})"  # names the plans it makes
INF = 10**12
UNSERVED_COST = 10**9  # per unit of priority weight left out: more than any travel
MAX_STRING = 10  # L-max: longest string removed from one route
SPLIT_SHARE = 0.5  # ruins of a route that keep a few jobs inside the removed string
BLINK = 0.01  # chance of skipping a place while inserting

# columns of the job table
LOC, SERVICE, DEMAND, WEIGHT, RESPOND, REPORTED, FIXED, FROM_HOME, OPEN, CLOSE = range(10)
JOB_COLUMNS = 10
# columns of the technician table
START, END, SHIFT_START, SHIFT_END, HAS_BREAK, BREAK_EARLIEST, BREAK_LATEST, BREAK_LENGTH, CAPACITY, MAX_JOBS = range(10)
TECH_COLUMNS = 10


@njit(cache=True)
def seed(value):
    np.random.seed(value)


@njit(cache=True)
def _earliest_start(j, ready, windows, wptr):
    for k in range(wptr[j], wptr[j + 1]):
        if ready <= windows[k, 1]:
            return max(ready, windows[k, 0])
    return INF


@njit(cache=True)
def _evaluate(v, seq, m, tt, jobs, techs, windows, wptr, clocks, responses):
    """(travel, response cost) of technician ``v`` doing ``seq[:m]`` in that order, or (INF, INF)
    when no timing keeps every rule. ``clocks`` and ``responses`` are scratch rows of m + 2."""
    place = techs[v, START]
    clock = techs[v, SHIFT_START]
    travel = 0
    response = 0
    # without the break first: a break only delays, so a route late without it is late with it
    for k in range(m):
        clocks[k] = clock
        responses[k] = response
        j = seq[k]
        leg = tt[place, jobs[j, LOC]]
        travel += leg
        start = _earliest_start(j, clock + leg, windows, wptr)
        if start >= INF:
            return INF, INF
        if jobs[j, RESPOND] > 0 and start > jobs[j, REPORTED]:
            response += jobs[j, RESPOND] * (start - jobs[j, REPORTED])
        clock = start + jobs[j, SERVICE]
        place = jobs[j, LOC]
    clocks[m] = clock
    responses[m] = response
    leg = tt[place, techs[v, END]]
    travel += leg
    back = clock + leg
    if back > techs[v, SHIFT_END]:
        return INF, INF
    if m == 0 or techs[v, HAS_BREAK] == 0:
        return travel, response
    earliest, latest, length = techs[v, BREAK_EARLIEST], techs[v, BREAK_LATEST], techs[v, BREAK_LENGTH]
    if max(back, earliest) <= latest:
        return travel, response  # after the work: it delays nothing
    best = INF
    for gap in range(m + 1):  # the break on the leg into stop ``gap`` (m: the way home), or waiting there
        clock = clocks[gap]
        if max(clock, earliest) > latest:
            break  # later gaps leave later still
        cost = responses[gap]
        place = techs[v, START] if gap == 0 else jobs[seq[gap - 1], LOC]
        ok = True
        for k in range(gap, m + 1):
            there = techs[v, END] if k == m else jobs[seq[k], LOC]
            leg = tt[place, there]
            ready = clock + leg
            if k == gap:
                if max(clock, earliest) <= clock + leg:
                    ready += length  # stops on the way
                else:
                    begin = max(ready, earliest)  # waits on site for it
                    if begin > latest or k == m:
                        ok = False
                        break
                    ready = begin + length
            if k == m:
                ok = ready <= techs[v, SHIFT_END]
                break
            j = seq[k]
            start = _earliest_start(j, ready, windows, wptr)
            if start >= INF:
                ok = False
                break
            if jobs[j, RESPOND] > 0 and start > jobs[j, REPORTED]:
                cost += jobs[j, RESPOND] * (start - jobs[j, REPORTED])
                if cost >= best:
                    ok = False
                    break
            clock = start + jobs[j, SERVICE]
            place = there
        if ok and cost < best:
            best = cost
            if best == response:
                break  # as if there were no break: no gap does better
    if best >= INF:
        return INF, INF
    return travel, best


@njit(cache=True)
def _refresh(v, state, data, clocks, responses):
    """Route ``v``'s screening rows and cost; False when it breaks a rule."""
    routes, lengths, where, load, cost, depart, latest = state
    tt, jobs, techs, windows, wptr, eligible, eptr = data
    m = lengths[v]
    seq = routes[v]
    place = techs[v, START]
    clock = techs[v, SHIFT_START]
    depart[v, 0] = clock
    total = 0
    for k in range(m):
        j = seq[k]
        where[j] = v
        total += jobs[j, DEMAND]
        clock = max(jobs[j, OPEN], clock + tt[place, jobs[j, LOC]]) + jobs[j, SERVICE]
        depart[v, k + 1] = clock
        place = jobs[j, LOC]
    load[v] = total
    # latest[v, p]: the latest start of whatever follows place p (job p, or the return home)
    latest[v, m] = techs[v, SHIFT_END]
    after = techs[v, END]
    for k in range(m - 1, -1, -1):
        j = seq[k]
        latest[v, k] = min(jobs[j, CLOSE], latest[v, k + 1] - tt[jobs[j, LOC], after] - jobs[j, SERVICE])
        after = jobs[j, LOC]
    if m == 0:
        cost[v] = 0
        return True
    travel, response = _evaluate(v, seq, m, tt, jobs, techs, windows, wptr, clocks, responses)
    if travel >= INF:
        cost[v] = INF
        return False
    cost[v] = travel + response
    return True


@njit(cache=True)
def _insert(j, within, use_within, state, data, scratch, exact):
    """Put job ``j`` at its cheapest place that keeps every rule (on the routes marked in ``within``
    if ``use_within``), each place skipped now and then; False when none fits."""
    routes, lengths, where, load, cost, depart, latest = state
    tt, jobs, techs, windows, wptr, eligible, eptr = data
    clocks, responses, trial, cand_v, cand_p, cand_lb = scratch
    here = jobs[j, LOC]
    count = 0
    for e in range(eptr[j], eptr[j + 1]):
        v = eligible[e]
        if use_within and not within[v]:
            continue
        m = lengths[v]
        if load[v] + jobs[j, DEMAND] > techs[v, CAPACITY] or m >= techs[v, MAX_JOBS] or m >= routes.shape[1]:
            continue
        for p in range(m + 1):
            before = techs[v, START] if p == 0 else jobs[routes[v, p - 1], LOC]
            after = techs[v, END] if p == m else jobs[routes[v, p], LOC]
            into = tt[before, here]
            begin = max(jobs[j, OPEN], depart[v, p] + into)
            if begin > jobs[j, CLOSE]:
                continue
            out = tt[here, after]
            if begin + jobs[j, SERVICE] + out > latest[v, p]:
                continue
            bound = into + out - tt[before, after]
            if jobs[j, RESPOND] > 0 and begin > jobs[j, REPORTED]:
                bound += jobs[j, RESPOND] * (begin - jobs[j, REPORTED])
            cand_v[count] = v
            cand_p[count] = p
            cand_lb[count] = bound
            count += 1
    if count == 0:
        return False
    best_k, best_cost = -1, INF
    for _ in range(count):
        # the next cheapest by the bound: a scan, not a sort, since few are ever timed
        k, bound = -1, best_cost
        for i in range(count):
            if cand_lb[i] < bound:
                k, bound = i, cand_lb[i]
        if k < 0:
            break
        cand_lb[k] = INF
        if np.random.random() < BLINK:
            continue
        if exact:
            best_k, best_cost = k, bound
            break
        v, p = cand_v[k], cand_p[k]
        m = lengths[v]
        for q in range(p):
            trial[q] = routes[v, q]
        trial[p] = j
        for q in range(p, m):
            trial[q + 1] = routes[v, q]
        travel, response = _evaluate(v, trial, m + 1, tt, jobs, techs, windows, wptr, clocks, responses)
        if travel < INF and travel + response - cost[v] < best_cost:
            best_k, best_cost = k, travel + response - cost[v]
    if best_k < 0:
        return False
    v, p = cand_v[best_k], cand_p[best_k]
    m = lengths[v]
    for q in range(m, p, -1):
        routes[v, q] = routes[v, q - 1]
    routes[v, p] = j
    lengths[v] = m + 1
    _refresh(v, state, data, clocks, responses)
    return True


@njit(cache=True)
def _near_in_time(j, state, data):
    """Jobs on the routes of technicians who could take job ``j``, nearest first in place and in
    time from its windows: where room for it would have to come from."""
    routes, lengths, where, load, cost, depart, latest = state
    tt, jobs, techs, windows, wptr, eligible, eptr = data
    total = 0
    for e in range(eptr[j], eptr[j + 1]):
        total += lengths[eligible[e]]
    found = np.empty(total, dtype=np.int64)
    keys = np.empty(total, dtype=np.int64)
    i = 0
    for e in range(eptr[j], eptr[j + 1]):
        v = eligible[e]
        for k in range(lengths[v]):
            c = routes[v, k]
            start = depart[v, k + 1] - jobs[c, SERVICE]
            found[i] = c
            keys[i] = tt[jobs[j, LOC], jobs[c, LOC]] + max(0, jobs[j, OPEN] - start, start - jobs[j, CLOSE])
            i += 1
    return found[np.argsort(keys, kind="mergesort")]


@njit(cache=True)
def _ruin(state, data, scratch, neighbours, removed, ruined, average_removed):
    """Take strings of jobs out of routes near a random job; the number taken out, -1 when a route
    cannot do without them (truncated travel times can break the triangle inequality by a second)."""
    routes, lengths, where, load, cost, depart, latest = state
    tt, jobs, techs, windows, wptr, eligible, eptr = data
    clocks, responses = scratch[0], scratch[1]
    n = where.shape[0]
    busy = 0
    served = 0
    for v in range(lengths.shape[0]):
        ruined[v] = False
        if lengths[v] > 0:
            busy += 1
            served += lengths[v]
    if busy == 0:
        return 0
    string_max = min(MAX_STRING, served / busy)
    strings_max = 4 * average_removed / (1 + string_max) - 1
    n_strings = int(np.random.uniform(1, strings_max + 1))
    movable = 0
    left_out = 0
    for c in range(n):
        if where[c] >= 0 and jobs[c, FIXED] == 0:
            movable += 1
        elif where[c] < 0:
            left_out += 1
    if movable == 0:
        return 0
    near = neighbours[0]
    if left_out > 0 and np.random.random() < 0.5:
        pick = np.random.randint(left_out)
        for c in range(n):
            if where[c] < 0:
                if pick == 0:
                    near = _near_in_time(c, state, data)
                    break
                pick -= 1
    else:
        pick = np.random.randint(movable)
        for c in range(n):
            if where[c] >= 0 and jobs[c, FIXED] == 0:
                if pick == 0:
                    near = neighbours[c]
                    break
                pick -= 1
    taken = 0
    n_ruined = 0
    for c in near:
        if n_ruined >= n_strings:
            break
        v = where[c]
        if v < 0 or ruined[v]:
            continue
        ruined[v] = True
        n_ruined += 1
        m = lengths[v]
        at = 0
        while routes[v, at] != c:
            at += 1
        length = int(np.random.uniform(1, min(m, string_max) + 1))
        keep = 0
        if np.random.random() < SPLIT_SHARE and length < m:
            keep = 1
            while length + keep < m and np.random.random() < 0.5:
                keep += 1
        span = length + keep
        first = np.random.randint(max(0, at - span + 1), min(at, m - span) + 1)
        kept_from = np.random.randint(0, length + 1) if keep else 0
        w = 0
        for k in range(m):
            job = routes[v, k]
            inside = first <= k < first + span and not (keep and first + kept_from <= k < first + kept_from + keep)
            if inside and jobs[job, FIXED] == 0:
                removed[taken] = job
                taken += 1
                where[job] = -1
            else:
                routes[v, w] = job
                w += 1
        lengths[v] = w
    for v in range(lengths.shape[0]):
        if ruined[v] and not _refresh(v, state, data, clocks, responses):
            return -1
    return taken


@njit(cache=True)
def _recreate(state, data, scratch, removed, taken, ruined, exact):
    """Put the removed jobs back, and try those left out before on the routes just ruined (a route
    that only gained jobs has no more room). Higher priorities first; within one, in random order,
    by demand, farthest from home or nearest first."""
    routes, lengths, where, load, cost, depart, latest = state
    tt, jobs, techs, windows, wptr, eligible, eptr = data
    n = where.shape[0]
    todo = np.empty(n, dtype=np.int64)
    count = 0
    for i in range(taken):
        todo[count] = removed[i]
        count += 1
    is_removed = np.zeros(n, dtype=np.bool_)
    for i in range(taken):
        is_removed[removed[i]] = True
    for c in range(n):
        if where[c] < 0 and not is_removed[c]:
            for e in range(eptr[c], eptr[c + 1]):
                if ruined[eligible[e]]:
                    todo[count] = c
                    count += 1
                    break
    todo = todo[:count]
    pick = np.random.random() * 11
    rank = np.empty(count, dtype=np.int64)
    if pick < 4:
        rank[:] = np.random.permutation(count)
    else:
        if pick < 8:
            key = -jobs[todo, DEMAND]
        elif pick < 10:
            key = -jobs[todo, FROM_HOME]
        else:
            key = jobs[todo, FROM_HOME].copy()
        rank[np.argsort(key, kind="mergesort")] = np.arange(count)
    order = np.argsort(-jobs[todo, WEIGHT] * (count + 1) + rank, kind="mergesort")
    for i in order:
        c = todo[i]
        _insert(c, ruined, not is_removed[c], state, data, scratch, exact)


@njit(cache=True)
def _total(state, jobs):
    routes, lengths, where, load, cost, depart, latest = state
    total = 0
    for v in range(cost.shape[0]):
        total += cost[v]
    for c in range(where.shape[0]):
        if where[c] < 0:
            total += UNSERVED_COST * jobs[c, WEIGHT]
    return total


@njit(cache=True)
def copy_state(dst, src):
    dst[0][:, :] = src[0]
    dst[1][:] = src[1]
    dst[2][:] = src[2]
    dst[3][:] = src[3]
    dst[4][:] = src[4]
    dst[5][:, :] = src[5]
    dst[6][:, :] = src[6]


@njit(cache=True)
def new_state(v, width, n):
    return (np.zeros((v, width), dtype=np.int64), np.zeros(v, dtype=np.int64), np.full(n, -1, dtype=np.int64),
            np.zeros(v, dtype=np.int64), np.zeros(v, dtype=np.int64), np.zeros((v, width + 1), dtype=np.int64),
            np.zeros((v, width + 1), dtype=np.int64))


@njit(cache=True)
def _scratch(width, candidates):
    return (np.zeros(width + 2, dtype=np.int64), np.zeros(width + 2, dtype=np.int64), np.zeros(width + 1, dtype=np.int64),
            np.zeros(candidates, dtype=np.int64), np.zeros(candidates, dtype=np.int64), np.zeros(candidates, dtype=np.int64))


@njit(cache=True)
def load_routes(state, data, starts, jobs_in_order):
    """Fill ``state`` from routes given as job numbers (route v: ``jobs_in_order[starts[v]:starts[v + 1]]``),
    keeping on each route the jobs it can still take in that order; the cost of the result."""
    routes, lengths, where, load, cost, depart, latest = state
    tt, jobs, techs, windows, wptr, eligible, eptr = data
    width = routes.shape[1]
    scratch = _scratch(width, 1)
    clocks, responses = scratch[0], scratch[1]
    where[:] = -1
    for v in range(lengths.shape[0]):
        lengths[v] = 0
        for i in range(starts[v], starts[v + 1]):
            c = jobs_in_order[i]
            m = lengths[v]
            if m >= width or load[v] + jobs[c, DEMAND] > techs[v, CAPACITY] or m >= techs[v, MAX_JOBS]:
                continue
            routes[v, m] = c
            lengths[v] = m + 1
            if not _refresh(v, state, data, clocks, responses):
                lengths[v] = m
                where[c] = -1
        _refresh(v, state, data, clocks, responses)
    return _total(state, jobs)


@njit(cache=True)
def fill(state, data, exact):
    """Insert every job left out that fits somewhere, higher priorities first; the new cost."""
    where, jobs = state[2], data[1]
    width = state[0].shape[1]
    scratch = _scratch(width, (width + 1) * state[1].shape[0])
    within = np.zeros(state[1].shape[0], dtype=np.bool_)
    order = np.argsort(-jobs[:, WEIGHT], kind="mergesort")
    for c in order:
        if where[c] < 0:
            _insert(c, within, False, state, data, scratch, exact)
    return _total(state, jobs)


@njit(cache=True)
def run(current, best, current_cost, best_cost, data, neighbours, iterations, hot, cold, exact, average_removed):
    """``iterations`` of ruin and recreate from ``current``, annealing from temperature ``hot`` to
    ``cold``, removing ``average_removed`` jobs a ruin on average (the paper's c-bar); a plan that
    leaves out more priority weight is never accepted. ``current`` and
    ``best`` are updated in place; returns their costs."""
    jobs = data[1]
    v = current[1].shape[0]
    width = current[0].shape[1]
    n = current[2].shape[0]
    scratch = _scratch(width, (width + 1) * v)
    trial = new_state(v, width, n)
    removed = np.zeros(n, dtype=np.int64)
    ruined = np.zeros(v, dtype=np.bool_)
    for i in range(iterations):
        temperature = hot * (cold / hot) ** (i / max(1, iterations))
        copy_state(trial, current)
        taken = _ruin(trial, data, scratch, neighbours, removed, ruined, average_removed)
        if taken < 0:
            continue
        _recreate(trial, data, scratch, removed, taken, ruined, exact)
        cost = _total(trial, jobs)
        if cost < current_cost - temperature * np.log(max(np.random.random(), 1e-12)):
            copy_state(current, trial)
            current_cost = cost
            if cost < best_cost:
                copy_state(best, trial)
                best_cost = cost
    return current_cost, best_cost
