"""benchmarks/stdlib_corpus.py accounts for every file of a corpus and names the file that crashes a run
(the real corpus run, over the standard library, is in docs/robustness.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crash_plugin import crash_plugin
from tests.helpers import REPO

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and signal exit codes are POSIX")

SCRIPT = REPO / "benchmarks" / "stdlib_corpus.py"


def corpus(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run_script(root: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    out = tmp_path / "summary.json"
    done = subprocess.run([sys.executable, str(SCRIPT), str(root), "--json", str(out), *args], capture_output=True, timeout=300, env=env)
    assert done.stderr == b"", done.stderr
    return done.returncode, json.loads(out.read_text())


def test_every_file_is_accounted_for_and_fix_is_checked_on_a_copy(tmp_path: Path) -> None:
    root = corpus(
        tmp_path / "corpus",
        {
            "ok.py": "import string\n\nclass A:\n    digits = string.digits\n",
            "broken.py": "class B:\n    def f(:\n        pass\n",
            "unselected_broken.py": "print(\n",  # no rule's prefilter selects it: counted, never parsed
            "bad_cookie.py": "# coding: uft-8\nclass C: ...\n",
            "deep.py": "x = " + " + ".join(["1"] * 2000) + "\n",
            "pkg/__init__.py": "class D: ...\n",
            "pkg/__pycache__/skipped.py": "not python at all (",  # outside the scope, like site-packages
        },
    )
    status, summary = run_script(root, tmp_path)
    assert status == 0
    # deep.py is analyzed: rules check CPython's tree; only a fix would need libcst's.
    assert (summary["in_scope"], summary["scanned"], summary["parse_errors"], summary["crashes"]) == (6, 4, 2, [])
    assert summary["reasons"] == {"syntax error: invalid syntax": 1, "cannot decode: unknown encoding: uft-8": 1}
    assert summary["examples"]["syntax error: invalid syntax"] == "broken.py:2:11"
    assert summary["cpython_rejects"] == 3
    assert summary["disagreements"] == [
        "CPython rejects, ssot-lint reports nothing (no rule selects it (never parsed)): unselected_broken.py:"
        " SyntaxError: '(' was never closed (unselected_broken.py, line 1)",
    ]
    assert summary["fix_headline"] == "1 file would change, 1 finding would be fixed (1 by unsafe fixes), 2 findings would be left:"
    assert (summary["fix_changed"], summary["fix_idempotent"]) == (1, True)
    assert (root / "ok.py").read_text().startswith("import string\n")  # the corpus itself is never written


def test_a_native_crash_costs_its_file_not_the_corpus_run(tmp_path: Path) -> None:
    """The worker pool isolates a native crash: the file is an SSOT000 reason, the run completes."""
    env = crash_plugin(tmp_path / "plugin")
    rules = tmp_path / "crash.toml"
    rules.write_text('[[rule]]\nid = "CRASH"\nkind = "native-crash"\n')
    root = corpus(tmp_path / "corpus", {"a.py": "class A: ...\n", "b.py": "# CRASH_HERE\n", "c.py": "class C: ...\n"})
    status, summary = run_script(root, tmp_path, "--rules", str(rules), env=env)
    assert status == 0
    assert (summary["in_scope"], summary["scanned"], summary["parse_errors"], summary["crashes"]) == (3, 2, 1, [])
    assert summary["reasons"] == {"analysis crashed (killed by signal SIGSEGV); the file was not analyzed": 1}
