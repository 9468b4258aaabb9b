"""review15c (a new user's first hour), finding 1: a file that could not be analyzed (SSOT000) was
named in a fix's refusal as a reader "at line 0" (``pkg/legacy.py:0``), a claim that it reads the
name; and a reader or storer that could not be analyzed was taken to read or store nothing. The
refusal now says the file could not be analyzed, so whether it reads (or stores) is not known."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

PY2 = 'print "py2"\n'
NEW = "def helper():\n    return 1\n"


def left(root: Path, monkeypatch: pytest.MonkeyPatch, path: str = "") -> list[str]:
    """The lines of ``fix --diff`` about findings left (unsafe or not fixable)."""
    result = run_cli(["fix", "--no-cache", "--diff", *([path] if path else [])], root, monkeypatch)
    return [line for line in result.stderr.splitlines() if line.startswith("  ")]


def test_an_unparsed_module_spelling_a_rebound_name_is_not_called_its_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review15c/repro/02-unparsed-reader-line0
    files = {
        "pkg/__init__.py": "",
        "pkg/core/__init__.py": "",
        "pkg/core/new.py": NEW,
        "pkg/old.py": "from pkg.core.new import helper\n",
        "pkg/c.py": "from pkg import old\nprint(old.helper())\n",
        "pkg/legacy.py": "# mentions old\n" + PY2,
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.core.new" }\n')
    assert left(root, monkeypatch, "pkg/c.py") == [
        "  pkg/c.py:1:17: D1 unsafe fix not applied: pkg/legacy.py could not be analyzed (SSOT000), "
        "so whether it reads pkg.c.old is not known, and the rewrite binds it to another module"
    ]


def test_an_unparsed_module_spelling_a_module_no_longer_run_is_not_taken_to_leave_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Parsed, reader.py reads pkg.old as an attribute of pkg (the rewrite of a.py would stop running
    # pkg.old: unsafe); unparsed, it was taken to read nothing and the rewrite was safe.
    files = {
        "pkg/__init__.py": "",
        "pkg/new.py": NEW,
        "pkg/old.py": "from pkg.new import helper\n",
        "a.py": "from pkg.old import helper\nprint(helper())\n",
        "reader.py": "import a\nimport pkg\nprint pkg.old.helper()\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "X1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n')
    assert left(root, monkeypatch, "a.py") == [
        "  a.py:1:6: X1 unsafe fix not applied: a would no longer import pkg.old, "
        "and reader.py could not be analyzed (SSOT000), so whether it reads pkg.old is not known"
    ]
    assert (root / "a.py").read_text() == files["a.py"]


def test_an_unparsed_module_that_may_store_into_a_copy_is_not_taken_to_store_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Parsed, tweak.py's `pkg.old.MODE = "prod"` makes pkg.old.MODE another object than
    # pkg.config.MODE (unsafe); unparsed, it was taken to store nothing.
    files = {
        "pkg/__init__.py": "",
        "pkg/config.py": 'MODE = "dev"\n',
        "pkg/old.py": "from pkg.config import MODE\n",
        "a.py": "from pkg.old import MODE\nprint(MODE)\n",
        "tweak.py": 'import pkg.old\npkg.old.MODE = "prod"\nprint "py2"\n',
    }
    rules = '[[rule]]\nid = "X1"\nkind = "deprecated-import"\nreplace = { "pkg.old.MODE" = "pkg.config.MODE" }\n'
    root = write_project(tmp_path, files, rules)
    assert left(root, monkeypatch, "a.py") == [
        "  a.py:1:21: X1 unsafe fix not applied: that pkg.config.MODE is the same object as pkg.old.MODE cannot be verified: "
        "pkg.old.MODE is a copy of pkg.config.MODE, and tweak.py could not be analyzed (SSOT000), so whether it stores into it is not known"
    ]
