"""A test that expects a deprecation warning uses the deprecated module on purpose: an import (or
attribute, or call) inside ``with pytest.warns(...)``, ``pytest.deprecated_call()``,
``self.assertWarns(...)``, ``assertWarnsRegex``, Django's ``assertWarnsMessage`` or any context
manager named for it (SymPy's ``warns_deprecated_sympy``) is no debt,
nor is an import whose every use is inside such a block (Django's test_renderers imports
``DjangoDivFormRenderer`` at the top to instantiate it under ``assertWarnsMessage``), and
rewriting either would make the test fail (the warning it expects is gone). Neither
``deprecated-import`` nor ``declared-deprecation`` reports or rewrites it; silencing the warning
(``warnings.catch_warnings()`` without ``record``) is still a use of the deprecated code, and
stays a finding. The other ways a test asserts the warning (``pytest.raises(DeprecationWarning)``,
``catch_warnings(record=True)``, ``recwarn``) are in ``test_fix_review12.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

OLD = "import warnings\n\nwarnings.warn('lib.old is deprecated; use lib.new instead', DeprecationWarning, stacklevel=2)\nfrom lib.new import *\n"
TESTS = """\
import unittest
import warnings

import pytest


def test_warns():
    with pytest.warns(DeprecationWarning):
        from lib.old import f
    assert f() == 1


def test_deprecated_call():
    with pytest.deprecated_call():
        import lib.old


class T(unittest.TestCase):
    def test_assert_warns(self):
        with self.assertWarns(DeprecationWarning), open(__file__):
            from lib import old
        with self.assertWarnsRegex(DeprecationWarning, "lib.old"):
            import lib.old as o


def test_silenced():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lib.old import f


def test_project_helper():  # SymPy's own context manager
    with warns_deprecated_sympy():
        import lib.old  # noqa: F401
"""
FILES = {
    "lib/__init__.py": "",
    "lib/old.py": OLD,
    "lib/new.py": "def f():\n    return 1\n",
    "tests/test_old.py": TESTS,
    "app.py": "from lib.old import f\n",
    "tests/test_top.py": (
        "import pytest\n\nfrom lib.old import f\nfrom lib.old import f as g\n\n\n"
        "def test_f_warns():\n    with pytest.warns(DeprecationWarning):\n        f()\n        g()\n\n\n"
        "def test_g():\n    assert g() == 1\n"
    ),
}
RULES = """\
[[rule]]
id = "DD1"
kind = "declared-deprecation"

[[rule]]
id = "D2"
kind = "deprecated-import"
replace = { "lib.old" = "lib.new" }
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", FILES, RULES)


def test_only_the_uses_no_test_expects_to_warn_are_findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert [" ".join(line.split(" ")[:2]) for line in result.stdout.splitlines()] == [
        "app.py:1:6: D2",
        "app.py:1:6: DD1",
        "tests/test_old.py:29:14: D2",
        "tests/test_old.py:29:14: DD1",
        "tests/test_top.py:4:6: D2",  # `g` is also used outside the block
        "tests/test_top.py:4:6: DD1",
    ]


def test_fix_leaves_the_tested_imports_alone(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The untested imports of the two test files stop lib.old's import-time warning, which a test
    # that names warnings may check in ways not listed here (``test_fix_review13.py``): unsafe.
    result = run_cli(["fix", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 1, result.stderr
    assert (project / "app.py").read_text() == "from lib.new import f\n"
    assert (project / "tests/test_old.py").read_text() == TESTS
    assert (project / "tests/test_top.py").read_text() == FILES["tests/test_top.py"]
    why = "lib.old warns when imported (lib/old.py:3) and {} is a test that reads warnings: the rewrite would stop a warning it may check"
    assert result.stderr.splitlines()[1:5] == [
        f"  {where} {rule} unsafe fix not applied: {why.format(where.split(':')[0])}"
        for where in ("tests/test_old.py:29:14:", "tests/test_top.py:4:6:")
        for rule in ("D2", "DD1")
    ]
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert (project / "tests/test_old.py").read_text() == TESTS.replace("        from lib.old import f\n", "        from lib.new import f\n").replace(
        "with pytest.warns(DeprecationWarning):\n        from lib.new import f", "with pytest.warns(DeprecationWarning):\n        from lib.old import f"
    )
    top = FILES["tests/test_top.py"]
    assert (project / "tests/test_top.py").read_text() == top.replace("from lib.old import f as g", "from lib.new import f as g")


def test_a_call_expecting_the_warning_in_a_decorator_is_a_tested_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The decorator's line comes before the def's ``lineno``: the call there was once skipped.
    decorated = '@pytest.mark.parametrize("call", [lambda: pytest.deprecated_call(f)])\ndef test_x(call):\n    call()\n'
    files = {**FILES, "tests/test_old.py": "", "tests/test_top.py": f"import pytest\n\nfrom lib.old import f\n\n\n{decorated}"}
    project = write_project(tmp_path / "p", files, RULES)
    result = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert [" ".join(line.split(" ")[:2]) for line in result.stdout.splitlines()] == ["app.py:1:6: D2", "app.py:1:6: DD1"]
