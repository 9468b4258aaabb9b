"""Issue #13: a *safe* fix never makes a project stop importing. A rewrite of an import that runs
on import, which makes its module import one (the replacement, or a package above it) that
imports the module back at import time, closes an import cycle: it is an unsafe fix, named with
the cycle, unless the import as written already ran that module. Every test imports the project
in a fresh interpreter to show what the verdict protects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project


def rules(replace: str) -> str:
    return f'[[rule]]\nid = "X001"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n'


def fix(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch)


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int, bool, str | None]]:
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    return [(f["path"], f["line"], f["col"], f["fixable"], f["applicability"]) for f in report["findings"]]


def imports(root: Path, module: str) -> str:
    """'ok', or the last line of the traceback importing ``module`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60)
    return "ok" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


# The reproduction: pkg/expr.py imports from its own package, whose __init__ imports expr.
PKG = {
    "pkg/__init__.py": "from pkg.expr import Expr\nfrom pkg.fields import IntegerField\n",
    "pkg/fields.py": "class IntegerField: ...\n",
    "pkg/expr.py": "from pkg.fields import IntegerField\n\n\nclass Expr:\n    output = IntegerField\n",
}
PKG_CYCLE = "rewriting this import makes pkg.expr -> pkg -> pkg.expr an import cycle"


def test_a_rewrite_into_the_own_package_that_imports_the_module_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, PKG, rules('"pkg.fields" = "pkg"'))
    assert findings(tmp_path, monkeypatch) == [("pkg/__init__.py", 2, 6, False, None), ("pkg/expr.py", 1, 6, True, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, (tmp_path / "pkg/expr.py").read_text(), imports(tmp_path, "pkg")) == (1, PKG["pkg/expr.py"], "ok")
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        "  pkg/__init__.py:2:6: X001 not fixable: the rewritten import would import from pkg, the module itself",
        f"  pkg/expr.py:1:6: X001 unsafe fix not applied: {PKG_CYCLE}",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    diff = fix(tmp_path, monkeypatch, "--diff", "--unsafe-fixes")
    assert diff.stdout.splitlines()[0] == f"# ssot-lint: unsafe fix at pkg/expr.py:1:6 (X001): {PKG_CYCLE}"
    applied = fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert (tmp_path / "pkg/expr.py").read_text() == PKG["pkg/expr.py"].replace("from pkg.fields import", "from pkg import")
    assert applied.stderr.splitlines()[:3] == [
        "1 file changed, 1 finding fixed (1 by unsafe fixes), 1 finding left:",
        "  pkg/__init__.py:2:6: X001 not fixable: the rewritten import would import from pkg, the module itself",
        f"  pkg/expr.py:1:6: X001 unsafe fix applied: {PKG_CYCLE}",
    ]
    # What the verdict was about: the unsafe fix breaks the package.
    assert imports(tmp_path, "pkg") == (
        "ImportError: cannot import name 'IntegerField' from partially initialized module 'pkg' (most likely due to a circular import) "
        f"({tmp_path / 'pkg' / '__init__.py'})"
    )


# Django's case: text imports regex_helper at import time; regex_helper would import from text.
DJ = {
    "dj/__init__.py": "",
    "dj/functional.py": "class SimpleLazyObject: ...\n",
    "dj/text.py": "from dj.functional import SimpleLazyObject\nfrom dj.regex_helper import _lazy_re_compile\n\nLazy = SimpleLazyObject\n",
    "dj/regex_helper.py": "from dj.functional import SimpleLazyObject\n\n\ndef _lazy_re_compile(): ...\n",
}


def test_a_rewrite_to_a_sibling_that_imports_the_module_back_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, DJ, rules('"dj.functional" = "dj.text"'))
    # text's own import would import from itself: not fixable; regex_helper's closes the cycle.
    assert findings(tmp_path, monkeypatch) == [("dj/regex_helper.py", 1, 6, True, "unsafe"), ("dj/text.py", 1, 6, False, None)]
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1] == (
        "  dj/regex_helper.py:1:6: X001 unsafe fix not applied: rewriting this import makes dj.regex_helper -> dj.text -> dj.regex_helper an import cycle"
    )
    assert (tmp_path / "dj/regex_helper.py").read_text() == DJ["dj/regex_helper.py"]
    assert fix(tmp_path, monkeypatch, "--unsafe-fixes").exit_code == 1  # text's finding stays
    assert imports(tmp_path, "dj.regex_helper").startswith(
        "ImportError: cannot import name '_lazy_re_compile' from partially initialized module 'dj.regex_helper'"
    )


@pytest.mark.parametrize(
    ("expr", "line"),
    [
        ("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.fields import IntegerField\n\n\nclass Expr: ...\n", 4),  # never runs
        ('if __name__ == "__main__":\n    from pkg.fields import IntegerField\n\n\nclass Expr: ...\n', 2),  # only as a script
    ],
    ids=["type-checking", "main-block"],
)
def test_an_import_that_does_not_run_on_import_closes_no_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expr: str, line: int) -> None:
    # When it runs, pkg has long finished importing: the rewrite stays a safe fix.
    write_project(tmp_path, {**PKG, "pkg/expr.py": expr}, rules('"pkg.fields" = "pkg"'))
    assert findings(tmp_path, monkeypatch) == [("pkg/__init__.py", 2, 6, False, None), ("pkg/expr.py", line, 10, True, "safe")]
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 1 finding left:"
    assert (tmp_path / "pkg/expr.py").read_text() == expr.replace("from pkg.fields import", "from pkg import")
    assert imports(tmp_path, "pkg") == "ok"


def test_an_import_in_a_function_may_run_on_import_so_its_cycle_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found on SymPy: threaded_factory imports MatrixBase in its body, and @xthreaded calls it
    # while sympy imports; `from sympy import MatrixBase` there broke `import sympy`. A decorator
    # or a module-level call may run any function on import, so the cycle counts.
    expr = "def deco(fn):\n    from pkg.fields import IntegerField\n\n    return fn\n\n\n@deco\nclass Expr: ...\n"
    write_project(tmp_path, {**PKG, "pkg/expr.py": expr}, rules('"pkg.fields" = "pkg"'))
    assert findings(tmp_path, monkeypatch) == [("pkg/__init__.py", 2, 6, False, None), ("pkg/expr.py", 2, 10, True, "unsafe")]
    assert (tmp_path / "pkg/expr.py").read_text() == expr and fix(tmp_path, monkeypatch).exit_code == 1
    assert imports(tmp_path, "pkg") == "ok"
    assert fix(tmp_path, monkeypatch, "--unsafe-fixes").exit_code == 1  # __init__'s own finding stays
    assert imports(tmp_path, "pkg").startswith("ImportError: cannot import name 'IntegerField' from partially initialized module 'pkg'")


# A deprecated shim (app.old re-exports app.new's X) whose replacement already imports app.a:
# app.a -> app.old -> app.new -> app.a is a cycle before the fix.
SHIM = {
    "app/__init__.py": "",
    "app/a.py": "from app.old import X\n\n\ndef helper(): ...\n",
    "app/old.py": "from app.new import X\n",
    "app/new.py": "import app.a\n\n\nclass X: ...\n",
}


def test_a_cycle_through_a_shim_is_taken_as_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The import as written already runs app.new through the shim. Whether the shim reads the
    # name from app.new (as here) or only imports it (Django's query_utils: `from django.db
    # import models`, which a safe rewrite to `from django.db.models import Q` broke) is not
    # told apart: only the old target being the replacement itself excuses a cycle, so this
    # conservative verdict is unsafe, and --unsafe-fixes applies it.
    write_project(tmp_path, SHIM, rules('"app.old" = "app.new"'))
    before = [imports(tmp_path, m) == "ok" for m in ("app.a", "app.old", "app.new")]
    assert before == [True, False, False]
    assert findings(tmp_path, monkeypatch) == [("app/a.py", 1, 6, True, "unsafe")]
    assert fix(tmp_path, monkeypatch).exit_code == 1
    assert (tmp_path / "app/a.py").read_text() == SHIM["app/a.py"]
    assert fix(tmp_path, monkeypatch, "--unsafe-fixes").exit_code == 0
    assert [imports(tmp_path, m) == "ok" for m in ("app.a", "app.old", "app.new")] == before


def test_a_shim_that_only_imports_the_package_does_not_excuse_the_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Django: `"django.db.models.query_utils:Q" = "django.db.models:Q"`; query_utils imports the
    # package as a module object, and expressions.py's `from django.db.models import Q` then
    # reads the package while its __init__ is still importing expressions.
    files = {
        "pkg/__init__.py": "from pkg.a import A\nfrom pkg.util import Q\n",
        "pkg/util.py": "import pkg\n\n\nclass Q: ...\n",
        "pkg/a.py": "from pkg.util import Q\n\n\nclass A: ...\n",
    }
    write_project(tmp_path, files, rules('"pkg.util:Q" = "pkg:Q"'))
    assert findings(tmp_path, monkeypatch) == [("pkg/__init__.py", 2, 22, False, None), ("pkg/a.py", 1, 22, True, "unsafe")]
    assert fix(tmp_path, monkeypatch).exit_code == 1 and imports(tmp_path, "pkg") == "ok"


def test_a_cycle_through_the_old_target_does_not_excuse_another_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # app.old imports app.a back, but never runs app.new: after the rewrite app.a waits on a module
    # it never waited on, one that imports app.a, so the cycle is new (and unsafe), whatever
    # cycle the old target was on. Here it breaks: importing app.new first finds app.a half done.
    files = {**SHIM, "app/old.py": "import app.a\n\n\nclass X: ...\n", "app/new.py": "from app.a import helper\n\n\nclass X: ...\n"}
    write_project(tmp_path, files, rules('"app.old" = "app.new"'))
    assert (imports(tmp_path, "app.a"), imports(tmp_path, "app.new")) == ("ok", "ok")
    assert findings(tmp_path, monkeypatch) == [("app/a.py", 1, 6, True, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1] == (
        "  app/a.py:1:6: X001 unsafe fix not applied: app.new.X is another definition than app.old.X, so the rewrite changes what runs;"
        " rewriting this import makes app.a -> app.new -> app.a an import cycle"
    )
    fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert imports(tmp_path, "app.new").startswith("ImportError: cannot import name 'X' from partially initialized module 'app.new'")


def test_two_rewrites_that_close_a_cycle_together_are_both_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Neither replacement imports the other module before the fix; after it, each would.
    files = {
        "lib/__init__.py": "",
        "lib/one.py": "class A: ...\n",
        "lib/two.py": "class B: ...\n",
        "lib/a.py": "from lib.one import A\n\nclass AA(A): ...\n",
        "lib/b.py": "from lib.two import B\n\nclass BB(B): ...\n",
    }
    write_project(tmp_path, files, rules('"lib.one:A" = "lib.b:BB", "lib.two:B" = "lib.a:AA"'))
    assert findings(tmp_path, monkeypatch) == [("lib/a.py", 1, 21, True, "unsafe"), ("lib/b.py", 1, 21, True, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1:3] == [
        "  lib/a.py:1:21: X001 unsafe fix not applied: lib.b.BB is another definition than lib.one.A, so the rewrite changes what runs;"
        " rewriting this import makes lib.a -> lib.b -> lib.a an import cycle",
        "  lib/b.py:1:21: X001 unsafe fix not applied: lib.a.AA is another definition than lib.two.B, so the rewrite changes what runs;"
        " rewriting this import makes lib.b -> lib.a -> lib.b an import cycle",
    ]


def test_the_verdict_is_the_same_on_any_number_of_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {f"pkg/user{i}.py": "from pkg.fields import IntegerField\n" for i in range(12)}  # safe: pkg does not import them
    write_project(tmp_path, {**PKG, **extra}, rules('"pkg.fields" = "pkg"'))
    one = fix(tmp_path, monkeypatch, "--diff", "--jobs", "1")
    two = fix(tmp_path, monkeypatch, "--diff", "--jobs", "2")
    assert (one.stdout, one.stderr) == (two.stdout, two.stderr)
    assert one.stdout.count("+from pkg import IntegerField") == 12
    assert f"pkg/expr.py:1:6: X001 unsafe fix not applied: {PKG_CYCLE}" in one.stderr


@pytest.mark.parametrize(
    ("replace", "files", "left"),
    [
        (  # `import pkg.fields` used as `pkg.fields.X`: rewritten with its references to `import pkg`
            '"pkg.fields" = "pkg"',
            {"pkg/expr.py": "import pkg.fields\n\n\nclass Expr:\n    output = pkg.fields.IntegerField\n"},
            f"pkg/expr.py:1:8: X001 unsafe fix not applied: {PKG_CYCLE}",
        ),
        (  # a reference through `import pkg`: the fix would add `import pkg.base`, which imports pkg.expr
            '"pkg.fields:IntegerField" = "pkg.base:IntegerField"',
            {
                "pkg/base.py": "import pkg.expr\n\n\nclass IntegerField: ...\n",
                "pkg/expr.py": "import pkg\nimport pkg.fields\n\n\nclass Expr:\n    output = pkg.fields.IntegerField\n",
            },
            "pkg/expr.py:6:14: X001 unsafe fix not applied: pkg.base.IntegerField is another definition than pkg.fields.IntegerField, so the rewrite changes what runs;"
            " rewriting this import makes pkg.expr -> pkg.base -> pkg.expr an import cycle",
        ),
    ],
    ids=["module-with-references", "added-import"],
)
def test_every_import_a_fix_writes_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: str, files: dict[str, str], left: str) -> None:
    write_project(tmp_path, {**PKG, **files}, rules(replace))
    path, line, col = left.split(":")[:3]
    assert (path, int(line), int(col), True, "unsafe") in findings(tmp_path, monkeypatch)
    result = fix(tmp_path, monkeypatch)
    assert f"  {left}" in result.stderr.splitlines()
    assert (tmp_path / "pkg/expr.py").read_text() == files["pkg/expr.py"]
