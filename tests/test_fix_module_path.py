"""`from M import name` needs M to be a module. A rewrite whose new M names something else (a
function re-exported under a package, SymPy's `sympy.fu`) is refused, however the name after it
resolves: `from sympy.fu import FU` fails although `sympy.fu.FU` looks like an attribute."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

FILES = {
    "pkg/__init__.py": "from pkg.sub import FU, fu\n",
    "pkg/sub/__init__.py": "from pkg.sub.fu import FU, fu\n",
    "pkg/sub/fu.py": 'FU = {"a": 1}\n\n\ndef fu():\n    return 1\n',
    "user.py": "from pkg.sub.fu import FU\n\nprint(FU)\n",
}
RULES = '[[rule]]\nid = "R2"\nkind = "deprecated-import"\nreplace = { "pkg.sub" = "pkg" }\n'


def test_a_from_import_of_a_function_taken_for_a_module_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", FILES, RULES)
    result = run_cli(["fix", "--no-cache", "user.py"], project, monkeypatch)
    assert result.stderr.splitlines()[:2] == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        "  user.py:1:6: R2 not fixable: module pkg.fu does not exist (fu is not a module of pkg)",
    ]
    assert (project / "user.py").read_text() == FILES["user.py"]
    ran = subprocess.run([sys.executable, "user.py"], cwd=project, capture_output=True, text=True, timeout=60)
    assert (ran.returncode, ran.stdout) == (0, "{'a': 1}\n")


def test_a_package_that_binds_a_submodules_name_to_a_function_gives_the_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SymPy: `from .trigsimp import trigsimp` in sympy/simplify/__init__.py makes
    # sympy.simplify.trigsimp the function, not the submodule. The rewrite of
    # `from pkg.sub.fu import fu` to `from pkg.fu import fu` is refused because pkg.fu is no
    # module, not because "pkg.fu.fu is a module" (it is an attribute of a function).
    project = write_project(tmp_path / "p", {**FILES, "user.py": "from pkg.sub.fu import fu\n"}, RULES)
    result = run_cli(["fix", "--no-cache", "user.py"], project, monkeypatch)
    assert result.stderr.splitlines()[1] == "  user.py:1:6: R2 not fixable: module pkg.fu does not exist (fu is not a module of pkg)"
    from ssot_lint.config.settings import load_config
    from ssot_lint.fix.verify import ImportVerifier
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import fix_context

    verifier = fix_context(load_config(project / "ssot-lint.toml"), RunOptions(), None).verifier
    assert isinstance(verifier, ImportVerifier)
    assert (verifier.resolve("pkg.sub.fu").kind, verifier.resolve("pkg.sub.fu").origin) == ("function", "pkg.sub.fu.fu")
    assert verifier.resolve("pkg.fu.anything").kind is None  # an attribute of the function: no known kind
