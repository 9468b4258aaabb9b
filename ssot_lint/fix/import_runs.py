"""What rewriting an import changes about what runs when a module is imported, for fix
verification (``fix.verify``): a new import cycle, project modules the importer did not import
before that do more than bind names (``fix.new_runs``), a module with import-time effects it
would no longer import. Read from the import graph
the project's module summaries draw (``project.import_graph``), walked lazily and memoized."""

from __future__ import annotations

import sys

from ssot_lint.fix.attribute_reads import FixRewrites, read_as_attribute
from ssot_lint.fix.by_name_helpers import helper_by_name
from ssot_lint.fix.fixed_imports import FixedImports
from ssot_lint.fix.import_statements import ImporterStatements, ModuleStatements, cycle_reason
from ssot_lint.fix.lazy_attributes import lazy_reads
from ssot_lint.fix.new_runs import runs_anew
from ssot_lint.fix.runs_before import finished_before, parents_before
from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Mover, Need, Verdict, not_analyzed
from ssot_lint.kinds.import_uses import IMPORT_USES, ImportUse
from ssot_lint.project.effects import defines_only
from ssot_lint.project.import_graph import LazyImportGraph, runs_on_import
from ssot_lint.project.module_paths import parents
from ssot_lint.project.module_summary import ImportFact


class ImportRuns:
    """Questions about what an import statement runs, over ``source``'s modules."""

    def __init__(self, source: ModuleSource) -> None:
        self.source = source
        # The import graph each fix (mover) leaves, walked lazily: found by the mover's identity,
        # which a key of id() would not survive pickling to a worker with.
        self._graphs: list[tuple[Mover | None, LazyImportGraph]] = []
        self._sure: LazyImportGraph | None = None
        self._kept: list[tuple[Mover | None, LazyImportGraph]] = []
        self._may: list[tuple[Mover | None, LazyImportGraph]] = []
        self._uses: dict[str, list[ImportUse]] = {}  # a module's imports and what it reads through them
        self._helpers: dict[str, int] = {}  # a package -> where it calls a helper importing by name (0: none)
        self._rewrites: list[tuple[Mover | None, FixRewrites]] = []  # by the mover's identity, as the graphs
        # Per module, whoever fix: the modules that may read it as an attribute, and that bind a
        # package above it (``fix.attribute_reads``), looked for once.
        self.spellers: dict[str, list[str]] = {}
        self.binders: dict[str, list[str]] = {}
        # What each question reads of a module's statements, worked out once: verifying N
        # rewrites in one file asks about its N statements N times.
        self._read = ModuleStatements(source)

    def imports_more(self, need: Need, mover: Mover | None = None) -> Verdict | None:
        """Why the rewritten statement of ``need`` (in ``need.importer``) may change what
        importing the importer does, None when it cannot: the statement runs on import (or in a
        function, when called) and makes the importer import project modules it did not import
        before, through the old import, the packages above the importer (the depth-first prefix
        of their imports, ``fix.runs_before``), or its other import-time imports that run no
        later (see ``_other_imports``), as they run for sure once the run has fixed the project:
        not through an import that ``mover`` or another rule of the run may rewrite
        (``pkg/__init__.py``'s ``from pkg.legacy import Z`` ran ``pkg.new`` through ``pkg.legacy``
        only until the same run points it at ``pkg.new2``); and one of the modules it runs anew
        does more than bind its own names (``fix.new_runs``). Importing a module runs its code:
        Django's ``auth.models`` re-exports ``base_user``'s class, and importing it fails unless
        ``django.contrib.auth`` is an installed app. A deprecated shim that imports its
        replacement passes, and so does a replacement that only re-exports."""
        importer = need.importer
        new = self._edges(importer, need.new)
        if not new or not self._runs_on_import(importer, need.line, script=True):
            return None
        # The old import first (memoized walks), as written: the rewritten statement runs where
        # it ran, so what it ran there before is no new import. A shim that imports its
        # replacement ends it here.
        sure = self._sure_graph()
        new = [t for t in new if not any(sure.reaches(start, t) for start in self._edges(importer, need.old))]
        if not new:
            return None
        # Then what ran before the statement, in one walk that does not come back through the
        # importer (that would reach its imports after code with effects too), through imports
        # that still run once the run's rewrites apply, whichever of them do.
        graph = self._kept_graph(mover)
        starts = [*self._parents_before(importer, need.line, self._graph(None), graph), *self._other_imports(importer, need.line, graph)]
        reached = graph.reached_avoiding(starts, importer, new)
        new = [t for t in new if t not in reached]
        # What runs anew matters only when it does more than bind its own names (fix.new_runs).
        return runs_anew(self, need, mover, new, starts) if new else None

    def cycle(self, need: Need, mover: Mover | None) -> Verdict | None:
        """Why rewriting the import statement of ``need`` (in ``need.importer``) closes a new
        import cycle (an unverified verdict: the program may still import, in another order),
        None when it does not.

        It does when the statement runs on import and makes the importer read a module T (the
        replacement, or a package above it: importing ``a.b.c`` runs ``a`` and ``a.b`` first)
        that imports the importer back at import time. Importing T first then runs the importer
        while T is half initialized: Django's ``regex_helper`` would import ``SimpleLazyObject``
        from ``django.utils.text`` while ``text`` waits on ``regex_helper``, and a module inside
        a package reads the package while its ``__init__`` is still importing that module. The
        cycle is no new one when the import as written read T as directly: the deprecated
        target is T, or imports from T itself (a shim re-exporting T's names). That the old
        target merely *reaches* T, or the importer, does not excuse it: it may reach T while T
        is half initialized and read nothing from it (Django's ``django.db.models.fields``
        reaches ``django.db.models`` only as the package of modules it imports). The graph is
        the fixed project's as well as the project's (``LazyImportGraph``): a cycle closed by
        two rewrites together counts too."""
        importer = need.importer
        graph = self._graph(mover)
        closing = [target for target in self._edges(importer, need.new) if graph.reaches(target, importer)]
        if not closing:
            return self._by_name_cycle(need, graph)
        # Only the module the import as written read from excuses the cycle: a shim that merely
        # imports T (Django's query_utils does `from django.db import models`) may do so while T
        # is half initialized and never read the name from it.
        before = set(self._edges(importer, need.old, packages=False))
        for target in closing:
            if target in before or not self._runs_on_import(importer, need.line):
                continue
            chain = graph.path(target, importer)
            assert chain is not None
            return Verdict(UNVERIFIED, cycle_reason(self._read, importer, need.line, target, [importer, *chain]))
        return None

    def imported_by(self, package: str, module: str) -> bool:
        """Whether importing ``package`` may run ``module`` (the project as written)."""
        return module == package or self._graph(None).reaches(package, module)

    def _by_name_cycle(self, need: Need, graph: LazyImportGraph) -> Verdict | None:
        """The cycle a package above the importer that imports modules by name may close
        (``ModuleSummary.dynamic_imports``: it may be importing the importer, review7's
        ``importlib.import_module("pkg." + name)``): the rewritten statement makes the importer
        import a module that imports the package, half initialized."""
        importer = need.importer
        dynamic = [(p, line) for p in parents(importer) if (line := self._by_name(p))]
        if not dynamic or not self._runs_on_import(importer, need.line):
            return None
        before = set(self._edges(importer, need.old, packages=False))
        for target in self._edges(importer, need.new):
            for package, line in dynamic:
                if target != package and target not in before and graph.reaches(target, package):
                    chain = graph.path(target, package)
                    assert chain is not None
                    why = f" ({package} imports modules by name at line {line})"
                    return Verdict(UNVERIFIED, cycle_reason(self._read, importer, need.line, target, [importer, *chain, importer], why))
        return None

    def _by_name(self, module: str) -> int:
        """The first line where ``module`` may import a module by name (0: none, or unknown):
        its own text spells it, or it calls a helper that does at import time
        (``fix.by_name_helpers``; memoized per run)."""
        own = min((s.dynamic_imports for s in self.source.summaries(module) if s is not None and s.dynamic_imports), default=0)
        if own:
            return own
        if module not in self._helpers:
            self._helpers[module] = helper_by_name(self.source, module)
        return self._helpers[module]

    def _edges(self, importer: str, dotted: str, packages: bool = True) -> list[str]:
        """The project modules an import of ``dotted`` (a module, or ``module.Name``) in
        ``importer`` runs (see ``project.import_graph.import_targets``); the one it reads from
        alone without ``packages``. Not to be changed by the caller (it is kept)."""
        return self._read.edges(importer, dotted, packages)

    def _facts_at(self, importer: str, line: int) -> list[ImportFact]:
        """The imports of the statement at ``line`` of ``importer``."""
        return self._read.at_line(importer, line)

    def _runs_on_import(self, importer: str, line: int, script: bool = False) -> bool:
        """Whether the import statement at ``line`` of ``importer`` may run when it is imported
        (its summary says where each import is); when unknown, it is taken to. An import in a
        function counts: a decorator or a module-level call may run the function on import
        (SymPy's ``threaded_factory``, called by ``@xthreaded`` while ``sympy`` imports). With
        ``script``, one under ``if __name__ == "__main__"`` counts too: it runs when the module
        is run as a script (no import cycle can pass through it, but what it runs may change)."""
        facts = self._facts_at(importer, line)
        return not facts or any((script and fact.main_block) or runs_on_import(fact, include_function_imports=True) for fact in facts)

    def imports_less(self, need: Need, mover: Mover | None) -> Verdict | None:
        """Why the rewritten statement of ``need`` may stop code from running that runs now,
        None when it cannot: the old import runs project modules (the deprecated one and what it
        imports) that neither the replacement, nor the packages above the importer, nor the
        importer's other import-time imports run, and one of them does more than bind its own
        names (``ModuleSummary.effects``: a shim that patches the class it re-exports, a
        registration call). A shim of imports, re-exports and ``warnings.warn`` passes: that
        its warning no longer shows is what the fix is for. What still runs is what runs whichever
        of ``mover``'s other rewrites apply: two statements importing one shim each keep it
        running only while the other stays. A module that would run only later, after code with
        effects (``from pkg.config import MODE`` after ``pkg.config.MODE = "prod"``), may read
        another state: that counts too, effects or not. And a module no import would run any
        more may be read as an attribute of its package elsewhere (``fix.attribute_reads``)."""
        if not self._runs_on_import(need.importer, need.line, script=True):
            return None
        ran = self.stops_running(need, mover)
        if not ran:
            return None
        new = self._edges(need.importer, need.new)
        return self._lost_effects(need, mover, ran, new) or read_as_attribute(self, need, mover, ran, new)

    def stops_running(self, need: Need, mover: Mover | None) -> list[str]:
        """The project modules the old import of ``need`` may run (the deprecated one and what
        it imports) that the new import does not run for sure once ``mover`` has fixed the
        project, sorted: what ``imports_less`` asks about, and whose import-time warnings
        ``fix.warning_tests`` does. What the new import runs (memoized walks) cannot be lost
        nor run later, unless the walk comes back through the importer (whose later imports
        may run late).

        Whichever of the run's other rewrites apply, a chain from the old import that enters a
        module the new import runs for sure reaches nothing the new import does not reach in
        that same project: the old import's walk stops there. So ``from pkg.old import f`` ->
        ``from pkg.new import f`` loses nothing ``pkg`` runs, even where another (unsafe)
        rewrite stops ``pkg`` from running it: both statements run ``pkg`` first, and the
        module is lost, or not, the same with this rewrite and without it (review16a). The walk
        takes every edge any such project may have, so what only the old import runs counts.
        Nor does it pass a module the packages above the importer have run before it starts
        (``fix.runs_before.finished_before``): what that one tried to import was tried then."""
        importer = need.importer
        old = self._edges(importer, need.old)
        if not old:
            return []
        kept = self._kept_graph(mover)  # what runs for sure once fixed
        new = self._edges(importer, need.new)
        runs_new = kept.reachable(new) if not any(kept.reaches(edge, importer) for edge in new) else frozenset()
        # A module both statements import is the same module run at the same place, whatever
        # it reaches (back through the importer too): nothing past it is lost. `from .cursor
        # import Old as Old` -> `from .cursor import New as Old` loses nothing (review18b).
        # The packages above the importer have started before it (they are imported first): an
        # import that reaches one again runs none of its code (sk27a).
        known = runs_new | frozenset(new) | frozenset(parents(importer))
        may = self._may_graph(mover)
        ran = may.reachable_outside(old, known) - {importer}
        if ran:  # only then: the packages' walk may cover most of the project
            done = finished_before(self, importer, need.line, may, kept)
            if ran & done:
                ran = may.reachable_outside(old, known | done) - {importer}
        return sorted(ran)

    def _lost_effects(self, need: Need, mover: Mover | None, ran: list[str], new: list[str]) -> Verdict | None:
        """Why the modules in ``ran`` (run by the old import, not by the new one) that the
        importer would no longer run, or run only later, change what the program does."""
        importer = need.importer
        kept = self._kept_graph(mover)
        # The importer's own imports after code with effects run late. (A package's imports
        # after the importer's are not asked about: that walk may cover most of the project for
        # every rewritten statement; the package's are then just not counted as running.)
        late = self._other_imports(importer, need.line, kept, late=True)
        # Only modules with import-time effects matter, and when some import runs late, all:
        # ask what still runs (a walk of the importer's packages' imports, which may be most of
        # the project) only then.
        effectful = {m: why for m in ran if (why := self._effects(m)) is not None}
        if not effectful and not late:
            return None
        # Whether a module runs is asked only of those that ran and that a late import runs, or
        # with effects: each walk stops once it has found the modules asked about.
        later = kept.reached_avoiding(late, importer, ran)
        still = self._still(need, mover, new, [*later, *effectful])
        moved = next((m for m in ran if m not in still and m in later), None)
        if moved is not None:
            return Verdict(UNVERIFIED, f"{importer} would import {moved} only later, after code that may change what it does or reads")
        lost = next((m for m in effectful if m not in still), None)
        if lost is None:
            return None
        if mover is not None and self._sure_graph().reached_avoiding(
            [*new, *self._parents_before(importer, need.line, self._graph(None)), *self._other_imports(importer, need.line)],
            importer,
            [lost],
        ):
            # Kept running only by imports the same fix rewrites, safe or not: say so.
            return Verdict(UNVERIFIED, f"{importer} would no longer import {lost} once the fix's other rewrites apply, {effectful[lost]}")
        return Verdict(UNVERIFIED, f"{importer} would no longer import {lost}, {effectful[lost]}")

    def _still(self, need: Need, mover: Mover | None, new: list[str], wanted: list[str]) -> set[str]:
        """The modules of ``wanted`` that importing the importer still runs, for sure and in
        time, once ``mover`` has fixed the project: through the new import's modules (``new``),
        the packages above it and its other imports, as far as they run before the rewritten
        statement would (a walk that stops once it has found them all)."""
        if not wanted:
            return set()
        importer, kept = need.importer, self._kept_graph(mover)
        before = self._parents_before(importer, need.line, self._graph(mover), kept)
        # Not through the importer: its package may import it, and the chain would come back
        # through the very statement the fix rewrites.
        return kept.reached_avoiding([*new, *before, *self._other_imports(importer, need.line, kept)], importer, wanted)

    def rewrites(self, mover: Mover | None) -> FixRewrites:
        """Which statements ``mover`` rewrites, and what follows for the attribute reads of the
        modules a rewrite stops running (``fix.attribute_reads``), worked out once per fix."""
        found = next((r for m, r in self._rewrites if m is mover), None)
        if found is None:
            found = FixRewrites(self, mover)
            self._rewrites.append((mover, found))
        return found

    def _import_uses(self, module: str) -> list[ImportUse]:
        """``module``'s imports and what it reads through them (``kinds.import_uses``), memoized."""
        self._fetch_uses([module])
        return self._uses[module]

    def _fetch_uses(self, modules: list[str]) -> None:
        """Analyze the modules of ``modules`` whose ``ImportUse`` facts are not known yet, in one batch."""
        wanted = [m for m in dict.fromkeys(modules) if m not in self._uses]
        if not wanted:
            return
        facts = getattr(self.source, "module_facts", None)
        found = facts(wanted, IMPORT_USES) if facts is not None else {}
        for module in wanted:
            self._uses[module] = [use for uses in found.get(module, []) if uses is not None for use in uses]

    def _effects(self, module: str) -> str | None:
        """What ``module`` does on import beyond defining names, as a reason's end; None when
        nothing: statements with effects (``ModuleSummary.effects``), or an import from outside
        the project and the standard library, which may fail (an optional accelerator behind a
        caller's ``except ImportError``) or register something (a codec, a plugin), or of a
        standard-library module not known to only define names (``effects.defines_only``)."""
        summaries = self.source.summaries(module)
        if any(s is None for s in summaries):  # nobody read it: what it runs is not known
            return f"and {not_analyzed(self.source, module, 'does more than define names on import')}"
        if any(s.effects for s in summaries if s is not None):
            return "whose import-time code does more than define names"
        lazy = next((why for s in summaries if s is not None and (why := lazy_reads(self.source, s)) is not None), None)
        if lazy is not None:
            return lazy
        for summary in summaries:
            for fact in summary.imports if summary is not None else ():
                if fact.module is not None and runs_on_import(fact) and not self.source.in_project(fact.module):
                    top = fact.module.partition(".")[0]
                    if top not in sys.stdlib_module_names and top != "__future__":
                        return f"which imports {fact.module}, from outside the project: importing it may fail or run code"
                    if not defines_only(fact.module):
                        return f"which imports {fact.module}, a standard-library module not known to only define names"
        return None

    def _parents_before(self, importer: str, line: int, may: LazyImportGraph, graph: LazyImportGraph | None = None) -> list[str]:
        """What the packages above the importer have run, whole, before it starts
        (``fix.runs_before``: the depth-first prefix of their imports)."""
        return parents_before(self, importer, line, may, graph)

    def _import_time_facts(self, module: str, maybe: bool = False) -> list[tuple[ImportFact, int]]:
        """The imports of project modules that run on every import of ``module`` (with
        ``maybe``: or may run, under `try` or `if`), in order, each with the first line of its
        file's statements with effects (0: none)."""
        return self._read.time_facts(module, maybe)

    def statements(self, module: str, graph: LazyImportGraph | None = None) -> ImporterStatements:
        """``module``'s import-time statements indexed by line (``_import_time_facts``, each
        running ``_targets`` with ``graph``), worked out once."""
        return self._read.indexed(module, graph, lambda fact: self._targets(module, fact, graph))

    def _targets(self, module: str, fact: ImportFact, graph: LazyImportGraph | None) -> list[str]:
        """What the import ``fact`` of ``module`` runs: as written, or as ``graph`` counts a rewrite."""
        return graph.targets(module, fact) if graph is not None else self._read.written(module, fact)

    def _other_imports(self, importer: str, line: int, graph: LazyImportGraph | None = None, late: bool = False) -> list[str]:
        """The project modules the importer's other import-time imports run, on every import, no
        later than they would once the statement at ``line`` runs them instead: the imports
        before it, and those after it that come before the importer's first statement with
        import-time effects (``ModuleSummary.effects``). Moving a module's import above
        ``django.setup()`` changes what it sees; above another import, as isort does, it does not.
        ``graph``: whose rewrites of those imports count (see ``LazyImportGraph.targets``);
        ``late``: the others instead, after the statement and after an effect. Each module once."""
        return self.statements(importer, graph).others(line, late)

    def _sure_graph(self) -> LazyImportGraph:
        """The project as written, with only the imports that run on every import of a module."""
        if self._sure is None:
            self._sure = LazyImportGraph(self.source, surely=True)
        return self._sure

    def _kept_graph(self, mover: Mover | None) -> LazyImportGraph:
        """What runs on every import once ``mover`` has fixed the project, whichever of its
        rewrites apply."""
        graph = next((g for m, g in self._kept if m is mover), None)
        if graph is None:
            graph = LazyImportGraph(self.source, FixedImports(mover, self.source) if mover is not None else None, surely=True, whichever=True)
            self._kept.append((mover, graph))
        return graph

    def _may_graph(self, mover: Mover | None) -> LazyImportGraph:
        """Every import that may run once ``mover`` and the run's other rules have fixed the
        project, whichever of their rewrites apply: as written and as rewritten."""
        if mover is None:
            return self._graph(None)
        graph = next((g for m, g in self._may if m is mover), None)
        if graph is None:
            graph = LazyImportGraph(self.source, FixedImports(mover, self.source))
            self._may.append((mover, graph))
        return graph

    def _graph(self, mover: Mover | None) -> LazyImportGraph:
        graph = next((g for m, g in self._graphs if m is mover), None)
        if graph is None:
            graph = LazyImportGraph(self.source, FixedImports(mover, self.source, others=False) if mover is not None else None)
            self._graphs.append((mover, graph))
        return graph
