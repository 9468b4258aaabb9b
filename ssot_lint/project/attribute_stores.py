"""Stores into an attribute of something a module imported: the per-file fact behind "a copied
value whose source is stored into" of fix verification (``fix.copied_values``), computed (and
cached, through ``run.modules``) only for the files a verification asks about, never for the
whole project: no module summary carries it.

``settings.py`` doing ``from pkg import config`` and ``config.MODE = "prod"`` changes
``pkg.config.MODE``, but not the copy ``pkg.old`` made by ``from pkg.config import MODE``
before: once something stores into the source, the copy and the source are two objects. Each
store is recorded as ``(object, attribute, line)``, the object named through the import that
binds the store's first name (``pkg.config`` for ``config.MODE`` after ``from pkg import
config``, or for ``pkg.config.MODE`` after ``import pkg.config``): ``X.a = ...``, ``X.a += ...``,
``X.a: T = ...``, ``del X.a``, ``setattr(X, "a", ...)``, ``delattr(X, "a")`` (``"*"`` for an
attribute named by anything but a string literal), and any use of the module's namespace
``vars(X)`` or ``X.__dict__`` (``"*"``: ``X.__dict__["a"] = ...``, ``vars(X).update(...)``; a read
too, a store too many, never one too few), at module level or in a function, through an
import anywhere in the file (a name a def binds otherwise, a parameter say, is still taken for the
import's: a store too many, never one too few).

Stores are looked for by text first: a line that starts with such a statement whose first name
an import binds (one regular expression over the file), or that spells ``setattr(`` /
``delattr(`` / ``vars(`` with an imported name first, or an imported name's ``.__dict__``; only the top-level statements spanning those lines are
parsed (``FileContext.statements_on``), and only nodes starting on them are read (the same
whether the file was parsed whole or not); a file with no such line (most files: ``self.x = ...``
is no imported name's) costs that one pass. A store the text test does not see is not recorded,
a documented gap: one not starting its line (``if c: config.MODE = 1``, after ``;``, in a
chained or tuple assignment, ``for config.MODE in ...``), or spelt apart (``(config).MODE``,
``config . MODE`` over two lines).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from ssot_lint.analysis.imports import dotted_name

if TYPE_CHECKING:
    from ssot_lint.kinds.base import FileContext

ANY_ATTRIBUTE = "*"  # `setattr(X, name, ...)`: which attribute cannot be told
# A statement starting a line that stores into (or deletes) an attribute chain: `a.b = `,
# `a.b += `, `a.b: T = `, `del a.b`; the first name is checked against the imports after.
_STORE = re.compile(
    r"^[ \t]*(?:del[ \t(]+([A-Za-z_]\w*)[ \t]*\.|([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+[ \t]*"
    r"(?:(?:[-+*/%@&|^]|//|\*\*|<<|>>)?=(?!=)|:[^=\n]*=(?!=)))",
    re.MULTILINE,
)
_CALL = re.compile(r"(?<![\w.])(?:set|del)attr\([ \t]*([A-Za-z_]\w*)")
# The module's namespace itself (review8): `vars(config)`, `config.__dict__` (or `pkg.config.__dict__`).
_NAMESPACE = re.compile(r"(?<![\w.])vars\([ \t]*([A-Za-z_]\w*)|(?<![\w.])([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*[ \t]*\.[ \t]*__dict__\b")


def attribute_stores(ctx: FileContext) -> tuple[tuple[str, str, int], ...]:
    """``(object, attribute, line)`` for each store into an attribute of something an import of
    the file binds (see the module docstring)."""
    imported: dict[str, set[str]] = {}  # each name an import binds, anywhere -> what it may stand for
    for ref in ctx.imports():
        if ref.bound is not None and ref.module is not None and ref.name != "*":
            # `from a import b` -> a.b, `import a.b as m` -> a.b, `import a.b` -> a
            imported.setdefault(ref.bound, set()).add(f"{ref.module}.{ref.name}" if ref.name is not None else ref.bound if ref.plain else ref.module)
    if not imported:
        return ()
    lines = _store_lines(ctx, imported)
    if not lines:
        return ()
    found: list[tuple[str, str, int]] = []
    pending: list[ast.AST] = list(ctx.statements_on(sorted(lines)))
    while pending:
        node = pending.pop()
        pending += ast.iter_child_nodes(node)
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load) and node.lineno in lines:
            found += ((obj, node.attr, node.lineno) for obj in _objects(node.value, imported))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") and node.args:
            if node.func.lineno in lines:
                name = node.args[1] if len(node.args) > 1 else None
                attribute = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else ANY_ATTRIBUTE
                found += ((obj, attribute, node.lineno) for obj in _objects(node.args[0], imported))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars" and len(node.args) == 1:
            if node.func.lineno in lines:
                found += ((obj, ANY_ATTRIBUTE, node.lineno) for obj in _objects(node.args[0], imported))
        elif isinstance(node, ast.Attribute) and node.attr == "__dict__" and node.lineno in lines:
            found += ((obj, ANY_ATTRIBUTE, node.lineno) for obj in _objects(node.value, imported))
    return tuple(sorted(set(found), key=lambda store: (store[2], store[0], store[1])))


def _store_lines(ctx: FileContext, imported: dict[str, set[str]]) -> set[int]:
    """The lines on which a store through an imported name may start (see the module docstring)."""
    text, starts = ctx.text, ctx.lines.starts
    lines = {bisect_right(starts, m.start()) for m in _STORE.finditer(text) if (m.group(1) or m.group(2)) in imported}
    if "attr(" in text:
        lines.update(bisect_right(starts, m.start()) for m in _CALL.finditer(text) if m.group(1) in imported)
    if "vars(" in text or "__dict__" in text:
        lines.update(bisect_right(starts, m.start()) for m in _NAMESPACE.finditer(text) if (m.group(1) or m.group(2)) in imported)
    return lines


def _objects(node: ast.expr, imported: dict[str, set[str]]) -> list[str]:
    """The dotted names the expression ``node`` (``config``, ``pkg.config``) may stand for
    through the imports, [] when it does not start with an imported name."""
    written = dotted_name(node)
    if written is None:
        return []
    head, _, rest = written.partition(".")
    return [f"{base}.{rest}" if rest else base for base in sorted(imported.get(head, ()))]
