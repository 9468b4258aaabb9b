"""What a use of a module's namespace (``X.__dict__``, ``vars(X)``) may do to the module's names,
for ``project.attribute_stores``: a read cannot change them, a write stores into them, and the
namespace handed to code this file does not show may do either.

- a read: ``X.__dict__[k]``, ``.get(k)``, ``.keys()`` and the like, ``k in X.__dict__``,
  iterating it, ``**X.__dict__``, or passing it to a builtin that only reads (``dict(vars(X))``,
  ``len``, ``sorted`` ...) that the file does not rebind: none of them changes the module;
- a write: ``X.__dict__["MODE"] = ...``, ``del vars(X)["MODE"]``, ``.update(MODE=...)``,
  ``.pop("MODE")``, ``.setdefault`` ...: a store into the name the literal key spells, or into
  any name (``ANY_ATTRIBUTE``) when no literal says which;
- passed to any other call (SQLAlchemy's ``util.immutabledict(sqlalchemy.__dict__)``): the
  callee may change any name (``PASSED``), which is not a store the line makes;
- anything else (``d = X.__dict__``, ``return vars(X)``, ``X.__dict__.other``): handed on, and
  what is done with it cannot be told (``HANDED``).
"""

from __future__ import annotations

import ast

from ssot_lint.project.import_conditions import string_value

ANY_ATTRIBUTE = "*"  # `setattr(X, name, ...)`, `X.__dict__.update(d)`: which attribute cannot be told
# How a namespace went where the file no longer shows what is done with it, recorded in place of
# the attribute as "<marker>:<spelling>" (`__dict__` or `vars`), so that a reason says what the
# line does (``described``) rather than claim a store it does not make.
PASSED, HANDED = "*passed", "*handed"

_READING_METHODS = frozenset({"get", "keys", "values", "items", "copy", "__contains__", "__getitem__", "__len__", "__iter__"})
_WRITING_METHODS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})
_READING_BUILTINS = frozenset({"dict", "list", "tuple", "set", "frozenset", "sorted", "len", "iter", "repr", "str", "bool", "id", "print"})


def namespace_use(node: ast.expr, parents: dict[int, ast.AST], rebound: set[str]) -> list[str]:
    """The attributes a use ``node`` (``X.__dict__`` or ``vars(X)``) of a module's namespace may
    change, or how it hands the namespace on (``PASSED``/``HANDED`` with its spelling); [] for a
    read. ``parents``: each node's parent; ``rebound``: the names the file binds (a builtin it
    rebinds is no builtin)."""
    spelling = "vars" if isinstance(node, ast.Call) else "__dict__"
    parent = parents.get(id(node))
    if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
        return [ANY_ATTRIBUTE]  # `X.__dict__ = {...}` (never seen, but a write)
    if isinstance(parent, ast.Subscript) and parent.value is node:
        if isinstance(parent.ctx, ast.Load):
            return []
        return [string_value(parent.slice) or ANY_ATTRIBUTE]
    if isinstance(parent, ast.Attribute) and parent.value is node:
        call = parents.get(id(parent))
        called = isinstance(call, ast.Call) and call.func is parent
        if called and parent.attr in _READING_METHODS:
            return []
        if called and parent.attr in _WRITING_METHODS:
            assert isinstance(call, ast.Call)
            return _written_keys(parent.attr, call)
        return [f"{HANDED}:{spelling}"]
    if isinstance(parent, (ast.Compare, ast.comprehension, ast.For, ast.AsyncFor, ast.Starred)):
        return []  # `k in X.__dict__`, iterated, `*vars(X)`: read
    if isinstance(parent, ast.Dict) and any(key is None and value is node for key, value in zip(parent.keys, parent.values)):
        return []  # `{**X.__dict__}`: copied
    if isinstance(parent, ast.keyword):
        call = parents.get(id(parent))
        if parent.arg is None:
            return []  # `f(**X.__dict__)`: copied into the call's own keywords
        return [f"{PASSED}:{spelling}"] if isinstance(call, ast.Call) else [f"{HANDED}:{spelling}"]
    if isinstance(parent, ast.Call) and node in parent.args:
        reads = isinstance(parent.func, ast.Name) and parent.func.id in _READING_BUILTINS and parent.func.id not in rebound
        return [] if reads else [f"{PASSED}:{spelling}"]
    return [f"{HANDED}:{spelling}"]


def _written_keys(method: str, call: ast.Call) -> list[str]:
    """The names a writing method call changes: the literal keys it names, else any."""
    if method == "update" and not call.args and call.keywords and all(k.arg is not None for k in call.keywords):
        return [k.arg for k in call.keywords if k.arg is not None]  # `.update(MODE=...)`
    if method in ("setdefault", "pop", "__setitem__", "__delitem__") and call.args and (key := string_value(call.args[0])) is not None:
        return [key]
    return [ANY_ATTRIBUTE]


def described(module: str, attribute: str) -> str | None:
    """What a recorded namespace use of ``module`` does, for a reason (``passes pkg.__dict__ to
    a call``); None when ``attribute`` is a store's (a name, or ``ANY_ATTRIBUTE``)."""
    marker, _, spelling = attribute.partition(":")
    if marker not in (PASSED, HANDED):
        return None
    spelt = f"vars({module})" if spelling == "vars" else f"{module}.__dict__"
    return f"passes {spelt} to a call" if marker == PASSED else f"hands {spelt} on"
