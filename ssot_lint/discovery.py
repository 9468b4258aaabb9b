"""Find the files in scope and name the module each one defines."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pathspec

from ssot_lint.config import Config
from ssot_lint.errors import ConfigError
from ssot_lint.model import FileRef


@dataclass(frozen=True)
class SourceFile:
    """A file to analyse: where to read it (``abspath``, raw OS string) and how to show it."""

    abspath: str
    ref: FileRef


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_path(path: str) -> str:
    """A printable path: undecodable bytes in file names become ``\\xNN`` escapes, and so do
    control characters (a newline or an escape sequence in a name would break or colour the output)."""
    shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace").replace(os.sep, "/")
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", shown)


class _Ignores:
    """Nested ``.gitignore`` files: the deepest one with an opinion about a path decides."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def _spec(self, directory: str) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            spec = None
            try:
                with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as handle:
                    spec = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
            except OSError:
                pass
            self._specs[directory] = spec
        return self._specs[directory]

    def ignored(self, path: str, is_dir: bool, stop: str) -> bool:
        if not self.enabled:
            return False
        directory = os.path.dirname(path)
        while True:
            spec = self._spec(directory)
            if spec is not None:
                rel = os.path.relpath(path, directory).replace(os.sep, "/") + ("/" if is_dir else "")
                verdict = spec.check_file(rel).include
                if verdict is not None:
                    return verdict
            if directory == stop or os.path.dirname(directory) == directory:
                return False
            directory = os.path.dirname(directory)


class Scope:
    """The config's include/exclude patterns, for walked files and for flat path lists alike."""

    def __init__(self, config: Config) -> None:
        self.include = pathspec.GitIgnoreSpec.from_lines(config.get("include"))
        self.exclude = pathspec.GitIgnoreSpec.from_lines(list(config.get("exclude")) + list(config.get("extend-exclude")))

    def excluded(self, relpath: str) -> bool:
        """``relpath`` is root-relative with ``/`` separators; directories end with ``/``."""
        return self.exclude.match_file(relpath)

    def included(self, relpath: str) -> bool:
        return self.include.match_file(relpath)

    def contains(self, relpath: str) -> bool:
        """Whether a file the walk in ``discover`` would reach is in scope: no excluded parent
        directory (the walk prunes those, so a later ``!`` pattern cannot re-include), not
        excluded itself, and included."""
        parts = relpath.split("/")
        for depth in range(1, len(parts)):
            if self.excluded("/".join(parts[:depth]) + "/"):
                return False
        return not self.excluded(relpath) and self.included(relpath)


def discover(paths: list[str], config: Config) -> list[SourceFile]:
    """Every file in scope under ``paths`` (files given explicitly are kept unless excluded)."""
    root = str(config.root)
    scope = Scope(config)
    ignores = _Ignores(config.get("respect-gitignore"))
    namer = ModuleNamer(config.src_roots)
    found: dict[str, SourceFile] = {}

    def rel(path: str, is_dir: bool) -> str:
        return os.path.relpath(path, root).replace(os.sep, "/") + ("/" if is_dir else "")

    def add(path: str) -> None:
        if path not in found:
            relpath = rel(path, False)
            found[path] = SourceFile(path, namer.ref(path, display_path(relpath)))

    for given in paths:
        path = os.path.abspath(given)
        if not os.path.lexists(path):
            raise ConfigError(f"{given}: no such file or directory")
        if not os.path.isdir(path):
            if not scope.excluded(rel(path, False)):
                add(path)
            continue
        stack = [path]
        while stack:
            directory = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                raise ConfigError(f"{display_path(rel(directory, True))}: cannot list directory: {exc.strerror}") from None
            for entry in entries:
                is_dir = entry.is_dir(follow_symlinks=False)
                relpath = rel(entry.path, is_dir)
                if scope.excluded(relpath) or ignores.ignored(entry.path, is_dir, root):
                    continue
                if is_dir:
                    stack.append(entry.path)  # symlinked directories are not followed: no loops
                elif scope.included(relpath):
                    add(entry.path)
    return sorted(found.values(), key=lambda f: f.ref.path)


@lru_cache(maxsize=None)
def _dir_is_package(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "__init__.py"))


class ModuleNamer:
    """Module names from the configured source roots, or else from ``__init__.py`` chains.

    ``is_package(directory)`` says whether a directory holds an ``__init__.py``: the file system
    by default; history passes a lookup in a commit's tree instead.
    """

    def __init__(self, src_roots: list[Path], is_package: Callable[[str], bool] | None = None) -> None:
        self.src_roots = sorted((str(r) for r in src_roots), key=len, reverse=True)
        self._is_package = is_package or _dir_is_package

    def ref(self, path: str, shown: str) -> FileRef:
        directory, name = os.path.split(path)
        stem = name.rsplit(".", 1)[0] if name.endswith((".py", ".pyi")) else name
        parts: list[str] | None = None
        for root in self.src_roots:
            if path.startswith(root + os.sep):
                parts = os.path.relpath(directory, root).split(os.sep) if directory != root else []
                parts = [p for p in parts if p not in ("", ".")] + [stem]
                break
        if parts is None:
            parts = [stem]
            while self._is_package(directory) and os.path.dirname(directory) != directory:
                parts.insert(0, os.path.basename(directory))
                directory = os.path.dirname(directory)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        return FileRef(shown, display_path(".".join(parts)), is_package)
