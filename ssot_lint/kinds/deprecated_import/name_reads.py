"""How a file reads the name an import binds, as ``check`` sees it on CPython's ``ast``: the
dotted chains written through it (``name.a.b``), those read no further, and whether it is used
whole (as a value, a call, a target, a parameter, a def). Each answer depends only on the file
and the name, and is worked out once per file (``FileContext.memo``): a file of N imports
binding one name (``import pkg.a``, ``import pkg.b`` both bind ``pkg``) asks N times, and each
time the name's every use in the file is walked. The nodes every question looks at are found
in one walk per file and name (``near``), doctests' strings too (``string_reads``)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TypeVar

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.kinds.base import FileContext

T = TypeVar("T")


def per_name(ctx: FileContext, what: str, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for ``what`` of ``name`` in ``ctx``'s file, once per file."""
    key = f"deprecated-import {what} {name}"
    if key not in ctx.memo:
        ctx.memo[key] = compute()
    found: T = ctx.memo[key]
    return found


def chains(ctx: FileContext, name: str) -> frozenset[str]:
    """The dotted chains ``name.a.b`` written in the file."""
    return per_name(ctx, "chains", name, lambda: _chains(ctx, name))


def _chains(ctx: FileContext, name: str) -> frozenset[str]:
    if not name:
        return frozenset()
    written = (dotted_name(node) for node in near(ctx, name) if isinstance(node, ast.Attribute))
    return frozenset(w for w in written if w is not None and w.split(".")[0] == name)


def whole_chains(ctx: FileContext, name: str) -> frozenset[str]:
    """The dotted chains ``name.a.b`` written in the file that are not read further (no ``.c``
    after them): ``old.mod`` in ``x = old.mod``, not in ``old.mod.X``."""
    return per_name(ctx, "whole chains", name, lambda: _whole_chains(ctx, name))


def _whole_chains(ctx: FileContext, name: str) -> frozenset[str]:
    if not name:
        return frozenset()
    nodes = [node for node in near(ctx, name) if isinstance(node, ast.Attribute)]
    inner = {id(node.value) for node in nodes}
    written = (dotted_name(node) for node in nodes if id(node) not in inner)
    return frozenset(w for w in written if w is not None and w.split(".")[0] == name)


def used_whole(ctx: FileContext, name: str) -> bool:
    """Whether ``name`` is written other than as the head of ``name.attr`` (as a value, a call,
    a target, a parameter, a def), as the fix's survey of the file sees it."""
    return per_name(ctx, "used whole", name, lambda: _used_whole(ctx, name))


def _used_whole(ctx: FileContext, name: str) -> bool:
    if not name:
        return False
    nodes = near(ctx, name)
    heads = {id(node.value) for node in nodes if isinstance(node, ast.Attribute)}
    for node in nodes:
        if (isinstance(node, ast.Name) and node.id == name and id(node) not in heads) or (isinstance(node, ast.arg) and node.arg == name):
            return True
    if any(getattr(node, "name", None) == name for node in nodes if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler))):
        return True
    return any(name in node.names for node in nodes if isinstance(node, (ast.Global, ast.Nonlocal)))


# The nodes the questions about a name look at: attributes (chains), names, parameters,
# definitions, ``global`` and ``nonlocal`` (used whole), constants (doctests).
_NEAR = (ast.Attribute, ast.Name, ast.arg, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler, ast.Global, ast.Nonlocal, ast.Constant)


def near(ctx: FileContext, name: str) -> list[ast.AST]:
    """The nodes of the kinds the questions about ``name`` look at in the statements that spell
    it, in source order: one walk per file and name for all of them (a walk per question and
    kind of node cost a file of thousands of imports binding one name seconds)."""
    return per_name(ctx, "nodes near", name, lambda: [node for node, _ in ctx.nodes_near(_NEAR, [name])])
