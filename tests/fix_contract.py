"""The contract every rule fix keeps, checked by the golden and property tests."""

from __future__ import annotations

from collections import Counter

import libcst as cst

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.fix.cstedit import comments_in
from ssot_lint.kinds.base import FixContext, Rule
from ssot_lint.model import FileRef

REF = FileRef("app/mod.py", "app.mod")
# These goldens are about how a rewrite is written, in files with no project around them: no
# replacement can be verified, so every import rewrite is unsafe, and they apply unsafe fixes.
# What is safe, and verified against what, is tested with projects (tests/test_fix_safety.py).
UNSAFE_FIXES = FixContext(unsafe=True)


def fix_checked(rule: Rule, before: str, ref: FileRef = REF, context: FixContext = UNSAFE_FIXES) -> tuple[str, int, list[tuple[int, int, str]]]:
    """Fix ``before`` with ``rule`` and assert the contract: every finding is fixed or left with a
    reason; the result compiles and keeps every comment; fixing again changes nothing; ``check``
    on the result reports exactly what the fix left, where it said. Returns (code, fixed, left)."""
    findings_before = analyze_source(before.encode(), ref, [rule]).findings
    outcome = rule.fix(cst.parse_module(before), ref, context)
    after = outcome.module.code
    compile(after, "<fixed>", "exec")
    assert Counter(comments_in(cst.parse_module(after))) == Counter(comments_in(cst.parse_module(before)))
    assert outcome.fixed + len(outcome.unfixed) == len(findings_before)
    again = rule.fix(cst.parse_module(after), ref, context)
    assert again.module.code == after and again.fixed == 0
    remaining = analyze_source(after.encode(), ref, [rule]).findings
    assert [(f.line, f.col) for f in remaining] == [(u.line, u.col) for u in again.unfixed]
    assert all(u.reason for u in again.unfixed)
    return after, outcome.fixed, [(u.line, u.col, u.reason) for u in outcome.unfixed]
