"""The project's import graph at import time, drawn from module summaries: which modules an
import runs (and so waits on), and a graph walked lazily from the modules a question is about.

One definition of an edge for every user: the ``import-cycle`` kind builds the whole graph from
every module's summary, and fix verification (``fix.verify``) walks it from a rewrite's
replacement to ask whether the rewrite closes a new cycle. An import counts when it runs on
import (module level, class bodies, ``try`` / ``if`` blocks; not inside a function, not under
``if TYPE_CHECKING``, not under ``if __name__ == "__main__"``). ``import a.b.c`` runs ``a.b.c`` and,
first, the packages ``a`` and ``a.b``, except the importer's own packages, whose code has already
started when it runs (an explicit ``from pkg import X`` in ``pkg.mod`` still waits on ``pkg``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable
from typing import Protocol

from ssot_lint.project.graph import shortest_path
from ssot_lint.project.module_paths import parents
from ssot_lint.project.module_summary import ImportFact, ModuleSummary

# Where a fix sends ``from module import name`` (``import module`` when name is None): a dotted
# name, or None when it leaves the import alone (``fix.verify.Mover.moved``).
Moved = Callable[[str, "str | None"], "str | None"]


def runs_on_import(fact: ImportFact, include_function_imports: bool = False, ignore_type_checking: bool = True) -> bool:
    """Whether the import runs when its module is imported (with the ``import-cycle`` kind's
    options: imports inside functions counted too, ``if TYPE_CHECKING`` blocks not skipped)."""
    if fact.main_block or (fact.in_function and not include_function_imports):
        return False
    return not (fact.type_checking and ignore_type_checking)


def named_targets(module: str, name: str | None, has_code: Callable[[str], bool], follow_package_init: bool = True) -> tuple[str | None, list[str]]:
    """What ``from module import name`` (``import module`` when ``name`` is None) runs, whoever
    imports: the module it names (``module.name`` when that is a module, else ``module``: ``name``
    is then an attribute of it; None when missing, or a namespace with no code) and, with
    ``follow_package_init``, the packages from the top down to ``module``. ``has_code``: whether a
    module has a file."""
    submodule = f"{module}.{name}"
    if name not in (None, "*") and has_code(submodule):
        explicit: str | None = submodule
    else:
        explicit = module if has_code(module) else None
    packages = [p for p in (*parents(module), module) if has_code(p)] if follow_package_init else []
    return explicit, packages


def own_targets(named: tuple[str | None, list[str]], importer: str, own: Collection[str]) -> list[str]:
    """The modules an import (``named_targets``) in ``importer`` runs and so waits on: not the
    importer itself, and no package in ``own`` (the importer and the packages above it), whose
    code has already started when the importer runs; the module it names explicitly still counts."""
    explicit, packages = named
    targets = [explicit] if explicit is not None and explicit != importer else []
    targets += [p for p in packages if p not in own and p not in targets]
    return targets


def import_targets(importer: str, module: str, name: str | None, has_code: Callable[[str], bool], follow_package_init: bool = True) -> list[str]:
    """The modules ``from module import name`` in the module ``importer`` runs (see above)."""
    return own_targets(named_targets(module, name, has_code, follow_package_init), importer, {importer, *parents(importer)})


class Modules(Protocol):
    """The project's modules as a lazy graph reads them (``run.modules.ProjectModules`` is one);
    a ``prefetch(modules)`` method, when there is one, summarises a batch at once."""

    def in_project(self, dotted: str) -> bool: ...
    def exists(self, module: str) -> bool: ...
    def summaries(self, module: str) -> list[ModuleSummary | None]: ...


class LazyImportGraph:
    """Import-time edges among the project's modules, read from a module's summary only when a
    walk reaches it, and the modules each walk reaches, memoized.

    With ``moved`` (a fix that rewrites imports across the project), ``after`` holds every import
    both as written and as the fix rewrites it: whichever rewrites end up applied, a walk over it
    reaches at least what the fixed project imports. ``direct`` holds, per module, the modules
    it imports names from itself (``from T import X``, ``import T``: no packages above them)
    among the imports the fix leaves alone. A module that could not be analyzed has no edges (it
    does not import either). With ``surely``, an import in a branch that may not run (under an
    ``if``, in a loop or an ``except`` handler) is no edge: the graph then holds what importing a
    module runs for sure, not what it may run."""

    def __init__(self, modules: Modules, moved: Moved | None = None, surely: bool = False, whichever: bool = False) -> None:
        self.modules = modules
        self.moved = moved
        self.surely = surely  # only the imports that run on every import (``ImportFact.conditional``)
        # With ``moved``: a rewritten import's edges are those it has as written and rewritten
        # alike (what runs whichever rewrites apply), not those it has either way.
        self.whichever = whichever
        self.after: dict[str, set[str]] = {}
        self._direct: dict[str, set[str]] = {}
        self._reached: dict[str, frozenset[str]] = {}  # complete walks
        self._walks: dict[str, _Walk] = {}  # walks from one module, as far as a question needed
        self._fact_targets: dict[tuple[str, str | None, str | None, int], list[str]] = {}  # see targets

    def reachable(self, starts: Iterable[str]) -> frozenset[str]:
        """The modules imported at import time from any of ``starts`` (themselves included)."""
        found: set[str] = set()
        for start in starts:
            reached = self._reached.get(start)
            if reached is None:
                walk = self._walk_from(start)
                self._advance(walk)
                reached = self._reached[start] = frozenset(walk.seen)
                del self._walks[start]
            found |= reached
        return frozenset(found)

    def reaches(self, start: str, module: str) -> bool:
        """Whether importing ``start`` imports ``module`` at import time: the walk from
        ``start`` goes on (memoized) only until it finds ``module``."""
        reached = self._reached.get(start)
        if reached is not None:
            return module in reached
        walk = self._walk_from(start)
        self._advance(walk, {module})
        return module in walk.seen

    def reachable_avoiding(self, starts: Iterable[str], avoid: str) -> set[str]:
        """The modules imported at import time from ``starts`` by chains that do not pass
        through ``avoid`` (not memoized: a question about one importer's statement)."""
        walk = _Walk(starts, avoid)
        self._advance(walk)
        return walk.seen

    def reachable_outside(self, starts: Iterable[str], known: frozenset[str]) -> set[str]:
        """The modules imported at import time from ``starts`` by chains that enter no module of
        ``known`` (what another walk reaches: past one of them, a chain reaches only what that walk
        does), ``known`` left out (not memoized: a question about one importer's statement)."""
        if not known:
            return set(self.reachable(starts))
        walk = _Walk(s for s in starts if s not in known)
        while walk.level:
            self._load(walk.level)
            level = {t for m in walk.level for t in self.after[m]} - walk.seen - known
            walk.level = sorted(level)
            walk.seen.update(level)
        return walk.seen

    def reached_avoiding(self, starts: Iterable[str], avoid: str, targets: Iterable[str]) -> set[str]:
        """The modules of ``targets`` that ``reachable_avoiding(starts, avoid)`` holds, from a
        walk that stops once it has found them all (most questions are about a few modules that
        the first levels reach; only a module not reached makes the walk cover everything)."""
        wanted = set(targets)
        if not wanted:
            return set()
        walk = _Walk(starts, avoid)
        self._advance(walk, wanted)
        return wanted & walk.seen

    def edges(self, module: str) -> set[str]:
        """The modules ``module`` imports at import time (``after``)."""
        self._load([module])
        return self.after[module]

    def direct(self, module: str) -> set[str]:
        """The modules ``module`` imports from itself at import time, the fix aside."""
        self._load([module])
        return self._direct[module]

    def path(self, start: str, end: str) -> list[str] | None:
        """A shortest chain of imports ``start`` ... ``end`` over ``after`` edges."""
        reached = self.reachable([start])
        return shortest_path(self.after, start, end, set(reached)) if end in reached else None

    def _walk_from(self, start: str) -> _Walk:
        walk = self._walks.get(start)
        if walk is None:
            walk = self._walks[start] = _Walk([start])
        return walk

    def _advance(self, walk: _Walk, until: set[str] | None = None) -> None:
        """Walk on breadth first, one batch of summaries per level, until every module of
        ``until`` is seen (to the end without)."""
        edges = self.after
        while walk.level and (until is None or not until <= walk.seen):
            self._load(walk.level)
            level = {t for m in walk.level for t in edges[m]} - walk.seen
            level.discard(walk.avoid)
            walk.level = sorted(level)
            walk.seen.update(level)

    def _load(self, modules: list[str]) -> None:
        todo = [m for m in modules if m not in self.after]
        prefetch = getattr(self.modules, "prefetch", None)
        if todo and prefetch is not None:
            prefetch(todo)
        queue = deque(todo)
        while queue:
            module = queue.popleft()
            after, direct = self.after.setdefault(module, set()), self._direct.setdefault(module, set())
            for summary in self.modules.summaries(module) if self.modules.exists(module) else ():
                for fact in summary.imports if summary is not None else ():
                    if fact.module is None or not runs_on_import(fact) or not self.modules.in_project(fact.module):
                        continue
                    if self.surely and fact.conditional:
                        continue
                    rewritten = self._rewritten(module, fact)
                    after.update(self._targets(module, fact, rewritten))
                    if rewritten is None:
                        direct.update(import_targets(module, fact.module, fact.name, self.modules.exists, follow_package_init=False))

    def targets(self, module: str, fact: ImportFact) -> list[str]:
        """The project modules the import ``fact`` (of a project module) in ``module`` runs: as
        written, and as ``moved`` rewrites it, either (a walk then reaches at least what the
        fixed project imports) or, with ``whichever``, both (at most what it imports). Worked out
        once per import: fix verification asks of the same statements for every rewrite."""
        key = (module, fact.module, fact.name, fact.span[0])
        found = self._fact_targets.get(key)
        if found is None:
            found = self._fact_targets[key] = self._targets(module, fact, self._rewritten(module, fact))
        return found

    def _targets(self, module: str, fact: ImportFact, rewritten: tuple[str, str | None] | None) -> list[str]:
        assert fact.module is not None
        targets = import_targets(module, fact.module, fact.name, self.modules.exists)
        if rewritten is None:
            return targets
        moved = import_targets(module, *rewritten, self.modules.exists) if self.modules.in_project(rewritten[0]) else []
        return [t for t in targets if t in moved] if self.whichever else [*targets, *moved]

    def _rewritten(self, module: str, fact: ImportFact) -> tuple[str, str | None] | None:
        """What the import ``fact`` of ``module`` becomes under ``moved``: (module, name) as in
        ``import_targets``; None when it stays, as when the fix would make the module import
        from itself (fixes refuse that)."""
        assert fact.module is not None
        # A fix that knows which statements it leaves as written answers per statement
        # (``fix.fixed_imports``): a suppressed or out-of-scope import stays.
        statement = getattr(self.moved, "statement", None)
        after = statement(module, fact) if statement is not None else self.moved(fact.module, fact.name) if self.moved is not None else None
        if after is None:
            return None
        head, _, last = after.rpartition(".")
        if fact.name is not None and fact.name != "*" and head:
            rewritten: tuple[str, str | None] = (head, last)
        else:
            rewritten = (after, fact.name if fact.name == "*" else None)
        return None if module in (after, head) else rewritten


class _Walk:
    """A breadth-first walk over import-time edges, resumable: what it has seen (its starts
    included, ``avoid`` never) and the level it goes on from."""

    __slots__ = ("avoid", "level", "seen")

    def __init__(self, starts: Iterable[str], avoid: str | None = None) -> None:
        self.avoid = avoid
        self.seen = {s for s in starts if s != avoid}
        self.level = sorted(self.seen)
