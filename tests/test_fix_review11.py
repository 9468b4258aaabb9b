"""Issue #13, review11: two safe rewrites that changed what a program does (/tmp/rv11-5): a
doctest reading the binding the rewrite drops, and a dropped binding its module's ``__all__``
exports. Program tests run the project before and after the fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = '[[rule]]\nid = "X001"\nkind = "deprecated-import"\nreplace = {{ {} }}\n'
MODULE_RULE = RULE.format('"old.mod" = "new.mod"')
PACKAGES = {
    "new/__init__.py": "",
    "new/mod.py": "X = 1\n",
    "old/__init__.py": "",
    "old/mod.py": "from new.mod import X\nZ = 2\n",
}
DOCTEST = '''\
import old.mod

def f():
    """
    >>> old.mod.X
    1
    """
    return old.mod.X
'''


def run(root: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip() + (done.stderr.strip().splitlines()[-1] if done.returncode else "")


def doctests(root: Path, module: str) -> str:
    return run(root, f"import doctest, {module}; print(doctest.testmod({module}))")


def applicability(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, bool, str | None]]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    return [(f["path"], f["line"], f["fixable"], f["applicability"]) for f in report["findings"]]


def test_a_doctest_reading_the_binding_keeps_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rewrite to `import new.mod` / `new.mod.X` left the docstring, so the doctest failed with
    # NameError: name 'old' is not defined (pytest --doctest-modules broke).
    root = write_project(tmp_path, {**PACKAGES, "a_doctest.py": DOCTEST}, MODULE_RULE)
    assert doctests(root, "a_doctest") == "TestResults(failed=0, attempted=1)"
    assert applicability(root, monkeypatch) == [("a_doctest.py", 1, False, None)]
    for args in (["fix", "--no-cache"], ["fix", "--no-cache", "--unsafe-fixes"]):
        result = run_cli(args, root, monkeypatch)
        assert "a_doctest.py:1:8: X001 not fixable: `old` is read by a doctest at line 5" in result.stderr, result.stderr
    assert (root / "a_doctest.py").read_text() == DOCTEST
    assert doctests(root, "a_doctest") == "TestResults(failed=0, attempted=1)"


@pytest.mark.parametrize(
    "source, line",
    [
        # the rewrite binds `m` to new.mod, which has no Z: the doctest's `m.Z` is not what it verifies
        pytest.param('import old.mod as m\n\n\ndef f():\n    """\n    >>> m.Z\n    2\n    """\n    return m.X\n', 6, id="import-as"),
        pytest.param('from old import mod\n\n\ndef f():\n    """\n    >>> mod.Z\n    2\n    """\n    return mod.X\n', 6, id="from-import-module"),
        # a continuation line counts too
        pytest.param(
            'from old import mod\n\n\ndef f():\n    """\n    >>> print(\n    ...     mod.Z)\n    2\n    """\n    return mod.X\n', 7, id="continuation"
        ),
    ],
)
def test_a_doctest_reading_through_a_rebound_module_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, line: int) -> None:
    root = write_project(tmp_path, {**PACKAGES, "b.py": source}, MODULE_RULE)
    assert doctests(root, "b") == "TestResults(failed=0, attempted=1)"
    name = "mod" if source.startswith("from") else "m"
    assert applicability(root, monkeypatch) == [("b.py", 1, False, None)]
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert f"X001 not fixable: `{name}` is read by a doctest at line {line}, which the rewrite leaves as it is" in result.stderr, result.stderr
    assert (root / "b.py").read_text() == source
    assert doctests(root, "b") == "TestResults(failed=0, attempted=1)"


@pytest.mark.parametrize(
    "docstring",
    [
        pytest.param('"""\n    >>> 1 + 1\n    2\n    """', id="doctest-not-reading-it"),
        pytest.param('"""The old module is gone... old news."""', id="prose"),
    ],
)
def test_a_string_that_is_no_doctest_reading_the_name_does_not_refuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docstring: str) -> None:
    source = f"import old.mod\n\ndef f():\n    {docstring}\n    return old.mod.X\n"
    root = write_project(tmp_path, {**PACKAGES, "a.py": source}, MODULE_RULE)
    assert applicability(root, monkeypatch) == [("a.py", 1, True, "safe")]
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "left:" not in result.stderr, result.stderr
    assert (root / "a.py").read_text() == source.replace("old.mod", "new.mod")


def test_a_reference_rewrite_keeps_the_import_a_doctest_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `old.mod.X` for a member rule is rewritten to `new.mod.X`; `import old.mod` would go once no
    # code reads it, but the doctest still does: it stays.
    source = DOCTEST.replace("return old.mod.X", "return old.mod.X + 0")
    root = write_project(tmp_path, {**PACKAGES, "a.py": source}, RULE.format('"old.mod:X" = "new.mod:X"'))
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "left:" not in result.stderr, result.stderr
    expected = source.replace("import old.mod\n", "import old.mod\nimport new.mod\n").replace("return old.mod.X", "return new.mod.X")
    assert (root / "a.py").read_text() == expected
    assert doctests(root, "a") == "TestResults(failed=0, attempted=1)"


ALL_DROPPED = 'import old.mod\n__all__ = ["old", "Y"]\nY = old.mod.X\n'
ALL_REBOUND = 'import old.mod as m\n__all__ = ["m", "Y"]\nY = m.X\n'


@pytest.mark.parametrize(
    "source, reason, downstream, after",
    [
        pytest.param(
            ALL_DROPPED,
            "b_all.__all__ exports old, which the rewrite removes",
            "print(Y, old.mod.X)",
            "AttributeError: module 'b_all' has no attribute 'old'",
            id="dropped",
        ),
        pytest.param(
            ALL_REBOUND,
            "b_all.__all__ exports m, which the rewrite binds to another module",
            "print(Y, m.Z)",
            "AttributeError: module 'new.mod' has no attribute 'Z'",
            id="rebound",
        ),
    ],
)
def test_a_binding_all_exports_is_kept_by_a_safe_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, reason: str, downstream: str, after: str
) -> None:
    # A library: nothing in the project imports b_all, but `from b_all import *` downstream reads
    # every name its __all__ lists.
    root = write_project(tmp_path, {**PACKAGES, "b_all.py": source}, MODULE_RULE)
    user = f"from b_all import *\n{downstream}"
    assert run(root, user) == ("1 1" if "old" in downstream else "1 2")
    assert applicability(root, monkeypatch) == [("b_all.py", 1, True, "unsafe")]
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert f"b_all.py:1:8: X001 unsafe fix not applied: {reason}" in result.stderr, result.stderr
    assert (root / "b_all.py").read_text() == source
    assert run(root, user) == ("1 1" if "old" in downstream else "1 2")
    # asked for, the unsafe fix is applied, and says why it is one; the downstream user breaks
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert f"b_all.py:1:8: X001 unsafe fix applied: {reason}" in result.stderr, result.stderr
    assert run(root, user).endswith(after)


@pytest.mark.parametrize(
    ("use", "line"),
    [
        pytest.param("print(old)\n", 2, id="passed-around"),
        pytest.param("old = None\n", 2, id="rebound"),
        pytest.param("def f(old):\n    return old\n", 2, id="parameter"),
    ],
)
def test_check_agrees_with_fix_on_the_binding_used_on_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use: str, line: int) -> None:
    # check said "fixable with --unsafe-fixes" (the replacement unverified) while fix refused it
    # as not fixable, so the count of fixable findings was wrong (found by editor20).
    source = "import old.mod\n" + use + "\n\ndef k():\n    return old.mod.X\n"
    root = write_project(tmp_path, {**PACKAGES, "f_own.py": source}, MODULE_RULE)
    assert applicability(root, monkeypatch) == [("f_own.py", 1, False, None)]
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert f"f_own.py:1:8: X001 not fixable: `old` is also used on its own at line {line} (rebound or passed around)" in result.stderr, result.stderr
    assert (root / "f_own.py").read_text() == source


@pytest.mark.parametrize(
    "annotation",
    [
        pytest.param('def h(x: "old.mod.X") -> None:\n    pass\n', id="parameter"),
        pytest.param('def h() -> "old.mod.X":\n    pass\n', id="return"),
        pytest.param('y: "list[old.mod.X]" = []\n', id="annotated-assignment"),
    ],
)
def test_check_agrees_with_fix_on_a_string_annotation_naming_the_binding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, annotation: str) -> None:
    # check said safe ([*]) while fix refused: the annotation's text is not rewritten, so the
    # import it names cannot go (review11, noticed by safety11).
    source = "import old.mod\n" + annotation + "\n\ndef k():\n    return old.mod.X\n"
    root = write_project(tmp_path, {**PACKAGES, "f_tc.py": source}, MODULE_RULE)
    assert applicability(root, monkeypatch) == [("f_tc.py", 1, False, None)]
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "f_tc.py:1:8: X001 not fixable: `old` appears in a string annotation at line 2" in result.stderr, result.stderr
    assert (root / "f_tc.py").read_text() == source
    plain = write_project(tmp_path / "plain", {**PACKAGES, "f_tc.py": "import old.mod\ny: 'int' = 1\n\n\ndef k():\n    return old.mod.X\n"}, MODULE_RULE)
    assert applicability(plain, monkeypatch) == [("f_tc.py", 1, True, "safe")]


@pytest.mark.parametrize(
    "doctest_import",
    [
        pytest.param("from old.mod import X", id="from-import"),
        pytest.param("from old import mod as X", id="from-import-module"),
        pytest.param("import old.mod as X", id="import-as"),
    ],
)
def test_a_doctests_own_import_reads_no_binding_of_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doctest_import: str) -> None:
    # review18a 04 (SymPy's egyptian_fraction, polyoptions, polytools): the doctest imports what it
    # uses itself, so the module's `import old.mod` becoming `import new.mod` changes nothing it reads.
    value = "X.X" if doctest_import.endswith("mod as X") else "X"
    source = f'import old.mod\n\ndef f():\n    """\n    >>> {doctest_import}\n    >>> {value}\n    1\n    """\n    return old.mod.X\n'
    root = write_project(tmp_path, {**PACKAGES, "a.py": source}, MODULE_RULE)
    assert doctests(root, "a") == "TestResults(failed=0, attempted=2)"
    assert applicability(root, monkeypatch) == [("a.py", 1, True, "safe")]
    run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "a.py").read_text() == source.replace("import old.mod\n", "import new.mod\n").replace("return old.mod.X", "return new.mod.X")
    assert doctests(root, "a") == "TestResults(failed=0, attempted=2)"
