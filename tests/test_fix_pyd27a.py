"""pyd27a: deprecated-import precision on pydantic 2.11.7 (review27a).

1. ``from pkg.types import *`` binds ``PyObject`` only where the star import exports it: not when
   ``pkg.types.__all__`` is a literal without it, nor, without ``__all__``, when only the module's
   ``__getattr__`` serves it (``import *`` never consults ``__getattr__``). The finding under
   ``pkg.types:PyObject`` is then none; it stays where the index cannot tell.
2. The unsafe rewrite of ``pkg.PyObject`` to ``pkg.types.ImportString`` reuses the file's own
   ``import pkg.types`` below the import it came through (before any use) instead of adding a
   second one, and its reason names no import cycle that import already makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

STAR_RULE = '[[rule]]\nid = "MIG1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.types:PyObject" = "pkg.types:ImportString"\n'
GETATTR = "\n\ndef __getattr__(name):\n    if name == 'PyObject':\n        return ImportString\n    raise AttributeError(name)\n"
STAR_FINDING = "pkg/api.py:1:20: MIG1 error: pkg.types:PyObject is deprecated; import pkg.types:ImportString"
NOT_NARROWED = "  pkg/api.py:1:20: MIG1 not fixable: `from pkg.types import *` cannot be narrowed to PyObject; import names explicitly"


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    result = run_cli(["check", "--no-cache", "-q", "."], root, monkeypatch)
    return result.exit_code, result.stdout.splitlines()


def fix_diff(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    result = run_cli(["fix", "--no-cache", "--diff", "--unsafe-fixes", "."], root, monkeypatch)
    return result.exit_code, (result.stdout + result.stderr).splitlines()


def star_project(tmp_path: Path, types: str, api: str = "from .types import *\n", **more: str) -> Path:
    files = {"pkg/__init__.py": "", "pkg/api.py": api, "pkg/types.py": types, **{k.replace("__", "/") + ".py": v for k, v in more.items()}}
    return write_project(tmp_path, files, STAR_RULE)


# -- 1. a star import that cannot bind the deprecated member --------------------------------------
def test_a_star_import_whose_literal_all_lacks_the_member_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reviewer's reproduction: pydantic/__init__.py's `from .types import *`.
    root = star_project(tmp_path, "__all__ = ('ImportString',)\n\n\nclass ImportString: ...\n" + GETATTR)
    assert check(root, monkeypatch) == (0, [])
    assert fix_diff(root, monkeypatch) == (0, ["0 files would change, 0 findings would be fixed, 0 findings would be left."])


def test_a_star_import_of_a_module_without_all_that_serves_the_member_only_by_getattr_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = star_project(tmp_path, "class ImportString: ...\n" + GETATTR)
    assert check(root, monkeypatch) == (0, [])


def test_a_star_import_through_a_module_star_importing_one_that_lacks_the_member_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.types has no __all__ and star-imports pkg.base, whose literal __all__ does not list it.
    root = star_project(tmp_path, "from pkg.base import *\n" + GETATTR, base="__all__ = ['ImportString']\nclass ImportString: ...\nPyObject = 1\n")
    assert check(root, monkeypatch) == (0, [])


@pytest.mark.parametrize(
    "types",
    [
        # __all__ lists it: the star import looks it up, through __getattr__.
        "__all__ = ('ImportString', 'PyObject')\n\n\nclass ImportString: ...\n" + GETATTR,
        # Without __all__, a public name the module defines is bound.
        "class ImportString: ...\n\n\nPyObject = ImportString\n",
        # __all__ built in a way the index cannot read.
        "__all__ = list(globals())\n\n\nclass ImportString: ...\n" + GETATTR,
        # A star import from outside the project may bind it.
        "from extlib import *\n\n\nclass ImportString: ...\n" + GETATTR,
    ],
    ids=["all-lists-it", "defined-without-all", "dynamic-all", "star-from-outside"],
)
def test_a_star_import_that_may_bind_the_member_stays_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, types: str) -> None:
    root = star_project(tmp_path, types)
    assert check(root, monkeypatch) == (1, [STAR_FINDING])
    assert fix_diff(root, monkeypatch) == (1, ["0 files would change, 0 findings would be fixed, 1 finding would be left:", NOT_NARROWED])


def test_a_star_import_of_a_module_outside_the_project_stays_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = STAR_RULE.replace("pkg.types:", "extlib.types:")
    root = write_project(tmp_path, {"pkg/__init__.py": "", "pkg/api.py": "from extlib.types import *\n"}, rule)
    assert check(root, monkeypatch) == (1, ["pkg/api.py:1:26: MIG1 error: extlib.types:PyObject is deprecated; import extlib.types:ImportString"])


def test_a_star_import_run_while_the_module_initializes_stays_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.types imports pkg.api before it binds __all__: imported first, pkg.types is half
    # initialized when pkg.api star-imports it, and its public names so far are bound, PyObject too.
    types = "from pkg import api\nclass ImportString: ...\nPyObject = ImportString\n__all__ = ['ImportString']\n"
    root = star_project(tmp_path, types)
    assert check(root, monkeypatch) == (1, [STAR_FINDING])


def test_a_package_star_importing_its_submodule_is_not_run_by_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic's shape: pkg/__init__.py star-imports pkg.types, which imports from the package.
    # The package always starts first, so pkg.types never runs it half way: no finding.
    files = {
        "pkg/__init__.py": "from .types import *\n",
        "pkg/version.py": "VERSION = '1'\n",
        "pkg/types.py": "from pkg.version import VERSION\n__all__ = ('ImportString',)\n\n\nclass ImportString: ...\n" + GETATTR,
    }
    root = write_project(tmp_path, files, STAR_RULE)
    assert check(root, monkeypatch) == (0, [])
