"""``fix --diff`` hunks only around what changed (issue #18 item 14), and the fix's internal
compile check neither prints CPython's warnings nor lets them refuse a file (item 15)."""

from __future__ import annotations

import difflib
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lint.fix.engine import FileFix, FixResult
from ssot_lint.fix.render import render_diff
from ssot_lint.fix.textdiff import matching_blocks, unified_diff
from ssot_lint.model import FileRef, Report
from tests.helpers import REPO, write_project


def diff_of(before: str, after: str) -> str:
    fix = FileFix(FileRef("big.py", "big"), before.encode(), after.encode(), 2)
    return render_diff(FixResult([fix], Report("0", 1, 0, [], []), [], write=False))


def test_two_edits_in_a_200000_line_file_of_repeated_lines_give_two_small_hunks() -> None:
    lines = [f"x = {i % 3}\n" for i in range(200_000)]
    edited = list(lines)
    edited[5] = "import new.pkg\n"
    edited[150_000] = "from new.pkg import thing\n"
    diff = diff_of("".join(lines), "".join(edited)).splitlines()
    # difflib's autojunk ignores lines that repeat: it printed all 400,003 lines
    assert len(diff) == 2 + 2 * (1 + 3 + 2 + 3)
    assert diff[:3] == ["--- a/big.py", "+++ b/big.py", "@@ -3,7 +3,7 @@"]
    assert diff[6:8] == ["-x = 2", "+import new.pkg"]
    assert diff[11] == "@@ -149998,7 +149998,7 @@"
    assert diff[15:17] == ["-x = 0", "+from new.pkg import thing"]


def test_hunks_are_difflibs_where_difflib_is_right() -> None:
    before = [f"line {i}\n" for i in range(40)]
    after = before[:10] + ["new\n"] + before[12:30] + before[31:] + ["end\n"]
    assert list(unified_diff(before, after, "a", "b")) == list(difflib.unified_diff(before, after, "a", "b"))


def test_matching_blocks_are_a_longest_common_subsequence() -> None:
    rng = random.Random(7)
    for _ in range(500):
        a = [rng.choice("abcd") for _ in range(rng.randint(0, 25))]
        b = list(a)
        for _ in range(rng.randint(0, 6)):
            at = rng.randint(0, len(b))
            if rng.random() < 0.5 and b[at:]:
                del b[at]
            else:
                b.insert(at, rng.choice("abcde"))
        blocks = matching_blocks(a, b)
        assert blocks[-1] == (len(a), len(b), 0)
        assert all(a[i : i + n] == b[j : j + n] for i, j, n in blocks)
        lcs = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(len(a) - 1, -1, -1):
            for j in range(len(b) - 1, -1, -1):
                lcs[i][j] = lcs[i + 1][j + 1] + 1 if a[i] == b[j] else max(lcs[i + 1][j], lcs[i][j + 1])
        assert sum(n for _, _, n in blocks) == lcs[0][0]


RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.pkg" = "new.pkg" }
"""
# CPython warns about both when compiling (SyntaxWarning): the file is valid all the same.
WARNS = "import old.pkg\nassert (old.pkg, 'always true')\nok = 1 is 1\n"


@pytest.mark.parametrize("warnings", ["default", "error"])
def test_fix_neither_prints_compile_warnings_nor_refuses_over_them(tmp_path: Path, warnings: str) -> None:
    project = write_project(tmp_path, {"new/__init__.py": "", "new/pkg.py": "", "old/__init__.py": "", "old/pkg.py": "", "mod.py": WARNS}, RULES)
    env = {**os.environ, "PYTHONWARNINGS": warnings, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "ssot_lint", "fix", "--no-cache"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (project / "mod.py").read_text() == WARNS.replace("old.pkg", "new.pkg")
