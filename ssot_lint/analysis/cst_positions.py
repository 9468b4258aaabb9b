"""Where a libcst tree's nodes are (libcst's ``PositionProvider`` ranges), computed only as far
into the module as the nodes asked for lie.

libcst positions nodes by printing the whole tree while it counts lines and columns: on a large
file that costs more than parsing it, and fixes ask mostly for the import statements at the top.
``LazyPositions`` prints the module's top-level parts (header lines, statements, footer lines)
in order, with libcst's own position-recording state carried from one to the next, and stops
at the part holding the node asked for: the ranges are the very ones a whole-tree pass gives.
A node in no part (the module itself) gets libcst's whole-tree pass.

Only for a tree parsed from text: a node object is then in one place only (a fix could put one
node in two places, where libcst keeps the position of the last one printed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import libcst as cst
    from libcst._position import CodeRange


class LazyPositions:
    """``PositionProvider``'s ranges of ``module``'s nodes, by node; ``whole`` gives libcst's
    whole-tree mapping when a node lies in no top-level part."""

    def __init__(self, module: cst.Module, whole: Callable[[], Any]) -> None:
        from libcst.metadata.position_provider import PositionProvider, PositionProvidingCodegenState

        provider = PositionProvider()
        self._computed: MutableMapping[cst.CSTNode, Any] = provider._computed
        self._state = PositionProvidingCodegenState(default_indent=module.default_indent, default_newline=module.default_newline, provider=provider)
        self._parts: Iterator[cst.CSTNode] = iter([*module.header, *module.body, *module.footer])
        self._whole = whole
        self._all: Any = None

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
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
