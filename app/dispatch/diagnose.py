"""Why a job stayed unassigned, in words a dispatcher can act on (hire, move a shift, re-book)."""
from __future__ import annotations

from .problem import Job, Problem, Technician
from .schedule import hhmm


def span(windows) -> str:
    return ", ".join(f"{hhmm(o)}-{hhmm(c)}" for o, c in windows)


def qualified(problem: Problem, job: Job) -> list[Technician]:
    """Technicians who hold every trade of the job (and are the pinned one, if pinned)."""
    return [t for t in problem.technicians if job.skills <= t.skills and (not job.pinned_to or job.pinned_to == t.id)]


def works_then(tech: Technician, job: Job, reach_in: int, reach_out: int) -> bool:
    """Could ``tech`` start ``job`` inside a window within the shift, counting the drive from
    home and back? ``reach_in``/``reach_out``: travel seconds home->job and job->home."""
    first = tech.shift.start + reach_in
    last = tech.shift.end - reach_out - job.service
    if job.fixed_start is not None:
        return first <= job.fixed_start <= last
    return any(max(first, o) <= min(last, c) for o, c in job.windows_within(tech.shift))


def reason(problem: Problem, job: Job, reach) -> str:
    """``reach(tech, job) -> (seconds from the technician's start, seconds back to the end)``."""
    trades = ", ".join(sorted(job.skills)) or "any trade"
    if job.pinned_to and not job.skills <= problem.technician(job.pinned_to).skills:
        missing = ", ".join(sorted(job.skills - problem.technician(job.pinned_to).skills))
        return f"pinned to {job.pinned_to}, who lacks {missing}"
    able = qualified(problem, job)
    if not able:
        return f"no technician has the trade {trades}"
    when = f"at {hhmm(job.fixed_start)}" if job.fixed_start is not None else span(job.windows) or "during any shift"
    if job.windows and not any(
        o < t.shift.end and t.shift.start < c for t in problem.technicians for o, c in job.windows
    ):
        return f"the window {when} is outside every shift"
    if not any(works_then(t, job, *reach(t, job)) for t in able):
        who = f"{job.pinned_to} (pinned)" if job.pinned_to else f"technician with {trades}"
        return f"no {who} works {when}"
    if len(able) == 1:
        return f"{able[0].id}, the only technician with {trades}, is full {when}"
    return f"all {len(able)} technicians with {trades} are full {when}"
