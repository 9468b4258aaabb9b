"""benchmarks/banned_api.py: ssot-lint's deprecated-member rule finds what ruff's banned-api finds
(#18 item 6), here on a small tree with every way of reaching the member."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, write_project

SCRIPT = REPO / "benchmarks" / "banned_api.py"
TREE = {
    "a.py": "import collections\nx = collections.OrderedDict()\n",
    "b.py": "import collections as c\ny = c.OrderedDict.fromkeys([1])\n",
    "c.py": "from collections import OrderedDict\nz = OrderedDict()\n",
    "d.py": "import collections.abc\nw = collections.OrderedDict\n",
    "e.py": "import collections\nv = collections.abc.Mapping\n",
    "pkg/__init__.py": "",
    "pkg/f.py": "def g():\n    import collections\n    return collections.OrderedDict\n",
}


def test_both_tools_find_the_same_locations(tmp_path: Path) -> None:
    if subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode != 0:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    root = write_project(tmp_path / "tree", TREE)
    done = subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split(":")[1].split()[0] == "5"  # ruff
    assert lines[2].split(":")[1].split()[0] == "5"  # ssot-lint
    assert len(lines) == 3  # no location only one of them reports
