"""What hovering over a finding shows: its rule in full (``ssot-lint rules --explain ID``)."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types as lsp

from ssot_lint import api
from ssot_lint.errors import ConfigError
from ssot_lint.model import PARSE_ERROR_ID, Finding
from ssot_lint.server.edits import finding_range
from ssot_lint.server.positions import Lines

PARSE_ERROR_HELP = "SSOT000: the file could not be analyzed (it does not decode or parse, or its analysis crashed); no rule has judged it."


def hover(project: api.Project, findings: Sequence[Finding], lines: Lines, position: lsp.Position, encoding: str) -> lsp.Hover | None:
    """The explanation of each of ``findings`` at ``position`` (none when there is none)."""
    at = lines.to_finding(position.line, position.character, encoding)
    hits = [f for f in findings if (f.line, f.col) <= at <= (f.end_line, f.end_col)]
    if not hits:
        return None
    parts = []
    for finding in hits:
        explanation = PARSE_ERROR_HELP if finding.rule_id == PARSE_ERROR_ID else _explain(project, finding.rule_id)
        parts.append(f"**{finding.rule_id}** {finding.message}\n\n```text\n{explanation.rstrip()}\n```")
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, "\n\n---\n\n".join(parts)), range=finding_range(hits[0], lines, encoding))


def _explain(project: api.Project, rule_id: str) -> str:
    try:
        return project.explain(rule_id)
    except ConfigError as error:
        return str(error)
