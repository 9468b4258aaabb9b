"""ref28: review28a on pandas 2.2.3.

1. A reference in a decorator (``@pytest.mark.parametrize("x", [pd.old.Day()])``) of a
   function, a class or a method is found: ``nodes_near`` entered a def or class only when its
   ``def`` line to its last line held a word, and its decorators come before the ``def`` line.
   The fix rewrites it, and the verifier sees a decorator that reads the old name.
2. A name looked up in a compiled extension module is said to be in one (``is a compiled
   extension module``), in the words every other reason uses for it: nothing failed.
3. A public module whose sources are private (``pandas.testing`` over ``pandas._testing``) is a
   public façade by design: no shim-module finding, which would advise importing a private module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

MOVE = '[[rule]]\nid = "MV1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old" = "pkg.new"\n'
DECORATED = """\
import pkg as pd
import pytest


@pytest.mark.parametrize("x", [pd.old.Day()])
def test_a(x):
    pass


class C:
    @pytest.mark.skipif(pd.old.Day() is None, reason="")
    def m(self):
        pass


@pytest.mark.usefixtures(pd.old.Day())
class D:
    pass


def test_b():
    return pd.old.Day()
"""


def decorated_project(tmp_path: Path, user: str = DECORATED) -> Path:
    files = {"pkg/__init__.py": "", "pkg/old/__init__.py": "from pkg.new import Day\n", "pkg/new.py": "class Day: ...\n", "pkg/user.py": user}
    return write_project(tmp_path, files, MOVE)


def lines_of(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, list[str]]:
    result = run_cli([*args, "--no-cache", "."], root, monkeypatch)
    return result.exit_code, (result.stdout + result.stderr).splitlines()


# -- 1. references in decorators -------------------------------------------------------------------
@pytest.mark.parametrize("syntax", [[], ["--check-syntax"]], ids=["statements-near", "parsed-whole"])
def test_a_reference_in_a_decorator_of_a_function_a_method_and_a_class_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syntax: list[str]) -> None:
    root = decorated_project(tmp_path)
    code, lines = lines_of(root, monkeypatch, "check", "-q", *syntax)
    assert (code, lines) == (
        1,
        [
            "pkg/user.py:5:32: MV1 [*] error: pkg.old is deprecated; import pkg.new",
            "pkg/user.py:11:25: MV1 [*] error: pkg.old is deprecated; import pkg.new",
            "pkg/user.py:16:26: MV1 [*] error: pkg.old is deprecated; import pkg.new",
            "pkg/user.py:22:12: MV1 [*] error: pkg.old is deprecated; import pkg.new",
        ],
    )


def test_the_fix_rewrites_the_references_in_decorators_and_drops_the_import_none_reads_any_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before, only line 22 was rewritten, and `import pkg as pd` stayed for the decorators' reads.
    root = decorated_project(tmp_path)
    code, lines = lines_of(root, monkeypatch, "fix", "--diff")
    assert code == 1
    assert [line for line in lines if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))] == [
        "-import pkg as pd",
        "+import pkg.new",
        '-@pytest.mark.parametrize("x", [pd.old.Day()])',
        '+@pytest.mark.parametrize("x", [pkg.new.Day()])',
        '-    @pytest.mark.skipif(pd.old.Day() is None, reason="")',
        '+    @pytest.mark.skipif(pkg.new.Day() is None, reason="")',
        "-@pytest.mark.usefixtures(pd.old.Day())",
        "+@pytest.mark.usefixtures(pkg.new.Day())",
        "-    return pd.old.Day()",
        "+    return pkg.new.Day()",
    ]
    assert lines[-1] == "1 file would change, 4 findings would be fixed, 0 findings would be left."


def test_a_decorator_reading_the_module_an_import_stops_running_makes_its_rewrite_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # b reads pkg.old as an attribute of pkg in a decorator only, relying on a's import of
    # pkg.old; before, the verifier did not see it, and the rewrite of a was applied as safe.
    files = {
        "pkg/__init__.py": "",
        "pkg/old/__init__.py": "from pkg.new import Day\n\n\nclass Other: ...\n",
        "pkg/new.py": "class Day: ...\n",
        "a.py": "from pkg.old import Day\n\nprint(Day)\n",
        "b.py": "import functools\n\nimport pkg\n\n\n@functools.lru_cache(pkg.old.Other)\ndef f():\n    pass\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "MV1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old:Day" = "pkg.new:Day"\n')
    assert lines_of(root, monkeypatch, "fix", "--diff") == (
        1,
        [
            "0 files would change, 0 findings would be fixed, 1 finding would be left:",
            "  a.py:1:21: MV1 unsafe fix not applied: a would no longer import pkg.old, which b reads as an attribute of pkg without importing it",
            "1 unsafe fix not applied: `--unsafe-fixes` applies it",
        ],
    )


# -- 2. a name in a compiled extension module --------------------------------------------------------
def test_a_name_in_a_compiled_extension_module_is_said_to_be_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pandas._libs.tslibs.offsets is a built .so with a stub beside it: nothing failed to be analyzed.
    files = {
        "pkg/__init__.py": "",
        "pkg/_libs/__init__.py": "",
        "pkg/_libs/offsets.cpython-311-x86_64-linux-gnu.so": "\x7fELF not really",
        "pkg/_libs/offsets.pyi": "class Day: ...\n",
        "pkg/tseries/__init__.py": "",
        "pkg/tseries/offsets.py": 'from pkg._libs.offsets import Day\n\n__all__ = ["Day"]\n',
        "user.py": "from pkg.tseries.offsets import Day\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "MV1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.tseries.offsets" = "pkg._libs.offsets"\n')
    reason = "pkg/_libs/offsets.cpython-311-x86_64-linux-gnu.so is a compiled extension module (its code is not read), so Day cannot be verified there"
    assert lines_of(root, monkeypatch, "fix", "--diff") == (
        1,
        [
            "0 files would change, 0 findings would be fixed, 1 finding would be left:",
            f"  user.py:1:6: MV1 unsafe fix not applied: {reason}",
            "1 unsafe fix not applied: `--unsafe-fixes` applies it",
        ],
    )


# -- 3. a public module over private ones ------------------------------------------------------------
SHIM = '[[rule]]\nid = "PI2"\nkind = "shim-module"\n'
TESTING = '"""\nPublic testing utility functions.\n"""\n\n\nfrom pkg._testing import assert_frame_equal\n\n__all__ = ["assert_frame_equal"]\n'


@pytest.mark.parametrize(
    "files",
    [
        # pandas.testing over pandas._testing (a package).
        {"pkg/_testing/__init__.py": "def assert_frame_equal(a, b): ...\n", "pkg/testing.py": TESTING},
        # pandas.api.types over pandas._libs.lib and a public module: still the public way in.
        {
            "pkg/_libs/__init__.py": "",
            "pkg/_libs/lib.py": "def is_scalar(x): ...\n",
            "pkg/core.py": "def is_list_like(x): ...\n",
            "pkg/types.py": "from pkg._libs.lib import is_scalar\nfrom pkg.core import is_list_like\n",
        },
        # pandas.tseries.offsets over a compiled pandas._libs.tslibs.offsets (its stub beside it).
        {
            "pkg/_libs/__init__.py": "",
            "pkg/_libs/offsets.cpython-311-x86_64-linux-gnu.so": "\x7fELF not really",
            "pkg/_libs/offsets.pyi": "class Day: ...\n",
            "pkg/offsets.py": 'from pkg._libs.offsets import Day\n\n__all__ = ["Day"]\n',
        },
    ],
    ids=["private-package", "private-and-public", "compiled"],
)
def test_a_public_module_over_a_private_one_is_a_facade_not_a_shim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    root = write_project(tmp_path, {"pkg/__init__.py": "", **files}, SHIM)
    assert lines_of(root, monkeypatch, "check", "-q") == (0, [])


def test_a_shim_of_a_facade_names_the_facade_and_a_private_shim_stays_a_shim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/_testing/__init__.py": "def assert_frame_equal(a, b): ...\n",
        "pkg/testing.py": TESTING,
        "pkg/util/__init__.py": "",
        "pkg/util/testing.py": "from pkg.testing import assert_frame_equal\n",  # a move's leftover: use the façade
        "pkg/_compat.py": "from pkg._testing import assert_frame_equal\n",  # private over private: no public way in
    }
    root = write_project(tmp_path, files, SHIM)
    assert lines_of(root, monkeypatch, "check", "-q") == (
        1,
        [
            "pkg/_compat.py:1:1: PI2 error: module pkg._compat is a shim for pkg._testing; use pkg._testing directly",
            "pkg/util/testing.py:1:1: PI2 error: module pkg.util.testing is a shim for pkg.testing; use pkg.testing directly",
        ],
    )
