"""Issue #13: a safe import rewrite names the very object the old import named, and importing the
replacement runs nothing the importer did not run already. A user's mapping to a same-named but
different definition (Django: ``"django.forms.fields" = "django.db.models.fields"`` rewrote form
fields to model fields and broke 13 tests) is unsafe, and so is a rewrite that imports a module
with code of its own (Django's ``auth.models`` re-exports ``base_user``'s class, and importing it
needs ``django.contrib.auth`` installed). ``check`` and ``fix`` say the same, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project


def rules(replace: str) -> str:
    return f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n'


def applicability(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int, str | None]]:
    """app.py's findings (the replacement's own import of the old module is one too: not fixable)."""
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    return [(f["path"], f["line"], f["col"], f["applicability"]) for f in report["findings"] if f["path"] == "app.py"]


def fix(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch)


def test_a_same_named_class_defined_elsewhere_is_an_unsafe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "forms/__init__.py": "",
        "forms/fields.py": "class CharField:\n    widget = 'text'\n",
        "models/__init__.py": "",
        "models/fields.py": "class CharField:\n    max_length = 255\n",
        "app.py": "from forms.fields import CharField\n",
    }
    write_project(tmp_path, files, rules('"forms.fields" = "models.fields"'))
    assert applicability(tmp_path, monkeypatch) == [("app.py", 1, 6, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text(), result.exit_code) == (files["app.py"], 1)
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        "  app.py:1:6: D1 unsafe fix not applied: models.fields.CharField is another definition than forms.fields.CharField, so the rewrite changes what runs",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    assert fix(tmp_path, monkeypatch, "--unsafe-fixes").exit_code == 0
    assert (tmp_path / "app.py").read_text() == "from models.fields import CharField\n"


def test_a_shim_that_re_exports_its_replacement_is_a_safe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The deprecated module imports the canonical one: the same class, and nothing new runs.
    files = {
        "ws/__init__.py": "",
        "ws/manager.py": "class Manager: ...\n",
        "ws/legacy.py": "import warnings\nfrom ws.manager import Manager as LegacyManager\nwarnings.warn('use ws.manager', DeprecationWarning)\n",
        "app.py": "from ws.legacy import LegacyManager\n",
    }
    write_project(tmp_path, files, rules('"ws.legacy:LegacyManager" = "ws.manager:Manager"'))
    assert applicability(tmp_path, monkeypatch) == [("app.py", 1, 23, "safe")]
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == "from ws.manager import Manager as LegacyManager\n"


def test_a_package_that_re_exports_its_private_module_is_a_safe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Importing pkg._impl runs pkg first: rewriting to `from pkg import Thing` runs nothing new.
    files = {
        "pkg/__init__.py": "from pkg._impl import Thing\nimport pkg.registry\n",
        "pkg/_impl.py": "class Thing: ...\n",
        "pkg/registry.py": "REGISTERED = []\n",
        "app.py": "from pkg._impl import Thing\n",
    }
    write_project(tmp_path, files, rules('"pkg._impl" = "pkg"'))
    assert applicability(tmp_path, monkeypatch) == [("app.py", 1, 6, "safe")]
    assert fix(tmp_path, monkeypatch).stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 1 finding left:"  # pkg's own import stays
    assert (tmp_path / "app.py").read_text() == "from pkg import Thing\n"


BASE_USER = {
    "auth/__init__.py": "",
    "auth/base_user.py": "class AbstractBaseUser: ...\n",
    # Re-exports the same class, but importing it runs the app registry's check.
    "auth/models.py": "from auth.base_user import AbstractBaseUser\nimport auth.apps\n",
    "auth/apps.py": "raise RuntimeError('auth is not an installed app')\n",
}


def test_the_same_object_through_a_module_that_runs_more_code_is_an_unsafe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**BASE_USER, "app.py": "from auth.base_user import AbstractBaseUser\n"}
    write_project(tmp_path, files, rules('"auth.base_user" = "auth.models"'))
    assert applicability(tmp_path, monkeypatch) == [("app.py", 1, 6, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == files["app.py"]
    assert result.stderr.splitlines()[1] == (
        "  app.py:1:6: D1 unsafe fix not applied: app did not import auth.models before, and importing it runs auth.apps, whose import-time code does more than define names"
    )


@pytest.mark.parametrize(
    "app",
    [
        "import auth.models\nfrom auth.base_user import AbstractBaseUser\n",  # the importer imports it already
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from auth.base_user import AbstractBaseUser\n",  # never runs
    ],
    ids=["imported-already", "type-checking"],
)
def test_the_same_object_is_a_safe_rewrite_when_nothing_new_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str) -> None:
    write_project(tmp_path, {**BASE_USER, "app.py": app}, rules('"auth.base_user" = "auth.models"'))
    assert [a for _, _, _, a in applicability(tmp_path, monkeypatch)] == ["safe"]
    assert fix(tmp_path, monkeypatch).stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 1 finding left:"  # auth.models' own import stays
    assert (tmp_path / "app.py").read_text() == app.replace("auth.base_user", "auth.models")


def test_an_import_that_fails_as_written_is_not_made_to_work_by_a_safe_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests import on purpose what fails; a rewrite would change what they test.
    files = {"new/__init__.py": "", "new/api.py": "class Client: ...\n", "old/__init__.py": "", "app.py": "from old.api import Client\n"}
    write_project(tmp_path, files, rules('"old.api" = "new.api"'))
    assert applicability(tmp_path, monkeypatch) == [("app.py", 1, 6, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1] == (
        "  app.py:1:6: D1 unsafe fix not applied: api is not defined in old, so the import fails as written, and the rewrite would change that"
    )


def test_an_alias_in_the_replacement_is_the_object_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `Manager = core.Manager` in the replacement and a re-export in the old module: one object.
    files = {
        "core.py": "class Manager: ...\n",
        "api.py": "import core\nManager = core.Manager\n",
        "old.py": "from core import Manager as OldManager\n",
        "app.py": "import api\nfrom old import OldManager\n",
    }
    write_project(tmp_path, files, rules('"old:OldManager" = "api:Manager"'))
    assert applicability(tmp_path, monkeypatch) == [("app.py", 2, 17, "safe")]
    assert fix(tmp_path, monkeypatch).exit_code == 0
    assert (tmp_path / "app.py").read_text() == "import api\nfrom api import Manager as OldManager\n"


def test_dropping_a_shim_whose_import_patches_the_class_is_an_unsafe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The deprecated module re-exports the same class but patches it on import: after the rewrite
    # nothing imports it, and `X().legacy()` fails (a new-user trial's reproduction).
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class X:\n    pass\n",
        "pkg/compat.py": 'from pkg.core import X\n\nX.legacy = lambda self: "legacy"\n',
        "pkg/app.py": "from pkg.compat import X\n\nprint(X().legacy())\n",
    }
    write_project(tmp_path, files, rules('"pkg.compat" = "pkg.core"'))
    report = run_cli(["check", "--no-cache", "-o", "json"], tmp_path, monkeypatch).json()
    assert [(f["path"], f["applicability"]) for f in report["findings"]] == [("pkg/app.py", "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert result.stderr.splitlines()[1] == (
        "  pkg/app.py:1:6: D1 unsafe fix not applied: pkg.app would no longer import pkg.compat, whose import-time code does more than define names"
    )
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert result.stderr.splitlines()[1] == (
        "  pkg/app.py:1:6: D1 unsafe fix not applied: pkg.app would no longer import pkg.compat, whose import-time code does more than define names"
    )


def test_a_name_the_replacement_deletes_is_not_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SymPy's `del Symbol` in sympy/abc.py: bound by an import, then unbound.
    files = {
        "pkg/__init__.py": "",
        "pkg/canon.py": "class Y: ...\n",
        "pkg/new.py": "from pkg.canon import Y\ndel Y\n",
        "pkg/old.py": "from pkg.canon import Y\nimport pkg.new\n",
        "pkg/app.py": "from pkg.old import Y\n",
    }
    write_project(tmp_path, files, rules('"pkg.old" = "pkg.new"'))
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert result.stderr.splitlines()[1] == "  pkg/app.py:1:6: D1 unsafe fix not applied: pkg.new deletes Y (a module-level del), so Y may not be there"


@pytest.mark.parametrize(
    "condition",
    [
        'if sys.platform == "win32":\n    import pkg.heavy\n',
        "try:\n    pass\nexcept ImportError:\n    import pkg.heavy\n",
        "for _ in ():\n    import pkg.heavy\n",
    ],
    ids=["if", "except-handler", "loop"],
)
def test_an_import_that_may_not_run_does_not_count_as_imported_already(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, condition: str) -> None:
    # The old module imports pkg.heavy only on some platforms: rewriting to pkg.heavy runs its
    # code everywhere (a new-user trial's reproduction).
    files = {
        "pkg/__init__.py": "",
        "pkg/canon.py": "class X: ...\n",
        "pkg/heavy.py": 'from pkg.canon import X\n\nX.mode = "heavy"\n',
        "pkg/old.py": "import sys\nfrom pkg.canon import X\n" + condition,
        "pkg/app.py": "from pkg.old import X\n",
    }
    write_project(tmp_path, files, rules('"pkg.old:X" = "pkg.heavy:X"'))
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert result.stderr.splitlines()[1] == (
        "  pkg/app.py:1:21: D1 unsafe fix not applied: that pkg.app imported pkg.heavy before cannot be verified (the import as written may import it, not for sure), whose import-time code does more than define names"
    )


@pytest.mark.parametrize(
    ("legacy", "applies"),
    [
        ("from plug.core import Plugin, register\n\n\n@register\nclass Legacy(Plugin): ...\n", False),  # registers Legacy on import
        ("import dataclasses\nfrom plug.core import Plugin\n\n\n@dataclasses.dataclass\nclass Legacy: ...\n", True),
        ("from plug.core import Plugin, Meta\n\n\nclass Legacy(Plugin, metaclass=Meta): ...\n", False),
        ("from plug.core import Plugin\n\n\nclass Legacy(Plugin): ...\n", False),  # Plugin.__init_subclass__ may register it
        ("from plug.core import REGISTRY, Plugin\n\n_ = REGISTRY.append('legacy')\n", False),  # a call on the right of `=`
        ("from plug.core import Plugin\n\n__all__ = ['Plugin']\n", True),  # __all__ is bookkeeping
        # A class without bases: its body runs on import, and the outline leaves it out.
        ("from plug.core import REGISTRY, Plugin\n\n\nclass Legacy:\n    token = REGISTRY.append('legacy')\n", False),
        (
            "from dataclasses import dataclass, field\nfrom plug.core import Plugin\n\n\n@dataclass\nclass Legacy:\n    tags: list = field(default_factory=list)\n\n    def names(self):\n        return sorted(self.tags)\n",
            True,
        ),
        # A block's header runs too; a `with suppress(...)` only catches.
        ("from plug.core import REGISTRY, Plugin\n\nif REGISTRY.append('legacy') is None:\n    pass\n", False),
        ("from plug.core import REGISTRY, Plugin\n\nfor _ in REGISTRY.copy():\n    pass\n", False),
        ("from plug.core import REGISTRY, Plugin\n\nREGISTRY += ['legacy']\n", False),  # changes plug.core's list in place
        ("from contextlib import suppress\nfrom plug.core import Plugin\n\nwith suppress(ImportError):\n    import plug.extra\n", True),
    ],
    ids=["registering-decorator", "dataclass", "metaclass", "subclass", "assigned-call", "dunder-all"]
    + ["class-body-call", "dataclass-fields", "if-header-call", "for-header-call", "augmented-assignment", "with-suppress"],
)
def test_dropping_a_module_that_may_register_or_call_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, legacy: str, applies: bool) -> None:
    files = {
        "plug/__init__.py": "",
        "plug/core.py": "REGISTRY = []\n\n\ndef register(cls):\n    REGISTRY.append(cls)\n    return cls\n\n\nclass Meta(type): ...\n\n\nclass Plugin: ...\n",
        "plug/legacy.py": legacy,
        "app.py": "from plug.legacy import Plugin\n",
    }
    write_project(tmp_path, files, rules('"plug.legacy:Plugin" = "plug.core:Plugin"'))
    assert [a for _, _, _, a in applicability(tmp_path, monkeypatch)] == ["safe" if applies else "unsafe"]
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text() != files["app.py"]) is applies
    if not applies:
        assert result.stderr.splitlines()[1] == (
            "  app.py:1:25: D1 unsafe fix not applied: app would no longer import plug.legacy, whose import-time code does more than define names"
        )


def test_a_package_importing_the_importer_does_not_keep_the_dropped_shim_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg/__init__ imports pkg.app, whose rewritten statement is what imports pkg.compat: the
    # chain back through the importer must not count as keeping pkg.compat imported (a review's
    # reproduction: the patched attribute was lost after a "safe" fix).
    files = {
        "pkg/__init__.py": "from pkg import app\n",
        "pkg/core.py": "class Manager:\n    legacy = False\n",
        "pkg/compat.py": "from pkg.core import Manager\n\nManager.legacy = True\n",
        "pkg/app.py": "from pkg.compat import Manager\n",
    }
    write_project(tmp_path, files, rules('"pkg.compat:Manager" = "pkg.core:Manager"'))
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert result.stderr.splitlines()[1] == (
        "  pkg/app.py:1:24: D1 unsafe fix not applied: pkg.app would no longer import pkg.compat, whose import-time code does more than define names"
    )


@pytest.mark.parametrize(
    "facade",
    [
        "from pkg.core import Manager\nfrom pkg.other import Manager\n",
        "from pkg.core import Manager\nfrom pkg.other import *\n",
        "import os\nif os.environ.get('LEGACY'):\n    from pkg.core import Manager\nelse:\n    from pkg.other import Manager\n",
    ],
    ids=["two-imports", "later-star", "conditional"],
)
def test_a_name_bound_more_than_once_is_no_known_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, facade: str) -> None:
    # Python keeps the last binding that ran; the first is not the object `from pkg.facade import
    # Manager` gets.
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class Manager:\n    kind = 'core'\n",
        "pkg/other.py": "class Manager:\n    kind = 'other'\n",
        "pkg/facade.py": facade,
        "app.py": "import pkg.facade\nfrom pkg.core import Manager\n",
    }
    write_project(tmp_path, files, rules('"pkg.core:Manager" = "pkg.facade:Manager"'))
    assert [a for _, _, _, a in applicability(tmp_path, monkeypatch)] == ["unsafe"]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == files["app.py"]
    assert (
        "  app.py:2:22: D1 unsafe fix not applied: pkg.facade binds Manager more than once, or only under a condition, so which object it is cannot be told"
        in result.stderr.splitlines()
    )


@pytest.mark.parametrize("statement", ["raise ImportError('use pkg.core')\n", "import warnings\nwarnings.filterwarnings('error')\n"])
def test_a_shim_that_raises_or_changes_warning_filters_has_effects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statement: str) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class X: ...\n",
        "pkg/compat.py": "from pkg.core import X\n" + statement,
        "pkg/app.py": "from pkg.compat import X\n",
    }
    write_project(tmp_path, files, rules('"pkg.compat" = "pkg.core"'))
    report = run_cli(["check", "--no-cache", "-o", "json"], tmp_path, monkeypatch).json()
    assert [(f["path"], f["applicability"]) for f in report["findings"]] == [("pkg/app.py", "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert result.stderr.splitlines()[1] == (
        "  pkg/app.py:1:6: D1 unsafe fix not applied: pkg.app would no longer import pkg.compat, whose import-time code does more than define names"
    )


def test_a_replacement_whose_binding_the_same_fix_rewrites_unsafely_is_no_known_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.api binds X from pkg.legacy, another class than pkg.canon's; the rule moves that import
    # to pkg.canon too, but as an unsafe fix. In a safe-only run pkg.api.X stays pkg.legacy's, so
    # rewriting app's import of pkg.old.X (pkg.canon's) to pkg.api would change the class.
    files = {
        "pkg/__init__.py": "",
        "pkg/canon.py": "class X: ...\n",
        "pkg/legacy.py": "class X: ...\n",
        "pkg/old.py": "from pkg.canon import X\n",
        "pkg/api.py": "from pkg.legacy import X\n",
        "app.py": "import pkg.api\nfrom pkg.old import X\n",
    }
    write_project(tmp_path, files, rules('"pkg.old:X" = "pkg.api:X", "pkg.legacy:X" = "pkg.canon:X"'))
    assert [a for _, _, _, a in applicability(tmp_path, monkeypatch)] == ["unsafe"]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == files["app.py"]
    assert (
        "  app.py:2:21: D1 unsafe fix not applied: the same fix rewrites pkg.api's import of X, and which object X is there depends on whether it applies"
        in result.stderr.splitlines()
    )


ORDER = {
    "pkg/__init__.py": "",
    "pkg/_impl.py": "class X: ...\n",
    "pkg/core.py": "from pkg._impl import X\n\nX.checked = True\n",  # code of its own: importing it earlier is a change
    "pkg/compat.py": "from pkg._impl import X\n",
    "pkg/settings.py": "def configure(): ...\n",
}


@pytest.mark.parametrize(
    ("app", "applies"),
    [
        ("from pkg.compat import X\nimport pkg.settings\nimport pkg.core\n\npkg.settings.configure()\n", True),  # imports only between
        ("from pkg.compat import X\nimport pkg.settings\n\npkg.settings.configure()\nimport pkg.core\n", False),
        ("import pkg.settings\n\npkg.settings.configure()\nimport pkg.core\nfrom pkg.compat import X\n", True),  # imported before it
    ],
    ids=["later-import-before-any-effect", "later-import-after-a-call", "earlier-import"],
)
def test_a_later_import_counts_as_imported_already_only_when_nothing_runs_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str, applies: bool
) -> None:
    # Moving an import above another import changes nothing (isort does it); moving it above a
    # call (Django's `setup()`, MySQL's backend checking that MySQLdb is installed before it
    # imports the modules that need it) runs the module before what it may depend on.
    write_project(tmp_path, {**ORDER, "app.py": app}, rules('"pkg.compat" = "pkg.core"'))
    [(_, line, col, found)] = applicability(tmp_path, monkeypatch)
    assert found == ("safe" if applies else "unsafe")
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text() == app.replace("pkg.compat", "pkg.core")) is applies
    if not applies:
        assert result.stderr.splitlines()[1] == (
            f"  app.py:{line}:{col}: D1 unsafe fix not applied: app did not import pkg.core before, whose import-time code does more than define names"
        )


@pytest.mark.parametrize(("between", "applies"), [("import pkg.settings\n", True), ("import pkg.settings\npkg.settings.configure()\n", False)])
def test_a_dropped_module_that_a_later_import_runs_after_a_call_stops_running_where_it_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, between: str, applies: bool
) -> None:
    files = {**ORDER, "pkg/compat.py": "from pkg.core import X\n\nX.legacy = True\n", "pkg/core.py": "from pkg._impl import X\n"}
    app = "from pkg.compat import X\n" + between + "import pkg.compat\n"
    write_project(tmp_path, {**files, "app.py": app}, rules('"pkg.compat:X" = "pkg.core:X"'))
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text() != app) is applies
    if not applies:
        assert result.stderr.splitlines()[1] == (
            "  app.py:1:24: D1 unsafe fix not applied: app would import pkg.compat only later, after code that may change what it does or reads"
        )


def test_two_statements_importing_one_shim_do_not_keep_it_running_for_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each statement alone leaves the other importing pkg.compat; the fix rewrites both, and the
    # patch pkg.compat makes would be lost. What still runs is what runs whichever rewrites apply.
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class X: ...\n\n\nclass Y: ...\n",
        "pkg/compat.py": "from pkg.core import X, Y\n\nX.legacy = True\n",
        "pkg/app.py": "from pkg.compat import X\nfrom pkg.compat import Y\n",
        "pkg/other.py": "import pkg.compat\nfrom pkg.compat import X\n",  # `import pkg.compat` stays: it keeps the shim running
    }
    write_project(tmp_path, files, rules('"pkg.compat:X" = "pkg.core:X", "pkg.compat:Y" = "pkg.core:Y"'))
    report = run_cli(["check", "--no-cache", "-o", "json"], tmp_path, monkeypatch).json()
    assert [(f["path"], f["line"], f["applicability"]) for f in report["findings"]] == [
        ("pkg/app.py", 1, "unsafe"),
        ("pkg/app.py", 2, "unsafe"),
        ("pkg/other.py", 2, "safe"),
    ]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert (tmp_path / "pkg/other.py").read_text() == "import pkg.compat\nfrom pkg.core import X\n"
    assert result.stderr.splitlines()[1:3] == [
        f"  pkg/app.py:{line}:24: D1 unsafe fix not applied: pkg.app would no longer import pkg.compat once the fix's other rewrites apply,"
        " whose import-time code does more than define names"
        for line in (1, 2)
    ]
