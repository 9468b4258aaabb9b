"""Where a libcst tree's nodes are (libcst's ``PositionProvider`` ranges), computed only as far
into the module as the nodes asked for lie.

libcst positions nodes by printing the whole tree while it counts lines and columns: on a large
file that costs more than parsing it, and fixes ask mostly for the import statements at the top.
``LazyPositions`` prints the module's top-level parts (header lines, statements, footer lines)
in order, with libcst's own position-recording state carried from one to the next, and stops
at the part holding the node asked for: the ranges are the very ones a whole-tree pass gives.
A node in no part (the module itself) gets libcst's whole-tree pass.

A node whose top-level statement is known (``place``: a walk that met it says where) is
positioned by printing that statement alone, from the line CPython's tree says it starts on
(less the comment and blank lines libcst counts as its own), and only when the statement's text
printed there is the file's text at that line: the ranges are then the very ones printing
everything before would give. Otherwise the parts before are printed, as above.

Only for a tree parsed from text: a node object is then in one place only (a fix could put one
node in two places, where libcst keeps the position of the last one printed).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.cst_parts import part_spans

if TYPE_CHECKING:
    import libcst as cst
    from libcst._position import CodeRange


class LazyPositions:
    """``PositionProvider``'s ranges of ``module``'s nodes, by node; ``whole`` gives libcst's
    whole-tree mapping when a node lies in no top-level part."""

    def __init__(
        self, module: cst.Module, whole: Callable[[], Any], text: str | None = None, tree: Callable[[], ast.Module] | None = None, starts: Sequence[int] = ()
    ) -> None:
        from libcst.metadata.position_provider import PositionProvider, PositionProvidingCodegenState

        provider = PositionProvider()
        self._module = module
        self._computed: MutableMapping[cst.CSTNode, Any] = provider._computed
        self._state = PositionProvidingCodegenState(default_indent=module.default_indent, default_newline=module.default_newline, provider=provider)
        self._parts: Iterator[cst.CSTNode] = iter([*module.header, *module.body, *module.footer])
        self._whole = whole
        self._all: Any = None
        self._text, self._tree, self._starts = text, tree, starts
        self._tops: Mapping[cst.CSTNode, cst.CSTNode] = {}
        self._units: Mapping[cst.CSTNode, tuple[cst.CSTNode, int, tuple[str, ...]]] = {}
        self._alone: dict[cst.CSTNode, bool] = {}  # statement printed on its own -> whether its text was the file's there
        self._lines: dict[cst.CSTNode, int] | None = None  # top-level statement -> the first line of its code

    def place(self, tops: Mapping[cst.CSTNode, cst.CSTNode], units: Mapping[cst.CSTNode, tuple[cst.CSTNode, int, tuple[str, ...]]] | None = None) -> None:
        """Say which top-level statement holds each node of ``tops``, and (``units``) the
        innermost statement holding a node, the first line of that statement's code and the
        indentation there: such a statement is printed alone to position the node."""
        self._tops = tops
        self._units = units or {}

    def _first_lines(self) -> dict[cst.CSTNode, int]:
        if self._lines is None:
            from ssot_lint.analysis.parsing import SourceError

            try:
                spans = part_spans(self._module, self._tree()) if self._tree is not None else None
            except SourceError:  # CPython rejects what libcst parsed: print what comes before instead
                spans = None
            self._lines = {part: first for part, (first, _) in zip(self._module.body, spans or ())}
        return self._lines

    def _print_alone(self, part: cst.CSTNode, first: int | None, indents: tuple[str, ...] = ()) -> None:
        """Position the nodes of ``part`` (a statement whose code starts on line ``first``,
        indented by ``indents``) by printing it alone, if its text there is the file's."""
        from libcst.metadata.position_provider import PositionProvider, PositionProvidingCodegenState

        self._alone[part] = False
        if first is None or self._text is None:
            return
        decorators = getattr(part, "decorators", ())
        line = first - len(getattr(part, "leading_lines", ())) - (len(decorators[0].leading_lines) if decorators else 0)
        if not 1 <= line <= len(self._starts):
            return
        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            default_indent=self._module.default_indent, default_newline=self._module.default_newline, provider=provider, line=line, indent_tokens=list(indents)
        )
        part._codegen(state)
        if self._text.startswith("".join(state.tokens), self._starts[line - 1]):
            self._computed.update(provider._computed)
            self._alone[part] = True

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        unit = self._units.get(node) if found is None else None
        if unit is not None and unit[0] not in self._alone:
            self._print_alone(*unit)
            found = self._computed.get(node)
        if found is None:
            part = self._tops.get(node)
            if part is not None and part not in self._alone:
                self._print_alone(part, self._first_lines().get(part))
                found = self._computed.get(node)
        while found is None:
            part = next(self._parts, None)
            if part is None:
                if self._all is None:
                    self._all = self._whole()
                return self._all[node]
            part._codegen(self._state)
            found = self._computed.get(node)
        return found
