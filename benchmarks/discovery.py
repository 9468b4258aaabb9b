"""What ``declared-deprecation`` costs and what ``init`` finds, on real corpora, beside ruff.

    python benchmarks/discovery.py ~/.cache/ssot-lint/corpora/django-5.2.8 ~/.cache/ssot-lint/corpora/sympy-1.14.0
    python benchmarks/discovery.py TREE --repeat 5 --out /tmp/discovery.md

For each tree (a pinned release extracted by ``benchmarks/corpora.py``, or any directory), in one
run and interleaved so that noise on a shared machine hits every command alike: ruff cold
(``--no-cache``), ssot-lint cold with the shipped rules (``rules/*.toml``), the same plus a
``declared-deprecation`` rule, and ``ssot-lint init --no-write`` (the survey). Wall times are
medians (``run.measure``: child processes, peak RSS of the process tree). The row the issue sets a
target for: the time ``declared-deprecation`` adds to a cold check, at most 50%. Also printed: how
many declarations and findings the rule reports and what the survey proposes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from measure import Run  # noqa: E402  (the measuring core next to this file)
from run import BIN, measure  # noqa: E402  (the benchmark harness next to this file)

REPO = HERE.parent
DD_RULE = '\n[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n'


def rule_files(work: Path) -> tuple[Path, Path]:
    shipped = "\n".join(p.read_text() for p in sorted((REPO / "rules").glob("*.toml")))
    plain, with_dd = work / "shipped.toml", work / "shipped-dd.toml"
    plain.write_text(shipped)
    with_dd.write_text(shipped + DD_RULE)
    return plain, with_dd


def commands(tree: Path, plain: Path, with_dd: Path, ssot: str) -> dict[str, list[str]]:
    check = [ssot, "check", str(tree), "--no-cache", "-q", "--fail-on", "error"]
    return {
        "ruff cold": [str(BIN / "ruff"), "check", "--no-cache", "--quiet", "--exit-zero", str(tree)],
        "shipped rules, cold": [*check, "--rules", str(plain)],
        "shipped + declared-deprecation, cold": [*check, "--rules", str(with_dd)],
        "init --no-write (survey), cold": [ssot, "init", str(tree), "--no-write", "--no-cache"],
    }


def findings(tree: Path, with_dd: Path, ssot: str) -> dict:
    out = subprocess.run([ssot, "check", str(tree), "--no-cache", "-o", "json", "--rules", str(with_dd)], capture_output=True, text=True, cwd=tree)
    report = json.loads(out.stdout)
    rule = next(r for r in report["rules"] if r["id"] == "DD1")
    survey = json.loads(
        subprocess.run([ssot, "init", str(tree), "--no-write", "--no-cache", "--format", "json"], capture_output=True, text=True, cwd=tree).stdout
    )
    return {
        "files": report["files"]["scanned"] + report["files"]["parse_errors"],
        "declarations": len(rule["details"]["declarations"]),
        "with_replacement": sum(1 for d in rule["details"]["declarations"] if d["replacement"]),
        "findings": rule["count"],
        "families": [f"{f['stem']} ({f['count']})" for f in survey["families"]],
        "duplicates": survey["duplicates"]["names"],
        "events": len(survey["events"]),
        "project_wide": survey["project_wide"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    ssot = shutil.which("ssot-lint", path=str(BIN)) or "ssot-lint"
    lines = [
        "| tree | files | ruff cold | shipped rules cold | + declared-deprecation | added | survey (`init --no-write`) | declarations (with replacement) | findings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        plain, with_dd = rule_files(Path(tmp))
        for tree in args.trees:
            tree = tree.resolve()
            cmds = commands(tree, plain, with_dd, ssot)
            samples: dict[str, list[Run]] = {name: [] for name in cmds}
            for _ in range(args.repeat):
                for name, command in cmds.items():  # interleaved: noise hits every command alike
                    samples[name].append(measure(command, tree))
            wall = {name: statistics.median(s.wall for s in runs) for name, runs in samples.items()}
            found = findings(tree, with_dd, ssot)
            added = wall["shipped + declared-deprecation, cold"] / wall["shipped rules, cold"] - 1
            lines.append(
                f"| {tree.name} | {found['files']} | {wall['ruff cold']:.2f} s | {wall['shipped rules, cold']:.2f} s "
                f"| {wall['shipped + declared-deprecation, cold']:.2f} s | {added:+.0%} | {wall['init --no-write (survey), cold']:.2f} s "
                f"| {found['declarations']} ({found['with_replacement']}) | {found['findings']} |"
            )
            notes.append(
                f"- {tree.name}: families {', '.join(found['families']) or 'none'}; {found['duplicates']} class names in 3+ modules; "
                f"{found['events']} event shapes; project-wide {found['project_wide']}"
            )
    text = "\n".join(lines + [""] + notes) + f"\n\nMedians of {args.repeat} interleaved repetitions; `added` is the target row (at most +50%).\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
