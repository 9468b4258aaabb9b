"""GitHub Actions workflow commands: one annotation per finding on the pull request's diff.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message``. Property values and
the message are escaped as the runner expects (``%``, CR, LF everywhere; ``:`` and ``,`` in
properties too), so a message can never end the command early or forge another one.
"""

from __future__ import annotations

from collections import Counter

from ssot_lint.model import Report
from ssot_lint.report import FormatOptions, plural

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
SHOWN_PER_TYPE = 10  # GitHub shows at most this many error and warning annotations per step


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, options: FormatOptions) -> str:
    kinds = {r.id: r.kind for r in report.rules}
    lines = []
    for f in report.findings:
        title = f"{f.rule_id} ({kinds[f.rule_id]})" if f.rule_id in kinds else f.rule_id
        properties = {"file": f.path, "line": f.line, "col": f.col, "endLine": f.end_line, "endColumn": f.end_col, "title": title}
        rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        lines.append(f"::{COMMANDS[f.severity]} {rendered}::{escape_data(f.message)}")
    per_type = Counter(f.severity for f in report.findings)
    if per_type["error"] > SHOWN_PER_TYPE or per_type["warning"] > SHOWN_PER_TYPE:
        lines.append(
            f"ssot-lint: {plural(len(report.findings), 'finding')}; GitHub shows at most {SHOWN_PER_TYPE} error and {SHOWN_PER_TYPE} warning annotations per step (use SARIF for all)"
        )
    return "".join(line + "\n" for line in lines)
