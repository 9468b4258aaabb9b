"""Where a file reads event keys: what an event fix that renames or moves a key may break.

An event-schema fix changes the data a program sends. Code in the same file that reads the old
key afterwards finds nothing: ``x["type"]``, ``x.get("type")`` (``pop``, ``setdefault``),
``"type" in x``, a ``match`` mapping pattern ``{"type": ...}``, and ``f(**event)`` where
``event`` is assigned one of the dicts being fixed (its keys become keyword arguments). Read from
CPython's tree; what other files read is not known (the fix is unsafe for that reason alone).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

_KEY_METHODS = ("get", "pop", "setdefault")
Position = tuple[int, int]  # 1-based line and column


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def key_readers(tree: ast.AST, keys: Iterable[str], events: dict[Position, set[str]]) -> dict[str, list[Position]]:
    """key -> where the file reads it (sorted); ``events``: the position of each dict being
    fixed -> the keys its fix renames or moves (for ``**`` unpacking of a name bound to it)."""
    wanted = set(keys)
    found: dict[str, set[Position]] = {}

    def read(key: str | None, node: ast.AST) -> None:
        if key in wanted:
            found.setdefault(key, set()).add((node.lineno, node.col_offset + 1))  # type: ignore[attr-defined]

    bound: dict[str, set[str]] = {}  # name -> the changed keys of the event dict assigned to it
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            keys_of = events.get((node.value.lineno, node.value.col_offset + 1))
            for target in node.targets:
                if keys_of and isinstance(target, ast.Name):
                    bound.setdefault(target.id, set()).update(keys_of)
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            read(_text(node.slice), node)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _KEY_METHODS and node.args:
                read(_text(node.args[0]), node)
            for keyword in node.keywords:
                if keyword.arg is None and isinstance(keyword.value, ast.Name):
                    for key in bound.get(keyword.value.id, ()):
                        read(key, keyword.value)
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            read(_text(node.left), node)
        elif isinstance(node, ast.MatchMapping):
            for pattern_key in node.keys:
                read(_text(pattern_key), pattern_key)
    return {key: sorted(places) for key, places in found.items()}
