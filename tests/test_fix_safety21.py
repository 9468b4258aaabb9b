"""safety21 (review17c on Django 5.2.8): the reason "<importer> did not import <X> before, and
importing it runs code that may change what the program does" was given without checking either
half. A module that runs anew but only binds names changes nothing, unless it rebinds its
package's attribute, hides a package ``__getattr__``, fails to import, warns, or is in an import
cycle with another module that runs anew (each kept unsafe, and named). And a module that runs for
sure before the importer, through the depth-first prefix of its package's imports (Django's
``django.db.models`` runs ``django.utils.text`` before anything imports ``fields.mixins``), was
"not imported before". Each case runs the program before the fix and after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

OLD_TO_NEW = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n'
# /tmp/review17c/repro/01-pure-new-module: pkg.new binds names only.
REEXPORT = {
    "pkg/__init__.py": "",
    "pkg/app.py": "from pkg.old import Widget\n",
    "pkg/core.py": "class Widget:\n    pass\n",
    "pkg/new.py": '"""The public home: re-exports only."""\nfrom pkg.core import Widget\n\n__all__ = ["Widget"]\n',
    "pkg/old.py": '"""Deprecated: kept for old imports."""\nfrom pkg.core import Widget  # noqa: F401\n',
}


def left(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """The lines of ``fix --diff`` about findings left (unsafe or not fixable)."""
    result = run_cli(["fix", "--no-cache", "--diff", *args], root, monkeypatch)
    return [line for line in result.stderr.splitlines() if line.startswith("  ")]


def runs(root: Path, *flags: str) -> str:
    """What ``python main.py`` prints in ``root``, or the last line of how it fails."""
    done = subprocess.run([sys.executable, *flags, "main.py"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout if done.returncode == 0 else done.stderr.strip().splitlines()[-1].replace(f"{root}/", "")


def fixed(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """The headline of ``fix`` (``args``: ``--unsafe-fixes``)."""
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch).stderr.splitlines()[0]


# -- 1. what runs anew only binds names -----------------------------------------------------------
def test_a_new_module_that_only_binds_names_is_a_safe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**REEXPORT, "main.py": "import pkg.app, pkg.core\nprint(pkg.app.Widget is pkg.core.Widget)\n"}
    write_project(tmp_path, files, OLD_TO_NEW)
    assert left(tmp_path, monkeypatch) == []
    assert runs(tmp_path) == "True\n"
    assert fixed(tmp_path, monkeypatch) == "1 file changed, 1 finding fixed, 0 findings left."
    assert (tmp_path / "pkg/app.py").read_text() == "from pkg.new import Widget\n"
    assert runs(tmp_path) == "True\n"
    assert fixed(tmp_path, monkeypatch) == "0 files changed, 0 findings fixed, 0 findings left."  # a second fix changes nothing


def test_a_failing_import_the_new_module_catches_keeps_the_rewrite_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An optional project module it does without: its `except ImportError` is the designed path.
    new = "from pkg.core import Widget\n\ntry:\n    from pkg.speedups import fast\nexcept ImportError:\n    fast = None\n"
    files = {**REEXPORT, "pkg/new.py": new, "main.py": "import pkg.app, pkg.core\nprint(pkg.app.Widget is pkg.core.Widget)\n"}
    write_project(tmp_path, files, OLD_TO_NEW)
    assert left(tmp_path, monkeypatch) == []
    assert fixed(tmp_path, monkeypatch) == "1 file changed, 1 finding fixed, 0 findings left."
    assert runs(tmp_path) == "True\n"


# Each case: what pkg.new (or pkg) does besides, what main.py prints, the reason, and how the
# program's output changes once the unsafe fix applies.
HAZARDS = {
    "effects-of-a-module-it-runs": (
        {
            "pkg/new.py": "from pkg.core import Widget\nimport pkg.plugins\n",
            "pkg/plugins.py": "from pkg.core import Widget\n\nWidget.registered = True\n",
        },
        "import pkg.app, pkg.core\nprint(getattr(pkg.core.Widget, 'registered', False))\n",
        "pkg.app did not import pkg.new before, and importing it runs pkg.plugins, whose import-time code does more than define names",
        ("False\n", "True\n"),
        (),
    ),
    "a-warning": (
        {
            "pkg/new.py": "from pkg.core import Widget\nimport pkg.compat\n",
            "pkg/compat.py": 'import warnings\n\nwarnings.warn("pkg.compat is deprecated", DeprecationWarning, stacklevel=2)\n',
        },
        "import pkg.app\nprint('imported')\n",
        "pkg.app did not import pkg.new before, and importing it runs pkg.compat, which warns when imported (pkg/compat.py:3)",
        ("imported\n", "DeprecationWarning: pkg.compat is deprecated"),
        ("-W", "error::DeprecationWarning"),
    ),
    "the-package-binds-the-name": (
        {
            "pkg/__init__.py": 'helpers = "the package\'s own helpers"\n',
            "pkg/new.py": "from pkg.core import Widget\nimport pkg.helpers\n",
            "pkg/helpers.py": "LIMIT = 3\n",
        },
        "import pkg.app, pkg\nprint(type(pkg.helpers).__name__)\n",
        "pkg.app did not import pkg.new before, and importing it runs pkg.helpers, which replaces what pkg binds as helpers: "
        "importing it makes pkg.helpers the module",
        ("str\n", "module\n"),
        (),
    ),
    "a-package-getattr": (
        {
            "pkg/__init__.py": "def __getattr__(name):\n    return f'lazy {name}'\n",
        },
        "import pkg.app, pkg\nprint(type(pkg.new).__name__)\n",
        "pkg.app did not import pkg.new before, which makes pkg.new the module: pkg's module-level __getattr__ no longer gives it",
        ("str\n", "module\n"),
        (),
    ),
    "a-name-the-module-lacks": (
        {"pkg/new.py": "from pkg.core import Widget\nfrom pkg.extras import gadget\n", "pkg/extras.py": "other = 1\n"},
        "import pkg.app\nprint('imported')\n",
        "pkg.app did not import pkg.new before, which imports gadget from pkg.extras at line 2, and pkg.extras does not bind it: the import fails",
        ("imported\n", "ImportError: cannot import name 'gadget' from 'pkg.extras' (pkg/extras.py)"),
        (),
    ),
    "a-module-that-does-not-exist": (
        {"pkg/new.py": "from pkg.core import Widget\nimport pkg.gone\n"},
        "import pkg.app\nprint('imported')\n",
        "pkg.app did not import pkg.new before, which imports pkg.gone at line 2, and pkg.gone does not exist: the import fails",
        ("imported\n", "ModuleNotFoundError: No module named 'pkg.gone'"),
        (),
    ),
    "a-cycle-among-new-modules": (
        {
            "pkg/new.py": "from pkg.a import helper\nfrom pkg.core import Widget\n",
            "pkg/a.py": "def helper():\n    return 'helped'\n\n\nfrom pkg.new import Widget  # noqa: E402\n",
        },
        "import pkg.app\nimport pkg.a\nprint(pkg.a.helper())\n",
        "pkg.app did not import pkg.new before, which is in the import cycle pkg.new -> pkg.a -> pkg.new: "
        "what each finds bound in the other depends on which runs first",
        (
            "helped\n",
            "ImportError: cannot import name 'Widget' from partially initialized module 'pkg.new' (most likely due to a circular import) (pkg/new.py)",
        ),
        (),
    ),
}


@pytest.mark.parametrize("case", sorted(HAZARDS))
def test_a_new_module_that_changes_what_the_program_does_keeps_the_rewrite_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    changed, main, reason, (before, after), flags = HAZARDS[case]
    files = {**REEXPORT, **changed, "main.py": main}
    safe, unsafe = write_project(tmp_path / "safe", files, OLD_TO_NEW), write_project(tmp_path / "unsafe", files, OLD_TO_NEW)
    assert left(safe, monkeypatch) == [f"  pkg/app.py:1:6: D1 unsafe fix not applied: {reason}"]
    assert runs(safe, *flags) == before
    assert fixed(safe, monkeypatch) == "0 files changed, 0 findings fixed, 1 finding left:"
    assert (safe / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert fixed(unsafe, monkeypatch, "--unsafe-fixes") == "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:"
    assert runs(unsafe, *flags) == after  # the rewrite does change what the program does


# -- 2. what ran before: the depth-first prefix of the package's imports ----------------------------
# /tmp/review17c/repro/02-did-not-import-false (Django's django/db/models/fields/mixins.py:5): pkg
# runs agg, which runs text to the end before it imports mixins.
PREFIX = {
    "pkg/__init__.py": "from pkg import agg\n",
    "pkg/agg.py": "from pkg import text\nfrom pkg import mixins\n",
    "pkg/functional.py": "def cached():\n    return 1\n",
    "pkg/mixins.py": "from pkg.functional import cached\n",
    "pkg/text.py": 'from pkg.functional import cached\n\nPATTERNS = []\nPATTERNS.append("x")\n',
    "main.py": "import sys\nimport pkg.mixins\nprint(pkg.mixins.cached(), sorted(m for m in sys.modules if m.startswith('pkg')))\n",
}
FUNCTIONAL_TO_TEXT = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.functional" = "pkg.text" }\n'
TEXT_ITSELF = "  pkg/text.py:1:6: D1 not fixable: the rewritten import would import from pkg.text, the module itself"


def test_a_module_the_package_runs_to_the_end_before_the_importer_was_imported_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, PREFIX, FUNCTIONAL_TO_TEXT)
    assert left(tmp_path, monkeypatch) == [TEXT_ITSELF]
    before = runs(tmp_path)
    assert before == "1 ['pkg', 'pkg.agg', 'pkg.functional', 'pkg.mixins', 'pkg.text']\n"
    assert fixed(tmp_path, monkeypatch) == "1 file changed, 1 finding fixed, 1 finding left:"
    assert (tmp_path / "pkg/mixins.py").read_text() == "from pkg.text import cached\n"
    assert runs(tmp_path) == before
    assert fixed(tmp_path, monkeypatch) == "0 files changed, 0 findings fixed, 1 finding left:"


@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        # The package imports text only under a condition: it may not have run.
        (
            {
                "pkg/__init__.py": "import os\n\nif os.environ.get('TEXT'):\n    from pkg import text\nfrom pkg import agg\n",
                "pkg/agg.py": "from pkg import mixins\n",
            },
            "that pkg.mixins imported pkg.text before cannot be verified (pkg may import it, not for sure first), whose import-time code does more than define names",
        ),
        # agg imports pkg before text: a program importing pkg.agg first runs mixins (through pkg)
        # while agg waits at its first line, before text has run.
        (
            {"pkg/agg.py": "import pkg\nfrom pkg import text\nfrom pkg import mixins\n"},
            "that pkg.mixins imported pkg.text before cannot be verified (pkg may import it, not for sure first), whose import-time code does more than define names",
        ),
    ],
    ids=["under-a-condition", "after-an-import-of-the-package"],
)
def test_a_module_that_may_not_have_run_first_is_said_to_be_unverified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: dict[str, str], reason: str
) -> None:
    files = {**PREFIX, **changed, "main.py": "import pkg.agg\nimport pkg.mixins\nprint(pkg.mixins.cached())\n"}
    write_project(tmp_path, files, FUNCTIONAL_TO_TEXT)
    assert left(tmp_path, monkeypatch) == [f"  pkg/mixins.py:1:6: D1 unsafe fix not applied: {reason}", TEXT_ITSELF]


def test_an_entry_point_inside_the_chain_runs_the_importer_before_the_rest_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # other.y imports pkg first: a program that imports other.y first runs mixins (pkg -> agg ->
    # mixins) while other.y waits on its first line, before pkg.z (a registration) has run. So z
    # has not run before for sure, though agg imports other.y before mixins.
    files = {
        "pkg/__init__.py": "from pkg import agg\n",
        "pkg/agg.py": "from other import y\nfrom pkg import mixins\n",
        "other/__init__.py": "",
        "other/y.py": "import pkg\nimport pkg.z\n",
        "pkg/z.py": "from pkg.functional import cached\n\nREG = []\nREG.append(cached)\nprint('z runs')\n",
        "pkg/functional.py": "def cached():\n    return 1\n",
        "pkg/mixins.py": "import sys\nprint('mixins starts; z ran:', 'pkg.z' in sys.modules)\nfrom pkg.functional import cached\n",
        "main.py": "import other.y\n",
    }
    write_project(tmp_path, files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.functional" = "pkg.z" }\n')
    assert runs(tmp_path) == "mixins starts; z ran: False\nz runs\n"
    assert left(tmp_path, monkeypatch) == [
        "  pkg/mixins.py:3:6: D1 unsafe fix not applied: that pkg.mixins imported pkg.z before cannot be verified (pkg may import it, not for sure first), "
        "whose import-time code does more than define names",
        "  pkg/z.py:1:6: D1 not fixable: the rewritten import would import from pkg.z, the module itself",
    ]
