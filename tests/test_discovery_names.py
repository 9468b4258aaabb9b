"""Discovery decides from a file's name alone that ``include`` does not take it, when every
include pattern is a plain ``*.suffix`` (the default ``*.py``, ``*.pyi``): most entries of a real
tree (Home Assistant: 34,000 of 44,700) then need no path spelled and matched. The name test
must never reject a file the patterns take."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.config.settings import load_config
from ssot_lint.run.discovery import Scope, discover
from tests.helpers import write_project

NAMES = [
    "a.py",
    "a.pyi",
    "a.pyx",
    "x.cpython-311-x86_64-linux-gnu.so",
    "x.pyd",
    "lib.so.1",
    "README.md",
    "data.json",
    "a.py.bak",
    ".py",
    "py",
    "setup.cfg",
    "a.txt",
]
INCLUDES = {
    "default": None,
    "py only": ["*.py"],
    "stubs only": ["*.pyi"],
    "text": ["*.txt"],
    "a directory": ["src/*.py"],
    "a negation": ["*.py", "!test_*.py"],
    "any name": ["*"],
}


def scope(tmp_path: Path, include: list[str] | None) -> Scope:
    config = "" if include is None else f"include = {include!r}\n".replace("'", '"')
    write_project(tmp_path, {}, config=config)
    return Scope(load_config(tmp_path / "ssot-lint.toml"))


@pytest.mark.parametrize("include", list(INCLUDES), ids=list(INCLUDES))
def test_a_name_is_rejected_only_when_no_path_of_it_is_included(tmp_path: Path, include: str) -> None:
    chosen = scope(tmp_path, INCLUDES[include])
    for name in NAMES:
        if chosen.rejects_name(name):
            assert not any(chosen.included(directory + name) for directory in ("", "pkg/", "src/", "a/b/src/")), name


def test_the_default_rejects_by_name_what_is_no_module(tmp_path: Path) -> None:
    default = scope(tmp_path, None)
    assert [name for name in NAMES if default.rejects_name(name)] == ["lib.so.1", "README.md", "data.json", "a.py.bak", "py", "setup.cfg", "a.txt"]
    # Patterns a name alone cannot decide: nothing is rejected by name.
    assert not any(scope(tmp_path, ["src/*.py"]).rejects_name(name) for name in NAMES)
    assert not any(scope(tmp_path, ["*.py", "!test_*.py"]).rejects_name(name) for name in NAMES)


def test_discovery_finds_the_same_files_with_and_without_the_name_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"pkg/{name}": "" for name in NAMES} | {f"top/{name}": "" for name in NAMES}
    write_project(tmp_path, files, config="")
    config = load_config(tmp_path / "ssot-lint.toml")
    found = [source.ref.path for source in discover([str(tmp_path)], config)]
    monkeypatch.setattr(Scope, "rejects_name", lambda self, name: False)
    assert [source.ref.path for source in discover([str(tmp_path)], config)] == found
    assert found == [f"{d}/{n}" for d in ("pkg", "top") for n in sorted([".py", "a.py", "a.pyi", "a.pyx", "x.cpython-311-x86_64-linux-gnu.so", "x.pyd"])]
