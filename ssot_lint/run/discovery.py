"""Find the files in scope and name the module each one defines."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pathspec

from ssot_lint.config.globs import GlobSet, gitignore_spec
from ssot_lint.config.settings import Config
from ssot_lint.errors import ConfigError
from ssot_lint.model import FileRef
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.project.module_paths import compiled_stem
from ssot_lint.run.module_names import ModuleNamer, display_path


@dataclass(frozen=True)
class SourceFile:
    """A file to analyze: where to read it (``abspath``, raw OS string) and how to show it."""

    abspath: str
    ref: FileRef


class _Ignores:
    """Nested ``.gitignore`` files: the deepest one with an opinion about a path decides; then,
    as git does, the repository's ``info/exclude``."""

    def __init__(self, enabled: bool, observer: Observer, root: str | None = None) -> None:
        self.enabled = enabled
        self.observer = observer
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}
        self._chains: dict[tuple[str, str], tuple[tuple[str, pathspec.GitIgnoreSpec], ...]] = {}
        self._exclude = git_info_exclude(root, observer) if enabled and root is not None else None

    def _spec(self, directory: str) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            spec = None
            path = os.path.join(directory, ".gitignore")
            self.observer.note(path)
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    spec = gitignore_spec(handle.read().splitlines())
            except OSError:
                pass
            self._specs[directory] = spec
        return self._specs[directory]

    def _chain(self, directory: str, stop: str) -> tuple[tuple[str, pathspec.GitIgnoreSpec], ...]:
        """The ``.gitignore`` specs from ``directory`` up to ``stop`` (or the filesystem root),
        deepest first; computed once per directory, not once per entry."""
        key = (directory, stop)
        chain = self._chains.get(key)
        if chain is None:
            own = self._spec(directory)
            parent = os.path.dirname(directory)
            above = () if directory == stop or parent == directory else self._chain(parent, stop)
            chain = ((directory, own),) + above if own is not None else above
            self._chains[key] = chain
        return chain

    def ignored(self, path: str, is_dir: bool, stop: str) -> bool:
        if not self.enabled:
            return False
        for directory, spec in self._chain(os.path.dirname(path), stop):
            verdict = spec.check_file(_relative(path, directory) + ("/" if is_dir else "")).include
            if verdict is not None:
                return verdict
        if self._exclude is not None:
            toplevel, spec = self._exclude
            if path.startswith(toplevel + os.sep):
                return bool(spec.check_file(_relative(path, toplevel) + ("/" if is_dir else "")).include)
        return False


def git_info_exclude(root: str, observer: Observer = NULL_OBSERVER) -> tuple[str, pathspec.GitIgnoreSpec] | None:
    """The repository's ``info/exclude`` patterns (relative to the work tree's top) for the git
    work tree holding ``root``: ``.git`` a directory, or a file naming the git directory (a
    linked work tree or submodule; a linked work tree reads the main repository's ``info/exclude``)."""
    directory = root
    while True:
        dot_git = os.path.join(directory, ".git")
        observer.note(dot_git)
        if os.path.isdir(dot_git):
            git_dir = dot_git
            break
        if os.path.isfile(dot_git):
            try:
                with open(dot_git, encoding="utf-8") as handle:
                    first = handle.readline().strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not first.startswith("gitdir:"):
                return None
            git_dir = os.path.join(directory, first[len("gitdir:") :].strip())
            commondir = os.path.join(git_dir, "commondir")
            observer.note(commondir)
            try:
                with open(commondir, encoding="utf-8") as handle:
                    git_dir = os.path.join(git_dir, handle.readline().strip())
            except (OSError, UnicodeDecodeError):
                pass
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    path = os.path.join(git_dir, "info", "exclude")
    observer.note(path)
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            spec = gitignore_spec(handle.read().splitlines())
    except OSError:
        return None
    return (directory, spec) if any(p.include is not None for p in spec.patterns) else None


_PLAIN_SUFFIX = re.compile(r"\*(\.[A-Za-z0-9_]+)")


class Scope:
    """The config's include/exclude patterns, for walked files and for flat path lists alike."""

    def __init__(self, config: Config) -> None:
        self.include = GlobSet(config.get("include"))
        self.exclude = GlobSet(list(config.get("exclude")) + list(config.get("extend-exclude")))
        # `*.py`, `*.pyi` (the default): whether a file is included depends on its name alone.
        plain = [_PLAIN_SUFFIX.fullmatch(pattern) for pattern in config.get("include")]
        self._suffixes = tuple(m.group(1) for m in plain if m is not None) if plain and all(plain) else None

    def rejects_name(self, filename: str) -> bool:
        """Whether ``include`` takes no file named ``filename``, in any directory: decided from
        the name when every pattern is a plain ``*.suffix``, before the path is spelled."""
        suffixes = self._suffixes
        if suffixes is None or filename.endswith(suffixes):
            return False
        return ".py" not in suffixes or compiled_stem(filename) is None

    def excluded(self, relpath: str) -> bool:
        """``relpath`` is root-relative with ``/`` separators; directories end with ``/``."""
        return self.exclude.match_file(relpath)

    def included(self, relpath: str) -> bool:
        """Whether ``include`` takes the file; a compiled extension module's file (``util.pyx``,
        ``util.cpython-311-x86_64-linux-gnu.so``) is taken when its module's ``.py`` would be: it
        is a module of the project (whose names are unknown), never a file to read."""
        if self.include.match_file(relpath):
            return True
        directory, _, filename = relpath.rpartition("/")
        stem = compiled_stem(filename)
        return stem is not None and self.include.match_file(f"{directory}/{stem}.py" if directory else f"{stem}.py")

    def contains(self, relpath: str) -> bool:
        """Whether a file the walk in ``discover`` would reach is in scope: no excluded parent
        directory (the walk prunes those, so a later ``!`` pattern cannot re-include), not
        excluded itself, and included."""
        parts = relpath.split("/")
        for depth in range(1, len(parts)):
            if self.excluded("/".join(parts[:depth]) + "/"):
                return False
        return not self.excluded(relpath) and self.included(relpath)


def discover(paths: list[str], config: Config, symlinked_dirs: list[str] | None = None) -> list[SourceFile]:
    """Every file in scope under ``paths`` (files given explicitly are kept unless excluded).
    ``symlinked_dirs``, if given, receives the symlinks to directories passed over (not excluded)."""
    root = str(config.root)
    scope = Scope(config)
    observer = config.observer
    ignores = _Ignores(config.get("respect-gitignore"), observer, root)
    namer = ModuleNamer(config.src_roots, observer=observer, root=root)
    found: dict[str, SourceFile] = {}
    links: list[str] = []  # the file symlinks found: one to another file of the run is that file
    walked: list[str] = []
    given_files: list[str] = []

    def rel(path: str, is_dir: bool) -> str:
        return _relative(path, root) + ("/" if is_dir else "")

    def add(path: str) -> None:
        if path not in found:
            observer.note(path)
            relpath = rel(path, False)
            found[path] = SourceFile(path, namer.ref(path, display_path(relpath)))

    for given in paths:
        path = os.path.abspath(given)
        observer.note(path)
        if not os.path.lexists(path):
            raise ConfigError(f"{given}: no such file or directory")
        if linked_outside(path, root):
            continue  # not the project's: `unfollowed_links` says so
        if not os.path.isdir(path):
            if not scope.excluded(rel(path, False)):
                add(path)
                given_files.append(path)
                if os.path.islink(path):
                    links.append(path)
            continue
        walked.append(path)
        stack = [path]
        while stack:
            directory = stack.pop()
            observer.note(directory)
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                # Not a finding like an unreadable file: the files it holds are unknown, so every
                # count would be wrong. The run stops and says how to leave the directory out.
                shown = display_path(rel(directory, True))
                raise ConfigError(f'{shown}: cannot list directory: {exc.strerror} (leave it out with extend-exclude = ["{shown}"])') from None
            for entry in entries:
                is_dir = entry.is_dir(follow_symlinks=False)
                if not is_dir and scope.rejects_name(entry.name) and (symlinked_dirs is None or not entry.is_symlink()):
                    continue  # most entries of a real tree: no path to spell and match
                relpath = rel(entry.path, is_dir)
                if not is_dir and not scope.included(relpath):
                    # Most entries of a real tree (Home Assistant: 34,000 of 44,700) are files no
                    # `include` pattern takes: asked first, before the excludes and .gitignore.
                    if (
                        symlinked_dirs is not None
                        and entry.is_symlink()
                        and entry.is_dir()
                        and not scope.excluded(relpath)
                        and not ignores.ignored(entry.path, False, root)
                        and not scope.excluded(relpath + "/")
                    ):
                        symlinked_dirs.append(display_path(relpath) + "/")
                    continue
                if scope.excluded(relpath) or ignores.ignored(entry.path, is_dir, root):
                    continue
                if is_dir:
                    stack.append(entry.path)  # symlinked directories are not followed: no loops
                else:
                    add(entry.path)
                    if entry.is_symlink():
                        links.append(entry.path)
    # A link given by name is dropped only for a target given by name too: `fix link.py` (whose
    # partial run walks the root as well) fixes the file it names.
    for link in dict.fromkeys(links):
        if _linked_file(link, walked, given_files, found if link not in given_files else dict.fromkeys(given_files), links) is not None:
            del found[link]
    return sorted(found.values(), key=lambda f: f.ref.path)


def _linked_file(link: str, walked: list[str], given: list[str], found: Mapping[str, object], links: list[str]) -> str | None:
    """The file of the run (no symlink itself) that the symlink ``link`` resolves to, if any: as
    git stores a link, not a second copy, the run analyzes (and ``fix`` writes) that file once.
    The target is looked for as the walk of each directory in ``walked`` spells it, and among
    the ``given`` files."""
    target = os.path.realpath(link)
    candidates = [target, *(path for path in given if os.path.realpath(path) == target)]
    for directory in walked:
        real = os.path.realpath(directory).rstrip(os.sep)
        if target.startswith(real + os.sep):
            candidates.append(directory.rstrip(os.sep) + target[len(real) :])
    return next((c for c in candidates if c != link and c in found and c not in links), None)


def link_outside(path: str, config: Config) -> str | None:
    """The real path (shown) of the file at ``path`` when it lies outside the project root (a
    symlink to a file elsewhere, or a file given through a symlinked directory): ``check`` reads
    such a file as Python imports it, ``fix`` never writes it."""
    target, root = os.path.realpath(path), os.path.realpath(config.root)
    return None if target.startswith(root.rstrip(os.sep) + os.sep) else display_path(target)


def linked_outside(path: str | os.PathLike[str], root: str) -> bool:
    """Whether ``path`` names a directory through a symlink (itself or one above it) whose real
    path lies outside ``root``: not the project's files, and not walked, as a walk follows no
    symlinked directory."""
    absolute = os.path.abspath(path)
    real = os.path.realpath(absolute)
    inside = os.path.realpath(root).rstrip(os.sep) + os.sep
    return os.path.isdir(absolute) and real != os.path.normpath(absolute) and not (real + os.sep).startswith(inside)


def unfollowed_links(paths: Sequence[str | os.PathLike[str]], config: Config) -> list[str]:
    """A note for each path given that names a directory through a symlink (itself or one above
    it) whose real path lies outside the project root: its files are not the project's, and as a
    walk does not follow symlinked directories, none of them is checked or fixed."""
    return [
        f"{display_path(os.fspath(given))}: a symlink to a directory outside the project ({display_path(os.path.realpath(given))}); "
        "symlinked directories are not followed: run ssot-lint in that directory's project"
        for given in paths
        if linked_outside(given, str(config.root))
    ]


def in_project(path: str, config: Config) -> bool:
    """Whether a walk of the project root (``ssot-lint check`` without paths) covers the file at
    ``path`` (absolute; it need not exist): inside the root, included, not excluded, and neither
    it nor a directory above it ignored by a ``.gitignore``."""
    root = str(config.root)
    relpath = _relative(path, root)
    if relpath == "." or relpath.startswith("../") or os.path.isabs(relpath):
        return False
    if not Scope(config).contains(relpath):
        return False
    ignores = _Ignores(config.get("respect-gitignore"), NULL_OBSERVER)
    parts = relpath.split("/")
    for depth in range(1, len(parts) + 1):
        if ignores.ignored(os.path.join(root, *parts[:depth]), depth < len(parts), root):
            return False
    return True


def _relative(path: str, start: str) -> str:
    """``os.path.relpath`` with ``/`` separators; a plain slice for the usual case (``path``
    normalised and under ``start``): relpath costs more than the rest of the walk per entry."""
    prefix = start if start.endswith(os.sep) else start + os.sep
    if path.startswith(prefix):
        rel = path[len(prefix) :]
    else:
        rel = os.path.relpath(path, start)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def with_buffer_files(files: list[SourceFile], paths: Sequence[str], config: Config, buffers: Mapping[str, bytes]) -> list[SourceFile]:
    """``files`` plus the buffers that exist only in an editor (not saved yet), where a walk of
    ``paths`` would have found them on disk."""
    known = {source.abspath for source in files}
    given = [os.path.abspath(p) for p in paths]
    added = [
        path
        for path in buffers
        if path not in known and any(path == g or path.startswith(g.rstrip(os.sep) + os.sep) for g in given) and in_project(path, config)
    ]
    if not added:
        return files
    namer = ModuleNamer(config.src_roots, root=config.root)
    extra = [SourceFile(path, namer.ref(path, display_path(os.path.relpath(path, config.root)))) for path in added]
    return sorted(files + extra, key=lambda f: f.ref.path)
