"""ssot-lint on real public code, beside ruff in the same run: speed, memory, findings, fix safety.

    python benchmarks/real_world.py                           # all three corpora, ~15 min
    python benchmarks/real_world.py --corpora django --repeat 1 --no-fix --no-history   # a quick look
    python benchmarks/real_world.py --out /tmp/real_world.md

For each corpus of corpora.py (downloaded and verified on first use) and its rule file in
benchmarks/rules/<name>.toml:

- ssot-lint ``check`` cold (``--no-cache``), warm (the same command again: a replay) and warm from
  the result cache only (replay memos deleted before each run), beside ruff cold (``--no-cache``)
  and warm with ``--select I`` (import sorting: every file read and parsed) and with
  ``flake8-tidy-imports.banned-api`` for the rule file's deprecated paths. "vs ruff" divides by
  ruff ``I`` in the same mode. Wall time is the median of ``--repeat`` runs.
- Peak RSS from ``/usr/bin/time -v`` ("Maximum resident set size": the largest single process),
  and the peak of the summed resident sets of the process and its workers (sampled from /proc
  every 10 ms), since ssot-lint runs worker processes. The sums come from one more, untimed round
  of each command: the sampler's own CPU would slow the timed runs (measure.py).
- With a corpus whose rule file has deprecated-import rules and an unresolved-import rule (Django):
  on a copy, ``fix --diff`` and then ``fix`` with the deprecated-import rules, and the
  unresolved-import findings before and after: the imports the fix made that do not resolve.
- ``history`` over release_history.py's 13 Django releases, cold and again (snapshots reused).

Home Assistant needs Python 3.13 (ssot-lint parses with its interpreter's ``ast``): it is checked
with ``--ssot-lint-313`` (default: .venv313/bin/ssot-lint in this checkout), or skipped with a note.
Prints a Markdown report to stdout (and to --out); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpora  # noqa: E402
import release_history  # noqa: E402

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from measure import Failed, Run, fmt_ratio, load, machine, ratio, run, version_of  # noqa: E402  (the shared measuring core)

LABELS = ("default", "I", "banned-api")  # the ruff selections compared with, in the table's order


@dataclass
class Row:
    tree: str
    tool: str
    mode: str
    runs: list[Run] = field(default_factory=list)
    sampled: list[Run] = field(default_factory=list)  # untimed runs whose summed memory was sampled
    findings: str = ""
    note: str = ""
    baselines: dict[str, Row] = field(default_factory=dict)  # the ruff rows this one is compared with, by label

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    def cells(self) -> list[str]:
        ratios = [fmt_ratio(ratio(self.runs, self.baselines[label].runs)) if label in self.baselines else "" for label in LABELS]
        cpu_ratio = fmt_ratio(ratio(self.runs, self.baselines["default"].runs, cpu=True)) if "default" in self.baselines else ""
        if not self.runs:
            return [self.tree, self.tool, self.mode, "", *[""] * len(LABELS), "", "", "", "", self.note or self.findings]
        max_rss = max(r.max_rss_kib for r in (*self.runs, *self.sampled)) / 1024
        tree_rss = max(r.tree_rss_kib for r in (self.sampled or self.runs)) / 1024
        text = "; ".join(x for x in (self.findings, self.note) if x)
        cpu = statistics.median(r.cpu for r in self.runs)
        return [self.tree, self.tool, self.mode, f"{self.wall:.2f}", *ratios, f"{cpu:.2f}", cpu_ratio, f"{max_rss:.0f}", f"{tree_rss:.0f}", text]


def say(message: str) -> None:
    print(f"real_world.py: {message}", file=sys.stderr, flush=True)


# --- what a rule file asks for ---------------------------------------------------------------


@dataclass
class RuleFile:
    path: Path
    rules: list[dict]

    @classmethod
    def load(cls, path: Path) -> RuleFile:
        return cls(path, tomllib.loads(path.read_text())["rule"])

    def ids(self, kind: str) -> list[str]:
        return [r["id"] for r in self.rules if r["kind"] == kind]

    def deprecated_paths(self) -> list[str]:
        """Dotted paths for ruff's banned-api (``pkg.mod`` or ``pkg.mod.Member``)."""
        paths = []
        for rule in self.rules:
            if rule["kind"] == "deprecated-import":
                paths += [key.replace(":", ".") for key in rule.get("replace", {})]
        return paths

    def member_renames(self) -> list[tuple[str, str]]:
        """(old member, new member) pairs with different names: ``fix`` binds them ``new as old``."""
        pairs = []
        for rule in self.rules:
            for key, value in rule.get("replace", {}).items() if rule["kind"] == "deprecated-import" else ():
                if ":" in key and ":" in value and key.split(":")[1] != value.split(":")[1]:
                    pairs.append((key.split(":")[1], value.split(":")[1]))
        return pairs


def rule_counts(report_json: bytes) -> tuple[dict[str, str], dict]:
    """Per-rule counts from a JSON report (``>=N`` where an import-cycle search stopped early)."""
    report = json.loads(report_json)
    counts = {}
    for rule in report["rules"]:
        complete = (rule.get("details") or {}).get("complete", True)
        counts[rule["id"]] = f"{'≥' if not complete else ''}{rule['count']}"
    parse_errors = report["files"]["parse_errors"]
    if parse_errors:
        counts["SSOT000"] = str(parse_errors)
    return counts, report


def fmt_counts(counts: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


# --- the runs ---------------------------------------------------------------------------------


def check_rows(tree: str, root: Path, exe: str, rules: RuleFile, work: Path, repeat: int, target: str) -> list[Row]:
    """ruff and ssot-lint cold, warm and with one file edited, interleaved run by run so that each
    comparison sees the same load."""
    ruff_base = ["ruff", "check", "--isolated", "--output-format", "json", "--target-version", target, "--exit-zero"]
    selections = {"default": [], "I": ["--select", "I"]}
    banned = rules.deprecated_paths()
    if banned:
        table = ", ".join(f'"{p}" = {{ msg = "deprecated" }}' for p in banned)
        selections["banned-api"] = ["--select", "TID251", "--config", f"lint.flake8-tidy-imports.banned-api = {{ {table} }}"]
    ssot_cache = work / f"ssot-cache-{tree}"
    ssot = [exe, "check", "--rules", str(rules.path), "--cache-dir", str(ssot_cache), "-o", "json", "--no-color"]
    edited = edit_target(root)
    original = edited.read_bytes()

    def ruff(label: str, cache: bool) -> list[str]:
        where = ["--cache-dir", str(work / f"ruff-cache-{tree}-{label}")] if cache else ["--no-cache"]
        return [*ruff_base, *selections[label], *where, "."]

    modes = ("cold", "warm", "1 edited")
    ruff_rows = {(label, mode): Row(tree, f"ruff {label}", mode) for mode in modes for label in selections}
    cold = Row(tree, "ssot-lint", "cold (--no-cache)", baselines={label: ruff_rows[label, "cold"] for label in selections})
    warm = Row(tree, "ssot-lint", "warm (replay)", baselines={label: ruff_rows[label, "warm"] for label in selections})
    cache_only = Row(tree, "ssot-lint", "warm (cache only)", baselines=warm.baselines)
    one_edited = Row(tree, "ssot-lint", "1 edited", baselines={label: ruff_rows[label, "1 edited"] for label in selections})
    for label in selections:
        shutil.rmtree(work / f"ruff-cache-{tree}-{label}", ignore_errors=True)
    shutil.rmtree(ssot_cache, ignore_errors=True)

    # Round 0 of each loop is the memory round: its runs are sampled and not timed (the sampler's
    # CPU would slow the timed runs); the rounds after it are timed.
    def take(row: Row, command: list[str], memory_round: bool) -> None:
        if memory_round:
            row.sampled.append(run(command, root))
        else:
            row.runs.append(run(command, root, sample=False))

    for n in range(repeat + 1):
        for label in selections:
            take(ruff_rows[label, "cold"], ruff(label, cache=False), n == 0)
        take(cold, [*ssot, "--no-cache"], n == 0)
    for label in selections:
        run(ruff(label, cache=True), root)  # fill the cache
    run(ssot, root)  # fill the result cache and record the replay memo
    try:
        for n in range(repeat + 1):
            for label in selections:
                take(ruff_rows[label, "warm"], ruff(label, cache=True), n == 0)
            take(warm, ssot, n == 0)
            shutil.rmtree(ssot_cache / "replay", ignore_errors=True)
            take(cache_only, ssot, n == 0)
            run(ssot, root)  # record the replay memo again for the next warm run
            # One file edited: each tool sees the edit once (ruff first, then ssot-lint, with the same text).
            edited.write_bytes(original + f"\n# benchmark edit {n} of {tree}\n".encode())
            for label in selections:
                take(ruff_rows[label, "1 edited"], ruff(label, cache=True), n == 0)
            take(one_edited, ssot, n == 0)
            edited.write_bytes(original)
            for label in selections:
                run(ruff(label, cache=True), root)
            run(ssot, root)
    finally:
        edited.write_bytes(original)
    for row in ruff_rows.values():
        found = json.loads(row.runs[-1].stdout or b"[]")
        row.findings = fmt_counts({code: str(n) for code, n in sorted(Counter(d["code"] or "syntax" for d in found).items())}) or "0"
    counts, _ = rule_counts(cold.runs[-1].stdout)
    cold.findings = fmt_counts(counts)
    for row in (warm, cache_only, one_edited):
        row.findings = "same" if rule_counts(row.runs[-1].stdout)[0] == counts else fmt_counts(rule_counts(row.runs[-1].stdout)[0])
    say(f"{tree}: ssot-lint cold {cold.wall:.2f}s warm {warm.wall:.2f}s cache-only {cache_only.wall:.2f}s 1 edited {one_edited.wall:.2f}s")
    return [*ruff_rows.values(), cold, warm, cache_only, one_edited]


def edit_target(root: Path) -> Path:
    """The file the "1 edited" runs append a comment to: the largest module of the tree (the
    edit costs its analysis; the project-wide kinds still aggregate every file)."""
    return max((p for p in root.rglob("*.py") if p.is_file()), key=lambda p: (p.stat().st_size, str(p)))


def fix_rows(tree: str, root: Path, exe: str, rules: RuleFile, work: Path) -> tuple[list[Row], list[str]]:
    """fix --diff and fix on a copy; unresolved imports before and after."""
    fixers, resolver = rules.ids("deprecated-import"), rules.ids("unresolved-import")
    copy = work / f"{tree}-fix-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, symlinks=True)
    cache = work / f"ssot-cache-{tree}-fix"
    shutil.rmtree(cache, ignore_errors=True)
    common = ["--rules", str(rules.path), "--cache-dir", str(cache), "--no-cache"]
    say(f"{tree}: fix --diff on a copy (slow: libcst)")
    diffs = []
    for jobs in fix_jobs(exe):
        option = ["-j", jobs] if jobs else []
        diffs.append(
            Row(
                tree,
                "ssot-lint",
                f"fix --diff ({','.join(fixers)}){' -j ' + jobs if jobs else ''}",
                [run([exe, "fix", "--diff", *option, *common, "--select", ",".join(fixers)], copy)],
            )
        )
    diff = diffs[-1]
    summary = _fix_summary(diff.runs[0].stderr)
    for row in diffs:
        row.findings = summary if _fix_summary(row.runs[0].stderr) == summary else _fix_summary(row.runs[0].stderr)
    diff_text = diff.runs[0].stdout.decode(errors="replace")
    renames = Counter()
    for old, new in rules.member_renames():
        renames[f"{new} as {old}"] = len(re.findall(rf"^\+.*\b{re.escape(new)} as {re.escape(old)}\b", diff_text, re.M))
    say(f"{tree}: fix on the copy")
    apply = Row(tree, "ssot-lint", f"fix ({','.join(fixers)})", [run([exe, "fix", *common, "--select", ",".join(fixers)], copy)])
    apply.findings = _fix_summary(apply.runs[0].stderr)
    notes = []
    if resolver:
        check = [exe, "check", *common, "--select", ",".join(resolver), "-o", "json"]
        before = json.loads(run(check, root).stdout)
        after_run = run(check, copy)
        after = json.loads(after_run.stdout)
        key = lambda f: (f["path"], f["message"])  # noqa: E731  (lines move when statements are split)
        old = Counter(key(f) for f in before["findings"] if f["rule"] in resolver)
        new = Counter(key(f) for f in after["findings"] if f["rule"] in resolver)
        introduced = new - old
        names = Counter(re.sub(r"^unresolved import: ", "", msg) for (_, msg) in introduced.elements())
        check_row = Row(tree, "ssot-lint", f"check {','.join(resolver)} after fix", [after_run])
        check_row.findings = f"{sum(old.values())} before, {sum(new.values())} after: {sum(introduced.values())} new unresolved imports"
        rows = [*diffs, apply, check_row]
        notes.append(
            f"\n**{tree}: unresolved imports the fix introduced** ({sum(introduced.values())}; before {sum(old.values())}, after {sum(new.values())}), by message:\n"
        )
        notes += [f"- {n} × {msg}" for msg, n in names.most_common(25)] or ["- none"]
        if len(names) > 25:
            notes.append(f"- ... and {len(names) - 25} more kinds")
    else:
        rows = [*diffs, apply]
    for rewrite, n in renames.items():
        if n:
            notes.append(f"\n**{tree}: `{rewrite}` rewrites** (the old name now bound to the new member, whatever it is): {n}")
    return rows, notes


def fix_jobs(exe: str) -> list[str]:
    """``fix --diff`` with 1 and 2 jobs where ``fix`` takes ``--jobs`` (it runs on the worker pool), else once."""
    return ["1", "2"] if "--jobs" in version_of([exe, "fix", "--help"], whole=True) else [""]


def _fix_summary(stderr: bytes) -> str:
    for line in stderr.decode(errors="replace").splitlines():
        if re.match(r"^\d+ files? (would )?change", line) or re.match(r"^\d+ files? (would be )?(changed|unchanged)", line):
            return line.rstrip(":")
    lines = stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else ""


def history_rows(exe: str, work: Path, cache: Path, rules_path: Path, select: str) -> list[Row]:
    say("history: building the Django release repository (first time: ~2 min)")
    repo = release_history.build(cache / "django-history", release_history.RELEASES, cache, log=lambda *a, **k: None)
    shutil.rmtree(repo / ".ssot-lint", ignore_errors=True)
    result_cache = work / "ssot-cache-history"
    shutil.rmtree(result_cache, ignore_errors=True)
    command = [exe, "history", "--rules", str(rules_path), "--select", select, "--cache-dir", str(result_cache), "--no-color"]
    cold = Row("Django 5.0 .. 5.1.4 (13 releases)", "ssot-lint", "history, cold", [run(command, repo)])
    again = Row(cold.tree, "ssot-lint", "history, again", [run(command, repo)])
    for row in (cold, again):
        tail = [line for line in row.runs[0].stderr.decode(errors="replace").splitlines() if "snapshots" in line]
        row.findings = tail[-1].removeprefix("ssot-lint: ") if tail else ""
    say(f"history: cold {cold.wall:.1f}s again {again.wall:.1f}s")
    return [cold, again]


def tree_size(root: Path) -> tuple[int, int]:
    files = lines = 0
    for path in root.rglob("*"):
        if path.suffix in (".py", ".pyi") and path.is_file():
            files += 1
            with open(path, "rb") as handle:
                lines += handle.read().count(b"\n")
    return files, lines


def git_describe() -> str:
    done = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "ssot_lint"], capture_output=True, text=True).stdout.strip()
    return (done.stdout.strip() or "?") + (" (ssot_lint/ modified)" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="homeassistant,django,sympy", help="comma-separated corpus names (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--ssot-lint", default=shutil.which("ssot-lint") or "ssot-lint", help="the ssot-lint to measure (default: on PATH)")
    parser.add_argument("--ssot-lint-313", default=str(REPO / ".venv313" / "bin" / "ssot-lint"), help="an ssot-lint running on Python 3.13, for Home Assistant")
    parser.add_argument("--cache", type=Path, default=None, help=f"corpora cache (default: {corpora.default_dest()})")
    parser.add_argument("--work", type=Path, default=None, help="scratch directory for caches and the fix copy (default: a temporary one)")
    parser.add_argument("--no-fix", action="store_true", help="skip the fix runs (they take minutes)")
    parser.add_argument("--no-history", action="store_true", help="skip the history runs")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.corpora.split(",") if n.strip()]
    unknown = [n for n in names if n not in corpora.CORPORA]
    if unknown or args.repeat < 1:
        parser.error(f"unknown corpus {unknown[0]!r}" if unknown else "--repeat must be at least 1")
    if shutil.which("ruff") is None:
        parser.error("ruff is not installed (pip install -e '.[bench]')")
    cache = args.cache or corpora.default_dest()
    work = args.work or Path(tempfile.mkdtemp(prefix="ssot-real-world-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    header = [
        f"# ssot-lint on real code ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        f"- machine: {machine()}, load average at start {load()}",
        f"- {version_of([args.ssot_lint, '--version'])} at {git_describe()}; {version_of(['ruff', '--version'])}",
        f"- Python for ssot-lint: {version_of([str(Path(args.ssot_lint).parent / 'python'), '--version'])}; for Home Assistant: {version_of([str(Path(args.ssot_lint_313).parent / 'python'), '--version'])}",
        f"- wall: median of {args.repeat}; 'vs ruff X' = the median of run-by-run ratios ssot-lint / ruff X, same tree, same mode"
        " (cold vs cold, warm vs warm, 1 edited vs 1 edited), the tools' runs alternating so each pair sees the same load from"
        " other jobs. ruff `default` is `ruff check --isolated` (the installed ruff's default rule set, which the findings list: every"
        " file parsed, and pyflakes' bindings and imports resolved per file, the same work as ssot-lint's summaries): the peer the targets are measured"
        " against. ruff `I` (import sorting) and `banned-api` (TID251 with the rule file's deprecated paths) for comparison;"
        " ruff does not cache files with fixable diagnostics, so its warm `I` run is only faster where the tree is isort-clean."
        " '1 edited' appends a comment to the largest module and runs the warm command once.",
        "- CPU s: user + system seconds (/usr/bin/time -v: the process and its workers), less sensitive to other jobs' load than wall time",
        "- max RSS: /usr/bin/time -v (largest single process); tree RSS: process + workers summed, sampled every 10 ms"
        " in one more run of each command, untimed (the timed runs are not sampled: the sampler's CPU would slow them)",
    ]
    rows: list[Row] = []
    notes: list[str] = []
    try:
        for name in names:
            release = corpora.CORPORA[name]
            root = corpora.ensure(release, cache)
            rules = RuleFile.load(HERE / "rules" / f"{name}.toml")
            files, lines = tree_size(root)
            label = f"{name} {release.version}"
            header.append(f"- {label}: {release.filename} (sha256 {release.sha256[:12]}…), {files:,} Python files, {lines:,} lines")
            exe = args.ssot_lint
            if release.python:
                exe = args.ssot_lint_313
                if not Path(exe).exists() and shutil.which(exe) is None:
                    rows.append(Row(label, "ssot-lint", "-", note=f"skipped: needs an ssot-lint on Python {release.python} (--ssot-lint-313)"))
                    continue
            target = "py313" if release.python == "3.13" else "py310"
            rows += check_rows(label, root, exe, rules, work, args.repeat, target)
            if not args.no_fix and rules.ids("deprecated-import"):
                fixed, fix_notes = fix_rows(label, root, exe, rules, work)
                rows += fixed
                notes += fix_notes
        if not args.no_history:
            dj = RuleFile.load(HERE / "rules" / "django.toml")
            rows += history_rows(args.ssot_lint, work, cache, dj.path, ",".join(dj.ids("deprecated-import") + dj.ids("unresolved-import")))
    except (corpora.CorpusError, release_history.HistoryError, Failed, OSError) as error:
        print(f"real_world.py: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    table = [
        "| tree | tool | mode | wall s | vs ruff default | vs ruff I | vs ruff banned-api | CPU s | CPU vs ruff default | max RSS MiB | tree RSS MiB | findings per rule |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    table += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in rows]
    header.append(f"- finished {datetime.now(timezone.utc):%H:%M} UTC, load average at end {load()}")
    report = "\n".join([*header, "", *table, "", *notes, ""])
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
