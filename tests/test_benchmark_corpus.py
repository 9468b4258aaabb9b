"""The benchmark corpus generator: deterministic, and its planted counts are exactly what
ssot-lint finds (so the benchmark measures a run that is also correct)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from ssot_lint.cli import main

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "benchmarks" / "corpus.py"


def generate(out: Path, files: int, seed: int) -> dict:
    done = subprocess.run([sys.executable, str(GENERATOR), str(out), "--files", str(files), "--seed", str(seed)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_planted_counts_are_found_exactly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    expected = generate(corpus, 40, seed=3)
    assert expected == json.loads((corpus / "expected.json").read_text())
    assert expected["files"] >= 40 and expected["lines"] > 5000
    cwd = os.getcwd()
    os.chdir(corpus)
    try:
        result = CliRunner().invoke(main, ["check", ".", "-o", "json", "--no-cache"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    found = Counter(f["rule"] for f in report["findings"])
    assert dict(found) == {rule: n for rule, n in expected["findings"].items() if n}
    assert all(n > 0 for n in expected["findings"].values())  # every rule has planted violations
    ws001 = next(r for r in report["rules"] if r["id"] == "WS001")
    assert ws001["count"] == expected["ws001_family"]
    assert len(ws001["details"]["aliases"]) == expected["ws001_aliases"] >= 1
    assert (report["files"]["scanned"], report["files"]["parse_errors"]) == (expected["files"], 0)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 30, seed=5)
    generate(tmp_path / "b", 30, seed=5)
    generate(tmp_path / "c", 30, seed=6)
    a, b, c = (snapshot(tmp_path / name) for name in "abc")
    assert a == b
    assert a != c
