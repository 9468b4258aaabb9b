"""sympy24 (review18a on SymPy 1.14.0, issue #13): where a rewritten import goes when a package
binds a name that is also one of its submodules, and chains through two rules that end at a
module that does not exist.

03: under ``"pkg.simplify" = "pkg"``, ``from pkg.simplify import simplify`` (the *function*
``pkg.simplify`` binds over its submodule ``pkg.simplify.simplify``) became ``import pkg as
simplify`` with ``--unsafe-fixes``, since ``from pkg import simplify`` was read as an import of
the deprecated submodule; every call ``simplify(x)`` then raised TypeError."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

PKG_RULE = '[[rule]]\nid = "PKG"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.simplify" = "pkg"\n'
CALLS = "from pkg.simplify import simplify\n\nprint(simplify(1))\n"
# SymPy's shape: the package binds the function over its submodule's name, and so does its parent.
FUNCTION_OVER_SUBMODULE = {
    "pkg/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
}
OWN_FUNCTION = "  app.py:1:{col}: PKG not fixable: pkg binds simplify itself, so this import binds that, not the module pkg.simplify"


def verdicts(root: Path, monkeypatch: pytest.MonkeyPatch, path: str = "app.py") -> list[tuple[str, int, bool, str | None]]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", path], root, monkeypatch).stdout)
    return [(f["path"], f["line"], f["fixable"], f["applicability"]) for f in report["findings"]]


def left(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """The lines of ``fix`` about findings left (unsafe or not fixable) or unsafely fixed."""
    result = run_cli(["fix", "--no-cache", *args], root, monkeypatch)
    return [line for line in result.stderr.splitlines() if line.startswith("  ")]


def runs(root: Path, script: str = "app.py") -> str:
    done = subprocess.run([sys.executable, script], cwd=root, capture_output=True, text=True)
    return done.stdout + done.stderr.strip().rpartition("\n")[2]


def test_a_function_the_package_binds_over_its_submodule_is_imported_from_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {**FUNCTION_OVER_SUBMODULE, "app.py": CALLS}, PKG_RULE)
    assert verdicts(root, monkeypatch) == [("app.py", 1, True, "safe")]
    # What it writes is no finding: it imports pkg's function (sympy25).
    assert left(root, monkeypatch, "app.py") == []
    assert (root / "app.py").read_text() == "from pkg import simplify\n\nprint(simplify(1))\n"
    assert runs(root) == "1\n"


def test_the_same_function_under_an_alias_keeps_its_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = "from pkg.simplify import simplify as s\n\nprint(s(1))\n"
    root = write_project(tmp_path, {**FUNCTION_OVER_SUBMODULE, "app.py": source}, PKG_RULE)
    assert verdicts(root, monkeypatch) == [("app.py", 1, True, "safe")]
    run_cli(["fix", "--no-cache", "app.py"], root, monkeypatch)
    assert (root / "app.py").read_text() == "from pkg import simplify as s\n\nprint(s(1))\n"
    assert runs(root) == "1\n"


def test_a_name_that_is_only_a_submodule_still_becomes_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Today's rewrite: the submodule pkg.simplify.simplify maps to pkg as a whole. What the file
    # reads through it (`simplify.helper`) is verified in that submodule, where it is defined (it
    # was looked up in pkg.simplify, which lacks it: "helper is not defined in pkg.simplify, so the
    # import fails as written", an unsafe fix for a wrong reason).
    files = {
        "pkg/__init__.py": "from .simplify.simplify import helper\n",
        "pkg/simplify/__init__.py": "",
        "pkg/simplify/simplify.py": "def helper():\n    return 1\n",
        "app.py": "from pkg.simplify import simplify\n\nprint(simplify.helper())\n",
    }
    root = write_project(tmp_path, files, PKG_RULE)
    assert verdicts(root, monkeypatch) == [("app.py", 1, True, "safe")]
    assert left(root, monkeypatch, "app.py") == []
    assert (root / "app.py").read_text() == "import pkg as simplify\n\nprint(simplify.helper())\n"
    assert runs(root) == "1\n"


def test_a_function_the_package_does_not_bind_is_not_rewritten_to_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg has no `simplify` of its own: `from pkg import simplify` would bind the module
    # pkg.simplify, and `import pkg as simplify` (what --unsafe-fixes wrote) the package pkg.
    files = {**FUNCTION_OVER_SUBMODULE, "pkg/__init__.py": "", "app.py": CALLS}
    root = write_project(tmp_path, files, PKG_RULE)
    assert verdicts(root, monkeypatch) == [("app.py", 1, False, None)]
    assert left(root, monkeypatch, "--unsafe-fixes", "app.py") == ["  app.py:1:6: PKG not fixable: pkg.simplify.simplify is a function but pkg is a module"]
    assert (root / "app.py").read_text() == CALLS


def test_an_import_of_the_packages_own_function_is_not_rewritten_as_the_submodule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from pkg import simplify` binds pkg's function: it became `import pkg as simplify`. Since
    # sympy25 it is no finding at all; where the index cannot vouch for it, it is not fixable.
    source = "from pkg import simplify\n\nprint(simplify(1))\n"
    root = write_project(tmp_path, {**FUNCTION_OVER_SUBMODULE, "app.py": source}, PKG_RULE)
    assert verdicts(root, monkeypatch) == []
    assert left(root, monkeypatch, "--unsafe-fixes", "app.py") == []
    assert (root / "app.py").read_text() == source
    files = {**FUNCTION_OVER_SUBMODULE, "pkg/__init__.py": "from . import user\nfrom .simplify import simplify\n", "pkg/user.py": source}
    root = write_project(tmp_path / "during-init", files, PKG_RULE)
    assert verdicts(root, monkeypatch, "pkg/user.py") == [("pkg/user.py", 1, False, None)]
    assert left(root, monkeypatch, "--unsafe-fixes", "pkg/user.py") == [OWN_FUNCTION.format(col=17).replace("app.py", "pkg/user.py")]


# -- 01: a chain through two rules that ends at a module the project lacks ----------------------------------
CHAIN_FILES = {
    "pkg/__init__.py": "",
    "pkg/sub/__init__.py": "",
    "pkg/sub/mats/__init__.py": "",
    "pkg/sub/mats/dm.py": "class DomainMatrix: ...\n",
    "pkg/sub/old.py": 'from pkg.sub.mats.dm import DomainMatrix\n__all__ = ["DomainMatrix"]\n',
    "app.py": "from pkg.sub.old import DomainMatrix\n\nprint(DomainMatrix.__name__)\n",
}
PKG_MAPPINGS = '"pkg.sub" = "pkg"\n"pkg.mats" = "pkg"\n'
MOVE_MAPPING = '"pkg.sub.old" = "pkg.sub.mats.dm"\n'
TWO_RULES = (
    '[[rule]]\nid = "PKG"\nkind = "deprecated-import"\nmessage = "{target} is deprecated; import {replacement}"\n[rule.replace]\n'
    + PKG_MAPPINGS
    + '\n[[rule]]\nid = "MOVE"\nkind = "deprecated-import"\nmessage = "{target} is deprecated; import {replacement}"\n[rule.replace]\n'
    + MOVE_MAPPING
)
STOPPED = "MOVE maps pkg.sub.old along pkg.sub.old -> pkg.sub.mats.dm -> pkg.dm, and the project has no module pkg.dm: the chain stops at pkg.sub.mats.dm, which check advises and fix writes"


def messages(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[tuple[str, int, str, bool, str | None]]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", *args], root, monkeypatch).stdout)
    return [(f["path"], f["line"], f["message"], f["fixable"], f["applicability"]) for f in report["findings"]]


def test_a_chain_through_another_rule_stops_at_the_last_module_that_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # MOVE's pkg.sub.mats.dm, followed through PKG's "pkg.sub" = "pkg", is pkg.dm: no file gives it.
    root = write_project(tmp_path, CHAIN_FILES, TWO_RULES)
    assert messages(root, monkeypatch, "--select", "MOVE", "app.py") == [("app.py", 1, "pkg.sub.old is deprecated; import pkg.sub.mats.dm", True, "safe")]
    rules = run_cli(["rules", "--check"], root, monkeypatch)
    assert rules.stdout.splitlines() == [f"rules.toml:14: {STOPPED}", "3 mappings checked, 1 warning"]
    assert left(root, monkeypatch, "--select", "MOVE", "app.py") == []
    assert (root / "app.py").read_text() == CHAIN_FILES["app.py"].replace("pkg.sub.old", "pkg.sub.mats.dm")
    assert runs(root) == "DomainMatrix\n"


def test_a_chain_in_one_table_stops_there_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one_table = '[[rule]]\nid = "MOVE"\nkind = "deprecated-import"\n[rule.replace]\n' + MOVE_MAPPING + PKG_MAPPINGS
    root = write_project(tmp_path, CHAIN_FILES, one_table)
    assert messages(root, monkeypatch, "app.py") == [("app.py", 1, "pkg.sub.old is deprecated; import pkg.sub.mats.dm", True, "safe")]
    run_cli(["fix", "--no-cache", "app.py"], root, monkeypatch)
    assert (root / "app.py").read_text() == CHAIN_FILES["app.py"].replace("pkg.sub.old", "pkg.sub.mats.dm")


def test_a_chain_whose_end_exists_goes_to_its_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**CHAIN_FILES, "pkg/dm.py": "from pkg.sub.mats.dm import DomainMatrix\n"}
    root = write_project(tmp_path, files, TWO_RULES)
    assert messages(root, monkeypatch, "--select", "MOVE", "app.py") == [("app.py", 1, "pkg.sub.old is deprecated; import pkg.dm", True, "safe")]
    assert run_cli(["rules", "--check"], root, monkeypatch).stdout.splitlines() == ["3 mappings checked, 0 warnings"]
    run_cli(["fix", "--no-cache", "--select", "MOVE", "app.py"], root, monkeypatch)
    assert (root / "app.py").read_text() == CHAIN_FILES["app.py"].replace("pkg.sub.old", "pkg.dm")


def test_a_chain_that_ends_outside_the_project_is_left_unverified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = TWO_RULES.replace(PKG_MAPPINGS, '"pkg.sub.mats" = "extlib.mats"\n')
    root = write_project(tmp_path, CHAIN_FILES, rules)
    assert messages(root, monkeypatch, "--select", "MOVE", "app.py") == [("app.py", 1, "pkg.sub.old is deprecated; import extlib.mats.dm", True, "unsafe")]
