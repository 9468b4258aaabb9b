"""One importer's import-time import statements, indexed by line, for the questions fix
verification asks of each rewritten statement (``fix.import_runs``, ``fix.import_order``): what
the statements before it run, the importer's other imports that run no later than it (or later,
after code with effects), and the statements after it one by one.

Each question used to walk every statement of the importer, so verifying N findings of one file
cost N times N (800 deprecated imports in one file: 27 s). Here each module a statement runs is
indexed once by the first line that runs it (and the last line that does, among the statements
before the file's first statement with effects and among those after it): a question is a
binary search, its answer the modules themselves (each once: every caller walks from them as a
set)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from ssot_lint.fix.verdicts import ModuleSource
from ssot_lint.project.import_graph import LazyImportGraph, import_targets, runs_on_import
from ssot_lint.project.module_summary import ImportFact


class ModuleStatements:
    """What fix verification reads of the import statements of ``source``'s modules, each worked
    out once (``fix.import_runs`` asks the same of an importer for each of its rewrites): the
    modules an import runs, the imports of a line, those that run on import, and each module's
    statements indexed by line (``ImporterStatements``) as a graph's rewrites leave them."""

    def __init__(self, source: ModuleSource) -> None:
        self.source = source
        self._time_facts: dict[tuple[str, bool], list[tuple[ImportFact, int]]] = {}
        self._at_line: dict[str, dict[int, list[ImportFact]]] = {}
        self._written: dict[tuple[str, str | None, str | None], list[str]] = {}
        self._edges: dict[tuple[str, str, bool], list[str]] = {}
        self._indexed: list[tuple[LazyImportGraph | None, dict[str, ImporterStatements]]] = []  # by graph identity

    def edges(self, importer: str, dotted: str, packages: bool) -> list[str]:
        """See ``ImportRuns._edges``."""
        key = (importer, dotted, packages)
        found = self._edges.get(key)
        if found is None:
            found = []
            if self.source.in_project(dotted):
                parts = dotted.split(".")
                module = next((".".join(parts[:end]) for end in range(len(parts), 0, -1) if self.source.exists(".".join(parts[:end]))), None)
                found = import_targets(importer, module, None, self.source.exists, packages) if module is not None else []
            self._edges[key] = found
        return found

    def at_line(self, importer: str, line: int) -> list[ImportFact]:
        """The imports of the statement at ``line`` of ``importer``."""
        by_line = self._at_line.get(importer)
        if by_line is None:
            by_line = self._at_line[importer] = {}
            for fact in (f for s in self.source.summaries(importer) if s is not None for f in s.imports):
                by_line.setdefault(fact.statement[0], []).append(fact)
        return by_line.get(line, [])

    def time_facts(self, module: str, maybe: bool) -> list[tuple[ImportFact, int]]:
        """See ``ImportRuns._import_time_facts``."""
        found = self._time_facts.get((module, maybe))
        if found is None:
            found = self._time_facts[module, maybe] = [
                (fact, summary.effects)
                for summary in self.source.summaries(module)
                if summary is not None
                for fact in summary.imports
                if fact.module is not None and runs_on_import(fact) and (maybe or not fact.conditional) and self.source.in_project(fact.module)
            ]
        return found

    def runs_already(self, importer: str, target: str, line: int) -> int:
        """The first line of another statement of ``importer`` than the one at ``line`` that
        runs ``target`` on every import of it (0: none)."""
        facts = self.time_facts(importer, False)
        return next((fact.statement[0] for fact, _ in facts if fact.statement[0] != line and target in self.written(importer, fact)), 0)

    def written(self, module: str, fact: ImportFact) -> list[str]:
        """What the import ``fact`` of ``module`` runs as written (``import_targets``)."""
        assert fact.module is not None
        key = (module, fact.module, fact.name)
        found = self._written.get(key)
        if found is None:
            found = self._written[key] = import_targets(module, fact.module, fact.name, self.source.exists)
        return found

    def indexed(self, module: str, graph: LazyImportGraph | None, targets: Callable[[ImportFact], list[str]]) -> ImporterStatements:
        """``module``'s import-time statements, each running ``targets`` (those ``graph`` counts)."""
        memo = next((m for g, m in self._indexed if g is graph), None)
        if memo is None:
            memo = {}
            self._indexed.append((graph, memo))
        found = memo.get(module)
        if found is None:
            found = memo[module] = ImporterStatements(self.time_facts(module, False), targets)
        return found


class ImporterStatements:
    """``facts``: an importer's import-time imports of project modules (``ImportRuns._import_time_facts``),
    each with the first line of its file's statements with effects (0: none); ``targets``: the
    project modules one of them runs."""

    def __init__(self, facts: list[tuple[ImportFact, int]], targets: Callable[[ImportFact], list[str]]) -> None:
        first: dict[str, int] = {}  # module -> the first line whose statement runs it
        last_early: dict[str, int] = {}  # ... the last such line before the first effect
        last_late: dict[str, int] = {}  # ... the last such line after it
        early_statements: dict[int, dict[str, None]] = {}
        for fact, first_effect in facts:
            at = fact.statement[0]
            early = not first_effect or at < first_effect
            for target in targets(fact):
                first[target] = min(first.get(target, at), at)
                last = last_early if early else last_late
                last[target] = max(last.get(target, at), at)
                if early:
                    early_statements.setdefault(at, {})[target] = None
        self._first = _ByLine(first)
        self._last_early = _ByLine(last_early)
        self._last_late = _ByLine(last_late)
        self._statement_lines = sorted(early_statements)
        self._statements = [list(early_statements[at]) for at in self._statement_lines]

    def before(self, line: int) -> list[str]:
        """The modules the statements before ``line`` run."""
        return self._first.below(line)

    def later_statements(self, line: int) -> list[list[str]]:
        """The modules each statement after ``line`` runs, in order, up to the file's first
        statement with effects."""
        return self._statements[bisect_right(self._statement_lines, line) :]

    def others(self, line: int, late: bool = False) -> list[str]:
        """The modules the other statements run no later than the statement at ``line`` would:
        those before it, and those after it before the first statement with effects; with
        ``late``, those after it after that statement instead."""
        if late:
            return self._last_late.above(line)
        return list(dict.fromkeys([*self._first.below(line), *self._last_early.above(line)]))


class _ByLine:
    """Modules, each with a line, sorted by it: those below a line, or above it, by bisection."""

    def __init__(self, lines: dict[str, int]) -> None:
        ordered = sorted(lines.items(), key=lambda item: item[1])
        self._lines = [line for _, line in ordered]
        self._modules = [module for module, _ in ordered]

    def below(self, line: int) -> list[str]:
        return self._modules[: bisect_left(self._lines, line)]

    def above(self, line: int) -> list[str]:
        return self._modules[bisect_right(self._lines, line) :]


def cycle_reason(statements: ModuleStatements, importer: str, line: int, target: str, cycle: list[str], why: str = "") -> str:
    """Why rewriting the statement at ``line`` of ``importer`` to read ``target``, which imports
    it back through ``cycle``, is unsafe: it makes that cycle; or, where another import of the
    importer runs ``target`` already (review27a: pydantic's ``_hypothesis_plugin`` imports
    ``pydantic.types`` itself), the cycle is that import's, but the rewritten import now reads
    ``target``, which the cycle may leave half initialized then. ``why``: what closes the cycle."""
    path = " -> ".join(cycle)
    own = statements.runs_already(importer, target, line)
    if not own:
        return f"rewriting this import makes {path} an import cycle{why}"
    return f"the rewritten import reads {target}, which may be half initialized then: {path} is an import cycle{why} the import at line {own} already makes"
