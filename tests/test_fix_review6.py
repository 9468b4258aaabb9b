"""Issue #13, from the sixth adversarial review: safe import rewrites that changed what a program
does. Each case runs the program before the fix and after ``fix --unsafe-fixes`` (proof that the
rewrite it holds back does change behaviour), and checks that ``fix`` alone keeps the program's
behaviour and says why it left the rewrite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.model import FileRef
from ssot_lint.project.summary_walk import _Summariser
from tests.helpers import run_cli, write_project

# name -> (files, replace, the module the program imports, what `fix` leaves: "path:line:col: reason")
ROUNDS = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from pkg.z import Z\nW = 1\n",
    "pkg/b.py": "from pkg.z import Z\nW = 2\n",
    "pkg/config.py": 'MODE = "dev"\n',
    "pkg/new.py": 'from pkg.other import Y\nimport pkg.config\nprint("new runs in", pkg.config.MODE, "mode")\n',
    "pkg/old.py": "from pkg.other import X, Y\n",
    "pkg/other.py": "class X: pass\nclass Y: pass\n",
    "pkg/t.py": "T = 1\n",
    "pkg/z.py": "class Z: pass\n",
    "app.py": "from pkg import config\nfrom pkg import a\nfrom pkg import b\nimport pkg.old\n"
    'config.MODE = "prod"; from pkg import new as _new\nprint(pkg.old.X, pkg.old.Y, a.Z, a.W, b.Z, b.W)\n',
}
ROUNDS_RULE = '"pkg.old" = "pkg.new", "pkg.old:X" = "pkg.other:X", "pkg.a:Z" = "pkg.z:Z", "pkg.b:Z" = "pkg.z:Z"'
NEW_RUNS = "app did not import pkg.new before, whose import-time code does more than define names"

CASES = {
    # Round 1 rewrites the references and inserts `import pkg.z`, `import pkg.other`: round 2's
    # `import pkg.old` is then at line 5, after `from pkg import new` on disk line 5 (which runs
    # only after the store): verified against the disk's lines, it was safe.
    "a-second-round-is-verified-against-its-own-lines": (ROUNDS, ROUNDS_RULE, "app", f"app.py:5:8: D1 unsafe fix not applied: {NEW_RUNS}"),
    # The same with round 1 inserting two imports above it (one per module, however many
    # references need it): round 2's `import pkg.old` at line 7, disk line 6 imports pkg.new.
    "a-second-round-shifted-past-the-disk-line-of-an-import": (
        {
            **ROUNDS,
            "pkg/c.py": "from pkg.y import V\nW = 3\n",
            "pkg/y.py": "class V: pass\n",
            "app.py": "from pkg import config\nfrom pkg import a\nfrom pkg import b\nfrom pkg import c\nimport pkg.old\n"
            'config.MODE = "prod"; from pkg import new as _new\nprint(pkg.old.X, pkg.old.Y, a.Z, a.W, b.Z, b.W, c.V, c.W)\n',
        },
        ROUNDS_RULE + ', "pkg.c:V" = "pkg.y:V"',
        "app",
        f"app.py:7:8: D1 unsafe fix not applied: {NEW_RUNS}",
    ),
    # A one-line shift put round 2's statement on the disk line of an `if TYPE_CHECKING:` import,
    # so no run-time check was made at all.
    "a-second-round-statement-on-a-type-checking-line": (
        {
            **{k: v for k, v in ROUNDS.items() if k in ("pkg/__init__.py", "pkg/a.py", "pkg/t.py", "pkg/z.py")},
            "pkg/base.py": "class Y: pass\n",
            "pkg/new.py": 'from pkg.base import Y\nprint("new runs")\n',
            "pkg/old.py": "from pkg.other import X\nfrom pkg.base import Y\n",
            "pkg/other.py": "class X: pass\n",
            "app.py": "import typing\nimport pkg.a\nimport pkg.old\n\nif typing.TYPE_CHECKING: from pkg import t\nprint(pkg.old.X, pkg.old.Y, pkg.a.Z)\n",
        },
        '"pkg.old" = "pkg.new", "pkg.old:X" = "pkg.other:X", "pkg.a:Z" = "pkg.z:Z"',
        "app",
        "app.py:5:8: D1 unsafe fix not applied: ",
    ),
    # `top.py` is in no package: its relative import fails; rewritten to an absolute one, it works.
    "relative-import-in-a-top-level-module": (
        {
            "pkg/__init__.py": "",
            "pkg/new.py": "def f():\n    return 1\n",
            "pkg/old.py": "from pkg.new import f\n",
            "top.py": "try:\n    from .pkg import old as o2\n    print('imported', o2.f())\nexcept ImportError as error:\n    print('failed:', error)\n",
        },
        '"pkg.old" = "pkg.new"',
        "top",
        "top.py:2:22: D1 unsafe fix not applied: the relative import fails as written (top is in no package), and the rewrite would make it work",
    ),
    # The same beyond the top-level package: `from ..` in a module of `pkg`.
    "relative-import-above-the-top-level-package": (
        {
            "pkg/__init__.py": "",
            "pkg/new.py": "def f():\n    return 1\n",
            "pkg/old.py": "from pkg.new import f\n",
            "pkg/app.py": "try:\n    from ..pkg import old as o2\n    print('imported', o2.f())\nexcept ImportError as error:\n    print('failed:', error)\n",
        },
        '"pkg.old" = "pkg.new"',
        "pkg.app",
        "pkg/app.py:2:23: D1 unsafe fix not applied: the relative import fails as written (it climbs above pkg, the top-level package), and the rewrite would make it work",
    ),
    # `pkg/new/__init__.py` wins over `pkg/new.py`: the names of the module file are not pkg.new's.
    "a-package-shadows-a-module-file": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class X:\n    pass\n",
            "pkg/new.py": "from pkg.base import X\n",
            "pkg/new/__init__.py": '"""new package"""\n',
            "pkg/old.py": "import pkg.new\nfrom pkg.base import X\n",
            "app.py": "from pkg.old import X\n\nprint(X)\n",
        },
        '"pkg.old" = "pkg.new"',
        "app",
        "app.py:1:6: D1 not fixable: X is not defined in pkg.new",
    ),
    # A shim the package keeps running rebinds X through its namespace: pkg.old.X is another class.
    **{
        f"a-shim-writes-to-its-namespace-through-{name}": (
            {
                "pkg/__init__.py": "from . import old\n",
                "pkg/new.py": "class X:\n    pass\n",
                "pkg/old.py": f"import sys\n\nfrom pkg.new import X\n\n{write}\n",
                "app.py": "from pkg.old import X\n\nprint(X)\n",
            },
            '"pkg.old" = "pkg.new"',
            "app",
            "app.py:1:6: D1 unsafe fix not applied: that pkg.new.X is the same object as pkg.old.X cannot be verified: "
            f"pkg.old writes to its own namespace through {name} at line 5, so which object X is there cannot be told",
        )
        for name, write in [
            ("globals()", 'globals()["X"] = type("X", (X,), {})'),
            ("sys.modules[__name__]", 'setattr(sys.modules[__name__], "X", type("X", (X,), {}))'),
            ("vars()", 'vars().update(X=type("X", (X,), {}))'),
        ]
    },
    # reader.py reads pkg.old through the `pkg` that `import pkg.old2` binds: a rewrite of that
    # import (the rule maps it too) carries only the references into pkg.old2, so once app's
    # import is rewritten nothing imports pkg.old and reader's read (a suppressed line, left as
    # written) fails. It was safe: the mapped `import pkg.old2` counted as carrying every read.
    "a-reader-through-another-mapped-import": (
        {
            "pkg/__init__.py": "",
            "pkg/new.py": "def f():\n    return 'f'\n",
            "pkg/old.py": "from pkg.new import f\n",
            "pkg/new2.py": "def g():\n    return 'g'\n",
            "pkg/old2.py": "from pkg.new2 import g\n",
            "app.py": "from pkg.old import f\n",
            "reader.py": "import app\nimport pkg.old2\nprint(pkg.old.f(), pkg.old2.g())  # ssot: ignore[D1]\n",
        },
        '"pkg.old" = "pkg.new", "pkg.old2" = "pkg.new2"',
        "reader",
        "app.py:1:6: D1 unsafe fix not applied: app would no longer import pkg.old, which reader reads as an attribute of pkg without importing it",
    ),
    # The same of the replacement: pkg.new.X is not the class pkg.old re-exports.
    "the-replacement-writes-to-its-namespace": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class X:\n    pass\n",
            "pkg/new.py": 'from pkg.base import X\n\nglobals()["X"] = type("X", (X,), {})\n',
            "pkg/old.py": "from pkg.base import X\n",
            "app.py": "from pkg.old import X\n\nprint(X)\n",
        },
        '"pkg.old" = "pkg.new"',
        "app",
        "app.py:1:6: D1 unsafe fix not applied: pkg.new writes to its own namespace through globals() at line 3, so which object X is there cannot be told",
    ),
}


def run(root: Path, module: str) -> str:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout + (done.stderr.splitlines()[-1:] or [""])[0] if done.returncode else done.stdout


def texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.py"))}


def keeps_what_the_program_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], replace: str, module: str, left: str) -> Path:
    """``fix`` leaves ``left`` (a summary line's start) and the program's output as it was; when
    ``left`` is an unsafe fix held back, ``--unsafe-fixes`` applies it and the output changes
    (the reviewer's reproduction: the rewrite really changes what the program does). Returns
    the project ``fix`` ran on."""
    rules = f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n'
    safe, unsafe = write_project(tmp_path / "safe", files, rules), write_project(tmp_path / "unsafe", files, rules)
    before = run(safe, module)
    result = run_cli(["fix", "--no-cache"], safe, monkeypatch)
    assert any(line.startswith(f"  {left}") for line in result.stderr.splitlines()), result.stderr
    assert run(safe, module) == before
    if "unsafe fix not applied" not in left:
        assert texts(safe) == files  # refused: nothing to apply
        return safe
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], unsafe, monkeypatch)
    assert texts(unsafe) != texts(safe)
    assert run(unsafe, module) != before  # the rewrite held back does change what the program does
    return safe


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_safe_fix_keeps_what_the_program_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    keeps_what_the_program_does(tmp_path, monkeypatch, *CASES[case])


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('globals()["X"] = 1\n', "globals() at line 1"),
        ("import os\n\nglobals().update(vars(os))\n", "globals() at line 3"),
        ("del globals()['X']\n", "globals() at line 1"),
        ("def setup():\n    globals().setdefault('X', 1)\n", "globals() at line 2"),  # when called
        ("exec('X = 1', globals())\n", "globals() at line 1"),  # handed on: anything may be done with it
        ("vars()['X'] = 1\n", "vars() at line 1"),
        ("import sys\n\nsys.modules[__name__].X = 1\n", "sys.modules[__name__] at line 3"),
        ("import sys\n\nthis = sys.modules[__name__]\n", "sys.modules[__name__] at line 3"),
        ("from sys import modules\nsetattr(modules[__name__], 'X', 1)\n", "sys.modules[__name__] at line 2"),
        # reads: none
        ("X = globals()['Y']\n", None),
        ("X = globals().get('Y')\nY = 'Y' in globals()\n", None),
        ("def f():\n    vars().update(a=1)\n    return vars()\n", None),  # a function's own locals
        ("import sys\nX = getattr(sys.modules[__name__], 'Y', None)\nZ = hasattr(sys.modules[__name__], 'Y')\n", None),
        ("# globals()['X'] = 1\nS = \"vars().update(X=1)\"\n", None),
    ],
)
def test_a_module_that_writes_to_its_own_namespace_rebinds_any_name(text: str, where: str | None) -> None:
    for parsed_whole in (False, True):
        ctx = FileContext(FileRef("pkg/mod.py", "pkg.mod"), text)
        if parsed_whole:
            _ = ctx.tree
        rebinds = [r for r in _Summariser(ctx).run().rebinds if r[0] == "*"]
        assert rebinds == ([("*", f"writes to its own namespace through {where}", False)] if where else [])


def test_a_module_two_references_need_is_imported_once_before_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`a.Z` and `b.Z` both become `pkg.z.Z`: one `import pkg.z`, after the first import that
    needs it (a reference in a function may come before it in the text, and run after)."""
    files = {
        **ROUNDS,
        "app.py": "def late():\n    return b.Z\n\n\nfrom pkg import a\nprint(a.Z)\nfrom pkg import b\nprint(b.Z, late())\n",
    }
    root = write_project(tmp_path, files, f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {ROUNDS_RULE} }}\n')
    before = run(root, "app")
    run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "app.py").read_text() == ("def late():\n    return pkg.z.Z\n\n\nimport pkg.z\nprint(pkg.z.Z)\nprint(pkg.z.Z, late())\n")
    assert run(root, "app") == before


def test_a_rewrite_carries_its_own_references_read_through_another_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pkg.old.X` is read through the `pkg` that `import pkg.a` binds as well: the rewrite of
    `import pkg.old` rewrites it, so the file is no reader of pkg.old left without an import
    (this was unsafe: "app would no longer import pkg.old, which app reads as an attribute of
    pkg without importing it")."""
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "A = 1\n",
        "pkg/new.py": "class X:\n    pass\n",
        "pkg/old.py": "from pkg.new import X\n",
        "app.py": "import pkg.a\nimport pkg.old\nprint(pkg.old.X)\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n')
    before = run(root, "app")
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "1 finding fixed, 0 findings left" in result.stderr, result.stderr
    assert (root / "app.py").read_text() == "import pkg.a\nimport pkg.new\nprint(pkg.new.X)\n"
    assert run(root, "app") == before == "<class 'pkg.new.X'>\n"
