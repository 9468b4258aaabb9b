"""Python files changed on disk outside the editor (a git checkout, a formatter, ``ssot-lint fix``
in a terminal), as ``workspace/didChangeWatchedFiles`` reports them (the server registers
``**/*.py``): gathered until the reports pause, so that a checkout of a thousand files, which a
client reports in many notifications, checks each project they belong to again once.

A file belongs to a project when the project's check reads it: under its root, included, not
excluded, not ignored by git (``Project.includes``). A file the editor has open is no change:
the checks read its buffer, the editor's truth, in place of the file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping

from ssot_lint import api

# Seconds of no report before the files reported are followed: a client reports a checkout in
# batches (VS Code every few dozen milliseconds), and a re-check started between two batches
# would be ended by the next one and run again.
FOLLOW_AFTER = 0.5


class Changes:
    """The files reported changed since the last were followed; ``follow(paths)`` runs once the
    reports pause for ``quiet`` seconds."""

    def __init__(self, follow: Callable[[set[str]], Awaitable[None]], quiet: float = FOLLOW_AFTER) -> None:
        self._follow = follow
        self._quiet = quiet
        self._paths: set[str] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task[None]] = set()  # kept: the loop holds tasks only weakly
        self._closed = False

    def add(self, paths: Iterable[str]) -> None:
        if self._closed:
            return
        self._paths.update(paths)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self._quiet, self._start)

    def _start(self) -> None:
        self._timer = None
        paths, self._paths = self._paths, set()
        task = asyncio.ensure_future(self._follow(paths))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    def close(self) -> None:
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()


def affected(projects: Mapping[str, api.Project], paths: Collection[str]) -> list[str]:
    """The keys of ``projects`` whose check reads a file at one of ``paths`` (changed, created or
    deleted). Reads ``.gitignore`` files (about a millisecond a path): not on the protocol's thread."""
    return [key for key, project in projects.items() if any(project.includes(path) for path in paths)]
