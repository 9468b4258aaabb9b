"""gaps25: small gaps the last reviews left.

1. ``fix x.pyx`` (and ``.so``/``.pyd``, ``--diff``) says the file is a compiled extension module
   that is not analysed, as ``check x.pyx`` does, and exits as ``check`` does (0: nothing left).
2. Without ``src``, a relative import in a namespace directory's package (``from .old import X``
   in ``mpl_toolkits/axes_grid1/x.py``, no ``mpl_toolkits/__init__.py``: the file is named
   ``axes_grid1.x``) falls under a rule naming the module from the root
   (``mpl_toolkits.axes_grid1.old``), as under one naming it ``axes_grid1.old``; its fix stays relative.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project
from tests.test_fix_safety24 import rule

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


# -- 2. relative imports in a namespace directory's package, under a rule naming it from the root --
TOOLKITS = {
    "mpl_toolkits/axes_grid1/__init__.py": "",
    "mpl_toolkits/axes_grid1/new.py": "class Grid: ...\n",
    "mpl_toolkits/axes_grid1/old.py": "from .new import Grid\n",
    "mpl_toolkits/axes_grid1/user.py": "from .old import Grid\n\nprint(Grid)\n",
    "mpl_toolkits/axes_grid1/sub/__init__.py": "",
    "mpl_toolkits/axes_grid1/sub/deep.py": "from ..old import Grid\nfrom .. import old\n",
    "mpl_toolkits/axes_grid1/sub/only.py": "from .. import old\n",  # spells no `.old`: the prefilter resolves `..` too
    # Climbs above axes_grid1: works only if mpl_toolkits/ were a package, which its name says it is not.
    "mpl_toolkits/axes_grid1/above.py": "from ..axes_grid1.old import Grid\n",
}


@pytest.mark.parametrize("old", ["mpl_toolkits.axes_grid1.old", "axes_grid1.old"])
def test_a_relative_import_in_a_namespace_directory_falls_under_either_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str) -> None:
    new = old.replace(".old", ".new")
    write_project(tmp_path, TOOLKITS, rule(f'"{old}" = "{new}"'))
    result = run_cli(["check", "--no-cache", "-q"], tmp_path, monkeypatch)
    # One that climbs above the file's top-level package fails as the project names it: it is
    # matched as it resolves under that name (as before), not reinterpreted from the root.
    above = [f"mpl_toolkits/axes_grid1/above.py:1:6: R1 error: {old} is deprecated; import {new}"] if old == "axes_grid1.old" else []
    assert result.stdout.splitlines() == [
        *above,
        f"mpl_toolkits/axes_grid1/sub/deep.py:1:6: R1 [*] error: {old} is deprecated; import {new}",
        f"mpl_toolkits/axes_grid1/sub/deep.py:2:16: R1 [*] error: {old} is deprecated; import {new}",
        f"mpl_toolkits/axes_grid1/sub/only.py:1:16: R1 [*] error: {old} is deprecated; import {new}",
        f"mpl_toolkits/axes_grid1/user.py:1:6: R1 [*] error: {old} is deprecated; import {new}",
    ]
    result = run_cli(["fix", "--no-cache", "mpl_toolkits/axes_grid1/user.py", "mpl_toolkits/axes_grid1/sub"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "3 files changed, 4 findings fixed, 0 findings left.\n")
    assert (tmp_path / "mpl_toolkits/axes_grid1/user.py").read_text() == "from .new import Grid\n\nprint(Grid)\n"
    assert (tmp_path / "mpl_toolkits/axes_grid1/sub/deep.py").read_text() == "from ..new import Grid\nfrom .. import new as old\n"


def test_a_relative_import_whose_replacement_lies_outside_its_package_becomes_absolute_unsafely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**TOOLKITS, "mpl_toolkits/other/__init__.py": "", "mpl_toolkits/other/grids.py": "class Grid: ...\n"}
    write_project(tmp_path, files, rule('"mpl_toolkits.axes_grid1.old:Grid" = "mpl_toolkits.other.grids:Grid"'))
    result = run_cli(["fix", "--no-cache", "--diff", "mpl_toolkits/axes_grid1/user.py"], tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1] == (
        "  mpl_toolkits/axes_grid1/user.py:1:18: R1 unsafe fix not applied: the relative import would become the absolute `mpl_toolkits.other.grids`, "
        "outside axes_grid1, whose name is only inferred (a package below a folder without __init__.py): the absolute name may not import; configure `src` to name it"
    )
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes", "mpl_toolkits/axes_grid1/user.py"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert (tmp_path / "mpl_toolkits/axes_grid1/user.py").read_text() == "from mpl_toolkits.other.grids import Grid\n\nprint(Grid)\n"
