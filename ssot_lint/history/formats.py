"""Text renderings of a trend: Markdown (for ``$GITHUB_STEP_SUMMARY``), CSV, JSON and the terminal."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ssot_lint import __version__
from ssot_lint.history.model import Snapshot
from ssot_lint.history.trend import NO_HISTORY, NOTHING_TO_COMPARE, Change, RuleSeries, Trend, signed, sparkline, when
from ssot_lint.report import plural

JSON_SCHEMA_VERSION = 1


def _iso(timestamp: int | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat()


def _span(trend: Trend) -> str:
    first, last = trend.snapshots[0], trend.snapshots[-1]
    return f"{plural(len(trend.snapshots), 'snapshot')}, {when(first)} ({first.label}) → {when(last)} ({last.label})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _by_rule(rules: dict[str, int]) -> str:
    return ", ".join(f"{rule}: {n}" for rule, n in sorted(rules.items()))


def _total(trend: Trend) -> str:
    known = [t for t in trend.totals if t is not None]
    if not known or not trend.comparable:
        return "no data" if not known else f"{known[-1]:,}"
    return f"{known[0]:,} → {known[-1]:,} ({signed(known[-1] - known[0])})"


def _flat_line(trend: Trend) -> str:
    """``R1 (2), R2 (30, max 10, over max)``: each unchanged rule's count, and its ceiling."""
    return ", ".join(f"{r.rule_id} ({', '.join(_held(r))})" for r in trend.flat)


def _first_last(trend: Trend, rule: RuleSeries) -> str:
    """``12 → 3``; with one snapshot, its count."""
    if rule.first is None or rule.last is None:
        return "no data"
    return f"{rule.first:,} → {rule.last:,}" if trend.comparable else f"{rule.last:,}"


def _held(rule: RuleSeries) -> list[str]:
    parts = ["no data" if rule.last is None else f"{rule.last:,}"]
    if rule.ceiling is not None:
        parts.append(f"max {rule.ceiling:,}")
        if rule.last is not None and rule.last > rule.ceiling:
            parts.append("over max")
    return parts


def _after_table(trend: Trend) -> list[str]:
    """The lines after a summary table: unchanged rules, rules with no stored counts, and with one snapshot why no change is shown."""
    lines = [f"Unchanged: {_flat_line(trend)}."] if trend.flat else []
    if trend.no_history:
        lines.append(f"No history yet: {', '.join(r.rule_id for r in trend.no_history)} ({NO_HISTORY}).")
    if not trend.comparable:
        lines.append(NOTHING_TO_COMPARE)
    return lines


def _step(change: Change | None) -> tuple[str, str]:
    return ("", "") if change is None else (signed(change.delta), f"{change.snapshot.label} {change.snapshot.subject}".strip())


def markdown(trend: Trend, top: int) -> str:
    lines = ["## ssot-lint trend", "", _span(trend), "", f"**All findings: {_total(trend)}** {sparkline(trend.totals, 30)}", ""]
    if trend.listed:
        lines += ["| rule | kind | first → last | change | max | trend |", "| --- | --- | ---: | ---: | ---: | --- |"]
    for rule in trend.listed:
        first_last = _first_last(trend, rule)
        change = "" if rule.delta is None or not trend.comparable else signed(rule.delta)
        ceiling = "" if rule.ceiling is None else f"{rule.ceiling:,}"
        lines.append(f"| {rule.rule_id} | {rule.kind} | {first_last} | {change} | {ceiling} | {sparkline(rule.counts, 30)} |")
    for line in _after_table(trend):
        lines += ["", line]
    largest = trend.largest_changes()
    if largest:
        lines += ["", "### Largest changes", "", "| rule | most added | at | most removed | at |", "| --- | ---: | --- | ---: | --- |"]
        for rule, added, removed in largest:
            (a, a_at), (r, r_at) = _step(added), _step(removed)
            lines.append(f"| {rule.rule_id} | {a} | {_cell(a_at)} | {r} | {_cell(r_at)} |")
    files = trend.top_files(top)
    if files and trend.latest is not None:
        lines += ["", f"### Files with the most remaining findings (at {trend.latest.label})", "", "| file | findings | by rule |", "| --- | ---: | --- |"]
        lines += [f"| `{_cell(path)}` | {total:,} | {_by_rule(rules)} |" for path, total, rules in files]
    if trend.notes:
        lines += ["", "### Notes", ""] + [f"- {s.label}: {_cell(note)}" for s, note in trend.notes]
    return "\n".join(lines) + "\n"


def to_csv(trend: Trend) -> str:
    """One row per snapshot and rule (a snapshot without counts gets one row carrying its note)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["label", "commit", "commit_time", "author_time", "recorded_at", "subject", "rule", "kind", "count", "findings", "max", "note"])
    for s in trend.snapshots:
        head = [s.label, s.commit or "", _iso(s.commit_time) or "", _iso(s.author_time) or "", _iso(s.recorded_at), s.subject]
        if not s.rules:
            writer.writerow(head + ["", "", "", "", "", s.note])
        for r in s.rules:
            writer.writerow(head + [r.rule_id, r.kind, r.count, r.findings, "" if r.max is None else r.max, s.note])
    return buffer.getvalue()


def _snapshot_dict(s: Snapshot, top: int) -> dict[str, Any]:
    return {
        "label": s.label,
        "commit": s.commit,
        "commit_time": _iso(s.commit_time),
        "author_time": _iso(s.author_time),
        "recorded_at": _iso(s.recorded_at),
        "subject": s.subject,
        "complete": s.complete,
        "note": s.note,
        "files": s.files,
        "parse_errors": s.parse_errors,
        "rules": {r.rule_id: {"count": r.count, "findings": r.findings, "max": r.max} for r in s.rules},
        "top_files": [{"path": p, "findings": n, "rules": rules} for p, n, rules in s.top_files(top)],
    }


def to_json(trend: Trend, top: int) -> str:
    data = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "ssot-lint", "version": __version__},
        "rules": [{"id": r.rule_id, "kind": r.kind, "first": r.first, "last": r.last, "delta": r.delta, "max": r.ceiling} for r in trend.rules],
        "snapshots": [_snapshot_dict(s, top) for s in trend.snapshots],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def terminal(trend: Trend, top: int, color: bool, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False, soft_wrap=True)
    console.print(_span(trend))
    console.print(Text.assemble("All findings: ", (_total(trend), "bold"), "  ", (sparkline(trend.totals), "cyan")))
    table = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
    for column in ("rule", "kind", "first → last", "change", "max", "trend"):
        table.add_column(column, justify="right" if column in ("first → last", "change", "max") else "left")
    for rule in trend.listed:
        change = Text(
            "" if rule.delta is None or not trend.comparable else signed(rule.delta),
            style="green" if (rule.delta or 0) < 0 else ("red" if (rule.delta or 0) > 0 else ""),
        )
        first_last = _first_last(trend, rule)
        table.add_row(
            rule.rule_id, rule.kind, first_last, change, "-" if rule.ceiling is None else f"{rule.ceiling:,}", Text(sparkline(rule.counts), style="cyan")
        )
    if trend.listed:
        console.print(table)
    for line in _after_table(trend):
        console.print(line, markup=False)
    largest = trend.largest_changes()
    if largest:
        console.print()
        console.print("Largest changes:")
        changes = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
        for column in ("rule", "most added", "at", "most removed", "at"):
            changes.add_column(column, justify="right" if column.startswith("most") else "left")
        for rule, added, removed in largest:
            (a, a_at), (r, r_at) = _step(added), _step(removed)
            changes.add_row(rule.rule_id, Text(a, style="red"), a_at, Text(r, style="green"), r_at)
        console.print(changes)
    _files_table(console, trend, top)
    for s, note in trend.notes:
        console.print(f"note: {s.label}: {note}", style="yellow")
    return buffer.getvalue()


def _files_table(console: Console, trend: Trend, top: int) -> None:
    files = trend.top_files(top)
    if not files or trend.latest is None:
        return
    console.print()
    console.print(f"Files with the most remaining findings (at {trend.latest.label}):")
    table = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
    table.add_column("findings", justify="right")
    table.add_column("file")
    table.add_column("by rule")
    for path, total, rules in files:
        table.add_row(f"{total:,}", path, _by_rule(rules))
    console.print(table)


def commits_table(snapshots: list[Snapshot], color: bool, width: int = 160) -> str:
    """``history``'s view: per-rule counts at each commit, oldest first, with the top file."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False, soft_wrap=True)
    rule_ids = list(dict.fromkeys(r.rule_id for s in reversed(snapshots) for r in s.rules))
    table = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
    table.add_column("commit")
    table.add_column("date (UTC)")
    for rule_id in rule_ids:
        table.add_column(rule_id, justify="right")
    table.add_column("top file")
    for s in snapshots:
        counts = [("-" if s.count(r) is None else f"{s.count(r):,}") for r in rule_ids]
        top = s.top_files(1)
        detail = f"{top[0][0]} ({top[0][1]:,})" if top else (s.note if not s.complete else "")
        table.add_row(s.label, when(s), *counts, detail)
    console.print(table)
    return buffer.getvalue()
