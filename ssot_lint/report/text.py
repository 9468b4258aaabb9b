"""Human output: ``path:line:col: ID severity: message`` lines, then a per-rule summary table."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ssot_lint.model import SAFE, UNSAFE, Finding, Report
from ssot_lint.report import FormatOptions, plural, without_trailing_spaces

if TYPE_CHECKING:
    from rich.console import Console

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(report: Report, options: FormatOptions) -> str:
    if options.quiet and not options.color and not options.statistics:
        # Importing rich is a third of a cached run's start-up; plain finding lines need none of it.
        shown = options.shown()
        return "".join(f"{finding_line(f, shown(f.path))}\n" for f in report.findings)
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=options.color, no_color=not options.color, width=120, highlight=False, soft_wrap=True)
    if options.statistics:
        _statistics(report, console)
        return buffer.getvalue()
    shown = options.shown()
    for f in report.findings:
        line = Text()
        line.append(f"{shown(f.path)}:{f.line}:{f.col}:", style="bold")
        line.append(" ")
        line.append(f.rule_id, style=_SEVERITY_STYLE.get(f.severity, ""))
        line.append(_marker(f))
        line.append(" ")
        line.append(f"{f.severity}:", style=_SEVERITY_STYLE.get(f.severity, ""))
        line.append(f" {f.message}")
        console.print(line)  # finding_line, styled
    if options.quiet:
        return buffer.getvalue()
    if report.findings:
        console.print()
    baseline = report.baseline
    table = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
    columns = ["rule", "kind", "severity", "count", "max"] + (["baselined"] if baseline else []) + ["status"]
    for column in columns:
        table.add_column(column, justify="right" if column in ("count", "max", "baselined") else "left")
    for rule in report.rules:
        status = Text("ok", style="green") if rule.ok else Text("FAIL", style="bold red")
        cells = [rule.id, rule.kind, rule.severity, str(rule.count), "-" if rule.max is None else str(rule.max)]
        table.add_row(*cells, *([str(rule.baselined)] if baseline else []), status)
    if report.rules:
        console.print(table)
    for note in baseline_notes(report):
        console.print(note)
    hint = fix_hint(report)
    if hint is not None:
        console.print(hint)
    console.print(totals(report))  # the last line, as tools reading the summary expect
    return without_trailing_spaces(buffer.getvalue())


def _marker(f: Finding) -> str:
    """`` [*]`` after the rule id of a finding that ``ssot-lint fix`` fixes (ruff's marker)."""
    return " [*]" if f.applicability == SAFE else ""


def finding_line(f: Finding, path: str | None = None) -> str:
    """``path`` (default: the finding's, relative to the project root) as it is to be shown."""
    return f"{f.path if path is None else path}:{f.line}:{f.col}: {f.rule_id}{_marker(f)} {f.severity}: {f.message}"


def fix_hint(report: Report) -> str | None:
    """``[*] N fixable with `ssot-lint fix` (M more with `ssot-lint fix --unsafe-fixes`)``."""
    safe = sum(1 for f in report.findings if f.applicability == SAFE)
    unsafe = sum(1 for f in report.findings if f.applicability == UNSAFE)
    if not safe and not unsafe:
        return None
    if not safe:
        return f"{unsafe} fixable with `ssot-lint fix --unsafe-fixes`"
    return f"[*] {safe} fixable with `ssot-lint fix`" + (f" ({unsafe} more with `ssot-lint fix --unsafe-fixes`)" if unsafe else "")


def totals(report: Report) -> str:
    """The closing line: files, parse errors, findings, suppressed, baselined and fixed."""
    new = "new finding" if report.baseline else "finding"
    line = f"{plural(report.files_scanned, 'file')} scanned, {plural(report.parse_errors, 'parse error')}, {plural(len(report.findings), new)}"
    if report.suppressed:
        line += f", {len(report.suppressed)} suppressed"
    if report.baseline:
        line += f", {report.baseline.baselined} baselined, {report.baseline.fixed} fixed since the baseline"
    if report.not_parsed:  # last: the counts above read as one sentence
        line += f"; {plural(report.not_parsed, 'file')} not parsed in full, as no rule reads all of {'it' if report.not_parsed == 1 else 'them'} (--check-syntax parses every file)"
    return line


def baseline_notes(report: Report) -> list[str]:
    summary = report.baseline
    if summary is None:
        return []
    # A family the baseline recorded at or under its max may grow to the max (now perhaps lowered), no further.
    notes = [
        f"{rule}: {count} found, more than the {allowed} that {summary.path} allows (max {max_}); counts may only go down"
        if allowed > max_
        else f"{rule}: {count} found, more than its max {max_}; counts may only go down"
        for rule, count, allowed, max_ in summary.breaches
    ]
    if summary.fixed:
        notes.append(f"{summary.fixed} baselined finding{'s are' if summary.fixed != 1 else ' is'} fixed: run 'ssot-lint baseline --tighten' to lock that in")
    if summary.stale_ceilings:
        notes.append(f"ceilings of {', '.join(summary.stale_ceilings)} can be lowered: run 'ssot-lint baseline --tighten'")
    return notes


def _statistics(report: Report, console: Console) -> None:
    """Each rule's count, as the summary table shows it (most first; rules with none left out)."""
    for rule in sorted((r for r in report.rules if r.count), key=lambda r: (-r.count, r.id)):
        console.print(f"{rule.count:>6}  {rule.id:<10} {rule.kind}")
