"""JUnit XML for CI test-report views: one test suite, one test case per rule, one
``<failure>`` per finding (and one for a ceiling the baseline no longer allows)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ssot_lint.model import PARSE_ERROR_ID, UNUSED_SUPPRESSION_ID, Finding, Report
from ssot_lint.report import FormatOptions

_BUILTIN_KINDS = {PARSE_ERROR_ID: "parse-error", UNUSED_SUPPRESSION_ID: "unused-suppression"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """XML 1.0 cannot carry control characters or lone surrogates at all, escaped or not."""
    return _NOT_XML.sub("\ufffd", text)


def render(report: Report, options: FormatOptions) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_rule[f.rule_id].append(f)
    breaches = {rule: (count, allowed, max_) for rule, count, allowed, max_ in (report.baseline.breaches if report.baseline else [])}
    cases = [(r.id, r.kind) for r in report.rules]
    cases += [(rule_id, kind) for rule_id, kind in _BUILTIN_KINDS.items() if rule_id in by_rule]
    suites = ET.Element("testsuites", name="ssot-lint")
    suite = ET.SubElement(suites, "testsuite", name="ssot-lint", tests=str(len(cases)), errors="0", skipped="0")
    failed = 0
    for rule_id, kind in cases:
        case = ET.SubElement(suite, "testcase", classname=f"ssot-lint.{kind}", name=rule_id)
        findings = by_rule.get(rule_id, [])
        for f in findings:
            failure = ET.SubElement(case, "failure", message=_xml_text(f.message), type=f.severity)
            failure.text = _xml_text(f"{f.path}:{f.line}:{f.col}: {f.rule_id} {f.message}")
        if rule_id in breaches:
            count, allowed, max_ = breaches[rule_id]
            failure = ET.SubElement(case, "failure", message=f"{count} found, the baseline allows {allowed} (max {max_})", type="ceiling")
            failure.text = f"{rule_id}: counts may only go down"
        failed += bool(findings) or rule_id in breaches
    suite.set("failures", str(failed))
    suites.set("tests", str(len(cases)))
    suites.set("failures", str(failed))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
