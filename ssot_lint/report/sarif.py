"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Paths are relative to the project root (``uriBaseId`` ``%SRCROOT%``), so alerts stay stable
across checkouts; ``partialFingerprints`` carry the line-independent fingerprint, so an alert
survives code moving around it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ssot_lint.model import PARSE_ERROR_ID, UNUSED_SUPPRESSION_ID, Finding, Report
from ssot_lint.report import FormatOptions

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/ssot-lint/ssot-lint"
FINGERPRINT_KEY = "ssotLint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

# ssot-lint's own ids: (kind, severity, description)
BUILTIN_RULES = {
    PARSE_ERROR_ID: ("parse-error", "error", "The file could not be read, decoded or parsed, so no rule could check it."),
    UNUSED_SUPPRESSION_ID: ("unused-suppression", "warning", "A '# ssot: ignore' comment silences nothing, names an unknown rule, or is malformed."),
}


def _rule(rule_id: str, kind: str, severity: str, description: str) -> dict[str, Any]:
    first = description.split(". ")[0].rstrip(".") + "."
    return {
        "id": rule_id,
        "shortDescription": {"text": first},
        "fullDescription": {"text": description},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "help": {"text": f"{description}\nRule kind: {kind}. 'ssot-lint rules --explain {rule_id}' shows its options and examples."},
        "properties": {"kind": kind},
    }


def _region(f: Finding) -> dict[str, int]:
    region = {"startLine": f.line, "startColumn": f.col}
    if (f.end_line, f.end_col) > (f.line, f.col):
        region.update(endLine=f.end_line, endColumn=f.end_col)
    return region


def to_dict(report: Report) -> dict[str, Any]:
    rules = [_rule(r.id, r.kind, r.severity, r.description or r.kind) for r in report.rules if r.id not in BUILTIN_RULES]
    rules += [_rule(rule_id, *meta) for rule_id, meta in BUILTIN_RULES.items()]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            **({"ruleIndex": index[f.rule_id]} if f.rule_id in index else {}),
            "level": LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(f.path), "uriBaseId": "%SRCROOT%"},
                        "region": _region(f),
                    }
                }
            ],
        }
        if f.fingerprint:
            result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
        if report.baseline is not None:
            result["baselineState"] = "new"  # baselined findings are not reported at all
        results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "ssot-lint",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, options: FormatOptions) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
