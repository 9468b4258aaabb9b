"""deprecated-import's prefilter: whether a file's text could hold a finding, decided without
parsing. It may only say no where the check (on the whole file's tree) finds nothing;
``tests/test_prefilter_superset.py`` checks that on every file of Django, SymPy and Home Assistant.

What a finding needs written, target by target:

- a member ``pkg.mod:Member``: ``from X import Member`` (or ``*``) where ``X`` resolves to
  ``pkg.mod`` (``from pkg.mod``, or a relative ``from .mod`` / ``from ..pkg.mod`` that resolves
  there from this file); or a reference ``<...>mod.Member`` through an import of a package above
  it, which spells ``mod`` and ``.Member``;
- a module ``pkg.mod``: ``.mod`` (``import pkg.mod``, ``from pkg.mod import``, ``from .mod
  import``, a reference ``pkg.mod.X``); or ``from X import mod`` where ``X`` resolves to ``pkg``;
- anything, in a file inside the target itself; for a module target, its last name in a file
  inside its parent package (``from . import mod`` spells no module name).

``from typing import X`` therefore no longer makes a file a candidate for a target
``homeassistant.helpers.typing:X``, as it did while the test was ``<last name> import``: only
``typing import`` clauses whose whole ``from`` clause resolves to the target's module count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ssot_lint.analysis.imports import resolve_relative
from ssot_lint.analysis.prefilter import spelled
from ssot_lint.kinds.base import Target, word_pattern
from ssot_lint.model import FileRef

_STAR_IMPORT = re.compile(r"import[\s\\]*\*")
# `from`, the dots of a relative import, the dotted module (tokens may be apart: `from a . b`, a
# backslash continuation), `import`.
_FROM_CLAUSE = re.compile(r"from[\s\\]*((?:\.[\s\\]*)*)(\w+(?:[\s\\]*\.[\s\\]*\w+)*)[\s\\]+import")
_SEPARATORS = re.compile(r"[\s\\]+")


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def _clause_ends(last_parts: Iterable[str]) -> re.Pattern[str] | None:
    """``<last> import`` for each of ``last_parts``: where a ``from`` clause naming a module that
    ends so can end. Each name leads, its look-behind after it, so the regex engine skips ahead to
    the names' first characters."""
    names = sorted({re.escape(name) for name in last_parts})
    if not names:
        return None
    return re.compile("(?:" + "|".join(f"{m}(?<!\\w{m})" for m in names) + r")[\s\\]+import(?!\w)")


class FromModules:
    """Whether a text holds ``from X import`` with ``X`` resolving, from the file, to one of ``modules``."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.modules = frozenset(modules)
        self.ends = _clause_ends(_last(m) for m in self.modules)
        # The clause is read back from the `from` before its end; a module spelling `from` inside
        # a name could be mistaken for it, so such modules are taken at `<last> import` alone.
        self.exact = not any("from" in part for module in self.modules for part in module.split("."))

    def search(self, text: str, ref: FileRef) -> bool:
        if self.ends is None:
            return False
        for end in self.ends.finditer(text):
            if not self.exact:
                return True
            keyword = text.rfind("from", 0, end.start())
            clause = _FROM_CLAUSE.fullmatch(text, keyword, end.end()) if keyword != -1 else None
            if clause is None:
                continue
            level = clause.group(1).count(".")
            if resolve_relative(ref.module, ref.is_package, level, _SEPARATORS.sub("", clause.group(2))) in self.modules:
                return True
        return False


def _spelled_words(text: str, words: tuple[str, ...]) -> list[str]:
    return [words[index] for index in spelled(text, words)]


def _attribute(text: str, name: str) -> bool:
    """Whether ``name`` is written after a ``.`` somewhere in ``text``."""
    at = text.find(name)
    while at != -1:
        if _after_dot(text, at):
            return True
        at = text.find(name, at + 1)
    return False


def _after_dot(text: str, at: int) -> bool:
    """Whether the name at ``at`` is written after a ``.`` (spaces and backslash continuations
    between them; a comment between them, inside brackets, is taken to be one)."""
    i = at - 1
    while i >= 0 and text[i] in " \t\f\\\r\n":
        if text[i] in "\r\n" and "#" in text[text.rfind("\n", 0, i) + 1 : i]:
            return True  # the line before ends with a comment: maybe `a.  # why` then the name
        i -= 1
    return i >= 0 and text[i] == "."


class Prefilter:
    """Built once per rule from its resolved ``targets`` and call targets."""

    def __init__(self, targets: Iterable[Target], calls: Iterable[Target]) -> None:
        targets = list(targets)
        members = [t for t in targets if t.member is not None]
        modules = [t for t in targets if t.member is None]
        # Files inside these need not spell the target (relative imports with no module name).
        self.homes = sorted({t.module for t in targets})
        self.member_froms = FromModules(t.module for t in members)
        # Each member module's last name, with the members of the modules that end so: a file
        # that never spells `mod` cannot import or reach `pkg.mod:Member`. Substring tests (a
        # superset of whole words), each list searched for in one call (``spelled``).
        by_last: dict[str, set[str]] = {}
        for t in members:
            assert t.member is not None
            by_last.setdefault(_last(t.module), set()).add(t.member)
        self.lasts = tuple(sorted(by_last))
        self.last_members = tuple(tuple(sorted(by_last[last])) for last in self.lasts)
        nested = [t for t in modules if "." in t.module]
        self.module_words = word_pattern(_last(t.module) for t in nested)
        self.module_names = {_last(t.module) for t in nested}
        self.parents = sorted({t.module.rsplit(".", 1)[0] for t in nested})
        self.parent_froms = FromModules(self.parents)
        # A top-level module target, and a call target, need only their word.
        self.words = word_pattern([t.module for t in modules if "." not in t.module] + [t.member for t in calls if t.member])

    def could_match(self, text: str, ref: FileRef) -> bool:
        module = ref.module
        if any(module == home or module.startswith(home + ".") for home in self.homes):
            return True
        found = spelled(text, self.lasts)
        if found and self._imports_member(text, ref, found):
            return True
        if self.module_words is not None and self.module_words.search(text) is not None:
            # Inside a parent package `from . import mod` spells no module name.
            if any(module == p or module.startswith(p + ".") for p in self.parents):
                return True
            if self._module_after_dot(text) or self.parent_froms.search(text, ref):
                return True
        return self.words is not None and self.words.search(text) is not None

    def _imports_member(self, text: str, ref: FileRef, lasts: list[int]) -> bool:
        """Whether ``from M import Member`` (or ``*``), or a reference ``<...>mod.Member``, may be
        written, for the member modules whose last name ``text`` spells (``lasts``: their indices
        in ``self.lasts``)."""
        names = [name for index in lasts for name in _spelled_words(text, self.last_members[index])]
        if names and any(_attribute(text, name) for name in names):
            return True  # `<...>mod.Member` (or `from M import Member` too: found anyway)
        if not names and _STAR_IMPORT.search(text) is None:
            return False
        return self.member_froms.search(text, ref)

    def _module_after_dot(self, text: str) -> bool:
        assert self.module_words is not None
        pattern = self.module_words.pattern
        return any(_after_dot(text, found.start()) for found in pattern.finditer(text))
