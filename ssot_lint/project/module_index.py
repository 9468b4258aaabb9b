"""The project's modules, built from per-file summaries in the aggregation step.

Module names come from discovery (``run.module_names.ModuleNamer``: ``src`` roots, the outermost
regular package, else the project root), packages from ``FileRef.is_package``. A directory
holding modules but no ``__init__.py`` is a namespace package: it exists, but has no code and no
attributes other than its submodules.

What the interpreter would import, not only what the files are named:

- **A package wins over a module of the same name** (``core/database/__init__.py`` beside
  ``core/database.py``): the module can never be imported, so names imported from
  ``core.database`` resolve against the package alone. Files inside a directory that a plain
  module of the same name hides (``core/database.py`` beside ``core/database/x.py`` without an
  ``__init__.py``) cannot be imported either. Both are ``shadowed``.
- **Two files naming one module** from different places (``dev_launcher/__init__.py`` and
  ``tools/dev_launcher/__init__.py``; a stub ``.pyi`` beside its ``.py`` is one module, not two)
  are both kept and listed in ``ambiguous``: which one an import finds depends on ``sys.path``.
  A file inside one of them that imports the name gets its own copy (it was itself imported
  through that copy); any other importer gets one of the copies it can see (next point), and
  when it can see several, a name resolves if either defines it.
- **A name that needs a directory on the path that no setting puts there** (``FileRef.implied``:
  ``tests/sphinx/__init__.py`` is ``sphinx`` only if ``tests/`` is on ``sys.path``) is seen only
  from files below that directory. ``docs/conf.py``'s ``import sphinx`` is not the project's
  ``tests/sphinx`` (so not checked); ``tests/runtests.py``'s is.
- **The project root is on the path too**: a file also answers to its root-relative dotted name
  (``fixtures/netra_backend/app/x.py``, named ``netra_backend.app.x``, is also
  ``fixtures.netra_backend.app.x``; ``netra_backend/app/x.py`` in a namespace directory
  ``netra_backend/`` is named ``app.x`` and also ``netra_backend.app.x``) when no file has that
  name already. Imports written either way resolve.

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
from contextlib import contextmanager
from typing import Any

from ssot_lint.model import FileRef
from ssot_lint.project.imported import Imported, imported_from
from ssot_lint.project.module_paths import anchor, location, parents, root_relative_name
from ssot_lint.project.module_summary import ImportFact, ModuleSummary
from ssot_lint.project.shadowing import Clash, shadowing

# Attributes every module has without defining them.
MODULE_DUNDERS = frozenset(
    ("__name__", "__doc__", "__file__", "__loader__", "__spec__", "__package__", "__path__", "__builtins__", "__dict__", "__cached__", "__annotations__")
)

Entry = tuple[FileRef, "ModuleSummary | None"]  # None: the file is in scope but could not be analyzed


def _below(ref: FileRef, directory: str) -> bool:
    """Whether ``ref``'s file lies below ``directory`` (root-relative, ``""``: the root)."""
    return ref.path.startswith(directory + "/") if directory else not ref.path.startswith("../")


_shared: list[tuple[list[Entry], ModuleIndex]] | None = None  # within ``sharing()``: the indexes built


@contextmanager
def sharing() -> Iterator[None]:
    """Within this block, ``ModuleIndex.of`` the same entries (the same objects) is built once:
    the project-wide kinds aggregating one run's summaries (unresolved-import, shim-module, and
    import-cycle, which reads only the files' refs) read the same index, which on Home Assistant
    takes ~0.15 s to build."""
    global _shared
    outer, _shared = _shared, []
    try:
        yield
    finally:
        _shared = outer


class ModuleIndex:
    @classmethod
    def of(cls, facts: list[tuple[FileRef, Any]], refs_only: bool = False) -> ModuleIndex:
        """``ModuleIndex(facts)``, shared within ``sharing()`` with an index of the same entries.
        ``refs_only``: the caller asks only what the files' refs decide (which modules exist, where,
        which files an import loads), never their summaries, so an index of the same refs serves
        and the facts may be any rule's (import-cycle's are the imports alone)."""
        if _shared is None:
            return cls([(ref, None) for ref, _ in facts] if refs_only else facts)
        for entries, index in _shared:
            if len(entries) == len(facts) and all(a[0] is b[0] and (refs_only or a[1] is b[1]) for a, b in zip(entries, facts)):
                return index
        entries = [(ref, None) for ref, _ in facts] if refs_only else facts  # what the index holds
        index = cls(entries)
        _shared.append((entries, index))  # kept alive: compared by identity
        return index

    def __init__(self, facts: Iterable[Entry]) -> None:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for ref, summary in sorted(facts, key=lambda entry: entry[0].path):
            if ref.module:
                groups[ref.module].append((ref, summary))
        hidden, self.clashes = shadowing(groups)
        self.shadowed = hidden  # paths of files no import reaches
        entries: dict[str, list[Entry]] = {}
        self.ambiguous: dict[str, list[str]] = {}  # module -> its places (locations), when several
        for module, group in groups.items():
            reachable = [entry for entry in group if entry[0].path not in hidden]
            if not reachable:
                continue
            entries[module] = reachable  # several files may share a place (a.py next to a.pyi): all count
            places = sorted({location(ref) for ref, _ in reachable})
            if len(places) > 1:
                self.ambiguous[module] = places
        for module, places in sorted(self.ambiguous.items()):
            if not any(parent in self.ambiguous for parent in parents(module)):  # once per copied tree
                first: dict[str, FileRef] = {}
                for ref, _ in entries[module]:
                    first.setdefault(location(ref), ref)
                self.clashes.append(Clash("ambiguous", module, tuple(first[p] for p in places)))
        self.clashes.sort(key=lambda clash: (clash.refs[0].path, clash.module))
        # The project root is on the path: root-relative names reach the same files.
        aliases: dict[str, list[Entry]] = defaultdict(list)
        for group in entries.values():
            for entry in group:
                alias = root_relative_name(entry[0])
                if alias is not None and alias != entry[0].module and alias not in entries:
                    aliases[alias].append(entry)
        self.aliases = set(aliases)
        # alias -> the name its files are given (a .py and its .pyi, one place, share one)
        self._named_as = {alias: group[0][0].module for alias, group in aliases.items()}
        entries.update(aliases)
        self.entries = entries
        self.packages = {m for m, entries in self.entries.items() if any(ref.is_package for ref, _ in entries)}
        self.namespaces = {p for m in self.entries for p in parents(m)} - self.entries.keys()
        self._plain_child_of = {m.rpartition(".")[0] for m, es in self.entries.items() if "." in m and not all(r.is_package for r, _ in es)}
        # A loose script named like a standard-library module (tests/types.py, scripts/queue.py) does
        # not make `import queue` a project import; a package of that name does.
        self.tops = {m.split(".")[0] for m in self.entries} - {
            m for m in self.entries if m in sys.stdlib_module_names and m not in self.packages and m not in self.namespaces
        }
        # Top-level names some file defines without an implied name, and the directories (anchors)
        # an importer must be below to see the implied ones.
        # (Root-relative alias names are never implied: the project root is on the path.)
        self._declared_tops = {m.split(".")[0] for m, es in self.entries.items() if m in self.aliases or not all(ref.implied for ref, _ in es)}
        self._implied_anchors: dict[str, set[str]] = defaultdict(set)
        for m, es in self.entries.items():
            for ref, _ in es:
                if ref.implied and m not in self.aliases:
                    self._implied_anchors[m.split(".")[0]].add(anchor(ref) or "")
        self._bindings: dict[int, dict[str, ImportFact]] = {}  # id(summary) -> its bindings(), computed once
        # (module, name) -> what importing it finds, for every importer (see ``imported``)
        self._imported: dict[tuple[str, str | None], Imported] = {}
        self._near_used = False  # an answer being computed depended on the importing file

    # -- one answer per imported name ---------------------------------------------------------
    def imported(self, module: str, name: str | None, near: FileRef | None = None) -> Imported:
        """What ``from module import name`` finds, from the importing file ``near``. Worked out
        once per distinct ``(module, name)`` in a run and shared by every kind that asks
        (unresolved-import, import-cycle, shim-module: on Home Assistant 125,810 imported names
        are 25,575 distinct ones), unless the answer depended on the importer (a top-level name
        only some directories see, a module two files define): that is worked out each time."""
        found = self._imported.get((module, name))
        if found is not None:
            return found
        outer, self._near_used = self._near_used, False
        try:
            found = imported_from(self, module, name, near)
        finally:
            depends, self._near_used = self._near_used, outer or self._near_used
        if not depends:
            self._imported[(module, name)] = found
        return found

    def canonical(self, dotted: str) -> str:
        """``dotted`` (a module, or a name in one) with a root-relative module name replaced by
        the name its file is given: ``mpl_toolkits.axes_grid1.X`` is ``axes_grid1.X`` when
        ``mpl_toolkits/`` has no ``__init__.py``. The same file under either name is one module to
        the index (``resolves``), so whether two names are one object is asked of these."""
        if not self._named_as:
            return dotted
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            named = self._named_as.get(".".join(parts[:end]))
            if named is not None:
                return ".".join([named, *parts[end:]])
        return dotted

    # -- existence --------------------------------------------------------------------------
    def exists(self, module: str) -> bool:
        return module in self.entries or module in self.namespaces

    def in_project(self, dotted: str, near: FileRef | None = None) -> bool:
        """Whether the top-level package of ``dotted`` is one of the project's (as seen from the
        importing file ``near``, when given)."""
        top = dotted.partition(".")[0]
        if top not in self.tops:
            return False
        if near is None or top in self._declared_tops:
            return True
        self._near_used = True
        return any(_below(near, directory) for directory in self._implied_anchors.get(top, ()))

    def unseen(self, dotted: str, near: FileRef) -> str | None:
        """Why ``dotted``, a name in the project, is not the project's as the file ``near`` sees
        it (``in_project``), as a reason (None: it is): its top-level package is named so only
        below a folder no setting puts on ``sys.path`` (``FileRef.implied``), and ``near`` lies
        outside it, so an import of it there is not of the project's files."""
        if not self.in_project(dotted) or self.in_project(dotted, near):
            return None
        top = dotted.partition(".")[0]
        folders = ", ".join(f"{folder}/" for folder in sorted(self._implied_anchors.get(top, ())) if folder)
        where = f" only below {folders}" if folders else ""
        # Of the package, not of each name: one reason for every need of a statement.
        return f"{top} is a project package{where}, named as if that folder were on sys.path, and {near.module} is not below it: from there, what {top} holds cannot be verified"

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

    def candidates(self, module: str, near: FileRef | None = None) -> list[Entry]:
        """The files ``import module`` may load. For an ambiguous name imported from inside one of
        its copies (same top-level package, same ``sys.path`` entry), that copy's files only."""
        found = self.entries.get(module, [])
        if near is None or len(found) < 2:
            return found
        self._near_used = True
        if module in self.ambiguous and module.split(".")[0] == near.module.split(".")[0]:
            home = anchor(near)
            own = [entry for entry in found if anchor(entry[0]) == home]
            if own:
                return own
        visible = [entry for entry in found if not entry[0].implied or _below(near, anchor(entry[0]) or "")]
        return visible or found

    def summaries(self, module: str, near: FileRef | None = None) -> list[ModuleSummary | None]:
        return [summary for _, summary in self.candidates(module, near)]

    def bindings(self, summary: ModuleSummary) -> dict[str, ImportFact]:
        found = self._bindings.get(id(summary))
        if found is None:
            found = self._bindings[id(summary)] = summary.bindings()
        return found

    # -- names ------------------------------------------------------------------------------
    def resolves(self, module: str, name: str, _seen: set[tuple[str, str]] | None = None, near: FileRef | None = None) -> bool:
        """Whether ``from module import name`` finds something (a submodule, a definition, an
        import, an ``__all__`` entry that is itself one of these, or a star re-export). Unknown
        territory resolves: a file that could not be analyzed, a ``__getattr__``, a star import
        from outside the project. ``near``: the importing file (see ``candidates``)."""
        seen = _seen if _seen is not None else set()
        if (module, name) in seen:
            return False
        seen.add((module, name))
        if name in MODULE_DUNDERS or self.exists(f"{module}.{name}"):
            return True
        for summary in self.summaries(module, near):
            if summary is None or summary.has_getattr or name in summary.defined:
                return True
            bound = self.bindings(summary).get(name)
            # `from . import x` in pkg/__init__.py binds x, but cannot vouch for itself.
            if bound is not None and (bound.module, bound.name) != (module, name):
                return True
            for star in (i for i in summary.imports if i.star):
                if self._star_exports(star, name, seen, near):
                    return True
        return False

    def _star_exports(self, star: ImportFact, name: str, seen: set[tuple[str, str]], near: FileRef | None) -> bool:
        source = star.module
        if source is None or not self.in_project(source) or not self.exists(source):
            return True  # exports we cannot see (or a broken import, reported on its own)
        for summary in self.summaries(source, near):
            if summary is None or summary.all_dynamic or summary.has_getattr:
                return True
            if summary.all_names is not None:
                # `__all__` says which names a star import takes, not that they exist.
                if name in summary.all_names and self.resolves(source, name, seen, near):
                    return True
            elif not name.startswith("_") and self.resolves(source, name, seen, near):
                return True
        return False

    def phantom_exports(self, module: str, summary: ModuleSummary) -> list[str]:
        """Names in ``summary``'s literal ``__all__`` that the module does not provide."""
        if summary.all_names is None or summary.all_dynamic or summary.has_getattr:
            return []
        return [name for name in summary.all_names if not self.resolves(module, name)]

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
            # Python binds names in statement order: a star import after the import binding the
            # name may bind it again, and of several star imports the last that binds it wins.
            stars = [
                i
                for i in summary.imports
                if i.star and not i.type_checking and (target is None or i.statement[0] > target.statement[0]) and self._star_exports(i, name, set(), None)
            ]
            if target is not None and stars:
                return None  # which binding holds is not known
            if target is not None or alias is not None:
                qualified = self.qualify(module, name if alias is None else alias.target)
                if qualified is not None and qualified != dotted:
                    return self.class_definition(qualified, seen)
            if stars and stars[-1].module is not None and (len(stars) == 1 or self._surely_exports(stars[-1], name)):
                found = self.class_definition(f"{stars[-1].module}.{name}", seen)
                if found is not None:
                    return found
        return None

    def _surely_exports(self, star: ImportFact, name: str) -> bool:
        """Whether the star import ``star``, which may bind ``name`` (``_star_exports``), surely
        does: it runs on every import, and the module's exports can be read."""
        if star.conditional or star.module is None or not self.in_project(star.module):
            return False
        return all(s is not None and not s.all_dynamic and not s.has_getattr for s in self.summaries(star.module))
