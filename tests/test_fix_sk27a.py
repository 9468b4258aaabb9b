"""sk27a: a module a package above the importer has already run, whole, before the importer
starts (``fix.runs_before``) is not run by the importer's old import: a module runs once, and
what it imported, or tried to (an import under ``try``), was done or attempted then. So the old
import running it again "loses" nothing when the import is rewritten. scikit-learn's
``sklearn/__init__.py`` imports ``__check_build`` first, whose ``__init__`` tries the built
``_check_build``; every rewrite inside sklearn whose old path reached ``__check_build`` again was
refused as "would no longer import ..._check_build". Still refused: the module holding the ``try``
not yet run before the importer, and the lost module imported directly by a module only the old
import runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = """
[[rule]]
id = "SK002"
kind = "deprecated-import"
[rule.replace]
"pkg.utils.fixes:parse_version" = "pkg.externals.version:parse"
"""
INIT = "from . import (  # noqa\n    __check_build,\n    _distributor_init,\n)\nfrom .base import clone\n"
FILES = {
    "pkg/__init__.py": INIT,
    "pkg/_distributor_init.py": "",
    "pkg/base.py": "from .utils.fixes import parse_version\n\ndef clone(x):\n    return x\n",
    "pkg/__check_build/__init__.py": (
        "def raise_build_error(e):\n    raise ImportError(str(e))\n\ntry:\n    from ._check_build import check_build\n"
        "except ImportError as e:\n    raise_build_error(e)\n"
    ),
    "pkg/__check_build/_check_build.pyx": "def check_build():\n    return\n",
    "pkg/utils/__init__.py": "",
    "pkg/externals/__init__.py": "",
    "pkg/externals/version.py": "def parse(v):\n    return v\n",
    "pkg/utils/fixes.py": "from ..externals.version import parse as parse_version\nfrom .parallel import delayed\n",
    "pkg/utils/parallel.py": "from .. import __check_build\n\ndef delayed(f):\n    return f\n",
    "pkg/user.py": 'from .utils.fixes import parse_version\nprint(parse_version("1"))\n',
}
SO = "pkg/__check_build/_check_build.cpython-311-x86_64-linux-gnu.so"
BASE_FIXED = "from .externals.version import parse as parse_version\n\ndef clone(x):\n    return x\n"
USER_FIXED = 'from .externals.version import parse as parse_version\nprint(parse_version("1"))\n'
CYTHON = (
    "and pkg/__check_build/_check_build.pyx is a Cython module (its code is not analysed), so whether it does more than define names on import is not known"
)

EFFECTS = "whose import-time code does more than define names"


def project(tmp_path: Path, **changed: str) -> Path:
    root = write_project(tmp_path, {**FILES, **changed}, RULE)
    (root / SO).write_bytes(b"\x7fELF fake")
    return root


def unsafe(path: str, importer: str, lost: str = "pkg.__check_build._check_build", why: str = CYTHON) -> str:
    return f"  {path}:1:26: SK002 unsafe fix not applied: {importer} would no longer import {lost}, {why}"


def test_a_try_import_the_package_ran_before_the_importer_is_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reviewer's reproduction: ``pkg/__init__.py`` runs ``__check_build`` (which tries
    ``_check_build``) at its line 1, before ``pkg.base`` (line 5) and before ``pkg.user`` can run."""
    root = project(tmp_path)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == ["2 files changed, 2 findings fixed, 0 findings left."]
    assert result.exit_code == 0
    assert (root / "pkg/base.py").read_text() == BASE_FIXED
    assert (root / "pkg/user.py").read_text() == USER_FIXED


def test_a_try_import_in_a_module_the_package_does_not_run_first_is_still_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``pkg`` runs ``__check_build`` only after ``pkg.base``: for ``pkg.base`` the old import is
    what runs it (and tries ``_check_build``) first; ``pkg.user`` starts after ``pkg`` has run
    whole, so its rewrite stays safe."""
    root = project(tmp_path, **{"pkg/__init__.py": "from .base import clone\nfrom . import __check_build, _distributor_init  # noqa\n"})
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == [
        "1 file changed, 1 finding fixed, 1 finding left:",
        unsafe("pkg/base.py", "pkg.base", "pkg.__check_build", EFFECTS),
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    assert (root / "pkg/base.py").read_text() == FILES["pkg/base.py"]
    assert (root / "pkg/user.py").read_text() == USER_FIXED


def test_a_try_import_in_a_module_no_package_runs_is_still_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the old import runs ``__check_build`` (whose ``except`` calls a function: it does
    more than define names), and so it is what tries ``_check_build``."""
    root = project(tmp_path, **{"pkg/__init__.py": "from . import _distributor_init  # noqa\nfrom .base import clone\n"})
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        unsafe("pkg/base.py", "pkg.base", "pkg.__check_build", EFFECTS),
        unsafe("pkg/user.py", "pkg.user", "pkg.__check_build once the fix's other rewrites apply", EFFECTS),
        "2 unsafe fixes not applied: `--unsafe-fixes` applies them",
    ]
    assert (root / "pkg/base.py").read_text() == FILES["pkg/base.py"]
    assert (root / "pkg/user.py").read_text() == FILES["pkg/user.py"]


def test_the_tried_module_imported_directly_by_a_module_only_the_old_import_runs_is_still_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``__check_build`` has run, but its ``try`` may have failed: ``pkg.utils.parallel``, which
    only the old import runs, imports ``_check_build`` itself, and would try it again. (``pkg``
    runs it for ``pkg.user`` through ``pkg.base``, but only until the same fix rewrites that.)"""
    root = project(tmp_path, **{"pkg/utils/parallel.py": "from ..__check_build import _check_build  # noqa\n\ndef delayed(f):\n    return f\n"})
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        unsafe("pkg/base.py", "pkg.base"),
        unsafe("pkg/user.py", "pkg.user", "pkg.__check_build._check_build once the fix's other rewrites apply"),
        "2 unsafe fixes not applied: `--unsafe-fixes` applies them",
    ]
    assert (root / "pkg/base.py").read_text() == FILES["pkg/base.py"]


def test_a_package_above_the_importer_reached_again_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sklearn's ``__init__`` may import modules by name (its ``__getattr__`` calls
    ``importlib.import_module``), so what it has run before the importer is not known; but it
    has started before any module inside it: an old import that reaches it again (``from ..
    import __version__``) runs none of its code, and so not ``__check_build`` either."""
    init = 'import importlib\n\n__version__ = "1"\nfrom . import __check_build  # noqa\n\ndef __getattr__(name):\n    return importlib.import_module("pkg." + name)\n'
    parallel = "from .. import __version__  # noqa\n\ndef delayed(f):\n    return f\n"
    root = project(tmp_path, **{"pkg/__init__.py": init, "pkg/utils/parallel.py": parallel})
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == ["2 files changed, 2 findings fixed, 0 findings left."]
    assert (root / "pkg/base.py").read_text() == BASE_FIXED
    assert (root / "pkg/user.py").read_text() == USER_FIXED
