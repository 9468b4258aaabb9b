"""Positions in a source text: CPython's ``ast`` positions turned into the ones findings carry.

``ast`` gives 1-based lines and 0-based columns counted in UTF-8 bytes; findings use 1-based
columns counted in characters (as libcst does), end exclusive. Both count ``\\r\\n``, ``\\r`` and
``\\n`` as line breaks and nothing else.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right

from ssot_lint.analysis.native import compiled as native

Span = tuple[int, int, int, int]  # line, col, end_line, end_col (1-based, end exclusive)

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LF = re.compile("\n")
_END = re.Match.end
_IMPORT_KEYWORD = re.compile(r"\bimport\b")
# `from ..a.b import`, written on one line with spaces only: the module is the group, as the
# general search below finds it (the first `import` word after `from` ends it).
_PLAIN_FROM = re.compile(r"from[ \t]+(\.*[\w.]*)[ \t]+import\b")
# What stands between the start of a class/def statement and its name: every ClassDef and
# (Async)FunctionDef is spelled this way (a backslash continuation is the only thing allowed
# between the words).
_BEFORE_NAME = re.compile(r"(?:async[ \t\f\\\r\n]+)?(?:class|def)[ \t\f\\\r\n]+")


class SourceLines:
    def __init__(self, text: str) -> None:
        self.text = text
        if native is not None:
            self.starts = native.line_starts(text)
        else:  # ``map`` calls ``Match.end`` from C: a third faster than summing ``split``'s lines
            self.starts = [0, *map(_END, (_NEWLINE if "\r" in text else _LF).finditer(text))]
        self.ascii = text.isascii()  # then byte columns are character columns everywhere

    def line(self, lineno: int) -> str:
        start = self.starts[lineno - 1]
        end = self.starts[lineno] if lineno < len(self.starts) else len(self.text)
        return self.text[start:end]

    def column(self, lineno: int, byte_offset: int) -> int:
        """1-based character column of a UTF-8 byte offset in a line."""
        if self.ascii:
            return byte_offset + 1
        line = self.line(lineno)
        if line.isascii():
            return byte_offset + 1
        return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def span(self, node: ast.AST) -> Span:
        # ast.AST declares no positions; the statements and expressions passed here have them.
        line, end_line = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        return line, self.column(line, node.col_offset), end_line, self.column(end_line, node.end_col_offset)  # type: ignore[attr-defined]

    def offset(self, lineno: int, col: int) -> int:
        """The character offset of a 1-based (line, column)."""
        return self.starts[lineno - 1] + col - 1

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of a character offset."""
        line = bisect_right(self.starts, offset) or 1  # the last line start at or before offset (the first, before it)
        return line, offset - self.starts[line - 1] + 1

    def segment(self, span: Span) -> str:
        return self.text[self.offset(span[0], span[1]) : self.offset(span[2], span[3])]

    def name_span(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> Span:
        """Where the name of a class or def statement is written."""
        start = self.offset(node.lineno, self.column(node.lineno, node.col_offset))
        keyword = _BEFORE_NAME.match(self.text, start)
        begin = keyword.end() if keyword else start
        return (*self.position(begin), *self.position(begin + len(node.name)))

    def module_span(self, statement: Span) -> Span:
        """Where ``..pkg.mod`` sits in ``from ..pkg.mod import x``: after ``from``, before ``import``."""
        begin = self.offset(statement[0], statement[1])
        plain = _PLAIN_FROM.match(self.text, begin)
        if plain is not None:
            return statement[0], statement[1] + plain.start(1) - begin, statement[0], statement[1] + plain.end(1) - begin
        start = begin + len("from")
        end = self.offset(statement[2], statement[3])
        keyword = _IMPORT_KEYWORD.search(self.text, start, end)
        stop = keyword.start() if keyword else end
        chunk = self.text[start:stop]
        left = start + len(chunk) - len(chunk.lstrip(" \t\\\r\n"))
        right = start + len(chunk.rstrip(" \t\\\r\n"))
        return (*self.position(left), *self.position(right))
