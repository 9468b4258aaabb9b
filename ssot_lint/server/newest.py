"""Checks of the open buffers, of which only the newest request for each document counts.

A check takes as long as verifying the buffer's imports against the project (seconds in a
large one), and a typist sends a new version every few dozen milliseconds. So each request for
a document (a change, a setting, another buffer it depends on) supersedes the ones before it:
it waits for a short quiet (``DEBOUNCE``), the checks run one at a time on one worker thread
(the event loop stays free to take the next edits, code actions and hovers; the API is called
from one thread only, as ``ssot-lint check`` calls it), a superseded request is dropped before
its check starts, and the result of one superseded while it ran is dropped too. Diagnostics are
published only for the newest request, so never for a version older than one already shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from ssot_lint.lifetime import DaemonWorker
from ssot_lint.model import Finding
from ssot_lint.server.notes import Notes

T = TypeVar("T")
# Seconds of quiet after a change before its buffer is checked: keystrokes closer together than
# this are checked once, for the last of them.
DEBOUNCE = 0.05


@dataclass(frozen=True)
class Checked:
    """What a check of a buffer found: its per-file findings, with the version and text they
    were found in, and why each unsafe fix among them is unsafe (``notes``; None until known),
    worked out with the other open buffers whose digest is ``others``."""

    version: int | None
    text: str
    findings: list[Finding]
    notes: Notes | None = None
    others: bytes = b""

    def notes_for(self, text: str, findings: list[Finding], others: bytes) -> Notes | None:
        """The notes, if they hold for ``findings`` in ``text`` with the other buffers ``others``:
        why a fix is unsafe depends on the other files too (which of them read what it changes)."""
        return self.notes if (self.text, self.findings, self.others) == (text, findings, others) else None


class Newest:
    """The checks of each document (by URI): requested, debounced, run on the worker thread."""

    def __init__(self) -> None:
        self._worker = DaemonWorker("ssot-server-check")
        self._tickets: dict[str, int] = {}  # uri -> the newest request's ticket
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._running: set[asyncio.Task[None]] = set()  # kept: the loop holds tasks only weakly
        self._closed = False

    def request(self, uri: str, check: Callable[[int], Awaitable[None]], delay: float = DEBOUNCE) -> None:
        """Run ``check(ticket)`` after ``delay`` seconds of no other request for ``uri``; every
        earlier request for it is superseded."""
        ticket = self.forget(uri)
        if self._closed:
            return

        def start() -> None:
            self._timers.pop(uri, None)
            task = asyncio.ensure_future(check(ticket))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

        self._timers[uri] = asyncio.get_running_loop().call_later(delay, start)

    def forget(self, uri: str) -> int:
        """Supersede every request for ``uri`` (a closed document's), and return the next ticket."""
        if (timer := self._timers.pop(uri, None)) is not None:
            timer.cancel()
        self._tickets[uri] = self._tickets.get(uri, 0) + 1
        return self._tickets[uri]

    def newest(self, uri: str, ticket: int) -> bool:
        return self._tickets.get(uri) == ticket

    async def run(self, uri: str, ticket: int, work: Callable[[], T]) -> T | None:
        """``work()`` on the worker thread, or None when the request was superseded before it
        started or while it ran."""

        def unless_superseded() -> T | None:
            return work() if self.newest(uri, ticket) else None

        result = await asyncio.get_running_loop().run_in_executor(self._worker, unless_superseded)
        return result if self.newest(uri, ticket) else None

    async def call(self, work: Callable[[], T]) -> T:
        """``work()`` on the worker thread, after the checks already running (a code action's fix)."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, work)

    def close(self) -> None:
        self._closed = True
        for timer in self._timers.values():
            timer.cancel()
        self._worker.shutdown(wait=False, cancel_futures=True)
