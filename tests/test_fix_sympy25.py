"""sympy25 (issue #13): ``from pkg import name`` read as Python reads it, by ``check`` as by ``fix``.

Under ``"pkg.simplify" = "pkg"``, ``from pkg import simplify`` binds the *function* ``pkg``
binds over its submodule (SymPy's ``from .simplify import simplify`` in ``sympy/__init__.py``):
no import of the deprecated module, yet ``check`` reported it (136 times on SymPy's rewritten
files, "not fixable"). The module index decides it after aggregation: only where it knows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

PKG_RULE = '[[rule]]\nid = "PKG"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.simplify" = "pkg"\n'
OWN = "from pkg import simplify\n\nprint(simplify(1))\n"
# SymPy's shape: the package binds the function over its submodule's name, and so does its parent.
FUNCTION_OVER_SUBMODULE = {
    "pkg/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
}
SUBMODULE = "pkg.simplify is deprecated; import pkg"


def findings(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[list[tuple[str, int, str]], int]:
    """Each finding (path, line, message) of ``check -o json`` (of app.py unless ``args`` name
    paths: the package's own ``from .simplify import ...`` are findings), and PKG's count."""
    paths = [] if any(a.endswith(".py") for a in args) else ["app.py"]
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", *args, *paths], root, monkeypatch).stdout)
    count = next(row["count"] for row in report["rules"] if row["id"] == "PKG")
    return [(f["path"], f["line"], f["message"]) for f in report["findings"]], count


def test_an_import_of_the_function_the_package_binds_over_its_submodule_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {**FUNCTION_OVER_SUBMODULE, "app.py": OWN}, PKG_RULE)
    assert findings(root, monkeypatch) == ([], 0)
    assert run_cli(["check", "--no-cache", "app.py"], root, monkeypatch).exit_code == 0
    assert findings(root, monkeypatch, "--per-file") == ([], 0)


def test_the_same_import_of_a_package_that_binds_no_such_name_is_the_submodule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**FUNCTION_OVER_SUBMODULE, "pkg/__init__.py": "", "app.py": OWN}
    root = write_project(tmp_path, files, PKG_RULE)
    assert findings(root, monkeypatch) == ([("app.py", 1, SUBMODULE)], 1)


@pytest.mark.parametrize(
    "init",
    [
        # Bound only where the try body gets that far: else the name is the submodule.
        "try:\n    from .simplify import simplify\nexcept ImportError:\n    pass\n",
        # Bound from another module: the submodule's first import, anywhere, replaces it.
        "from .impl import simplify\n",
        # Bound twice: which one holds is not static.
        "from .simplify import simplify\nfrom .impl import simplify\n",
    ],
    ids=["under-a-condition", "from-another-module", "twice"],
)
def test_a_binding_the_index_cannot_vouch_for_keeps_the_finding(init: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**FUNCTION_OVER_SUBMODULE, "pkg/__init__.py": init, "pkg/impl.py": "def simplify(x):\n    return x\n", "app.py": OWN}
    root = write_project(tmp_path, files, PKG_RULE)
    assert findings(root, monkeypatch) == ([("app.py", 1, SUBMODULE)], 1)


def test_an_importer_the_package_runs_while_it_initializes_keeps_the_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg imports pkg.user before it binds simplify: `from pkg import simplify` there imports the submodule.
    files = {**FUNCTION_OVER_SUBMODULE, "pkg/__init__.py": "from . import user\nfrom .simplify import simplify\n", "pkg/user.py": OWN}
    root = write_project(tmp_path, files, PKG_RULE)
    assert findings(root, monkeypatch, "pkg/user.py") == ([("pkg/user.py", 1, SUBMODULE)], 1)


def test_an_import_of_a_submodule_below_the_name_is_still_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg binds `simplify` to the module pkg.simplify.simplify, which is under the deprecated module too.
    files = {
        "pkg/__init__.py": "from .simplify import simplify\n",
        "pkg/simplify/__init__.py": "",
        "pkg/simplify/simplify.py": "def helper():\n    return 1\n",
        "app.py": "from pkg import simplify\n\nprint(simplify.helper())\n",
    }
    root = write_project(tmp_path, files, PKG_RULE)
    assert findings(root, monkeypatch) == ([("app.py", 1, SUBMODULE)], 1)


def test_a_suppression_of_the_false_finding_silences_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = "from pkg import simplify  # ssot: ignore[PKG]\n\nprint(simplify(1))\n"
    root = write_project(tmp_path, {**FUNCTION_OVER_SUBMODULE, "app.py": source}, PKG_RULE)
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", "--report-unused-suppressions", "app.py"], root, monkeypatch).stdout)
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [("SSOT001", "app.py", 1)]
    assert next(row["suppressed"] for row in report["rules"] if row["id"] == "PKG") == 0


def test_fix_leaves_nothing_of_the_import_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from pkg.simplify import simplify` becomes `from pkg import simplify`, which is no finding.
    root = write_project(tmp_path, {**FUNCTION_OVER_SUBMODULE, "app.py": "from pkg.simplify import simplify\n\nprint(simplify(1))\n"}, PKG_RULE)
    done = run_cli(["fix", "--no-cache", "app.py"], root, monkeypatch)
    assert (root / "app.py").read_text() == OWN
    assert [line for line in done.stderr.splitlines() if line.startswith("  ")] == []
    assert done.exit_code == 0


def test_a_name_another_module_binds_through_an_import_the_same_fix_rewrites_is_judged_as_that_fix_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fix writes pkg/tools.py's `from pkg.simplify import simplify` as `from pkg import simplify`
    # (the function: binds_itself); moved_to, without the index, said `import pkg as simplify`
    # (the package), so app.py's rewrite to pkg.tools was unsafe: "the same fix rewrites
    # pkg.tools's import of simplify, and which object simplify is there depends on whether it
    # applies" (moved26: the verifier now asks it with the index). The submodule defines the
    # function: in SymPy's full shape (FUNCTION_OVER_SUBMODULE) pkg.simplify's own `from
    # .simplify import simplify` is rewritten too, to `from .. import simplify`, which runs while
    # pkg initializes and binds the module, so there it stays unsafe (tests/test_fix_moved26.py).
    files = {
        "pkg/__init__.py": "from .simplify import simplify\n",
        "pkg/simplify/__init__.py": "def simplify(x):\n    return x\n",
        "pkg/old.py": "from pkg.simplify import simplify\n",
        "pkg/tools.py": "from pkg.simplify import simplify\n",
        "app.py": "from pkg.old import simplify\n\nprint(simplify(1))\n",
    }
    root = write_project(tmp_path, files, PKG_RULE + '"pkg.old" = "pkg.tools"\n')
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", "app.py"], root, monkeypatch).stdout)
    assert [(f["line"], f["message"], f["applicability"]) for f in report["findings"]] == [(1, "pkg.old is deprecated; import pkg.tools", "safe")]
