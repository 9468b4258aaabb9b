"""Write the ``# ssot: ignore[ID]`` comment that silences one finding (the editor's "suppress"
action), checked before it is offered.

The comment goes at the end of the finding's first line, else of its statement's first line
(``Finding.stmt_line``): the two lines a suppression covers (see ``ssot_lint.ci.suppressions``).
A line that already holds a well-formed ``# ssot: ignore[...]`` gets the id added to its list. A
candidate is kept only when the new text's syntax tree is the old one's (a comment added after a
backslash, or inside a multi-line string, changes it) and the tokenizer finds a real comment that
covers the finding.
"""

from __future__ import annotations

import ast
import re
import warnings

from ssot_lint.ci.suppressions import covers, scan
from ssot_lint.model import Finding

_BREAK = re.compile(r"\r\n|\r|\n")
_LIST = re.compile(r"(?<![\w-])ssot:\s*ignore\[([^\]]*)\]")


def _lines(text: str) -> list[str]:
    """The lines with their line breaks (only ``\\r\\n``, ``\\r`` and ``\\n`` break lines)."""
    parts: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        parts.append(text[start : match.end()])
        start = match.end()
    parts.append(text[start:])
    return parts


def _tree(text: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not ours to report
            return ast.dump(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _candidate(text: str, line: int, rule_id: str) -> str | None:
    lines = _lines(text)
    if not 1 <= line <= len(lines):
        return None
    body = lines[line - 1].rstrip("\r\n")
    ending = lines[line - 1][len(body) :]
    existing = [s for s in scan(text) if s.line == line and s.rule_ids and not s.problem]
    if existing:
        if rule_id in existing[0].rule_ids:
            return None  # already named: the finding is not covered for another reason
        start = existing[0].col - 1
        match = _LIST.search(body, start)
        if match is None:
            return None
        inside = match.group(1).rstrip()
        new_body = body[: match.start(1)] + f"{inside}, {rule_id}" + body[match.end(1) :]
    elif body.strip():
        new_body = f"{body}  # ssot: ignore[{rule_id}]"
    else:
        return None
    lines[line - 1] = new_body + ending
    return "".join(lines)


def add_suppression(text: str, finding: Finding) -> str | None:
    """``text`` with a comment that suppresses ``finding``; None when no place verifies."""
    before = _tree(text)
    for line in dict.fromkeys([finding.line, finding.stmt_line or finding.line]):
        candidate = _candidate(text, line, finding.rule_id)
        if candidate is None:
            continue
        if before is not None and _tree(candidate) != before:
            continue
        if any(covers(comment, finding) for comment in scan(candidate)):
            return candidate
    return None
