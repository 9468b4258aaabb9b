"""A partial run (``check PATH...``): the findings in PATH, judged against the whole project.

A run over some paths reports exactly the findings a run over the whole project reports whose
location is in those paths (ruff's ``ruff check some/file.py``). Per-file rules need only the
files in PATH. Project-wide rules (kinds with an ``aggregate`` step: family counts, the module
index, required events) need every file, so a partial run with one of them analyzes the whole
project as well (its results come from the result cache: only the files changed since the last
run are read again), aggregates over all of it, and then keeps what lies in PATH: findings,
suppressed findings, suppression comments, scanned files and each rule's count of them.

A finding's location is in PATH when it is in a file given, or anywhere under a directory given.
A finding about a rule's whole scope sits at the rule itself, in no source file (``required-events``:
"agent_failed is never emitted"): it is reported when PATH holds the rule file, or every file in
that rule's scope; never by a run over part of the scope (one file in an editor or a pre-commit
batch must not fail on what the rest of the project lacks). ``Within``
tells, from the paths as findings spell them (root-relative, ``/``-separated), without walking
anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass


def absolute_path(path: str | os.PathLike[str]) -> str:
    """``path`` made absolute with its directory's symlinks resolved (not the file's own): the
    spelling a walk from the resolved project root gives the same file."""
    directory, name = os.path.split(os.path.abspath(os.fspath(path)))
    return os.path.join(os.path.realpath(directory), name)


def given_paths(paths: Iterable[str | os.PathLike[str]], root: str) -> list[str]:
    """The paths of a partial run spelled as a walk of the project root spells the same files
    (``absolute_path``; a directory given is resolved whole), so a file given by name and found
    by that walk is one file, not two. A directory reached through a symlink to outside
    ``root`` keeps its spelling: the walk does not follow it (``discovery.linked_outside``)."""
    from ssot_lint.run.discovery import linked_outside

    return [(os.path.abspath(p) if linked_outside(p, root) else os.path.realpath(p)) if os.path.isdir(p) else absolute_path(p) for p in paths]


@dataclass(frozen=True)
class Within:
    """The paths a partial run reports on: ``files`` given by name, and every path under one of
    the ``directories`` given (each spelled with a trailing ``/``; ``""`` holds everything)."""

    files: frozenset[str] = frozenset()
    directories: tuple[str, ...] = ()

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (path in self.files or any(path.startswith(d) for d in self.directories))

    @classmethod
    def of(cls, paths: Iterable[str], root: str) -> Within:
        """``paths`` (absolute, as given: files, directories, or buffers on no disk yet) spelled
        as the findings in them are: relative to ``root``."""
        from ssot_lint.run.module_names import display_path

        files: set[str] = set()
        directories: set[str] = set()
        for path in paths:
            if not os.path.isdir(path):
                files.add(display_path(os.path.relpath(path, root)))
            elif root == path or root.startswith(path.rstrip(os.sep) + os.sep):
                directories.add("")  # the root or a directory above it: the whole project
            else:
                directories.add(display_path(os.path.relpath(path, root)) + "/")
        return cls(frozenset(files), tuple(sorted(directories)))
