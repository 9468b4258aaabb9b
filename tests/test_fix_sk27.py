"""sk27: a Cython source's comments store nothing. scikit-learn 1.6.1's wheel ships its ``.pyx``
sources beside the built modules; ``_cd_fast.pyx``'s comment "# get the data information into
easy vars" made it a module that may store into a re-exported name (the ``vars`` word test), so
all 4 rewrites of ``sklearn.utils:all_estimators`` to the module defining it were unsafe, and
the reason named the built ``.so`` ("its code is not read") instead of the ``.pyx`` and the word
(review27b). A ``.pyx`` is read by the text tests with its comments blanked, and a reason names
the ``.pyx`` that spelt the word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_lint.analysis.chunks import without_comments
from tests.helpers import run_cli, write_project

RULES = '[[rule]]\nid = "SK001"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.utils:all_estimators" = "pkg.utils.discovery:all_estimators"\n'
SO = "pkg/fast/_cd.cpython-311-x86_64-linux-gnu.so"


def project(tmp_path: Path, pyx: str) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/fast/__init__.py": "",
        "pkg/utils/discovery.py": "def all_estimators():\n    return []\n",
        "pkg/utils/__init__.py": "from .discovery import all_estimators\n",
        "pkg/utils/_blas.pxd": "cdef double dot(double x)\n",
        "pkg/user.py": "from pkg.utils import all_estimators\nprint(all_estimators())\n",
        "pkg/fast/_cd.pyx": pyx,
    }
    root = write_project(tmp_path, files, RULES)
    (root / SO).write_bytes(b"\x7fELF not loaded")
    return root


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str]]:
    result = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch)
    assert result.exit_code == 1, result.stderr
    return [(f["path"], f["line"], f["applicability"]) for f in json.loads(result.stdout)["findings"]]


def test_a_word_in_a_cython_comment_leaves_the_re_export_rewrite_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, "from ..utils._blas cimport dot\n# get the data information into easy vars\ndef f(x):\n    return x\n")
    assert findings(root, monkeypatch) == [("pkg/user.py", 1, "safe")]
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (root / "pkg/user.py").read_text() == "from pkg.utils.discovery import all_estimators\nprint(all_estimators())\n"


def test_the_word_in_cython_code_makes_it_unsafe_naming_the_pyx_and_the_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, "from ..utils._blas cimport dot\ndef f(x):\n    return vars(x)  # the code is what counts\n")
    assert findings(root, monkeypatch) == [("pkg/user.py", 1, "unsafe")]
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    reason = "and pkg/fast/_cd.pyx is a Cython module that spells vars (its code is not analysed), so whether it stores into it is not known"
    assert (
        f"pkg/user.py:1:23: SK001 unsafe fix not applied: that pkg.utils.discovery.all_estimators is the same object as pkg.utils.all_estimators cannot be verified: pkg.utils.all_estimators is a copy of pkg.utils.discovery.all_estimators, {reason}"
        in result.stderr
    )
    assert SO not in result.stderr


def test_without_comments_blanks_comments_and_keeps_strings_and_offsets() -> None:
    data = b"x = \"a # b\"  # vars here\ns = '#'\n# cython: boundscheck=False\ny = 1\n"
    comment, directive = "# vars here", "# cython: boundscheck=False"
    blanked = data.decode().replace(comment, " " * len(comment)).replace(directive, " " * len(directive))
    assert without_comments(data) == blanked.encode()
    assert blanked.startswith('x = "a # b"') and "s = '#'" in blanked
    assert without_comments("é = 1  # vars\n".encode()) == ("é = 1  " + " " * len("# vars") + "\n").encode()
