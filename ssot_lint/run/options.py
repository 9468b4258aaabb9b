"""What a run is asked to do beyond the paths, config and rules: the options every shell (CLI,
pytest plugin, language server) passes to ``run.engine.run`` and the per-file analysis."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.partial import Within


@dataclass
class RunOptions:
    fail_on: str = "warning"
    cache: ResultCache | None = None
    on_progress: Callable[[int, int], None] | None = None
    jobs: int | None = None  # worker processes; None: one per CPU
    observer: Observer = NULL_OBSERVER
    # Absolute path -> the bytes to analyze instead of the file's (an editor's unsaved buffers).
    buffers: Mapping[str, bytes] | None = None
    check_syntax: bool = False  # parse every file in full (see run/check_syntax.py)
    # A partial run judged against the project: the paths run() reports on, after analyzing and
    # aggregating the whole project (see run/partial.py).
    within: Within | None = None
