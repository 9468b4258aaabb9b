"""A trend: stored snapshots arranged as one series of counts per rule, ready to render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ssot_lint.history.model import Snapshot

SPARKS = "▁▂▃▄▅▆▇█"
NOTHING_TO_COMPARE = "One snapshot: nothing to compare."
NO_HISTORY = "run `ssot-lint history`"  # what to do about a rule with no stored counts


@dataclass
class RuleSeries:
    rule_id: str
    kind: str
    counts: list[int | None]  # one per snapshot of the trend; None where the rule was not computed
    maxes: list[int | None]

    @property
    def known(self) -> list[int]:
        return [c for c in self.counts if c is not None]

    @property
    def first(self) -> int | None:
        return self.known[0] if self.known else None

    @property
    def last(self) -> int | None:
        return self.known[-1] if self.known else None

    @property
    def delta(self) -> int | None:
        return None if self.first is None or self.last is None else self.last - self.first

    @property
    def ceiling(self) -> int | None:
        """The ``max`` at the latest snapshot where the rule was computed."""
        for count, ceiling in zip(reversed(self.counts), reversed(self.maxes)):
            if count is not None:
                return ceiling
        return None

    @property
    def flat(self) -> bool:
        """The count never changed (a rule held at its value, or not yet started)."""
        return len(set(self.known)) <= 1

    def headline(self) -> str:
        """``1,058 → 1 (−1,057)``."""
        if self.first is None or self.last is None:
            return "no data"
        return f"{self.first:,} → {self.last:,} ({signed(self.delta or 0)})"


@dataclass(frozen=True)
class Change:
    """One rule's count from one snapshot to the next."""

    rule_id: str
    snapshot: Snapshot
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class Trend:
    snapshots: list[Snapshot]
    rules: list[RuleSeries]
    hidden_records: int = 0  # older working-tree records left out of the time axis

    @property
    def totals(self) -> list[int | None]:
        """Findings at each snapshot, as ``check`` counts them: every rule's, and one per file that
        does not parse (SSOT000); None where nothing was computed."""
        return [sum(r.findings for r in s.rules) + s.parse_errors if s.complete and s.rules else None for s in self.snapshots]

    @property
    def comparable(self) -> bool:
        """More than one snapshot: with one, nothing has had a chance to change."""
        return len(self.snapshots) > 1

    @property
    def no_history(self) -> list[RuleSeries]:
        """Today's rules with no stored count (added since ``history`` ran, or left out by its ``--select``)."""
        return [r for r in self.rules if not r.known]

    @property
    def listed(self) -> list[RuleSeries]:
        """The rules of a summary table: those whose count moved; with one snapshot, every rule with a count."""
        return self.moving if self.comparable else [r for r in self.rules if r.known]

    @property
    def flat(self) -> list[RuleSeries]:
        """Rules whose count never changed, shown on one line (none with one snapshot: there is
        nothing to compare, every rule gets its row)."""
        return [r for r in self.rules if r.known and r.flat] if self.comparable else []

    @property
    def moving(self) -> list[RuleSeries]:
        return [r for r in self.rules if not r.flat] if self.comparable else []

    def changes(self, rule: RuleSeries) -> list[Change]:
        """Every step of the rule's count between consecutive snapshots that computed it."""
        out: list[Change] = []
        previous: int | None = None
        for snapshot, count in zip(self.snapshots, rule.counts):
            if count is None:
                continue
            if previous is not None and count != previous:
                out.append(Change(rule.rule_id, snapshot, previous, count))
            previous = count
        return out

    def largest_changes(self) -> list[tuple[RuleSeries, Change | None, Change | None]]:
        """Per moving rule: the snapshot that added the most, and the one that removed the most
        (the earliest of equals)."""
        rows = []
        for rule in self.moving:
            steps = self.changes(rule)
            added = max((c for c in steps if c.delta > 0), key=lambda c: c.delta, default=None)
            removed = min((c for c in steps if c.delta < 0), key=lambda c: c.delta, default=None)
            if added or removed:
                rows.append((rule, added, removed))
        return rows

    @property
    def axis_times(self) -> list[int]:
        """Where each snapshot sits on a time axis: its date, or its predecessor's place when it
        is dated earlier (a skewed clock), so that a line along the snapshots in order never
        runs backwards; the snapshot's own date is what its hover title says. A working-tree
        record (only ever the last snapshot) sits at most one step after the last commit, the
        commits' mean spacing (an hour after a lone commit): at its own time, a record taken
        months after a history of minutes would squeeze every commit against the left edge."""
        out: list[int] = []
        for snapshot in self.snapshots:
            out.append(max(snapshot.time, out[-1]) if out else snapshot.time)
        if self.record_drawn:
            commits = out[:-1]
            step = (commits[-1] - commits[0]) // (len(commits) - 1) if len(commits) > 1 else 0
            out[-1] = min(out[-1], commits[-1] + (step or 3600))
        return out

    @property
    def record_drawn(self) -> bool:
        """A working-tree record is drawn after commits (at ``axis_times[-1]``, labelled with its own date)."""
        return len(self.snapshots) > 1 and self.snapshots[-1].commit is None

    @property
    def latest(self) -> Snapshot | None:
        complete = [s for s in self.snapshots if s.complete]
        return complete[-1] if complete else None

    def top_files(self, limit: int) -> list[tuple[str, int, dict[str, int]]]:
        return self.latest.top_files(limit) if self.latest else []

    @property
    def notes(self) -> list[tuple[Snapshot, str]]:
        return [(s, s.note) for s in self.snapshots if s.note]


def build_trend(snapshots: list[Snapshot], today: dict[str, str] | None = None) -> Trend:
    """Rules in the order the latest snapshot lists them, then rules only older snapshots had.

    Commits are in the order of the commit graph, as ``history`` walks them (``generation``; by
    commit date, then as stored, among commits of the same generation): a commit whose clock was
    skewed (dated before its parent) keeps its place, and only its date says otherwise. A store
    with commits of unknown generation (written before ssot-lint stored it, until ``history``
    reuses them) orders them all by date. Working-tree snapshots (``check --record``) are stamped
    with the time they were recorded, not a commit date: interleaved with commits they would
    draw states no commit had. Only the newest one is shown, and only when it is newer than every
    commit snapshot (the state after them). ``today`` (rule id -> kind) adds today's rules that no
    snapshot counted, last, without counts: a trend lists them rather than leaving them out."""
    commits = [s for s in snapshots if s.commit is not None]
    if all(s.generation is not None for s in commits):
        commits.sort(key=lambda s: (s.generation or 0, s.time))  # stable: stored order among equals
    records = [s for s in snapshots if s.commit is None]
    newest_commit = max((s.time for s in commits), default=None)
    shown_record = [records[-1]] if records and (newest_commit is None or records[-1].time >= newest_commit) else []
    hidden = len(records) - len(shown_record)
    snapshots = commits + shown_record
    order: dict[str, str] = {}
    for snapshot in reversed(snapshots):
        for rule in snapshot.rules:
            order.setdefault(rule.rule_id, rule.kind)
    latest_ids = [r.rule_id for r in next((s.rules for s in reversed(snapshots) if s.rules), [])]
    ids = latest_ids + sorted(i for i in order if i not in latest_ids)
    for rule_id, kind in (today or {}).items():
        if rule_id not in order:
            order[rule_id] = kind
            ids.append(rule_id)
    series = []
    for rule_id in ids:
        counts: list[int | None] = []
        maxes: list[int | None] = []
        for snapshot in snapshots:
            found = next((r for r in snapshot.rules if r.rule_id == rule_id), None)
            counts.append(found.count if found else None)
            maxes.append(found.max if found else None)
        series.append(RuleSeries(rule_id, order[rule_id], counts, maxes))
    return Trend(snapshots, series, hidden)


def signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else (f"−{-n:,}" if n < 0 else "±0")


def describe(snapshot: Snapshot) -> str:
    """``2026-01-08 00:00 · 3f2a9c1e0b · routes: fix the route``: which commit a point is."""
    parts = [when(snapshot), snapshot.label]
    if snapshot.subject:
        parts.append(snapshot.subject if len(snapshot.subject) <= 72 else snapshot.subject[:71] + "…")
    return " · ".join(parts)


def when(snapshot: Snapshot) -> str:
    return datetime.fromtimestamp(snapshot.time, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def sparkline(values: list[int | None], width: int = 40) -> str:
    """▁▂▃▄▅▆▇█ from the lowest to the highest value; blank where a value is missing. Longer
    series are cut into ``width`` buckets, each showing its last value (where a burn-down ended up)."""
    if len(values) > width:
        buckets = [values[i * len(values) // width : (i + 1) * len(values) // width] for i in range(width)]
        values = [next((v for v in reversed(b) if v is not None), None) for b in buckets]
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo, hi = min(known), max(known)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif hi == lo:
            out.append(SPARKS[0] if hi == 0 else SPARKS[3])
        else:
            out.append(SPARKS[round((v - lo) * (len(SPARKS) - 1) / (hi - lo))])
    return "".join(out)
