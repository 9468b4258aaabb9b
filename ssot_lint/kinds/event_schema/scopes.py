"""Which binding a name refers to, by Python's scoping rules, so that an event bound to ``msg``
in one function is not shown the reads of another function's ``msg`` (review17b: Home
Assistant's ``insteon/api/aldb.py``, where each event was shown the escapes of five others).

A name used in a function, lambda, class body or comprehension refers to the scope that binds it
(an assignment, a parameter, ``for``, ``import``, ``def``, ``except ... as``, a ``match``
capture), looked up outward past class bodies, as Python does; ``global`` and ``nonlocal`` are
honoured. Decorators, defaults, annotations, class bases and a comprehension's first iterable
are evaluated in the enclosing scope. Read from CPython's tree.
"""

from __future__ import annotations

import ast

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.Module, ast.ClassDef, *_FUNCTIONS, *_COMPREHENSIONS)


def parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


class Scopes:
    """The scopes of one file and the names each binds."""

    def __init__(self, tree: ast.AST, parent: dict[ast.AST, ast.AST]) -> None:
        self.tree = tree
        self.parent = parent
        self._bound: dict[ast.AST, set[str]] = {}
        self._global: dict[ast.AST, set[str]] = {}
        self._nonlocal: dict[ast.AST, set[str]] = {}
        for node in ast.walk(tree):
            for name, scope in self._binds(node):
                self._bound.setdefault(scope, set()).add(name)
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                declared = self._global if isinstance(node, ast.Global) else self._nonlocal
                declared.setdefault(self.scope_of(node), set()).update(node.names)

    def _binds(self, node: ast.AST) -> list[tuple[str, ast.AST]]:
        """The names ``node`` binds, each with the scope it binds it in."""
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            scope = self.scope_of(node)
            if isinstance(self.parent.get(node), ast.NamedExpr):  # `:=` binds outside comprehensions
                while isinstance(scope, _COMPREHENSIONS):
                    scope = self.scope_of(scope)
            return [(node.id, scope)]
        if isinstance(node, ast.arg):
            return [(node.arg, self.parent[self.parent[node]])]  # arg -> arguments -> the function
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [(node.name, self.scope_of(node))]
        if isinstance(node, ast.alias):
            return [((node.asname or node.name).split(".")[0], self.scope_of(node))]
        if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            return [(node.name, self.scope_of(node))]
        if isinstance(node, ast.MatchMapping) and node.rest:
            return [(node.rest, self.scope_of(node))]
        return []

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The innermost scope ``node`` is evaluated in."""
        child, inner = node, node
        current = self.parent.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child in current.body:
                return current
            if isinstance(current, ast.Lambda) and child is current.body:
                return current
            if isinstance(current, _COMPREHENSIONS) and not (child is current.generators[0] and inner is current.generators[0].iter):
                return current
            if isinstance(current, ast.Module):
                return current
            child, inner, current = current, child, self.parent.get(current)
        return self.tree

    def binding(self, name: ast.Name) -> ast.AST:
        """The scope whose binding of ``name`` the name refers to (the module's when none binds it)."""
        scope = self.scope_of(name)
        while not isinstance(scope, ast.Module):
            if name.id in self._global.get(scope, ()):
                return self.tree
            if name.id not in self._nonlocal.get(scope, ()) and name.id in self._bound.get(scope, ()):
                return scope
            scope = self.scope_of(scope)
            while isinstance(scope, ast.ClassDef):  # a class body's names are not seen from the scopes it encloses
                scope = self.scope_of(scope)
        return scope
