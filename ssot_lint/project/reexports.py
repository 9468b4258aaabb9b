"""What a pure re-export module may contain, and what counts as an alias (``A = B``).

Used by the module summary to decide ``reexport_only`` and to list aliases; kept apart because it
is a judgement about module shape, not about names.
"""

from __future__ import annotations

import ast

from ssot_lint.analysis.imports import dotted_name

# Calls a re-export module may make as statements: a deprecation shim warns on import (the warning
# does not make it a real module), and extending ``__all__`` only says what it forwards.
_ALLOWED_CALLS = ("warnings.warn", "warn", "__all__.extend", "__all__.append")


def _written_name(node: ast.expr) -> str | None:
    """``a.b.c`` for Name/Attribute chains, as ``imports.dotted_name``, also when the chain starts
    at ``None``, ``True`` or ``False`` (constants to ``ast``): ``X = None`` is the usual fallback of
    a failed optional import, and ``NoneType = None.__class__`` an alias like any other."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        parts.append(str(node.value))
    else:
        return None
    return ".".join(reversed(parts))


def alias_of(statement: ast.stmt) -> tuple[ast.Name, str] | None:
    """``A = B`` / ``A = m.B`` / ``A: T = B`` with a plain (non-dunder) name on the left, other
    than the name on the right (``X = X`` is no alias)."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    written = _written_name(value)
    if not isinstance(target, ast.Name) or written is None or target.id.startswith("__"):
        return None
    if written in ("None", "True", "False") or written == target.id:
        return None  # `X = X` (a re-export spelled out for type checkers) renames nothing
    return target, written


def is_string_statement(statement: ast.stmt) -> bool:
    """A statement that is only a string (or bytes) literal, as a docstring is."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, (str, bytes))


def reexport_only(body: list[ast.stmt]) -> bool:
    """Whether every statement of ``body`` (and of the ``if`` / ``try`` blocks in it) is one a
    pure re-export module may contain. Iterative: an ``elif`` chain nests as deep as it is long."""
    pending = list(body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.If):
            pending += statement.body + statement.orelse
        elif isinstance(statement, ast.Try):  # not ast.TryStar: ``except*`` is no re-export shape
            pending += statement.body + statement.orelse + statement.finalbody
            for handler in statement.handlers:
                pending += handler.body
        elif not _reexport_simple(statement):
            return False
    return True


def _reexport_simple(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass, ast.Delete)):
        return True
    if isinstance(statement, ast.Expr):
        value = statement.value
        if is_string_statement(statement) or (isinstance(value, ast.Constant) and value.value is Ellipsis):
            return True
        return isinstance(value, ast.Call) and dotted_name(value.func) in _ALLOWED_CALLS
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if all(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
        assigned = statement.value
        return alias_of(statement) is not None or (
            not isinstance(statement, ast.AugAssign)
            and all(isinstance(t, ast.Name) for t in targets)
            and assigned is not None
            and _written_name(assigned) is not None
        )
    return False
