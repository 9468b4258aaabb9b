"""The summary counts what a fix did (issue #13): when only some names of a statement move (the
statement is split, the finding stays for the rest), the file changes although no finding is
gone, and the headline says that finding was partly fixed instead of "0 findings fixed" alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint import api
from ssot_lint.cli import main
from tests.helpers import run_cli, write_project

RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old" = "new" }\n'
FILES = {
    "old/__init__.py": "from new import A, B\n\nclass Gone: ...\n",  # a shim: the same A and B
    "new/__init__.py": "class A: ...\nclass B: ...\n",
    "app.py": "from old import A, Gone\nfrom old import B\n",
}


def test_a_split_statement_counts_as_partly_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, FILES, RULES)
    dry = run_cli(["fix", "--no-cache", "--diff"], tmp_path, monkeypatch)
    assert dry.stderr.splitlines() == [
        "1 file would change, 1 finding would be fixed, 1 finding would be left (1 partly fixed):",
        "  app.py:1:6: D1 not fixable: Gone is not defined in new",
    ]
    result = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from old import Gone\nfrom new import A\nfrom new import B\n"
    assert result.stderr.splitlines() == [
        "1 file changed, 1 finding fixed, 1 finding left (1 partly fixed):",
        "  app.py:1:6: D1 not fixable: Gone is not defined in new",
    ]
    # Nothing more to move: the finding is left, and no longer partly fixed by this run.
    again = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert again.stderr.splitlines()[0] == "0 files changed, 0 findings fixed, 1 finding left:"


def test_an_unsafe_rewrite_of_some_names_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A's kind in new cannot be told (unsafe, applied with --unsafe-fixes); Gone is refused.
    files = {
        **FILES,
        "old/__init__.py": "import new\n\nclass A: ...\nclass Gone: ...\n",
        "new/__init__.py": "A = type('A', (), {})\n",
        "app.py": "from old import A, Gone\n",
    }
    write_project(tmp_path, files, RULES)
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from old import Gone\nfrom new import A\n"
    assert result.stderr.splitlines() == [
        "1 file changed, 0 findings fixed, 1 finding left (1 partly fixed):",
        "  app.py:1:6: D1 not fixable: Gone is not defined in new",
        "  app.py:1:6: D1 unsafe fix applied to some of its names: new.A exists, but that it is a class, as old.A is, cannot be verified",
    ]
    # The same from stdin (an editor's buffer): the reason and the note, as for the file.
    (tmp_path / "app.py").write_text(files["app.py"])
    unsafe = CliRunner().invoke(main, ["fix", "--no-cache", "--unsafe-fixes", "--stdin-filename", "app.py", "-"], input=files["app.py"].encode())
    assert unsafe.stdout == "from old import Gone\nfrom new import A\n"
    assert unsafe.stderr.splitlines() == ["0 findings fixed, 1 finding left (1 partly fixed):", *result.stderr.splitlines()[1:]]


def test_stdin_and_the_api_count_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, FILES, RULES)
    monkeypatch.chdir(tmp_path)
    fixed = api.fix_source("app.py", "from old import A, Gone\n")
    assert (fixed.code, fixed.fixed, fixed.partly) == ("from old import Gone\nfrom new import A\n", 0, 1)
    outcome = CliRunner().invoke(main, ["fix", "--no-cache", "--stdin-filename", "app.py", "-"], input=b"from old import A, Gone\n")
    assert outcome.stdout == "from old import Gone\nfrom new import A\n"
    # each finding left with its reason, as `fix` on files gives it (it gave the finding's message)
    assert outcome.stderr == "0 findings fixed, 1 finding left (1 partly fixed):\n  app.py:1:6: D1 not fixable: Gone is not defined in new\n"
    assert fixed.reasons == (("D1", 1, 6, "not fixable: Gone is not defined in new", False),)
