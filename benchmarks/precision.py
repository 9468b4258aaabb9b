"""The project-wide kinds on a real corpus: counts before and after a change, findings to check by
hand, and import-cycle's time beside ruff's in the same run.

    python benchmarks/precision.py django --before 059bce2
    python3.13 benchmarks/precision.py homeassistant --before 059bce2   # HA needs 3.13 syntax
    python benchmarks/precision.py sympy --list PW003                   # the findings of one rule, to judge
    python benchmarks/precision.py django --before 059bce2 --diff PW001 # only those that changed

A corpus is a name from ``benchmarks/corpora.py`` (downloaded, verified by sha256 and extracted
once: Home Assistant 2025.4.4's wheel, Django 5.2.8's and SymPy 1.14.0's sdists) or a directory.
The rules are ``precision/common.toml`` (unresolved-import, shim-module, import-cycle with their
defaults) plus ``precision/<corpus>.toml`` when there is one (``homeassistant``: coordinators by
subscripted base; ``django``: built-in signals sent by name). ``--before REF`` runs the same
rules with ssot-lint's package as it was at a git commit of this repository (exported with ``git
archive``), under the same interpreter.

Every run is ``python -m ssot_lint check --no-cache`` in the corpus directory (no replay, no result
cache). Timing: ruff (``ruff check --isolated --no-cache``, its default rules) and ssot-lint with
the import-cycle rule alone, alternately, ``--repeat`` times each; the medians, the import-cycle
aggregation seconds (``--show-timings``) and their ratios to ruff are printed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RULES = HERE / "precision"


def fail(message: str) -> SystemExit:
    """A one-line error on stderr and exit status 2 (no traceback)."""
    print(f"precision.py: {message}", file=sys.stderr)
    return SystemExit(2)


def locate(corpus: str) -> Path:
    """A corpus name of ``corpora.py`` (fetched if needed), else a directory."""
    sys.path.insert(0, str(HERE))
    import corpora  # noqa: PLC0415 - the pinned releases, next to this file

    if corpus in corpora.CORPORA:
        try:
            return corpora.ensure(corpora.CORPORA[corpus])
        except corpora.CorpusError as exc:
            raise fail(str(exc)) from None
    path = Path(corpus).expanduser().resolve()
    if not path.is_dir():
        raise fail(f"{corpus}: not a directory, nor one of {', '.join(corpora.CORPORA)}")
    return path


def corpus_rules(corpus: Path) -> list[Path]:
    name = corpus.name.split("-")[0]
    extra = RULES / f"{name}.toml"
    return [RULES / "common.toml", *([extra] if extra.exists() else [])]


def export(ref: str, into: Path) -> Path:
    """ssot-lint's package as of ``ref``, extracted under ``into`` (a directory for PYTHONPATH)."""
    data = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", ref, "ssot_lint"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(into, filter="data") if sys.version_info >= (3, 12) else archive.extractall(into)  # noqa: S202 - our own repository
    return into


def run_check(code: Path, corpus: Path, python: str, rules: list[Path], *extra: str) -> tuple[dict[str, Any], str, float]:
    """(the JSON report, stderr, wall seconds) of one check with the ssot_lint package in ``code``."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.json"
        command = [python, "-m", "ssot_lint", "check", "--no-cache", "-q", "-o", f"json:{out}", *[f"--rules={r}" for r in rules], *extra, "."]
        env = {"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8"}
        start = time.perf_counter()
        done = subprocess.run(command, cwd=corpus, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - start
        if done.returncode not in (0, 1):
            raise fail(f"ssot-lint failed ({done.returncode}): {done.stderr.strip()}")
        return json.loads(out.read_text()), done.stderr, wall


def summary(report: dict[str, Any]) -> dict[str, str]:
    """One cell per rule: its count and what its details say."""
    cells = {}
    for rule in report["rules"]:
        details = rule.get("details", {})
        text = str(rule["count"])
        if rule["kind"] == "import-cycle" and "groups" in details:
            groups = details["groups"]
            exact = all(g["exact"] for g in groups)
            text += f" ({details['two_cycles']} 2-cycles; groups {[g['modules'] for g in groups]}; {details['cycles'] if exact else 'not all counted'} cycles)"
        elif rule["kind"] == "import-cycle":
            text += f" ({details.get('cycles')} cycles{'' if details.get('complete') else ', search stopped at its limit'}; groups {details.get('tangles')})"
        elif rule["kind"] == "required-events":
            text += f" missing of {len(details['missing']) + len(details['emitted'])}"
        elif rule["kind"] == "unresolved-import" and "shadowed" in details:
            text += f" ({len(details['shadowed'])} shadowed, {len(details['ambiguous'])} ambiguous names)"
        cells[rule["id"]] = text
    return cells


def findings(report: dict[str, Any], rule: str) -> list[str]:
    return [f"{f['path']}:{f['line']}:{f['col']}: {f['message']}" for f in report["findings"] if f["rule"] == rule]


def timing(code: Path, corpus: Path, python: str, rules: list[Path], repeat: int) -> dict[str, float]:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        raise fail("ruff is not installed (pip install -e '.[bench]')")
    cycle = next(r["id"] for r in run_check(code, corpus, python, rules)[0]["rules"] if r["kind"] == "import-cycle")
    ruff_s, ssot_s, aggregate_s = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([ruff, "check", "--isolated", "--no-cache", "--exit-zero", "-q", "."], cwd=corpus, capture_output=True, check=True)
        ruff_s.append(time.perf_counter() - start)
        _, err, wall = run_check(code, corpus, python, rules, "--select", cycle, "--show-timings")
        ssot_s.append(wall)
        aggregate_s.append(float(re.search(r"aggregate ([0-9.]+)", err)[1]))  # type: ignore[index]
    return {"ruff": statistics.median(ruff_s), "check": statistics.median(ssot_s), "aggregate": statistics.median(aggregate_s)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="a corpus name of corpora.py, or a directory")
    parser.add_argument("--before", metavar="REF", help="also run ssot-lint as of this git commit")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run ssot-lint with (Home Assistant: 3.13)")
    parser.add_argument("--rules", type=Path, action="append", help="rule files (default: precision/common.toml + precision/<corpus>.toml)")
    parser.add_argument("--list", metavar="RULE", help="print the findings of RULE (after)")
    parser.add_argument("--diff", metavar="RULE", help="print the findings of RULE that only one side has")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (0: no timing)")
    args = parser.parse_args(argv)
    corpus = locate(args.corpus)
    rules = args.rules or corpus_rules(corpus)
    with tempfile.TemporaryDirectory() as scratch:
        after, _, _ = run_check(REPO, corpus, args.python, rules)
        before = run_check(export(args.before, Path(scratch)), corpus, args.python, rules)[0] if args.before else None
        print(f"corpus: {corpus.name}, {after['files']['scanned']} files scanned; rules: {', '.join(r.name for r in rules)}\n")
        print("| rule | kind | before | after |\n|---|---|---|---|")
        cells_before = summary(before) if before else {}
        for rule in after["rules"]:
            print(f"| {rule['id']} | {rule['kind']} | {cells_before.get(rule['id'], '-')} | {summary(after)[rule['id']]} |")
        if args.list:
            print("\n" + "\n".join(findings(after, args.list)))
        if args.diff and before is not None:
            old, new = set(findings(before, args.diff)), set(findings(after, args.diff))
            print("\nonly before:\n" + "\n".join(sorted(old - new)) + "\n\nonly after:\n" + "\n".join(sorted(new - old)))
        if args.repeat:
            times = timing(REPO, corpus, args.python, rules, args.repeat)
            print(
                f"\nimport-cycle alone: check {times['check']:.2f} s ({times['check'] / times['ruff']:.1f}x ruff), "
                f"of which aggregation {times['aggregate']:.2f} s ({times['aggregate'] / times['ruff']:.1f}x ruff); "
                f"ruff {times['ruff']:.2f} s (medians of {args.repeat})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
