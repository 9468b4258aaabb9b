"""Framework conventions: names a loader looks up in every module of a kind of folder or file.

Django loads ``<app>/migrations/*.py``'s ``Migration`` and ``<app>/management/commands/*.py``'s
``Command`` by name, and a database backend's ``base.py``'s ``DatabaseWrapper``; Home Assistant
loads each integration's ``diagnostics.py``'s ``async_get_config_entry_diagnostics``. Every such
file *must* define the name, so the same name in 160 modules is the framework's contract, not 160
copies of one concept. What tells them apart from duplication, on real code, is coverage: a
convention is defined by (nearly) every module of the places it appears in, a duplicated name
(Django's test models ``Article``, ``Person``; SymPy's ``Point``) by a few modules among many.

Two kinds of place, judged on the definitions' module paths against every scanned file:

- **folders**: directories of which ``COVERAGE`` of the modules (``__init__.py`` aside) define
  it (``*/migrations/``, ``*/commands/``, ``django/core/mail/backends/`` whose every module
  defines the ``EmailBackend`` a setting names) hold ``COVERAGE`` of its definitions, and one of
  them holds ``MIN_SLOT`` or more (so that three lone files in three folders are no convention);
- **sibling files**: files of one name in sibling directories (``django/db/backends/*/base.py``).
  The groups of ``MIN_SLOT`` or more such files of which ``COVERAGE`` define it (or a class whose
  name ends with it: the abstract ``BaseDatabaseFeatures`` in ``base/features.py`` follows the
  convention of ``DatabaseFeatures``) hold ``COVERAGE`` of its definitions.

``COVERAGE`` is 0.8, measured: on Django 5.2.8 the conventions are at 0.90 and above
(``Migration`` 0.92, ``Command`` 1.00, ``DatabaseWrapper`` 0.90), on Home Assistant 2025.4.4
``async_setup_entry`` is at 0.81 (a platform may define ``async_setup_platform`` instead), and the
most-covered duplicated names at 0.76 (Django's ``FunctionTests``, one per test folder of
``db_functions``: test code, which the survey sets apart anyway) and below 0.3 (``Article``).
The same test applies to a class family (the members' modules): Django's ``*Database*Wrapper``
is one class per backend's ``base.py``.

Layout alone cannot tell a convention from copies of one class in sibling packages that their
own callers import (``services/*/manager.py``'s ``WebSocketManager``: the seeds' story). What a
loader finds by name is mostly *not imported* by name: at most ``IMPORTED`` (half) of the
definitions may be named by an import from outside tests (Django's ``Migration``: none of 162),
outside the definition's own folder (a backend's ``base.py`` importing its own ``features.py``'s
``DatabaseFeatures`` is the plugin wiring itself) and outside the other definitions' files (the
GIS backends subclass the core backends' ``DatabaseWrapper``). The limit of this test: copies of
a class in sibling packages that only their own package uses look like plugins, and are set
aside too; the report lists every convention with its count, so a reviewer sees them.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

COVERAGE = 0.8
MIN_SLOT = 3
IMPORTED = 0.5  # a convention's definitions are looked up by a loader: at most half imported by name


@dataclass
class Convention:
    """A class name (or a family's stem) set aside as a convention: in how many modules, where;
    ``example``: every definition outside tests is example code (``examples/``), where each
    example is a program of its own, rather than a module a loader finds."""

    what: str
    count: int
    pattern: str
    example: bool = False


class Layout:
    """The scanned files by folder and by (grandparent folder, file name)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.folders: dict[str, set[str]] = defaultdict(set)
        self.siblings: dict[tuple[str, str], set[str]] = defaultdict(set)
        for path in paths:
            folder = posixpath.dirname(path)
            if posixpath.basename(path) != "__init__.py":
                self.folders[folder].add(path)
            self.siblings[(posixpath.dirname(folder), posixpath.basename(path))].add(path)

    def convention(self, defined: Iterable[str], conforming: Iterable[str] = ()) -> str | None:
        """Where the modules ``defined`` (paths) follow a convention, as a pattern
        (``*/migrations/*.py``, ``django/db/backends/*/base.py``); None when they do not.
        ``conforming``: more modules that follow it in another spelling, which count for a
        place's coverage but are not definitions (``base/base.py``'s ``BaseDatabaseWrapper``
        beside the backends' ``DatabaseWrapper``)."""
        paths = set(defined)
        if len(paths) < MIN_SLOT:
            return None
        follow = paths | set(conforming)
        held: Counter[str] = Counter()
        for folder in {posixpath.dirname(p) for p in paths}:
            files = self.folders[folder]
            if files and len(files & follow) >= COVERAGE * len(files):
                held[folder] = len(files & paths)
        if held and max(held.values()) >= MIN_SLOT and sum(held.values()) >= COVERAGE * len(paths):
            return _folders(held)
        # Sibling files: each group of them judged on its own (an outlier in django/*/utils.py
        # does not hide the backends' base.py).
        groups = {(posixpath.dirname(posixpath.dirname(p)), posixpath.basename(p)) for p in paths}
        siblings: Counter[tuple[str, str]] = Counter()
        for group in groups:
            files = self.siblings[group]
            if len(files) >= MIN_SLOT and len(files & follow) >= COVERAGE * len(files):
                siblings[group] = len(files & paths)
        if siblings and sum(siblings.values()) >= COVERAGE * len(paths):
            grandparent, name = _most(siblings)
            if 2 * siblings[(grandparent, name)] < sum(siblings.values()):
                return f"{len(siblings)} places"  # no one group holds most of them
            return f"{grandparent}/*/{name}" if grandparent else f"*/{name}"
        return None


def looked_up(definitions: list[tuple[str, str]], imported: Callable[[str, str, Collection[str]], bool]) -> bool:
    """Whether the definitions (path, name) are found by a loader rather than imported: at most
    ``IMPORTED`` of them are named by an import (``imported(path, name, among)``; imports by the
    other definitions' files, ``among``, subclassing one another, do not count). Copies of one
    concept in sibling packages (each ``services/*/manager.py`` with the ``WebSocketManager``
    callers elsewhere import) are laid out like a convention, but each is imported by name:
    they are duplication."""
    among = {path for path, _ in definitions}
    return sum(1 for path, name in definitions if imported(path, name, among)) <= IMPORTED * len(definitions)


def _folders(held: Counter[str]) -> str:
    """The folders holding a convention's definitions, named as a place that holds most of them:
    a folder name they share (``*/migrations/*.py``), else their common parent
    (``examples/*/*.py``: SQLAlchemy's examples, each defining its own ``Base``), else how many
    they are; ``*/asyncio/*.py`` named 4 of SQLAlchemy's 17."""
    names: Counter[str] = Counter()
    for folder, n in held.items():
        names[posixpath.basename(folder)] += n
    name = _most(names)
    if 2 * names[name] >= sum(held.values()):
        return f"*/{name}/*.py"
    parents = {posixpath.dirname(folder) for folder in held}
    if len(parents) == 1 and (parent := parents.pop()):
        return f"{parent}/*/*.py"
    return f"{len(held)} folders"


def _most(counts: Counter[Any]) -> Any:
    """The key with the largest count, the least key among ties (sets iterate in a different
    order in each process: the report must not)."""
    return min(counts, key=lambda key: (-counts[key], key))
