"""Walks over CPython ``ast`` trees that the rule kinds share."""

from __future__ import annotations

import ast
import warnings
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import TypeVar

N = TypeVar("N", bound=ast.AST)

DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
Definition = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def cpython_parse(text: str) -> ast.Module:
    """``ast.parse`` without printing warnings (e.g. SyntaxWarning for ``"\\d"``: not ours to print)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


# Statement types that hold nested statements, and the fields that hold them, in source order.
NESTED: dict[type, tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.ExceptHandler: ("body",),
    ast.Match: ("cases",),
    ast.match_case: ("body",),
    ast.ClassDef: ("body",),
    ast.FunctionDef: ("body",),
    ast.AsyncFunctionDef: ("body",),
}
if hasattr(ast, "TryStar"):  # Python >= 3.11
    NESTED[ast.TryStar] = NESTED[ast.Try]


def statements(body: list[ast.stmt], into_definitions: bool) -> Iterator[tuple[ast.stmt, tuple[Definition, ...]]]:
    """The statements of ``body`` and, in source order, the statements nested in them (``if``,
    ``try``, ``with``, loops, ``match``), each with the classes and defs enclosing it. Bodies of
    classes and defs are entered only with ``into_definitions``."""
    stack: list[tuple[ast.AST, tuple[Definition, ...]]] = [(s, ()) for s in reversed(body)]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, ast.stmt):
            yield node, scope
        fields = NESTED.get(type(node))
        if fields is None:  # most statements: nothing nested
            continue
        if isinstance(node, DEFINITIONS):
            if not into_definitions:
                continue
            scope = (*scope, node)
        nested: list[ast.AST] = []
        for field in fields:
            nested.extend(getattr(node, field))
        stack.extend((child, scope) for child in reversed(nested))


def first_line(node: ast.AST) -> int:
    """The first line of ``node``'s code: a decorated def's or class's first decorator (its
    ``lineno`` is the ``def`` line, below them), else its ``lineno``."""
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno  # type: ignore[attr-defined]


def nodes_near(tree: ast.AST, kind: type[N] | tuple[type[N], ...], lines: Sequence[int]) -> list[tuple[N, int]]:
    """The nodes of type ``kind`` (or of one of several types) that span one of ``lines`` (sorted), in source order, each with
    the first line of its statement. Only subtrees spanning one of the lines (a def or class from
    its first decorator) are entered, so a rule that knows where its nodes must be (a literal
    every match spells) walks a sliver of the tree instead of all of it."""
    found: list[tuple[N, int]] = []
    if not lines:
        return found
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, line = stack.pop()
        if isinstance(node, ast.stmt):
            line = node.lineno
        if isinstance(node, kind):
            found.append((node, line))
        children = []
        for child in ast.iter_child_nodes(node):
            if getattr(child, "lineno", None) is not None:
                # From a def's or class's first decorator: a word in one of them
                # (``@pytest.mark.parametrize("x", [pd.old.Day()])``) is within its span.
                start = first_line(child)
                nearest = bisect_left(lines, start)
                if nearest == len(lines) or lines[nearest] > child.end_lineno:  # type: ignore[attr-defined]
                    continue
            children.append(child)
        children.reverse()
        stack.extend((child, line) for child in children)
    return found
