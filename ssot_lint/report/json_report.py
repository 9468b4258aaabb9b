"""JSON output. The shape is versioned (``schema_version``) and described by
``ssot_lint/schemas/report.schema.json``; change both together."""

from __future__ import annotations

import json
from typing import Any

from ssot_lint.model import Report
from ssot_lint.report import FormatOptions

SCHEMA_VERSION = 3  # 2: files.not_parsed and rows for SSOT000/SSOT001; 3: fixable and applicability per finding


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ssot-lint", "version": report.tool_version},
        "files": {"scanned": report.files_scanned, "parse_errors": report.parse_errors, "not_parsed": report.not_parsed},
        "rules": [
            {
                "id": r.id,
                "kind": r.kind,
                "severity": r.severity,
                "count": r.count,
                "max": r.max,
                "ok": r.ok,
                "suppressed": r.suppressed,
                "baselined": r.baselined,
                **({"details": r.details} if r.details else {}),
            }
            for r in report.rules
        ],
        "findings": [
            {
                "rule": f.rule_id,
                "path": f.path,
                "line": f.line,
                "col": f.col,
                "end_line": f.end_line,
                "end_col": f.end_col,
                "severity": f.severity,
                "message": f.message,
                "fingerprint": f.fingerprint,
                "fixable": bool(f.applicability),
                "applicability": f.applicability or None,
            }
            for f in report.findings
        ],
        "suppressed": len(report.suppressed),
        "baseline": _baseline(report),
    }


def _baseline(report: Report) -> dict[str, Any] | None:
    summary = report.baseline
    if summary is None:
        return None
    return {
        "path": summary.path,
        "baselined": summary.baselined,
        "fixed": summary.fixed,
        "stale_ceilings": summary.stale_ceilings,
        "breaches": [{"rule": r, "count": c, "allowed": a, "max": m} for r, c, a, m in summary.breaches],
        "changed_rules": summary.changed_rules,
    }


def render(report: Report, options: FormatOptions) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
