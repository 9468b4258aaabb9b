"""What a rewritten import that runs modules the importer did not run before changes
(``ImportRuns.imports_more``): nothing, when every module it runs anew only binds its own names
(re-exports, definitions, ``__all__``), and that binding changes nothing else. The modules that
run anew are the new import's (as in ``ImportRuns.stops_running``, over every edge the fixed
project may have), short of those that ran for sure before the statement; the importer and the
packages above it have started and run nothing more. Such a module still changes what the program
does when it:

- does more than define names on import (``ImportRuns._effects``: effects, a package's lazy
  ``__getattr__`` read, an import from outside the project, or of a standard-library module not
  known to only define names), or warns (``warnings.warn`` at module level: a new warning, which
  ``-W error`` turns into an exception);
- imports a name its module does not bind, or a module that does not exist: the import fails;
- rebinds its package's attribute: importing ``pkg.helpers`` sets ``pkg.helpers`` to the module,
  replacing what ``pkg`` binds as ``helpers`` itself, and what ``pkg``'s module-level
  ``__getattr__`` gave for it (``fix.submodule_names`` asks the same of a name a rewrite reads);
- is in an import cycle with another module that runs anew: which of the two runs first, and so
  what each finds bound in the other while it is partly initialised, changes with the entry.

The reason names the module and what it does; "did not import X before" only when nothing the
importer ran before may have run it (its packages, its earlier imports, the import as written),
else that it did "cannot be verified"."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ssot_lint.fix.verdicts import UNVERIFIED, Mover, Need, Verdict, not_analyzed
from ssot_lint.project.import_graph import LazyImportGraph, runs_on_import
from ssot_lint.project.module_paths import parents
from ssot_lint.project.module_summary import star_may_bind

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns

_DEPTH = 20  # star imports followed, at most, to find where a name is bound


def runs_anew(runs: ImportRuns, need: Need, mover: Mover | None, new: list[str], before: list[str]) -> Verdict | None:
    """Why the modules the rewritten statement of ``need`` runs anew (``new``: the statement's
    targets not run before; ``before``: the modules what ran before the statement starts from,
    each run whole) change what the program does; None when they only bind names."""
    importer = need.importer
    may, kept = runs._may_graph(mover), runs._kept_graph(mover)
    reach = may.reachable(new)
    old = runs._edges(importer, need.old)
    ran = kept.reached_avoiding(before, importer, reach) | (runs._sure_graph().reachable(old) & reach)
    known = frozenset({*ran, importer, *parents(importer)})
    fresh = may.reachable_outside(new, known)
    for target in new:
        if target in known:
            continue
        chain = [target, *sorted(may.reachable_outside([target], known) - {target})]
        for module in chain:
            why = _changes(runs, module, fresh, may)
            if why is not None:
                return Verdict(UNVERIFIED, _reason(runs, need, target, module, why))
    return None


def _reason(runs: ImportRuns, need: Need, target: str, module: str, why: str) -> str:
    """The reason: that the importer did not run ``module`` before (or that it did cannot be
    verified), that importing ``target`` runs it, and ``why`` it matters."""
    importer = need.importer
    who = _may_have_run(runs, need, module)
    if who is not None:
        runs_it = "" if module == target else f", and importing {target} {_runs_or_may(runs, target, module)} it"
        return f"that {importer} imported {module} before cannot be verified ({who}){runs_it}, {why}"
    if module == target:
        return f"{importer} did not import {target} before, {why}"
    runs_it = f"and importing it {_runs_or_may(runs, target, module)} {module}, {why}"
    who = _may_have_run(runs, need, target)  # what may have run the target, if not the module
    if who is not None:
        return f"that {importer} imported {target} before cannot be verified ({who}), {runs_it}"
    return f"{importer} did not import {target} before, {runs_it}"


def _runs_or_may(runs: ImportRuns, target: str, module: str) -> str:
    return "runs" if runs._sure_graph().reaches(target, module) else "may run"


def _may_have_run(runs: ImportRuns, need: Need, module: str) -> str | None:
    """What the importer ran before the statement that may have run ``module`` (not for sure),
    as a reason's part: the import as written, a package above it, or one of its earlier
    imports; None when none."""
    # The project as written (every edge there may be): what the fix's other rewrites may make
    # run is no fact about what ran before it.
    importer, may = need.importer, runs._graph(None)
    old = runs._edges(importer, need.old)
    if old and may.reached_avoiding(old, importer, [module]):
        return "the import as written may import it, not for sure"
    for package in parents(importer):
        if may.reached_avoiding([package], importer, [module]):
            return f"{package} may import it, not for sure first"
    for fact, _ in runs._import_time_facts(importer, maybe=True):
        if fact.statement[0] < need.line and may.reached_avoiding(runs._targets(importer, fact, may), importer, [module]):
            return f"its import at line {fact.statement[0]} may import it, not for sure"
    return None


def _changes(runs: ImportRuns, module: str, fresh: set[str], may: LazyImportGraph) -> str | None:
    """What running ``module`` anew changes, as a reason's end; None when nothing."""
    effects = runs._effects(module)
    if effects is not None:
        return effects
    summaries = runs.source.summaries(module)
    warns = min((s.warns for s in summaries if s is not None and s.warns), default=0)
    if warns:
        path = getattr(runs.source, "path_of", lambda _: None)(module) or module
        return f"which warns when imported ({path}:{warns})"
    return _failing_import(runs, module) or _package_attribute(runs, module) or _cycle(module, fresh, may)


def _failing_import(runs: ImportRuns, module: str) -> str | None:
    """Why an import-time import of ``module`` from the project fails, or may: a name its module
    does not bind, a module that does not exist, a relative import above the top-level package;
    not one in a ``try`` whose handler catches the ImportError. (Imports from outside the
    project are ``_effects``': they may fail, caught or not.)"""
    source = runs.source
    for summary in source.summaries(module):
        for fact in summary.imports if summary is not None else ():
            if not runs_on_import(fact) or fact.guarded:
                continue  # an ImportError the module catches is its way to do without
            at = fact.statement[0]
            if fact.module is None:
                return f"whose relative import at line {at} climbs above its top-level package: the import fails"
            if not source.in_project(fact.module):
                continue
            if not source.exists(fact.module):
                return f"which imports {fact.module} at line {at}, and {fact.module} does not exist: the import fails"
            if fact.name in (None, "*") or source.exists(f"{fact.module}.{fact.name}"):
                continue
            assert fact.name is not None
            bound = _binds(runs, fact.module, fact.name, 0)
            if bound is False:
                return f"which imports {fact.name} from {fact.module} at line {at}, and {fact.module} does not bind it: the import fails"
            if bound is None:
                return f"which imports {fact.name} from {fact.module} at line {at}, and that {fact.module} binds it cannot be verified"
    return None


def _binds(runs: ImportRuns, module: str, name: str, depth: int) -> bool | None:
    """Whether ``module`` binds ``name`` at module level (None: cannot be told): by a definition,
    an import, or a star import of a project module that binds it."""
    summaries = runs.source.summaries(module)
    if depth > _DEPTH or any(s is None for s in summaries):
        return None
    unknown = False
    for summary in summaries:
        assert summary is not None
        if name in summary.deleted:
            return None
        if name in summary.defined or name in summary.bindings() or summary.has_getattr:
            return True
        for fact in summary.imports:
            if not fact.star or not runs_on_import(fact) or fact.module is None:
                continue
            if not runs.source.in_project(fact.module):
                unknown = True
            elif star_may_bind(runs.source.summaries(fact.module), name):
                found = _binds(runs, fact.module, name, depth + 1)
                if found:
                    return True
                unknown = unknown or found is None
    return None if unknown else False


def _package_attribute(runs: ImportRuns, module: str) -> str | None:
    """What importing ``module`` replaces as an attribute of its package: a name the package
    binds itself, or what its module-level ``__getattr__`` gave."""
    package, _, word = module.rpartition(".")
    if not package:
        return None
    for summary in runs.source.summaries(package):
        if summary is None:
            return f"and {not_analyzed(runs.source, package, f'binds {word} itself')}"
        binding = summary.bindings().get(word)
        of_module = binding is not None and (binding.module, binding.name) in ((package, word), (module, None))
        if word in summary.defined or (binding is not None and not of_module):
            return f"which replaces what {package} binds as {word}: importing it makes {module} the module"
        if summary.has_getattr:
            return f"which makes {module} the module: {package}'s module-level __getattr__ no longer gives it"
        if binding is None and any(
            f.star and runs_on_import(f) and (f.module is None or _binds(runs, f.module, word, 1) is not False) for f in summary.imports
        ):
            return f"which may replace what {package} binds as {word} by a star import: importing it makes {module} the module"
    return None


def _cycle(module: str, fresh: set[str], may: LazyImportGraph) -> str | None:
    """The import cycle ``module`` is in among the modules that run anew, as a reason's end."""
    came: dict[str, str] = {}
    queue = deque([module])
    while queue:
        current = queue.popleft()
        for successor in sorted(may.edges(current) & fresh):
            if successor == module:
                chain = [current]
                while chain[-1] != module:
                    chain.append(came[chain[-1]])
                path = [*reversed(chain), module]
                return f"which is in the import cycle {' -> '.join(path)}: what each finds bound in the other depends on which runs first"
            if successor not in came:
                came[successor] = current
                queue.append(successor)
    return None
