"""The names a module binds in ways the module summary does not read, for a ``__getattr__`` that
forwards every other name (part of the per-file half of ``declared-deprecation``).

Such a hook declares "every name this module does not define has moved"; which names it defines
must then be known exactly, or an import of a defined name would be reported. Read: a store into
``globals()`` with a literal key, or in a ``for`` loop over a literal list, tuple or set of strings
(NumPy's ``for item in ["_reconstruct", "scalar"]: globals()[item] = getattr(multiarray, item)``):
those names are defined. Not enumerable (the module then declares nothing, and says why): a store
into ``globals()`` keyed otherwise (``for item in _multiarray_umath.__dir__(): globals()[item] =
...``), ``globals().update(...)``, ``exec(...)``, and a star import.
"""

from __future__ import annotations

import ast

from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.declared_deprecation.texts import string


def module_names(body: list[ast.stmt]) -> tuple[tuple[str, ...], str]:
    """(the names ``globals()`` stores bind, why the namespace cannot be enumerated or "")."""
    names: list[str] = []
    loops: dict[int, ast.For] = {}  # id of a statement -> the innermost module-level ``for`` around it
    for statement, _ in statements(body, into_definitions=False):
        if isinstance(statement, ast.For):
            for inner, _ in statements(statement.body, into_definitions=False):
                loops[id(inner)] = statement
        if isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
            return (), f"a star import from {'.' * statement.level}{statement.module or ''} (line {statement.lineno})"
        for node in _own_nodes(statement):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "exec":
                return (), f"exec() (line {node.lineno})"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_globals(node.func.value) and node.func.attr != "get":
                return (), f"globals().{node.func.attr}() (line {node.lineno})"
        for target in statement.targets if isinstance(statement, ast.Assign) else ():
            if not (isinstance(target, ast.Subscript) and _is_globals(target.value)):
                continue
            key = string(target.slice)
            if key is not None:
                names.append(key)
                continue
            loop = loops.get(id(statement))
            keys = _literal_strings(loop.iter) if loop is not None and ast.unparse(loop.target) == ast.unparse(target.slice) else None
            if keys is None:
                over = f" in a loop over {ast.unparse(loop.iter)} (line {loop.lineno})" if loop is not None else f" (line {statement.lineno})"
                return (), f"globals()[...]{over}"
            names += keys
    return tuple(dict.fromkeys(names)), ""


def _own_nodes(statement: ast.stmt) -> list[ast.AST]:
    """The expressions of one statement, not those of the statements nested in it (they come
    on their own) nor of defs, classes and lambdas (they do not run at import)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [n for d in statement.decorator_list for n in ast.walk(d)]
    found: list[ast.AST] = []
    pending: list[ast.AST] = [c for c in ast.iter_child_nodes(statement) if not isinstance(c, (ast.stmt, ast.excepthandler, ast.match_case))]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            continue
        found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _is_globals(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "vars") and not node.args


def _literal_strings(node: ast.expr) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    keys = [string(element) for element in node.elts]
    return [k for k in keys if k is not None] if all(k is not None for k in keys) else None
