"""gaps25: small gaps the last reviews left.

1. ``fix x.pyx`` (and ``.so``/``.pyd``, ``--diff``) says the file is a compiled extension module
   that is not analysed, as ``check x.pyx`` does, and exits as ``check`` does (0: nothing left).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULES = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n'
CYTHON = "from pkg.old import X\ncdef int f():\n    return 1\n"
COMPILED = "ssot-lint: warning: {}: not fixed: a compiled extension module, which ssot-lint does not analyze (it reads Python source only)"


# -- 1. a compiled module named to fix -------------------------------------------------------------
@pytest.fixture
def compiled_project(tmp_path: Path) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/new.py": "from pkg.old import X\n",
        "pkg/old.py": "X = 1\n",
        "pkg/a.py": "from pkg.old import X\n",
        "pkg/speed.pyx": CYTHON,
    }
    project = write_project(tmp_path, files, RULES)
    (project / "pkg/fast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF\0")
    return project


@pytest.mark.parametrize("diff", [[], ["--diff"]])
@pytest.mark.parametrize("name", ["pkg/speed.pyx", "pkg/fast.cpython-311-x86_64-linux-gnu.so"])
def test_fix_of_a_compiled_module_says_it_is_not_analyzed(compiled_project: Path, monkeypatch: pytest.MonkeyPatch, name: str, diff: list[str]) -> None:
    result = run_cli(["fix", "--no-cache", *diff, name], compiled_project, monkeypatch)
    summary = "0 files would change, 0 findings would be fixed, 0 findings would be left." if diff else "0 files changed, 0 findings fixed, 0 findings left."
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (0, "", [COMPILED.format(name), summary])
    assert (compiled_project / "pkg/speed.pyx").read_text() == CYTHON


def test_fix_of_a_compiled_module_beside_a_python_file_fixes_the_python_file(compiled_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["fix", "--no-cache", "pkg/speed.pyx", "pkg/a.py"], compiled_project, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()) == (0, [COMPILED.format("pkg/speed.pyx"), "1 file changed, 1 finding fixed, 0 findings left."])
    assert (compiled_project / "pkg/a.py").read_text() == "from pkg.new import X\n"
    assert (compiled_project / "pkg/speed.pyx").read_text() == CYTHON


def test_fix_of_an_excluded_compiled_module_says_nothing_of_it(compiled_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (compiled_project / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\nextend-exclude = ["pkg/speed.pyx"]\n')
    result = run_cli(["fix", "--no-cache", "pkg/speed.pyx"], compiled_project, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()) == (0, ["0 files changed, 0 findings fixed, 0 findings left."])


def test_check_fix_of_a_compiled_module_says_it_once(compiled_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--fix", "-q", "--no-cache", "pkg/speed.pyx"], compiled_project, monkeypatch)
    checked = COMPILED.format("pkg/speed.pyx").replace("not fixed", "not checked")
    assert (result.exit_code, result.stderr.splitlines()) == (0, ["ssot-lint: fix: 0 files changed, 0 findings fixed, 0 findings left", checked])
