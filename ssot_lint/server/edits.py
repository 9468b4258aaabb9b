"""What the server sends: diagnostics for findings, and text edits from one text to another,
positioned in the encoding agreed with the client (see ``positions``)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from ssot_lint.model import Finding
from ssot_lint.server.positions import Lines

SOURCE = "ssot-lint"
_SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning, "info": lsp.DiagnosticSeverity.Information}


def finding_range(finding: Finding, lines: Lines, encoding: str) -> lsp.Range:
    start = lines.from_finding(finding.line, finding.col, encoding)
    end = lines.from_finding(finding.end_line, finding.end_col, encoding)
    return lsp.Range(lsp.Position(*start), lsp.Position(*max(start, end)))


def diagnostic(finding: Finding, lines: Lines, encoding: str) -> lsp.Diagnostic:
    data: dict[str, Any] = {"fingerprint": finding.fingerprint}
    return lsp.Diagnostic(
        range=finding_range(finding, lines, encoding),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning),
        code=finding.rule_id,
        source=SOURCE,
        data=data,
    )


def line_diagnostic(path_text: str, line: int, message: str, encoding: str) -> lsp.Diagnostic:
    """An error on a whole 1-based line of a file (a config or rule-file error)."""
    lines = Lines(path_text)
    index = min(max(line, 1), len(lines)) - 1
    end = lines.position(lines.starts[index] + len(lines.line(index)), encoding)
    return lsp.Diagnostic(range=lsp.Range(lsp.Position(index, 0), lsp.Position(*end)), message=message, severity=lsp.DiagnosticSeverity.Error, source=SOURCE)


def text_edit(old: str, new: str, encoding: str) -> lsp.TextEdit:
    """One edit turning ``old`` into ``new``: the span between their common prefix and suffix
    (never splitting a ``\\r\\n``), so the editor keeps its cursor, folds and marks elsewhere."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    while prefix > 0 and old[prefix - 1] == "\r" and old[prefix : prefix + 1] == "\n":
        prefix -= 1
    while suffix > 0 and old[len(old) - suffix] == "\n" and old[len(old) - suffix - 1 : len(old) - suffix] == "\r":
        suffix -= 1
    lines = Lines(old)
    start = lines.position(prefix, encoding)
    end = lines.position(len(old) - suffix, encoding)
    return lsp.TextEdit(lsp.Range(lsp.Position(*start), lsp.Position(*end)), new[prefix : len(new) - suffix])
