"""The project as a later round of ``fix_source`` sees it: the file being fixed is its fixed text.

``fix.apply.fix_source`` fixes the fixed text again when one fix enables another (a reference
rewritten leaves an import that now moves as a whole). What the verifier reads of the file itself
(where each import statement is, what runs before it, which statements have effects, which
``# ssot: ignore`` comments hold) must then be read from that text: the summary of the file on
disk places round 1's inserted and rewritten imports at other lines, so an import on disk line 5
would count as running before the round-2 statement now at line 6. ``verifier_for`` gives each
later round a verifier of its own over ``FixedText``: the project's modules as the run's source
has them, but the file's module summarised from the text being fixed; so are its per-file facts
(``module_facts``, ``file_facts``: what it imports and reads through its imports, as
``fix.attribute_reads`` asks) and the words it spells (``spelling``), which would otherwise be read
from the file on disk, as round 1 found it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.ci.suppressions import scan as scan_suppressions
from ssot_lint.fix.verify import ImportVerifier, ModuleSource
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, Suppression
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.project.summary_walk import summarise
from ssot_lint.run.word_tests import (
    WHOLE_WORD,
    SpellingTest,
    attribute_words,
    binds_by_import,
    names_module,
    spells,
    spells_after_dot,
    star_imports,
    stores_into,
)


class FixedText:
    """``fix.verify.ModuleSource`` over ``source``, with ``module`` read from ``summary`` (and its
    suppression comments from ``comments``): every other question goes to ``source``."""

    def __init__(self, source: ModuleSource, ref: FileRef, text: str) -> None:
        assert ref.module
        self._source = source
        self._ref = ref
        self._module = ref.module
        self._text = text
        self._summary = summarise(FileContext(ref, text))
        self._comments = list(scan_suppressions(text))

    def in_project(self, dotted: str) -> bool:
        return self._source.in_project(dotted)

    def exists(self, module: str) -> bool:
        return self._source.exists(module)

    def summaries(self, module: str) -> list[ModuleSummary | None]:
        return [self._summary] if module == self._module else self._source.summaries(module)

    def clash(self, dotted: str, importer: str = "") -> str | None:
        clash = getattr(self._source, "clash", None)
        return clash(dotted, importer) if clash is not None else None

    def own_copy(self, importer: str, path: str = "") -> FixedText | None:
        """This text over the view from ``importer``'s copy of its package, when the project gives
        one (``run.modules.ProjectModules.own_copy``): the copy's modules, this file's as fixed."""
        pin = getattr(self._source, "own_copy", None)
        pinned = pin(importer, path) if pin is not None else None
        if pinned is None:
            return None
        view = copy.copy(self)
        view._source = pinned
        return view

    def suppressions(self, module: str) -> list[Suppression]:
        if module == self._module:
            return self._comments
        found = getattr(self._source, "suppressions", None)
        return found(module) if found is not None else []

    def prefetch(self, modules: Iterable[str]) -> None:
        fetch = getattr(self._source, "prefetch", None)
        if fetch is not None:
            fetch([m for m in modules if m != self._module])

    def module_facts(self, modules: Iterable[str], rule: Rule) -> dict[str, list[Any]]:
        """``rule``'s facts by module, the fixed module's read from its fixed text."""
        wanted = set(modules)
        facts = getattr(self._source, "module_facts", None)
        found: dict[str, list[Any]] = dict(facts(wanted - {self._module}, rule)) if facts is not None else {}
        if self._module in wanted:
            found[self._module] = [self._facts(rule)]
        return found

    def file_facts(self, paths: Iterable[str], rule: Rule) -> dict[str, Any]:
        """``rule``'s facts by path, the fixed file's read from its fixed text."""
        wanted = set(paths)
        facts = getattr(self._source, "file_facts", None)
        found: dict[str, Any] = dict(facts(wanted - {self._ref.path}, rule)) if facts is not None else {}
        if self._ref.path in wanted:
            found[self._ref.path] = self._facts(rule)
        return found

    def spelling(self, words: Iterable[str], test: SpellingTest = WHOLE_WORD) -> dict[str, list[str]]:
        """The project's spelling (see ``run.modules.ProjectModules.spelling``), the fixed module's
        read from its fixed text."""
        words = list(words)
        found = self._source.spelling(words, test)  # type: ignore[attr-defined]
        data = self._text.encode("utf-8", "surrogateescape")
        spelt = attribute_words(data) if test.attribute else set()
        result = {}
        for word, modules in found.items():
            here = (
                binds_by_import(data, word)
                if test.bound
                else star_imports(data, word)
                if test.star
                else stores_into(data, word)
                if test.store
                else spells_after_dot(data, word)
                if test.dotted
                else names_module(data, word)
                if test.named
                else word in spelt
                if test.attribute and word.isascii()
                else spells(data, word)
            )
            result[word] = sorted({*(m for m in modules if m != self._module), *([self._module] if here else [])})
        return result

    def _facts(self, rule: Rule) -> Any:
        return rule.check(FileContext(self._ref, self._text))[1]

    def __getattr__(self, name: str) -> Any:  # spelling, module_facts ...: the project's, as read
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._source, name)


def verifier_for(verifier: ImportVerifier, ref: FileRef, text: str) -> ImportVerifier:
    """A verifier over the project with ``ref``'s module as ``text`` (a fixed text) has it."""
    if not ref.module or not verifier.source.exists(ref.module):
        return verifier  # not a module of the project: no verification reads its summary
    return ImportVerifier(FixedText(verifier.source, ref, text))
