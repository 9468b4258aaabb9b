"""Benchmark ssot-lint against ruff on a generated corpus and on the local CPython stdlib.

    python benchmarks/run.py                      # ~1.1M-line corpus + stdlib, 3 repetitions
    python benchmarks/run.py --files 400 --repeat 1 --no-stdlib   # a quick look

ssot-lint is measured as users run it: installed (not editable, whose import hook costs ~15 ms
per start) into a fresh virtualenv under --work; ``--no-install`` uses this environment's instead.
For each tree: ruff with its default rules cold (``ruff check --isolated --no-cache``: the peer
of the speed targets, see docs/performance.md), ruff with the tree's ruff.toml (banned-api for the
deprecated paths) cold, warm and one-file-edited; ssot-lint cold (empty cache), warm (the same
command again: a replay), warm from the result cache alone (memos deleted before each run) and
one-file-edited, with ``--jobs 1`` and with all CPUs; and on the generated corpus ``fix --diff``
(``bench_fix``). Before each warm series each tool runs once to fill its cache.
Every command runs as a child process (``measure.run``, shared with real_world.py); its wall
time is the median of the repetitions, its memory the peak of the sum of the resident sets of
the process and its workers (sampled from /proc every 10 ms). Prints a Markdown table (and
writes it to --out). The corpus run also checks that ssot-lint finds
exactly the planted violations.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent  # ruff's, and ssot-lint's with --no-install
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (the generator next to this file)
from measure import Failed, Run, load, machine, run  # noqa: E402  (the measuring core real_world.py shares)


@dataclass
class Row:
    tree: str
    tool: str
    mode: str
    jobs: str
    samples: list[Run]

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mib(self) -> float:
        return max(s.tree_rss_kib for s in self.samples) / 1024


def measure(command: list[str], cwd: Path) -> Run:
    try:
        return run(command, cwd)
    except Failed as error:
        raise SystemExit(str(error)) from None


class Tree:
    def __init__(self, name: str, root: Path, edit_target: Path, files: int, size: int) -> None:
        self.name, self.root, self.edit_target, self.files, self.bytes = name, root, edit_target, files, size
        self.edits = 0

    def edit(self) -> None:
        self.edits += 1
        with open(self.edit_target, "a", encoding="utf-8") as handle:
            handle.write(f"\n# benchmark edit {self.edits}\n")

    def clear_caches(self) -> None:
        shutil.rmtree(self.root / ".ssot-lint", ignore_errors=True)
        shutil.rmtree(self.root / ".ruff_cache", ignore_errors=True)

    def clear_memos(self) -> None:
        shutil.rmtree(self.root / ".ssot-lint" / "cache" / "replay", ignore_errors=True)


def install(work: Path) -> Path:
    """A fresh virtualenv with ssot-lint installed from this checkout; its bin directory."""
    venv = work / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(HERE.parent)], check=True)
    return venv / "bin"


def prepare_corpus(work: Path, files: int, seed: int) -> tuple[Tree, dict]:
    root = work / "corpus"
    expected = corpus.build(root, files, seed)
    target = sorted(root.rglob("*.py"), key=lambda p: (("agent_started" not in p.read_text()), str(p)))[0]
    return Tree("generated corpus", root, target, expected["files"], expected["bytes"]), expected


def prepare_stdlib(work: Path) -> Tree:
    source = Path(sysconfig.get_paths()["stdlib"])
    root = work / "stdlib"
    shutil.rmtree(root, ignore_errors=True)
    count = size = 0
    for path in source.rglob("*.py"):
        rel = path.relative_to(source)
        if "site-packages" in rel.parts or "__pycache__" in rel.parts:
            continue
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        count += 1
        size += dest.stat().st_size
    shutil.copy(HERE.parent / "rules" / "websocket-ssot.toml", root / "websocket-ssot.toml")
    (root / "ssot-lint.toml").write_text('rule-files = ["websocket-ssot.toml"]\n')
    (root / "ruff.toml").write_text(corpus.RUFF_TOML)
    return Tree(f"CPython {platform.python_version()} stdlib", root, root / "argparse.py", count, size)


def bench(tree: Tree, repeat: int, cpus: int, ssot_bin: Path) -> list[Row]:
    ruff = [str(BIN / "ruff"), "check", "--exit-zero", "--output-format", "concise", "."]  # the tree's ruff.toml: banned-api
    ruff_default = [str(BIN / "ruff"), "check", "--isolated", "--exit-zero", "--output-format", "concise", "--no-cache", "."]
    ssot = [str(ssot_bin / "ssot-lint"), "check", ".", "-q"]
    rows: list[Row] = []

    def series(tool: str, mode: str, jobs: str, command: list[str], before=None) -> None:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(repeat):
            if before:
                before()
            samples.append(measure(command, tree.root))
        rows.append(Row(tree.name, tool, mode, jobs, samples))
        print(f"  {tool:9} {mode:10} jobs={jobs:3} {rows[-1].wall:8.3f} s  {rows[-1].rss_mib:7.1f} MiB", flush=True)

    measure([str(ssot_bin / "ssot-lint"), "--version"], tree.root)  # writes the bytecode if the install did not
    tree.clear_caches()
    series("ruff default", "cold", "all", ruff_default)
    series("ruff", "cold", "all", ruff[:2] + ["--no-cache"] + ruff[2:])
    measure(ruff, tree.root)  # fill ruff's cache
    series("ruff", "warm", "all", ruff)
    series("ruff", "1 edited", "all", ruff, tree.edit)
    for jobs in (str(cpus), "1"):
        series("ssot-lint", "cold", jobs, ssot + ["-j", jobs], tree.clear_caches)
        measure(ssot + ["-j", jobs], tree.root)  # as for ruff: fill the cache (and record the replay memo)
        series("ssot-lint", "warm", jobs, ssot + ["-j", jobs])
        series("ssot-lint", "warm, cache only", jobs, ssot + ["-j", jobs], tree.clear_memos)
        series("ssot-lint", "1 edited", jobs, ssot + ["-j", jobs], tree.edit)
    series("ssot-lint", "startup", "-", [str(ssot_bin / "ssot-lint"), "--version"])
    return rows


def bench_fix(tree: Tree, repeat: int, cpus: int, ssot_bin: Path) -> list[Row]:
    """``fix --diff`` (writes nothing, so every repetition does the same work) with the safe fixes
    only, then with ``--unsafe-fixes``, on one worker and on all CPUs, the result cache empty
    before each run: what a first ``fix`` of the tree costs."""
    rows: list[Row] = []
    for unsafe in ([], ["--unsafe-fixes"]):
        for jobs in ("1", str(cpus)):
            command = [str(ssot_bin / "ssot-lint"), "fix", ".", "--diff", "-j", jobs, *unsafe]
            samples = []
            for _ in range(repeat):
                tree.clear_caches()
                samples.append(measure(command, tree.root))
            mode = "fix --diff" + (" --unsafe-fixes" if unsafe else "")
            rows.append(Row(tree.name, "ssot-lint", mode, jobs, samples))
            print(f"  ssot-lint {mode:26} jobs={jobs:3} {rows[-1].wall:8.3f} s  {rows[-1].rss_mib:7.1f} MiB", flush=True)
    return rows


def check_counts(tree: Tree, expected: dict, ssot_bin: Path) -> str:
    out = subprocess.run([str(ssot_bin / "ssot-lint"), "check", ".", "-o", "json"], cwd=tree.root, capture_output=True, text=True)
    found = Counter(f["rule"] for f in json.loads(out.stdout)["findings"])
    planted = {k: v for k, v in expected["findings"].items() if v}
    return "match" if dict(found) == planted else f"MISMATCH: found {dict(found)}, planted {planted}"


def table(rows: list[Row], trees: dict[str, Tree]) -> str:
    ruff = {(r.tree, r.mode): r.wall for r in rows if r.tool == "ruff"}
    default = {r.tree: r for r in rows if r.tool == "ruff default"}
    lines = [
        "| tree | tool | mode | jobs | wall s (median) | files/s | MB/s | peak RSS MiB | vs ruff | vs ruff default | CPU s | CPU vs ruff default |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        tree = trees[r.tree]
        peer = ruff.get((r.tree, r.mode.split(",")[0]))  # "warm, cache only" is compared with ruff's warm
        ratio = f"{r.wall / peer:.1f}x" if r.tool == "ssot-lint" and peer else ""
        cold = r.tree in default and r.tool == "ssot-lint" and r.mode in ("cold", "fix --diff")
        versus_default = f"{r.wall / default[r.tree].wall:.1f}x" if cold else ""
        cpu_versus = f"{r.cpu / default[r.tree].cpu:.1f}x" if cold and default[r.tree].cpu > 0 else ""
        rate = r.mode != "startup"
        lines.append(
            f"| {r.tree} | {r.tool} | {r.mode} | {r.jobs} | {r.wall:.3f} | {tree.files / r.wall:,.0f} | "
            f"{tree.bytes / r.wall / 1e6:.1f} | {r.rss_mib:.0f} | {ratio} | {versus_default} | {r.cpu:.2f} | {cpu_versus} |"
            if rate
            else f"| {r.tree} | {r.tool} | {r.mode} | {r.jobs} | {r.wall:.3f} | | | {r.rss_mib:.0f} | | | {r.cpu:.2f} | |"
        )
    return "\n".join(lines)


def _version(bin_dir: Path, package: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    return subprocess.run([str(bin_dir / "python"), "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def describe(ssot_bin: Path) -> str:
    return (
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {machine()}; load average {load()}; "
        f"Python {platform.python_version()}, libcst {_version(ssot_bin, 'libcst')}, ruff {metadata.version('ruff')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=4200, help="corpus size (default 4200 files, about 1.1M lines)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ssot-lint-bench"))
    parser.add_argument("--no-stdlib", action="store_true")
    parser.add_argument("--no-install", action="store_true", help="measure this environment's ssot-lint (may be editable)")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument("--fix-only", action="store_true", help="only the fix rows (generated corpus), no check series")
    parser.add_argument("--fix-repeat", type=int, default=None, help="repetitions of each fix row (default: --repeat; each takes minutes)")
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    args.work.mkdir(parents=True, exist_ok=True)
    ssot_bin = BIN if args.no_install else install(args.work)
    before = describe(ssot_bin)
    generated, expected = prepare_corpus(args.work, args.files, args.seed)
    trees = [generated] + ([] if args.no_stdlib else [prepare_stdlib(args.work)])
    rows: list[Row] = []
    for tree in [] if args.fix_only else trees:
        print(f"{tree.name}: {tree.files} files, {tree.bytes / 1e6:.1f} MB", flush=True)
        rows.extend(bench(tree, args.repeat, cpus, ssot_bin))
    print(f"{generated.name}: fix", flush=True)
    rows.extend(bench_fix(generated, args.fix_repeat or args.repeat, cpus, ssot_bin))
    counts = check_counts(generated, expected, ssot_bin)
    report = (
        f"Started {before}\nFinished with load average {load()}.\n\n"
        f"Generated corpus: {expected['files']} files, {expected['lines']:,} lines, {expected['bytes'] / 1e6:.1f} MB "
        f"(seed {args.seed}); planted findings {expected['findings']}: ssot-lint's counts {counts}.\n\n" + table(rows, {t.name: t for t in trees}) + "\n"
    )
    print("\n" + report)
    if args.out:
        args.out.write_text(report)


if __name__ == "__main__":
    main()
