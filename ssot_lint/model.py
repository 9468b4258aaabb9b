"""Plain result values shared by analysis, aggregation and reporting.

Everything here is immutable and picklable so per-file results can be cached and
shipped back from worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "warning", "error")
PARSE_ERROR_ID = "SSOT000"


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``path`` is empty in per-file results and filled in by the engine.

    Lines are 1-based, columns 1-based (as editors and ruff show them); ``end_col`` is exclusive.
    ``anchor`` is the whitespace-normalised source text of the flagged node: it identifies the
    finding without line numbers (baseline fingerprints). ``stmt_line`` is the first line of the
    enclosing statement (where a suppression comment may also sit).
    """

    rule_id: str
    line: int
    col: int
    end_line: int
    end_col: int
    message: str
    severity: str
    path: str = ""
    anchor: str = ""
    stmt_line: int = 0

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.rule_id, self.message)


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything one file contributes to a run, computed only from (bytes, module name, rules).

    ``facts`` maps a rule id to the plain data that rule's project-wide aggregation needs.
    ``parsed`` tells whether libcst parsed the file (false when the prefilter ruled it out).
    """

    findings: tuple[Finding, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    parse_error: Finding | None = None
    parsed: bool = False


@dataclass(frozen=True, slots=True)
class FileRef:
    """Where a file sits in the project: its display path and the module it defines."""

    path: str
    module: str
    is_package: bool = False


@dataclass(slots=True)
class RuleSummary:
    id: str
    kind: str
    severity: str
    count: int
    max: int | None
    ok: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Report:
    tool_version: str
    files_scanned: int
    parse_errors: int
    rules: list[RuleSummary]
    findings: list[Finding]
    stats: dict[str, Any] = field(default_factory=dict)
