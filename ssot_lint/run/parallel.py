"""Worker processes that survive each other's native crashes.

``concurrent.futures.ProcessPoolExecutor`` fails every pending task when one worker dies, and
cannot say which task killed it. Here each worker holds a pipe of its own, answers a batch of
tasks with one message (a message per task cost the parent as much CPU as a worker), and before
each task writes its number and start time to memory it shares with the parent. So when a
worker dies the parent knows exactly which task it was running: that task is reported as
``Crashed``, the worker's other unanswered tasks go back to the queue, and a fresh worker takes
its place. A task that runs longer than the pool's time limit (an endless loop in a plugin, a
parser gone quadratic) gets its worker killed and is reported the same way.

A worker gets its shared state (for ssot-lint: the rule set) once, when it starts, not with
every task. With the ``fork`` start method (Linux) it is inherited, not even pickled.

Testing hook: ``_crash_hook``, when set, is called in the worker with each task before the job
runs; tests set it (in the parent, before the fork) to kill the worker on one chosen file. It is
a module attribute that only code in the same process can set — no environment variable or
option reaches it — and it is only inherited under the ``fork`` start method.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ssot_lint.analysis.parsing import on_analysis_thread
from ssot_lint.lifetime import die_with_parent

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

_crash_hook: Callable[[Any], None] | None = None  # tests only; see the module docstring
_workers_forbidden = False  # see forbid_workers

_WINDOW = 2  # batches queued per worker, so it never waits for the parent between batches
_MAX_START_FAILURES = 3


@dataclass(frozen=True)
class Crashed:
    """The worker analyzing this task died (a native crash, a kill, ``os._exit``)."""

    reason: str


class WorkerStartError(RuntimeError):
    """Workers die before they are ready: a broken installation, not a broken input file."""


def forbid_workers() -> None:
    """From now on this process analyzes everything itself. For the language server: a fork
    beside its protocol threads copies whatever lock one of them holds at that moment, and the
    child waits on it forever (sys.stdin's, for one)."""
    global _workers_forbidden
    _workers_forbidden = True


def may_start_workers() -> bool:
    """Whether this process may start worker processes: not a worker itself (a daemon cannot
    have children), and not one that forbade them (``forbid_workers``)."""
    import multiprocessing

    return not _workers_forbidden and not multiprocessing.current_process().daemon


def default_jobs() -> int:
    """The CPUs this process may use (respecting affinity masks and container CPU sets)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def start_method() -> str:
    """``fork`` where it is safe and cheap (Linux: ~4 ms per worker, nothing re-imported);
    ``spawn`` elsewhere (macOS system libraries are not fork-safe; Windows has no fork)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _worker_main(
    conn: Connection, job: Callable[[Any, Any], Any], state: Any, running: Any, parent_end: Connection, tasks: Sequence[Any] | None = None
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent()  # Linux: a killed run takes its workers with it, even mid-task
    # A forked worker inherits the parent's end of its own pipe: closed here, so that the pipe
    # reads as closed (EOF, or a reset when batches were left unread) when the parent dies (a kill,
    # a crash) and the worker exits quietly instead of waiting forever. A worker forked later holds
    # earlier workers' parent ends, but it sees its own pipe close first, and exits, releasing them.
    parent_end.close()
    gc.enable()  # a forked worker inherits the parent's setting; the parent may pause it while results arrive
    try:
        # The whole loop runs on the analysis thread (a large stack): each file's analysis then
        # runs there directly, instead of a hand-off between two threads per file (Home
        # Assistant: 7,981 hand-offs, about 5% of a worker's CPU).
        on_analysis_thread(_serve, conn, job, state, running, tasks)
    except (EOFError, OSError):
        return  # the parent is gone


def _serve(conn: Connection, job: Callable[[Any, Any], Any], state: Any, running: Any, tasks: Sequence[Any] | None = None) -> None:
    """``tasks``: the run's tasks, inherited at the fork; a batch then names them by number."""
    conn.send(("ready", None))
    while True:
        batch = conn.recv()
        if batch is None:
            return
        answers = []
        for item in batch:
            number, task = (item, tasks[item]) if tasks is not None and type(item) is int else item
            running[0], running[1] = number, time.monotonic()
            if _crash_hook is not None:
                _crash_hook(task)
            try:
                answers.append(("ok", number, job(state, task)))
            except BaseException as exc:  # noqa: BLE001 - shipped to the parent, which re-raises
                answers.append(("error", number, _portable(exc)))
        running[1] = 0.0  # idle: no task to time out
        conn.send(("answers", answers))


def _portable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception that cannot travel is described instead
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class _Worker:
    def __init__(self, context: Any, job: Callable[[Any, Any], Any], state: Any, tasks: Sequence[Any] | None = None) -> None:
        # A forked worker inherits the run's tasks: the parent sends their numbers, not the tasks
        # pickled (Home Assistant: 7,981 paths and FileRefs, pickled here and unpickled there).
        self.tasks = tasks if tasks is not None and context.get_start_method() == "fork" else None
        self.conn, child = context.Pipe(duplex=True)
        # [number of the task running, when it started (monotonic; 0: idle)], shared with the child
        self.running = context.RawArray("d", 2)
        self.process = context.Process(target=_worker_main, args=(child, job, state, self.running, self.conn, self.tasks), daemon=True)
        # A forked child that runs the garbage collector over the parent's objects writes to
        # (and so copies) every page holding them; frozen objects are never scanned.
        gc.freeze()
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        child.close()
        self.pending: deque[int] = deque()
        self.batches = 0  # batches sent and not yet answered, to keep the window full
        self.ready = False
        self.timed_out: float | None = None

    def send(self, numbers: list[int], tasks: Sequence[Any]) -> None:
        self.pending.extend(numbers)
        self.batches += 1
        try:
            self.conn.send(numbers if tasks is self.tasks else [(n, tasks[n]) for n in numbers])
        except OSError:
            pass  # the worker died since the last look; its sentinel says so and the batch is requeued

    def drain(self) -> tuple[list[tuple[str, int, Any]], bool]:
        """The answers waiting in the pipe, and whether the pipe is still open."""
        messages = []
        try:
            while self.conn.poll():
                kind, answers = self.conn.recv()
                if kind == "ready":
                    self.ready = True
                    continue
                self.batches -= 1
                for answer in answers:
                    if answer[1] != self.pending.popleft():
                        raise RuntimeError("analysis worker answered out of order")
                    messages.append(answer)
        except (EOFError, OSError):
            return messages, False
        return messages, True

    def culprit(self) -> int | None:
        """The task this (dead) worker was running, taken off its pending tasks."""
        number = int(self.running[0])
        if self.running[1] and number in self.pending:
            self.pending.remove(number)
            return number
        return self.pending.popleft() if self.pending else None

    def overdue(self, limit: float, now: float) -> bool:
        started = self.running[1]
        return bool(started) and now - started > limit

    def death(self) -> str:
        if self.timed_out is not None:
            return f"timed out after {self.timed_out:g} s"
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by signal {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exited with code {code}"

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=1)
        self.conn.close()


class WorkerPool(Generic[T, R]):
    """Run ``job(state, task)`` for each task in ``workers`` processes; yield ``(index, result)``
    as results arrive (in no particular order), ``Crashed`` for a task whose worker died.

    With ``keep``, the workers of a run that finished stay for the next run (many small runs, as
    fix verification's rounds of summaries, then cost no process start each) until ``close``."""

    def __init__(
        self, workers: int, job: Callable[[Any, T], R], state: Any, method: str | None = None, time_limit: float | None = None, keep: bool = False
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.time_limit = time_limit  # seconds one task may run; None: no limit
        self.job = job
        self.state = state
        self.keep = keep
        self._kept: list[_Worker] = []  # idle workers of the last run (keep)
        import multiprocessing  # here, not at the top: runs that analyze nothing never need it

        self.context = multiprocessing.get_context(method or start_method())

    def _tick(self) -> float | None:
        """How long to wait for answers before looking at the running tasks' clocks again."""
        return None if self.time_limit is None else min(1.0, self.time_limit / 4)

    def run(self, tasks: Sequence[T], batch_size: int = 16, workers: int | None = None) -> Iterator[tuple[int, R | Crashed]]:
        """``batch_size`` is the largest batch; batches shrink as the queue drains (guided
        scheduling), so no worker is left with a long tail while the others idle. ``workers``:
        at most this many (default: the pool's)."""
        from multiprocessing.connection import wait

        queue: deque[int] = deque(range(len(tasks)))
        live: list[_Worker] = []
        start_failures = 0
        remaining = len(tasks)
        finished = False
        try:
            wanted = min(workers or self.workers, self.workers, len(tasks))
            live = self._take_kept(wanted)
            live += [_Worker(self.context, self.job, self.state, tasks) for _ in range(wanted - len(live))]
            while remaining:
                for worker in live:
                    while queue and worker.batches < _WINDOW:
                        count = max(1, min(batch_size, len(queue) // (len(live) * 2 * _WINDOW)))
                        worker.send([queue.popleft() for _ in range(count)], tasks)
                ready = wait([w.conn for w in live] + [w.process.sentinel for w in live], timeout=self._tick())
                now = time.monotonic()
                for worker in list(live):
                    if self.time_limit is not None and worker.overdue(self.time_limit, now):
                        worker.timed_out = self.time_limit
                        worker.process.kill()
                        worker.process.join()
                    elif worker.conn not in ready and worker.process.sentinel not in ready:
                        continue
                    messages, alive = worker.drain()
                    for kind, number, value in messages:
                        remaining -= 1
                        if kind == "error":
                            raise value
                        yield number, value
                    if alive and worker.process.is_alive():
                        continue
                    reason = worker.death()
                    live.remove(worker)
                    worker.conn.close()
                    if not worker.ready:
                        start_failures += 1
                        if start_failures >= _MAX_START_FAILURES:
                            raise WorkerStartError(f"analysis worker processes die on start ({reason})")
                    else:
                        culprit = worker.culprit()
                        if culprit is not None:
                            remaining -= 1
                            yield culprit, Crashed(reason)
                    queue.extendleft(reversed(worker.pending))
                    if queue:
                        live.append(_Worker(self.context, self.job, self.state, tasks))
            finished = True
        finally:
            if self.keep and finished:  # every task answered: the workers are idle, their pipes empty
                for worker in live:
                    worker.tasks = None  # a later run's tasks are sent to it whole
                self._kept += live
            else:
                for worker in live:
                    worker.stop()

    def _take_kept(self, count: int) -> list[_Worker]:
        """Up to ``count`` kept workers still alive (one that died idle is let go: it ran nothing)."""
        alive = []
        for worker in self._kept:
            if worker.process.is_alive():
                alive.append(worker)
            else:
                worker.stop()
        taken, self._kept = alive[:count], alive[count:]
        return taken

    def close(self) -> None:
        """Stop the kept workers (``keep``)."""
        kept, self._kept = self._kept, []
        for worker in kept:
            worker.stop()
