"""The module a file defines, named as the interpreter finds it, and paths made printable."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from ssot_lint.model import FileRef
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.project.module_paths import compiled_stem

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_path(path: str) -> str:
    """A printable path: undecodable bytes in file names become ``\\xNN`` escapes, and so do
    control characters (a newline or an escape sequence in a name would break or colour the output)."""
    shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace").replace(os.sep, "/")
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", shown)


def _dir_is_package(directory: str, observer: Observer = NULL_OBSERVER) -> bool:
    path = os.path.join(directory, "__init__.py")
    observer.note(path)
    return os.path.isfile(path)


class ModuleNamer:
    """Module names as the interpreter finds them, with the project root, each ``src`` root and
    the directory above every top-level regular package on ``sys.path``.

    - Under a ``src`` root (the innermost one), a file is named from that root: every directory
      between is a package, regular (``__init__.py``) or namespace (PEP 420).
    - Elsewhere in the project, a file inside a regular package is named from the outermost
      regular package above it (whose parent directory is where the import system finds it, as
      for ``fixtures/netra_backend/__init__.py``: ``netra_backend``). Directories without
      ``__init__.py`` between that package and the file are namespace packages and part of the
      name (``pkg/data/blob.py`` in regular ``pkg``: ``pkg.data.blob``).
    - A file in no regular package is named from the project root: the directories between are
      namespace packages (``tests/unit/test_x.py``: ``tests.unit.test_x``).
    - If the project root is itself a regular package, the chain of ``__init__.py`` directories
      is followed above it; a file outside the project (given explicitly) follows its own chain.

    ``is_package(directory)`` says whether a directory holds an ``__init__.py``: the file system
    by default; history and examples pass a lookup instead. ``root`` is the project root (None:
    every file follows its ``__init__.py`` chain only).
    """

    def __init__(
        self,
        src_roots: list[Path],
        is_package: Callable[[str], bool] | None = None,
        observer: Observer = NULL_OBSERVER,
        root: str | Path | None = None,
    ) -> None:
        self.src_roots = sorted((str(r) for r in src_roots), key=len, reverse=True)
        self.root = str(root) if root is not None else None
        self._is_package = is_package or (lambda directory: _dir_is_package(directory, observer))
        self._chains: dict[str, tuple[str, ...]] = {}
        self._states: dict[str, tuple[tuple[str, ...], bool, bool]] = {}

    def _chain_parts(self, directory: str) -> tuple[str, ...]:
        """The package names from the outermost ``__init__.py`` directory of an unbroken chain
        down to ``directory`` (computed once per directory and run)."""
        parts = self._chains.get(directory)
        if parts is None:
            parent = os.path.dirname(directory)
            if parent == directory or not self._is_package(directory):
                parts = ()
            else:
                parts = (*self._chain_parts(parent), os.path.basename(directory))
            self._chains[directory] = parts
        return parts

    def _project_parts(self, directory: str) -> tuple[tuple[str, ...], bool, bool]:
        """For a directory inside the project root: its package names, whether it is inside (or
        is) a regular package, and whether its name is implied (see ``FileRef.implied``).
        Iterative from the deepest directory not yet known."""
        pending = []
        current = directory
        while current not in self._states:
            if current == self.root:
                inside = self._is_package(current)
                self._states[current] = (self._chain_parts(current) if inside else (), inside, False)
                break
            pending.append(current)
            current = os.path.dirname(current)
        for current in reversed(pending):
            parent = os.path.dirname(current)
            parts, inside, implied = self._states[parent]
            name = os.path.basename(current)
            if inside:
                state = ((*parts, name), True, implied)
            elif self._is_package(current):
                state = ((name,), True, parent != self.root)  # a top-level regular package: its parent is on the path
            else:
                state = ((*parts, name), False, False)  # a namespace directory below the root
            self._states[current] = state
        return self._states[directory]

    def package_parts(self, directory: str) -> tuple[tuple[str, ...], bool]:
        """The dotted name (as parts) of the package ``directory`` stands for, and whether that
        name is implied."""
        for root in self.src_roots:
            if directory == root:
                return (), False
            if directory.startswith(root + os.sep):
                return tuple(p for p in os.path.relpath(directory, root).split(os.sep) if p not in ("", ".")), False
        if self.root is not None and (directory == self.root or directory.startswith(self.root.rstrip(os.sep) + os.sep)):
            parts, _, implied = self._project_parts(directory)
            return parts, implied
        return self._chain_parts(directory), False

    def ref(self, path: str, shown: str) -> FileRef:
        directory, name = os.path.split(path)
        stem = name.rsplit(".", 1)[0] if name.endswith((".py", ".pyi")) else compiled_stem(name) or name
        package, implied = self.package_parts(directory)
        parts = [*package, stem]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        return FileRef(shown, display_path(".".join(parts)), is_package, implied)
