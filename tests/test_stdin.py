"""`check`/`fix --stdin-filename PATH -`: the text on stdin is checked (or fixed) as the file at
PATH would be — module name, rule scopes, suppressions, project-wide rules over the rest of the
project on disk — and only that file's findings are reported."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from tests.helpers import REPO, Result, write_project

RULES = """
[[rule]]
id = "WS001"
kind = "single-implementation"
name = "Manager$"
canonical = ["pkg.core:Manager"]
message = "{name} is one of {count} managers (max {max})"

[[rule]]
id = "DI001"
kind = "deprecated-import"
replace = { "pkg.old" = "pkg.core" }

[[rule]]
id = "SC001"
kind = "deprecated-import"
paths = ["pkg/scoped/"]
replace = { "json" = "pkg.jsonlib" }
"""

FILES = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Manager: ...\n",
    "pkg/old.py": "from pkg.core import *\n",  # deprecated: a shim of pkg.core
    "pkg/scoped/__init__.py": "",
    "pkg/service.py": "import pkg.core\n",  # on disk: clean
    "build/gen.py": "",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "p", FILES, RULES, 'rule-files = ["rules.toml"]\nextend-exclude = ["build/"]\n')
    return root


def run(args: list[str], stdin: bytes, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    outcome = CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)
    return Result(outcome.exit_code, outcome.stdout, outcome.stderr)


def check(text: str, path: str, root: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Result:
    return run(["check", "--no-cache", "-q", *extra, "--stdin-filename", path, "-"], text.encode(), root, monkeypatch)


# -- check ----------------------------------------------------------------------------------------
def test_the_text_on_stdin_is_checked_not_the_file_on_disk(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check("import os\nimport pkg.old\n", "pkg/service.py", project, monkeypatch)
    assert (result.exit_code, result.stdout) == (1, "pkg/service.py:2:8: DI001 [*] error: pkg.old is deprecated; import pkg.core\n")
    assert (project / "pkg/service.py").read_text() == "import pkg.core\n"  # nothing written
    clean = check("import pkg.core\n", "pkg/service.py", project, monkeypatch)
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")


def test_project_wide_rules_see_the_project_with_the_text_in_place_of_the_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg" / "extra.py").write_text("class OtherManager: ...\n")  # on disk: a second manager elsewhere
    (project / "pkg" / "service.py").write_text("class ThirdManager: ...\n")  # on disk: a third, which stdin removes
    result = check("class ServiceManager: ...\n", "pkg/service.py", project, monkeypatch)
    # Three managers counting the stdin text's one (not the disk's ThirdManager); only this file's finding.
    assert (result.exit_code, result.stdout) == (1, "pkg/service.py:1:7: WS001 error: ServiceManager is one of 3 managers (max 1)\n")
    result = check("x = 1\n", "pkg/service.py", project, monkeypatch)
    assert (result.exit_code, result.stdout) == (0, "")  # pkg/extra.py's finding is another file's


def test_a_file_that_does_not_exist_yet_gets_its_module_name_and_scope_from_its_path(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from . import old` in pkg/new.py is pkg.old: the module name comes from PATH and pkg/__init__.py.
    result = check("from . import old\nimport json\n", "pkg/new.py", project, monkeypatch)
    assert result.stdout == "pkg/new.py:1:15: DI001 [*] error: pkg.old is deprecated; import pkg.core\n"
    # SC001 applies under pkg/scoped/ only.
    result = check("import json\n", "pkg/scoped/new.py", project, monkeypatch)
    assert result.stdout == "pkg/scoped/new.py:1:8: SC001 error: json is deprecated; import pkg.jsonlib\n"
    assert not (project / "pkg" / "new.py").exists() and not (project / "pkg" / "scoped" / "new.py").exists()


def test_suppression_comments_in_the_text_apply(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check("import pkg.old  # ssot: ignore[DI001]\n", "pkg/service.py", project, monkeypatch)
    assert (result.exit_code, result.stdout) == (0, "")


def test_the_full_report_is_about_the_one_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg" / "extra.py").write_text("import pkg.old\nclass OtherManager: ...\n")
    result = run(["check", "--no-cache", "-o", "json", "--stdin-filename", "pkg/service.py", "-"], b"import pkg.old\n", project, monkeypatch)
    report = result.json()
    assert result.exit_code == 1
    assert [(f["path"], f["rule"], f["line"]) for f in report["findings"]] == [("pkg/service.py", "DI001", 1)]
    # WS001 counts what its max bounds: the project's family (pkg.core's Manager and OtherManager).
    assert {r["id"]: r["count"] for r in report["rules"]} == {"WS001": 2, "DI001": 1, "SC001": 0}
    text = run(["check", "--no-cache", "--stdin-filename", "pkg/service.py", "-"], b"import pkg.old\n", project, monkeypatch).stdout
    assert text.splitlines()[-1] == "1 file scanned, 0 parse errors, 1 finding"


def test_per_file_skips_the_project_wide_rules_and_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg" / "extra.py").write_text("class OtherManager: ...\n")
    result = check("class ServiceManager: ...\nimport pkg.old\n", "pkg/new.py", project, monkeypatch, "--per-file")
    assert (result.exit_code, result.stdout) == (1, "pkg/new.py:2:8: DI001 [*] error: pkg.old is deprecated; import pkg.core\n")
    assert result.stderr == ""  # -q: findings only (pre-commit runs --per-file once per batch)
    loud = run(["check", "--no-cache", "--per-file", "--stdin-filename", "pkg/new.py", "-"], b"class ServiceManager: ...\n", project, monkeypatch)
    assert loud.stderr == "ssot-lint: --per-file: skipped project-wide rules WS001 (run the whole project for them)\n"


def test_a_text_that_does_not_parse_is_one_ssot000(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check("import pkg.old\ndef f(:\n", "pkg/service.py", project, monkeypatch)
    assert (result.exit_code, result.stdout) == (1, "pkg/service.py:2:7: SSOT000 error: syntax error: invalid syntax\n")


def test_the_baseline_applies(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg" / "service.py").write_text("import pkg.old\n")
    assert run(["baseline", "--no-cache"], b"", project, monkeypatch).exit_code == 0
    assert check("import pkg.old\n", "pkg/service.py", project, monkeypatch).stdout == ""  # baselined
    result = check("import pkg.old\nfrom pkg.old import x\n", "pkg/service.py", project, monkeypatch)
    assert result.stdout == "pkg/service.py:2:6: DI001 error: pkg.old is deprecated; import pkg.core\n"  # x is not in pkg.core: no [*]


def test_a_file_the_project_does_not_check_is_not_checked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check("import pkg.old\n", "build/gen.py", project, monkeypatch)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "ssot-lint: note: build/gen.py is not one of the project's files (outside its root, not included, excluded or ignored by git): not checked\n"
    )


# -- fix ------------------------------------------------------------------------------------------
def test_fix_prints_the_fixed_text_and_writes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = b"import os\nimport pkg.old  # keep me\nclass ServiceManager: ...\n"
    result = run(["fix", "--no-cache", "--stdin-filename", "pkg/service.py", "-"], text, project, monkeypatch)
    assert result.stdout == "import os\nimport pkg.core  # keep me\nclass ServiceManager: ...\n"
    assert result.exit_code == 1  # the manager is left (no fix for single-implementation)
    assert (
        result.stderr
        == "1 finding fixed, 1 finding left:\n  pkg/service.py:3:7: WS001 no autofix for single-implementation rules: ServiceManager is one of 2 managers (max 1)\n"
    )
    assert (project / "pkg" / "service.py").read_text() == "import pkg.core\n"


def test_fix_diff_and_nothing_to_fix(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(["fix", "--no-cache", "--diff", "--stdin-filename", "pkg/service.py", "-"], b"import pkg.old\n", project, monkeypatch)
    assert result.exit_code == 1  # it would change
    assert result.stdout == "--- a/pkg/service.py\n+++ b/pkg/service.py\n@@ -1 +1 @@\n-import pkg.old\n+import pkg.core\n"
    assert result.stderr == "1 finding would be fixed, 0 findings would be left.\n"
    clean = CliRunner().invoke(main, ["fix", "--no-cache", "--stdin-filename", "pkg/service.py", "-"], input=b"import pkg.core\r\n")
    assert (clean.exit_code, clean.stdout_bytes, clean.stderr) == (0, b"import pkg.core\r\n", "0 findings fixed, 0 findings left.\n")  # byte for byte


def test_fix_keeps_the_texts_encoding(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "# -*- coding: latin-1 -*-\nimport pkg.old\nname = 'café'\n".encode("latin-1")
    monkeypatch.chdir(project)
    outcome = CliRunner().invoke(main, ["fix", "--no-cache", "--stdin-filename", "pkg/service.py", "-"], input=text)
    assert outcome.stdout_bytes == "# -*- coding: latin-1 -*-\nimport pkg.core\nname = 'café'\n".encode("latin-1")


def test_fix_of_a_file_the_project_does_not_check_gives_the_text_back(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(["fix", "--stdin-filename", "build/gen.py", "-"], b"import pkg.old\n", project, monkeypatch)
    assert (result.exit_code, result.stdout) == (0, "import pkg.old\n")
    assert "build/gen.py is not one of the project's files" in result.stderr


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check", "-"], b"", "'-' reads the file from stdin: name the file it stands for with --stdin-filename PATH"),
        (["fix", "-"], b"", "'-' reads the file from stdin: name the file it stands for with --stdin-filename PATH"),
        (["check", "--stdin-filename", "pkg/a.py"], b"", "--stdin-filename names the file read from stdin: give '-' as the path to read it"),
        (["fix", "--stdin-filename", "pkg/a.py", "pkg"], b"", "--stdin-filename names the file read from stdin: give '-' as the path to read it"),
        (["check", "--stdin-filename", "pkg/a.py", "-", "pkg"], b"", "'-' (the file on stdin) cannot be combined with other paths"),
        (["check", "--stdin-filename", "pkg", "-"], b"", "--stdin-filename pkg: is a directory, not a file"),
        (
            ["check", "--stdin-filename", "pkg/a.py", "-"],
            b"x = 1\n\xff\n",
            "pkg/a.py:2: the text on stdin is not Python source: cannot decode as utf-8: invalid byte 0xff",
        ),
        (
            ["fix", "--stdin-filename", "pkg/a.py", "-"],
            b"x = '\x00'\n",
            "pkg/a.py:1: the text on stdin is not Python source: file contains NUL bytes (binary file?)",
        ),
        (
            ["check", "--fix", "--stdin-filename", "pkg/a.py", "-"],
            b"",
            "--fix does not read stdin: `ssot-lint fix --stdin-filename PATH -` prints the fixed text",
        ),
        (["check", "--record", "--stdin-filename", "pkg/a.py", "-"], b"", "--record stores the whole project's counts: it cannot take the file on stdin"),
    ],
    ids=["no-filename", "fix-no-filename", "no-dash", "fix-no-dash", "other-paths", "directory", "undecodable", "nul", "check-fix", "record"],
)
def test_stdin_errors(project: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: bytes, message: str) -> None:
    result = run(args, stdin, project, monkeypatch)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"ssot-lint: error: {message}\n")


# -- never replayed ---------------------------------------------------------------------------------
def test_a_stdin_run_is_never_replayed(project: Path) -> None:
    """The replay keys a run by its command line and the files it read: stdin is neither, so a
    stdin run must never store a memo (a second run with other text would print the first's)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "ssot_lint", "check", "-q", "--stdin-filename", "pkg/service.py", "-"]
    outputs = []
    for text in (b"import pkg.old\n", b"import pkg.old\n", b"import pkg.old\n", b"x = 1\n"):
        time.sleep(0.15)  # past the racy window of the previous run's files
        outputs.append(subprocess.run(command, cwd=project, env=env, input=text, capture_output=True).stdout)
    assert outputs[:3] == [b"pkg/service.py:1:8: DI001 [*] error: pkg.old is deprecated; import pkg.core\n"] * 3
    assert outputs[3] == b""
    assert not list((project / ".ssot-lint" / "cache" / "replay").glob("*.memo"))
