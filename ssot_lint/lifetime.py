"""A child process that dies with its parent: the language server's project job with the server,
an analysis worker with the run that forked it. Without it, a parent killed mid-run (``kill -9``,
a crash, an editor ending its server) leaves children working or waiting for nobody. And a
worker thread the process does not wait for when it ends (``DaemonWorker``).
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

T = TypeVar("T")

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this process when the thread that started it ends (the
    parent's main thread, for ssot-lint's children). Elsewhere nothing: a worker then exits when
    its pipe to the parent closes, and a project job when its check is done."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        pass


class DaemonWorker(Executor):
    """One daemon thread running what is submitted, in order: the process does not wait for it
    when it ends. A ``ThreadPoolExecutor``'s threads are joined at exit, so the language server's
    ``exit`` waited for the buffer check running on one (on a large project, seconds), whose
    result is worth nothing once the server ends. Work that must finish is waited for
    (``submit(...).result()``) before the process gets to its end."""

    def __init__(self, name: str) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new work after shutdown")
            self._pending.add(future)
            self._queue.put((future, lambda: fn(*args, **kwargs)))
        return future

    def _serve(self) -> None:
        while (item := self._queue.get()) is not None:
            future, work = item
            with self._lock:
                self._pending.discard(future)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = work()
            except BaseException as exc:  # handed to whoever awaits it
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            pending, self._pending = self._pending, set()
        if cancel_futures:
            for future in pending:
                future.cancel()
        self._queue.put(None)  # the thread ends after the work running now, if it gets to the end
