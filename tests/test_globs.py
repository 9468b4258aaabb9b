"""GlobSet gives pathspec's verdict on every path, with or without its one-regex shortcut."""

from __future__ import annotations

import itertools

import pathspec
import pytest

from ssot_lint.config.globs import GlobSet
from ssot_lint.config.settings import DEFAULT_EXCLUDE

PATHS = [
    "a.py",
    "pkg/a.py",
    "pkg/__pycache__/",
    "pkg/__pycache__/a.py",
    ".git/",
    ".git/config",
    "build/",
    "build/x.py",
    "src/build.py",
    "x.pyc",
    "deep/er/node_modules/y.py",
    ".venv/lib/z.py",
    "tests/fixtures/",
    "tests/fixtures/a.py",
    "docs/conf.py",
    "a/b/c/d.pyi",
    "keep.py",
    "pkg/keep.py",
    "weird [x].py",
    "dir/",
    "a/.venv",  # a file named like an excluded directory
    "a/venv.py/b.py",
    "x/site-packages/y/z.py",
    "dist",
    "a/..build/b.py",
    ".tox/",
]
SPECS = [
    list(DEFAULT_EXCLUDE),
    ["*.py", "*.pyi"],
    ["tests/", "docs/**", "/build"],
    ["*.py", "!keep.py"],  # a negation: pathspec decides
    ["pkg/", "!pkg/keep.py", "*.pyc"],
    ["dir/", "a/b/", " build/", "venv.py/", "*.pyi", "./", "../"],  # directory names beside other patterns
    [],
]


@pytest.mark.parametrize("lines", SPECS, ids=lambda lines: ",".join(lines)[:40] or "empty")
def test_the_verdict_is_pathspecs(lines: list[str]) -> None:
    ours, theirs = GlobSet(lines), pathspec.GitIgnoreSpec.from_lines(lines)
    for path in itertools.chain(PATHS, (p.rstrip("/") for p in PATHS)):
        assert ours.match_file(path) == theirs.match_file(path), (lines, path)


def test_the_shortcut_is_taken_only_without_negations() -> None:
    assert GlobSet(DEFAULT_EXCLUDE)._combined is not None
    assert GlobSet(DEFAULT_EXCLUDE)._directories == {line[:-1] for line in DEFAULT_EXCLUDE}  # each a set lookup
    assert GlobSet(["dir/", "a/b/", " build/"])._directories == {"dir"}
    assert GlobSet(["*.py", "!keep.py"])._combined is None
