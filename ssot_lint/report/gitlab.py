"""GitLab Code Quality report (the merge-request widget): a JSON array of issues.

GitLab hides issues with duplicate fingerprints, so each fingerprint is the md5 of the finding's
line-independent fingerprint, which is unique within a run (identical findings in one file
differ in their occurrence index).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ssot_lint.ci.fingerprint import with_fingerprints
from ssot_lint.model import Report
from ssot_lint.report import FormatOptions

SEVERITIES = {"info": "info", "warning": "minor", "error": "major"}


def to_list(report: Report) -> list[dict[str, Any]]:
    findings = report.findings
    if any(not f.fingerprint for f in findings):  # a report not built by the engine
        findings = with_fingerprints(findings)
    categories = {r.id: r.category for r in report.rules}
    issues = []
    for f in findings:
        issues.append(
            {
                "type": "issue",
                "check_name": f.rule_id,
                "description": f"{f.rule_id}: {f.message}",
                "categories": [categories.get(f.rule_id, "Style")],
                "severity": SEVERITIES[f.severity],
                "fingerprint": hashlib.md5(f.fingerprint.encode(), usedforsecurity=False).hexdigest(),
                "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
            }
        )
    return issues


def render(report: Report, options: FormatOptions) -> str:
    return json.dumps(to_list(report), indent=2, ensure_ascii=False) + "\n"
