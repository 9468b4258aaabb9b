"""The project's modules, built from per-file summaries in the aggregation step.

Module names come from discovery (``src`` roots or ``__init__.py`` chains), packages from
``FileRef.is_package``. A directory holding modules but no ``__init__.py`` is a namespace package:
it exists, but has no code and no attributes other than its submodules.

Some questions cannot be answered from a partial view (a run on one directory, a rule scoped to
some paths): a module missing from the index may simply not have been scanned. So a module is
only called missing when its parent is *known*: a regular package whose ``__init__.py`` was
scanned, a namespace package with a plain module scanned directly inside it, or a plain module
(which has no submodules at all).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator

from ssot_lint.model import FileRef
from ssot_lint.project.module_summary import ImportFact, ModuleSummary

# Attributes every module has without defining them.
MODULE_DUNDERS = frozenset(
    ("__name__", "__doc__", "__file__", "__loader__", "__spec__", "__package__", "__path__", "__builtins__", "__dict__", "__cached__", "__annotations__")
)

Entry = tuple[FileRef, "ModuleSummary | None"]  # None: the file is in scope but could not be analyzed


def parents(module: str) -> Iterator[str]:
    """``a.b.c`` -> ``a``, ``a.b`` (the packages that contain it)."""
    parts = module.split(".")
    for i in range(1, len(parts)):
        yield ".".join(parts[:i])


class ModuleIndex:
    def __init__(self, facts: Iterable[Entry]) -> None:
        entries: dict[str, list[Entry]] = defaultdict(list)
        for ref, summary in sorted(facts, key=lambda entry: entry[0].path):
            if ref.module:
                entries[ref.module].append((ref, summary))
        self.entries = dict(entries)  # several files may share a name (a.py next to a.pyi): all count
        self.packages = {m for m, entries in self.entries.items() if any(ref.is_package for ref, _ in entries)}
        self.namespaces = {p for m in self.entries for p in parents(m)} - self.entries.keys()
        self._plain_child_of = {m.rpartition(".")[0] for m, es in self.entries.items() if "." in m and not all(r.is_package for r, _ in es)}
        # A loose script named like a standard-library module (tests/types.py, scripts/queue.py) does
        # not make `import queue` a project import; a package of that name does.
        self.tops = {m.split(".")[0] for m in self.entries} - {
            m for m in self.entries if m in sys.stdlib_module_names and m not in self.packages and m not in self.namespaces
        }
        self._bindings: dict[int, dict[str, ImportFact]] = {}  # id(summary) -> its bindings(), computed once

    # -- existence --------------------------------------------------------------------------
    def exists(self, module: str) -> bool:
        return module in self.entries or module in self.namespaces

    def in_project(self, dotted: str) -> bool:
        """Whether the top-level package of ``dotted`` is one of the project's."""
        return dotted.split(".")[0] in self.tops

    def is_plain_module(self, module: str) -> bool:
        return module in self.entries and module not in self.packages and module not in self.namespaces

    def knows_children_of(self, module: str) -> bool:
        """Whether a missing child of ``module`` is really missing rather than just not scanned."""
        return module in self.packages or self.is_plain_module(module) or (module in self.namespaces and module in self._plain_child_of)

    def missing_module(self, dotted: str) -> str | None:
        """The first module along ``dotted`` that provably does not exist (None: all exist, or unknown)."""
        if not self.in_project(dotted):
            return None
        parts = dotted.split(".")
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if not self.exists(prefix):
                return prefix if self.knows_children_of(".".join(parts[: i - 1])) else None
        return None

    def file_module(self, dotted: str) -> str | None:
        """The longest prefix of ``dotted`` (itself included) that is a module with a file."""
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in self.entries:
                return prefix
        return None

    def summaries(self, module: str) -> list[ModuleSummary | None]:
        return [summary for _, summary in self.entries.get(module, ())]

    def bindings(self, summary: ModuleSummary) -> dict[str, ImportFact]:
        found = self._bindings.get(id(summary))
        if found is None:
            found = self._bindings[id(summary)] = summary.bindings()
        return found

    # -- names ------------------------------------------------------------------------------
    def resolves(self, module: str, name: str, _seen: set[tuple[str, str]] | None = None) -> bool:
        """Whether ``from module import name`` finds something (a submodule, a definition, an
        import, an ``__all__`` entry or a star re-export). Unknown territory resolves: a file that
        could not be analyzed, a ``__getattr__``, a star import from outside the project."""
        seen = _seen if _seen is not None else set()
        if (module, name) in seen:
            return False
        seen.add((module, name))
        if name in MODULE_DUNDERS or self.exists(f"{module}.{name}"):
            return True
        for summary in self.summaries(module):
            if summary is None or summary.has_getattr or name in summary.defined:
                return True
            bound = self.bindings(summary).get(name)
            # `from . import x` in pkg/__init__.py binds x, but cannot vouch for itself.
            if bound is not None and (bound.module, bound.name) != (module, name):
                return True
            if summary.all_names is not None and name in summary.all_names:
                return True
            for star in (i for i in summary.imports if i.star):
                if self._star_exports(star, name, seen):
                    return True
        return False

    def _star_exports(self, star: ImportFact, name: str, seen: set[tuple[str, str]]) -> bool:
        source = star.module
        if source is None or not self.in_project(source) or not self.exists(source):
            return True  # exports we cannot see (or a broken import, reported on its own)
        for summary in self.summaries(source):
            if summary is None or summary.all_dynamic or summary.has_getattr:
                return True
            if summary.all_names is not None:
                if name in summary.all_names:
                    return True
            elif not name.startswith("_") and self.resolves(source, name, seen):
                return True
        return False

    def qualify(self, module: str, written: str) -> str | None:
        """The absolute dotted name ``written`` (``B`` or ``m.B``) refers to in ``module``."""
        head, _, rest = written.partition(".")
        base: str | None = None
        for summary in self.summaries(module):
            if summary is None:
                continue
            bound = self.bindings(summary).get(head)
            if bound is not None and bound.module is not None:
                if bound.name is None:  # `import a.b` binds package a; `import a.b as x` binds a.b
                    base = head if bound.bound == bound.module.split(".")[0] and "." in bound.module else bound.module
                else:
                    base = f"{bound.module}.{bound.name}"
                break
            if head in summary.defined:
                base = f"{module}.{head}"
                break
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def class_definition(self, dotted: str, _seen: set[str] | None = None) -> str | None:
        """``module:Class`` where the class ``dotted`` names is defined in the project, following
        imports, re-exports and aliases; None when it is not a project class."""
        seen = _seen if _seen is not None else set()
        if dotted in seen or self.exists(dotted):
            return None
        seen.add(dotted)
        module = self.file_module(dotted)
        if module is None or module == dotted:
            return None
        name, _, rest = dotted[len(module) + 1 :].partition(".")
        if rest:
            return None  # an attribute of a class or object, not a module-level class
        for summary in self.summaries(module):
            if summary is None:
                continue
            if name in summary.classes:
                return f"{module}:{name}"
            target = self.bindings(summary).get(name)
            alias = next((a for a in summary.aliases if a.name == name), None)
            if target is not None or alias is not None:
                qualified = self.qualify(module, name if alias is None else alias.target)
                if qualified is not None and qualified != dotted:
                    return self.class_definition(qualified, seen)
            for star in (i for i in summary.imports if i.star and i.module):
                found = self.class_definition(f"{star.module}.{name}", seen)
                if found is not None:
                    return found
        return None
