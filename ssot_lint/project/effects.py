"""Whether a module-level statement does more, when the module is imported, than bind names of
its own module: what fix verification asks of a module a rewrite would stop importing
(``ModuleSummary.effects``, ``fix.import_runs.ImportRuns.imports_less``)."""

from __future__ import annotations

import ast

from ssot_lint.analysis.imports import dotted_name

_QUIET_CALLS = frozenset(("__all__.extend", "__all__.append", "__all__.remove"))


def _quiet_call(func: str | None) -> bool:
    """A module-level call that only warns or keeps ``__all__``: ``warnings.warn``, and a
    project's own deprecation helper named for it (SymPy's ``sympy_deprecation_warning``)."""
    if func is None:
        return False
    last = func.rpartition(".")[2].lower()
    # `filterwarnings` and `simplefilter` change how every later warning is handled: not quiet.
    return func in _QUIET_CALLS or last == "warn" or last.endswith("warning") or ("deprecat" in last and "filter" not in last)


# Decorators that only build the thing they decorate: anything else may register it somewhere
# (a plugin table, a URL map, a signal), which stops happening when the module is not imported.
_PURE_DECORATORS = frozenset(
    ("dataclass", "property", "staticmethod", "classmethod", "cached_property", "cache", "lru_cache", "wraps", "total_ordering", "overload", "final")
    + ("override", "deprecated", "unique", "runtime_checkable", "contextmanager", "asynccontextmanager", "singledispatch", "abstractmethod")
)


def _pure_decorator(decorator: ast.expr) -> bool:
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = dotted_name(func)
    return name is not None and name.rpartition(".")[2] in _PURE_DECORATORS


_BUILT = (ast.Call, ast.List, ast.Dict, ast.Set, ast.Subscript, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def _builds(value: ast.expr) -> bool:
    """Whether a value may run code: it holds a call, a display or a subscript, or is ``...``,
    which is what the outline leaves of such a value (``analysis.outline``), so that the
    outline's summary and the whole tree's agree."""
    if isinstance(value, ast.Constant) and value.value is Ellipsis:
        return True
    return any(isinstance(node, _BUILT) for node in ast.walk(value))


def has_effects(node: ast.AST) -> bool:
    """Whether a module-level statement (not a block: its children are walked on their own)
    does more than bind names of its own module (see ``ModuleSummary.effects``): a call that is
    no warning, an assignment to an attribute or item, a value built by a call or a display (but
    a dunder's, such as ``__all__``), a decorator that may register what it decorates, a class
    with a base or a metaclass (``__init_subclass__`` may register it)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if not all(_pure_decorator(d) for d in node.decorator_list):
            return True
        # A base class's __init_subclass__ or metaclass may register the class; its body (which
        # the outline leaves out) may call anything.
        return isinstance(node, ast.ClassDef) and bool(node.bases or node.keywords)
    if isinstance(node, ast.Raise):
        return True  # importing the module fails, or fails on some path
    if isinstance(node, ast.Expr):
        value = node.value
        if isinstance(value, ast.Constant):
            return False  # a docstring, or a string standing alone
        return not (isinstance(value, ast.Call) and _quiet_call(dotted_name(value.func)))
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _builds(node.value):
        bound = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not all(isinstance(t, ast.Name) and t.id.startswith("__") and t.id.endswith("__") for t in bound):
            return True
    targets: list[ast.expr] = []
    if isinstance(node, (ast.Assign, ast.Delete)):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and (not isinstance(node, ast.AnnAssign) or node.value is not None):
        targets = [node.target]
    while targets:
        target = targets.pop()
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            return True
        if isinstance(target, (ast.Tuple, ast.List)):
            targets += target.elts
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
    return False
