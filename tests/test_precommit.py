"""Both hooks in .pre-commit-hooks.yaml, run by the real pre-commit against a throwaway git repo.

Slow (pre-commit builds a virtualenv and pip-installs this checkout into it), so it is one
``pre-commit try-repo`` run for both hooks, marked ``precommit``: ``pytest -m "not precommit"``
leaves it out. try-repo uses this checkout's HEAD plus its tracked and staged changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli, write_project

pytestmark = [
    pytest.mark.precommit,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]

RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.pkg" = "new.pkg" }

[[rule]]
id = "S1"
kind = "single-implementation"
name = "Service$"
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=clean_env())


def clean_env() -> dict[str, str]:
    # A test run from inside a git hook inherits GIT_DIR and friends; they would point elsewhere.
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "PRE_COMMIT_HOME"}


def hook_sections(output: str) -> dict[str, tuple[str, str]]:
    """Hook name -> (Passed/Failed, the hook's own output)."""
    parts = re.split(r"^(ssot-lint[^\n]*?)\.{3,}(Passed|Failed)$", output, flags=re.M)
    return {parts[i]: (parts[i + 1], parts[i + 2]) for i in range(1, len(parts) - 2, 3)}


def test_both_hooks_through_real_pre_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = write_project(tmp_path / "repo", {"a.py": "import old.pkg\n", "svc1.py": "class AService: ...\n", "svc2.py": "class BService: ...\n"}, RULES)
    assert run_cli(["baseline", "--no-cache"], repo, monkeypatch).exit_code == 0
    # After the baseline: a new deprecated import, and a third member of the S1 family.
    (repo / "c.py").write_text("import old.pkg.sub\n")
    (repo / "svc3.py").write_text("class CService: ...\n")
    # A file no rule reads (no deprecated word, no family name) that does not parse.
    (repo / "broken.py").write_text("import os\n\ndef f(:\n    pass\n")
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")

    env = clean_env() | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--files", "a.py", "broken.py", "c.py", "svc1.py", "svc3.py", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    sections = hook_sections(output)
    assert set(sections) == {"ssot-lint (changed files)", "ssot-lint ratchet (whole project)"}, output

    # Per file: only the given files, no project-wide judgement. a.py's finding is baselined,
    # c.py's is new; S1 (a family count, now over its ceiling) is skipped, not half-judged.
    # --quiet: each batch prints its findings and nothing else (no table, totals or notes per batch).
    # --check-syntax: broken.py, which no rule reads, is parsed whole and blocked.
    status, per_file = sections["ssot-lint (changed files)"]
    assert status == "Failed"
    printed = [line for line in per_file.splitlines() if line.strip() and not line.startswith(("- hook id:", "- exit code:"))]
    assert printed == ["broken.py:3:7: SSOT000 error: syntax error: invalid syntax", "c.py:1:8: D1 error: old.pkg is deprecated; import new.pkg"]

    # Whole project: every new finding, and the family count above what the baseline allows.
    status, ratchet = sections["ssot-lint ratchet (whole project)"]
    assert status == "Failed"
    findings = [line for line in ratchet.splitlines() if re.match(r"^\S+\.py:\d+:\d+: ", line)]
    assert findings == [
        "c.py:1:8: D1 error: old.pkg is deprecated; import new.pkg",
        "svc3.py:1:7: S1 error: CService is one of 3 implementations (max 1); none is canonical: name the one to keep in `canonical`",
    ]
    assert "S1: 3 found, more than the 2 that .ssot-baseline.json allows (max 1); counts may only go down" in ratchet
    assert "6 files scanned, 0 parse errors, 2 new findings, 3 baselined, 0 fixed since the baseline" in ratchet


def test_hook_manifest_declares_what_pre_commit_needs() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert hooks["ssot-lint"]["entry"] == "ssot-lint check --per-file --check-syntax --quiet"
    assert hooks["ssot-lint"]["types"] == ["python"] and hooks["ssot-lint"]["pass_filenames"] is True
    ratchet = hooks["ssot-lint-ratchet"]
    assert (ratchet["entry"], ratchet["pass_filenames"], ratchet["always_run"], ratchet["require_serial"]) == ("ssot-lint check", False, True, True)
