"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` (or a merge-request comment): per-rule
counts against their ceilings, totals, and the files with the most findings."""

from __future__ import annotations

from collections import Counter

from ssot_lint.model import Report
from ssot_lint.report import FormatOptions, plural
from ssot_lint.report.text import baseline_notes, totals

TOP_FILES = 10


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, no line breaks."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render(report: Report, options: FormatOptions) -> str:
    passed = all(r.ok for r in report.rules)  # SSOT000 and SSOT001 have rows when they occur
    found = "new findings" if report.baseline else "findings"
    out = [f"## ssot-lint: {'passed' if passed else 'failed'} ({plural(len(report.findings), found[:-1])})", ""]
    if report.rules:
        baselined = report.baseline is not None
        header = ["Rule", "Kind", "Severity", "Count", "Max", "Suppressed"] + (["Baselined"] if baselined else []) + ["Status"]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join("---:" if h in ("Count", "Max", "Suppressed", "Baselined") else "---" for h in header) + "|")
        for r in report.rules:
            row = [f"`{cell(r.id)}`", cell(r.kind), r.severity, str(r.count), "-" if r.max is None else str(r.max), str(r.suppressed)]
            row += [str(r.baselined)] if baselined else []
            row.append("ok" if r.ok else "**FAIL**")
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    for note in baseline_notes(report):
        out.append(f"- {cell(note)}")
    out.append(f"**Totals:** {totals(report)}")
    files = Counter(f.path for f in report.findings)
    if files:
        out += ["", f"### Files with the most {found}", "", "| File | Findings |", "|---|---:|"]
        for path, count in sorted(files.items(), key=lambda item: (-item[1], item[0]))[:TOP_FILES]:
            out.append(f"| `{cell(path)}` | {count} |")
        if len(files) > TOP_FILES:
            out.append(f"| ... and {len(files) - TOP_FILES} more files | {sum(files.values()) - sum(c for _, c in files.most_common(TOP_FILES))} |")
    return "\n".join(out) + "\n"
