"""What a file imports and reads through the names its imports bind (``ImportUse``): the
per-file step behind two questions of fix verification, run (cached, through ``run.modules``)
only for the files a question is about: what a ``declared-deprecation`` rewrite needs verified
(``kinds.declared_deprecation.rewrite``), and which modules read a submodule as an attribute of
its package (``pkg.old.f()`` after ``import pkg``) that a rewrite would stop importing
(``fix.import_runs``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ssot_lint.analysis.imports import ImportRef, dotted_name
from ssot_lint.kinds.base import FileContext, Rule, RuleMeta
from ssot_lint.model import cache_value


@cache_value
@dataclass(frozen=True, slots=True)
class ImportUse:
    """One imported name and what the file reads through the name it binds (the dotted chains
    ``bound.a.b`` written in it): what a rewrite of it needs verified depends on both."""

    statement: tuple[int, int]  # where the statement starts
    is_import: bool  # `import a.b` rather than `from a import b`
    plain: bool  # `import a.b` without `as`
    module: str | None
    name: str | None
    asname: str | None
    chains: tuple[str, ...]
    # ``bound.x`` for each ``getattr(bound, "x")``; and, for a binding of ``sys`` or
    # ``sys.modules``, the module names read from ``sys.modules`` by a literal key
    # (``sys.modules["pkg.old"]``, ``.get("pkg.old")``): reads of a module that spell no attribute.
    dynamic: tuple[str, ...] = ()
    # Where the bound name, or a chain through it, is used as a value rather than read through
    # (``bound``, ``bound.a``), each with its line: assigned (``p = pkg``), passed (``f(pkg)``,
    # ``vars(pkg)``, ``getattr(pkg, name)`` with a name that is no literal), returned, a
    # default, ``bound.a.__dict__`` (also read through: ``bound.__dict__.get(name)``). What is read
    # through it there cannot be told.
    values: tuple[tuple[str, int], ...] = ()


class ImportUses(Rule):
    """Not a rule users write: the per-file step that records ``ImportUse`` for every import of a
    file, run (cached, through ``run.modules``) only for files with findings to fix."""

    kind = "import-uses"
    summary = "Every import of a file and the attributes read through the names it binds."
    default_message = ""

    def check(self, ctx: FileContext) -> tuple[list, tuple[ImportUse, ...]]:
        return [], tuple(import_uses(ctx))


IMPORT_USES = ImportUses(RuleMeta("SSOT-import-uses", "", digest="import-uses-4"), {})


def import_uses(ctx: FileContext) -> Iterator[ImportUse]:
    refs = ctx.imports()
    names = {ref.bound for ref in refs if ref.bound}
    written = (dotted_name(node) for node, _ in ctx.nodes_near(ast.Attribute, names))
    chains: dict[str, set[str]] = {}
    for chain in written:
        if chain is not None and chain.split(".")[0] in names:
            chains.setdefault(chain.split(".")[0], set()).add(chain)
    dynamic = _dynamic_reads(ctx, refs, names)
    values = _values(ctx, names) if names else {}
    for ref in refs:
        start = ctx.span(ref.statement)
        asname = ref.node.asname if isinstance(ref.node, ast.alias) else None
        yield ImportUse(
            (start[0], start[1]),
            isinstance(ref.statement, ast.Import),
            ref.plain,
            ref.module,
            ref.name,
            asname,
            tuple(sorted(chains.get(ref.bound or "", ()))),
            tuple(sorted(dynamic.get(ref.bound or "", ()))),
            tuple(sorted(values.get(ref.bound or "", ()))),
        )


def _dynamic_reads(ctx: FileContext, refs: list[ImportRef], names: set[str]) -> dict[str, set[str]]:
    """What the file reads through a bound name without spelling an attribute (see
    ``ImportUse.dynamic``), per bound name: ``getattr(pkg, "old")``, ``sys.modules["pkg.old"]``."""
    found: dict[str, set[str]] = {}
    if "getattr" in ctx.text or "hasattr" in ctx.text:
        for call, _ in ctx.nodes_near(ast.Call, ["getattr", "hasattr"]):
            if _literal_lookup(call) and isinstance(call.args[0], ast.Name) and call.args[0].id in names:
                found.setdefault(call.args[0].id, set()).add(f"{call.args[0].id}.{call.args[1].value}")  # type: ignore[attr-defined]
    # `import sys` binds `sys` (read as `sys.modules`); `from sys import modules`, `modules`.
    tables = {f"{r.bound}.modules": r.bound for r in refs if r.bound and r.module == "sys" and r.name is None}
    tables |= {r.bound: r.bound for r in refs if r.bound and r.module == "sys" and r.name == "modules"}
    if tables and "modules" in ctx.text:
        for node, _ in ctx.nodes_near((ast.Subscript, ast.Call), ["modules"]):
            if isinstance(node, ast.Subscript):
                table, key = dotted_name(node.value), node.slice
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
                table, key = dotted_name(node.func.value), node.args[0]
            else:
                continue
            if table in tables and isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.setdefault(tables[table], set()).add(key.value)
    return found


def _literal_lookup(call: ast.Call) -> bool:
    """``getattr(x, "name")`` or ``hasattr(x, "name")``: a read of one attribute, by a literal."""
    args = call.args
    return (
        isinstance(call.func, ast.Name)
        and call.func.id in ("getattr", "hasattr")
        and len(args) >= 2
        and isinstance(args[1], ast.Constant)
        and isinstance(args[1].value, str)
    )


def _values(ctx: FileContext, names: set[str]) -> dict[str, set[tuple[str, int]]]:
    """Per bound name, the chains through it used as values (see ``ImportUse.values``): every
    load of the name, or of a chain through it, that is not read through further (``pkg.a`` in
    ``pkg.a.b``), called (calling a module fails anyway), or the object of a literal lookup
    (``getattr(pkg, "old")``: a read, in ``dynamic``). In code only, f-strings' fields included:
    a string or a comment that spells the name is no use of it."""
    nodes = list(ast.walk(ast.Module(body=ctx.statements_near(names), type_ignores=[])))
    through: set[int] = set()  # the nodes something is read through, or called
    for node in nodes:
        if isinstance(node, ast.Attribute):
            # `pkg.__dict__.get(name)`, `.items()`: the namespace itself, as `pkg.__dict__[name]` is
            if not (isinstance(node.value, ast.Attribute) and node.value.attr == "__dict__"):
                through.add(id(node.value))
        elif isinstance(node, ast.Call):
            through.add(id(node.func))
            if _literal_lookup(node):
                through.add(id(node.args[0]))
    first: dict[str, int] = {}  # each chain, at the first line using it so
    for node in nodes:
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load) and id(node) not in through:
            chain = dotted_name(node)
            if chain is None or chain.partition(".")[0] not in names:
                continue
            if chain.endswith(".__dict__"):  # `pkg.__dict__["old"]`: the namespace itself
                chain = chain.removesuffix(".__dict__")
            first[chain] = min(first.get(chain, node.lineno), node.lineno)
    found: dict[str, set[tuple[str, int]]] = {}
    for chain, line in first.items():
        found.setdefault(chain.partition(".")[0], set()).add((chain, line))
    return found
