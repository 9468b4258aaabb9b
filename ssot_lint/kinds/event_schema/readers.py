"""Where a file reads or writes dict keys: what an event fix that renames or moves a key may break.

An event-schema fix changes the data a program sends. Code in the same file that reads the old
key afterwards finds nothing (``x["type"]``, ``x.get("type")``, ``pop``, ``setdefault``,
``"type" in x``, a ``match`` mapping pattern ``{"type": ...}``); code that writes it afterwards
(``x["type"] = ...``, ``x.update(type=...)``, ``x |= {...}``, ``del x["type"]``) writes a key the
event no longer has; and code that reads or writes a key the fix renames to or moves keys into
(``x["data"] = ...`` replaces the keys moved into ``data``) sees another value. A key is a
string literal, or a name bound once in the file, at module level, to one (``TYPE = "type"``,
then ``msg[TYPE]``); any other expression is a *computed* key (None), which may be any key.
Each access is returned with the expression it goes through (``x``), for ``uses`` to tell whose
it is. Read from CPython's tree; what other files read is not known (the fix is unsafe for that
reason alone).
"""

from __future__ import annotations

import ast
from typing import NamedTuple

_KEY_METHODS = ("get", "pop", "setdefault")
Position = tuple[int, int]  # 1-based line and column


class Access(NamedTuple):
    """One read or write of a key (None: a computed key, which may be any); ``verb``: reads,
    writes or deletes."""

    at: Position
    key: str | None
    verb: str


def constant_keys(tree: ast.Module, bindings: dict[str, int]) -> dict[str, str]:
    """The names bound once in the file (``bindings``: how often each name is bound, anywhere),
    by a module-level ``NAME = "text"``, to their text: a name bound anywhere else too (a
    parameter, a local variable, a second assignment, a ``global`` declaration) may hold another
    value where it is read."""
    found: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and bindings.get(targets[0].id) == 1:
                found[targets[0].id] = statement.value.value
    return found


def keys_of(node: ast.AST | None, constants: dict[str, str]) -> list[str | None]:
    """The key ``node`` names: [] for a constant that is no string (``x[0]``, no key of an
    event), [None] for a computed key."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    return [None]


def _at(node: ast.AST) -> Position:
    return node.lineno, node.col_offset + 1  # type: ignore[attr-defined]


def _written(node: ast.Call | ast.AugAssign, constants: dict[str, str]) -> list[str | None]:
    """The keys ``x.update(...)`` or ``x |= ...`` writes (None: any)."""
    values = node.args if isinstance(node, ast.Call) else [node.value]
    keys: list[str | None] = []
    for value in values:
        if isinstance(value, ast.Dict):
            keys += [k for key in value.keys for k in (keys_of(key, constants) if key is not None else [None])]
        else:
            keys.append(None)
    if isinstance(node, ast.Call):
        keys += [keyword.arg for keyword in node.keywords]
    return keys


def accesses_of(node: ast.AST, constants: dict[str, str]) -> tuple[ast.AST, list[Access]] | None:
    """The expression ``node`` reads or writes keys of, and those accesses; None when ``node`` is
    no key access."""
    if isinstance(node, ast.Subscript):
        verb = {ast.Load: "reads", ast.Store: "writes", ast.Del: "deletes"}[type(node.ctx)]
        return node.value, [Access(_at(node), key, verb) for key in keys_of(node.slice, constants)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _KEY_METHODS and node.args and not isinstance(node.args[0], ast.Starred):
            return node.func.value, [Access(_at(node), key, "reads") for key in keys_of(node.args[0], constants)]
        if node.func.attr == "update":
            return node.func.value, [Access(_at(node), key, "writes") for key in _written(node, constants)]
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.BitOr):
        return node.target, [Access(_at(node), key, "writes") for key in _written(node, constants)]
    if isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)):
        return node.comparators[0], [Access(_at(node), key, "reads") for key in keys_of(node.left, constants)]
    if isinstance(node, ast.Match):
        found = []
        for case in node.cases:
            for pattern in ast.walk(case.pattern):
                if isinstance(pattern, ast.MatchMapping):
                    found += [Access(_at(key), k, "reads") for key in pattern.keys for k in keys_of(key, constants)]
        return node.subject, found
    return None


def all_accesses(tree: ast.AST, constants: dict[str, str]) -> list[Access]:
    """Every access to a key the file names, through anything (for an event bound to no name,
    whose way is not followed); computed keys are left out, or every ``x[i]`` would be one."""
    found = []
    for node in ast.walk(tree):
        accessed = accesses_of(node, constants)
        if accessed is not None:
            found += [access for access in accessed[1] if access.key is not None]
    return found
