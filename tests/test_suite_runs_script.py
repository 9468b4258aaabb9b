"""benchmarks/suite_runs.py: which of a real project's tests a fix selects, and how two runs of them
compare test by test (the real runs, on Django and SymPy, are manual: docs/fixing.md "On real code")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("suite_runs_under_test", REPO / "benchmarks" / "suite_runs.py")
assert _spec and _spec.loader
suite_runs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = suite_runs
_spec.loader.exec_module(suite_runs)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_django_labels_rank_changed_apps_then_importers_and_keep_the_core_set(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    write(
        tests,
        {
            "alpha/tests.py": "from django.utils.text import slugify\nimport django.http\n",  # 2 hits
            "beta/tests.py": "from django.utils import text\n",  # django.utils.text through `from`
            "beta/models.py": "from .tests import x\n",  # relative: not counted
            "gamma/test_x.py": "import os\n",  # changed by the fix itself
            "delta/tests.py": "from django.db import models\n",  # imports nothing changed
            "shortcuts/tests.py": "",  # core, imports nothing changed
            "not-an-app/tests.py": "import django.http\n",
            "broken/tests.py": "def (:\n",
            "gis_tests/tests.py": "import django.http\n",  # runtests.py refuses it on SQLite
        },
    )
    changed = {"django.utils.text", "django.http"}
    labels, left_out = suite_runs.django_labels(tests, changed, [tests / "gamma" / "test_x.py", tmp_path / "django" / "x.py"], limit=2)
    assert (labels, left_out) == (["alpha", "gamma", "shortcuts"], ["beta"])
    labels, left_out = suite_runs.django_labels(tests, changed, [], limit=10)
    assert (labels, left_out) == (["alpha", "beta", "shortcuts"], [])


def test_sympy_test_dirs_are_the_changed_packages_tests(tmp_path: Path) -> None:
    write(tmp_path, {"sympy/core/tests/test_a.py": "", "sympy/core/basic.py": "", "sympy/polys/tests/test_b.py": "", "sympy/abc.py": ""})
    changed = [tmp_path / p for p in ("sympy/core/basic.py", "sympy/core/tests/test_a.py", "sympy/polys/tests/test_b.py", "sympy/abc.py")]
    assert suite_runs.sympy_test_dirs(tmp_path, changed, limit=5) == (["sympy/core/tests", "sympy/polys/tests"], [])
    assert suite_runs.sympy_test_dirs(tmp_path, changed, limit=1) == (["sympy/core/tests"], ["sympy/polys/tests"])


def test_compare_is_per_test_not_per_total() -> None:
    before = {"a": ["pass", ""], "b": ["fail", "AssertionError"], "c": ["pass", ""], "d": ["skip", "no db"]}
    # The totals are the same (2 pass): only a per-test comparison sees a and b swap.
    after = {"a": ["fail", "AssertionError: 1 != 2"], "b": ["pass", ""], "c": ["pass", ""], "e": ["skip", "no db"]}
    row = suite_runs.compare(before, after)
    assert row["passed_before"] == row["passed_after"] == 2
    assert row["changed"] == {"a": "pass -> fail", "b": "fail -> pass", "d": "skip -> missing", "e": "missing -> skip"}
    assert row["regressions"] == {"a": "fail: AssertionError: 1 != 2"}
    assert suite_runs.compare(before, {k: v for k, v in before.items() if k != "c"})["regressions"] == {"c": "missing"}


def test_junit_outcomes_name_each_test_and_the_last_line_of_why() -> None:
    xml = """<testsuites><testsuite>
      <testcase classname="pkg.tests.test_a" name="test_ok"/>
      <testcase classname="pkg.tests.test_a" name="test_bad"><failure message="assert 1 == 2">def test_bad():
&gt;       assert 1 == 2
E       assert 1 == 2

pkg/tests/test_a.py:3: AssertionError</failure></testcase>
      <testcase classname="pkg.tests.test_a" name="test_boom"><error message="collection failure">E   ImportError: cannot import name 'x' from 'pkg'</error></testcase>
      <testcase classname="pkg.tests.test_a" name="test_skip"><skipped type="pytest.skip" message="needs numpy"/></testcase>
      <testcase classname="pkg.tests.test_a" name="test_xfail"><skipped type="pytest.xfail" message="known"/></testcase>
    </testsuite></testsuites>"""
    assert suite_runs.junit_outcomes(xml) == {
        "pkg.tests.test_a::test_ok": ["pass", ""],
        "pkg.tests.test_a::test_bad": ["fail", "assert 1 == 2"],
        "pkg.tests.test_a::test_boom": ["error", "ImportError: cannot import name 'x' from 'pkg'"],
        "pkg.tests.test_a::test_skip": ["skip", "needs numpy"],
        "pkg.tests.test_a::test_xfail": ["xfail", "known"],
    }


def test_a_fix_that_breaks_a_test_is_a_regression_and_the_tree_is_put_back(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core.py": "def double(x):\n    return 2 * x\n",
            "pkg/tests/__init__.py": "",
            "pkg/tests/test_core.py": "from pkg.core import double\n\ndef test_double():\n    assert double(2) == 4\n\ndef test_type():\n    assert isinstance(double(1), int)\n",
        },
    )
    pristine = suite_runs.snapshot(tmp_path)
    core = tmp_path / "pkg" / "core.py"
    fixes = {"safe": {}, "unsafe": {core: b"def double(x):\n    return x + x + 1\n"}}
    dirs, _ = suite_runs.sympy_test_dirs(tmp_path, [core], limit=3)
    rows = suite_runs.compare_fixes(tmp_path, pristine, fixes, dirs, suite_runs.run_pytest)
    assert [(r["fix"], r["files_changed"], r["tests_before"], r["passed_before"], r["passed_after"]) for r in rows] == [
        ("safe", 0, 2, 2, 2),
        ("unsafe", 1, 2, 2, 1),
    ]
    assert rows[0]["regressions"] == {} and rows[0]["note"] == "no file changed: the tree after is the tree before"
    assert rows[1]["regressions"] == {"pkg.tests.test_core::test_double": "fail: assert 5 == 4"}
    assert suite_runs.snapshot(tmp_path) == pristine
