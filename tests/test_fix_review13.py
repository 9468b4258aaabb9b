"""Issue #13, review13 (/tmp/rv13-1, -7, -9, -10): a deprecated module that warns when imported is
imported by a test that checks the warning in a way no list of names can see (a helper called
inside ``pytest.warns``, a conftest fixture recording warnings, a module-level ``pytestmark``
turning them into errors, ``filterwarnings("ignore")`` on a test asserting ``old_thing is
thing``), and the *safe* rewrite to the replacement made the tests fail, or test nothing. The
rule now is general (``fix.warning_tests``): in a test file whose text mentions warnings, a
rewrite that stops a module's import-time warning is unsafe, with the reason. The program test
runs the tests with pytest before and after ``fix``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.fix.warning_tests import is_test_file
from ssot_lint.model import FileRef
from ssot_lint.project.summary_walk import summarise
from tests.helpers import run_cli, write_project

OLD = 'import warnings\nfrom pkg.new import thing\n\nwarnings.warn("pkg.old is deprecated; use pkg.new", DeprecationWarning, stacklevel=2)\n'
PACKAGE = {"pkg/__init__.py": "", "pkg/new.py": 'def thing():\n    return "thing"\n', "pkg/old.py": OLD, "tests/__init__.py": ""}
RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new", "pkg.quiet" = "pkg.new" }\n\n[[rule]]\nid = "DD"\nkind = "declared-deprecation"\n'
SHAPES = {
    # the import in a helper the test calls inside pytest.warns
    "tests/test_helper.py": """\
import sys

import pytest


def load():
    from pkg.old import thing
    return thing


def test_helper_warns():
    sys.modules.pop("pkg.old", None)
    with pytest.warns(DeprecationWarning):
        load()
""",
    # a conftest fixture recording the warnings, used by the test
    "tests/conftest.py": """\
import warnings

import pytest


@pytest.fixture
def caught():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        yield w
""",
    "tests/test_fixture.py": """\
import sys


def test_fixture_records(caught):
    sys.modules.pop("pkg.old", None)
    from pkg.old import thing
    assert [x for x in caught if x.category is DeprecationWarning]
""",
    # a module-level pytestmark turning the warning into an error, caught as any Exception
    "tests/test_mark.py": """\
import sys

import pytest

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")


def test_old_raises():
    sys.modules.pop("pkg.old", None)
    with pytest.raises(Exception, match="deprecated"):
        from pkg.old import thing
""",
    # an identity test: once rewritten it compares thing with itself, and passes without pkg/old.py
    "tests/test_identity.py": """\
import pytest

from pkg.new import thing


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_old_path_still_works():
    from pkg.old import thing as old_thing
    assert old_thing is thing
""",
}
WHY = "pkg.old warns when imported (pkg/old.py:4) and {} is a test that reads warnings: the rewrite would stop a warning it may check"


def pytest_summary(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    return done.stdout.strip().splitlines()[-1].split(" in ")[0]


def applicability(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, int, int, str], str]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    return {(f["path"], f["line"], f["col"], f["rule"]): f["applicability"] for f in report["findings"]}


def test_the_reviewed_shapes_still_pass_after_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", {**PACKAGE, **SHAPES}, RULES)
    assert pytest_summary(root) == "4 passed"
    where = {"tests/test_helper.py": (7, 10), "tests/test_fixture.py": (6, 10), "tests/test_mark.py": (11, 14), "tests/test_identity.py": (8, 10)}
    expected = {(path, line, col, rule): "unsafe" for path, (line, col) in where.items() for rule in ("D1", "DD")}
    assert applicability(root, monkeypatch) == expected
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 8 findings left:",
        *(f"  {path}:{line}:{col}: {rule} unsafe fix not applied: {WHY.format(path)}" for path, (line, col) in sorted(where.items()) for rule in ("D1", "DD")),
        "8 unsafe fixes not applied: `--unsafe-fixes` applies them",
    ]
    assert all((root / path).read_text() == text for path, text in SHAPES.items())
    assert pytest_summary(root) == "4 passed"
    # What the rewrite does, applied anyway: three tests fail; the identity test passes, testing nothing.
    assert run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch).exit_code == 0
    assert (root / "tests/test_identity.py").read_text() == SHAPES["tests/test_identity.py"].replace(
        "from pkg.old import thing as old_thing", "from pkg.new import thing as old_thing"
    )
    assert pytest_summary(root) == "3 failed, 1 passed"


def test_what_stays_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        **PACKAGE,
        "pkg/quiet.py": "from pkg.new import thing\n",  # deprecated, but it does not warn
        # a test file that never names a warning cannot check one
        "tests/test_plain.py": 'from pkg.old import thing\n\n\ndef test_thing():\n    assert thing() == "thing"\n',
        # a test that reads warnings, of a module that does not warn
        "tests/test_quiet.py": "import warnings\n\nfrom pkg.quiet import thing\n\n\ndef test_thing():\n    with warnings.catch_warnings():\n        assert thing()\n",
        # no test file: a warning is what the fix is for
        "app/__init__.py": "",
        "app/main.py": "import warnings\n\nfrom pkg.old import thing\n",
        # a test file that reads warnings, importing by module and reference
        "pkg/test_refs.py": "import warnings\n\nimport pkg.old\n\n\ndef test_thing():\n    assert pkg.old.thing()\n",
    }
    root = write_project(tmp_path / "p", files, RULES)
    found = applicability(root, monkeypatch)
    assert found == {
        ("app/main.py", 3, 6, "D1"): "safe",
        ("app/main.py", 3, 6, "DD"): "safe",
        ("pkg/test_refs.py", 3, 8, "D1"): "unsafe",
        ("pkg/test_refs.py", 3, 8, "DD"): "unsafe",
        ("tests/test_plain.py", 1, 6, "D1"): "safe",
        ("tests/test_plain.py", 1, 6, "DD"): "safe",
        ("tests/test_quiet.py", 3, 6, "D1"): "safe",
    }
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "app/main.py").read_text() == "import warnings\n\nfrom pkg.new import thing\n"
    assert (root / "tests/test_plain.py").read_text().startswith("from pkg.new import thing\n")
    assert (root / "tests/test_quiet.py").read_text().startswith("import warnings\n\nfrom pkg.new import thing\n")
    assert (root / "pkg/test_refs.py").read_text() == files["pkg/test_refs.py"]
    assert f"  pkg/test_refs.py:3:8: D1 unsafe fix not applied: {WHY.format('pkg/test_refs.py')}" in result.stderr.splitlines()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/helpers.py", True),
        ("src/pkg/testing/utils.py", True),
        ("pkg/test/x.py", True),
        ("test_x.py", True),
        ("pkg/x_test.py", True),
        ("pkg/conftest.py", True),
        ("pkg/testx.py", True),  # unittest collects test*.py (review14)
        ("pkg/latest.py", False),
        ("pkg/contest.py", False),
        ("pkg/tests.py", True),  # Django's default (review14)
    ],
)
def test_test_files(path: str, expected: bool) -> None:
    assert is_test_file(path) is expected


@pytest.mark.parametrize(
    ("code", "line"),
    [
        (OLD, 4),
        ('"""Doc."""\nfrom warnings import warn\n\nwarn("old", DeprecationWarning)\n', 4),
        ("import warnings\nimport sys\n\nif sys.version_info >= (3, 0):\n    try:\n        warnings.warn('old')\n    except Exception:\n        pass\n", 6),
        (
            "from sympy.utilities.exceptions import sympy_deprecation_warning\n\nsympy_deprecation_warning('old', deprecated_since_version='1.1', active_deprecations_target='x')\n",
            3,
        ),
        ("import logging\n\nlogging.getLogger(__name__).warning('not a warning')\nlogger = logging.getLogger()\nlogger.warn('nor this')\n", 0),
        ("import warnings\n\n\ndef f():\n    warnings.warn('on call, not on import')\n\n\nclass C:\n    def g(self):\n        warnings.warn('x')\n", 0),
        (
            "import warnings\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    warnings.warn('never runs')\nif __name__ == '__main__':\n    warnings.warn('as a script only')\n",
            0,
        ),
    ],
)
def test_which_modules_warn_when_imported(code: str, line: int) -> None:
    assert summarise(FileContext(FileRef("pkg/old.py", "pkg.old"), code)).warns == line


# /tmp/rv13-5: a finding fixed in part in one round and whole in the next was still counted as
# partly fixed ("0 findings left (1 partly fixed)"), and the full run said "1 finding left
# (1 partly fixed)" of a finding the fix never touched.
SUMMARY_FILES = {
    "pkg/__init__.py": "",
    "pkg/core.py": 'def thing():\n    return "thing"\n',
    "pkg/helpers.py": (
        'import warnings\n\n\ndef old_helper():\n    """Deprecated."""\n'
        '    warnings.warn("old_helper is deprecated; use pkg.core.thing instead", DeprecationWarning)\n    return "thing"\n'
    ),
    "pkg/legacy.py": "from pkg.old import thing, OTHER\n",
    "pkg/new.py": "from pkg.core import thing\nOTHER = 2\n",
    "pkg/old.py": "from pkg.new import thing, OTHER\n",
    "pkg/shim.py": 'import warnings\nfrom pkg.new import OTHER\n\nwarnings.warn("pkg.shim is deprecated; use pkg.new instead", DeprecationWarning)\n',
    "app/__init__.py": "",
    "app/main.py": """\
\"\"\"App.\"\"\"
from pkg.old import thing, OTHER  # noqa: F401
from pkg.legacy import (  # legacy
    OTHER as O2,
    thing as t2,
)
import pkg.legacy
from pkg.shim import OTHER as O3
from pkg.helpers import old_helper


print(thing(), OTHER, O2, t2(), pkg.legacy.thing(), O3, old_helper())
""",
}
SUMMARY_RULES = """\
[[rule]]
id = "A1"
kind = "deprecated-import"
replace = { "pkg.old" = "pkg.new" }

[[rule]]
id = "A2"
kind = "deprecated-import"
replace = { "pkg.old:thing" = "pkg.core:thing", "pkg.legacy" = "pkg.old" }

[[rule]]
id = "DD"
kind = "declared-deprecation"
"""


def test_the_summary_counts_agree_with_the_findings_it_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "a2", SUMMARY_FILES, SUMMARY_RULES)
    result = run_cli(["fix", "--no-cache", "--select", "A2"], root, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "2 files changed, 5 findings fixed, 0 findings left.\n")
    root = write_project(tmp_path / "all", SUMMARY_FILES, SUMMARY_RULES)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines() == [
        "2 files changed, 8 findings fixed, 1 finding left:",
        "  app/main.py:10:25: DD unsafe fix not applied: pkg.helpers:old_helper is replaced by pkg.core:thing, under another name: "
        "the declaration does not say it takes the same arguments",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
