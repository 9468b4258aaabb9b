"""Run ssot-lint over a real corpus (default: this interpreter's standard library, test suite
included) and account for every file: scanned, parse errors by reason, crashes, wall time.

    python benchmarks/stdlib_corpus.py                       # the stdlib, cold (no cache)
    python benchmarks/stdlib_corpus.py /path/to/tree --cache-dir /tmp/c --json summary.json

Rules: a single-implementation rule whose family is every class (`name = "."`) and a
duplicate-definition rule over classes and functions, so every file with a class, def or
assignment is parsed; the shipped rules; and a deprecated-import rule mapping a few widely
imported standard modules, so that `fix --diff` rewrites hundreds of real files.

A crash is: an exit status other than 0 or 1 (a signal, an internal error), a traceback on
stderr, or a file in scope that the report does not account for. When a run crashes, the files
are re-run in groups, then one by one, to name the culprit. Exit status: 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXCLUDED_DIRS = ("site-packages", "__pycache__")

CORPUS_RULES = """
[[rule]]
id = "ALL001"
kind = "single-implementation"
description = "Every class is in the family: forces a parse of every file with a class or an assignment."
name = "."
max = 1000000

[[rule]]
id = "DUP001"
kind = "duplicate-definition"
description = "Top-level classes and functions defined in several modules."
functions = true
severity = "info"

[[rule]]
id = "FIX001"
kind = "deprecated-import"
description = "Pretend a few common modules moved, so that fix rewrites real imports."
severity = "info"
[rule.replace]
"collections:OrderedDict" = "collections.ordered:OrderedDict"
"typing:Optional" = "typing_extensions:Optional"
"string" = "strings"
"os.path" = "posixpath"
"""


@dataclass
class Run:
    returncode: int
    seconds: float
    stdout: bytes
    stderr: bytes
    timed_out: bool = False

    def crash(self) -> str | None:
        """Why this run counts as a crash, or None."""
        if self.timed_out:
            return "timed out"
        if self.returncode not in (0, 1):
            return f"exit status {self.returncode}" + (f" (signal {-self.returncode})" if self.returncode < 0 else "")
        for line in self.stderr.decode(errors="replace").splitlines():
            if line.startswith(("Traceback (most recent call last)", "ssot-lint: internal error")):
                return line
        return None


@dataclass
class Summary:
    root: str
    cached: bool
    in_scope: int = 0
    scanned: int = 0
    parse_errors: int = 0
    prefiltered_for_parse: int = 0
    cpython_rejects: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    crashes: list = field(default_factory=list)
    check_seconds: float = 0.0
    fix_seconds: float = 0.0
    fix_headline: str = ""
    fix_refusals: Counter = field(default_factory=Counter)
    fix_changed: int = 0
    fix_idempotent: bool = False
    disagreements: list = field(default_factory=list)


def files_in_scope(root: Path) -> list[str]:
    """The walk ssot-lint's discovery does, done independently: *.py/*.pyi, symlinked
    directories not followed, site-packages and __pycache__ left out."""
    found = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
        found.extend(os.path.join(directory, n) for n in names if n.endswith((".py", ".pyi")))
    return sorted(found)


def write_project(work: Path, cache_dir: str | None, extra_rules: Sequence[str]) -> Path:
    (work / "corpus-rules.toml").write_text(CORPUS_RULES)
    rule_files = ["corpus-rules.toml", (REPO / "rules" / "websocket-ssot.toml").as_posix(), *(Path(r).resolve().as_posix() for r in extra_rules)]
    config = work / "ssot-lint.toml"
    config.write_text(
        f"rule-files = {json.dumps(rule_files)}\n"
        f"exclude = {json.dumps([d + '/' for d in EXCLUDED_DIRS])}\n"
        "respect-gitignore = false\n" + (f"cache-dir = {json.dumps(cache_dir)}\n" if cache_dir else "")
    )
    return config


def ssot_lint(args: list[str], cwd: Path, timeout: float) -> Run:
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", "ssot_lint", *args], cwd=cwd, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return Run(-1, time.perf_counter() - started, exc.stdout or b"", exc.stderr or b"", timed_out=True)
    return Run(done.returncode, time.perf_counter() - started, done.stdout, done.stderr)


def reason_of(message: str) -> str:
    """A parse error's reason without the parts that vary per file (positions, sizes)."""
    message = re.sub(r"error at \d+:\d+: .*", "error at L:C: ...", message)
    return re.sub(r"\d[\d,]*", "N", message) if message.startswith("not analyzed") else message


def cpython_verdicts(files: list[str]) -> dict[str, str | None]:
    """CPython's own parse of each file (bytes in, so coding cookies count): None when it parses."""
    verdicts: dict[str, str | None] = {}
    for path in files:
        try:
            with open(path, "rb") as handle:
                ast.parse(handle.read(), path)
            verdicts[path] = None
        except BaseException as exc:  # noqa: BLE001 - SyntaxError, ValueError, MemoryError, OSError ...
            verdicts[path] = f"{type(exc).__name__}: {exc}"
    return verdicts


def prefilter_selects(files: list[str], config: Path) -> set[str]:
    """The files some rule's prefilter selects (ssot-lint parses exactly these, when they decode)."""
    sys.path.insert(0, str(REPO))
    from ssot_lint.analysis.parsing import SourceError, decode_source
    from ssot_lint.config.rulefile import load_rule_files
    from ssot_lint.config.settings import load_config
    from ssot_lint.run.module_names import ModuleNamer

    cfg = load_config(config)
    rules = load_rule_files(cfg.rule_files).rules
    namer = ModuleNamer([])
    selected = set()
    for path in files:
        try:
            with open(path, "rb") as handle:
                text = decode_source(handle.read())
        except (OSError, SourceError):
            continue
        ref = namer.ref(path, path)
        if any(rule.needs_parse(text, ref) for rule in rules):
            selected.add(path)
    return selected


def locate_crash(files: list[str], config: Path, work: Path, timeout: float, group: int = 64) -> list[str]:
    """The files whose own run crashes: groups first, then each file of a crashing group."""
    culprits = []
    for start in range(0, len(files), group):
        chunk = files[start : start + group]
        if ssot_lint(["check", "--config", str(config), "--no-cache", "--no-baseline", "-q", *chunk], work, timeout).crash() is None:
            continue
        for path in chunk:
            why = ssot_lint(["check", "--config", str(config), "--no-cache", "--no-baseline", "-q", path], work, timeout).crash()
            if why:
                culprits.append(f"{path}: {why}")
    return culprits


def run_corpus(root: Path, cache_dir: str | None, timeout: float, work: Path, extra_rules: Sequence[str] = ()) -> Summary:
    summary = Summary(str(root), cache_dir is not None)
    config = write_project(work, cache_dir, extra_rules)
    files = files_in_scope(root)
    summary.in_scope = len(files)
    cache = [] if cache_dir else ["--no-cache"]
    report_path = work / "report.json"
    check = ssot_lint(["check", "--config", str(config), *cache, "--no-baseline", "-q", "-o", f"json:{report_path}", str(root)], work, timeout)
    summary.check_seconds = check.seconds
    why = check.crash()
    if why or not report_path.is_file():
        summary.crashes.append(f"check: {why or 'no report written'}: {check.stderr.decode(errors='replace').strip()[-500:]}")
        summary.crashes += locate_crash(files, config, work, timeout)
        return summary
    report = json.loads(report_path.read_text(encoding="utf-8"))
    summary.scanned, summary.parse_errors = report["files"]["scanned"], report["files"]["parse_errors"]
    if summary.scanned + summary.parse_errors != summary.in_scope:
        summary.crashes.append(f"files unaccounted for: {summary.in_scope} in scope, {summary.scanned} scanned + {summary.parse_errors} parse errors")
    errors = {}
    for finding in report["findings"]:
        if finding["rule"] == "SSOT000":
            path = os.path.normpath(os.path.join(work, finding["path"]))
            errors[path] = finding["message"]
            reason = reason_of(finding["message"])
            summary.reasons[reason] += 1
            summary.examples.setdefault(reason, os.path.relpath(path, root) + f":{finding['line']}:{finding['col']}")
    strays = sorted(set(errors) - set(files))
    if strays:
        summary.crashes.append(f"parse errors for files not in scope: {strays[:5]}")
    selected = prefilter_selects(files, config)
    summary.prefiltered_for_parse = len(selected)
    verdicts = cpython_verdicts(files)
    summary.cpython_rejects = sum(1 for v in verdicts.values() if v is not None)
    for path, verdict in verdicts.items():
        shown = os.path.relpath(path, root)
        if verdict is not None and path not in errors:
            # by design: no rule's prefilter selects the file, or the statements CPython rejects
            # are ones no rule needed and the file yielded nothing (see chunks.py)
            why = "no rule selects it (never parsed)" if path not in selected else "its invalid statements are ones no rule needed"
            summary.disagreements.append(f"CPython rejects, ssot-lint reports nothing ({why}): {shown}: {verdict}")
        elif verdict is None and path in errors:
            summary.disagreements.append(f"CPython parses, ssot-lint reports SSOT000: {shown}: {errors[path]}")
    fix_corpus(root, files, verdicts, config, work, timeout, summary)
    return summary


def fix_corpus(root: Path, files: list[str], verdicts: dict[str, str | None], config: Path, work: Path, timeout: float, summary: Summary) -> None:
    """fix --diff, then fix (unsafe fixes too), on a copy: only the files the diff names change, every changed file
    CPython parsed still parses, and a second fix finds nothing to do."""
    copy = work / "copy"
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(*EXCLUDED_DIRS))
    # The mapped modules lie outside the corpus (or do not exist in it), so no rewrite can be
    # verified: --unsafe-fixes, to exercise the rewriting of real files all the same.
    cache = ["--cache-dir", str(work / "fix-cache"), "--unsafe-fixes"]  # cold on the first run, then reused
    diff = ssot_lint(["fix", "--config", str(config), *cache, "--diff", str(copy)], work, timeout)
    summary.fix_seconds = diff.seconds
    stderr = diff.stderr.decode(errors="replace").splitlines()
    summary.fix_headline = next((line for line in stderr if " would change, " in line), "")
    for line in stderr:
        if line.startswith("ssot-lint: warning: "):
            summary.fix_refusals[re.sub(r"line \d+", "line N", line.split(": not fixed: ", 1)[-1])] += 1
    named = {
        os.path.normpath(os.path.join(work, line[6:].rstrip("\n")))
        for line in diff.stdout.decode(errors="replace").splitlines(True)
        if line.startswith("+++ b/")
    }
    write = ssot_lint(["fix", "--config", str(config), *cache, str(copy)], work, timeout)
    again = ssot_lint(["fix", "--config", str(config), *cache, "--diff", str(copy)], work, timeout)
    for name, run in (("fix --diff", diff), ("fix", write), ("second fix --diff", again)):
        why = run.crash()
        if why:
            summary.crashes.append(f"{name}: {why}")
    changed, broken = set(), []
    for path in files:
        twin = os.path.join(copy, os.path.relpath(path, root))
        if os.path.isfile(twin) and not os.path.islink(twin):
            with open(path, "rb") as a, open(twin, "rb") as b:
                if a.read() != b.read():
                    changed.add(twin)
                    if verdicts[path] is None and cpython_verdicts([twin])[twin] is not None:
                        broken.append(os.path.relpath(path, root))
    summary.fix_changed = len(changed)
    if changed != named:
        summary.crashes.append(f"fix changed files its diff did not name, or the reverse: {sorted(changed ^ named)[:5]}")
    if broken:
        summary.crashes.append(f"files that parsed before fix and do not after: {broken[:5]}")
    summary.fix_idempotent = again.stdout == b"" and any(line.startswith("0 files would change") for line in again.stderr.decode(errors="replace").splitlines())
    if not summary.fix_idempotent:
        summary.crashes.append("a second fix would change files again")


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs{' (' + model + ')' if model else ''}; "
        f"Python {platform.python_version()}, libcst {version('libcst')}"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(summary: Summary) -> str:
    lines = [
        f"Corpus: `{summary.root}` (site-packages and `__pycache__` left out), {datetime.date.today().isoformat()}, {machine()}.",
        "",
        "| | count |",
        "| --- | ---: |",
        f"| files in scope | {summary.in_scope:,} |",
        f"| files scanned | {summary.scanned:,} |",
        f"| parse errors (SSOT000) | {summary.parse_errors:,} |",
        f"| files a rule's prefilter selected (parsed, in part or whole) | {summary.prefiltered_for_parse:,} |",
        f"| files CPython itself rejects | {summary.cpython_rejects:,} |",
        f"| crashes | {len(summary.crashes)} |",
        f"| `check` wall time ({'with the cache' if summary.cached else 'cold, no cache'}) | {summary.check_seconds:.0f} s |",
        f"| `fix --diff` wall time (cold) | {summary.fix_seconds:.0f} s |",
        "",
        "| parse error reason | files | first file |",
        "| --- | ---: | --- |",
    ]
    lines += [f"| {_cell(reason)} | {count} | `{summary.examples[reason]}` |" for reason, count in summary.reasons.most_common()]
    lines += ["", f"`fix --diff` (on a copy): {summary.fix_headline or '(no summary)'}"]
    lines += [f"- not fixed ({count}): {reason}" for reason, count in summary.fix_refusals.most_common()]
    lines += [
        f"`fix` then changed {summary.fix_changed} file{'' if summary.fix_changed == 1 else 's'}, exactly those the diff named; a second `fix --diff`"
        f" {'found nothing to do' if summary.fix_idempotent else 'WOULD CHANGE FILES AGAIN'}."
    ]
    if summary.disagreements:
        lines += ["", "Where ssot-lint and CPython's parser disagree:"] + [f"- {d}" for d in summary.disagreements]
    if summary.crashes:
        lines += ["", "CRASHES:"] + [f"- {c}" for c in summary.crashes]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", default=sysconfig.get_paths()["stdlib"], help="corpus directory (default: the stdlib)")
    parser.add_argument("--cache-dir", help="use (and fill) this result cache instead of a cold run")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a run counts as hung")
    parser.add_argument("--json", dest="json_path", help="also write the summary as JSON here")
    parser.add_argument("--rules", action="append", default=[], help="an extra rule file (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssot-corpus-") as work:
        summary = run_corpus(Path(args.root).resolve(), args.cache_dir, args.timeout, Path(work), args.rules)
    print(markdown(summary), end="")
    if args.json_path:
        data = {k: (dict(v) if isinstance(v, Counter) else v) for k, v in vars(summary).items()}
        Path(args.json_path).write_text(json.dumps(data, indent=2) + "\n")
    return 1 if summary.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
