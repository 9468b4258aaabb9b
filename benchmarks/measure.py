"""The measuring core the benchmark scripts share (run.py, real_world.py, history_cost.py).

``run(command, cwd)`` starts a child process and returns its wall time, peak memory measured two
ways (``/usr/bin/time -v``'s "Maximum resident set size", the largest single process; and the
peak of the summed resident sets of the process and all its descendants, sampled from /proc
every 10 ms, since ssot-lint runs worker processes; ``sample=False`` leaves the sampling out) and
its output. The sampler's own CPU slows what it measures on two saturated cores (Home Assistant's
cold check: 5.84 s unsampled, 6.11 s sampled, 4 alternating runs), so a benchmark times its runs
unsampled and takes the summed memory from a run of its own. ``ratio`` compares two
series run by run; ``machine`` and ``load`` describe where and under what load they ran.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TIME = "/usr/bin/time"
# An installed package runs from compiled bytecode; PYTHONDONTWRITEBYTECODE would make every
# ssot-lint start compile its modules again (~80 ms). NO_COLOR: the same bytes on any terminal.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CHILD_ENV["NO_COLOR"] = "1"


class Failed(Exception):
    """A measured command exited with a code it should not have."""


@dataclass
class Run:
    wall: float
    max_rss_kib: int  # /usr/bin/time -v: the largest single process (0 without /usr/bin/time)
    tree_rss_kib: int  # sampled: the process and its descendants, summed
    code: int
    stdout: bytes
    stderr: bytes
    cpu: float  # user + system seconds of the process and the children it waited for (0 without /usr/bin/time)


def tree_rss_kib(pid: int) -> int:
    """Resident set of ``pid`` plus all its descendants, from /proc (0 when it is gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def run(command: Sequence[str], cwd: Path, ok: tuple[int, ...] = (0, 1), env: dict[str, str] | None = None, sample: bool = True) -> Run:
    """Run ``command`` in ``cwd``; raise ``Failed`` when its exit code is not in ``ok``. Without
    ``sample`` the summed resident set is not sampled (``tree_rss_kib`` is 0)."""
    timed = os.path.exists(TIME)
    with tempfile.NamedTemporaryFile(prefix="time-", suffix=".txt", delete=False) as handle:
        time_file = Path(handle.name)
    full = [TIME, "-v", "-o", str(time_file), *command] if timed else list(command)
    started = time.perf_counter()
    proc = subprocess.Popen(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or CHILD_ENV)
    peak = [0]

    def sample_tree() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kib(proc.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample_tree, daemon=True)
    if sample:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if sample:
        sampler.join()
    max_rss, cpu = 0, 0.0
    if timed:
        report = time_file.read_text(errors="replace")
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        max_rss = int(found.group(1)) if found else 0
        cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", report))
    time_file.unlink(missing_ok=True)
    if proc.returncode not in ok:
        tail = err.decode(errors="replace").strip().splitlines()[-3:]
        raise Failed(f"{' '.join(command[:3])} ... failed with exit {proc.returncode}: {' / '.join(tail)}")
    return Run(wall, max_rss, peak[0], proc.returncode, out, err, cpu)


def median_wall(runs: Sequence[Run]) -> float:
    return statistics.median(r.wall for r in runs)


def ratio(runs: Sequence[Run], base: Sequence[Run], cpu: bool = False) -> float | None:
    """The median of run-by-run ratios of wall time (or with ``cpu`` of CPU time): the runs of
    both tools alternate, so each pair saw similar load."""
    pairs = [(r.cpu / b.cpu if cpu else r.wall / b.wall) for r, b in zip(runs, base) if (b.cpu if cpu else b.wall) > 0]
    return statistics.median(pairs) if pairs else None


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}x" if value >= 0.95 else f"{value:.2f}x"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs ({cpu})"


def version_of(command: Sequence[str], whole: bool = False) -> str:
    """The first line ``command`` prints (all of it with ``whole``); "?" when it cannot run."""
    try:
        out = subprocess.run(list(command), capture_output=True, text=True, timeout=60).stdout.strip()
        return out if whole else out.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"
