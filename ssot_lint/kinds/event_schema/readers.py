"""Where a file reads event keys: what an event fix that renames or moves a key may break.

An event-schema fix changes the data a program sends. Code in the same file that reads the old
key afterwards finds nothing: ``x["type"]``, ``x.get("type")`` (``pop``, ``setdefault``),
``"type" in x``, a ``match`` mapping pattern ``{"type": ...}``, and ``f(**event)`` where
``event`` is assigned one of the dicts being fixed (its keys become keyword arguments). Each
read is tied to the name it reads through (``x``; None when it reads through anything else), so
that an event bound to a name is shown the reads through that name only. Read from CPython's
tree; what other files read is not known (the fix is unsafe for that reason alone).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

_KEY_METHODS = ("get", "pop", "setdefault")
Position = tuple[int, int]  # 1-based line and column


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(node: ast.AST | None) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def bound_names(tree: ast.AST, events: Iterable[Position]) -> dict[Position, set[str]]:
    """The names each event dict (by position) is assigned to (``e = {...}``, ``e: T = {...}``)."""
    wanted = set(events)
    found: dict[Position, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            at = (node.value.lineno, node.value.col_offset + 1)
            if at in wanted:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.setdefault(at, set()).update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def key_readers(
    tree: ast.AST, keys: Iterable[str], events: dict[Position, set[str]], names: dict[Position, set[str]] | None = None
) -> dict[str, list[tuple[Position, str | None]]]:
    """key -> where the file reads it and through which name (sorted); ``events``: the position
    of each dict being fixed -> the keys its fix renames or moves (for ``**`` unpacking of a
    name bound to it); ``names``: the names bound to each (``bound_names`` when not given). A
    ``dict(**event)`` is a copy, not a read (``uses`` follows the copy)."""
    wanted = set(keys)
    found: dict[str, set[tuple[Position, str | None]]] = {}

    def read(key: str | None, node: ast.AST, through: str | None) -> None:
        if key in wanted:
            found.setdefault(key, set()).add(((node.lineno, node.col_offset + 1), through))  # type: ignore[attr-defined]

    bound: dict[str, set[str]] = {}  # name -> the changed keys of the event dict assigned to it
    for at, bound_to in (bound_names(tree, events) if names is None else names).items():
        for name in bound_to:
            bound.setdefault(name, set()).update(events[at])
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            read(_text(node.slice), node, _name(node.value))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _KEY_METHODS and node.args:
                read(_text(node.args[0]), node, _name(func.value))
            copy = isinstance(func, ast.Name) and func.id == "dict"
            for keyword in node.keywords:
                if keyword.arg is None and not copy and isinstance(keyword.value, ast.Name):
                    for key in bound.get(keyword.value.id, ()):
                        read(key, keyword.value, keyword.value.id)
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            read(_text(node.left), node, _name(node.comparators[0]))
        elif isinstance(node, ast.Match):
            subject = _name(node.subject)
            for case in node.cases:
                for pattern in ast.walk(case.pattern):
                    if isinstance(pattern, ast.MatchMapping):
                        for pattern_key in pattern.keys:
                            read(_text(pattern_key), pattern_key, subject if pattern is case.pattern else None)
    return {key: sorted(places, key=lambda p: (p[0], p[1] or "")) for key, places in found.items()}
