"""One pure computation in a forked child while this process goes on with its own work, on a
second core: the project-wide aggregation of a kind that takes long on a large project
(import-cycle: about 40% of Home Assistant's aggregation, done alone) beside the other rules'.

The computation must depend only on what this process holds at the fork, and its result must
pickle. Where no child can be started (no ``fork`` on this platform, threads running, a worker's
own process) or the child dies, it runs here when its result is asked for: the result is the
same either way, only the time differs."""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from ssot_lint.lifetime import die_with_parent
from ssot_lint.run.parallel import may_start_workers, start_method

T = TypeVar("T")


def may_fork() -> bool:
    """Whether a child may be forked now: a fork copies only the calling thread, so another
    thread's held lock (an import, a log handler) would stay held in the child forever. A process
    that analyzed files itself (an API caller, the pytest plugin) keeps its analysis thread
    (``on_analysis_thread``) and computes here: only the command's own process forks."""
    return start_method() == "fork" and may_start_workers() and threading.active_count() == 1


def beside(compute: Callable[[], T]) -> Callable[[], T]:
    """Start ``compute`` in a forked child now; return a function giving its result (computed
    here, then, when no child could be started or the child died)."""
    if not may_fork():
        return compute
    try:
        return _Child(compute)
    except OSError:  # no process could be started (a limit on processes, memory)
        return compute


class _Child(Generic[T]):
    def __init__(self, compute: Callable[[], T]) -> None:
        self.compute = compute
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        # A daemon: stopped when this process exits before asking for the result (an error).
        self.process = context.Process(target=_compute_and_send, args=(compute, send), daemon=True)
        try:
            self.process.start()
        except OSError:
            self.receive.close()
            raise
        finally:
            send.close()  # the child's end only: the child dying then reads as EOF here

    def __call__(self) -> T:
        try:
            payload: bytes | None = self.receive.recv_bytes()
        except (EOFError, OSError):  # the child died before it sent a result
            payload = None
        finally:
            self.receive.close()
            self.process.join()
        return self.compute() if payload is None else pickle.loads(payload)


def _compute_and_send(compute: Callable[[], Any], send: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent()
    gc.disable()  # a collection writes to every inherited object: a copy of each page they are on
    try:
        payload = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - the parent computes it again and raises it there, with its traceback
        return
    send.send_bytes(payload)
