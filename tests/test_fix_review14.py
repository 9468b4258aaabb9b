"""Issue #13, review14 (/tmp/rv14-1, -2, -3, -6, -13, -41): four ways a rewrite stopping a
module's import-time warning (or logging) was called safe, and the program or its tests changed.
Each test runs the program (or its tests) before and after ``fix``, and once more after
``fix --unsafe-fixes`` to show what the withheld rewrite would have done.

1. unittest / Django test files (``polls/tests.py``, ``testing_utils.py``, ``_tests/``) were no
   test files for ``fix.warning_tests.is_test_file``;
2. ``logging.warning(...)`` at module level was a "quiet" call, though it configures the root
   logger (the app's later ``basicConfig`` does nothing);
3. a warning raised by a module the shim imports (``pkg/old.py`` doing ``from pkg import
   _moved``) was not looked for;
4. ``import warnings as _w; _w.warn(...)`` was quiet (no effect) but did not count as warning:
   one predicate (``project.effects.warning_call``) now says both."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lint.fix.warning_tests import is_test_file
from ssot_lint.project.effects import has_effects, warns
from tests.helpers import run_cli, write_project
from tests.test_fix_review13 import applicability, pytest_summary

RULES = '[[rule]]\nid = "X001"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n'
WARNS = 'import warnings\nwarnings.warn("pkg.old is deprecated; use pkg.new", DeprecationWarning, stacklevel=2)\n'
NEW = "def thing():\n    return 1\n"
OLD = WARNS + "from pkg.new import thing\n"
RECORDING_TEST = """\
import warnings
rec = warnings.catch_warnings(record=True)
with rec as caught:
    warnings.simplefilter("always")
    from pkg.old import thing


def test_warns():
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert thing() == 1
"""
WHY = "{module} warns when imported ({where}) and {test} is a test that reads warnings: the rewrite would stop a warning it may check"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=120, check=False)


def unittest_outcome(root: Path) -> str:
    return run(root, "-m", "unittest", "discover", "-t", ".", "-s", "polls").stderr.strip().splitlines()[-1]


def fix_left(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    return result.stderr.splitlines()


def test_unittest_and_django_test_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/tmp/rv14-2: a Django app's ``polls/tests.py``, a ``unittest.TestCase`` recording the warning."""
    tests = RECORDING_TEST.replace("\n\ndef test_warns():", "import unittest\n\n\nclass OldImport(unittest.TestCase):\n    def test_warns(self):")
    tests = (
        tests.replace("\n    assert any(", "\n        self.assertTrue(any(")
        .replace("for w in caught)\n", "for w in caught))\n")
        .replace("    assert thing() == 1\n", "")
    )
    files = {"pkg/__init__.py": "", "pkg/new.py": NEW, "pkg/old.py": OLD, "polls/__init__.py": "", "polls/tests.py": tests}
    root = write_project(tmp_path / "p", files, RULES)
    assert unittest_outcome(root) == "OK"
    assert applicability(root, monkeypatch) == {("polls/tests.py", 5, 10, "X001"): "unsafe"}
    assert fix_left(root, monkeypatch)[1] == "  polls/tests.py:5:10: X001 unsafe fix not applied: " + WHY.format(
        module="pkg.old", where="pkg/old.py:2", test="polls/tests.py"
    )
    assert (root / "polls/tests.py").read_text() == tests
    assert unittest_outcome(root) == "OK"
    # The withheld rewrite: the test fails.
    assert run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch).exit_code == 0
    assert unittest_outcome(root) == "FAILED (failures=1)"


def test_test_files_by_word_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/tmp/rv14-3 and -41: ``testing_utils.py``, ``_tests/helpers_check.py``, ``models_tests.py``."""
    paths = ["testing_utils.py", "src/pkg2/_tests/helpers_check.py", "app/models_tests.py", "app/checks.py"]
    files = {"pkg/__init__.py": "", "pkg/new.py": NEW, "pkg/old.py": OLD, "app/__init__.py": "", **dict.fromkeys(paths, RECORDING_TEST)}
    root = write_project(tmp_path / "p", files, RULES)
    assert applicability(root, monkeypatch) == {(path, 5, 10, "X001"): "safe" if path == "app/checks.py" else "unsafe" for path in paths}
    assert pytest_summary_of(root, paths[:3]) == ["1 passed"] * 3
    fix_left(root, monkeypatch)
    assert all((root / path).read_text() == RECORDING_TEST for path in paths[:3])
    assert (root / "app/checks.py").read_text() == RECORDING_TEST.replace("pkg.old", "pkg.new")  # no test file: the fix is for this
    assert pytest_summary_of(root, paths[:3]) == ["1 passed"] * 3
    assert run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch).exit_code == 0
    assert pytest_summary_of(root, paths[:3]) == ["1 failed"] * 3


def pytest_summary_of(root: Path, paths: list[str]) -> list[str]:
    """Each file's pytest outcome, one process each (the deprecated module warns on its first import only)."""
    done = [run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "python_files=*.py", path) for path in paths]
    return [d.stdout.strip().splitlines()[-1].split(" in ")[0] for d in done]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("polls/tests.py", True),  # Django's default
        ("polls/tests/models.py", True),
        ("pkg/testx.py", True),  # unittest's test*.py
        ("testing_utils.py", True),
        ("app/models_tests.py", True),
        ("src/pkg2/_tests/helpers_check.py", True),
        ("pkg/helpersTest.py", True),
        ("pkg/my-test.py", True),
        ("Tests/x.py", True),
        ("pkg/latest.py", False),
        ("pkg/contest.py", False),
        ("pkg/attestation.py", False),
        ("pkg/old.py", False),
    ],
)
def test_what_counts_as_a_test_file(path: str, expected: bool) -> None:
    assert is_test_file(path) is expected


def test_module_level_logging_is_an_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/tmp/rv14-13: ``logging.warning`` at module level configures the root logger, so the
    app's later ``basicConfig`` did nothing; without the shim it does, and the output changes."""
    app = (
        'import logging\nfrom pkg.old import thing\n\nlogging.basicConfig(level=logging.DEBUG, format="APP %(message)s")\nlogging.info("started %s", thing())\n'
    )
    old = 'import logging\nlogging.warning("pkg.old is deprecated; use pkg.new")\nfrom pkg.new import thing\n'
    root = write_project(tmp_path / "p", {"app.py": app, "pkg/__init__.py": "", "pkg/new.py": NEW, "pkg/old.py": old}, RULES)
    before = run(root, "app.py").stderr
    assert before == "WARNING:root:pkg.old is deprecated; use pkg.new\n"
    assert (
        fix_left(root, monkeypatch)[1]
        == "  app.py:2:6: X001 unsafe fix not applied: app would no longer import pkg.old, whose import-time code does more than define names"
    )
    assert run(root, "app.py").stderr == before
    assert run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch).exit_code == 0
    assert run(root, "app.py").stderr == "APP started 1\n"


def withheld_then_failing(files: dict[str, str], module: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``tests/test_old.py`` passes before and after ``fix`` (which withholds the rewrite, with
    the reason), and fails once the rewrite is applied anyway."""
    root = write_project(tmp_path / "p", {"pkg/__init__.py": "", "pkg/new.py": NEW, "tests/test_old.py": RECORDING_TEST, **files}, RULES)
    assert pytest_summary(root) == "1 passed"
    reason = WHY.format(module=module, where=where, test="tests/test_old.py")
    assert fix_left(root, monkeypatch)[1] == f"  tests/test_old.py:5:10: X001 unsafe fix not applied: {reason}"
    assert pytest_summary(root) == "1 passed"
    assert run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch).exit_code == 0
    assert pytest_summary(root) == "1 failed"


def test_a_warning_from_a_module_the_shim_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/tmp/rv14-1: ``pkg/old.py`` does ``from pkg import _moved``, whose module level warns."""
    old = "from pkg import _moved  # noqa: F401  (warns)\nfrom pkg.new import thing\n"
    withheld_then_failing({"pkg/_moved.py": WARNS, "pkg/old.py": old}, "pkg._moved", "pkg/_moved.py:2", tmp_path, monkeypatch)


def test_a_module_the_new_import_still_runs_stays_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warning module is imported by the replacement too: the rewrite stops no warning."""
    new = "from pkg import _moved  # noqa: F401\n" + NEW
    old = "from pkg import _moved  # noqa: F401\nfrom pkg.new import thing\n"
    files = {"pkg/__init__.py": "", "pkg/new.py": new, "pkg/_moved.py": WARNS, "pkg/old.py": old, "tests/test_old.py": RECORDING_TEST}
    root = write_project(tmp_path / "p", files, RULES)
    assert applicability(root, monkeypatch) == {("tests/test_old.py", 5, 10, "X001"): "safe"}
    assert run_cli(["fix", "--no-cache"], root, monkeypatch).exit_code == 0
    assert pytest_summary(root) == "1 passed"


def test_a_warning_through_a_module_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/tmp/rv14-6: ``import warnings as _w; _w.warn(...)`` was quiet but no warning."""
    old = 'import warnings as _w\n_w.warn("old", DeprecationWarning, stacklevel=2)\nfrom pkg.new import thing\n'
    withheld_then_failing({"pkg/old.py": old}, "pkg.old", "pkg/old.py:2", tmp_path, monkeypatch)


CALLS = [
    ("warnings.warn('x')", True),
    ("_w.warn('x')", True),
    ("warn('x')", True),
    ("warnings.warn_explicit('x', UserWarning, 'f', 1)", True),
    ("sympy_deprecation_warning('x')", True),
    ("utils.warn_deprecated('x')", True),
    ("logging.warning('x')", False),
    ("logging.warn('x')", False),
    ("logger.warning('x')", False),
    ("_LOGGER.warning('x')", False),
    ("self.log.warn('x')", False),
    ("warning('x')", False),  # from logging import warning
    ("logging.captureWarnings(True)", False),
    ("warnings.simplefilter('error')", False),
    ("register_deprecated_alias('x')", False),
    ("__all__.extend(['x'])", False),  # quiet, but no warning
]


@pytest.mark.parametrize(("call", "warning"), CALLS)
def test_quiet_calls_are_warnings_or_keep_all(call: str, warning: bool) -> None:
    """One predicate: a module-level call that is no effect is a warning, or keeps ``__all__``."""
    statement = ast.parse(call).body[0]
    assert warns(statement) is warning
    quiet = not has_effects(statement)
    assert quiet is (warning or call.startswith("__all__."))
