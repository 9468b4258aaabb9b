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
        self._alone: dict[cst.CSTNode, bool] = {}  # part printed on its own -> whether its text was the file's there
        self._lines: dict[cst.CSTNode, int] | None = None  # part -> the line its text starts on

    def place(self, tops: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        """Say which top-level statement holds each node of ``tops`` (to position it alone)."""
        self._tops = tops

    def _first_lines(self) -> dict[cst.CSTNode, int]:
        if self._lines is None:
            self._lines = {}
            spans = part_spans(self._module, self._tree()) if self._tree is not None else None
            for part, (first, _) in zip(self._module.body, spans or ()):
                decorators = getattr(part, "decorators", ())
                self._lines[part] = first - len(part.leading_lines) - (len(decorators[0].leading_lines) if decorators else 0)
        return self._lines

    def _print_alone(self, part: cst.CSTNode) -> None:
        """Position ``part``'s nodes by printing it alone, if its text there is the file's."""
        from libcst.metadata.position_provider import PositionProvider, PositionProvidingCodegenState

        self._alone[part] = False
        line = self._first_lines().get(part)
        if line is None or not 1 <= line <= len(self._starts) or self._text is None:
            return
        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            default_indent=self._module.default_indent, default_newline=self._module.default_newline, provider=provider, line=line
        )
        part._codegen(state)
        if self._text.startswith("".join(state.tokens), self._starts[line - 1]):
            self._computed.update(provider._computed)
            self._alone[part] = True

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is None:
            part = self._tops.get(node)
            if part is not None and part not in self._alone:
                self._print_alone(part)
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
