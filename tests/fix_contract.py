"""The contract every rule fix keeps, checked by the golden and property tests."""

from __future__ import annotations

import ast
import io
import tokenize
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
    assert_comments_stay_with_their_names(before, after)
    assert outcome.fixed + len(outcome.unfixed) == len(findings_before)
    again = rule.fix(cst.parse_module(after), ref, context)
    assert again.module.code == after and again.fixed == 0
    remaining = analyze_source(after.encode(), ref, [rule]).findings
    assert [(f.line, f.col) for f in remaining] == [(u.line, u.col) for u in again.unfixed]
    assert all(u.reason for u in again.unfixed)
    return after, outcome.fixed, [(u.line, u.col, u.reason) for u in outcome.unfixed]


def _import_line_comments(code: str) -> tuple[dict[str, set[str]], Counter[str]]:
    """Each comment that ends a line of an import statement naming something, with the names on
    that line; and how many times each name is bound by an import."""
    tree = ast.parse(code)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    bound = Counter(a.asname or a.name.split(".")[0] for n in imports for a in n.names)
    names: dict[int, set[str]] = {}
    comments: dict[str, set[str]] = {}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NAME and token.string not in ("from", "import", "as"):
            names.setdefault(token.start[0], set()).add(token.string)
        elif token.type == tokenize.COMMENT and any(n.lineno <= token.start[0] <= (n.end_lineno or 0) for n in imports):
            comments[token.string] = names.get(token.start[0], set())
    return comments, bound


def assert_comments_stay_with_their_names(before: str, after: str) -> None:
    """A comment at the end of an import line naming something (``X,  # noqa``) still ends a line
    naming one of the same things: a ``# noqa`` or ``# type: ignore`` applies to its line only.
    Skipped for comments written twice and names imported twice (a duplicate the fix drops)."""
    found, bound = _import_line_comments(before)
    placed, _ = _import_line_comments(after)
    repeated = {c for c, n in Counter(comments_in(cst.parse_module(before))).items() if n > 1}
    for comment, names in found.items():
        if names and comment not in repeated and all(bound[n] <= 1 for n in names):
            assert placed.get(comment, set()) & names, f"{comment!r} no longer ends a line naming {sorted(names)}"
