"""Positions between findings and the Language Server Protocol.

Findings count lines from 1 and columns from 1 in characters (code points), end exclusive. LSP
counts both from 0, and columns in the code units of the encoding agreed at initialization
(UTF-16 unless the client offers another): a character outside the Basic Multilingual Plane is
two UTF-16 units, and in UTF-8 every non-ASCII character is 2-4. Both sides break lines at
``\\r\\n``, ``\\r`` and ``\\n`` only (not at the other characters ``str.splitlines`` breaks at,
such as form feed or U+2028, which may appear inside a Python string or comment).
"""

from __future__ import annotations

import re
from bisect import bisect_right

_BREAK = re.compile(r"\r\n|\r|\n")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` is in ``encoding`` (an LSP ``PositionEncodingKind``)."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Lines:
    """A text's line starts, for converting between offsets, finding positions and LSP ones."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, index: int) -> str:
        """The 0-based line ``index`` without its line break ('' past the end)."""
        if index >= len(self.starts):
            return ""
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, line: int, col: int) -> int:
        """The character offset of a finding's 1-based (line, column), clamped to the text."""
        if line > len(self.starts):
            return len(self.text)
        index = max(line, 1) - 1
        return self.starts[index] + min(max(col, 1) - 1, len(self.line(index)))

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """The LSP (line, character) of a character offset."""
        offset = min(max(offset, 0), len(self.text))
        index = bisect_right(self.starts, offset) - 1
        start = self.starts[index]
        return index, units(self.text[start:offset], encoding)

    def from_finding(self, line: int, col: int, encoding: str = UTF16) -> tuple[int, int]:
        return self.position(self.offset(line, col), encoding)

    def to_offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """The character offset of an LSP position; a character past the end of its line means
        the end of the line (as the protocol says), a line past the end the end of the text."""
        if line >= len(self.starts):
            return len(self.text)
        text = self.line(line)
        if encoding == UTF32 or text.isascii():
            return self.starts[line] + min(character, len(text))
        count = 0
        for index, char in enumerate(text):
            if count >= character:
                return self.starts[line] + index
            count += units(char, encoding)
        return self.starts[line] + len(text)

    def to_finding(self, line: int, character: int, encoding: str = UTF16) -> tuple[int, int]:
        """The 1-based (line, column) of an LSP position."""
        offset = self.to_offset(line, character, encoding)
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1
