"""Whether rewriting an import changes the order in which modules with import-time effects first
run (``ImportRuns.imports_more`` and ``imports_less`` ask only whether they run, and no later
than a statement with effects of the importer's own).

Moving an import above other imports changes nothing when the modules it moves run no code of
consequence (isort does it), but two modules that both register something (a plugin, a URL, a
signal receiver) register in the order they first run. ``from pkg.old import X`` rewritten to
``from pkg.b import X``, above the importer's ``import pkg.a``, runs ``pkg.b`` before ``pkg.a``
where it ran after it; rewritten to ``from pkg.base import X`` while ``pkg.old`` ran ``pkg.b``,
it runs ``pkg.b`` after ``pkg.a`` where it ran before. A module whose first run moves so, past
another module that runs code on import (``ModuleSummary.effects``, or an import from outside the
project and the standard library), makes the rewrite unsafe, whether it has effects itself (the
order they register in changes) or not: a module that only copies a name (``from pkg.config
import MODE``) copies another value once it runs after one that stores it (review7).

Read from the import graph the importer's statements draw (``project.import_graph``): what the
statement runs as written and as rewritten, what the importer's imports before it ran already
(unchanged), and its imports after it, up to its first statement with effects (those the other
checks take to run no later than the statement)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ssot_lint.fix.statement_order import order_within
from ssot_lint.fix.verdicts import UNVERIFIED, Mover, Need, Verdict

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns


def order_changes(runs: ImportRuns, need: Need, mover: Mover | None) -> Verdict | None:
    """Why the rewritten statement of ``need`` changes the order in which two modules with
    import-time effects first run, None when it does not (see the module docstring): among the
    importer's statements, or among the modules the one statement runs (``statement_order``)."""
    importer, line = need.importer, need.line
    old_edges, new_edges = runs._edges(importer, need.old), runs._edges(importer, need.new)
    if not (old_edges or new_edges) or not runs._runs_on_import(importer, line, script=True):
        return None
    between = _between_statements(runs, need, mover, old_edges, new_edges)
    if between is not None:
        return between
    before = [*runs._parents_before(importer, line, runs._graph(None)), *_statements(runs, importer, line, after=False)[0]]
    return order_within(runs, need, mover, before)


def _between_statements(runs: ImportRuns, need: Need, mover: Mover | None, old_edges: list[str], new_edges: list[str]) -> Verdict | None:
    """Why the rewritten statement moves a module's first run past another statement's modules."""
    importer, line = need.importer, need.line
    later = _statements(runs, importer, line, after=True)
    if not later:
        return None  # nothing runs after the statement that it could move past
    graph, kept = runs._sure_graph(), runs._kept_graph(mover)
    old_runs = graph.reachable(old_edges) - {importer}
    new_runs = kept.reachable(new_edges) - {importer}
    # Every module whose first run moves, effects or not: one that only copies a name (`from
    # pkg.config import MODE`) copies another value once it runs after a module that stores it.
    earlier, moved_later = sorted(new_runs - old_runs), sorted(old_runs - new_runs)
    if not earlier and not moved_later:
        return None
    before = [*runs._parents_before(importer, line, runs._graph(None)), *_statements(runs, importer, line, after=False)[0]]
    ran = graph.reached_avoiding(before, importer, [*earlier, *moved_later])
    for module, now, then in [(m, new_runs, old_runs) for m in earlier if m not in ran] + [(m, old_runs, new_runs) for m in moved_later if m not in ran]:
        # Where the module first ran (moved earlier) or first runs now (moved later): the
        # first later statement that runs it; none, and the other checks speak.
        at = next((index for index, targets in enumerate(later) if any(graph.reaches(t, module) for t in targets)), None)
        if at is None:
            continue
        passed = set(then) - set(now) - {module}
        for targets in later[:at]:
            passed |= graph.reachable(targets) - now - {importer}
        effectful = [m for m in sorted(passed) if runs._effects(m) is not None]
        effectful = sorted(set(effectful) - graph.reached_avoiding(before, importer, effectful))
        if effectful:
            first, second = (module, effectful[0]) if now is new_runs else (effectful[0], module)
            if runs._effects(module) is not None:
                return Verdict(
                    UNVERIFIED,
                    f"{importer} would import {first} before {second}, not after, and both run code on import: the order they run in changes",
                )
            before_after = "before" if now is new_runs else "after"
            return Verdict(
                UNVERIFIED,
                f"{importer} would import {module} {before_after} {effectful[0]}, not {'after' if now is new_runs else 'before'}, "
                f"and {effectful[0]} runs code on import that may change what {module} does or reads",
            )
    return None


def _statements(runs: ImportRuns, importer: str, line: int, after: bool) -> list[list[str]]:
    """The project modules each import-time import statement of ``importer`` runs, in order:
    those before ``line`` (all in one list), or after it up to its first statement with effects
    (``ModuleSummary.effects``), one list per statement; each module once in a list."""
    statements = runs.statements(importer)
    return statements.later_statements(line) if after else [statements.before(line)]
