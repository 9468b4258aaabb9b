"""libcst's top-level statements beside CPython's: the lines each one spans, read from the
``ast`` of the same text (cheap) instead of from libcst (which prints the tree to know).

A libcst ``SimpleStatementLine`` holding k small statements (``a = 1; b = 2``) is k ``ast``
statements; any other top-level statement is one. A statement's lines run from its first
decorator (or its first line) to the last line of its last ``ast`` statement; the comment and
blank lines libcst keeps before a statement (``leading_lines``) hold no code, so they are not
counted. When the two trees do not pair up (they always should), nothing is returned and callers
do the whole-tree work they would have done anyway. ``StatementOrder`` pairs them at any depth.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst


def part_spans(module: cst.Module, tree: ast.Module) -> list[tuple[int, int]] | None:
    """For each statement of ``module.body``, the (first, last) line of its code, from ``tree``
    (CPython's tree of the same text); None when the two do not pair up."""
    import libcst as cst

    spans: list[tuple[int, int]] = []
    statements = tree.body
    at = 0
    for part in module.body:
        count = len(part.body) if isinstance(part, cst.SimpleStatementLine) else 1
        group = statements[at : at + count]
        at += count
        if len(group) < count:
            return None
        first = group[0]
        decorators: list[ast.expr] = getattr(first, "decorator_list", [])
        end = group[-1].end_lineno
        if end is None:
            return None
        spans.append((min([first.lineno, *(d.lineno for d in decorators)]), end))
    return spans if at == len(statements) else None


_COMPOUND = {
    "FunctionDef": (ast.FunctionDef, ast.AsyncFunctionDef),
    "ClassDef": (ast.ClassDef,),
    "If": (ast.If,),
    "For": (ast.For, ast.AsyncFor),
    "While": (ast.While,),
    "Try": (ast.Try,),
    "TryStar": tuple(getattr(ast, name) for name in ("TryStar",) if hasattr(ast, name)),
    "With": (ast.With, ast.AsyncWith),
    "Match": tuple(getattr(ast, name) for name in ("Match",) if hasattr(ast, name)),
}
_COMPOUND_AST = tuple(kind for kinds in _COMPOUND.values() for kind in kinds)


class StatementOrder:
    """Every statement of CPython's tree, at any depth, in source order (the order a libcst
    visitor meets its small and compound statements), each with the lines it spans (from its
    first decorator) and where its nested statements end (``ends[i]``: the index after them).
    ``pair`` tells whether a libcst statement node is the kind of the ``ast`` one at an index."""

    def __init__(self, tree: ast.Module) -> None:
        self.statements: list[ast.stmt] = []
        self.ends: list[int] = []
        self._add(tree.body)

    def _add(self, body: list[ast.stmt]) -> None:
        for statement in body:
            index = len(self.statements)
            self.statements.append(statement)
            self.ends.append(0)
            for name in ("body", "handlers", "orelse", "finalbody", "cases"):
                for child in getattr(statement, name, ()):
                    self._add(child.body if isinstance(child, (ast.ExceptHandler, ast.match_case)) else [child])
            self.ends[index] = len(self.statements)

    def spelling(self, lines: Sequence[int]) -> list[bool]:
        """For each statement, whether one of ``lines`` (sorted) lies within its lines."""
        found: list[bool] = []
        for statement in self.statements:
            decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
            first = min([statement.lineno, *(d.lineno for d in decorators)])
            index = bisect_left(lines, first)
            found.append(index < len(lines) and lines[index] <= (statement.end_lineno or statement.lineno))
        return found

    def first_line(self, index: int) -> int:
        """The first line of statement ``index``'s code (its first decorator's)."""
        statement = self.statements[index]
        decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
        return min([statement.lineno, *(d.lineno for d in decorators)])

    @staticmethod
    def pair(node: cst.CSTNode, statement: ast.stmt) -> bool:
        kinds = _COMPOUND.get(type(node).__name__)
        if kinds is not None:
            return isinstance(statement, kinds)
        return not isinstance(statement, _COMPOUND_AST)


def lines_naming(text: str, starts: Sequence[int], words: Iterable[str]) -> list[int] | None:
    """The lines (sorted; ``starts``: the offset of each line) on which one of ``words`` is
    spelled as a whole word, as a name or keyword is; None when the text may spell a name
    differently than libcst reads it: Python normalises identifiers (NFKC: a full-width ``ｆ``
    is the name ``f``), libcst keeps them as written."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        return None
    words = set(words)
    found: list[int] = []
    if len(words) > _ALTERNATIVES and all(_WORD.fullmatch(word) for word in words):
        # Every whole word of the text, looked up: the regular expression below tries each of
        # the words at each place, and a file binding thousands of names took N times N.
        matches: Iterable[re.Match[str]] = (match for match in _WORD.finditer(text) if match.group() in words)
    else:
        matches = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?!\w)").finditer(text)
    for match in matches:
        line = bisect_right(starts, match.start())
        if not found or found[-1] != line:
            found.append(line)
    return found


_WORD = re.compile(r"\w+")
_ALTERNATIVES = 32  # words up to which one regular expression of them all finds them faster
