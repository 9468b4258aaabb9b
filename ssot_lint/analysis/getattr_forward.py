"""Where a module's PEP 562 ``__getattr__`` forwards every name it is asked for: the module whose
attribute it returns (NumPy 2's ``numpy/core/*.py`` shims: ``from numpy._core import numeric``,
``ret = getattr(numeric, attr_name, None)``, ``if ret is None: raise AttributeError(...)``, a
warning, ``return ret``). ``from old import X``, for an ``X`` the module does not bind itself,
is then the object ``new.X`` is, which fix verification can follow (``fix.name_lookup``).
"""

from __future__ import annotations

import ast

from ssot_lint.analysis.imports import binding, imported_names
from ssot_lint.model import FileRef


def forwarded_to(hook: ast.FunctionDef | ast.AsyncFunctionDef, ref: FileRef, imports: list[tuple[str | None, str | None, str | None]]) -> str:
    """The dotted name of what ``hook`` (in the module ``ref``) returns the attribute of, for
    every name it does not turn away with an exception ("" when it does not forward every name
    so). Read in order: the hook's imports (``imports``: the module's, as ``(bound, module,
    name)``, for a name the hook does not import), simple assignments, ``found = getattr(new, name[, default])`` (alone in a ``try``
    whose only handler re-raises ``AttributeError`` too), a guard ``if <test of found>: raise``,
    calls (a warning), and ``return found``. Anything else (a test of the name, a loop, another
    return) is not read: the hook may return something else for some names."""
    if isinstance(hook, ast.AsyncFunctionDef) or not hook.args.args:
        return ""
    param = hook.args.args[0].arg
    module, is_package = ref.module, ref.is_package
    module_bound = {bound: binding(bound, imported, name) for bound, imported, name in imports if bound is not None and imported is not None and name != "*"}
    local: dict[str, str] = {}
    found, source = "", ""
    for statement in hook.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for imported, name, bound, alias in imported_names(statement, module, is_package):
                if bound is not None and imported is not None:  # (``import a.b`` binds ``a``)
                    local[bound] = (imported if alias.asname else bound) if name is None else f"{imported}.{name}"
            continue
        if isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr) and isinstance(statement.value, (ast.Constant, ast.Call))):
            continue  # a docstring, a warning
        if isinstance(statement, ast.Try) and not found and reraises(statement):
            statement = statement.body[0]
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            target = statement.targets[0].id
            if target == found or target == param:
                return ""  # the result (or the name) bound again
            read = getattr_of(statement.value, param) if not found else None
            if read is not None:
                found, source = target, local.get(read) or module_bound.get(read, "")
                if not source:
                    return ""
            continue
        if isinstance(statement, ast.If) and found and not statement.orelse and isinstance(statement.body[-1], ast.Raise):
            if any(isinstance(node, ast.Name) and node.id == found for node in ast.walk(statement.test)):
                continue  # the guard that the name was found
            return ""
        if isinstance(statement, ast.Return) and found:
            return source if isinstance(statement.value, ast.Name) and statement.value.id == found else ""
        return ""
    return ""


def getattr_of(value: ast.expr, param: str) -> str | None:
    """The local name ``value`` reads ``param`` from when it is ``getattr(name, param[, default])``."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "getattr" and len(value.args) in (2, 3)):
        return None
    source, name = value.args[:2]
    if value.keywords or not (isinstance(name, ast.Name) and name.id == param and isinstance(source, ast.Name)):
        return None
    return source.id


def reraises(statement: ast.Try) -> bool:
    """``try: <one statement> except AttributeError: ... raise`` (the name was not found)."""
    handlers = statement.handlers
    return (
        len(statement.body) == 1
        and not statement.orelse
        and not statement.finalbody
        and len(handlers) == 1
        and handlers[0].type is not None
        and ast.unparse(handlers[0].type) == "AttributeError"
        and isinstance(handlers[0].body[-1], ast.Raise)
    )
