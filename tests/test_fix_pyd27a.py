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


# -- 2. the file's own import of the replacement's module, below the import it came through ------
REF_RULE = '[[rule]]\nid = "MIG1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg:PyObject" = "pkg.types:ImportString"\n'
PKG_GETATTR = (
    "def __getattr__(name):\n    if name == 'PyObject':\n        from .types import ImportString\n        return ImportString\n    raise AttributeError(name)\n"
)
PLUGIN = "import pkg\nimport pkg.color\nimport pkg.types\n\nSTRATEGIES = {pkg.PyObject: 'dotted', pkg.color.Color: 'css'}\n"
GETATTR_REASON = (
    "that pkg.types.ImportString is the same object as pkg.PyObject cannot be verified: pkg defines __getattr__, so PyObject cannot be verified there"
)


def plugin_project(tmp_path: Path, plugin: str = PLUGIN, types: str = "class ImportString: ...\n") -> Path:
    files = {
        "pkg/__init__.py": PKG_GETATTR,
        "pkg/types.py": types,
        "pkg/color.py": "class Color: ...\n",
        "pkg/v1/__init__.py": "",
        "pkg/v1/plugin.py": plugin,
    }
    return write_project(tmp_path, files, REF_RULE)


def test_the_rewritten_reference_reuses_the_files_import_below_the_one_it_came_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reviewer's reproduction (pydantic/v1/_hypothesis_plugin.py).
    root = plugin_project(tmp_path)
    assert check(root, monkeypatch) == (1, ["pkg/v1/plugin.py:5:15: MIG1 error: pkg:PyObject is deprecated; import pkg.types:ImportString"])
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    assert (fixed.exit_code, (root / "pkg/v1/plugin.py").read_text()) == (0, PLUGIN.replace("pkg.PyObject", "pkg.types.ImportString"))
    assert fixed.stderr.splitlines() == [
        "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:",
        f"  pkg/v1/plugin.py:5:15: MIG1 unsafe fix applied: {GETATTR_REASON}",
    ]


def test_the_reused_import_makes_no_new_import_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.types imports the plugin back: the cycle plugin -> pkg.types -> plugin is the file's
    # own already (its `import pkg.types`), not one the rewrite makes. Still unsafe: __getattr__.
    root = plugin_project(tmp_path, types="import pkg.v1.plugin\n\n\nclass ImportString: ...\n")
    assert fix_diff(root, monkeypatch) == (
        1,
        [
            f"# ssot-lint: unsafe fix at pkg/v1/plugin.py:5:15 (MIG1): {GETATTR_REASON}",
            "--- a/pkg/v1/plugin.py",
            "+++ b/pkg/v1/plugin.py",
            "@@ -2,4 +2,4 @@",
            " import pkg.color",
            " import pkg.types",
            " ",
            "-STRATEGIES = {pkg.PyObject: 'dotted', pkg.color.Color: 'css'}",
            "+STRATEGIES = {pkg.types.ImportString: 'dotted', pkg.color.Color: 'css'}",
            "1 file would change, 1 finding would be fixed (1 by unsafe fixes), 0 findings would be left:",
            f"  pkg/v1/plugin.py:5:15: MIG1 unsafe fix applied: {GETATTR_REASON}",
        ],
    )


@pytest.mark.parametrize(
    ("plugin", "fixed"),
    [
        # The file's import comes after the use: it has not run there, so the rewrite imports it.
        (
            "import pkg\nimport pkg.color\n\nSTRATEGIES = {pkg.PyObject: 'dotted'}\nimport pkg.types\n",
            "import pkg\nimport pkg.types\nimport pkg.color\n\nSTRATEGIES = {pkg.types.ImportString: 'dotted'}\nimport pkg.types\n",
        ),
    ],
    ids=["after-the-use"],
)
def test_an_import_of_the_replacement_after_the_use_is_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugin: str, fixed: str) -> None:
    root = plugin_project(tmp_path, plugin)
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    assert (result.exit_code, (root / "pkg/v1/plugin.py").read_text()) == (0, fixed)


def test_an_import_of_the_replacement_under_a_condition_is_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = "import pkg\nimport pkg.color\nif pkg.color:\n    import pkg.types\n\nSTRATEGIES = {pkg.PyObject: 'dotted'}\n"
    root = plugin_project(tmp_path, plugin)
    assert fix_diff(root, monkeypatch) == (
        1,
        [
            "0 files would change, 0 findings would be fixed, 1 finding would be left:",
            "  pkg/v1/plugin.py:6:15: MIG1 not fixable: `pkg` is imported inside a block or function at line 4; rewrite the reference by hand",
        ],
    )


@pytest.mark.parametrize("order", ["before", "after"])
def test_a_rewritten_statement_names_the_cycle_the_files_own_import_already_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str) -> None:
    # `from pkg import PyObject` -> `from pkg.types import ImportString as PyObject`, with the
    # file's own `import pkg.types` (above or below it) already making pkg.v1.plugin -> pkg.types
    # -> pkg.v1.plugin a cycle: no new one, but the rewritten import reads pkg.types, which may
    # then be half initialized, where the old one read pkg. Unsafe, saying so.
    lines = ["import pkg.types\n", "from pkg import PyObject\n"]
    plugin = "".join(lines if order == "before" else lines[::-1]) + "\nSTRATEGIES = {PyObject: 'dotted'}\n"
    root = plugin_project(tmp_path, plugin, types="import pkg.v1.plugin\n\n\nclass ImportString: ...\n")
    at, own = (2, 1) if order == "before" else (1, 2)
    reason = (
        f"{GETATTR_REASON}; the rewritten import reads pkg.types, which may be half initialized then: "
        f"pkg.v1.plugin -> pkg.types -> pkg.v1.plugin is an import cycle the import at line {own} already makes; "
        "that pkg.types.ImportString.* is the same object as pkg.PyObject.* cannot be verified: pkg defines __getattr__, so PyObject cannot be verified there"
    )
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    assert (fixed.exit_code, (root / "pkg/v1/plugin.py").read_text()) == (
        0,
        plugin.replace("from pkg import PyObject", "from pkg.types import ImportString as PyObject"),
    )
    assert fixed.stderr.splitlines() == [
        "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:",
        f"  pkg/v1/plugin.py:{at}:17: MIG1 unsafe fix applied: {reason}",
    ]


def test_a_rewrite_closing_a_cycle_the_file_does_not_make_still_names_it_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = "from pkg import PyObject\n\nSTRATEGIES = {PyObject: 'dotted'}\n"
    root = plugin_project(tmp_path, plugin, types="import pkg.v1.plugin\n\n\nclass ImportString: ...\n")
    fixed = run_cli(["fix", "--no-cache", "."], root, monkeypatch)
    assert fixed.stderr.splitlines()[1] == (
        f"  pkg/v1/plugin.py:1:17: MIG1 unsafe fix not applied: {GETATTR_REASON}; rewriting this import makes pkg.v1.plugin -> pkg.types -> pkg.v1.plugin an import cycle; "
        "that pkg.types.ImportString.* is the same object as pkg.PyObject.* cannot be verified: pkg defines __getattr__, so PyObject cannot be verified there"
    )


def test_a_cycle_through_a_package_importing_by_name_that_the_file_already_makes_is_named_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic's own shape: pydantic imports modules by name, and the plugin imports
    # pydantic.types itself. Here pkg imports pkg.app by name, and pkg.app imports pkg.new.
    files = {
        "pkg/__init__.py": "import importlib\n\nfor _name in ('app',):\n    importlib.import_module('pkg.' + _name)\n\nCONFIG = {'mode': 'prod'}\n",
        "pkg/app.py": "import pkg.new\nfrom pkg.old import X\n",
        "pkg/base.py": "class X:\n    pass\n",
        "pkg/new.py": "from pkg import CONFIG\nfrom pkg.base import X\n",
        "pkg/old.py": "from pkg.base import X\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "MIG1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n')
    fixed = run_cli(["fix", "--no-cache", "."], root, monkeypatch)
    assert fixed.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        "  pkg/app.py:2:6: MIG1 unsafe fix not applied: the rewritten import reads pkg.new, which may be half initialized then: "
        "pkg.app -> pkg.new -> pkg -> pkg.app is an import cycle (pkg imports modules by name at line 1) the import at line 1 already makes",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
