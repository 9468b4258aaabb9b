"""Names a module's functions rebind after import, through ``global`` (``ModuleSummary.rebinds``).

``def configure(): global DEBUG; DEBUG = True`` rebinds the module's ``DEBUG`` whenever it is
called: a module that copied ``DEBUG`` by ``from settings import DEBUG`` before then keeps the old
object, so reading the name from the one module or the other is not the same. Read from the
bodies of defs and classes, which the outline keeps whole when they hold ``global``
(``analysis.outline``): the outline's summary and the whole tree's agree.
"""

from __future__ import annotations

import ast

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
