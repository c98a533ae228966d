"""The best plan so far, reported from inside the searches while they run (the board shows it).

A search in a child process reports through a queue the pool hands each child as it starts; a
search in the calling process reports straight to the caller. Reports are throttled: a search finds
hundreds of improvements a second at first, and a summary costs a walk over the plan.
"""
from __future__ import annotations

import queue as queues
import threading
import time
from collections.abc import Callable

EVERY_S = 0.5

# per thread: the web app may run two solves at once, each in a worker thread of its own
_here = threading.local()


def listen(sink: Callable[[dict], None] | None) -> None:
    """Where this thread's reports go (None: nowhere). Also a pool initializer, with a queue's put."""
    _here.sink, _here.last = sink, 0.0


def listen_queue(queue) -> None:  # noqa: ANN001 - a multiprocessing queue
    listen(queue.put)


def listening() -> bool:
    return getattr(_here, "sink", None) is not None


def due() -> bool:
    """Whether a report now would be heard and is not too soon after the last: ask before summarising."""
    return listening() and time.monotonic() - _here.last >= EVERY_S


def report(summary: dict) -> None:
    if listening():
        _here.last = time.monotonic()
        _here.sink(summary)


def summary(served: int, jobs: int, weight: int, travel_s: int, cost: int) -> dict:
    """``cost``: what the search minimises once the weight is served (travel + response, FORMAT.md)."""
    return {"served": served, "unassigned": jobs - served, "weight": weight, "travel_s": travel_s, "cost": cost}


class Best:
    """Keeps the best of what the searches report (more weight, then less cost) and passes on
    each improvement, so two searches on different paths never make the figures go backwards."""

    def __init__(self, progress: Callable[[dict], None] | None):
        self.progress = progress
        self.best: dict | None = None

    def offer(self, found: dict) -> None:
        if self.progress is None:
            return
        if self.best is None or (found["weight"], -found["cost"]) > (self.best["weight"], -self.best["cost"]):
            self.best = found
            self.progress(found)

    def drain(self, queue) -> None:  # noqa: ANN001 - a multiprocessing queue
        while True:
            try:
                self.offer(queue.get_nowait())
            except queues.Empty:
                return
