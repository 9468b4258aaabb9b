"""``ModuleSummary.first_span``: where the module's first statement after its docstring is
written, through the end of its line (the statements joined to it by ``;`` included). A fix
that adds an import to a module puts it there."""

from __future__ import annotations

import ast
import re

from ssot_lint.analysis.source_lines import SourceLines, Span
from ssot_lint.project.reexports import is_string_statement

# What may stand between two simple statements written on one line: a `;`, spaces, continuations.
_BLANK = r"(?:[ \t\f]|\\(?:\r\n|\r|\n))*"
_SEMICOLON = re.compile(_BLANK + ";" + _BLANK)
NO_STATEMENT: Span = (1, 1, 1, 1)


def first_span(body: list[ast.stmt], lines: SourceLines) -> Span:
    """The span of ``body``'s first statement after a docstring written alone on its line
    (``NO_STATEMENT`` when there is none)."""
    start = 1 if body and is_string_statement(body[0]) and _line_end(body, 0, lines) == 0 else 0
    if len(body) <= start:
        return NO_STATEMENT
    first, last = lines.span(body[start]), lines.span(_last_simple(body[_line_end(body, start, lines)]))
    return first[0], first[1], last[2], last[3]


def _line_end(body: list[ast.stmt], start: int, lines: SourceLines) -> int:
    """The index of the last statement written on ``body[start]``'s line, joined by ``;``."""
    end = start
    while end + 1 < len(body):
        before, after = lines.span(body[end]), lines.span(body[end + 1])
        gap = lines.offset(before[2], before[3]), lines.offset(after[0], after[1])
        if _SEMICOLON.fullmatch(lines.text, *gap) is None:
            break
        end += 1
    return end


def _last_simple(statement: ast.stmt) -> ast.stmt:
    """The simple statement a compound statement ends with. Summary spans of compound statements
    end there (as libcst's positions do), not where CPython ends them: CPython takes in a trailing
    ``;`` on that last line."""
    node: ast.AST = statement
    while True:
        for field in ("finalbody", "orelse", "handlers", "cases", "body"):  # the last block first
            block = getattr(node, field, None)
            if block:
                node = block[-1]
                break
        else:
            return node  # type: ignore[return-value]
