"""What a rule kind sees of one file: ``FileContext``.

Rules check CPython's ``ast`` and ask for the statements around the words their matches must
spell; only those are parsed when the file splits safely (``chunks``). The libcst tree, which
fixes edit, is built only when asked for.
"""

from __future__ import annotations

import ast
import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ssot_lint.analysis.chunks import Chunks, Scan, scan
from ssot_lint.analysis.cst_positions import LazyPositions
from ssot_lint.analysis.imports import ImportRef, collect_imports
from ssot_lint.analysis.outline import outline
from ssot_lint.analysis.simple_imports import ImportRecord, import_node, with_imports
from ssot_lint.analysis.source_lines import SourceLines, Span
from ssot_lint.analysis.syntax import cpython_parse, nodes_near, statements
from ssot_lint.model import FileRef

if TYPE_CHECKING:  # libcst is imported only when a fix (or a plugin kind's check) needs its tree
    import libcst as cst

N = TypeVar("N", bound=ast.AST)
M = TypeVar("M", bound=ast.AST)


class FileContext:
    """What a rule sees of one file: its text, CPython's syntax tree of it (what rules check), and
    on demand a libcst tree (what fixes edit). Derived values are computed once, on first use."""

    def __init__(self, ref: FileRef, text: str, tree: ast.Module | None = None, module: cst.Module | None = None) -> None:
        self.ref = ref
        self.text = text
        self._tree = tree
        self._module = module
        self._lines: SourceLines | None = None
        self._imports: list[ImportRef] | None = None
        self._scan: Scan | None | bool = False  # False: not scanned yet; None: cannot be split
        self._chunks: Chunks | None = None
        self._outline: list[ast.stmt] | None = None
        self._read_imports: list[ImportRecord] = []  # the top-level imports the outline left out (simple_imports)
        self._outline_whole: list[ast.stmt] | None = None  # the outline with their nodes in their places
        self._cuts: list[tuple[int, int]] = []  # the (start, end) offsets of what the outline leaves out
        self._outline_failed = False  # the text cannot be split, or its outline does not parse
        self._parsed: dict[int, list[ast.stmt]] = {}  # chunk index -> its top-level statements
        self._starts: tuple[list[ast.stmt], list[int]] | None = None  # a body and its statements' first lines
        self._positions: Any = None
        self._places: tuple[Mapping[cst.CSTNode, cst.CSTNode], Mapping[cst.CSTNode, tuple[cst.CSTNode, int, tuple[str, ...]]] | None] = ({}, None)
        self._parsed_tree = False  # the libcst tree was parsed from the text (``known_code``)
        # Per-file values several rules derive the same way (e.g. the module summary): computed
        # by the first rule that needs one, reused by the others, gone with the context.
        self.memo: dict[str, Any] = {}
        self.outline_read = False  # a rule reads the outline of this file (``Rule.reads_outline``)

    @classmethod
    def of_module(cls, module: cst.Module, ref: FileRef) -> FileContext:
        known = _known_code.get()
        if known is None or known[0] is not module:
            return cls(ref, module.code, module=module)
        found = cls(ref, known[1], module=module)
        found._parsed_tree = True  # a tree parsed from its text: positions may be computed lazily
        return found

    @property
    def tree(self) -> ast.Module:
        if self._tree is None:
            from ssot_lint.analysis.parsing import parse_tree

            self._tree = parse_tree(self.text)
        return self._tree

    @property
    def module(self) -> cst.Module:
        """The libcst tree (raises ``analysis.SourceError`` when libcst cannot parse the file)."""
        if self._module is None:
            from ssot_lint.analysis.parsing import parse

            self._module = parse(self.text, self._tree)
        return self._module

    @property
    def parsed_whole(self) -> bool:
        """Whether CPython parsed the whole file (so its syntax is checked everywhere)."""
        return self._tree is not None

    @property
    def partly_parsed(self) -> bool:
        """Whether only some top-level statements were parsed (the file may not parse whole)."""
        return self._tree is None and (bool(self._parsed) or self._outline is not None)

    @property
    def lines(self) -> SourceLines:
        if self._lines is None:
            self._lines = SourceLines(self.text)
        return self._lines

    # -- the ast tree ---------------------------------------------------------------------------
    def span(self, node: ast.AST) -> Span:
        return self.lines.span(node)

    def segment(self, span: Span) -> str:
        return self.lines.segment(span)

    @overload
    def nodes_near(self, kind: type[N], words: Iterable[str]) -> list[tuple[N, int]]: ...
    @overload  # two types: the nodes are of either one (not of their common base class)
    def nodes_near(self, kind: tuple[type[N], type[M]], words: Iterable[str]) -> list[tuple[N | M, int]]: ...
    @overload  # more types: any node (the caller tells them apart)
    def nodes_near(self, kind: tuple[type[ast.AST], ...], words: Iterable[str]) -> list[tuple[ast.AST, int]]: ...
    def nodes_near(self, kind: type[ast.AST] | tuple[type[ast.AST], ...], words: Iterable[str]) -> list[tuple[Any, int]]:
        """The nodes of type ``kind`` (or of one of several) whose lines hold one of ``words`` (as substrings), with the
        first line of their statement: for rules whose every match spells one of the words."""
        lines = self.lines_with(words)
        body = self._spanning(self.statements_on(lines), lines)
        return nodes_near(ast.Module(body=body, type_ignores=[]), kind, lines)

    def _spanning(self, body: list[ast.stmt], lines: list[int]) -> list[ast.stmt]:
        """The statements of ``body`` (top-level, in source order) whose lines, decorators
        included, hold one of ``lines``: at least those ``nodes_near`` enters, found by bisection.
        A rule asks once per finding, and going through every statement of a file parsed whole
        each time made N findings cost N times N (800 imports in one file: a minute)."""
        if len(body) < 64 or not lines:
            return body
        if self._starts is None or self._starts[0] is not body:
            self._starts = (body, [min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", ()))]) for s in body])
        starts = self._starts[1]
        keep: set[int] = set()
        for line in lines:
            # The last statement starting on or before the line, and those before it that end on
            # it or later (statements sharing a line: `a = 1; b = 2`).
            at = bisect_right(starts, line) - 1
            while at >= 0 and (body[at].end_lineno or body[at].lineno) >= line:
                keep.add(at)
                at -= 1
        return [body[at] for at in sorted(keep)]

    def statements_near(self, words: Iterable[str]) -> list[ast.stmt]:
        """At least the top-level statements spanning a line that holds one of ``words`` (as
        substrings), in source order; only those are parsed when the file splits safely."""
        return self.statements_on(self.lines_with(words))

    def lines_with(self, words: Iterable[str]) -> list[int]:
        """The lines (sorted) on which any of ``words`` occurs, as a substring."""
        found: set[int] = set()
        text, starts = self.text, self.lines.starts
        for word in words:
            if not word:
                continue  # would match everywhere (and never advance)
            at = text.find(word)
            while at != -1:
                found.add(bisect_right(starts, at))
                at = text.find(word, at + len(word))
        return sorted(found)

    def imports(self) -> list[ImportRef]:
        """Every name imported anywhere in the file (functions, ``try``, ``if`` ...), in source order."""
        if self._imports is None:
            # Imports are statements, so walking statement bodies finds them all without
            # entering a single expression. The outline holds every one of them (it keeps each
            # body that spells `import`): when it is read anyway (``outline_read``: the module
            # summary), the chunks around each `import` are not parsed a second time (Home
            # Assistant: 2.5% of the workers' CPU). Every import statement spells `import`:
            # otherwise the statements near that word hold them all.
            body = self._parsed_outline() if self._tree is None and (self._outline is not None or self.outline_read) else None
            read: list[ImportRecord] = self._read_imports if body is not None else []
            if body is None:
                body = self.statements_near(["import"])
            found = [n for n, _ in statements(body, into_definitions=True) if isinstance(n, (ast.Import, ast.ImportFrom))]
            if read:  # the imports the outline left out, in their places (source order)
                found += map(import_node, read)
                found.sort(key=lambda node: (node.lineno, node.col_offset))
            self._imports = collect_imports(found, self.ref.module, self.ref.is_package)
        return self._imports

    def outline(self) -> list[ast.stmt]:
        """The module's statements with what no project-wide summary reads left out (see
        ``outline``): the bodies of most top-level defs and classes, most constant tables. The
        whole tree's statements when the file is parsed whole anyway."""
        body, read = self.outline_parts()
        if not read:
            return body
        if self._outline_whole is None:
            self._outline_whole = with_imports(body, read)
        return self._outline_whole

    def outline_parts(self) -> tuple[list[ast.stmt], list[ImportRecord]]:
        """``outline()`` as the outline holds it: its parsed statements, and the top-level import
        statements it left out, read from the text instead (``analysis.simple_imports``; none
        when the file is parsed whole). For the readers that need no node of those imports."""
        if self._tree is not None:
            return self._tree.body, []
        body = self._parsed_outline()
        if body is None:
            return self.tree.body, []  # parsed whole: a syntax error is reported from there
        return body, self._read_imports

    def _parsed_outline(self) -> list[ast.stmt] | None:
        """The outline's statements; None when the text cannot be split or the outline does not parse."""
        if self._outline is None and not self._outline_failed:
            found = self._scanned()
            cuts: list[tuple[int, int]] = []
            read: list[ImportRecord] = []
            try:
                if found is not None:
                    self._outline = cpython_parse(outline(self.text, found, self.lines.starts, cuts, read)).body
                    self._read_imports = read
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                pass
            self._outline_failed = self._outline is None
            self._cuts = cuts
        return self._outline

    def outline_near(self, words: Iterable[str], keyword: str) -> list[ast.stmt] | None:
        """The top-level statements ``statements_near(words)`` gives, read from the outline (with
        the bodies and values it leaves out left out, see ``outline``); None when there is no
        outline, or when ``keyword`` (a statement's keyword, such as ``class``) is written in code
        the outline leaves out. Every
        statement ``keyword`` starts is then in the outline, and its header whole: a rule that
        reads only those headers needs no parse of its own."""
        if self._tree is not None:
            return self._tree.body  # parsed whole, as statements_near gives
        body = self._parsed_outline()
        found = self._scanned()
        if body is None or found is None:
            return None  # the caller reads its statements as before (the whole file when the outline does not parse)
        if self._cuts:
            pattern = _keyword_pattern(keyword)
            if any(pattern.search(found.code, start, end) for start, end in self._cuts):
                return None
        lines = self.lines_with(words)
        if not lines:
            return []
        if self._chunks is None:
            self._chunks = Chunks(found.starts)
        chunks = self._chunks
        indices = {chunks.index_of(line) for line in lines}
        near = [statement for statement in body if chunks.index_of(statement.lineno) in indices]
        read = [record for record in self._read_imports if chunks.index_of(record[0]) in indices]
        return with_imports(near, read) if read else near

    def _scanned(self) -> Scan | None:
        if self._scan is False:
            self._scan = scan(self.text)
        assert self._scan is not True
        return self._scan

    def statements_on(self, lines: list[int]) -> list[ast.stmt]:
        """At least the top-level statements spanning one of ``lines`` (sorted), in source order;
        only those are parsed when the file splits safely."""
        if self._tree is not None:
            return self._tree.body
        if not lines:
            return []
        if self._chunks is None:
            found = self._scanned()
            if found is None:
                return self.tree.body
            self._chunks = Chunks(found.starts)
        indices = sorted({self._chunks.index_of(line) for line in lines})
        missing = [i for i in indices if i not in self._parsed]
        if missing and not self._parse_chunks(missing):
            return self.tree.body  # parsed whole: a syntax error is reported from there
        return [statement for i in indices for statement in self._parsed[i]]

    def _parse_chunks(self, indices: list[int]) -> bool:
        """Parse the chunks ``indices`` (runs of neighbours together); False when the file is
        better parsed whole: the chunks are most of it, or one does not parse on its own."""
        chunks, starts, text = self._chunks, self.lines.starts, self.text
        assert chunks is not None
        last_line = len(starts)
        runs: list[tuple[int, int]] = []  # (first chunk, last chunk)
        for index in indices:
            if runs and runs[-1][1] == index - 1:
                runs[-1] = (runs[-1][0], index)
            else:
                runs.append((index, index))
        spans = [(chunks.span(first, last_line)[0], chunks.span(last, last_line)[1]) for first, last in runs]
        offsets = [(starts[begin - 1], starts[end - 1] if end <= last_line else len(text)) for begin, end in spans]
        if 2 * sum(end - begin for begin, end in offsets) > len(text):
            return False
        for (first, last), (begin_line, _), (begin, end) in zip(runs, spans, offsets):
            try:
                # Blank lines before the chunk keep CPython's line numbers those of the file.
                body = cpython_parse("\n" * (begin_line - 1) + text[begin:end]).body
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                return False
            for index in range(first, last + 1):
                self._parsed.setdefault(index, [])
            for statement in body:
                self._parsed[chunks.index_of(statement.lineno)].append(statement)
        return True

    # -- the libcst tree (fixes) ----------------------------------------------------------------
    def position(self, node: cst.CSTNode) -> Span:
        if self._positions is None:
            if self._parsed_tree:
                self._positions = LazyPositions(self.module, self._all_positions, self.text, lambda: self.tree, self.lines.starts)
                self._positions.place(*self._places)
            else:
                self._positions = self._all_positions()
        rng = self._positions[node]
        return rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1

    def place(self, tops: Mapping[cst.CSTNode, cst.CSTNode], units: Mapping[cst.CSTNode, tuple[cst.CSTNode, int, tuple[str, ...]]] | None = None) -> None:
        """Say which statements of the libcst tree hold the nodes a walk met (see
        ``LazyPositions.place``): such a node is positioned by printing that statement alone."""
        self._places = (tops, units)
        if isinstance(self._positions, LazyPositions):
            self._positions.place(tops, units)

    def _all_positions(self) -> Any:
        from libcst.metadata import PositionProvider

        # unsafe_skip_copy keeps node identity, so nodes found in a plain visit can be looked up.
        return _positions_only(self.module).resolve(PositionProvider)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


# The text of a libcst tree, known to whoever parsed it (``fix.apply``): printing a large tree
# again costs about as much as parsing it.
_known_code: ContextVar[tuple[cst.Module, str] | None] = ContextVar("known_code", default=None)


@contextmanager
def known_code(module: cst.Module, text: str) -> Iterator[None]:
    """While the block runs, ``FileContext.of_module(module, ...)`` takes ``text`` (which must be
    ``module.code``, and ``module`` a tree parsed from text) as the module's text instead of
    printing the tree, and positions its nodes lazily (``LazyPositions``)."""
    token = _known_code.set((module, text))
    try:
        yield
    finally:
        _known_code.reset(token)


@functools.cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # The word leads (whole by the look-arounds after it): the regex engine skips ahead to it.
    return re.compile(f"{keyword}(?<!\\w{keyword})(?!\\w)")


def _positions_only(module: cst.Module) -> Any:
    return _positions_only_class()(module, unsafe_skip_copy=True)


@functools.cache
def _positions_only_class() -> type:
    from libcst.metadata import MetadataWrapper

    class PositionsOnly(MetadataWrapper):
        """libcst's resolver walks the whole tree for its batchable providers even when there
        are none (PositionProvider is not one): that walk is a third of the cost of positions."""

        def visit_batched(self, visitors: Iterable[Any], before_visit: Any = None, after_leave: Any = None) -> cst.CSTNode:
            if isinstance(visitors, (list, tuple, set, frozenset)) and not visitors:
                return self.module
            return super().visit_batched(visitors, before_visit, after_leave)

    return PositionsOnly
