"""The project's files for calls about one file (an editor's buffer: ``api.check_source``), kept
while nothing discovery looked at has changed.

Verifying one buffer's import rewrite needs to know which modules the project has, and a walk of
the project root costs ~0.2 s on Django (2,800 files) and more on a monorepo: too much to repeat
on every keystroke. The walk tells its observer of every directory it lists and every file it
probes (``Observer.note``), as replay's recorder relies on; this module keeps those paths'
signatures (mode, size, mtime, ctime, inode) with the walk's result, and hands the result out
again only while every signature is the same. Adding, removing or renaming a file changes its
directory's mtime; a ``.gitignore`` edit changes the file. A walk whose inputs changed too
recently to be trusted (replay's "racy" window), or that its observer was told cannot be
described by paths, is not kept.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ssot_lint.config.settings import Config
from ssot_lint.observer import Observer
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.replay.play import signature
from ssot_lint.replay.record import racy
from ssot_lint.run.discovery import SourceFile, discover, with_buffer_files

if TYPE_CHECKING:
    from ssot_lint.replay.play import Signature


class _Noting(Observer):
    """Passes every note on to ``inner`` and keeps its path's signature."""

    def __init__(self, inner: Observer, started_ns: int) -> None:
        self.inner = inner
        self.started_ns = started_ns
        self.seen: dict[str, Signature] = {}
        self.describable = True

    def note(self, path: str | os.PathLike[str]) -> None:
        path = os.fspath(path)
        if path not in self.seen:
            sig = self.seen[path] = signature(path)
            if racy(sig, self.started_ns):
                self.describable = False
        self.inner.note(path)

    def refuse(self) -> None:
        self.describable = False
        self.inner.refuse()


# id(config) -> (the config, its settings then, the signatures the walk depended on, its files and
# their module index): one entry per live
# Config (dropped with it), so a project loaded once by a language server walks its root once
# per change, not once per buffer. By identity: a Config compares by value and is unhashable.
_walks: dict[int, tuple[weakref.ref[Config], str, dict[str, Signature], ProjectFiles]] = {}
_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class ProjectFiles:
    """Every file a walk of the project root covers, and which modules they are."""

    files: list[SourceFile]
    index: ModuleIndex
    # The buffers on no disk yet (their paths) -> this walk with them (``with_buffers``).
    with_buffers: dict[tuple[str, ...], ProjectFiles] = dataclasses.field(default_factory=dict, compare=False, repr=False)


def _settings(config: Config) -> str:
    """What of ``config`` a walk depends on, as it is now: a Config is mutable, and an API
    caller may change its excludes between two calls."""
    return repr((str(config.root), config.src_roots, config.values))


def project_files(config: Config) -> ProjectFiles:
    """Every file a walk of ``config``'s root covers (``discover``), from the last walk while
    nothing it looked at has changed."""
    with _lock:
        kept = _walks.get(id(config))
    settings = _settings(config)
    if kept is not None and kept[0]() is config and kept[1] == settings:
        _, _, seen, files = kept
        if all(signature(path) == sig for path, sig in seen.items()):
            for path in seen:  # the run's own observer learns what the result depends on
                config.observer.note(path)
            return files
    noting = _Noting(config.observer, time.time_ns())
    found = discover([str(config.root)], dataclasses.replace(config, observer=noting))
    files = ProjectFiles(found, ModuleIndex((source.ref, None) for source in found))
    if noting.describable:
        with _lock:
            if id(config) not in _walks:
                weakref.finalize(config, _walks.pop, id(config), None)
            _walks[id(config)] = (weakref.ref(config), settings, noting.seen, files)
    return files


def with_buffers(walked: ProjectFiles, config: Config, buffers: Mapping[str, bytes]) -> ProjectFiles:
    """``walked`` with the editor's buffers that are on no disk yet where the walk would have found
    them (``with_buffer_files``), and their module index: built once for a walk and the paths of
    such buffers (an index of Django's 2,800 files takes 0.1 s; a keystroke changes no path)."""
    known = {source.abspath for source in walked.files}
    new = tuple(sorted(path for path in buffers if path not in known))
    if not new:
        return walked
    found = walked.with_buffers.get(new)
    if found is None:
        files = with_buffer_files(walked.files, [str(config.root)], config, buffers)
        found = walked if files is walked.files else ProjectFiles(files, ModuleIndex((source.ref, None) for source in files))
        if len(walked.with_buffers) >= 8:  # editors hold a few new files at a time
            walked.with_buffers.clear()
        walked.with_buffers[new] = found
    return found
