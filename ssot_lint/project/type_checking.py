"""Which ``if`` tests are ``typing.TYPE_CHECKING`` (never true when the module runs), as the
module's own bindings leave its spellings: an import under one never runs."""

from __future__ import annotations

import ast
from collections.abc import Collection

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.analysis.syntax import NESTED


def type_checking_test(test: ast.expr, never_true: Collection[str]) -> bool | None:
    """For ``TYPE_CHECKING`` or its negation, spelt as one of ``never_true`` (the spellings of
    ``typing.TYPE_CHECKING`` the module has bound, see ``typing_spellings``): whether it is
    negated. None for any other test: a ``TYPE_CHECKING = True`` of the module's own runs."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    name = dotted_name(test.operand if negated else test)  # type: ignore[attr-defined]
    return negated if name is not None and name in never_true else None


def typing_spellings(never_true: set[str], bound: str, module: str | None = None, name: str | None = None) -> None:
    """Update ``never_true``, the spellings of a ``TYPE_CHECKING`` that is false when the module
    runs, as a module-level binding of ``bound`` leaves them: ``from typing import
    TYPE_CHECKING [as X]`` (or ``typing_extensions``) adds it, ``import typing [as t]`` adds
    ``typing.TYPE_CHECKING`` (``t.TYPE_CHECKING``); any other binding of the name (or of the
    first part of a spelling) drops them. ``TYPE_CHECKING = False`` is added by the caller."""
    if never_true:
        never_true.difference_update([s for s in never_true if s.partition(".")[0] == bound])
    if module in _TYPING and name == "TYPE_CHECKING":
        never_true.add(bound)
    elif module in _TYPING and name is None:
        never_true.add(f"{bound}.TYPE_CHECKING")


_TYPING = ("typing", "typing_extensions")


def star_rebinds(never_true: set[str], module: str | None) -> None:
    """Update ``never_true`` for ``from module import *`` at module level: it may bind any
    public name (the module's ``__all__`` or names are not known here), ``TYPE_CHECKING`` and
    ``typing`` among them, so every spelling whose first name is public is dropped; a star
    import of ``typing`` (or ``typing_extensions``) binds its own ``TYPE_CHECKING``, never true."""
    if never_true and module not in _TYPING:
        never_true.difference_update([s for s in never_true if not s.startswith("_")])


def class_shadows(body: list[ast.stmt], never_true: Collection[str]) -> list[ast.If]:
    """The ``if`` statements of a class body (``body``; in its blocks, not in its defs or nested
    classes) testing one of ``never_true``'s spellings, when the class body binds that
    spelling's first name anywhere (``TYPE_CHECKING = True`` in the class): the test reads the
    class's name, which may be true. Any binding counts, before or after the test."""
    heads = {s.partition(".")[0] for s in never_true}
    tests: list[ast.If] = []
    bound = False
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound |= node.name in heads
            continue
        fields = NESTED.get(type(node))
        if fields is None:  # a simple statement: every name it binds
            bound |= any(_binds(child, heads) for child in ast.walk(node))
            continue
        if isinstance(node, ast.If) and type_checking_test(node.test, never_true) is not None:
            tests.append(node)
        # A block's header: a `for` or `with` target, an `except ... as` name, a `case` pattern.
        header: list[ast.AST] = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else []
        header += [i.optional_vars for i in getattr(node, "items", ()) if i.optional_vars is not None]
        header += [node.pattern] if isinstance(node, ast.match_case) else []
        bound |= any(_binds(child, heads) for part in header for child in ast.walk(part))
        bound |= isinstance(node, ast.ExceptHandler) and node.name in heads
        for field in fields:
            pending += getattr(node, field)
    return tests if bound else []


def _binds(node: ast.AST, heads: set[str]) -> bool:
    """Whether ``node`` binds one of ``heads`` (an import, a star import, a name stored, a
    pattern's capture)."""
    if isinstance(node, ast.Name):
        return not isinstance(node.ctx, ast.Load) and node.id in heads
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any(a.name == "*" or (a.asname or a.name.partition(".")[0]) in heads for a in node.names)
    if isinstance(node, (ast.MatchAs, ast.MatchStar)):
        return node.name in heads
    return False
