"""Which binding a name refers to, by Python's scoping rules, so that an event bound to ``msg``
in one function is not shown the reads of another function's ``msg`` (review17b: Home
Assistant's ``insteon/api/aldb.py``, where each event was shown the escapes of five others).

A name used in a function, lambda, class body or comprehension refers to the scope that binds it
(an assignment, a parameter, ``for``, ``import``, ``def``, ``except ... as``, a ``match``
capture), looked up outward past class bodies, as Python does; ``global`` and ``nonlocal`` are
honoured. Decorators, defaults, annotations, class bases and a comprehension's first iterable
are evaluated in the enclosing scope. Read from CPython's tree; the names a scope binds are
read only for the scopes a name asked about is looked up in.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.ClassDef, *_FUNCTIONS, *_COMPREHENSIONS)


def bound_by(node: ast.AST) -> Iterable[str]:
    """The names ``node`` binds (where: ``Scopes``)."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return (node.id,)
    if isinstance(node, ast.arg):
        return (node.arg,)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, ast.alias):
        return ((node.asname or node.name).split(".")[0],)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        return (node.name,)
    if isinstance(node, ast.MatchMapping) and node.rest:
        return (node.rest,)
    return ()


def _outside(scope: ast.AST) -> Iterator[ast.AST]:
    """The parts of a scope's node evaluated in the enclosing scope."""
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield from scope.decorator_list
    if isinstance(scope, _FUNCTIONS):
        arguments = scope.args
        yield from (d for d in (*arguments.defaults, *arguments.kw_defaults) if d is not None)
        every = (*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs, arguments.kwarg)
        yield from (a.annotation for a in every if a is not None and a.annotation is not None)
        if not isinstance(scope, ast.Lambda) and scope.returns is not None:
            yield scope.returns
    elif isinstance(scope, ast.ClassDef):
        yield from (*scope.bases, *scope.keywords)
    elif isinstance(scope, _COMPREHENSIONS):
        yield scope.generators[0].iter
        # `:=` in a comprehension binds in the enclosing scope
        yield from (n.target for n in ast.walk(scope) if isinstance(n, ast.NamedExpr))


def _inside(scope: ast.AST) -> Iterator[ast.AST]:
    """The parts of a scope's node evaluated in the scope itself."""
    if isinstance(scope, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield from scope.body
    if isinstance(scope, _FUNCTIONS):
        arguments = scope.args
        yield from (a for a in (*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs, arguments.kwarg) if a is not None)
    if isinstance(scope, ast.Lambda):
        yield scope.body
    elif isinstance(scope, _COMPREHENSIONS):
        yield from (scope.key, scope.value) if isinstance(scope, ast.DictComp) else (scope.elt,)
        for index, generator in enumerate(scope.generators):
            yield generator.target
            yield from generator.ifs
            if index:
                yield generator.iter


class Scopes:
    """The scopes of one file (``parent``: each node's parent) and the names each binds."""

    def __init__(self, tree: ast.Module, parent: dict[ast.AST, ast.AST]) -> None:
        self.tree = tree
        self.parent = parent
        self._names: dict[ast.AST, tuple[set[str], set[str], set[str]]] = {}  # bound, global, nonlocal

    def _declared(self, scope: ast.AST) -> tuple[set[str], set[str], set[str]]:
        """The names ``scope`` binds, declares ``global`` and declares ``nonlocal``."""
        if scope not in self._names:
            bound: set[str] = set()
            declared: tuple[set[str], set[str]] = (set(), set())
            pending = list(_inside(scope))
            while pending:
                node = pending.pop()
                if isinstance(node, ast.NamedExpr) and isinstance(scope, _COMPREHENSIONS):
                    pending.append(node.value)  # its target is bound outside (``_outside``)
                    continue
                bound.update(bound_by(node))
                if isinstance(node, (ast.Global, ast.Nonlocal)):
                    declared[isinstance(node, ast.Nonlocal)].update(node.names)
                pending.extend(_outside(node) if isinstance(node, _SCOPES) else ast.iter_child_nodes(node))
            self._names[scope] = (bound, *declared)
        return self._names[scope]

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The innermost scope ``node`` is evaluated in."""
        child, inner = node, node
        current = self.parent.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child in current.body:
                return current
            if isinstance(current, _FUNCTIONS) and isinstance(node, ast.arg) and child is current.args:
                return current  # a parameter (its annotation and default are not: ``_outside``)
            if isinstance(current, ast.Lambda) and child is current.body:
                return current
            if isinstance(current, _COMPREHENSIONS) and not (child is current.generators[0] and inner is current.generators[0].iter):
                return current
            child, inner, current = current, child, self.parent.get(current)
        return self.tree

    def binding(self, name: ast.Name) -> ast.AST:
        """The scope whose binding of ``name`` the name refers to (the module's when none binds it)."""
        scope = self.scope_of(name)
        if isinstance(self.parent.get(name), ast.NamedExpr):  # `:=` binds outside comprehensions
            while isinstance(scope, _COMPREHENSIONS):
                scope = self.scope_of(scope)
        while not isinstance(scope, ast.Module):
            bound, declared_global, declared_nonlocal = self._declared(scope)
            if name.id in declared_global:
                return self.tree
            if name.id in bound and name.id not in declared_nonlocal:
                return scope
            scope = self.scope_of(scope)
            while isinstance(scope, ast.ClassDef):  # a class body's names are not seen from the scopes it encloses
                scope = self.scope_of(scope)
        return scope
