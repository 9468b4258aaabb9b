"""The project as seen from inside one copy of a top-level package that several places give.

A monorepo's ``services/api/app/`` and ``services/worker/app/`` are both the regular package
``app`` (no ``src`` names them apart). Which one ``import app`` finds depends on ``sys.path``,
which the project does not show (``fix.module_clashes``), unless the importer is itself a module
of one of them: ``services/worker/app/main.py`` runs as ``app.main`` only once ``app`` is the
worker's copy, and a regular package's ``__path__`` is its own directory, so every ``app.*``
module that process imports is the worker's file too, whatever the api's copy holds. ``OwnCopy``
is that process's view: the ``fix.verify.ModuleSource`` of the project with every module name
under the package resolved to the importer's copy alone, so the verifier judges the rewrite
against that copy's summaries (safe when it holds there) and names the copy's files in what it
says (``judged``).

Nothing else is pinned: another top-level name given twice is still found through ``sys.path``
(a clash), and a namespace package (no ``__init__.py``: ``src`` roots) spans every copy on
``sys.path``, so it gets no view. An importer outside the copies (a top-level module, a script
in a plain folder beside them) was not imported through one and gets none either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ssot_lint.fix.verdicts import Verdict
from ssot_lint.kinds.base import Rule
from ssot_lint.model import Suppression
from ssot_lint.project.module_paths import anchor, parents, within
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.module_places import unanalyzed_path
from ssot_lint.run.word_tests import WHOLE_WORD, SpellingTest

if TYPE_CHECKING:
    from ssot_lint.run.modules import ProjectModules


def own_copy(modules: ProjectModules, importer: str, path: str = "") -> OwnCopy | None:
    """The view from ``importer``'s copy of its top-level package, when several places give that
    package and ``importer``'s file (at ``path``, else its one file) lies in a regular copy of
    it; None otherwise (see the module docstring)."""
    top = importer.partition(".")[0]
    if not importer or top not in modules.index().ambiguous:
        return None
    source = modules.file_at(path) if path else None
    if source is None or source.ref.module != importer:
        source = modules.one_file(importer)
    home = anchor(source.ref) if source is not None else None
    if home is None or not any(s.ref.is_package and anchor(s.ref) == home and s.ref.path.endswith(".py") for s in modules.files(top)):
        return None  # not one file, or its package a namespace spanning every copy
    return OwnCopy(modules, top, home)


class OwnCopy:
    """``modules`` with every module within ``top`` given by the files below ``home`` alone."""

    def __init__(self, modules: ProjectModules, top: str, home: str) -> None:
        self._modules = modules
        self.top = top
        self.home = home
        self._namespaces: set[str] | None = None  # directories of the copy without a file of their own

    def _files(self, module: str, runtime: bool = False) -> list[SourceFile]:
        return [s for s in self._modules.files(module) if anchor(s.ref) == self.home and not (runtime and s.ref.path.endswith(".pyi"))]

    def in_project(self, dotted: str) -> bool:
        return self._modules.in_project(dotted)

    def unseen(self, dotted: str, importer: str) -> str | None:
        return self._modules.unseen(dotted, importer)

    def canonical(self, dotted: str) -> str:
        return self._modules.canonical(dotted)

    def exists(self, module: str) -> bool:
        if not within(module, self.top):
            return self._modules.exists(module)
        if self._namespaces is None:
            entries = self._modules.index().entries
            self._namespaces = {p for m in entries if within(m, self.top) and self._files(m) for p in parents(m)}
        return bool(self._files(module)) or module in self._namespaces

    def summaries(self, module: str) -> list[ModuleSummary | None]:
        if not within(module, self.top):
            return self._modules.summaries(module)
        found = self._modules.summaries(module)  # aligned with the module's runtime files
        runtime = [s for s in self._modules.files(module) if not s.ref.path.endswith(".pyi")]
        if not self._files(module):
            return []  # not in this copy (a namespace directory of it has no summary either)
        return [summary for source, summary in zip(runtime, found) if anchor(source.ref) == self.home] or [None]  # only a stub: says nothing

    def path_of(self, module: str) -> str | None:
        if not within(module, self.top):
            return self._modules.path_of(module)
        files = self._files(module, runtime=True)
        return files[0].ref.path if files else None

    def unanalyzed(self, module: str) -> str | None:
        if not within(module, self.top):
            return self._modules.unanalyzed(module)
        return unanalyzed_path(self._files(module, runtime=True), self.summaries(module))

    def texts(self, module: str) -> list[tuple[str, bytes | None]]:
        found = self._modules.texts(module)
        if not within(module, self.top):
            return found
        own = {s.ref.path for s in self._files(module, runtime=True)}
        return [(path, data) for path, data in found if path in own]

    def suppressions(self, module: str) -> list[Suppression]:
        if not within(module, self.top):
            return self._modules.suppressions(module)
        self._modules.summaries(module)  # the comments are read with the summaries
        return [comment for s in self._files(module, runtime=True) for comment in self._modules.file_comments(s.ref.path)]

    def module_facts(self, modules: Iterable[str], rule: Rule) -> dict[str, list[Any]]:
        wanted = set(modules)
        pinned = {m for m in wanted if within(m, self.top)}
        found = dict(self._modules.module_facts(wanted - pinned, rule)) if wanted - pinned else {}
        paths = {s.ref.path: m for m in pinned for s in self._files(m, runtime=True)}
        for path, facts in self._modules.file_facts(paths, rule).items():
            found.setdefault(paths[path], []).append(facts)
        return found

    def file_facts(self, paths: Iterable[str], rule: Rule) -> dict[str, Any]:
        return self._modules.file_facts(paths, rule)

    def spelling(self, words: Iterable[str], test: SpellingTest = WHOLE_WORD) -> dict[str, list[str]]:
        """The project's (a module name is listed when any of its files spells the word: more
        candidates than this copy's, whose facts then decide)."""
        return self._modules.spelling(words, test)

    def prefetch(self, modules: Iterable[str]) -> None:
        self._modules.prefetch(modules)

    def clash(self, dotted: str, importer: str = "") -> str | None:
        return None if within(dotted, self.top) else self._modules.clash(dotted, importer)

    def has_clashes(self) -> bool:
        return self._modules.has_clashes()

    def beside(self, importer: str, top: str) -> str | None:
        return self._modules.beside(importer, top)

    def own_copy(self, importer: str, path: str = "") -> None:
        return None  # the view is the copy's already

    def judged(self, verdict: Verdict) -> Verdict:
        """``verdict`` with each reason naming the files of this copy it was judged against (the
        modules within ``top`` it names, or the package above one that is not in the copy)."""
        if not verdict.reason:
            return verdict
        return replace(verdict, reason="; ".join(self._named(part) for part in verdict.reason.split("; ")))

    def _named(self, reason: str) -> str:
        # Dotted names within top, not a part of a path (services/worker/app/x.py) or of a word.
        spelt = re.finditer(rf"(?<![\w./]){re.escape(self.top)}(?:\.\w+)*(?![\w/])", reason)
        paths: dict[str, None] = {}
        for match in spelt:
            parts = match.group().split(".")
            files = next((f for end in range(len(parts), 0, -1) if (f := self._files(".".join(parts[:end]), runtime=True))), [])
            if files:
                paths.setdefault(files[0].ref.path)
        return f"{reason} (judged against the importer's copy: {', '.join(paths)})" if paths else reason
