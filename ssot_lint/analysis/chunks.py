"""Where a module's top-level statements start, found without parsing, so a rule that knows which
lines its matches must touch gets only the statements around those lines parsed.

A line starts a top-level statement when it begins at column 0 with code (not a comment, not a
closing bracket, not an ``else``/``elif``/``except``/``finally`` clause, not a ``def``/``class``
under a decorator), outside every string literal and bracket, and does not follow a backslash
continuation. One regex pass shrinks every string literal and comment to the line breaks it holds,
so quotes, ``#``, brackets and backslashes inside them never count and lines keep their numbers.

Callers parse each chosen range on its own and fall back to parsing the whole file when a range
does not parse: a wrong start could only come from code the scanner misreads, and code that does
not parse alone is exactly what would show it. The scanner errs towards fewer starts (bigger
ranges), which is always safe.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right

# A comment, or a string literal from its opening quote (prefixes do not change where a string
# ends: a backslash always escapes the next character for the tokenizer, even in raw strings).
# An unterminated string runs to the end of its line (single-quoted) or of the text. Runs of
# ordinary characters are taken whole (`+`), not one alternation per character: 25% faster, and
# each loop can only stop where the literal ends, so nothing backtracks.
_SKIPPED = re.compile(
    r"""\#[^\r\n]*"""
    r'''|"""(?:[^"\\]+|\\[\s\S]|"(?!""))*(?:"""|\Z)'''
    r"""|'''(?:[^'\\]+|\\[\s\S]|'(?!''))*(?:'''|\Z)"""
    r"""|"(?:[^"\\\r\n]+|\\(?:\r\n|[\s\S]))*"?"""
    r"""|'(?:[^'\\\r\n]+|\\(?:\r\n|[\s\S]))*'?"""
)
# A line break and the first character of a line that can start a statement (a lone CR breaks
# lines too). Starting with a character set lets the regex engine skip ahead: 4x faster than `^`.
_LINE_START = re.compile(r"[\r\n][^\s#)\]}]")
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_DEFINITION = re.compile(r"(?:def|class|async)\b")
# PEP 701 (Python 3.12) lets f-string replacement fields reuse the string's quotes and span
# lines, which the scan above cannot follow: there, files with f-strings are parsed whole.
_NESTABLE_FSTRING = re.compile(r"(?<![\w])[rRbB]?[fF][rR]?['\"]") if sys.version_info >= (3, 12) else None


def _depth(code: str, start: int, end: int) -> int:
    opened = code.count("(", start, end) + code.count("[", start, end) + code.count("{", start, end)
    return opened - code.count(")", start, end) - code.count("]", start, end) - code.count("}", start, end)


def _continued(code: str, offset: int) -> bool:
    """Whether the line before ``offset`` ends with a backslash."""
    end = offset
    if end and code[end - 1] == "\n":
        end -= 1
    if end and code[end - 1] == "\r":
        end -= 1
    return end > 0 and code[end - 1] == "\\"


def _line_breaks(match: re.Match[str]) -> str:
    skipped = match.group()
    if "\n" not in skipped and "\r" not in skipped:
        return ""  # most strings and every comment
    return _NOT_LINE_BREAK.sub("", skipped)


def statement_starts(text: str) -> list[int] | None:
    """Lines (1-based, ascending, 1 first) where top-level statements start; None when the text
    cannot be split safely."""
    if _NESTABLE_FSTRING is not None and _NESTABLE_FSTRING.search(text):
        return None
    # Strings and comments shrink to the line breaks they hold: what is left is code, on the
    # same lines, where brackets, backslashes and keywords can be read directly.
    code = _SKIPPED.sub(_line_breaks, text)
    starts = [1]
    depth, position, line = 0, 0, 1
    in_decorator = False
    for match in _LINE_START.finditer(code):
        offset = match.start() + 1
        depth += _depth(code, position, offset)
        line += code.count("\n", position, offset) + code.count("\r", position, offset) - code.count("\r\n", position, offset)
        position = offset
        if depth != 0 or _continued(code, offset) or _CLAUSE.match(code, offset):
            continue
        if in_decorator:
            if _DEFINITION.match(code, offset):
                in_decorator = False
            continue  # a decorated statement starts at its first decorator
        in_decorator = code[offset] == "@"
        starts.append(line)
    return starts


class Chunks:
    """The top-level statements of a text grouped into ranges of lines (1-based, end exclusive)."""

    def __init__(self, lines: list[int]) -> None:
        self.lines = lines

    def index_of(self, line: int) -> int:
        return bisect_right(self.lines, line) - 1

    def span(self, index: int, last_line: int) -> tuple[int, int]:
        return self.lines[index], self.lines[index + 1] if index + 1 < len(self.lines) else last_line + 1
