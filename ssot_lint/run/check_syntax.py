"""``check --check-syntax``: a hidden rule that makes every file in scope parse as a whole.

Rules parse only the statements around the words they need, so a syntax error elsewhere in a
file (or in a file no rule reads) is not reported. With this rule among the analyzed ones, the
per-file analysis parses every file in full, and a syntax error anywhere is ``SSOT000``. It is
analyzed like a rule (its presence is part of each file's cache key) but never aggregated or
reported: it has no findings of its own.
"""

from __future__ import annotations

from typing import Any

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.kinds.base import Rule, RuleMeta
from ssot_lint.model import PARSE_ERROR_ID, Finding


class WholeFileSyntax(Rule):
    kind = "check-syntax"
    summary = "Every file in scope parses as a whole (check --check-syntax)."
    default_message = ""
    whole_file = True

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        return [], None  # the analysis parses the whole file for a rule with ``whole_file``


def syntax_rule() -> Rule:
    return WholeFileSyntax(RuleMeta(PARSE_ERROR_ID, "", digest="check-syntax"), {})
