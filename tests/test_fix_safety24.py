"""safety24 (review19a on matplotlib 3.10.3): fix findings.

1. (04) Without ``src``, a namespace directory's packages (``mpl_toolkits/axes_grid1/``, no
   ``mpl_toolkits/__init__.py``) are named ``axes_grid1.*``; ``unresolved-import`` resolves
   ``mpl_toolkits.axes_grid1.X`` through the root-relative name, while ``fix`` and ``rules --check``
   said ``ImageGrid is not defined in mpl_toolkits.axes_grid1``. The verifier now looks modules up
   as the module index does.
2. (02) A compiled extension module (``.so``) anywhere made every alias rewrite unsafe, called
   ``could not be analyzed (SSOT000)``. A binary extension's stores are not seen (as a third-party
   C extension's); a ``.pyx`` is text, tested for the words as any module, and named for what it is.
3. (03) Each unsafe import finding listed what the file's other statements stop running.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project


def rule(mapping: str, extra: str = "") -> str:
    return f'[[rule]]\nid = "R1"\nkind = "deprecated-import"\n[rule.replace]\n{mapping}\n{extra}'


def fix_diff(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, list[str]]:
    """``fix --diff``: the diff, and the summary's lines."""
    result = run_cli(["fix", "--no-cache", "--diff", *args], root, monkeypatch)
    return result.stdout, result.stderr.splitlines()


def runs(root: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


# -- 1. a namespace directory's packages under their root-relative name -------------------------------
# /tmp/review19a/repro/04-namespace-pkg-not-defined
TOOLKITS = {
    "mpl_toolkits/axes_grid1/__init__.py": "from .axes_grid import AxesGrid, ImageGrid\n",
    "mpl_toolkits/axes_grid1/axes_grid.py": "class ImageGrid: ...\nAxesGrid = ImageGrid\n",
    "app.py": "from mpl_toolkits.axes_grid1 import AxesGrid, ImageGrid\n\nprint(AxesGrid.__name__, ImageGrid.__name__)\n",
}
TOOLKITS_RULE = rule('"mpl_toolkits.axes_grid1:AxesGrid" = "mpl_toolkits.axes_grid1:ImageGrid"', '\n[[rule]]\nid = "PI1"\nkind = "unresolved-import"\n')
TOOLKITS_DIFF = """\
--- a/app.py
+++ b/app.py
@@ -1,3 +1,3 @@
-from mpl_toolkits.axes_grid1 import AxesGrid, ImageGrid
+from mpl_toolkits.axes_grid1 import ImageGrid as AxesGrid, ImageGrid
 
 print(AxesGrid.__name__, ImageGrid.__name__)
"""


@pytest.mark.parametrize("config", ['rule-files = ["rules.toml"]\n', 'rule-files = ["rules.toml"]\nsrc = ["."]\n'], ids=["inferred", "src"])
def test_a_namespace_directorys_package_is_verified_under_its_root_relative_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str) -> None:
    write_project(tmp_path, TOOLKITS, TOOLKITS_RULE, config)
    checked = run_cli(["rules", "--check"], tmp_path, monkeypatch)
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "1 mapping checked, 0 warnings\n", "")
    listed = run_cli(["check", "--no-cache", "-q"], tmp_path, monkeypatch).stdout.splitlines()
    assert listed == ["app.py:1:37: R1 [*] error: mpl_toolkits.axes_grid1:AxesGrid is deprecated; import mpl_toolkits.axes_grid1:ImageGrid"]
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert (diff, summary) == (TOOLKITS_DIFF, ["1 file would change, 1 finding would be fixed, 0 findings would be left."])
    assert runs(tmp_path, "import app") == "ImageGrid ImageGrid\n"
    run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert runs(tmp_path, "import app") == "ImageGrid ImageGrid\n"


def test_one_definition_reached_under_both_names_of_its_module_is_one_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The package's relative import reaches `axes_grid1.axes_grid.ImageGrid`; the rule spells it
    # `mpl_toolkits.axes_grid1.axes_grid.ImageGrid`: one file, one definition.
    write_project(tmp_path, TOOLKITS, rule('"mpl_toolkits.axes_grid1:AxesGrid" = "mpl_toolkits.axes_grid1.axes_grid:ImageGrid"'))
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert summary == ["1 file would change, 1 finding would be fixed, 0 findings would be left."]
    assert "+from mpl_toolkits.axes_grid1.axes_grid import ImageGrid as AxesGrid\n" in diff


def test_a_store_through_the_root_relative_name_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The store's module is named from its file's relative import (`axes_grid1.axes_grid`), the
    # rule's from the root: one module.
    files = {**TOOLKITS, "mpl_toolkits/axes_grid1/tweak.py": "from . import axes_grid\n\naxes_grid.ImageGrid = object\n"}
    write_project(tmp_path, files, rule('"mpl_toolkits.axes_grid1.axes_grid:AxesGrid" = "mpl_toolkits.axes_grid1.axes_grid:ImageGrid"'))
    (tmp_path / "app.py").write_text("from mpl_toolkits.axes_grid1.axes_grid import AxesGrid\n")
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    why = (
        "unsafe fix not applied: that mpl_toolkits.axes_grid1.axes_grid.ImageGrid is the same object as "
        "mpl_toolkits.axes_grid1.axes_grid.AxesGrid cannot be verified: mpl_toolkits.axes_grid1.axes_grid.AxesGrid is a copy of "
        "mpl_toolkits.axes_grid1.axes_grid.ImageGrid, and axes_grid1.tweak stores into mpl_toolkits.axes_grid1.axes_grid.ImageGrid "
        "at mpl_toolkits/axes_grid1/tweak.py:3"
    )
    # The package's own relative import of AxesGrid falls under the rule too (gaps25).
    assert summary[1:] == [
        f"  app.py:1:47: R1 {why}",
        f"  mpl_toolkits/axes_grid1/__init__.py:1:24: R1 {why}",
        "2 unsafe fixes not applied: `--unsafe-fixes` applies them",
    ]


def test_a_name_the_root_relative_module_lacks_is_refused_with_the_spelling_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The message names the module as the rule spells it, and it really lacks the name.
    write_project(tmp_path, TOOLKITS, rule('"mpl_toolkits.axes_grid1:AxesGrid" = "mpl_toolkits.axes_grid1:Gone"'))
    checked = run_cli(["rules", "--check"], tmp_path, monkeypatch)
    assert checked.stdout.splitlines() == [
        "rules.toml:5: R1 maps mpl_toolkits.axes_grid1:AxesGrid to mpl_toolkits.axes_grid1:Gone, which does not exist: "
        "Gone is not defined in mpl_toolkits.axes_grid1; no import of mpl_toolkits.axes_grid1:AxesGrid is rewritten",
        "1 mapping checked, 1 warning",
    ]
    _, summary = fix_diff(tmp_path, monkeypatch)
    assert summary[1:] == ["  app.py:1:37: R1 not fixable: Gone is not defined in mpl_toolkits.axes_grid1"]


def test_an_inferred_name_the_importer_cannot_import_is_not_advised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `axes_grid1` imports only with mpl_toolkits/ on sys.path, which nothing puts there for app.py.
    write_project(tmp_path, TOOLKITS, rule('"mpl_toolkits.axes_grid1:AxesGrid" = "axes_grid1:ImageGrid"'))
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    assert summary[1:] == [
        "  app.py:1:37: R1 unsafe fix not applied: axes_grid1 is a project package only below mpl_toolkits/, named as if that folder were on sys.path, "
        "and app is not below it: from there, what axes_grid1 holds cannot be verified",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]


# -- 2. compiled extension modules ---------------------------------------------------------------
# /tmp/review19a/repro/02-extension-module-called-SSOT000
CELLS = {
    "lib/__init__.py": "",
    "lib/table.py": "class Cell: ...\nCustomCell = Cell  # Backcompat alias\n",
    "app.py": "from lib.table import CustomCell\n\nprint(CustomCell)\n",
}
CELLS_RULE = rule('"lib.table:CustomCell" = "lib.table:Cell"')
CELLS_DIFF = """\
--- a/app.py
+++ b/app.py
@@ -1,3 +1,3 @@
-from lib.table import CustomCell
+from lib.table import Cell as CustomCell
 
 print(CustomCell)
"""
SAFE = ["1 file would change, 1 finding would be fixed, 0 findings would be left."]


@pytest.mark.parametrize("name", ["_c_internal_utils.cpython-311-x86_64-linux-gnu.so", "_speedups.abi3.so", "_win.cp311-win_amd64.pyd"])
def test_a_binary_extension_module_blocks_no_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    # What a binary extension stores is not seen, as for a third-party C extension (docs/fixing.md).
    write_project(tmp_path, {**CELLS, f"lib/{name}": "\x7fELF-not-python table.Cell = setattr"}, CELLS_RULE)
    assert fix_diff(tmp_path, monkeypatch) == (CELLS_DIFF, SAFE)
    listed = run_cli(["check", "--no-cache", "-q"], tmp_path, monkeypatch).stdout.splitlines()
    assert listed == ["app.py:1:23: R1 [*] error: lib.table:CustomCell is deprecated; import lib.table:Cell"]


def test_a_cython_module_that_does_not_spell_the_words_blocks_no_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**CELLS, "lib/fast.pyx": "def twice(int x):\n    return 2 * x\n"}, CELLS_RULE)
    assert fix_diff(tmp_path, monkeypatch) == (CELLS_DIFF, SAFE)


def test_a_cython_module_that_spells_a_store_makes_the_rewrite_unsafe_saying_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**CELLS, "lib/fast.pyx": "from lib import table\n\ncdef int n = 0\ntable.Cell = object\n"}, CELLS_RULE)
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    assert summary[1:] == [
        "  app.py:1:23: R1 unsafe fix not applied: that lib.table.Cell is the same object as lib.table.CustomCell cannot be verified: "
        "lib.table.CustomCell is a copy of lib.table.Cell, and lib/fast.pyx is a Cython module that spells Cell (its code is not analysed), "
        "so whether it stores into it is not known",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]


def test_a_module_that_does_not_parse_still_says_ssot000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**CELLS, "lib/broken.py": "from lib import table\ntable.Cell = object\ndef (:\n"}, CELLS_RULE)
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    assert summary[1:] == [
        "  app.py:1:23: R1 unsafe fix not applied: that lib.table.Cell is the same object as lib.table.CustomCell cannot be verified: "
        "lib.table.CustomCell is a copy of lib.table.Cell, and lib/broken.py could not be analyzed (SSOT000), so whether it stores into it is not known",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]


def test_an_extension_module_the_rewrite_stops_importing_is_named_for_what_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/_ext.cpython-311-x86_64-linux-gnu.so": "\x7fELF",
        "pkg/new.py": "X = 1\n",
        "pkg/old.py": "from pkg import _ext\nfrom pkg.new import X\n",
        "app.py": "from pkg.old import X\n",
    }
    write_project(tmp_path, files, rule('"pkg.old:X" = "pkg.new:X"'))
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    assert summary[1:] == [
        "  app.py:1:21: R1 unsafe fix not applied: app would no longer import pkg._ext, "
        "and pkg/_ext.cpython-311-x86_64-linux-gnu.so is a compiled extension module (its code is not read), "
        "so whether it does more than define names on import is not known",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]


# -- 3. each finding's reasons are its own statement's -------------------------------------------
# /tmp/review19a/repro/03-reasons-of-other-statements
def test_each_unsafe_import_names_only_what_its_own_statement_stops_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pkg/__init__.py": "", "pkg/registry.py": "REG = []\n"}
    for n in "abc":
        files[f"pkg/new_{n}.py"] = "X = 1\n"
        files[f"pkg/old_{n}.py"] = f'from pkg.registry import REG\nREG.append("{n}")\nfrom pkg.new_{n} import X\n'
    files["pkg/app.py"] = "def use_a():\n    import pkg.old_a\n\n\ndef use_b():\n    import pkg.old_b\n\n\ndef use_c():\n    import pkg.old_c\n"
    write_project(tmp_path, files, rule('"pkg.old_a" = "pkg.new_a"\n"pkg.old_b" = "pkg.new_b"\n"pkg.old_c" = "pkg.new_c"'))
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    assert summary[1:] == [
        f"  pkg/app.py:{line}:12: R1 unsafe fix not applied: pkg.app would no longer import pkg.old_{n}, whose import-time code does more than define names"
        for line, n in ((2, "a"), (6, "b"), (10, "c"))
    ] + ["3 unsafe fixes not applied: `--unsafe-fixes` applies them"]


def test_a_statement_held_back_only_by_the_imports_it_moves_with_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `import pkg.old_a` and `import pkg.old_b` both bind `pkg`: they move as one, so the verdict
    # is shared (unchanged), but only old_a's statement stops running code with effects.
    files = {
        "pkg/__init__.py": "",
        "pkg/registry.py": "REG = []\n",
        "pkg/new_a.py": "X = 1\n",
        "pkg/new_b.py": "X = 1\n",
        "pkg/old_a.py": 'from pkg.registry import REG\nREG.append("a")\nfrom pkg.new_a import X\n',
        "pkg/old_b.py": "from pkg.new_b import X\n",
        "pkg/app.py": "def use_a():\n    import pkg.old_a\n\n\ndef use_b():\n    import pkg.old_b\n",
    }
    write_project(tmp_path, files, rule('"pkg.old_a" = "pkg.new_a"\n"pkg.old_b" = "pkg.new_b"'))
    diff, summary = fix_diff(tmp_path, monkeypatch)
    assert diff == ""
    own = "pkg.app would no longer import pkg.old_a, whose import-time code does more than define names"
    assert summary[1:] == [
        f"  pkg/app.py:2:12: R1 unsafe fix not applied: {own}",
        f"  pkg/app.py:6:12: R1 unsafe fix not applied: it moves with the other imports binding pkg, and one is held back (line 2: {own})",
        "2 unsafe fixes not applied: `--unsafe-fixes` applies them",
    ]
