"""Stores into an attribute of something a module imported: the per-file fact behind "a copied
value whose source is stored into" of fix verification (``fix.copied_values``), computed (and
cached, through ``run.modules``) only for the files a verification asks about, never for the
whole project. The module summary carries only a package ``__init__``'s stores made at import
(``ModuleSummary.stored_into``, read from the statements the summary reads, for
``unresolved-import``), and only when such a statement assigns to an attribute.

``settings.py`` doing ``from pkg import config`` and ``config.MODE = "prod"`` changes
``pkg.config.MODE``, but not the copy ``pkg.old`` made by ``from pkg.config import MODE``
before: once something stores into the source, the copy and the source are two objects. Each
store is recorded as ``(object, attribute, line)``, the object named through the import that
binds the store's first name (``pkg.config`` for ``config.MODE`` after ``from pkg import
config``, or for ``pkg.config.MODE`` after ``import pkg.config``): any attribute target of an
assignment, however written (``X.a = ...``, ``X.a += ...``, ``X.a: T = ...``, ``del X.a``, ``b
= X.a = ...``, ``X.a, b = ...``, ``for X.a in ...``, ``with f() as X.a``, ``(X).a = ...``, after
``if c:`` or ``;``), ``setattr(X, "a", ...)``, ``delattr(X, "a")`` (``"*"`` for an attribute
named by anything but a string literal), and any use of the module's namespace ``vars(X)`` or
``X.__dict__`` that may change it (``project.namespace_uses``: ``X.__dict__["a"] = ...``,
``vars(X).update(...)`` store; passed to a call or handed on, it is recorded as such, never as a
store the line makes; a read is none), at module level or in a function, through an import anywhere in
the file (a name a def binds otherwise, a parameter say, is still taken for the import's: a
store too many, never one too few). ``X`` is a name an import binds, or one the file assigns
from such a name anywhere (``c2 = c``, ``m = pkg.config``), or from
``importlib.import_module("pkg.config")`` / ``__import__("pkg.config")`` with a literal name,
or ``sys.modules["pkg.config"]``; a name nothing binds, in a file that star-imports ``pkg``, is
taken for ``pkg``'s (``config.MODE = 1`` after ``from pkg import *``).

The file is parsed whole (CPython's ``ast``) and every node read: exact for every syntactic form,
where a line-start text test missed a store after ``if c:``, a ``;``, in a chained or tuple
target, or spelt apart. The text tests are the callers': ``fix.copied_values`` asks only about
the files that may store into an attribute of the name in question (``.MODE`` followed by ``=``,
``op=``, ``in``, ``,`` or ``:``, or after ``del``) or spell ``setattr``/``delattr``/``vars``/``__dict__``,
and spell the module's last name (``run.word_tests.stores_into``); a regular expression that told
stores here cost more than the parse (3.6 s against 2.7 s for Django's 512 such files). Not
followed: a parameter or a value handed around (``def f(m): m.MODE = 1`` called with
``config``), a module bound by ``import_module`` of a computed name.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ssot_lint.analysis.imports import dotted_name, resolve_relative
from ssot_lint.project.import_conditions import string_value
from ssot_lint.project.namespace_uses import ANY_ATTRIBUTE, namespace_use

if TYPE_CHECKING:
    from ssot_lint.kinds.base import FileContext

_BY_NAME = re.compile(r"import_module|__import__|\bmodules[ \t]*\[")
_ALIAS_ROUNDS = 5  # `c2 = c`, `c3 = c2`, ...: followed this deep


def attribute_stores(ctx: FileContext, body: Sequence[ast.stmt] | None = None) -> tuple[tuple[str, str, int], ...]:
    """``(object, attribute, line)`` for each store into an attribute of something an import of
    the file binds (see the module docstring); in ``body`` only, when given (the statements the
    module summary reads: ``ModuleSummary.stored_into``), else in the whole file."""
    imported: dict[str, set[str]] = {}  # each name an import binds, anywhere -> what it may stand for
    stars: list[str] = []  # the modules the file star-imports: a name no import binds may come from one
    for ref in ctx.imports():
        if ref.name == "*" and ref.module is not None:
            stars.append(ref.module)
        elif ref.bound is not None and ref.module is not None:
            # `from a import b` -> a.b, `import a.b as m` -> a.b, `import a.b` -> a
            imported.setdefault(ref.bound, set()).add(f"{ref.module}.{ref.name}" if ref.name is not None else ref.bound if ref.plain else ref.module)
    text = ctx.text
    if not stars and not imported and _BY_NAME.search(text) is None:
        return ()
    # One walk: the stores (each expression, the attribute or "*", the line) and the assignments
    # an alias may come from; what each expression stands for is worked out after.
    stores: list[tuple[ast.expr, str, int]] = []
    assigned: list[tuple[str, ast.expr]] = []
    namespaces: list[tuple[ast.expr, ast.expr]] = []  # `X.__dict__` / `vars(X)`, and X
    # What ``namespace_use`` reads around a use (each node's parent, the names the file binds: a
    # builtin it rebinds is no builtin) is gathered in the same walk: four more walks of the tree
    # cost as much as this one (verify25).
    parents: dict[int, ast.AST] = {}
    rebound: set[str] = set()
    tree = ctx.tree if body is None else ast.Module(body=list(body), type_ignores=[])
    for node in _walk(tree, parents):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                rebound.add(node.id)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            rebound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            rebound.update((a.asname or a.name).partition(".")[0] for a in node.names)
        if isinstance(node, ast.Attribute):
            if node.attr == "__dict__":
                namespaces.append((node, node.value))
            elif not isinstance(node.ctx, ast.Load):
                stores.append((node.value, node.attr, node.lineno))
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.args:
                if node.func.id in ("setattr", "delattr"):
                    name = node.args[1] if len(node.args) > 1 else None
                    attribute = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else ANY_ATTRIBUTE
                    stores.append((node.args[0], attribute, node.lineno))
                elif node.func.id == "vars" and len(node.args) == 1:
                    namespaces.append((node, node.args[0]))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assigned += ((t.id, node.value) for t in targets if isinstance(t, ast.Name))
    if namespaces:
        stores += [(obj, attribute, use.lineno) for use, obj in namespaces for attribute in namespace_use(use, parents, rebound)]
    if not stores:
        return ()
    bound = _aliases(assigned, imported, ctx)
    found = {(obj, attribute, line) for value, attribute, line in stores for obj in _objects(value, bound, stars)}
    return tuple(sorted(found, key=lambda store: (store[2], store[0], store[1])))


def _walk(tree: ast.AST, parents: dict[int, ast.AST]) -> Iterator[ast.AST]:
    """``ast.walk(tree)``, in its order (breadth first), recording each node's parent in
    ``parents`` (by ``id``) on the way: the children found as ``ast.iter_child_nodes`` finds
    them, without its two generators per node (the walk was most of this fact's cost)."""
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                parents[id(value)] = node
                todo.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        parents[id(item)] = node
                        todo.append(item)
        yield node


def _aliases(assigned: list[tuple[str, ast.expr]], imported: dict[str, set[str]], ctx: FileContext) -> dict[str, set[str]]:
    """``imported``, and the names the file assigns (``assigned``: each name and value) from one
    of them (``c2 = c``, ``m = pkg.config``) or from ``import_module``/``__import__`` of a literal
    name, anywhere in the file, each with what it may stand for (a name assigned several ways
    stands for each)."""
    bound = {name: set(objects) for name, objects in imported.items()}
    for name, value in assigned:
        by_name = _imported_by_name(value, ctx)
        if by_name:
            bound.setdefault(name, set()).update(by_name)
    for _ in range(_ALIAS_ROUNDS):
        grew = False
        for name, value in assigned:
            objects = set(_objects(value, bound)) - bound.get(name, set())
            if objects:
                bound.setdefault(name, set()).update(objects)
                grew = True
        if not grew:
            break
    return bound


def _imported_by_name(value: ast.expr, ctx: FileContext) -> list[str]:
    """The modules ``importlib.import_module("pkg.config")`` (``import_module(".config",
    __package__)`` resolved against the file's module) or ``__import__("pkg.config")`` (``pkg``,
    or ``pkg.config`` given a ``fromlist``: both) returns; [] for anything else."""
    if not (isinstance(value, ast.Call) and value.args):
        return []
    func = dotted_name(value.func)
    written = string_value(value.args[0])
    if func is None or written is None:
        return []
    last = func.rpartition(".")[2]
    if last == "import_module":
        level = len(written) - len(written.lstrip("."))
        if not level:
            return [written]
        module = ctx.ref.module
        resolved = resolve_relative(module, ctx.ref.is_package, level, written[level:] or None) if module else None
        return [resolved] if resolved else []
    if last == "__import__" and not written.startswith("."):
        return sorted({written.partition(".")[0], written})
    return []


def _objects(node: ast.expr, bound: dict[str, set[str]], stars: Sequence[str] = ()) -> list[str]:
    """The dotted names the expression ``node`` (``config``, ``pkg.config``, ``sys.modules["pkg.config"]``)
    may stand for through the imports and aliases (a name none binds: through each of ``stars``,
    the modules the file star-imports), [] when it does not start with such a name."""
    rest = ""
    if isinstance(node, ast.Attribute):
        chain: list[str] = []
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        rest = ".".join(reversed(chain))
    if isinstance(node, ast.Subscript) and dotted_name(node.value) in ("sys.modules", "modules"):
        key = string_value(node.slice)
        return [f"{key}.{rest}" if rest else key] if key else []
    if not isinstance(node, ast.Name):
        return []
    head = node.id
    bases = sorted(bound[head]) if head in bound else [f"{star}.{head}" for star in stars]
    return [f"{base}.{rest}" if rest else base for base in bases]
