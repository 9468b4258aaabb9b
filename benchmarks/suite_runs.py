"""A real project's own tests, run on its tree before a fix and after it, compared test by test.

Shared by ``benchmarks/fix_safety.py`` (Django: ``tests/runtests.py``) and
``benchmarks/fix_sympy.py`` (SymPy: pytest) for ``--run-tests``. Importing that a tree still
imports is a weak proof that a fix changed no behaviour; the project's own tests, chosen from the
files the fix changed, are a stronger one.

- *Which tests*: :func:`django_labels` picks Django's test apps (``tests/<app>/``) whose files
  import a changed module, or that a fix changed, plus a fixed core set; :func:`sympy_test_dirs`
  picks the ``tests/`` directories of the SymPy packages the fix changed. Both are bounded
  (``limit``), the ones touching the most changed modules first; what was left out is returned
  too, so a report can say so.
- *Running them*: each run is a fresh interpreter on the tree (``PYTHONPATH`` is the tree only),
  and records every test's outcome (``pass``, ``fail``, ``error``, ``skip``, ``xfail``,
  ``xpass``) with the last line of its traceback: Django through a ``DiscoverRunner`` subclass
  named by a settings module beside ``tests/test_sqlite.py``, SymPy through pytest's JUnit XML.
- *Comparing*: :func:`compare` gives per-test sets, not only totals; a test that passed before
  and fails, errors or disappears after is a *regression*.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

# Test apps that exercise what the fixes here touch most (django.utils, templates, forms, HTTP,
# fields, queries), run whatever the fix changed.
DJANGO_CORE = ("utils_tests", "template_tests", "forms_tests", "model_fields", "queries", "shortcuts", "httpwrappers")

# Test apps tests/runtests.py refuses on SQLite ("Aborting: A GIS database backend is required to
# run gis_tests"): never chosen.
DJANGO_UNRUNNABLE = ("gis_tests",)

PASSING = "pass"

# A settings module for tests/runtests.py: Django's SQLite test settings with a runner that
# writes every test's outcome as JSON to $SSOT_SUITE_OUT.
DJANGO_SETTINGS = """\
from test_sqlite import *  # noqa: F401,F403

TEST_RUNNER = "ssot_suite_runner.Runner"
"""

DJANGO_RUNNER = """\
import json
import os
import traceback
import unittest

import django
from django.test.runner import DiscoverRunner


def last_line(err):
    lines = [line for line in "".join(traceback.format_exception_only(err[0], err[1])).splitlines() if line.strip()]
    return lines[-1].strip() if lines else err[0].__name__


class Result(unittest.TextTestResult):
    outcomes = {}

    def _record(self, test, outcome, why=""):
        self.outcomes.setdefault(test.id(), [outcome, why])

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "fail", last_line(err))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", last_line(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skip", str(reason))

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "xfail", last_line(err))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "xpass")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._record(test, "fail" if failed else "error", f"{subtest._subDescription()}: {last_line(err)}")


class Runner(DiscoverRunner):
    def get_resultclass(self):
        return Result

    def run_suite(self, suite, **kwargs):
        result = super().run_suite(suite, **kwargs)
        with open(os.environ["SSOT_SUITE_OUT"], "w") as out:
            json.dump({"django": django.__file__, "outcomes": Result.outcomes}, out)
        return result
"""


def module_of(root: Path, path: Path) -> str | None:
    """The dotted module name of ``path`` under ``root`` (None where a part is no identifier)."""
    parts = path.relative_to(root).with_suffix("").parts
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: bytes) -> set[str]:
    """Every module a file's import statements may name: ``import a.b`` names ``a.b``;
    ``from a import b`` names ``a`` and ``a.b`` (``b`` may be a submodule). Relative imports are
    left out (a test app's own modules are not what a fix of the tree changes)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _bounded(hits: dict[str, int], fixed: Iterable[str], limit: int) -> tuple[list[str], list[str]]:
    """``fixed`` (always) plus the ``limit`` most-hit others (most hits first, then by name):
    (chosen, sorted), (left out, sorted)."""
    ranked = sorted((name for name in hits if name not in fixed), key=lambda name: (-hits[name], name))
    return sorted({*fixed, *ranked[:limit]}), sorted(ranked[limit:])


def django_labels(
    tests: Path, changed_modules: set[str], changed_files: Iterable[Path], limit: int, core: Iterable[str] = DJANGO_CORE
) -> tuple[list[str], list[str]]:
    """Django test labels (apps under ``tests``) for a fix: each app with a file the fix changed,
    or whose files import a changed module, ranked by how many of its imports name one (an app
    the fix changed ranks first), plus ``core`` (those present); never ``DJANGO_UNRUNNABLE``.
    Returns (labels, left out)."""
    hits: dict[str, int] = {}
    for path in changed_files:
        parts = path.relative_to(tests).parts if path.is_relative_to(tests) else ()
        if len(parts) > 1 and parts[0].isidentifier():
            hits[parts[0]] = hits.get(parts[0], 0) + 1_000
    for name in DJANGO_UNRUNNABLE:
        hits.pop(name, None)
    for app in sorted(p for p in tests.iterdir() if p.is_dir() and p.name.isidentifier() and p.name not in DJANGO_UNRUNNABLE):
        count = sum(len(imported_modules(f.read_bytes()) & changed_modules) for f in app.rglob("*.py"))
        if count:
            hits[app.name] = hits.get(app.name, 0) + count
    present = [name for name in core if (tests / name).is_dir()]
    return _bounded(hits, present, limit)


def sympy_test_dirs(root: Path, changed_files: Iterable[Path], limit: int) -> tuple[list[str], list[str]]:
    """The ``tests/`` directories (relative to ``root``) of the packages a fix changed: a changed
    ``pkg/tests/test_x.py`` or ``pkg/x.py`` both choose ``pkg/tests``, where it exists; the most
    changed first. Returns (directories, left out)."""
    hits: dict[str, int] = {}
    for path in changed_files:
        package = path.parent.parent if path.parent.name == "tests" else path.parent
        tests = package / "tests"
        if tests.is_dir():
            key = tests.relative_to(root).as_posix()
            hits[key] = hits.get(key, 0) + 1
    return _bounded(hits, (), limit)


def _tree_env(root: Path, *extra: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (root, *extra))
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # the before and after runs share no stale bytecode
    return env


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_django(root: Path, labels: list[str], timeout: float = 1800) -> dict:
    """``python tests/runtests.py --parallel 1 <labels>`` on the tree at ``root`` in a fresh
    interpreter: {"outcomes": {test id: [outcome, why]}, "seconds", "returncode", "tail"}."""
    with tempfile.TemporaryDirectory() as tmp:
        helper = Path(tmp)
        (helper / "ssot_suite_settings.py").write_text(DJANGO_SETTINGS)
        (helper / "ssot_suite_runner.py").write_text(DJANGO_RUNNER)
        out = helper / "outcomes.json"
        env = {**_tree_env(root, helper), "SSOT_SUITE_OUT": str(out)}
        command = [sys.executable, "tests/runtests.py", "--parallel", "1", "--noinput", "--settings", "ssot_suite_settings", *labels]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - started
        data = json.loads(out.read_text()) if out.is_file() else {"django": None, "outcomes": {}}
    if data["django"] is not None and not Path(data["django"]).is_relative_to(root):
        raise SystemExit(f"{root}: the tests imported Django from {data['django']}, not from the tree under test")
    return {"outcomes": data["outcomes"], "seconds": round(seconds, 1), "returncode": done.returncode, "tail": _tail(done.stdout + done.stderr)}


def error_line(report: str) -> str:
    """The line of a pytest failure report that names the error: the last ``E   Name: ...`` line
    (the exception a traceback ends with), else the first ``E`` line (an assertion)."""
    errors = [line[1:].strip() for line in report.splitlines() if line.startswith("E ")]
    named = [line for line in errors if re.match(r"[\w.]*(Error|Exception|Warning|Exit|Interrupt)\b", line)]
    return named[-1] if named else (errors[0] if errors else "")


def junit_outcomes(xml: str) -> dict[str, list[str]]:
    """Per-test outcomes from pytest's JUnit XML: {"file::name": [outcome, why]}."""
    outcomes: dict[str, list[str]] = {}
    for case in ET.fromstring(xml).iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, why = PASSING, ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                message = (child.get("message") or "").strip().splitlines()
                why = message[-1] if message else ""
                if child.tag == "skipped":
                    outcome = "xfail" if child.get("type") == "pytest.xfail" else "skip"
                else:
                    outcome = "fail" if child.tag == "failure" else "error"
                    why = error_line(child.text or "") or why
                break
        outcomes.setdefault(name, [outcome, why])
    return outcomes


def run_pytest(root: Path, paths: list[str], timeout: float = 1800) -> dict:
    """``python -m pytest -q -p no:cacheprovider <paths>`` on the tree at ``root`` in a fresh
    interpreter: the same shape as :func:`run_django`."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--junitxml", str(xml), *paths]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=root, env=_tree_env(root), capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - started
        outcomes = junit_outcomes(xml.read_text()) if xml.is_file() else {}
    return {"outcomes": outcomes, "seconds": round(seconds, 1), "returncode": done.returncode, "tail": _tail(done.stdout + done.stderr)}


def compare(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict:
    """Test-by-test comparison of two runs' outcomes. ``regressions``: passed before, and after
    failed, errored or did not run (with the last line of why); ``changed``: every test whose
    outcome differs, as "before -> after"."""
    tests = sorted(before.keys() | after.keys())
    missing = ["missing", ""]
    changed = {t: f"{before.get(t, missing)[0]} -> {after.get(t, missing)[0]}" for t in tests if before.get(t, missing)[0] != after.get(t, missing)[0]}
    regressions = {
        t: f"{after.get(t, missing)[0]}: {after.get(t, missing)[1]}".rstrip(": ")
        for t in tests
        if before.get(t, missing)[0] == PASSING and after.get(t, missing)[0] != PASSING
    }

    def counts(run: dict[str, list[str]]) -> dict[str, int]:
        tally: dict[str, int] = {}
        for outcome, _ in run.values():
            tally[outcome] = tally.get(outcome, 0) + 1
        return dict(sorted(tally.items()))

    return {
        "tests_before": len(before),
        "tests_after": len(after),
        "passed_before": sum(1 for o, _ in before.values() if o == PASSING),
        "passed_after": sum(1 for o, _ in after.values() if o == PASSING),
        "outcomes_before": counts(before),
        "outcomes_after": counts(after),
        "changed": changed,
        "regressions": regressions,
    }


def suite_row(label: str, run_before: dict, run_after: dict | None, files_changed: int) -> dict:
    """One report row: the comparison of two runs, or (no file changed) the before run alone,
    which the unchanged tree would repeat."""
    if run_after is None:
        row = compare(run_before["outcomes"], run_before["outcomes"])
        row["note"] = "no file changed: the tree after is the tree before"
    else:
        row = compare(run_before["outcomes"], run_after["outcomes"])
        row["seconds_after"] = run_after["seconds"]
        if not run_after["outcomes"]:
            row["nothing_ran_after"] = run_after["tail"]
    row = {"fix": label, "files_changed": files_changed, **row, "seconds_before": run_before["seconds"]}
    if not run_before["outcomes"]:
        row["nothing_ran"] = run_before["tail"]
    return row


def snapshot(root: Path) -> dict[Path, bytes]:
    """Every Python file's bytes under ``root``: the tree before any fix."""
    return {p: p.read_bytes() for p in root.rglob("*.py")}


def fixed_files(root: Path, pristine: dict[Path, bytes], command: list[str], env: dict[str, str] | None = None) -> tuple[dict[Path, bytes], str]:
    """Run one ``ssot-lint fix`` ``command`` on the tree as it was, keep what it wrote, and put
    the tree back: (changed files' new bytes, the summary's first line)."""
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    changed = {p: p.read_bytes() for p, data in pristine.items() if p.read_bytes() != data}
    for path in changed:
        path.write_bytes(pristine[path])
    return changed, (done.stderr.splitlines() or [""])[0]


def compare_fixes(root: Path, pristine: dict[Path, bytes], fixes: dict[str, dict[Path, bytes]], selection: list[str], run) -> list[dict]:
    """``run(root, selection)`` on the tree before the fixes, then on the tree with each fix's
    files written (and put back after): one :func:`suite_row` per fix, in order. A fix that
    changed no file is not run again."""
    before = run(root, selection)
    rows = []
    for label, changed in fixes.items():
        after = None
        if changed:
            for path, data in changed.items():
                path.write_bytes(data)
            try:
                after = run(root, selection)
            finally:
                for path in changed:
                    path.write_bytes(pristine[path])
        rows.append(suite_row(label, before, after, len(changed)))
    return rows


def print_rows(rows: list[dict], shown: int = 50) -> None:
    """The rows as a reader wants them: counts, then the first ``shown`` changed outcomes."""
    for row in rows:
        print(
            f"  {row['fix']}: {row['files_changed']} files changed; tests {row['tests_before']} -> {row['tests_after']};"
            f" passed {row['passed_before']} -> {row['passed_after']}; before {row['outcomes_before']}; after {row['outcomes_after']}"
            + (f" ({row['note']})" if "note" in row else "")
        )
        if "nothing_ran" in row:
            print(f"    NO TEST RAN before the fix:\n{row['nothing_ran']}")
        if "nothing_ran_after" in row:
            print(f"    NO TEST RAN after the fix (every test below is missing):\n{row['nothing_ran_after']}")
        for n, (test, change) in enumerate(row["changed"].items()):
            if n == shown:
                print(f"    ... and {len(row['changed']) - shown} more (all in --json)")
                break
            why = row["regressions"].get(test, "")
            print(f"    {test}: {change}" + (f" [{why}]" if why else ""))
