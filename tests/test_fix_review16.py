"""Issue #13 (``fix`` never changes behaviour), review16b: where a module runs from.

1. a module given by files in two places on the way from the old name to its definition (a
   re-export through ``mid``) was not part of the clash test;
2. pytest's default import mode (and a script run directly) puts the importer's own folder first
   on ``sys.path``: a sibling ``tests/helpers.py`` answers ``import helpers``;
3. the clash test was too strict: a package the importer itself was imported through is the
   importer's copy, not a question of ``sys.path``;
4. notes on unsafe fixes applied by a later rule's round carried that round's positions;
5. a module that could not be analyzed was said to do more than define names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project


def applicability(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, int, int, str], str]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    return {(f["path"], f["line"], f["col"], f["rule"]): f["applicability"] for f in report["findings"]}


def python(cwd: Path, code: str, path: str) -> str:
    env = {"PYTHONPATH": path, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60, check=False, env=env)
    return (done.stdout + done.stderr).strip().splitlines()[-1]


def rules(old: str, new: str) -> str:
    return f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\n[rule.replace]\n"{old}" = "{new}"\n'


# -- 1. a module on the way to the definition, given twice ----------------------------------------

REEXPORTER = {
    "pkg/__init__.py": "",
    "base/__init__.py": "class X:\n    pass\n",
    "pkg/old.py": "from mid import X\n",
    "pkg/new.py": "from base import X\n",
    "pkg/app.py": "import pkg.new\nfrom pkg.old import X\n\nprint(X.__module__)\n",
    "libs1/mid/__init__.py": "from base import X\n",
    "libs2/mid/__init__.py": "class X:\n    pass\n",
}


def test_a_reexporter_given_twice_on_the_way_is_a_clash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review16b 01: libs2's ``mid`` has its own ``X``; with libs2 on the path the rewrite swaps it."""
    root = write_project(tmp_path / "p", REEXPORTER, rules("pkg.old", "pkg.new"))
    assert python(root, "import pkg.app", ".:libs2") == "mid"
    assert applicability(root, monkeypatch) == {("pkg/app.py", 2, 6, "D1"): "unsafe"}
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    why = (
        "that pkg.new.X is the same object as pkg.old.X cannot be verified: mid is given by 2 files"
        " (libs1/mid/__init__.py, libs2/mid/__init__.py): which one an importer gets depends on sys.path"
    )
    assert result.stderr.splitlines()[1] == f"  pkg/app.py:2:6: D1 unsafe fix not applied: {why}"
    assert python(root, "import pkg.app", ".:libs2") == "mid"


def test_the_new_names_way_is_asked_about_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same with the roles swapped: the replacement re-exports through ``mid``."""
    files = {**REEXPORTER, "pkg/old.py": "from base import X\n", "pkg/new.py": "from mid import X\n"}
    root = write_project(tmp_path / "p", files, rules("pkg.old", "pkg.new"))
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "that pkg.new.X is the same object as pkg.old.X cannot be verified: mid is given by 2 files" in result.stderr.splitlines()[1]


# -- 2. the importer's folder first on sys.path ---------------------------------------------------

BESIDE = {
    "pkg/__init__.py": "",
    "pkg/helpers.py": 'def make():\n    return "canonical"\n',
    "helpers.py": "from pkg.helpers import make\n",
    "tests/helpers.py": 'def make():\n    return "test helper"\n',
    "tests/test_a.py": 'from helpers import make\n\n\ndef test_make():\n    assert make() == "test helper"\n',
    "app.py": "from helpers import make\n\nprint(make())\n",
}


def test_a_module_beside_an_importer_in_a_plain_folder_may_answer_its_bare_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review16b 02: pytest (prepend) puts ``tests/`` first, so ``tests/test_a.py``'s ``helpers``
    is ``tests/helpers.py``. ``app.py`` at the root has no such neighbour: its rewrite stays safe."""
    root = write_project(tmp_path / "p", BESIDE, rules("helpers", "pkg.helpers"))
    assert applicability(root, monkeypatch) == {("app.py", 1, 6, "D1"): "safe", ("tests/test_a.py", 1, 6, "D1"): "unsafe"}
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    why = "tests/helpers.py is beside the importer: run by pytest or as a script, that folder comes first on sys.path and helpers may be it"
    assert result.stderr.splitlines()[1] == f"  tests/test_a.py:1:6: D1 unsafe fix not applied: {why}"
    assert (root / "tests/test_a.py").read_text() == BESIDE["tests/test_a.py"]
    assert (root / "app.py").read_text() == "from pkg.helpers import make\n\nprint(make())\n"


def test_a_folder_with_init_puts_nothing_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``tests/__init__.py`` pytest inserts the folder above the package, not ``tests/``."""
    root = write_project(tmp_path / "p", {**BESIDE, "tests/__init__.py": ""}, rules("helpers", "pkg.helpers"))
    assert applicability(root, monkeypatch) == {("app.py", 1, 6, "D1"): "safe", ("tests/test_a.py", 1, 6, "D1"): "safe"}


# -- 3. the importer's own copy -------------------------------------------------------------------

OWN_COPY = {
    "lib/__init__.py": "",
    "lib/new.py": "class X:\n    pass\n",
    "lib/old.py": "from lib.new import X\n",
    **{f"services/{s}/app/__init__.py": "" for s in ("api", "worker")},
    "services/worker/app/main.py": "from lib.old import X\n\nprint(X.__module__)\n",
    **{f"libs/{s}/tests/__init__.py": "" for s in ("a", "b")},
    "libs/a/tests/test_lib.py": "from lib.old import X\n\n\ndef test_x():\n    assert X\n",
}


def test_a_package_the_importer_runs_through_is_its_own_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review16b 03: ``app`` and ``tests`` are each given twice, but the file rewritten runs
    through its own copy of them; ``lib.old`` and ``lib.new`` are given once."""
    root = write_project(tmp_path / "p", OWN_COPY, rules("lib.old", "lib.new"))
    assert applicability(root, monkeypatch) == {("libs/a/tests/test_lib.py", 1, 6, "D1"): "safe", ("services/worker/app/main.py", 1, 6, "D1"): "safe"}
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "2 files changed, 2 findings fixed, 0 findings left."


def test_a_module_of_the_importers_package_only_in_the_other_copy_does_not_exist_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``app.new`` only in the api's copy: the worker's ``app`` has no ``new``, whatever ``sys.path``
    (judged against the importer's copy since safety20: not fixable, no longer a clash)."""
    files = {
        **{f"services/{s}/app/__init__.py": "" for s in ("api", "worker")},
        "services/api/app/new.py": "class X:\n    pass\n",
        "services/worker/app/old.py": "class X:\n    pass\n",
        "services/worker/app/main.py": "from app.old import X\n",
    }
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    why = "module app.new does not exist (new is not a module of app) (judged against the importer's copy: services/worker/app/__init__.py)"
    assert result.stderr.splitlines()[1] == f"  services/worker/app/main.py:1:6: D1 not fixable: {why}"


def test_a_module_of_the_importers_package_in_its_own_copy_is_determined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``app.old`` and ``app.new`` only in the worker's copy, ``app`` in both: the worker's
    ``app.main`` runs through its own ``app``, which has both."""
    files = {
        **{f"services/{s}/app/__init__.py": "" for s in ("api", "worker")},
        "services/worker/app/new.py": "class X:\n    pass\n",
        "services/worker/app/old.py": "from app.new import X\n",
        "services/worker/app/main.py": "from app.old import X\n",
    }
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    assert applicability(root, monkeypatch) == {("services/worker/app/main.py", 1, 6, "D1"): "safe"}


# -- 4. notes from a later rule's round, positioned as before the fix -----------------------------

TWO_RULES = """
[[rule]]
id = "R1"
kind = "deprecated-import"
[rule.replace]
"pkg.m:A" = "pkg.n:A"
[[rule]]
id = "R2"
kind = "deprecated-import"
[rule.replace]
"pkg.m:B" = "pkg.k:B"
"pkg.m:C" = "pkg.k:C"
"""


def test_notes_of_a_later_rule_carry_the_positions_check_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review16b 04: R1 splits the statements R2 then rewrites; R2's notes were placed in R1's text."""
    files = {
        "pkg/__init__.py": "",
        "pkg/n.py": "class A: pass\nclass B: pass\nclass C: pass\n",
        "pkg/k.py": "class B: pass\n",
        "pkg/m.py": "from pkg.n import A, B, C\n",
        "pkg/app.py": "from pkg.m import A, B, C\nprint(A, B, C)\n",
        "pkg/app2.py": "import pkg.m\nprint(pkg.m.A, pkg.m.B, pkg.m.C)\n",
    }
    root = write_project(tmp_path / "p", files, TWO_RULES)
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", "--select", "R2"], root, monkeypatch).stdout)
    assert [(f["path"], f["line"], f["col"]) for f in report["findings"]][::2] == [("pkg/app.py", 1, 22), ("pkg/app2.py", 2, 16)]
    result = run_cli(["fix", "--no-cache", "--diff", "--unsafe-fixes"], root, monkeypatch)
    headers = [line.split(" (R2)")[0] for line in result.stdout.splitlines() if line.startswith("# ssot-lint: unsafe fix at")]
    assert headers == ["# ssot-lint: unsafe fix at pkg/app.py:1:22", "# ssot-lint: unsafe fix at pkg/app2.py:2:16"]
    notes = [line.split(": R2")[0] for line in result.stderr.splitlines() if "unsafe fix applied" in line]
    assert notes == ["  pkg/app.py:1:22", "  pkg/app2.py:2:16"]


def test_positions_back_through_a_split_statement() -> None:
    from ssot_lint.fix.positions_back import PositionsBack

    before = "import os\nfrom pkg.m import A, B, C\nprint(A, B, C)\n"
    after = "import os\nfrom pkg.n import A\nfrom pkg.m import B, C\nprint(A, B, C)\n"
    back = PositionsBack(before, after)
    assert [back.back(*at) for at in ((1, 8), (3, 19), (3, 22), (4, 7))] == [(1, 8), (2, 22), (2, 25), (3, 7)]


# -- 5. a module nobody could read ---------------------------------------------------------------


def test_a_module_that_could_not_be_analyzed_is_not_said_to_do_more_than_define_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review16b 05: the rewrite stops running ``pkg.reg``, which does not parse."""
    files = {
        "pkg/__init__.py": "",
        "pkg/impl.py": "class X:\n    pass\n",
        "pkg/old.py": "from pkg.impl import X\nimport pkg.reg\n",
        "pkg/reg.py": "Alias = (int\n",
        "pkg/app.py": "from pkg.old import X\nprint(X)\n",
    }
    root = write_project(tmp_path / "p", files, rules("pkg.old", "pkg.impl"))
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    why = "pkg.app would no longer import pkg.reg, and pkg/reg.py could not be analyzed (SSOT000), so whether it does more than define names on import is not known"
    assert result.stderr.splitlines()[1] == f"  pkg/app.py:1:6: D1 unsafe fix not applied: {why}"


def test_a_name_read_from_the_importers_package_itself_is_read_from_its_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``app.X`` is read from the worker's ``app/__init__.py``, the package the importer runs
    through (a clash until safety20, when the verifier read both copies of it)."""
    files = {
        "services/api/app/__init__.py": "from app.core import X\n",
        "services/api/app/core.py": "class X:\n    pass\n",
        "services/worker/app/__init__.py": "class X:\n    pass\n",
        "services/worker/app/old.py": "from app import X\n",
        "services/worker/app/main.py": "from app.old import X\n",
    }
    files["services/worker/app/main.py"] += "\nprint(X.__module__)\n"
    root = write_project(tmp_path / "p", files, rules("app.old", "app"))
    assert python(root, "import app.main", "services/worker:services/api") == "app"
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == ["1 file changed, 1 finding fixed, 0 findings left."]
    assert (root / "services/worker/app/main.py").read_text() == "from app import X\n\nprint(X.__module__)\n"
    assert python(root, "import app.main", "services/worker:services/api") == "app"
