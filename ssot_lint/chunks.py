"""Where a module's top-level statements start, found without parsing, so a rule that knows which
lines its matches must touch gets only the statements around those lines parsed.

A line starts a top-level statement when it begins at column 0 with code (not a comment, not a
closing bracket, not an ``else``/``elif``/``except``/``finally`` clause, not a ``def``/``class``
under a decorator), outside every string literal and bracket, and does not follow a backslash
continuation. String literals, comments and bracket depth come from one regex scan: a string or
comment is skipped whole, so quotes, ``#`` and brackets inside them never count.

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
# An unterminated string runs to the end of its line (single-quoted) or of the text.
_SKIPPED = re.compile(
    r"""\#[^\r\n]*"""
    r'''|"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|\Z)'''
    r"""|'''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|\Z)"""
    r'''|"(?:[^"\\\r\n]|\\(?:\r\n|[\s\S]))*"?'''
    r"""|'(?:[^'\\\r\n]|\\(?:\r\n|[\s\S]))*'?"""
)
_LINE_START = re.compile(r"^[^\s#)\]}]", re.MULTILINE)
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_DEFINITION = re.compile(r"(?:def|class|async)\b")
# PEP 701 (Python 3.12) lets f-string replacement fields reuse the string's quotes and span
# lines, which the scan above cannot follow: there, files with f-strings are parsed whole.
_NESTABLE_FSTRING = re.compile(r"(?<![\w])[rRbB]?[fF][rR]?['\"]") if sys.version_info >= (3, 12) else None


def _depth(text: str, start: int, end: int) -> int:
    opened = text.count("(", start, end) + text.count("[", start, end) + text.count("{", start, end)
    return opened - text.count(")", start, end) - text.count("]", start, end) - text.count("}", start, end)


def _continued(text: str, offset: int) -> bool:
    """Whether the line before ``offset`` ends with a backslash (conservatively: even in a comment)."""
    end = offset
    if end and text[end - 1] == "\n":
        end -= 1
    if end and text[end - 1] == "\r":
        end -= 1
    return end > 0 and text[end - 1] == "\\"


def statement_starts(text: str) -> list[int] | None:
    """Character offsets where top-level statements start (0 first); None when the text cannot be
    split safely."""
    if _NESTABLE_FSTRING is not None and _NESTABLE_FSTRING.search(text):
        return None
    skipped = [(m.start(), m.end()) for m in _SKIPPED.finditer(text)]
    starts = [0]
    depth, position, index = 0, 0, 0
    in_decorator = False
    for match in _LINE_START.finditer(text):
        offset = match.start()
        while index < len(skipped) and skipped[index][1] <= offset:
            begin, end = skipped[index]
            depth += _depth(text, position, begin)
            position = max(position, end)
            index += 1
        if index < len(skipped) and skipped[index][0] < offset:
            continue  # inside a string literal
        depth += _depth(text, position, offset)
        position = offset
        if offset == 0 or depth != 0 or _continued(text, offset) or _CLAUSE.match(text, offset):
            continue
        if in_decorator:
            if _DEFINITION.match(text, offset):
                in_decorator = False
            continue  # a decorated statement starts at its first decorator
        in_decorator = text[offset] == "@"
        starts.append(offset)
    return starts


class Chunks:
    """The top-level statements of a text grouped into ranges of lines (1-based, end exclusive)."""

    def __init__(self, line_starts: list[int], offsets: list[int]) -> None:
        # statement start offsets -> line numbers (each offset is a line start)
        self.lines = [bisect_right(line_starts, offset) for offset in offsets]

    def index_of(self, line: int) -> int:
        return bisect_right(self.lines, line) - 1

    def span(self, index: int, last_line: int) -> tuple[int, int]:
        return self.lines[index], self.lines[index + 1] if index + 1 < len(self.lines) else last_line + 1

    def __len__(self) -> int:
        return len(self.lines)
