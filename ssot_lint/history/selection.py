"""What a history run is asked for (``HistoryOptions``, from the CLI), which commits it computes (a
sample of the listed commits: every Nth, the newest of each day or week, at most N; and of those
one shard when the backfill is split across CI runners), and what it did (``Counters``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ssot_lint.history.gitread import Commit
from ssot_lint.report import plural


@dataclass
class HistoryOptions:
    rev_range: str | None = None
    every: int | None = None
    by: str | None = None  # "day" or "week"
    first_parent: bool = False
    max_commits: int | None = 500
    rules_at_commit: bool = False
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    since: str | None = None  # for `git rev-list --since`: "2026-01-01 00:00:00 +0000" (``cli.history.commit_dates`` checks and converts)
    until: str | None = None
    shard: tuple[int, int] | None = None  # (K, N): compute only every Nth selected commit, from the Kth
    jobs: int | None = None  # worker processes; None: one per CPU


PHASES = ("list commits", "ls-tree", "blob reads", "analysis", "aggregation", "store")  # --show-timings, in this order


@dataclass
class Counters:
    """What a run did; a second run over the same commits shows 0 files analyzed, 0 blobs read."""

    commits: int = 0
    snapshots_reused: int = 0
    snapshots_computed: int = 0
    files_analyzed: int = 0
    blobs_read: int = 0
    cache_hits: int = 0
    notes: list[str] = field(default_factory=list)  # about the whole run; per-commit notes are on the snapshots
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))  # seconds per phase, then "total"

    def summary(self) -> str:
        return (
            f"{plural(self.commits, 'commit')}: {plural(self.snapshots_computed, 'snapshot')} computed, {self.snapshots_reused} reused; "
            f"analyzed {plural(self.files_analyzed, 'file')}, {plural(self.blobs_read, 'blob')} read, "
            f"{plural(self.cache_hits, 'result')} from the cache"
        )

    @contextlib.contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] += time.perf_counter() - started


def select_commits(commits: list[Commit], every: int | None, by: str | None, max_commits: int | None) -> list[Commit]:
    """Sample ``commits`` (newest first): every Nth, or the newest of each UTC day / ISO week;
    then keep the newest ``max_commits``. The newest commit is always kept."""
    chosen = commits
    if every:
        chosen = commits[::every]
    elif by:
        seen: set[tuple[int, ...]] = set()
        chosen = []
        for commit in commits:
            day = datetime.fromtimestamp(commit.commit_time, tz=timezone.utc).date()
            bucket = (day.toordinal(),) if by == "day" else tuple(day.isocalendar()[:2])
            if bucket not in seen:
                seen.add(bucket)
                chosen.append(commit)
    return chosen[:max_commits] if max_commits else chosen


def shard_of(commits: list[Commit], shard: tuple[int, int] | None) -> list[Commit]:
    """Shard ``K/N`` of ``commits``: the Kth, the K+Nth, ... (1-based). Shards of one selection
    are disjoint and together are the selection, so their stores merge into one run's."""
    if shard is None:
        return commits
    k, n = shard
    return commits[k - 1 :: n]
