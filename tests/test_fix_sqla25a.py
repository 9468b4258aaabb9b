"""review20a on SQLAlchemy 2.0.36: ``init`` on a ``lib/`` layout, tests of a deprecation written
with the project's own helpers, a name a package stores into its submodule, and ``rules --check``
with re-exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

# -- 1. init writes `src` from the project's declared layout ------------------------------------

_LIB_PROJECT = {
    "lib/pkg/__init__.py": "",
    "lib/pkg/new.py": "def f():\n    return 1\n",
    "lib/pkg/old.py": "from pkg.new import f\n",
    "tests/test_f.py": "from pkg.old import f\nfrom pkg.new import Missing\n\n\ndef test_f():\n    assert f() == 1\n",
}
_SETUP_CFG = "[metadata]\nname = pkg\n\n[options]\npackage_dir =\n    =lib\npackages = find:\n\n[options.packages.find]\nwhere = lib\n"


def _written_config(project: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    return (project / "ssot-lint.toml").read_text()


@pytest.mark.parametrize(
    "pyproject", [None, '[build-system]\nrequires = ["setuptools>=61.0"]\nbuild-backend = "setuptools.build_meta"\n'], ids=["setup.cfg", "and-pyproject"]
)
def test_init_on_setuptools_lib_layout_writes_src_and_then_check_and_fix_see_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pyproject: str | None
) -> None:
    # SQLAlchemy 2.0.36: setup.cfg declares the layout, pyproject.toml only the build system.
    project = write_project(tmp_path / "p", {**_LIB_PROJECT, "setup.cfg": _SETUP_CFG, **({"pyproject.toml": pyproject} if pyproject else {})})
    surveyed = run_cli(["init", "--no-write", "--no-cache"], project, monkeypatch)
    assert "Project-wide: unresolved-import 1, shim-module 1, import-cycle 0\n" in surveyed.stdout  # the survey names modules so too
    assert _written_config(project, monkeypatch) == (
        "# Written by `ssot-lint init`.\n"
        'rule-files = ["ssot-rules.toml"]\n'
        "# From setup.cfg's [options] package_dir: modules below these folders are named from them.\n"
        'src = ["lib"]\n'
    )
    with (project / "ssot-rules.toml").open("a") as rules:
        rules.write('\n[[rule]]\nid = "MOVE1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old:f" = "pkg.new:f"\n')
    checked = run_cli(["check", "--no-cache", "-q", "--select", "PI1,MOVE1"], project, monkeypatch)
    assert checked.stdout.splitlines() == [
        "tests/test_f.py:1:21: MOVE1 [*] error: pkg.old:f is deprecated; import pkg.new:f",
        "tests/test_f.py:2:21: PI1 error: unresolved import: Missing is not defined in pkg.new",
    ]
    fixed = run_cli(["fix", "--no-cache", "--select", "MOVE1"], project, monkeypatch)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert (project / "tests/test_f.py").read_text().startswith("from pkg.new import f\n")


@pytest.mark.parametrize(
    ("files", "origin", "src"),
    [
        ({"setup.cfg": "[options]\npackages = find:\n\n[options.packages.find]\nwhere = lib\n"}, "setup.cfg's [options.packages.find] where", '["lib"]'),
        ({"pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "lib"}\n'}, "pyproject.toml's [tool.setuptools] package-dir", '["lib"]'),
        ({"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n'}, "pyproject.toml's [tool.setuptools.packages.find] where", '["lib"]'),
        (
            {"pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["lib/pkg"]\n'},
            "pyproject.toml's [tool.hatch.build.targets.wheel] packages",
            '["lib"]',
        ),
        ({"pyproject.toml": '[tool.poetry]\npackages = [{include = "pkg", from = "lib"}]\n'}, "pyproject.toml's [tool.poetry] packages", '["lib"]'),
        ({"setup.py": 'from setuptools import setup\n\nsetup(name="pkg", package_dir={"": "lib"})\n'}, "setup.py's package_dir", '["lib"]'),
    ],
    ids=["setup.cfg-where", "setuptools-package-dir", "setuptools-find-where", "hatch", "poetry", "setup.py"],
)
def test_init_reads_the_layout_each_build_tool_declares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], origin: str, src: str) -> None:
    project = write_project(tmp_path / "p", {**_LIB_PROJECT, **files})
    assert _written_config(project, monkeypatch).splitlines()[2:] == [f"# From {origin}: modules below these folders are named from them.", f"src = {src}"]


def test_init_takes_a_src_folder_holding_a_package_the_root_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"src/{name.removeprefix('lib/')}" if name.startswith("lib/") else name: text for name, text in _LIB_PROJECT.items()}
    project = write_project(tmp_path / "p", files)
    assert _written_config(project, monkeypatch).splitlines()[2:] == [
        "# From the src/ folder, which holds the package pkg (the root has none): modules below these folders are named from them.",
        'src = ["src"]',
    ]


@pytest.mark.parametrize(
    "files",
    [
        {"app/__init__.py": "", "app/a.py": "X = 1\n", "pyproject.toml": '[tool.setuptools.packages.find]\ninclude = ["app*"]\n'},  # Django's: flat
        {"app/__init__.py": "", "app/a.py": "X = 1\n", "setup.cfg": "[options.packages.find]\nwhere = .\n"},
        {"src/app/__init__.py": "", "app/__init__.py": "", "app/a.py": "X = 1\n"},  # the root has the package too
        {"src/notes.py": "X = 1\n", "app/__init__.py": ""},  # src/ holds no package
        {"app/__init__.py": "", "setup.cfg": "[options.packages.find]\nwhere = gone\n"},  # not a folder: `src` would be an error
    ],
    ids=["flat", "where-dot", "src-and-root", "src-no-package", "missing-folder"],
)
def test_init_writes_no_src_when_the_layout_is_flat_or_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    project = write_project(tmp_path / "p", files)
    assert _written_config(project, monkeypatch) == '# Written by `ssot-lint init`.\nrule-files = ["ssot-rules.toml"]\n'


def test_init_says_when_setup_cfg_cannot_be_read_and_writes_no_src(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", {**_LIB_PROJECT, "setup.cfg": "package_dir = =lib\n"})
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert "ssot-lint: warning: setup.cfg:1: cannot read the package layout (no section header); `src` not derived\n" in result.stderr
    assert (project / "ssot-lint.toml").read_text() == '# Written by `ssot-lint init`.\nrule-files = ["ssot-rules.toml"]\n'


def test_init_with_a_config_lacking_src_says_what_to_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", {**_LIB_PROJECT, "setup.cfg": _SETUP_CFG}, config='fail-on = "error"\n')
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert (project / "ssot-lint.toml").read_text() == 'fail-on = "error"\n'
    assert (
        "ssot-lint: init: add 'ssot-rules.toml' to rule-files in ssot-lint.toml; add src = [\"lib\"] to ssot-lint.toml (from setup.cfg's [options] package_dir)\n"
        in result.stderr
    )


# -- 2. a test of a deprecation written with the project's own expectation helpers ---------------

_WARNING_PROJECT = {
    "pkg/__init__.py": "",
    "pkg/new.py": "def f():\n    return 1\n",
    "pkg/old.py": 'import warnings\n\nwarnings.warn("pkg.old is deprecated; use pkg.new instead", DeprecationWarning, stacklevel=2)\nfrom pkg.new import f  # noqa: E402\n',
    "pkg/testing.py": "import contextlib\n\n\n@contextlib.contextmanager\ndef expect_deprecated(*messages):\n    yield\n",
}
_HELPER_RULES = (
    '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n\n[[rule]]\nid = "MOVE1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old" = "pkg.new"\n'
)


@pytest.mark.parametrize(
    "block",
    [
        'with expect_deprecated("pkg.old is deprecated"):',
        "with testing.expect_deprecated_20():",
        'with expect_warnings("pkg.old"):',
        "with self._expect_warning():",
        "with testing._expect_warnings_sqla_only():",
        "with self.assertWarning(DeprecationWarning):",
        "with assert_deprecated():",
        "with self.expectDeprecation():",
    ],
)
def test_a_use_inside_a_projects_own_expectation_helper_is_no_debt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: str) -> None:
    test = f"from pkg import testing\nfrom pkg.testing import expect_deprecated\n\n\nclass TestOld:\n    def test_old_warns(self):\n        {block}\n            from pkg.old import f\n        assert f() == 1\n"
    project = write_project(tmp_path / "p", {**_WARNING_PROJECT, "tests/test_helper.py": test}, rules=_HELPER_RULES)
    checked = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert (checked.exit_code, checked.stdout) == (0, "")
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes"], project, monkeypatch)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert (project / "tests/test_helper.py").read_text() == test


def test_a_name_used_only_inside_the_helpers_block_is_no_debt_and_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = (
        "from pkg.old import f\nfrom pkg.testing import expect_deprecated\n\n\ndef test_old_warns():\n    with expect_deprecated():\n        assert f() == 1\n"
    )
    project = write_project(tmp_path / "p", {**_WARNING_PROJECT, "tests/test_helper.py": test}, rules=_HELPER_RULES)
    assert run_cli(["check", "--no-cache", "-q"], project, monkeypatch).stdout == ""


@pytest.mark.parametrize("block", ["with expect_raises(ValueError):", "with expect_no_warnings():", "with self.assert_no_warnings():", "with expectations():"])
def test_a_helper_that_expects_no_warning_or_another_thing_is_not_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: str) -> None:
    test = f"def test_old(self):\n    {block}\n        from pkg.old import f\n"
    project = write_project(tmp_path / "p", {**_WARNING_PROJECT, "tests/test_other.py": test}, rules=_HELPER_RULES)
    checked = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    # Safe or unsafe (a test whose text says "warn" may read the warning some other way): reported.
    assert checked.stdout.replace(" [*]", "").splitlines() == [
        'tests/test_other.py:3:14: DD1 error: module pkg.old is deprecated (pkg/old.py:3: "pkg.old is deprecated; use pkg.new instead"); use pkg.new',
        "tests/test_other.py:3:14: MOVE1 error: pkg.old is deprecated; import pkg.new",
    ]


def test_the_text_test_passes_every_helper_it_accepts_and_no_other_call() -> None:
    from ssot_lint.project import import_conditions

    spelled = {
        "with expect_deprecated('x'):\n    import old\n": True,
        "with Expect_Warnings():\n    import old\n": True,
        "with self._expect_warning():\n    import old\n": True,
        "with self.assertDeprecated():\n    import old\n": True,
        "with expect_raises(ValueError):\n    import old\n": False,
        "self.assertEqual(expected, 1)\nassert warned\n": False,  # the words, but no such call
    }
    assert {text: import_conditions._calls_expecting(text) for text in spelled} == spelled


# -- 3. a name a package's __init__ stores into its submodule ------------------------------------

_STORING_PACKAGE = {
    "pkg/__init__.py": "from . import base\nfrom . import impl\n\nbase.dialect = dialect = impl.dialect\n",
    "pkg/base.py": "class Dialect:\n    pass\n",
    "pkg/impl.py": "from .base import Dialect\n\n\nclass dialect(Dialect):\n    pass\n",
}
_PI1 = '[[rule]]\nid = "PI1"\nkind = "unresolved-import"\n'


def test_a_name_the_package_stores_into_its_submodule_resolves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", {**_STORING_PACKAGE, "app.py": "from pkg.base import dialect\nfrom pkg.base import Missing\n"}, rules=_PI1)
    checked = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert checked.stdout.splitlines() == ["app.py:2:22: PI1 error: unresolved import: Missing is not defined in pkg.base"]


@pytest.mark.parametrize(
    ("init", "sub_import"),
    [
        ("import pkg.base\n\npkg.base.dialect = object\n", "from pkg.base import dialect"),  # through the absolute name
        (
            "from .base import *\nfrom . import base as b\n\nif True:\n    b.dialect: type = object\n",
            "from pkg.base import dialect",
        ),  # an alias, under a condition
        ("from . import sub\n\nsub.deep.dialect = object\n", "from pkg.sub.deep import dialect"),  # from a package above, two levels down
    ],
    ids=["absolute", "alias-conditional", "two-levels"],
)
def test_each_way_a_package_names_its_submodule_in_a_store_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, init: str, sub_import: str) -> None:
    files = {
        "pkg/__init__.py": init,
        "pkg/base.py": "X = 1\n",
        "pkg/sub/__init__.py": "from . import deep\n",
        "pkg/sub/deep.py": "X = 1\n",
        "app.py": f"{sub_import}\n",
    }
    project = write_project(tmp_path / "p", files, rules=_PI1)
    assert run_cli(["check", "--no-cache", "-q"], project, monkeypatch).stdout == ""


@pytest.mark.parametrize(
    "init",
    [
        "from . import base\n\n\ndef configure():\n    base.dialect = object\n",  # only when called
        "from . import base\n\nother.dialect = object\n",  # not into the submodule
    ],
    ids=["in-a-function", "another-object"],
)
def test_a_store_that_does_not_run_at_import_or_goes_elsewhere_binds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, init: str) -> None:
    files = {"pkg/__init__.py": init, "pkg/base.py": "X = 1\n", "app.py": "from pkg.base import dialect\n"}
    project = write_project(tmp_path / "p", files, rules=_PI1)
    checked = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert checked.stdout.splitlines() == ["app.py:1:22: PI1 error: unresolved import: dialect is not defined in pkg.base"]


def test_a_module_beside_the_storing_one_is_not_a_package_above(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.other stores into pkg.base, but nothing runs pkg.other before `from pkg.base import x`.
    files = {
        "pkg/__init__.py": "",
        "pkg/base.py": "X = 1\n",
        "pkg/other.py": "from . import base\n\nbase.dialect = object\n",
        "app.py": "from pkg.base import dialect\n",
    }
    project = write_project(tmp_path / "p", files, rules=_PI1)
    checked = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert checked.stdout.splitlines() == ["app.py:1:22: PI1 error: unresolved import: dialect is not defined in pkg.base"]


def test_an_importer_inside_the_storing_package_is_judged_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg/__init__.py imports pkg.impl before its store: there `from .base import dialect` fails.
    files = {**_STORING_PACKAGE, "pkg/impl.py": "from .base import Dialect, dialect\n"}
    project = write_project(tmp_path / "p", files, rules=_PI1)
    checked = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert checked.stdout.splitlines() == ["pkg/impl.py:1:28: PI1 error: unresolved import: dialect is not defined in pkg.base"]


# -- 4. rules --check: the names a deprecated module re-exports ----------------------------------

_REEXPORTING = {
    "pkg/__init__.py": "",
    "pkg/old/__init__.py": 'from .extensions import ConcreteBase\nfrom pkg.core import declared_attr\nimport os\n\n\ndef declarative_base():\n    return 1\n\n\n__all__ = ["ConcreteBase", "declared_attr", "declarative_base"]\n',
    "pkg/old/extensions.py": "class ConcreteBase:\n    pass\n",
    "pkg/core.py": "class declared_attr:\n    pass\n\n\ndef declarative_base():\n    return 2\n",
    "pkg/new.py": "from pkg.core import declared_attr, declarative_base\n",
    "app.py": "from pkg.old import ConcreteBase\n",
}
_MOVE = '[[rule]]\nid = "M1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old" = "pkg.new"\n'


def test_rules_check_counts_the_names_the_old_module_imports_as_the_fix_refuses_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", _REEXPORTING, rules=_MOVE)
    checked = run_cli(["rules", "--check"], project, monkeypatch)
    # ConcreteBase and declared_attr are imported and listed in __all__, declarative_base defined;
    # `os`, imported for its own use, is no name an importer means.
    assert (checked.exit_code, checked.stdout.splitlines()) == (
        1,
        [
            "rules.toml:5: M1 maps pkg.old to pkg.new, which lacks 1 of the 3 public names pkg.old defines or re-exports (ConcreteBase; ConcreteBase is not defined in pkg.new); imports of them are not rewritten",
            "1 mapping checked, 1 warning",
        ],
    )
    fixed = run_cli(["fix", "--no-cache", "--diff"], project, monkeypatch)
    # The deprecated package's own import of its submodule is a finding too (decided: kept; see
    # the kind's docs), and refused as the mapping names no pkg.new.extensions.
    assert (fixed.stdout, fixed.stderr.splitlines()) == (
        "",
        [
            "0 files would change, 0 findings would be fixed, 2 findings would be left:",
            "  app.py:1:6: M1 not fixable: ConcreteBase is not defined in pkg.new",
            "  pkg/old/__init__.py:1:6: M1 not fixable: module pkg.new.extensions does not exist (extensions is not a module of pkg.new)",
        ],
    )


def test_without_all_a_re_export_is_an_import_from_its_own_submodules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        **_REEXPORTING,
        # No __all__: ConcreteBase (from its own submodule) is a re-export; declared_attr, imported
        # from elsewhere for its own use, is not.
        "pkg/old/__init__.py": "from .extensions import ConcreteBase\nfrom pkg.core import declared_attr\n\n\ndef declarative_base():\n    return declared_attr\n",
    }
    project = write_project(tmp_path / "p", files, rules=_MOVE)
    checked = run_cli(["rules", "--check"], project, monkeypatch)
    assert checked.stdout.splitlines()[0] == (
        "rules.toml:5: M1 maps pkg.old to pkg.new, which lacks 1 of the 2 public names pkg.old defines or re-exports (ConcreteBase; ConcreteBase is not defined in pkg.new); imports of them are not rewritten"
    )
