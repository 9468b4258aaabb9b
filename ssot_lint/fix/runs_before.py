"""What the packages above a module have run, for sure, before the module starts: the modules
that finish first, whatever the program imports first (``ImportRuns._parents_before``).

Importing ``pkg.mixins`` runs ``pkg`` first. A package that cannot import ``pkg.mixins`` has
finished by then, whole. One that may (its ``__init__`` imports ``agg``, which imports ``text``
and then ``mixins``) has run, depth first as Python runs imports, its imports up to the first
one that may import ``mixins``, and inside that one, the same prefix again: ``agg`` runs ``text``
to the end before it imports ``mixins`` (Django's ``django.db.models`` runs aggregates ->
expressions -> fields -> ... -> ``django.utils.text`` before anything imports
``fields.mixins``). Only the prefix counts, never what comes after the import that may start the
module: a module on the way may be the program's entry point, paused at that import while the
module runs (``pkg.y`` doing ``import pkg`` and then ``import pkg.z`` runs ``pkg.mixins``, through
``pkg``, before ``pkg.z``). A module already on the way (an import cycle) and an import that may
not run (under ``if``, ``try``) that may start the module end the walk: what follows it may run
after the module starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ssot_lint.project.import_graph import LazyImportGraph, import_targets
from ssot_lint.project.module_paths import parents

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns


def as_run(targets: list[str]) -> list[str]:
    """One statement's targets (``import_targets``: the module it names, then the packages above
    it) in the order Python runs them: the packages from the top down, then the module."""
    return sorted(targets, key=lambda module: module.count("."))


def parents_before(runs: ImportRuns, importer: str, line: int, may: LazyImportGraph, graph: LazyImportGraph | None = None) -> list[str]:
    """The modules whose whole import-time walk has run before ``importer`` starts, through the
    packages above it (see the module docstring): each a start of a walk over what runs for sure.
    ``may`` holds every edge there may be (whether an import may start the importer); ``graph``:
    whose rewrites of the imports count (``LazyImportGraph.targets``). For a statement at
    ``line`` under ``if __name__ == "__main__":`` the packages have all finished: a script's
    packages are imported before it runs."""
    facts = runs._facts_at(importer, line)
    if facts and all(fact.main_block for fact in facts):
        return list(parents(importer))
    before: list[str] = []
    seen: set[str] = set(parents(importer))
    for package in parents(importer):
        if not runs._by_name(package) and not may.reaches(package, importer):
            before.append(package)  # it cannot import the importer: it has finished first
            continue
        # Each package above the importer starts before it, and its prefix runs before it starts
        # whichever way the program enters (a package's prefix cannot start the importer).
        _prefix(runs, package, importer, may, graph, seen, before)
    return before


def finished_before(runs: ImportRuns, importer: str, line: int, may: LazyImportGraph, kept: LazyImportGraph) -> frozenset[str]:
    """The modules that have run to the end before ``importer`` starts: what the packages above
    it run whole (``parents_before``), and what those import for sure (``kept``: whichever of
    the run's rewrites apply). None of them can start the importer (``may`` holds every edge
    there may be), so none is on the way, half run, when it starts. A module runs once: an import
    that reaches one of them again runs nothing, not even what it imported under ``try`` or
    ``if``, which was done or attempted then. sklearn's ``__init__`` runs ``__check_build``,
    which tries ``_check_build``, before any module inside sklearn (sk27a)."""
    return kept.reachable(parents_before(runs, importer, line, may, kept))


def _prefix(runs: ImportRuns, module: str, importer: str, may: LazyImportGraph, graph: LazyImportGraph | None, seen: set[str], before: list[str]) -> None:
    """Add to ``before`` the targets of ``module``'s import-time imports that run for sure and
    cannot start ``importer``, up to the first import that may: then the same inside the module
    it names, when that import runs for sure and the module is not on the way already."""
    by_name = runs._by_name(module)  # it may import the importer by name, there
    for fact, _ in runs._import_time_facts(module, maybe=True):
        if by_name and fact.statement[0] >= by_name:
            return
        assert fact.module is not None
        written = import_targets(module, fact.module, fact.name, runs.source.exists)
        sure = [] if fact.conditional else runs._targets(module, fact, graph)
        for target in as_run(written):
            if target != importer and not may.reaches(target, importer):
                if target in sure and target not in seen:
                    seen.add(target)
                    before.append(target)  # it runs to the end: it cannot reach the importer
                continue
            if target == importer or target not in sure or target in seen:
                return  # the importer starts here, may start here, or the walk came back
            seen.add(target)
            _prefix(runs, target, importer, may, graph, seen, before)
            return
