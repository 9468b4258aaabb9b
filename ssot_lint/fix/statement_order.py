"""Whether rewriting an import changes the order among the modules the one statement runs
(``fix.import_order`` compares the order of the importer's statements; this, the order inside
one of them).

``from pkg.old import X``, where ``pkg.old`` does ``import pkg.a`` then ``from pkg.b import X``,
runs ``pkg.a`` before ``pkg.b``; rewritten to ``from pkg.b import X``, where ``pkg.b`` imports
``pkg.a`` after its own registration, it runs ``pkg.b`` first. When two modules both statements
run have import-time effects (both register something), the order they register in changes.

Read as Python runs imports: depth first, each module's import-time imports in order, a module
already run (by the importer's earlier imports, its packages, or earlier in the walk) never
again; a module is placed where it starts; the importer's other statements and the rest of the
project as written (each rewrite of theirs is judged on its own). Compared only when two or more modules that both
statements run first have effects (``ImportRuns._effects``), so most rewrites cost no walk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ssot_lint.fix.runs_before import as_run
from ssot_lint.fix.verdicts import UNVERIFIED, Mover, Need, Verdict

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns
    from ssot_lint.project.import_graph import LazyImportGraph


def order_within(runs: ImportRuns, need: Need, mover: Mover | None, before: list[str]) -> Verdict | None:
    """Why the rewritten statement of ``need`` runs two modules with import-time effects, both of
    which it ran as written, in the other order; None when it does not. ``before``: the modules
    what runs before the statement starts from (the packages above the importer, its earlier
    imports)."""
    importer = need.importer
    old_edges, new_edges = runs._edges(importer, need.old), runs._edges(importer, need.new)
    if not old_edges or not new_edges:
        return None
    graph, kept = runs._sure_graph(), runs._kept_graph(mover)
    # The old side as it may run (an import under `try` or `if` runs, where it is written): the
    # order compared is the one its imports give when they run (review8).
    both = (runs._graph(None).reachable(old_edges) & kept.reachable(new_edges)) - {importer}
    effectful = {m for m in both if runs._effects(m) is not None}
    if len(effectful) < 2:
        return None
    ran = graph.reachable_avoiding(before, importer) if before else set()
    effectful -= ran
    if len(effectful) < 2:
        return None
    old = [m for m in _first_runs(runs, old_edges, {*ran, importer}, None, maybe=True) if m in effectful]
    # The rest of the project as written on both sides: another statement the fix rewrites is
    # judged on its own (the walk over `kept`, what runs whichever rewrites apply, drops the
    # modules such a rewrite may stop running, and would misplace them).
    new = [m for m in _first_runs(runs, new_edges, {*ran, importer}, None) if m in effectful]
    if old == new:
        return None
    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), None)
    if at is not None:
        return Verdict(
            UNVERIFIED,
            f"{importer} would run {new[at]} before {old[at]}, not after (both run by this statement), and both run code on import: the order they run in changes",
        )
    # One list is the other's beginning: what both run, they run in one order, but one side runs
    # a module with effects that the other does not run there (NumPy's `from numpy import *` in
    # numpy.matlib runs nothing, the package ran before it; the rewrite's submodule, imported by
    # the package only under `if`, may run here). Where it runs among the rest is not known.
    at = min(len(old), len(new))
    if len(new) > len(old):
        return Verdict(
            UNVERIFIED,
            f"{importer} would run {new[at]} in this statement, which as written does not run it there (it may have run before, under an `if` or `try`), "
            f"and {new[at]} runs code on import: that the modules run in the same order cannot be verified",
        )
    return Verdict(
        UNVERIFIED,
        f"{importer} would not run {old[at]} in this statement, which as written runs it there, "
        f"and {old[at]} runs code on import: that the modules run in the same order cannot be verified",
    )


def _first_runs(runs: ImportRuns, starts: list[str], seen: set[str], graph: LazyImportGraph | None, maybe: bool = False) -> list[str]:
    """The modules importing ``starts`` (in order) runs, in the order they start, depth first;
    none of ``seen`` (run already). ``graph``: whose rewrites of the imports count; ``maybe``:
    the imports under `try` or `if` run too."""
    seen = set(seen)
    order: list[str] = []
    stack = list(reversed(as_run(starts)))
    while stack:
        module = stack.pop()
        if module in seen:
            continue
        seen.add(module)
        order.append(module)
        children = [t for fact, _ in runs._import_time_facts(module, maybe) for t in as_run(runs._targets(module, fact, graph))]
        stack += reversed(children)
    return order
