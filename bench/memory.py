"""Peak memory of a command and every process it starts (the solver's forkserver and searches).

    python bench/memory.py -- .venv/bin/python -m app.dispatch solve bench/out/instances/gen-1000-120-s1.json \
        --time-limit 60 --out /tmp/plan.json

Samples /proc every 0.2 s and prints the peak of the processes' summed RSS (pages shared between a
forkserver and its children counted in each) and of their summed PSS (shared pages split between
the processes sharing them: the memory the run really holds). Threads are not processes: a
process-tree listing that shows threads counts a process once per thread.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _kb(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample(root: int) -> tuple[int, int, int]:
    """(processes, summed RSS kB, summed PSS kB) of ``root`` and its descendants."""
    tree, todo, seen = _children(), [root], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(tree.get(pid, []))
    rss = sum(_kb(Path(f"/proc/{p}/status"), "VmRSS:") for p in seen)
    pss = sum(_kb(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in seen)
    return len(seen), rss, pss


def main() -> None:
    command = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    began = time.monotonic()
    run = subprocess.Popen(command)
    peak = (0, 0, 0)
    while run.poll() is None:
        now = sample(run.pid)
        peak = max(peak, now, key=lambda s: s[2])
        time.sleep(0.2)
    print(f"exit {run.returncode}, {time.monotonic() - began:.1f} s; peak: {peak[0]} processes, "
          f"RSS {peak[1] / 1024:.0f} MB summed, PSS {peak[2] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
