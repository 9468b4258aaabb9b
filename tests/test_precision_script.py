"""benchmarks/precision.py runs the project-wide kinds on a corpus, before and after a commit (the real
corpus runs are in docs/project-wide.md and docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

SCRIPT = REPO / "benchmarks" / "precision.py"


def test_counts_before_and_after_and_the_findings_of_one_rule(tmp_path: Path) -> None:
    corpus = tmp_path / "demo-1.0"
    for name, text in {
        "pkg/__init__.py": "X = 1\nfrom . import a\n__all__ = ['a', 'ghost']\n",
        "pkg/a.py": "from pkg import X\n",
        "app.py": "from pkg import ghost\n",
    }.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(corpus), "--before", "059bce2", "--repeat", "0", "--diff", "PW001"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "corpus: demo-1.0, 3 files scanned; rules: common.toml"
    assert lines[2:7] == [
        "| rule | kind | before | after |",
        "|---|---|---|---|",
        "| PW001 | unresolved-import | 0 | 1 (0 shadowed, 0 ambiguous names) |",
        # pkg/a.py holds nothing but an import; app.py's one import is broken: it forwards nothing.
        "| PW002 | shim-module | 2 | 1 |",
        "| PW003 | import-cycle | 1 (1 cycles; groups [2]) | 1 (1 2-cycles; groups [2]; 1 cycles) |",
    ]
    # The phantom export: listed in __all__ only, no longer taken as defined.
    assert lines[-3:] == ["", "only after:", "app.py:1:17: unresolved import: ghost is not defined in pkg (it is only listed in its __all__)"]
