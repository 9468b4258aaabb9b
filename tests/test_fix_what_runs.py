"""Issue #13, from an adversarial review: rewrites that ran as safe and changed what a program
prints. Each case runs the program before the fix and after ``fix --unsafe-fixes`` (proof that the
rewrite does change behaviour), and checks that ``fix`` alone leaves the file with the reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

REG = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Thing:\n    pass\n\n\nREG = []\n\n\ndef reg(x):\n    REG.append(x)\n    return x\n",
    "pkg/app.py": "from pkg.shim import Thing\nimport pkg.core\n\nprint('REG:', pkg.core.REG)\n",
}
NO_LONGER = "pkg.app would no longer import pkg.shim, whose import-time code does more than define names"

CASES = {
    # An optional dependency behind the caller's `except ImportError`: the import fails as written.
    "outside-import": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class Parser:\n    pass\n",
            "pkg/fast.py": "import ujson_accel_not_installed\nfrom pkg.base import Parser\n",
            "pkg/app.py": "try:\n    from pkg.fast import Parser\n    FAST = True\nexcept ImportError:\n    FAST = False\nprint('fast:', FAST)\n",
        },
        '"pkg.fast:Parser" = "pkg.base:Parser"',
        "pkg/app.py:2:26",
        "pkg.app would no longer import pkg.fast, which imports ujson_accel_not_installed, from outside the project: importing it may fail or run code",
    ),
    # The package imports the patching shim only after the importer has run.
    "package-imports-it-later": (
        {
            "pkg/__init__.py": "from . import app, shim\n",
            "pkg/core.py": "class Thing:\n    pass\n",
            "pkg/shim.py": "from pkg.core import Thing\n\nThing.legacy = True\n",
            "pkg/app.py": "from pkg.shim import Thing\n\nprint('legacy:', getattr(Thing, 'legacy', None))\n",
        },
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        "pkg.app would import pkg.shim only later, after code that may change what it does or reads",
    ),
    # A module with no effects of its own that would run after the importer changed what it reads.
    "runs-after-a-store": (
        {
            "pkg/__init__.py": "",
            "pkg/config.py": "MODE = 'dev'\n",
            "pkg/base.py": "class A:\n    pass\n",
            "pkg/reader.py": "from pkg.config import MODE\n",
            "pkg/old.py": "from pkg.base import A\nimport pkg.reader\n",
            "pkg/app.py": "import pkg.config\nfrom pkg.old import A\n\npkg.config.MODE = 'prod'\nimport pkg.reader\n\nprint('reader saw', pkg.reader.MODE)\n",
        },
        '"pkg.old:A" = "pkg.base:A"',
        "pkg/app.py:2:21",
        "pkg.app would import pkg.reader only later, after code that may change what it does or reads",
    ),
    # The package reaches the importer, whose later import runs after a store: not "imported already".
    "package-reaches-the-importer": (
        {
            "pkg/__init__.py": "from . import app\n",
            "pkg/base.py": "X = 1\n",
            "pkg/old.py": "from pkg.base import X\n",
            "pkg/heavy.py": "import os\nfrom pkg.base import X\n\nprint('MODE =', os.environ.get('MODE'))\n",
            "pkg/app.py": "import os\nfrom pkg.old import X\n\nos.environ['MODE'] = 'configured'\nimport pkg.heavy\n",
        },
        '"pkg.old:X" = "pkg.heavy:X"',
        "pkg/app.py:2:21",
        "pkg.app did not import pkg.heavy before, and importing it runs code that may change what the program does",
    ),
    "annotation-call": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg\n\nlegacy: reg('ann') = 1\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "dunder-value-call": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg\n\n__version__ = reg('1.0')\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "decorator-argument-call": (
        {**REG, "pkg/shim.py": "from functools import lru_cache\n\nfrom pkg.core import Thing, reg\n\n\n@lru_cache(maxsize=reg(8))\ndef f():\n    pass\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "parameter-annotation-call": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg\n\n\ndef f(x: reg('param')):\n    pass\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
}


def run(root: Path) -> str:
    done = subprocess.run([sys.executable, "-c", "import pkg.app"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout + done.stderr.splitlines()[-1:][0] if done.returncode else done.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_rewrite_that_changes_what_runs_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    files, replace, where, reason = CASES[case]
    rules = f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n'
    safe, unsafe = write_project(tmp_path / "safe", files, rules), write_project(tmp_path / "unsafe", files, rules)
    before = run(safe)
    result = run_cli(["fix", "--no-cache"], safe, monkeypatch)
    assert (safe / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert f"  {where}: D1 unsafe fix not applied: {reason}" in result.stderr.splitlines()
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], unsafe, monkeypatch)
    assert (unsafe / "pkg/app.py").read_text() != files["pkg/app.py"]
    assert run(unsafe) != before  # the rewrite does change what the program does
