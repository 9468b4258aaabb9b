"""Issue #13's fix time on SymPy 1.14.0, with whole packages mapped to ``sympy`` the way a user
would write it, beside ``ruff check`` of the same tree in the same run.

    python benchmarks/fix_sympy.py                    # this checkout
    python benchmarks/fix_sympy.py --compare 84c089c  # and an older commit, alternately; outputs must agree
    python benchmarks/fix_sympy.py --run-tests        # SymPy's own tests before and after the fix

Each version runs, on its own fresh copy of the release and its own empty result cache:

1. ``check -o json`` (cold: every file analyzed, every finding's applicability decided);
2. ``fix --diff --unsafe-fixes`` (warm per-file cache: the time is the fixing itself, 1,038
   files through libcst twice, the second pass proving the result a fixed point).

With ``--compare REV``, ``REV``'s ``ssot_lint`` package (``git archive``) runs the same steps,
and the JSON report, the diff and the summary must be byte for byte the same as this checkout's:
a speed-up may not change a single verdict. ruff runs cold (``--no-cache``) with its default
rules and with ``I`` (import sorting) on the same tree. Times are wall seconds and the CPU
seconds of the process and its workers. Exit 1 when the outputs differ.

With ``--run-tests`` it times nothing: on a fresh copy, ``fix`` (safe fixes only) and, as a
second row, ``fix --unsafe-fixes``, then SymPy's own tests (``python -m pytest -q -p
no:cacheprovider``; SymPy's default ``not slow`` marker; needs ``mpmath``) in the ``tests/``
directories of the packages the fixes changed (at most ``--max-dirs``, the most changed first),
run in a fresh interpreter on the tree before the fix and after each, and compared test by test
(``benchmarks/suite_runs.py``). Exit 1 when a test that passed before fails after the *safe*
fix, or when no test ran; the unsafe row is reported only.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import suite_runs  # noqa: E402  # the shared before/after test runs

RULES = """
[[rule]]
id = "SYPKG"
kind = "deprecated-import"
description = "Import from SymPy's public API, not from the packages inside it."
message = "{target} is deprecated; import {replacement}"
severity = "error"

[rule.replace]
"sympy.simplify" = "sympy"
"sympy.core.symbol" = "sympy"
"sympy.core.numbers" = "sympy"
"sympy.functions" = "sympy"
"sympy.polys" = "sympy"
"sympy.matrices" = "sympy"
"sympy.core.singleton:S" = "sympy:S"
"""


def sympy_release() -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpora  # type: ignore[import-not-found]

    return Path(corpora.ensure(corpora.CORPORA["sympy"]))


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[bytes], float, float]:
    """The finished command, its wall seconds, and the CPU seconds of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def package_at(rev: str, into: Path) -> Path:
    """``rev``'s ``ssot_lint`` package under ``into`` (for PYTHONPATH)."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "ssot_lint"], cwd=REPO, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_version(label: str, code: Path, release: Path, work: Path, jobs: list[str]) -> dict:
    root = work / f"sympy-{label}"
    shutil.copytree(release, root, symlinks=True)
    (root / "rules.toml").write_text(RULES)
    (root / "ssot-lint.toml").write_text(f'rule-files = ["rules.toml"]\ncache-dir = "{work / f"cache-{label}"}"\n')
    env = {**os.environ, "PYTHONPATH": str(code)}
    ssot = [sys.executable, "-m", "ssot_lint"]
    check, check_wall, check_cpu = timed([*ssot, "check", "--no-baseline", "-o", "json", *jobs], root, env)
    fix, fix_wall, fix_cpu = timed([*ssot, "fix", "--diff", "--unsafe-fixes", *jobs], root, env)
    return {
        "label": label,
        "outputs": (check.stdout, check.stderr, fix.stdout, fix.stderr),
        "check": (check_wall, check_cpu),
        "fix": (fix_wall, fix_cpu),
        "headline": fix.stderr.decode().splitlines()[0] if fix.stderr else "",
    }


def run_tests(jobs: list[str], max_dirs: int) -> int:
    """The fixes' effect on SymPy's own tests (see the module docstring)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sympy"
        shutil.copytree(sympy_release(), root, symlinks=True)
        (root / "rules.toml").write_text(RULES)
        (root / "ssot-lint.toml").write_text(f'rule-files = ["rules.toml"]\ncache-dir = "{Path(tmp) / "cache"}"\n')
        files = suite_runs.snapshot(root)
        fix = [sys.executable, "-m", "ssot_lint", "fix", *jobs]
        safe, safe_headline = suite_runs.fixed_files(root, files, fix, env)
        unsafe, unsafe_headline = suite_runs.fixed_files(root, files, [*fix, "--unsafe-fixes"], env)
        dirs, left_out = suite_runs.sympy_test_dirs(root, [*safe, *unsafe], max_dirs)
        print(f"SymPy 1.14.0: fix: {safe_headline}")
        print(f"fix --unsafe-fixes: {unsafe_headline}")
        print(f"test directories ({len(dirs)}): {' '.join(dirs)}")
        if left_out:
            print(f"test directories left out ({len(left_out)}): {' '.join(left_out)}")
        rows = suite_runs.compare_fixes(root, files, {"safe": safe, "unsafe": unsafe}, dirs, suite_runs.run_pytest)
    suite_runs.print_rows(rows)
    failures = [f"no SymPy test ran before the fix: {row['nothing_ran']}" for row in rows[:1] if "nothing_ran" in row]
    failures += [f"safe fix broke {test}: {why}" for row in rows if row["fix"] == "safe" for test, why in row["regressions"].items()]
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="REV", help="also time REV's ssot_lint, and require the same outputs")
    parser.add_argument("--jobs", help="worker processes (default: one per CPU)")
    parser.add_argument("--run-tests", action="store_true", help="run SymPy's own tests before and after the fix instead of timing it")
    parser.add_argument("--max-dirs", type=int, default=12, help="with --run-tests: tests/ directories chosen from the changed files (default: 12)")
    args = parser.parse_args()
    if args.run_tests:
        return run_tests(["--jobs", args.jobs] if args.jobs else [], args.max_dirs)
    if shutil.which("ruff") is None:
        parser.error("ruff is not installed (pip install -e '.[bench]')")
    jobs = ["--jobs", args.jobs] if args.jobs else []
    release = sympy_release()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ruff_default = timed(["ruff", "check", "--isolated", "--no-cache", "--exit-zero", "-q", "."], release)
        ruff_imports = timed(["ruff", "check", "--isolated", "--no-cache", "--exit-zero", "-q", "--select", "I", "."], release)
        versions = [("this checkout", REPO)]
        if args.compare:
            versions.append((args.compare, package_at(args.compare, work / "old")))
        results = [run_version(label.replace(" ", "-"), code, release, work, jobs) for label, code in versions]
    mappings = sum(1 for line in RULES.splitlines() if line.startswith('"sympy.'))
    print(f"SymPy 1.14.0, {mappings} mappings; jobs: {args.jobs or os.cpu_count()}")
    print(f"ruff default: {ruff_default[1]:.1f} s wall, {ruff_default[2]:.1f} s CPU; ruff I: {ruff_imports[1]:.1f} s wall, {ruff_imports[2]:.1f} s CPU")
    print("| version | check wall | check CPU | fix --diff wall | fix --diff CPU | fix vs ruff default (wall) |")
    print("|---|---|---|---|---|---|")
    for (label, _), result in zip(versions, results):
        print(
            f"| {label} | {result['check'][0]:.0f} s | {result['check'][1]:.0f} s | {result['fix'][0]:.0f} s | {result['fix'][1]:.0f} s |"
            f" {result['fix'][0] / ruff_default[1]:.0f}x |"
        )
    print(results[0]["headline"])
    if len(results) == 2:
        same = results[0]["outputs"] == results[1]["outputs"]
        names = ("check JSON", "check stderr", "fix diff", "fix summary")
        differing = [n for n, a, b in zip(names, results[0]["outputs"], results[1]["outputs"]) if a != b]
        print("outputs: byte for byte the same" if same else f"outputs DIFFER: {', '.join(differing)}")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
