"""numpy26b: declared-deprecation precision on NumPy 2.2.6 (review26a).

1. A ``@deprecated`` on one ``@overload`` (NumPy's stubs: ``reshape``'s ``newshape=`` keyword)
   deprecates that signature, a parameter, not the function: it declares nothing. So does a
   deprecated def beside same-name defs that are not deprecated. A backticked name followed by
   ``=`` (`` `shape=...` ``) is a keyword, never a replacement.
2. A project's helper named for asserting a deprecation, called with the use in its arguments
   (``self.assert_deprecated(lambda: old())``, ``assert_warns(DeprecationWarning, old, 1)``), is
   a test of the deprecation, as its ``with`` form is.
3. A stub's import never runs: its finding says so, as an import under ``TYPE_CHECKING`` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.kinds.declared_deprecation.replacement import candidates
from tests.helpers import run_cli, write_project

DD1 = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n'
DI1 = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = { "pkg.legacy" = "pkg.modern" }\n'


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    result = run_cli(["check", "--no-cache", "-q", "."], root, monkeypatch)
    return result.exit_code, result.stdout.splitlines()


def declarations(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    result = run_cli(["init", "--no-write", "--no-cache", "."], root, monkeypatch)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Declared deprecations")), None)
    if start is None:
        return []
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith("      "):
            break
        if not line.startswith("          "):
            found.append(line.strip())
    return found


# -- 1. a deprecated overload -----------------------------------------------------------------------
RESHAPE_STUB = """\
from typing import overload
from typing_extensions import deprecated
def shape(a: object) -> tuple[int, ...]: ...
@overload
def reshape(a: object, shape: int) -> object: ...
@overload
@deprecated("`newshape` keyword argument is deprecated, use `shape=...` or pass shape positionally instead.")
def reshape(a: object, shape: None = None, *, newshape: int) -> object: ...
"""


def overload_project(tmp_path: Path, stub: str) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/fromnumeric.py": "def shape(a): ...\ndef reshape(a, shape=None, newshape=None): ...\n",
        "pkg/fromnumeric.pyi": stub,
        "pkg/user.py": "from pkg.fromnumeric import reshape\nprint(reshape([1, 2], 2))\n",
    }
    return write_project(tmp_path, files, DD1)


def test_a_deprecated_overload_declares_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = overload_project(tmp_path, RESHAPE_STUB)
    assert check(root, monkeypatch) == (0, [])
    assert declarations(root, monkeypatch) == []
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    assert (fixed.exit_code, (root / "pkg/user.py").read_text()) == (0, "from pkg.fromnumeric import reshape\nprint(reshape([1, 2], 2))\n")


def test_a_deprecated_overload_spelt_typing_overload_declares_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = RESHAPE_STUB.replace("from typing import overload\n", "import typing\n").replace("@overload", "@typing.overload")
    assert check(overload_project(tmp_path, stub), monkeypatch) == (0, [])


def test_a_deprecated_def_beside_one_that_is_not_declares_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No @overload: two definitions of one name (one per Python version), one deprecated.
    stub = (
        "import sys\nfrom typing_extensions import deprecated\n"
        "if sys.version_info >= (3, 12):\n    def reshape(a: object, shape: int) -> object: ...\n"
        'else:\n    @deprecated("use shape")\n    def reshape(a: object, newshape: int) -> object: ...\n'
    )
    assert check(overload_project(tmp_path, stub), monkeypatch) == (0, [])


def test_every_overload_deprecated_declares_the_function_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = RESHAPE_STUB.replace(
        "@overload\ndef reshape(a: object, shape: int)", '@overload\n@deprecated("reshape is deprecated")\ndef reshape(a: object, shape: int)'
    )
    root = overload_project(tmp_path, stub)
    assert check(root, monkeypatch) == (
        1,
        ['pkg/user.py:1:29: DD1 error: function pkg.fromnumeric:reshape is deprecated (pkg/fromnumeric.pyi:6: "reshape is deprecated")'],
    )


def test_a_deprecated_overload_implementation_declares_the_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # PEP 702: on the implementation, the decorator applies to every overload.
    source = (
        "from typing import overload\nfrom typing_extensions import deprecated\n"
        "@overload\ndef reshape(a: int) -> int: ...\n@overload\ndef reshape(a: str) -> str: ...\n"
        '@deprecated("reshape is deprecated")\ndef reshape(a): return a\n'
    )
    files = {"pkg/__init__.py": "", "pkg/fromnumeric.py": source, "pkg/user.py": "from pkg.fromnumeric import reshape\n"}
    root = write_project(tmp_path, files, DD1)
    assert check(root, monkeypatch) == (
        1,
        ['pkg/user.py:1:29: DD1 error: function pkg.fromnumeric:reshape is deprecated (pkg/fromnumeric.py:8: "reshape is deprecated")'],
    )


@pytest.mark.parametrize(
    "text",
    [
        "`newshape` keyword argument is deprecated, use `shape=...` or pass shape positionally instead.",
        "use 'shape=(2, 3)' instead",
        "use shape_new=... instead",
    ],
)
def test_a_name_followed_by_an_equals_sign_is_a_keyword_not_a_replacement(text: str) -> None:
    assert candidates(text, "reshape") == []


def test_a_name_before_an_equals_sign_elsewhere_is_still_a_replacement() -> None:
    assert [c.ref for c in candidates("use `new_shape` instead (x == y)", "reshape")] == ["new_shape"]


# -- 2. a deprecation-test helper called with the use in its arguments ----------------------------------
LEGACY = 'import warnings\ndef old(x=0):\n    warnings.warn("old is deprecated", DeprecationWarning)\n'
HELPER_CLASS = """\
import warnings
class _DeprecationTestCase:
    def assert_deprecated(self, function):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            function()
        assert w

"""


@pytest.mark.parametrize(
    "call",
    [
        "self.assert_deprecated(lambda: old())",
        "self.assert_deprecated(old)",
        "assert_warns(DeprecationWarning, old, 1)",
        "pytest.deprecated_call(old, 1)",
    ],
)
def test_a_deprecation_test_helper_called_with_the_use_is_a_test_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    test = HELPER_CLASS + f"class TestOld(_DeprecationTestCase):\n    def test_old(self):\n        from pkg.legacy import old\n        {call}\n"
    files = {"pkg/__init__.py": "", "pkg/legacy.py": LEGACY, "tests/test_dep.py": test}
    assert check(write_project(tmp_path, files, DD1), monkeypatch) == (0, [])


def test_a_use_outside_the_helper_call_still_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = HELPER_CLASS + (
        "class TestOld(_DeprecationTestCase):\n    def test_old(self):\n        from pkg.legacy import old\n"
        "        self.assert_deprecated(lambda: old())\n        old()\n"
    )
    files = {"pkg/__init__.py": "", "pkg/legacy.py": LEGACY, "tests/test_dep.py": test}
    assert check(write_project(tmp_path, files, DD1), monkeypatch) == (
        1,
        ['tests/test_dep.py:11:32: DD1 error: function pkg.legacy:old is deprecated (pkg/legacy.py:3: "old is deprecated")'],
    )


def test_a_helper_that_expects_no_warning_or_is_not_named_for_it_is_no_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = "from pkg.legacy import old\n\ndef test_old():\n    assert_no_warnings(old)\n    run_later(lambda: old())\n"
    files = {"pkg/__init__.py": "", "pkg/legacy.py": LEGACY, "tests/test_dep.py": test}
    assert check(write_project(tmp_path, files, DD1), monkeypatch) == (
        1,
        ['tests/test_dep.py:1:24: DD1 error: function pkg.legacy:old is deprecated (pkg/legacy.py:3: "old is deprecated")'],
    )


def test_a_deprecated_import_used_only_in_a_helper_call_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = "import pytest\nfrom pkg.legacy import old\n\ndef test_old():\n    pytest.deprecated_call(old)\n"
    files = {"pkg/__init__.py": "", "pkg/legacy.py": "def old(): ...\n", "pkg/modern.py": "def old(): ...\n", "tests/test_dep.py": test}
    assert check(write_project(tmp_path, files, DI1), monkeypatch) == (0, [])
    assert (tmp_path / "tests/test_dep.py").read_text() == test


# -- 3. a stub's import never runs ----------------------------------------------------------------------
def test_a_stub_re_export_says_it_never_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/legacy.py": LEGACY,
        "pkg/legacy.pyi": "def old() -> None: ...\n",
        "pkg/__init__.py": "from pkg.legacy import old\n",
        "pkg/__init__.pyi": "from pkg.legacy import old as old\n",
    }
    root = write_project(tmp_path, files, DD1)
    assert check(root, monkeypatch) == (
        1,
        [
            'pkg/__init__.py:1:24: DD1 error: function pkg.legacy:old is deprecated (pkg/legacy.py:3: "old is deprecated")',
            'pkg/__init__.pyi:1:24: DD1 error: function pkg.legacy:old is deprecated (pkg/legacy.py:3: "old is deprecated"); in a stub: this import never runs',
        ],
    )
