"""One text checked against a big project: ``api.check_source`` and ``api.fix_source`` (what the
language server and ``check --stdin-filename`` run on each buffer), with ruff's one-file check of
the same text (``ruff check --stdin-filename``) in the same run as the peer.

    python benchmarks/source_latency.py                      # every case, 5 calls each
    python benchmarks/source_latency.py --case django --calls 3
    python benchmarks/source_latency.py --case many --findings 50 200 800
    python benchmarks/source_latency.py --case plain --findings 100 400 1600 --calls 3
    python benchmarks/source_latency.py --case generated --profile /tmp/prof   # cProfile per call

Cases (each a project made in a temporary directory with one ``deprecated-import`` rule):

- ``generated``: 3,000 generated modules (``pkg/g*.py``, 80 lines each) and a buffer holding
  one deprecated import (``from pkg.old import X``), as the review measured it;
- ``django``: a copy of Django 5.2.8's release (``benchmarks/corpora.py django``: ``django/`` and
  its ``tests/``, 2,818 files) with ``replace = {"django.conf.urls" = "django.urls"}`` and a
  buffer (``django/contrib/flatpages/urls.py`` with ``from django.conf.urls import include`` in
  place of its ``django.urls`` import);
- ``many``: a 5-file project and a buffer of N deprecated imports, one statement each
  (``--findings``): the cost of verifying N findings of one text;
- ``plain``: the same project and a buffer of N plain imports of the deprecated module, one
  statement each, ``import pkg.old`` and ``import pkg.old as oI`` in turn, each followed by an
  attribute read through the name it binds (``pkg.old.X``, ``oI.X``): each rewrite's check of
  who reads ``pkg.old`` as an attribute meets every other statement of the buffer. Besides the
  two functions, ``ssot-lint fix --no-cache -j 1`` on the file (its text written to the file
  before each run) is timed, as a process.

The project is older than the racy window when the first call starts (a file changed within the
last two seconds is not kept between calls), as an editor's is. Each call is timed alone
(wall-clock seconds, and in brackets this process's CPU seconds: on a shared machine the wall
clock also counts the time others ran), in this process, with no worker processes (as the server
calls it, which forbids them): the first call (nothing kept yet: the walk of the project, the
summaries it reads, the texts it searches) and the median of the later ones (what each keystroke
costs). Each result is checked against the first call's, so a faster call that answers
differently fails the benchmark. ``--profile DIR`` writes one cProfile file per (case, function,
call).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from ssot_lint.run.cache import RACY_SECONDS  # noqa: E402

RULE = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = {{ "{old}" = "{new}" }}\n'


def small_project(root: Path) -> None:
    """The review's project: ``pkg.old`` re-exports ``X`` from ``pkg.new``."""
    (root / "pkg").mkdir(parents=True)
    (root / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\n')
    (root / "rules.toml").write_text(RULE.format(old="pkg.old", new="pkg.new"))
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "new.py").write_text("X = 1\n")
    (root / "pkg" / "old.py").write_text("from pkg.new import X\n")


def generated(root: Path, files: int) -> tuple[str, str]:
    small_project(root)
    for i in range(files):
        (root / "pkg" / f"g{i}.py").write_text(f"import os\nclass Helper{i}: ...\ndef f{i}():\n    return {i}\n" * 20)
    return "pkg/app.py", "from pkg.old import X\nprint(X)\n"


def django(root: Path) -> tuple[str, str]:
    from corpora import CORPORA, ensure

    shutil.copytree(ensure(CORPORA["django"]), root, dirs_exist_ok=True)  # django/ and its tests/: 2,818 files
    (root / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\n')
    (root / "rules.toml").write_text(RULE.format(old="django.conf.urls", new="django.urls"))
    path = "django/contrib/flatpages/urls.py"
    text = (root / path).read_text()
    assert "from django.urls import path" in text, "the buffer's import moved: pick another file"
    return path, text.replace("from django.urls import path", "from django.conf.urls import include\nfrom django.urls import path")


def many(root: Path, findings: int) -> tuple[str, str]:
    small_project(root)
    return "pkg/app.py", "".join(f"from pkg.old import X as X{i}\n" for i in range(findings))


def plain(root: Path, imports: int) -> tuple[str, str]:
    small_project(root)
    lines = ("import pkg.old\nprint(pkg.old.X)\n" if i % 2 == 0 else f"import pkg.old as o{i}\nprint(o{i}.X)\n" for i in range(imports))
    return "pkg/app.py", "".join(lines)


def timed(call: Callable[[], Any], profile: Path | None) -> tuple[float, float, Any]:
    """Seconds of wall-clock time and of this process's CPU time ``call`` took, and its result."""
    profiler = cProfile.Profile(time.process_time) if profile is not None else None  # CPU time: the machine may be busy
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    result = call()
    if profiler is not None:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None and profile is not None:
        profiler.dump_stats(str(profile))
    return elapsed, cpu, result


def ruff_seconds(root: Path, path: str, text: str, calls: int) -> float | None:
    """The median of ``calls`` runs of ruff's one-file check of ``text`` at ``path`` (None: no ruff)."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        return None
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        subprocess.run([ruff, "check", "--no-cache", "--stdin-filename", path, "-"], input=text.encode(), cwd=root, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cli_fix_seconds(root: Path, path: str, text: str, calls: int) -> tuple[float, str]:
    """The median of ``calls`` runs of ``ssot-lint fix`` on the file at ``path`` holding
    ``text`` (written again before each run), and the fixed text (the same every run)."""
    ssot_lint = shutil.which("ssot-lint", path=str(Path(sys.executable).parent)) or "ssot-lint"
    times, fixed = [], None
    for i in range(calls):
        (root / path).write_text(text)
        started = time.perf_counter()
        subprocess.run([ssot_lint, "fix", "--no-cache", "-j", "1", path], cwd=root, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        after = (root / path).read_text()
        if fixed is not None and after != fixed:
            raise SystemExit(f"ssot-lint fix: run {i + 1} wrote a different text from the first")
        fixed = after
    (root / path).unlink()
    assert fixed is not None
    return statistics.median(times), fixed


def summary(findings: list[Any]) -> list[tuple[Any, ...]]:
    return [(f.rule_id, f.line, f.col, f.applicability, f.message) for f in findings]


def measure(name: str, root: Path, path: str, text: str, calls: int, profile: Path | None, cli: bool = False, keep: Path | None = None) -> list[str]:
    from ssot_lint import api
    from ssot_lint.run.parallel import forbid_workers

    forbid_workers()  # as the language server does: what a call costs is this process's time
    project = api.load_project(root / "ssot-lint.toml")
    rows = []
    for label, call, key in (
        ("check_source", lambda: api.check_source(root / path, text, config=project), summary),
        ("fix_source", lambda: api.fix_source(root / path, text, config=project), lambda fixed: (fixed.code, fixed.fixed, fixed.reasons)),
    ):
        times, cpus, first = [], [], None
        for i in range(calls):
            seconds, cpu, result = timed(call, profile / f"{name}-{label}-{i}.prof" if profile is not None else None)
            if first is None:
                first = key(result)
            elif key(result) != first:
                raise SystemExit(f"{name} {label}: call {i + 1} answered differently from the first")
            times.append(seconds)
            cpus.append(cpu)
        later, later_cpu = (statistics.median(times[1:]), statistics.median(cpus[1:])) if len(times) > 1 else (float("nan"), float("nan"))
        detail = f"{len(first)} findings" if label == "check_source" and isinstance(first, list) else f"{first[1]} fixed" if isinstance(first, tuple) else ""
        rows.append(f"| {name} | {label} | {times[0]:.3f} s ({cpus[0]:.3f}) | {later:.3f} s ({later_cpu:.3f}) | {detail} |")
        if keep is not None and label == "fix_source":
            assert isinstance(first, tuple)
            (keep / f"{name.replace(' ', '-')}.fix_source.py").write_text(first[0])
    if cli:
        seconds, fixed = cli_fix_seconds(root, path, text, calls)
        rows.append(f"| {name} | ssot-lint fix (process) | {seconds:.3f} s | | |")
        if keep is not None:
            (keep / f"{name.replace(' ', '-')}.fix.py").write_text(fixed)
    peer = ruff_seconds(root, path, text, calls)
    rows.append(f"| {name} | ruff check --stdin-filename | {peer:.3f} s | | |" if peer is not None else f"| {name} | ruff: not installed | | | |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=["generated", "django", "many", "plain"], action="append", help="default: all four")
    parser.add_argument("--calls", type=int, default=5, help="calls of each function per case (the first, then the later ones)")
    parser.add_argument("--files", type=int, default=3000, help="modules of the generated project")
    parser.add_argument(
        "--findings",
        type=int,
        nargs="+",
        help="deprecated imports in the buffer of the many case (default 50 200 800) or the plain case (default 100 200 400 800 1600)",
    )
    parser.add_argument(
        "--keep", type=Path, help="write the fixed texts (fix_source's, and ssot-lint fix's in the plain case) into this directory, to compare runs"
    )
    parser.add_argument("--profile", type=Path, help="write a cProfile file per call into this directory")
    args = parser.parse_args()
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        from ssot_lint.analysis import parsing

        # fix_source fixes on a thread of its own (deep trees need its stack); cProfile sees only
        # this one, so fix here while profiling (the cases' texts are shallow).
        parsing.on_analysis_thread = lambda call, *args: call(*args)  # type: ignore[assignment]
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    rows = ["| case | call | first call (CPU) | later calls, median (CPU) | result |", "| --- | --- | ---: | ---: | --- |"]
    for case in args.case or ["generated", "django", "many", "plain"]:
        sizes = {"many": [50, 200, 800], "plain": [100, 200, 400, 800, 1600]}
        for findings in (args.findings or sizes[case]) if case in sizes else [0]:
            with tempfile.TemporaryDirectory(prefix="ssot-lint-source-bench-") as work:
                root = Path(work)
                if case == "generated":
                    path, text = generated(root, args.files)
                    name = f"generated {args.files} files"
                elif case == "django":
                    path, text = django(root)
                    name = "Django 5.2.8"
                elif case == "many":
                    path, text = many(root, findings)
                    name = f"{findings} findings, 5 files"
                else:
                    path, text = plain(root, findings)
                    name = f"{findings} plain imports, 5 files"
                # A file younger than the racy window is not kept between calls (it may change
                # again within its timestamp's tick): an editor's project is older than that.
                time.sleep(RACY_SECONDS + 0.5)
                before = len(rows)
                rows += measure(name.replace(" ", "-") if args.profile else name, root, path, text, args.calls, args.profile, case == "plain", args.keep)
                print(*rows[before:], sep="\n", file=sys.stderr, flush=True)
    print("\n".join(rows))
    print(f"\n{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
