"""How a file reads the name an import binds, as ``check`` sees it on CPython's ``ast``: the
dotted chains written through it (``name.a.b``), those read no further, and whether it is used
whole (as a value, a call, a target, a parameter, a def). Each answer depends only on the file
and the name, and is worked out once per file (``FileContext.memo``): a file of N imports
binding one name (``import pkg.a``, ``import pkg.b`` both bind ``pkg``) asks N times, and each
time the name's every use in the file is walked."""

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
    written = (dotted_name(node) for node, _ in ctx.nodes_near(ast.Attribute, [name]))
    return frozenset(w for w in written if w is not None and w.split(".")[0] == name)


def whole_chains(ctx: FileContext, name: str) -> frozenset[str]:
    """The dotted chains ``name.a.b`` written in the file that are not read further (no ``.c``
    after them): ``old.mod`` in ``x = old.mod``, not in ``old.mod.X``."""
    return per_name(ctx, "whole chains", name, lambda: _whole_chains(ctx, name))


def _whole_chains(ctx: FileContext, name: str) -> frozenset[str]:
    if not name:
        return frozenset()
    nodes = [node for node, _ in ctx.nodes_near(ast.Attribute, [name])]
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
    heads = {id(node.value) for node, _ in ctx.nodes_near(ast.Attribute, [name])}
    for node, _ in ctx.nodes_near((ast.Name, ast.arg), [name]):
        if (isinstance(node, ast.Name) and node.id == name and id(node) not in heads) or (isinstance(node, ast.arg) and node.arg == name):
            return True
    defined: list[tuple[ast.AST, int]] = [*ctx.nodes_near(ast.FunctionDef, [name]), *ctx.nodes_near(ast.AsyncFunctionDef, [name])]
    defined += [*ctx.nodes_near(ast.ClassDef, [name]), *ctx.nodes_near(ast.ExceptHandler, [name])]
    if any(getattr(node, "name", None) == name for node, _ in defined):
        return True
    return any(name in node.names for node, _ in ctx.nodes_near((ast.Global, ast.Nonlocal), [name]))
