"""Walks over CPython ``ast`` trees that the rule kinds share."""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Iterator

# The fields of statements (and of except handlers / match cases) that hold nested statements.
BODIES = ("body", "handlers", "cases", "orelse", "finalbody")  # in source order
DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def index_nodes(tree: ast.AST) -> dict[type, list[tuple[ast.AST, int]]]:
    """Every node of ``tree`` by type, in source order, each with the first line of the innermost
    statement holding it (what suppression comments are matched against). Iterative: a deep
    expression costs memory, never the recursion limit."""
    index: dict[type, list[tuple[ast.AST, int]]] = defaultdict(list)
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, line = stack.pop()
        if isinstance(node, ast.stmt):
            line = node.lineno
        index[type(node)].append((node, line))
        children = list(ast.iter_child_nodes(node))
        children.reverse()  # popped first-child first: pre-order, source order
        stack.extend((child, line) for child in children)
    return index


def statements(body: list[ast.stmt], into_definitions: bool) -> Iterator[tuple[ast.stmt, tuple[ast.stmt, ...]]]:
    """The statements of ``body`` and, in source order, the statements nested in them (``if``,
    ``try``, ``with``, loops, ``match``), each with the classes and defs enclosing it. Bodies of
    classes and defs are entered only with ``into_definitions``."""
    stack: list[tuple[ast.AST, tuple[ast.stmt, ...]]] = [(s, ()) for s in reversed(body)]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, ast.stmt):
            yield node, scope
        if isinstance(node, DEFINITIONS):
            if not into_definitions:
                continue
            scope = (*scope, node)
        nested: list[ast.AST] = []
        for field in BODIES:
            nested.extend(getattr(node, field, ()))
        stack.extend((child, scope) for child in reversed(nested))
