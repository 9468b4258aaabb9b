"""``fix --diff`` hunks only around what changed (issue #18 item 14), and the fix's internal
compile check neither prints CPython's warnings nor lets them refuse a file (item 15)."""

from __future__ import annotations

import difflib
import os
import random
import shutil
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
    return render_diff(FixResult([fix], Report("0", 1, 0, [], []), [], write=False)).decode()


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
# (`old.pkg.X`, not the module itself: a module used as a value is an unsafe rewrite.)
WARNS = "import old.pkg\nassert (old.pkg.X, 'always true')\nok = 1 is 1\n"


@pytest.mark.parametrize("warnings", ["default", "error"])
def test_fix_neither_prints_compile_warnings_nor_refuses_over_them(tmp_path: Path, warnings: str) -> None:
    project = write_project(
        tmp_path, {"new/__init__.py": "", "new/pkg.py": "X = 1\n", "old/__init__.py": "", "old/pkg.py": "from new.pkg import X\n", "mod.py": WARNS}, RULES
    )
    env = {**os.environ, "PYTHONWARNINGS": warnings, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "ssot_lint", "fix", "--no-cache"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (project / "mod.py").read_text() == WARNS.replace("old.pkg", "new.pkg")


def test_the_diff_names_each_unsafe_fix_above_its_file_and_still_applies(tmp_path: Path) -> None:
    # Issue #13: a marker for unsafe fixes in `fix --diff`. One header line per unsafe fix, before
    # the file's `---` line, where `git apply` and `patch` skip text; the safe file gets none.
    from tests.test_fix_safety import EVENT_APP, EVENT_RULES, PROJECT, rules

    files = {**PROJECT, "ev.py": EVENT_APP, "ext.py": "from old.mod import A\n", "safe.py": "from old.mod import B\n"}
    mapping = '"old.mod:A" = "requests:Session", "old.mod:B" = "new.mod:B"'
    project = write_project(tmp_path / "p", files, rules(mapping) + EVENT_RULES)
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def ssot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ssot_lint", *args], cwd=project, env=env, capture_output=True, text=True, timeout=120)

    diff = ssot("fix", "--no-cache", "--diff", "--unsafe-fixes").stdout
    reads = "'agent' at ev.py:3, 'agent' at ev.py:5, 'type' at ev.py:3, 'type' at ev.py:4, 'type' at ev.py:4, 'type' at ev.py:7"
    headers = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@", " ", "-", "+"))]
    assert headers == [
        f"# ssot-lint: unsafe fix at ev.py:2:13 (EV1): reshaping an event changes the data the program sends and reads; the file still reads {reads}",
        "# ssot-lint: unsafe fix at ext.py:1:21 (D1): requests is not part of the project, so requests.Session cannot be verified",
    ]
    assert diff.index(headers[1]) < diff.index("--- a/ext.py") and "\n--- a/safe.py" in diff  # safe.py: no header
    assert "# ssot-lint" not in ssot("fix", "--no-cache", "--diff").stdout  # safe fixes only: nothing unsafe to name
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    for tool in (["git", "apply", "--check", "-"], ["patch", "-p1", "--dry-run", "-s"]):
        if shutil.which(tool[0]) is None:
            continue
        checked = subprocess.run(tool, cwd=project, input=diff, capture_output=True, text=True, timeout=60)
        assert (checked.returncode, checked.stderr) == (0, ""), tool
    subprocess.run(["git", "apply", "-"], cwd=project, input=diff, text=True, check=True, timeout=60)
    applied = {name: (project / name).read_text() for name in ("ev.py", "ext.py", "safe.py")}
    assert applied["ext.py"] == "from requests import Session as A\n" and applied["safe.py"] == "from new.mod import B\n"
    assert ssot("fix", "--no-cache", "--diff", "--unsafe-fixes").stdout == ""  # what git applied is the whole fix


def test_the_diff_of_a_file_with_a_bom_or_in_latin_1_applies_byte_for_byte(tmp_path: Path) -> None:
    # The diff holds each file's lines as they are on disk (git diff's way): decoded, a BOM
    # went missing and latin-1 text came out as UTF-8, and `git apply` refused both hunks.
    files = {"pkg/__init__.py": "", "pkg/old.py": "X = 1\n", "pkg/new.py": "from pkg.old import X\n"}
    project = write_project(tmp_path / "p", files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old:X" = "pkg.new:X" }\n')
    bom = b"\xef\xbb\xbffrom pkg.old import X\nprint(X)\n"
    latin = b'# -*- coding: latin-1 -*-\nfrom pkg.old import X\ns = "caf\xe9"\x0c\nprint(X, s)\n'  # and a form feed, no line break
    (project / "bom.py").write_bytes(bom)
    (project / "latin.py").write_bytes(latin)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "ssot_lint", "fix", "--no-cache", "--unsafe-fixes"]
    diff = subprocess.run([*command, "--diff"], cwd=project, env=env, capture_output=True, timeout=120).stdout
    assert b"\n-\xef\xbb\xbffrom pkg.old import X\n+\xef\xbb\xbffrom pkg.new import X\n" in diff
    assert b'\n s = "caf\xe9"\x0c\n' in diff
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    checked = subprocess.run(["git", "apply", "--check", "-"], cwd=project, input=diff, capture_output=True, timeout=60)
    assert (checked.returncode, checked.stderr) == (0, b"")
    subprocess.run(["git", "apply", "-"], cwd=project, input=diff, check=True, timeout=60)
    assert (project / "bom.py").read_bytes() == bom.replace(b"pkg.old", b"pkg.new")
    assert (project / "latin.py").read_bytes() == latin.replace(b"pkg.old", b"pkg.new")
    assert subprocess.run([*command, "--diff"], cwd=project, env=env, capture_output=True, timeout=120).stdout == b""
