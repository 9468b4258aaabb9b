"""moved26 (issue #13, sympy25 item 2): where another module's import goes, the verifier asks the
fix (``DeprecatedImport.moved``) with the module index, as the fix decides it.

Under ``pkg.simplify -> pkg``, the fix writes ``from pkg.simplify import simplify`` as ``from pkg
import simplify`` where ``pkg`` binds its own ``simplify`` (the function). ``moved`` said ``import
pkg as simplify`` (the package), so a rewrite to a module binding ``simplify`` through such an
import came out unsafe. It now says the function, but only where the index vouches for it
(``ImportVerifier.binds_over_submodule``): bound once, unconditionally, and the importer not run
while the package initializes. Otherwise the old (unsafe) answer stays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = '[[rule]]\nid = "PKG"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.simplify" = "pkg"\n"pkg.old" = "pkg.tools"\n'
APP = "from pkg.old import simplify\n\nprint(simplify(1))\n"
# The package binds the function its submodule defines over the submodule's name.
DEFINING = {"pkg/__init__.py": "from .simplify import simplify\n", "pkg/simplify/__init__.py": "def simplify(x):\n    return x\n"}
# SymPy's shape: the submodule re-imports it from a module below it, an import the same fix rewrites.
REIMPORTING = {
    "pkg/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
}
OLD_AND_TOOLS = {"pkg/old.py": "from pkg.simplify import simplify\n", "pkg/tools.py": "from pkg.simplify import simplify\n", "app.py": APP}
TOOLS_REWRITE = "the same fix rewrites pkg.tools's import of simplify, and which object simplify is there depends on whether it applies"


def verdicts(root: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> list[tuple[str, int, str, str]]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", *paths], root, monkeypatch).stdout)
    return [(f["path"], f["line"], f["message"], f["applicability"]) for f in report["findings"]]


def left(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """What ``fix`` says of the findings it leaves or fixes unsafely (one line each)."""
    done = run_cli(["fix", "--no-cache", *args], root, monkeypatch)
    return [line.strip() for line in done.stderr.splitlines() if line.startswith("  ")]


def runs(root: Path) -> str:
    return subprocess.run([sys.executable, "app.py"], cwd=root, capture_output=True, text=True, check=False).stdout


def test_a_module_binding_the_packages_own_name_through_a_rewritten_import_is_a_safe_destination(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {**DEFINING, **OLD_AND_TOOLS}, RULE)
    assert verdicts(root, monkeypatch) == [
        ("app.py", 1, "pkg.old is deprecated; import pkg.tools", "safe"),
        ("pkg/__init__.py", 1, "pkg.simplify is deprecated; import pkg", None),
        ("pkg/old.py", 1, "pkg.simplify is deprecated; import pkg", "safe"),
        ("pkg/tools.py", 1, "pkg.simplify is deprecated; import pkg", "safe"),
    ]
    assert left(root, monkeypatch) == ["pkg/__init__.py:1:6: PKG not fixable: the rewritten import would import from pkg, the module itself"]
    assert [(root / p).read_text() for p in ("app.py", "pkg/tools.py")] == [
        "from pkg.tools import simplify\n\nprint(simplify(1))\n",
        "from pkg import simplify\n",
    ]
    assert runs(root) == "1\n"


def test_a_relative_import_in_a_package_init_is_judged_as_the_fix_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.tools is a package whose __init__ binds simplify by a relative import the fix rewrites
    # (to `from .. import simplify`, the function pkg binds).
    files = {**DEFINING, "pkg/old.py": "from pkg.simplify import simplify\n", "pkg/tools/__init__.py": "from ..simplify import simplify\n", "app.py": APP}
    root = write_project(tmp_path, files, RULE)
    assert verdicts(root, monkeypatch, "app.py", "pkg/tools/__init__.py") == [
        ("app.py", 1, "pkg.old is deprecated; import pkg.tools", "safe"),
        ("pkg/tools/__init__.py", 1, "pkg.simplify is deprecated; import pkg", "safe"),
    ]
    assert left(root, monkeypatch, "app.py", "pkg/tools/__init__.py") == []
    assert (root / "pkg/tools/__init__.py").read_text() == "from .. import simplify\n"
    assert runs(root) == "1\n"


@pytest.mark.parametrize(
    "init",
    [
        "try:\n    from .simplify import simplify\nexcept ImportError:\n    pass\n",
        "from .simplify import simplify\nfrom .impl import simplify\n",
    ],
    ids=["under-a-condition", "twice"],
)
def test_a_binding_the_index_cannot_vouch_for_leaves_the_rewrite_unsafe(init: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**DEFINING, "pkg/__init__.py": init, "pkg/impl.py": "def simplify(x):\n    return x\n", **OLD_AND_TOOLS}
    root = write_project(tmp_path, files, RULE)
    assert verdicts(root, monkeypatch, "app.py") == [("app.py", 1, "pkg.old is deprecated; import pkg.tools", "unsafe")]
    assert left(root, monkeypatch, "app.py") == [f"app.py:1:6: PKG unsafe fix not applied: {TOOLS_REWRITE}"]
    assert (root / "app.py").read_text() == APP


def test_a_module_the_package_runs_while_it_initializes_is_not_fixable_and_what_depends_on_it_stays_unsafe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pkg.simplify's `from .simplify import simplify` would become `from .. import simplify`, which
    # runs while pkg initializes and binds the module pkg.simplify: not fixable (dest27,
    # tests/test_fix_dest27.py). What depends on that rewrite stays unsafe, as the mover still
    # reads it as rewritten.
    root = write_project(tmp_path, {**REIMPORTING, **OLD_AND_TOOLS}, RULE)
    assert verdicts(root, monkeypatch) == [
        ("app.py", 1, "pkg.old is deprecated; import pkg.tools", "unsafe"),
        ("pkg/__init__.py", 1, "pkg.simplify is deprecated; import pkg", None),
        ("pkg/old.py", 1, "pkg.simplify is deprecated; import pkg", "unsafe"),
        ("pkg/simplify/__init__.py", 1, "pkg.simplify is deprecated; import pkg", None),
        ("pkg/tools.py", 1, "pkg.simplify is deprecated; import pkg", "unsafe"),
    ]
    assert left(root, monkeypatch, "app.py") == [f"app.py:1:6: PKG unsafe fix not applied: {TOOLS_REWRITE}"]
    left(root, monkeypatch)  # the safe fixes, of the whole project
    assert runs(root) == "1\n"
