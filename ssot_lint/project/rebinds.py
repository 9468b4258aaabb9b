"""Names a module's functions rebind after import, through ``global`` (``ModuleSummary.rebinds``),
and a module that writes to its own namespace as a mapping or an object.

``def configure(): global DEBUG; DEBUG = True`` rebinds the module's ``DEBUG`` whenever it is
called: a module that copied ``DEBUG`` by ``from settings import DEBUG`` before then keeps the old
object, so reading the name from the one module or the other is not the same. Read from the
bodies of defs and classes, which the outline keeps whole when they hold ``global``
(``analysis.outline``): the outline's summary and the whole tree's agree.

``globals()["X"] = ...``, ``globals().update(...)``, ``vars().update(...)`` at module level,
``setattr(sys.modules[__name__], "X", ...)`` bind names no statement spells: a module that does
so (anywhere in it, on import or when a function of it runs) cannot vouch for any of its names,
and says so with the name ``*`` (``namespace_writes``). Read from the statements whose lines
spell ``globals(``, ``vars(`` or ``modules[``, parsed alone (``FileContext.statements_near``): the
same for the outline's summary and the whole tree's.
"""

from __future__ import annotations

import ast
from bisect import bisect_left

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def global_rebinds(body: list[ast.stmt], text: str, line_starts: list[int]) -> tuple[tuple[str, str, bool], ...]:
    """``(name, "in f() (global)", True)`` for each name a def or class body (at any depth)
    declares ``global`` and binds (assigns, deletes, imports, defines, catches as), once per
    name (an outer scope's before those nested in it); dunders left out. Only the defs and
    classes whose lines (``line_starts`` of ``text``) spell ``global`` are read."""
    found: dict[str, str] = {}
    pending: list[tuple[ast.AST, str]] = [(node, "") for node in reversed(body)]
    while pending:
        node, outer = pending.pop()
        if isinstance(node, _SCOPES) and not _spells_global(node, text, line_starts):
            continue
        if not isinstance(node, _SCOPES):
            pending += ((child, outer) for child in reversed(list(ast.iter_child_nodes(node))) if isinstance(child, ast.stmt))
            continue
        name = f"{outer}.{node.name}" if outer else node.name
        own, nested = _scope(node)
        declared = {n for statement in own if isinstance(statement, ast.Global) for n in statement.names}
        if declared:
            where = f"in {name}()" if not isinstance(node, ast.ClassDef) else f"in class {name}"
            for bound in _bound(own):
                if bound in declared and bound not in found and not (bound.startswith("__") and bound.endswith("__")):
                    found[bound] = f"{where} (global)"
        pending += ((child, name) for child in reversed(nested))
    return tuple((name, where, True) for name, where in found.items())


def _spells_global(node: ast.AST, text: str, line_starts: list[int]) -> bool:
    first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
    return text.find("global", line_starts[first - 1], line_starts[last] if last < len(line_starts) else len(text)) >= 0


def _scope(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    """The nodes of ``node``'s own scope (its body, not nested defs' and classes' bodies, nor
    lambdas'), and the defs and classes nested in it."""
    own: list[ast.AST] = []
    nested: list[ast.AST] = []
    pending = list(getattr(node, "body", []))
    while pending:
        child = pending.pop()
        if isinstance(child, _SCOPES):
            own.append(child)  # its name is bound in this scope; its decorators run here too
            nested.append(child)
            continue
        own.append(child)
        if not isinstance(child, ast.Lambda):
            pending += ast.iter_child_nodes(child)
    nested.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
    return own, nested


def _bound(nodes: list[ast.AST]) -> list[str]:
    """The names the nodes of a scope bind or unbind."""
    names: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.append(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += (alias.asname or alias.name.partition(".")[0] for alias in node.names if alias.name != "*")
        elif isinstance(node, _SCOPES):
            names.append(node.name)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name is not None:
            names.append(node.name)
    return names


# What a namespace read through ``globals()`` (or module-level ``vars()``) may call and stay a read.
_READS = frozenset(("get", "keys", "values", "items", "copy", "__contains__", "__getitem__"))
WORDS = ("globals(", "vars(", "modules[")  # what a namespace write spells (see ``namespace_writes``)
ANY_NAME = "*"  # the rebinding of every name: the module writes to its namespace as a mapping


def namespace_writes(statements: list[ast.stmt], lines: list[int]) -> tuple[tuple[str, str, bool], ...]:
    """``("*", "writes to its own namespace through globals() at line 7", False)`` when one of
    ``statements`` (the module's top-level statements spelling ``WORDS`` on ``lines``, sorted;
    only what spans one of them is read) may write to the module's namespace other than by a
    statement binding a name: ``globals()`` (or ``vars()`` outside a def or class) stored into,
    updated, or passed on; ``sys.modules[__name__]`` used other than by ``getattr``/``hasattr``.
    Reads (``globals()["x"]``, ``globals().get``) are none."""
    pending: list[tuple[ast.AST, ast.AST | None, bool]] = [(statement, None, False) for statement in reversed(statements)]
    while pending:
        node, parent, scoped = pending.pop()
        first = getattr(node, "lineno", None)
        if first is not None:
            decorators = getattr(node, "decorator_list", None)
            first = decorators[0].lineno if decorators else first  # they come before the def
            at = bisect_left(lines, first)
            if at == len(lines) or lines[at] > node.end_lineno:  # type: ignore[attr-defined]
                continue  # spans no line that spells a word
        what = _namespace(node, scoped)
        if what is not None and _writes(node, parent):
            return ((ANY_NAME, f"writes to its own namespace through {what} at line {first}", False),)
        inner = scoped or isinstance(node, (*_SCOPES, ast.Lambda))
        pending += ((child, node, inner) for child in reversed(list(ast.iter_child_nodes(node))))
    return ()


def _namespace(node: ast.AST, scoped: bool) -> str | None:
    """How ``node`` spells the module's namespace (``globals()``, ``vars()`` outside a scope,
    ``sys.modules[__name__]``), None when it does not."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args and not node.keywords:
        if node.func.id == "globals" or (node.func.id == "vars" and not scoped):
            return f"{node.func.id}()"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and node.slice.id == "__name__":
        value = node.value
        if (isinstance(value, ast.Attribute) and value.attr == "modules") or (isinstance(value, ast.Name) and value.id == "modules"):
            return "sys.modules[__name__]"
    return None


def _writes(node: ast.AST, parent: ast.AST | None) -> bool:
    """Whether the namespace ``node`` spells is written to (or handed on) where it is used."""
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return not isinstance(parent.ctx, ast.Load)
    if isinstance(parent, ast.Attribute) and parent.value is node:
        if not isinstance(parent.ctx, ast.Load):
            return True  # `sys.modules[__name__].X = ...`
        # `sys.modules[__name__].X` reads X (its `__dict__` may be written to); `globals().get` reads.
        return parent.attr == "__dict__" if isinstance(node, ast.Subscript) else parent.attr not in _READS
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node and isinstance(parent.func, ast.Name):
        return parent.func.id not in ("getattr", "hasattr")
    if isinstance(parent, ast.Compare):
        return False  # `"x" in globals()`
    return True  # bound to a name, passed to a call, returned: anything may be done with it
