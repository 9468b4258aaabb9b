"""Positions of import statements and module-level statements, from CPython's own parser.

libcst computes positions by regenerating the code of the whole tree, which costs about twice as
much as parsing it. Rules that flag a few nodes pay that only in files with findings; the module
summary needs the position of every import in nearly every file, so it takes positions from
``ast`` (a fraction of the cost) and pairs them with the libcst nodes in source order.

``locate`` returns ``{id(libcst node): span}`` for the nodes it could pair, or ``{}`` when CPython
cannot parse the file (syntax newer than the running Python) or the two trees do not line up;
callers then ask libcst. Spans follow ``FileContext.position``: 1-based lines and columns (in
characters, not the UTF-8 bytes ``ast`` counts), end exclusive.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Sequence

import libcst as cst

Span = tuple[int, int, int, int]
_NEWLINE = re.compile(r"\r\n|\r|\n")  # what CPython and libcst count as line breaks (not \f, \v, ...)
_IMPORT_KEYWORD = re.compile(r"\bimport\b")


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def line(self, lineno: int) -> str:
        start = self.starts[lineno - 1]
        end = self.starts[lineno] if lineno < len(self.starts) else len(self.text)
        return self.text[start:end]

    def column(self, lineno: int, byte_offset: int) -> int:
        """1-based character column of a UTF-8 byte offset in a line."""
        line = self.line(lineno)
        if line.isascii():
            return byte_offset + 1
        return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        return line, self.column(line, node.col_offset), end_line, self.column(end_line, node.end_col_offset)  # type: ignore[attr-defined,arg-type]

    def offset(self, lineno: int, col: int) -> int:
        return self.starts[lineno - 1] + col - 1

    def position(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:  # the last line start at or before offset
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo] + 1


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "\d": not ours to print
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def locate(text: str, imports: Sequence[cst.Import | cst.ImportFrom], top_level: Sequence[cst.CSTNode]) -> dict[int, Span]:
    """Spans for ``imports`` (each statement, each alias, and the module part of a ``from``
    import, keyed by the ``ImportFrom.module`` node or, for ``from . import x``, the statement's
    first dot) and for ``top_level``: the module body with simple statement lines split into their
    small statements. Alias targets of top-level assignments are keyed by the target node."""
    tree = _parse(text)
    if tree is None:
        return {}
    lines = _Lines(text)
    found = sorted((n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))), key=lambda n: (n.lineno, n.col_offset))
    if len(found) != len(imports) or len(tree.body) != len(top_level):
        return {}
    spans: dict[int, Span] = {}
    for node, twin in zip(imports, found):
        names = [] if isinstance(node.names, cst.ImportStar) else list(node.names)
        if isinstance(node, cst.Import) != isinstance(twin, ast.Import) or len(twin.names) != max(len(names), 1):
            return {}
        statement = lines.span(twin)
        spans[id(node)] = statement
        for alias, twin_alias in zip(names, twin.names):
            spans[id(alias)] = lines.span(twin_alias)
        if isinstance(node.names, cst.ImportStar):
            spans[id(node.names)] = lines.span(twin.names[0])
        if isinstance(node, cst.ImportFrom):
            key = node.module if node.module is not None else node.relative[0]
            spans[id(key)] = _module_span(lines, statement)
    for node, twin in zip(top_level, tree.body):
        spans[id(node)] = lines.span(twin)
        target = getattr(twin, "target", None) or (twin.targets[0] if isinstance(twin, ast.Assign) else None)
        cst_target = getattr(node, "target", None) or (node.targets[0].target if isinstance(node, cst.Assign) else None)
        if target is not None and cst_target is not None:
            spans[id(cst_target)] = lines.span(target)
    return spans


def _module_span(lines: _Lines, statement: Span) -> Span:
    """Where ``..pkg.mod`` sits in ``from ..pkg.mod import x``: after ``from``, before ``import``."""
    start = lines.offset(statement[0], statement[1]) + len("from")
    end = lines.offset(statement[2], statement[3])
    keyword = _IMPORT_KEYWORD.search(lines.text, start, end)
    stop = keyword.start() if keyword else end
    chunk = lines.text[start:stop]
    left = start + len(chunk) - len(chunk.lstrip(" \t\\\r\n"))
    right = start + len(chunk.rstrip(" \t\\\r\n"))
    return (*lines.position(left), *lines.position(right))
