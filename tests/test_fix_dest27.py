"""dest27: a rewrite to ``from pkg import name`` in a module that ``pkg`` runs while it
initializes, before it binds ``name``, is not offered, even with ``--unsafe-fixes``.

Under ``pkg.simplify -> pkg``, SymPy's ``pkg/simplify/__init__.py`` does ``from .simplify import
simplify`` (the function from the submodule ``pkg.simplify.simplify``), and ``pkg/__init__.py``
binds it by ``from .simplify import simplify``, which runs ``pkg.simplify`` first. The fix wrote
``from .. import simplify`` there: it runs before ``pkg`` has bound ``simplify``, so it binds the
module ``pkg.simplify`` itself, and every ``simplify(x)`` raised TypeError. Such a rewrite
certainly breaks the program: not fixable, with a reason naming the order. The same rewrite
where it may run later (in a function, or in a module ``pkg`` does not run while it
initializes) is judged as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = '[[rule]]\nid = "PKG"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.simplify" = "pkg"\n"pkg.old" = "pkg.tools"\n'
APP = "from pkg.old import simplify\n\nprint(simplify(1))\n"
# SymPy's full shape: the package binds the function its subpackage re-imports from a module below it.
SYMPY_SHAPE = {
    "pkg/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
    "pkg/old.py": "from pkg.simplify import simplify\n",
    "pkg/tools.py": "from pkg.simplify import simplify\n",
    "app.py": APP,
}
STILL_INITIALIZING = (
    "pkg is still initializing when {importer} runs (pkg binds simplify only at line {line}, by an import from pkg.simplify "
    "that runs {importer} first): `from pkg import simplify` here would bind the module pkg.simplify, not the function"
)
TOOLS_REWRITE = "the same fix rewrites pkg.simplify's import of simplify, and which object simplify is there depends on whether it applies"
SAME_OBJECT = (
    f"that pkg.simplify is the same object as pkg.simplify.simplify cannot be verified: pkg imports simplify from pkg.simplify at line 1, and {TOOLS_REWRITE}"
)


def verdicts(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str | None]]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    return [(f["path"], f["line"], f["applicability"]) for f in report["findings"]]


def left(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """What ``fix`` says of the findings it leaves or fixes unsafely (one line each)."""
    done = run_cli(["fix", "--no-cache", *args], root, monkeypatch)
    assert done.exit_code in (0, 1), done.stderr
    return [line.strip() for line in done.stderr.splitlines() if line.startswith("  ")]


def runs(root: Path, code: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    return done.stdout, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def test_the_packages_own_submodule_does_not_import_the_name_from_the_package_it_runs_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, SYMPY_SHAPE, RULE)
    assert verdicts(root, monkeypatch) == [
        ("app.py", 1, "unsafe"),
        ("pkg/__init__.py", 1, None),
        ("pkg/old.py", 1, "unsafe"),
        ("pkg/simplify/__init__.py", 1, None),  # was unsafe: `from .. import simplify` broke the program
        ("pkg/tools.py", 1, "unsafe"),
    ]
    assert left(root, monkeypatch, "--unsafe-fixes") == [
        "pkg/__init__.py:1:6: PKG not fixable: the rewritten import would import from pkg, the module itself",
        "pkg/simplify/__init__.py:1:6: PKG not fixable: " + STILL_INITIALIZING.format(importer="pkg.simplify", line=1),
        "app.py:1:6: PKG unsafe fix applied: the same fix rewrites pkg.tools's import of simplify, and which object simplify is there depends on whether it applies",
        f"pkg/old.py:1:6: PKG unsafe fix applied: {SAME_OBJECT}",
        f"pkg/tools.py:1:6: PKG unsafe fix applied: {SAME_OBJECT}",
    ]
    assert {p: (root / p).read_text() for p in ("pkg/simplify/__init__.py", "pkg/old.py", "pkg/tools.py", "app.py")} == {
        "pkg/simplify/__init__.py": "from .simplify import simplify\n",
        "pkg/old.py": "from pkg import simplify\n",
        "pkg/tools.py": "from pkg import simplify\n",
        "app.py": "from pkg.tools import simplify\n\nprint(simplify(1))\n",
    }
    # The program still imports and runs: the function, where it was a module (TypeError) before.
    assert runs(root, "import runpy; runpy.run_path('app.py'); import pkg, pkg.old; print(pkg.simplify is pkg.old.simplify)") == ("1\nTrue\n", "")
    assert left(root, monkeypatch, "--unsafe-fixes") == [
        "pkg/__init__.py:1:6: PKG not fixable: the rewritten import would import from pkg, the module itself",
        "pkg/simplify/__init__.py:1:6: PKG not fixable: " + STILL_INITIALIZING.format(importer="pkg.simplify", line=1),
    ]


def test_a_module_the_subpackage_runs_before_the_package_binds_the_name_is_not_fixable_either(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.simplify imports its helper first, which imports the function from below: rewritten to
    # `from pkg import simplify`, the helper runs while pkg.simplify is still running.
    files = {
        "pkg/__init__.py": "from .simplify import simplify\n",
        "pkg/simplify/__init__.py": "from .helper import twice\nfrom .simplify import simplify\n",
        "pkg/simplify/helper.py": "from pkg.simplify.simplify import simplify\n\n\ndef twice(x):\n    return simplify(simplify(x))\n",
        "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
    }
    root = write_project(tmp_path, files, RULE)
    said = left(root, monkeypatch, "--unsafe-fixes", "--diff", "pkg/simplify/helper.py")
    assert said == ["pkg/simplify/helper.py:1:6: PKG not fixable: " + STILL_INITIALIZING.format(importer="pkg.simplify.helper", line=1)]
    assert runs(root, "from pkg.simplify.helper import twice; print(twice(3))") == ("3\n", "")


def test_the_same_rewrite_where_it_runs_after_the_package_bound_the_name_is_judged_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Controls: the same import in a module pkg does not run while it initializes (pkg/tools.py),
    # and in a function of the subpackage (it runs when called, after pkg bound simplify).
    files = {
        **SYMPY_SHAPE,
        "pkg/tools.py": "from .simplify.simplify import simplify\n",
        "pkg/simplify/lazy.py": "def get():\n    from pkg.simplify.simplify import simplify\n\n    return simplify\n",
    }
    root = write_project(tmp_path, files, RULE)
    said = left(root, monkeypatch, "--unsafe-fixes", "pkg/tools.py", "pkg/simplify/lazy.py")
    kind_unknown = "pkg.simplify exists, but that it is a function, as pkg.simplify.simplify.simplify is, cannot be verified"
    same_object = SAME_OBJECT.replace("as pkg.simplify.simplify cannot", "as pkg.simplify.simplify.simplify cannot")
    assert said == [  # as before dest27
        f"pkg/simplify/lazy.py:2:10: PKG unsafe fix applied: {kind_unknown}; {same_object}",
        f"pkg/tools.py:1:6: PKG unsafe fix applied: {kind_unknown}",
    ]
    assert [(root / p).read_text() for p in ("pkg/tools.py", "pkg/simplify/lazy.py")] == [
        "from . import simplify\n",
        "def get():\n    from pkg import simplify\n\n    return simplify\n",
    ]


def test_a_module_the_package_may_run_before_it_binds_the_name_stays_unsafe_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The helper is imported under a `try:`, which the project cannot show runs on every import:
    # the rewrite may break the program, not surely. Unsafe, with that risk named first.
    files = {
        "pkg/__init__.py": "from .simplify import simplify\n",
        "pkg/simplify/__init__.py": "try:\n    from .helper import twice\nexcept ImportError:\n    twice = None\nfrom .simplify import simplify\n",
        "pkg/simplify/helper.py": "from pkg.simplify.simplify import simplify\n",
        "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
    }
    root = write_project(tmp_path, files, RULE)
    said = left(root, monkeypatch, "--unsafe-fixes", "--diff", "pkg/simplify/helper.py")
    # The import as rewritten is a finding again, as pkg may still be initializing where it runs.
    assert said[0] == "pkg/simplify/helper.py:1:17: PKG not fixable: pkg binds simplify itself, so this import binds that, not the module pkg.simplify"
    assert len(said) == 2
    assert said[1].startswith(
        "pkg/simplify/helper.py:1:6: PKG unsafe fix applied: pkg may run pkg.simplify.helper while it initializes, before it binds simplify "
        "(at line 1): `from pkg import simplify` run then would bind the module pkg.simplify, not the function; "
    )
    assert "rewriting this import makes pkg.simplify.helper -> pkg.simplify -> pkg.simplify.helper an import cycle" in said[1]
