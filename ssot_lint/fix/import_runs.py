"""What rewriting an import changes about what runs when a module is imported, for fix
verification (``fix.verify``): a new import cycle, a project module the importer did not import
before, a module with import-time effects it would no longer import. Read from the import graph
the project's module summaries draw (``project.import_graph``), walked lazily and memoized."""

from __future__ import annotations

from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Mover, Need, Verdict
from ssot_lint.project.import_graph import LazyImportGraph, import_targets, runs_on_import
from ssot_lint.project.module_index import parents


class ImportRuns:
    """Questions about what an import statement runs, over ``source``'s modules."""

    def __init__(self, source: ModuleSource) -> None:
        self.source = source
        # The import graph each fix (mover) leaves, walked lazily: found by the mover's identity,
        # which a key of id() would not survive pickling to a worker with.
        self._graphs: list[tuple[Mover | None, LazyImportGraph]] = []
        self._sure: LazyImportGraph | None = None
        self._kept: list[tuple[Mover | None, LazyImportGraph]] = []

    def imports_more(self, need: Need) -> Verdict | None:
        """Why the rewritten statement of ``need`` (in ``need.importer``) may change what
        importing the importer does, None when it cannot: the statement runs on import (or in a
        function, when called) and makes the importer import a project module it did not import
        before, through the old import, the packages above the importer, or its other
        import-time imports that run no later (see ``_other_imports``). Importing a module runs its code: Django's ``auth.models`` re-exports
        ``base_user``'s class, and importing it fails unless ``django.contrib.auth`` is an
        installed app. A deprecated shim that imports its replacement passes."""
        importer = need.importer
        new = self._edges(importer, need.new)
        if not new or not self._runs_on_import(importer, need.line):
            return None
        graph = self._sure_graph()  # the project as written: what importing the importer runs now, for sure
        ran = (self._edges(importer, need.old), parents(importer), self._other_imports(importer, need.line))
        for starts in ran:
            new = [target for target in new if not any(graph.reaches(start, target) for start in starts)]
            if not new:
                return None
        return Verdict(UNVERIFIED, f"{importer} did not import {new[0]} before, and importing it runs code that may change what the program does")

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
        closing = [target for target in self._edges(importer, need.new) if importer in graph.reachable([target])]
        if not closing:
            return None
        # Only the module the import as written read from excuses the cycle: a shim that merely
        # imports T (Django's query_utils does `from django.db import models`) may do so while T
        # is half initialized and never read the name from it.
        before = set(self._edges(importer, need.old, packages=False))
        for target in closing:
            if target in before or not self._runs_on_import(importer, need.line):
                continue
            chain = graph.path(target, importer)
            assert chain is not None
            return Verdict(UNVERIFIED, f"rewriting this import makes {' -> '.join([importer, *chain])} an import cycle")
        return None

    def _edges(self, importer: str, dotted: str, packages: bool = True) -> list[str]:
        """The project modules an import of ``dotted`` (a module, or ``module.Name``) in
        ``importer`` runs (see ``project.import_graph.import_targets``); the one it reads from
        alone without ``packages``."""
        if not self.source.in_project(dotted):
            return []
        parts = dotted.split(".")
        module = next((".".join(parts[:end]) for end in range(len(parts), 0, -1) if self.source.exists(".".join(parts[:end]))), None)
        return import_targets(importer, module, None, self.source.exists, packages) if module is not None else []

    def _runs_on_import(self, importer: str, line: int) -> bool:
        """Whether the import statement at ``line`` of ``importer`` may run when it is imported
        (its summary says where each import is); when unknown, it is taken to. An import in a
        function counts: a decorator or a module-level call may run the function on import
        (SymPy's ``threaded_factory``, called by ``@xthreaded`` while ``sympy`` imports)."""
        facts = [f for s in self.source.summaries(importer) if s is not None for f in s.imports if f.statement[0] == line]
        return not facts or any(runs_on_import(fact, include_function_imports=True) for fact in facts)

    def imports_less(self, need: Need, mover: Mover | None) -> Verdict | None:
        """Why the rewritten statement of ``need`` may stop code from running that runs now,
        None when it cannot: the old import runs project modules (the deprecated one and what it
        imports) that neither the replacement, nor the packages above the importer, nor the
        importer's other import-time imports run, and one of them does more than bind its own
        names (``ModuleSummary.effects``: a shim that patches the class it re-exports, a
        registration call). A shim of imports, re-exports and ``warnings.warn`` passes: that
        its warning no longer shows is what the fix is for. What still runs is what runs whichever
        of ``mover``'s other rewrites apply: two statements importing one shim each keep it
        running only while the other stays."""
        importer = need.importer
        old = self._edges(importer, need.old)
        if not old or not self._runs_on_import(importer, need.line):
            return None
        graph, kept = self._graph(None), self._kept_graph(mover)  # what the old import may run; what runs for sure once fixed
        # Only modules with import-time effects matter: ask what still runs (a walk of the
        # importer's packages' imports, which may be most of the project) only for them.
        effectful = [m for m in sorted(graph.reachable(old) - {importer}) if any(s is None or s.effects for s in self.source.summaries(m))]
        if not effectful:
            return None
        # Not through the importer: its package may import it, and the chain would come back
        # through the very statement the fix rewrites.
        still = kept.reachable_avoiding([*self._edges(importer, need.new), *parents(importer), *self._other_imports(importer, need.line, kept)], importer)
        lost = next((m for m in effectful if m not in still), None)
        if lost is None:
            return None
        return Verdict(UNVERIFIED, f"{importer} would no longer import {lost}, whose import-time code does more than define names")

    def _other_imports(self, importer: str, line: int, graph: LazyImportGraph | None = None) -> list[str]:
        """The project modules the importer's other import-time imports run, on every import, no
        later than they would once the statement at ``line`` runs them instead: the imports
        before it, and those after it that come before the importer's first statement with
        import-time effects (``ModuleSummary.effects``). Moving a module's import above
        ``django.setup()`` changes what it sees; above another import, as isort does, it does not.
        ``graph``: whose rewrites of those imports count (see ``LazyImportGraph.targets``)."""
        targets: list[str] = []
        for summary in self.source.summaries(importer):
            first_effect = summary.effects if summary is not None else 0
            for fact in summary.imports if summary is not None else ():
                if (
                    fact.statement[0] != line
                    and (fact.statement[0] < line or not first_effect or fact.statement[0] < first_effect)
                    and fact.module is not None
                    and runs_on_import(fact)
                    and not fact.conditional
                    and self.source.in_project(fact.module)
                ):
                    targets += graph.targets(importer, fact) if graph is not None else import_targets(importer, fact.module, fact.name, self.source.exists)
        return targets

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
            graph = LazyImportGraph(self.source, mover.moved if mover is not None else None, surely=True, whichever=True)
            self._kept.append((mover, graph))
        return graph

    def _graph(self, mover: Mover | None) -> LazyImportGraph:
        graph = next((g for m, g in self._graphs if m is mover), None)
        if graph is None:
            graph = LazyImportGraph(self.source, mover.moved if mover is not None else None)
            self._graphs.append((mover, graph))
        return graph
