"""verify28 (review28a: ``fix`` on pandas 2.2.3): the verifier's picture of the fixed project
holds exactly the rewrites the fix makes (a suppressed or excluded import stays as written), and
a loop importing a literal tuple of names by name imports exactly those names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

TYPES = 'from pkg.core.dtypes import is_x\nfrom pkg import extra\n\n__all__ = ["is_x", "extra"]\n'
COMMON = {
    "pkg/api/types.py": TYPES,
    "pkg/core/__init__.py": "",
    "pkg/core/dtypes.py": "def is_x():\n    return True\n",
    "pkg/extra.py": "import numpy\n",
    "pkg/tests/__init__.py": "",
    "pkg/tests/test_a.py": "from pkg.api.types import is_x\n\n\ndef test_x():\n    assert is_x()\n",
}
MODULE_RULE = '[[rule]]\nid = "MV1"\nkind = "deprecated-import"\n{extra}[rule.replace]\n"pkg.api.types" = "pkg.core.dtypes"\n'
NAME_RULE = '[[rule]]\nid = "MV1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.api.types:is_x" = "pkg.core.dtypes:is_x"\n'


def fix_lines(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``fix --diff --unsafe-fixes``'s lines about the run: unsafe fixes and the summary."""
    result = run_cli(["fix", "--no-cache", "--diff", "--unsafe-fixes"], root, monkeypatch)
    return [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(("# ssot-lint", "1 file", "2 files"))]


SAFE = ["1 file would change, 1 finding would be fixed, 0 findings would be left."]


# -- a finding the fix never rewrites is no "other rewrite" (repro 03) --------------------------------------
def test_a_suppressed_import_stays_as_written_for_the_verifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review28a/repro/03-suppressed-finding-counted-as-rewritten: test_a's rewrite was
    # "unsafe: would no longer import pkg.extra once the fix's other rewrites apply".
    files = {**COMMON, "pkg/__init__.py": "from pkg import api\n", "pkg/api/__init__.py": "from pkg.api import types  # ssot: ignore[MV1]\n"}
    root = write_project(tmp_path, files, MODULE_RULE.format(extra=""))
    assert fix_lines(root, monkeypatch) == SAFE


def test_an_excluded_import_stays_as_written_for_the_verifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**COMMON, "pkg/__init__.py": "from pkg import api\n", "pkg/api/__init__.py": "from pkg.api import types\n"}
    root = write_project(tmp_path, files, MODULE_RULE.format(extra='exclude = ["pkg/api/"]\n'))
    assert fix_lines(root, monkeypatch) == SAFE


def test_an_import_another_rule_suppresses_stays_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same through another rule of the run: MV2 would rewrite pkg.api's import, but a
    # comment silences it there.
    files = {**COMMON, "pkg/__init__.py": "from pkg import api\n", "pkg/api/__init__.py": "from pkg.api import types  # ssot: ignore[MV2]\n"}
    rules = NAME_RULE + '\n[[rule]]\nid = "MV2"\nkind = "deprecated-import"\npaths = ["pkg/api/"]\n[rule.replace]\n"pkg.api.types" = "pkg.core.dtypes"\n'
    root = write_project(tmp_path, files, rules)
    assert fix_lines(root, monkeypatch) == SAFE


def test_an_import_the_fix_rewrites_still_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the comment, pkg.api's own rewrite stops pkg.extra from running: still unsafe.
    files = {**COMMON, "pkg/__init__.py": "from pkg import api\n", "pkg/api/__init__.py": "from pkg.api import types\n"}
    root = write_project(tmp_path, files, MODULE_RULE.format(extra=""))
    assert fix_lines(root, monkeypatch) == [
        "# ssot-lint: unsafe fix at pkg/api/__init__.py:1:21 (MV1): pkg.api would no longer import pkg.extra, which imports numpy, "
        "from outside the project: importing it may fail or run code",
        "# ssot-lint: unsafe fix at pkg/tests/test_a.py:1:6 (MV1): pkg.tests.test_a would no longer import pkg.extra once the fix's other "
        "rewrites apply, which imports numpy, from outside the project: importing it may fail or run code",
        "2 files would change, 2 findings would be fixed (2 by unsafe fixes), 0 findings would be left:",
    ]


# -- a loop importing a literal tuple of names by name (repro 02) -------------------------------------------
BY_NAME = {**COMMON, "pkg/api/__init__.py": "from pkg.api import types\n", "pkg/api/types.py": TYPES}
LOOP = "for _dependency in {names}:\n    try:\n        __import__(_dependency)\n    except ImportError:\n        pass\n\nfrom pkg import api\n"


@pytest.mark.parametrize(
    "init",
    [
        '_hard_dependencies = ("json",)\n' + LOOP.format(names="_hard_dependencies"),
        LOOP.format(names='["json", "numpy"]').replace("__import__(_dependency)", "importlib.import_module(_dependency)"),
    ],
)
def test_a_loop_importing_literal_outside_names_is_no_import_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, init: str) -> None:
    # /tmp/review28a/repro/02-import-by-name-literal-loop (pandas/__init__.py:12-14): "would no
    # longer import pkg.extra", although pkg runs pkg.api -> pkg.api.types -> pkg.extra first.
    init = ("import importlib\n\n" if "importlib." in init else "") + init
    root = write_project(tmp_path, {**BY_NAME, "pkg/__init__.py": init}, NAME_RULE)
    assert fix_lines(root, monkeypatch) == SAFE


@pytest.mark.parametrize(
    "loop",
    [
        LOOP.format(names='("json", "pkg.extra")'),  # a name of the package's own: it may be the importer
        LOOP.format(names='("json",)').replace("pass", "__import__(_dependency + '.x')"),  # another call by name
        '_names = ("json",)\n_names = [n for n in ()]\n' + LOOP.format(names="_names"),  # rebound to no literal
    ],
)
def test_any_other_import_by_name_stays_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str) -> None:
    root = write_project(tmp_path, {**BY_NAME, "pkg/__init__.py": loop}, NAME_RULE)
    assert fix_lines(root, monkeypatch) == [
        "# ssot-lint: unsafe fix at pkg/tests/test_a.py:1:27 (MV1): pkg.tests.test_a would no longer import pkg.extra, which imports numpy, "
        "from outside the project: importing it may fail or run code",
        "1 file would change, 1 finding would be fixed (1 by unsafe fixes), 0 findings would be left:",
    ]


# -- what verification looks up once per run (repro 08) -------------------------------------------------------
def spelling_questions(root: Path, users: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many spelling look-ups ``fix.attribute_reads`` makes in a ``check`` verifying ``users``
    rewrites of one shim."""
    from ssot_lint.run.modules import ProjectModules

    files = {
        "pkg/__init__.py": "",
        "pkg/old.py": "from pkg.new import f\n",
        "pkg/new.py": "def f():\n    return 1\n",
        "pkg/reader.py": "import pkg\n\n\ndef g():\n    return pkg.other\n",
        **{f"pkg/user{i}.py": "from pkg.old import f\n" for i in range(users)},
    }
    write_project(root, files, '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n')
    asked: list[object] = []
    spelling = ProjectModules.spelling

    def counted(self: ProjectModules, *args: object, **kwargs: object) -> object:
        if sys._getframe(1).f_code.co_filename.endswith("attribute_reads.py"):  # who may read a module as an attribute
            asked.append(args)
        return spelling(self, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(ProjectModules, "spelling", counted)
        result = run_cli(["check", "--no-cache", "-j", "1"], root, monkeypatch)
    assert result.stdout.count(": R1 ") == users
    return len(asked)


def test_the_readers_of_a_shim_are_looked_up_once_for_all_its_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review28a/repro/08-check-time-in-fix-verification: each of pandas' 177 rewrites looked
    # up who may read the shim as an attribute again (970 spelling look-ups, 23 s of parsing).
    assert spelling_questions(tmp_path / "two", 2, monkeypatch) == spelling_questions(tmp_path / "six", 6, monkeypatch)
