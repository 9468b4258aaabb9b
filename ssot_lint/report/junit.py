"""JUnit XML for CI test-report views: one test suite, one test case per rule (and one for
SSOT000/SSOT001 when they occur).

A test case fails exactly when its rule fails the run (``RuleSummary.ok``: a finding at or above
``--fail-on``, or a ceiling the baseline no longer allows), so a run that exits 0 has no failing
test case. A failing test case holds *one* ``<failure>``: Jenkins, GitLab and most other viewers
show only the first failure of a test case, so its ``message`` is the rule's summary and its
text lists every finding. Findings of a passing rule (below ``--fail-on``) are in the test
case's ``<system-out>``. One test case per rule, rather than per finding, keeps test names
stable from run to run, so a viewer's history of a test is the history of a rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ssot_lint.model import Finding, Report, RuleSummary
from ssot_lint.report import FormatOptions, plural
from ssot_lint.report.text import finding_line

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """XML 1.0 cannot carry control characters or lone surrogates at all, escaped or not."""
    return _NOT_XML.sub("\ufffd", text)


def _summary(rule: RuleSummary, findings: list[Finding], breach: tuple[int, int, int] | None) -> str:
    """The failure's one-line message: what fails, in the numbers the summary table shows."""
    parts = [plural(len(findings), "new finding" if rule.baselined is not None else "finding")]
    if rule.max is not None:
        parts.append(f"count {rule.count}, max {rule.max}")
    if breach is not None:
        count, allowed, max_ = breach
        parts.append(f"{count} found, the baseline allows {allowed} (max {max_})")
    if len(findings) == 1:
        parts.append(findings[0].message)
    return f"{rule.id}: " + "; ".join(parts)


def render(report: Report, options: FormatOptions) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_rule[f.rule_id].append(f)
    breaches = {rule: (count, allowed, max_) for rule, count, allowed, max_ in (report.baseline.breaches if report.baseline else [])}
    suites = ET.Element("testsuites", name="ssot-lint")
    suite = ET.SubElement(suites, "testsuite", name="ssot-lint", tests=str(len(report.rules)), errors="0", skipped="0")
    failed = 0
    for rule in report.rules:
        case = ET.SubElement(suite, "testcase", classname=f"ssot-lint.{rule.kind}", name=rule.id)
        findings = by_rule.get(rule.id, [])
        lines = [finding_line(f) for f in findings]
        if not rule.ok:
            failed += 1
            breach = breaches.get(rule.id)
            if breach is not None:
                lines.append(f"{rule.id}: {breach[0]} found, more than the {breach[1]} the baseline allows (max {breach[2]}); counts may only go down")
            failure = ET.SubElement(case, "failure", message=_xml_text(_summary(rule, findings, breach)), type=rule.severity)
            failure.text = _xml_text("\n".join(lines))
        elif lines:  # below --fail-on: shown, not failed
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(lines))
    suite.set("failures", str(failed))
    suites.set("tests", str(len(report.rules)))
    suites.set("failures", str(failed))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
