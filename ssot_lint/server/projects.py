"""Which project a document belongs to, loaded once and reloaded when its config or rule files
change; a config or rule-file error is kept with its location so it can be shown where it is.

A document's project is the one ``ssot-lint check`` would use from the document's directory (the
nearest ``ssot-lint.toml`` or ``pyproject.toml`` with ``[tool.ssot-lint]`` above it), so a
workspace may hold several. When a reload fails, the last good rules keep working and the error
is reported; when it succeeds, the error goes away.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import to_fs_path

from ssot_lint import api
from ssot_lint.errors import ConfigError
from ssot_lint.observer import Observer

Signature = tuple[tuple[str, int, int], ...]


def _stat(path: str) -> tuple[str, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, info.st_size, info.st_mtime_ns)


class Looked(Observer):
    """The paths loading a project looked at: the config files looked for on the way up from a
    directory (``ssot-lint.toml``, ``pyproject.toml``), the one found, its rule files and the
    directories its rule-file globs list; ``anywhere`` when a glob spans directories.

    Only while loading (until ``sealed``): the project's config keeps its observer, and every
    later walk of the project with that config (a buffer check verifying a fix reads every
    module) tells it each directory it lists. Those are no files loading read: counted, saving
    any file in the project (a ``docs/pyproject.toml``) reloaded every project and restarted
    its project-wide check, whenever a buffer check had walked the project first."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.anywhere = False
        self.sealed = False

    def note(self, path: str | os.PathLike[str]) -> None:
        if not self.sealed:
            self.paths.add(os.path.abspath(path))

    def refuse(self) -> None:
        if not self.sealed:
            self.anywhere = True

    def covers(self, path: str) -> bool:
        """Whether a change to the file at ``path`` (absolute) may change what loading found."""
        return self.anywhere or path in self.paths or os.path.dirname(path) in self.paths


@dataclass
class Entry:
    """What loading the config for some directories gave: a project (the last good one) and the
    current error, if the last load failed."""

    project: api.Project | None
    error: ConfigError | None = None
    signature: Signature = ()
    directories: set[str] = field(default_factory=set)
    looked: dict[str, Looked] = field(default_factory=dict)  # directory -> what loading it looked at


def error_location(error: ConfigError) -> tuple[str, int] | None:
    """The absolute file and 1-based line (1 when unknown) of a config error, if it names a file.
    Errors show paths relative to the working directory they were raised in: this process's."""
    if not error.path:
        return None
    return os.path.abspath(error.path), error.line or 1


class Projects:
    def __init__(self) -> None:
        self._by_directory: dict[str, Entry] = {}
        # The directories of the Python files asked about: the config files looked for from another
        # directory (a TOML file's own, opened to edit it) decide no checked file's project.
        self._python_directories: set[str] = set()

    def entries(self) -> list[Entry]:
        return list({id(e): e for e in self._by_directory.values()}.values())

    def for_file(self, path: str) -> Entry:
        directory = os.path.dirname(api.absolute_path(path))
        if python_file(path):
            self._python_directories.add(directory)
        entry = self._by_directory.get(directory)
        if entry is None:
            entry = self._load(directory, None)
        return entry

    def _load(self, directory: str, previous: api.Project | None) -> Entry:
        looked = Looked()
        try:
            project = api.load_project(cwd=directory, observer=looked)
        except ConfigError as error:
            entry = Entry(previous, error, self._error_signature(error))
        else:
            entry = Entry(project, None, self._signature(project))
            for other in self.entries():  # one entry per config file, shared by its directories
                if other.project is not None and other.error is None and _same(other.project, project):
                    entry = other
                    break
        looked.sealed = True  # what the project's later walks list is no file loading read
        entry.looked[directory] = looked
        entry.directories.add(directory)
        self._by_directory[directory] = entry
        return entry

    @staticmethod
    def _signature(project: api.Project) -> Signature:
        files = [str(project.config.path)] if project.config.path else []
        files += sorted({os.path.abspath(rule.meta.origin) for rule in project.rules.known})
        return tuple(_stat(f) for f in files)

    @staticmethod
    def _error_signature(error: ConfigError) -> Signature:
        location = error_location(error)
        return (_stat(location[0]),) if location else ()

    def reads(self, uris: Iterable[str]) -> bool:
        """Whether a file at one of ``uris`` is one the projects' configs read, or looked for:
        saved or changed, it may change a project, or make a new one. Another file (an unrelated
        ``pyproject.toml``) cannot, and reloading every project for it would restart their
        project-wide checks for nothing."""
        paths = [os.path.abspath(path) for uri in uris if on_disk(uri) and (path := to_fs_path(uri))]
        looked = [seen for entry in self.entries() for directory, seen in entry.looked.items() if directory in self._python_directories]
        return any(seen.covers(path) for seen in looked for path in paths)

    def refresh(self, force: bool = False) -> list[Entry]:
        """Reload the projects whose files changed (all of them with ``force``, and every one in
        error: a rule file it needs may have appeared); return the entries whose project changed.
        One that does not load keeps the last project that did: its rules still apply, so what
        was checked with them need not be checked again (its error is ``entries``')."""
        changed: list[Entry] = []
        for entry in self.entries():
            if not force and entry.error is None and entry.signature == tuple(_stat(f) for f, _, _ in entry.signature):
                continue
            directories = sorted(entry.directories)
            for directory in directories:
                del self._by_directory[directory]
            for directory in directories:
                if directory not in self._by_directory:
                    fresh = self._load(directory, entry.project)
                    if fresh not in changed and not (fresh.error is not None and fresh.project is entry.project):
                        changed.append(fresh)
        return changed

    def in_error(self, key: str) -> bool:
        """Whether the config (or a rule file) of the project ``key`` does not load now."""
        return any(e.error is not None and e.project is not None and project_key(e.project) == key for e in self.entries())


def _same(a: api.Project, b: api.Project) -> bool:
    return a.config.path == b.config.path and a.root == b.root


def project_key(project: api.Project) -> str:
    return str(project.config.path or Path(project.root))


def python_file(path: str) -> bool:
    """Whether the file at ``path`` is Python by its name (a project's ``include`` may add others)."""
    return path.endswith((".py", ".pyi"))


def on_disk(uri: str) -> bool:
    """Whether the document at ``uri`` is a file (``file:``), not an editor's ``untitled:``
    document (whose path pygls makes relative: ``Untitled-1``) or another scheme's."""
    return uri.startswith("file:")
