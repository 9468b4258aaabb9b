"""Gitignore-style pattern sets (pathspec), matched with one regex where that gives the same verdict.

pathspec tries a spec's patterns one by one; with the default excludes that is ten regex calls
per file, a third of discovering a large tree. When no pattern negates (``!``), a path is matched
exactly when some pattern matches it, so one alternation of the patterns' own regexes gives the
same verdict in one call, and a plain ``name/`` pattern (every default exclude) is a set lookup
of the path's directories. Anything else (negations, a pattern type without a regex) is left to
pathspec.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

import pathspec

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")  # pathspec names its groups alike; an alternation cannot repeat a name
# A plain directory name and a slash: no glob characters, no other slash, no escape, no negation.
_DIRECTORY_NAME = re.compile(r"(?!\.+/)[A-Za-z0-9_.\-]+/")


def _compile(lines: list[str]) -> pathspec.GitIgnoreSpec:
    # pathspec hands a bracket expression to ``re`` as written: ``[[:alpha:]]`` (a POSIX class,
    # which it does not translate) makes ``re`` warn of a nested set. Raised here as an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return pathspec.GitIgnoreSpec.from_lines(lines)


def pattern_error(pattern: str) -> str | None:
    """Why a gitignore-style pattern written in a config or rule file can never do what it says
    (None when it can). Git skips such lines in a ``.gitignore``; in a config they are mistakes."""
    if not pattern.strip():
        return "an empty pattern matches nothing"
    if pattern.startswith("#"):
        return "a pattern starting with '#' is a comment in gitignore syntax and matches nothing (write '\\#' for a literal '#')"
    try:
        compiled = _compile([pattern]).patterns
    except FutureWarning:
        return "a '[' inside '[...]' (a POSIX class such as '[[:alpha:]]') is not supported: list the characters ('[a-zA-Z]')"
    except re.error as exc:
        return f"invalid '[...]': {exc.msg}"
    except ValueError as exc:  # pathspec's GitIgnorePatternError (a trailing backslash) is one
        return str(exc.__cause__ or exc)
    if all(p.include is None for p in compiled):
        return "an unclosed '[' makes the pattern match nothing" if "[" in pattern else "the pattern matches nothing"
    return None


def gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """A ``.gitignore`` file's patterns as git reads them: a line ssot-lint cannot use (a
    trailing backslash, a bad or POSIX-class bracket expression) is skipped, as git skips the
    ones it cannot use, instead of failing the run."""
    lines = list(lines)
    try:
        return _compile(lines)
    except (ValueError, re.error, FutureWarning):
        return _compile([line for line in lines if pattern_error(line) is None or not line.strip() or line.startswith("#")])


class GlobSet:
    def __init__(self, lines: Iterable[str]) -> None:
        self.spec = pathspec.GitIgnoreSpec.from_lines(list(lines))
        self._combined: re.Pattern[str] | None = None
        self._directories: frozenset[str] = frozenset()
        patterns = [p for p in self.spec.patterns if p.include is not None]
        regexes = [getattr(p, "regex", None) for p in patterns]
        if patterns and all(p.include for p in patterns) and all(isinstance(r, re.Pattern) for r in regexes):
            # `name/` (every default exclude) matches a path with a directory `name` anywhere in it:
            # a set lookup of its directories, not a regex that backtracks to every `/`.
            sources = [p.pattern if isinstance(p.pattern, str) else "" for p in patterns]
            plain = [_DIRECTORY_NAME.fullmatch(source) is not None for source in sources]
            rest = [r for r, is_name in zip(regexes, plain) if not is_name]
            self._directories = frozenset(source[:-1] for source, is_name in zip(sources, plain) if is_name)
            try:
                self._combined = re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', r.pattern)})" for r in rest) if rest else "(?!)")  # type: ignore[union-attr]
            except re.error:
                self._combined, self._directories = None, frozenset()

    def match_file(self, path: str) -> bool:
        if self._combined is not None:
            return not self._directories.isdisjoint(path.split("/")[:-1]) or self._combined.match(path) is not None
        return self.spec.match_file(path)


def unmatched(patterns: Iterable[str], paths: Iterable[str]) -> list[str]:
    """The patterns (negations and blank lines aside) that match none of ``paths``."""
    left = {p: GlobSet([p]) for p in patterns if p.strip() and not p.startswith(("!", "#"))}
    for path in paths:
        for pattern in [p for p, globs in left.items() if globs.match_file(path)]:
            del left[pattern]
        if not left:
            break
    return list(left)
