"""What a history costs beside a cold check of the same distinct file versions (issue #17).

    python benchmarks/history_cost.py                  # the Django release history and the demo history
    python benchmarks/history_cost.py --repos demo --repeat 1

Target: a history over N commits costs at most 1.2x a cold ``check`` over the same number of
distinct blobs. For each repository, every distinct version of every Python file in its commits
is written once into a scratch tree (the k-th version of a path under ``v<k>/``), then, runs
alternating so each pair sees the same load: ``ssot-lint check --no-cache`` of that tree, and
``ssot-lint history --no-cache`` over the commits (a fresh snapshot store each time, so nothing
is reused). The ratio is the median of the run-by-run ratios. The history does more than the
check by design: it lists each commit's tree and aggregates the project-wide rules once per
commit; the check aggregates once.

- ``django``: release_history.py's 13 Django releases (5.0 .. 5.1.4), benchmarks/rules/django.toml
  with ``--select`` (default: its deprecated-import and unresolved-import rules, as real_world.py).
- ``demo``: docs/demo_history.py's history of the sample (the shipped rules, from its config).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "docs"))
import corpora  # noqa: E402
import demo_history  # noqa: E402
import release_history  # noqa: E402
from measure import Failed, Run, load, machine, median_wall, ratio, run, version_of  # noqa: E402


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, check=True).stdout


def materialise(repo: Path, dest: Path, suffixes: tuple[str, ...] = (".py", ".pyi")) -> tuple[int, int, int]:
    """Write each distinct (path, blob) of the repository's commits once under ``dest``; return
    (commits, distinct blobs, file versions written)."""
    commits = git(repo, "rev-list", "HEAD").decode().split()
    versions: dict[str, list[str]] = defaultdict(list)  # path -> distinct blob ids, in first-seen order
    for commit in commits:
        for line in git(repo, "ls-tree", "-r", "--full-tree", commit).decode().splitlines():
            meta, path = line.split("\t", 1)
            mode, kind, blob = meta.split()
            if kind == "blob" and mode != "120000" and path.endswith(suffixes) and blob not in versions[path]:
                versions[path].append(blob)
    blobs = sorted({b for ids in versions.values() for b in ids})
    contents = _cat(repo, blobs)
    written = 0
    for path, ids in versions.items():
        for k, blob in enumerate(ids):
            target = dest / f"v{k}" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[blob])
            written += 1
    return len(commits), len(blobs), written


def _cat(repo: Path, blobs: list[str]) -> dict[str, bytes]:
    out = git(repo, "cat-file", "--batch", data="".join(b + "\n" for b in blobs).encode())
    found, at = {}, 0
    for blob in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found[blob] = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return found


def measure_repo(name: str, repo: Path, rule_args: list[str], config_files: list[Path], work: Path, exe: str, repeat: int) -> list[str]:
    tree = work / f"{name}-versions"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    commits, blobs, written = materialise(repo, tree)
    for path in config_files:  # the configuration the history reads, beside the versions
        target = tree / path.relative_to(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if path.is_dir() else shutil.copyfile)(path, target)
    check = [exe, "check", "--no-cache", "-q", "--no-color", *rule_args, "."]
    checks: list[Run] = []
    histories: list[Run] = []
    for n in range(repeat):
        store = work / f"{name}-store-{n}.db"
        store.unlink(missing_ok=True)
        checks.append(run(check, tree))
        histories.append(run([exe, "history", "--no-cache", "--no-color", "--store", str(store), *rule_args], repo))
    print(f"history_cost.py: {name}: check {median_wall(checks):.2f}s history {median_wall(histories):.2f}s", file=sys.stderr, flush=True)
    rss = max(r.tree_rss_kib for r in histories) / 1024
    return [
        f"| {name} | {commits} | {blobs:,} | {written:,} | {median_wall(checks):.2f} | {median_wall(histories):.2f} | "
        f"{_ratio(ratio(histories, checks))} | {_ratio(ratio(histories, checks, cpu=True))} | {max(r.tree_rss_kib for r in checks) / 1024:.0f} | {rss:.0f} |"
    ]


def _ratio(value: float | None) -> str:
    """Two decimals: the target is 1.2x, which one decimal cannot tell from 1.24x."""
    return "" if value is None else f"{value:.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", default="django,demo", help="comma-separated: django, demo (default: both)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--select", default=None, help="rule ids for the Django history (default: its deprecated-import and unresolved-import rules)")
    parser.add_argument("--ssot-lint", default=shutil.which("ssot-lint") or "ssot-lint")
    parser.add_argument("--cache", type=Path, default=None, help=f"corpora cache (default: {corpora.default_dest()})")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.repos.split(",") if n.strip()]
    if any(n not in ("django", "demo") for n in names) or args.repeat < 1:
        parser.error("--repos takes django and/or demo; --repeat at least 1")
    cache = args.cache or corpora.default_dest()
    started = datetime.now(timezone.utc)
    lines = [
        f"# history cost beside a cold check ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        f"- machine: {machine()}, load average at start {load()}",
        f"- {version_of([args.ssot_lint, '--version'])}; median of {args.repeat}; ratio = median of run-by-run ratios history / check",
        "",
        "| history | commits | distinct blobs | file versions | check s | history s | history / check (wall) | (CPU) | check tree RSS MiB | history tree RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="ssot-history-cost-") as scratch:
        work = Path(scratch)
        try:
            for name in names:
                if name == "django":
                    repo = release_history.build(cache / "django-history", release_history.RELEASES, cache, log=lambda *a, **k: None)
                    select = args.select or "DJ001,DJ002,DJ101"
                    rule_args = ["--rules", str(HERE / "rules" / "django.toml"), "--select", select]
                    label = f"Django 5.0 .. 5.1.4 ({select})"
                    lines += measure_repo(label, repo, rule_args, [], work, args.ssot_lint, args.repeat)
                else:
                    repo = work / "demo"
                    demo_history.build(repo)
                    lines += measure_repo("sample demo history", repo, [], [repo / "pyproject.toml", repo / "rules"], work, args.ssot_lint, args.repeat)
        except (corpora.CorpusError, release_history.HistoryError, Failed, subprocess.CalledProcessError, OSError) as error:
            print(f"history_cost.py: error: {' '.join(str(error).split())}", file=sys.stderr)
            return 2
    lines.append(f"\nFinished {datetime.now(timezone.utc):%H:%M} UTC, load average {load()}.")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
