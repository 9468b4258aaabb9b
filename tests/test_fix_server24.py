"""server24: a compiled extension module's file named on the command line or given as
``--stdin-filename`` is said not to be analyzed (not "none is in scope", not read as Python)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from tests.helpers import Result, run_cli, write_project

RULES = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n'
CYTHON = "from pkg.old import X\ncdef int f():\n    return 1\n"
COMPILED = "ssot-lint: warning: {}: not checked: a compiled extension module, which ssot-lint does not analyze (it reads Python source only)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {"pkg/__init__.py": "", "pkg/new.py": "X = 1\n", "pkg/old.py": "X = 1\n", "pkg/a.py": "from pkg.old import X\n", "pkg/speed.pyx": CYTHON}
    return write_project(tmp_path, files, RULES)


def test_a_pyx_file_named_on_the_command_line_is_said_to_be_compiled(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg/fast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF\0")
    result = run_cli(["check", "--no-cache", "pkg/speed.pyx"], project, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()) == (0, [COMPILED.format("pkg/speed.pyx")])
    assert result.stdout.splitlines()[-1] == "0 files scanned, 0 parse errors, 0 findings"
    result = run_cli(["check", "--no-cache", "-q", "pkg/fast.cpython-311-x86_64-linux-gnu.so", "pkg/a.py"], project, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()) == (1, [COMPILED.format("pkg/fast.cpython-311-x86_64-linux-gnu.so")])
    assert result.stdout == "pkg/a.py:1:6: DI1 error: pkg.old is deprecated; import pkg.new\n"


def test_a_pyx_file_named_beside_a_path_with_nothing_in_scope_gets_both_warnings(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "void").mkdir()
    result = run_cli(["check", "--no-cache", "-q", "pkg/speed.pyx", "void"], project, monkeypatch)
    generic = "ssot-lint: warning: no files to check in void: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
    assert (result.exit_code, result.stderr.splitlines()) == (0, [generic, COMPILED.format("pkg/speed.pyx")])


def test_an_excluded_pyx_file_named_is_out_of_scope_as_before(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\nextend-exclude = ["pkg/speed.pyx"]\n')
    result = run_cli(["check", "--no-cache", "-q", "pkg/speed.pyx"], project, monkeypatch)
    generic = "ssot-lint: warning: no files to check in pkg/speed.pyx: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
    assert (result.exit_code, result.stderr.splitlines()) == (0, [generic])


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("name", ["pkg/speed.pyx", "pkg/gone.pyx", "pkg/fast.abi3.so"])
def test_stdin_named_as_a_compiled_module_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch, command: str, name: str) -> None:
    monkeypatch.chdir(project)
    outcome = CliRunner().invoke(main, [command, "--no-cache", "--stdin-filename", name, "-"], input=CYTHON.encode(), catch_exceptions=False)
    result = Result(outcome.exit_code, outcome.stdout, outcome.stderr)
    message = f"ssot-lint: error: --stdin-filename {name}: a compiled extension module, which ssot-lint does not analyze (it reads Python source only)\n"
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
