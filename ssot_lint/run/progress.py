"""What a run says about itself on stderr: a progress bar on interactive terminals, and the
counts and per-phase times of ``--show-timings``."""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.report import plural

_DELAY = 1.0  # seconds before a bar appears: short runs finish without one
_REFRESH = 0.1  # seconds between redraws


def interactive(stdout: TextIO | None = None, stderr: TextIO | None = None) -> bool:
    """Both streams are terminals and this is not a CI job or a dumb terminal."""
    return _terminal(stdout or sys.stdout) and terminal_stderr(stderr)


def terminal_stderr(stderr: TextIO | None = None) -> bool:
    """stderr (where a bar is drawn) is a terminal and this is not a CI job or a dumb terminal:
    for commands whose stdout is often a file (``history`` writing a report)."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return _terminal(stderr or sys.stderr)


def _terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """Call with ``(done, total)``; ``done`` may be fractional (``history`` adds the share of a
    window of commits analyzed). Draws nothing until the run has taken ``_DELAY`` seconds.

    Redraws happen in these calls, never in a background thread: worker processes are forked
    during the run, and forking a process that has other threads can deadlock the child.
    """

    def __init__(self, enabled: bool, stream: TextIO | None = None, observer: Observer = NULL_OBSERVER, label: str = "checking") -> None:
        self.enabled = enabled
        self.label = label
        self.observer = observer
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._last = 0.0
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: float, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self._progress is None:
            if now - self.started < _DELAY or done >= total:
                return
            self._start(total)
        if now - self._last >= _REFRESH or done >= total:
            self._progress.update(self._task, completed=done, total=total)
            self._progress.refresh()
            self._last = now

    def _start(self, total: int) -> None:
        self.observer.refuse()  # the bar's redraws are not output to repeat
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream)
        self._progress = Progress(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            auto_refresh=False,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("files", total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def format_timings(stats: dict[str, Any]) -> str:
    """Two lines for stderr: what happened to the files, and where the time went."""
    workers = stats.get("workers", 0)
    files = (
        f"files: {stats.get('files', 0)} found, {stats.get('from_cache', 0)} from cache, "
        f"{stats.get('analyzed', 0)} analyzed ({stats.get('parsed', 0)} parsed, "
        f"{stats.get('prefiltered', 0)} prefiltered out), {plural(stats.get('parse_errors', 0), 'parse error')}, "
        f"{stats.get('crashed', 0)} crashed; " + (plural(workers, "worker process", "worker processes") if workers else "no worker processes")
    )
    if "aggregations_reused" in stats:  # the result cache is on: project-wide aggregations may come from the last run
        files += f"; project-wide aggregations: {stats['aggregations_reused']} reused, {stats['aggregations_run']} run"
    phases = [
        ("discover", "discover_seconds"),
        ("read/hash", "read_seconds"),
        ("analyze", "analyze_seconds"),
        ("aggregate", "aggregate_seconds"),
        ("report", "report_seconds"),
    ]
    parts = [f"{label} {stats.get(key, 0.0):.3f}" for label, key in phases]
    total = sum(stats.get(key, 0.0) for _, key in phases)
    return f"ssot-lint: {files}\nssot-lint: seconds: {', '.join(parts)}, total {total:.3f}\n"
