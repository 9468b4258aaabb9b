"""Worker processes that survive each other's native crashes.

``concurrent.futures.ProcessPoolExecutor`` fails every pending task when one worker dies, and
cannot say which task killed it. Here each worker holds a pipe of its own and answers task by
task, in order, so when a worker dies the parent knows exactly which task it was running: that
task is reported as ``Crashed``, the worker's other queued tasks go back to the queue, and a
fresh worker takes its place.

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
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

_crash_hook: Callable[[Any], None] | None = None  # tests only; see the module docstring

_WINDOW = 2  # batches queued per worker, so it never waits for the parent between batches
_MAX_START_FAILURES = 3


@dataclass(frozen=True)
class Crashed:
    """The worker analysing this task died (a native crash, a kill, ``os._exit``)."""

    reason: str


class WorkerStartError(RuntimeError):
    """Workers die before they are ready: a broken installation, not a broken input file."""


def default_jobs() -> int:
    """The CPUs this process may use (respecting affinity masks and container CPU sets)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1  # type: ignore[attr-defined]
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def start_method() -> str:
    """``fork`` where it is safe and cheap (Linux: ~4 ms per worker, nothing re-imported);
    ``spawn`` elsewhere (macOS system libraries are not fork-safe; Windows has no fork)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _worker_main(conn: Connection, job: Callable[[Any, Any], Any], state: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send(("ready", None, None))
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        for number, task in batch:
            if _crash_hook is not None:
                _crash_hook(task)
            try:
                message = ("ok", number, job(state, task))
            except BaseException as exc:  # noqa: BLE001 - shipped to the parent, which re-raises
                message = ("error", number, _portable(exc))
            conn.send(message)


def _portable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception that cannot travel is described instead
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class _Worker:
    def __init__(self, context: Any, job: Callable[[Any, Any], Any], state: Any) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, job, state), daemon=True)
        # A forked child that runs the garbage collector over the parent's objects writes to
        # (and so copies) every page holding them; frozen objects are never scanned.
        gc.freeze()
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        child.close()
        self.pending: deque[int] = deque()
        self.batches: deque[int] = deque()  # sizes of the batches sent, to keep the window full
        self.ready = False

    def send(self, batch: list[tuple[int, Any]]) -> None:
        self.pending.extend(number for number, _ in batch)
        self.batches.append(len(batch))
        try:
            self.conn.send(batch)
        except OSError:
            pass  # the worker died since the last look; its sentinel says so and the batch is requeued

    def done_one(self) -> int:
        number = self.pending.popleft()
        self.batches[0] -= 1
        if self.batches[0] == 0:
            self.batches.popleft()
        return number

    def drain(self) -> tuple[list[tuple[str, int, Any]], bool]:
        """The answers waiting in the pipe, and whether the pipe is still open."""
        messages = []
        try:
            while self.conn.poll():
                kind, number, value = self.conn.recv()
                if kind == "ready":
                    self.ready = True
                    continue
                if number != self.done_one():
                    raise RuntimeError("analysis worker answered out of order")
                messages.append((kind, number, value))
        except (EOFError, OSError):
            return messages, False
        return messages, True

    def death(self) -> str:
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
    as results arrive (in no particular order), ``Crashed`` for a task whose worker died."""

    def __init__(self, workers: int, job: Callable[[Any, T], R], state: Any, method: str | None = None) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.job = job
        self.state = state
        import multiprocessing  # here, not at the top: runs that analyse nothing never need it

        self.context = multiprocessing.get_context(method or start_method())

    def run(self, tasks: Sequence[T], batch_size: int = 16) -> Iterator[tuple[int, R | Crashed]]:
        """``batch_size`` is the largest batch; batches shrink as the queue drains (guided
        scheduling), so no worker is left with a long tail while the others idle."""
        from multiprocessing.connection import wait

        queue: deque[int] = deque(range(len(tasks)))
        live: list[_Worker] = []
        start_failures = 0
        remaining = len(tasks)
        try:
            live = [_Worker(self.context, self.job, self.state) for _ in range(min(self.workers, len(tasks)))]
            while remaining:
                for worker in live:
                    while queue and len(worker.batches) < _WINDOW:
                        count = max(1, min(batch_size, len(queue) // (len(live) * 2 * _WINDOW)))
                        worker.send([(n, tasks[n]) for n in (queue.popleft() for _ in range(count))])
                ready = wait([w.conn for w in live] + [w.process.sentinel for w in live])
                for worker in list(live):
                    if worker.conn not in ready and worker.process.sentinel not in ready:
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
                    elif worker.pending:
                        culprit = worker.pending.popleft()
                        remaining -= 1
                        yield culprit, Crashed(reason)
                    queue.extendleft(reversed(worker.pending))
                    if queue:
                        live.append(_Worker(self.context, self.job, self.state))
        finally:
            for worker in live:
                worker.stop()
