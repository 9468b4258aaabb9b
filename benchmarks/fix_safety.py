"""Issue #13 on real code: ``fix`` on Django with rules written the way a user would write them,
and proof that it changed no behaviour it could see.

    python benchmarks/fix_safety.py                 # Django 5.2.8 (downloaded once, pinned by sha256)
    python benchmarks/fix_safety.py --jobs 1 --json out.json
    python benchmarks/fix_safety.py --run-tests     # and Django's own tests, before and after

Two scenarios, each on a fresh copy of the release:

- ``functional``: a heavily imported module mapped to one that lacks some of its names
  (``django.utils.functional`` -> ``django.utils.text``, which imports ``cached_property``,
  ``lazy`` and ``keep_lazy`` from it but defines no ``SimpleLazyObject`` ..., and which imports
  ``django.utils.regex_helper``, an importer of ``functional``: a rewrite there closes a cycle)
  and a function mapped to a class (``django.shortcuts:get_object_or_404`` ->
  ``django.http:Http404``);
- ``dj002``: ``benchmarks/rules/django.toml``'s DJ002, a package mapped to its parent
  (``django.db.models.fields`` -> ``django.db.models``, as Django's documentation names where
  the field classes live), whose ``__init__`` imports the modules inside it that would import
  from it.

1. ``check`` with an ``unresolved-import`` rule counts the imports that do not resolve;
2. ``fix`` (safe fixes only) rewrites what it can verify;
3. every changed file still compiles; ``unresolved-import`` reports no more findings than before;
4. **the tree still imports**: each changed production module (under ``django/``), each module
   the rules name as a replacement, and ``django`` itself is imported first thing in a fresh
   interpreter (``DJANGO_SETTINGS_MODULE`` unset), on the tree before the fix and after it; a
   module that imported before and fails after is a failure (``--all-modules``: every module
   under ``django/``);
5. a second ``fix`` changes nothing; ``fix --diff`` with ``--jobs 1`` and ``--jobs 2`` agree;
6. with ``--run-tests``, **Django's own tests still pass**: ``tests/runtests.py --parallel 1``
   on the test apps that import a changed module (or that the fix changed; at most
   ``--max-labels``, the most affected first) plus a core set, in a fresh interpreter on the
   tree before the fix, after the safe fix and after ``fix --unsafe-fixes``, compared test by
   test (``benchmarks/suite_runs.py``). A test that passes before and not after the *safe* fix
   is a failure; the unsafe row is reported only.

``--run-tests`` also runs the zero-config scenario ``init``: ``ssot-lint init`` on a fresh copy
writes a starter rule file from what Django declares deprecated, then ``fix`` (safe, and as a
second row unsafe) and the same test comparison (``--scenario init``).

Importing the tree needs Django's own dependencies (``asgiref``, ``sqlparse``: the ``bench``
extra).

Prints the counts (and writes them with ``--json``); exit 1 when a check fails. The release comes
from ``benchmarks/corpora.py`` when it is there, else from the pinned URL below, verified by sha256
into ``~/.cache/ssot-lint/corpora/archives``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import suite_runs  # noqa: E402  # the shared before/after test runs

VERSION = "5.2.8"
FILENAME = f"django-{VERSION}.tar.gz"
SHA256 = "23254866a5bb9a2cfa6004e8b809ec6246eba4b58a7589bc2772f1bcc8456c7f"
URL = f"https://files.pythonhosted.org/packages/05/a2/933dbbb3dd9990494960f6e64aca2af4c0745b63b7113f59a822df92329e/{FILENAME}"
ARCHIVES = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ssot-lint" / "corpora" / "archives"

RULES = """
[[rule]]
id = "MOVE001"
kind = "deprecated-import"
description = "A heavily imported module mapped wholesale to one that lacks some of its names, and a function mapped to a class."
[rule.replace]
"django.utils.functional" = "django.utils.text"
"django.shortcuts:get_object_or_404" = "django.http:Http404"

[[rule]]
id = "UNRES001"
kind = "unresolved-import"
"""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def django_tree(dest: Path) -> Path:
    """The release's files under ``dest`` (a fresh copy: ``fix`` writes to it)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import corpora  # type: ignore[import-not-found]  # another engineer's pinned downloader, when present

        source = Path(corpora.ensure(corpora.CORPORA["django"]))
        shutil.copytree(source, dest, symlinks=True)
        return dest
    except ImportError:
        pass
    archive = ARCHIVES / FILENAME
    if not archive.is_file() or sha256_of(archive) != SHA256:
        ARCHIVES.mkdir(parents=True, exist_ok=True)
        partial = archive.with_suffix(".partial")
        with urllib.request.urlopen(URL, timeout=120) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        if sha256_of(partial) != SHA256:
            partial.unlink()
            raise SystemExit(f"{FILENAME}: sha256 mismatch (from {URL})")
        partial.replace(archive)
    with tarfile.open(archive) as tar, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the extraction filter's future-default notice
        tar.extractall(dest.parent / "extract", filter="data")
    shutil.move(str(dest.parent / "extract" / f"django-{VERSION}"), dest)
    return dest


def ssot_lint(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "ssot_lint", *args], cwd=cwd, env=env, capture_output=True, text=True)


def findings(root: Path, rule: str) -> list[dict]:
    report = json.loads(ssot_lint(["check", "--no-baseline", "-o", "json", "--select", rule], root).stdout)
    return [f for f in report["findings"] if f["rule"] == rule]


def compiles(path: Path) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


# Each scenario: the rule it fixes with, and the modules its rules name as replacements.
SCENARIOS = {
    "functional": ("MOVE001", ("django.utils.text", "django.http")),
    "dj002": ("DJ002", ("django.db.models",)),
}

# Imports one module first thing, as a program would; prints nothing, exits non-zero on failure.
PROBE = "import importlib, sys\nimportlib.import_module(sys.argv[1])\n"


def module_name(root: Path, path: Path) -> str | None:
    """The dotted name of a production module (under ``django/``), None for anything else."""
    parts = path.relative_to(root).with_suffix("").parts
    if parts[0] != "django" or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def importable(root: Path, modules: list[str]) -> dict[str, str]:
    """Each module imported first thing in a fresh interpreter on the tree at ``root``: 'ok', or
    the last line of the error."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(root)

    def probe(module: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", PROBE, module], cwd=root, env=env, capture_output=True, text=True, timeout=120)
        lines = done.stderr.strip().splitlines()
        return module, "ok" if done.returncode == 0 else (lines[-1] if lines else f"exit {done.returncode}")

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(pool.map(probe, modules))


def django_tests(root: Path, files: dict[Path, bytes], fixes: dict[str, dict[Path, bytes]], max_labels: int) -> dict:
    """Django's own tests for the files ``fixes`` changed, before and after each fix."""
    changed = [p for fix in fixes.values() for p in fix]
    modules = {module_name(root, p) for p in changed} - {None}
    labels, left_out = suite_runs.django_labels(root / "tests", modules, changed, max_labels)  # type: ignore[arg-type]
    rows = suite_runs.compare_fixes(root, files, fixes, labels, suite_runs.run_django)
    return {"labels": labels, "labels_left_out": left_out, "rows": rows}


def fix_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ssot_lint", "fix", *args]


def run_init(jobs: list[str], max_labels: int) -> dict:
    """The zero-config path: ``init`` on a fresh copy, then ``fix`` safe and unsafe, then tests."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        root = django_tree(Path(tmp) / "django")
        started = ssot_lint(["init", "--no-cache"], root)
        if started.returncode != 0:
            raise SystemExit(f"ssot-lint init failed:\n{started.stderr}")
        files = suite_runs.snapshot(root)
        safe, safe_headline = suite_runs.fixed_files(root, files, fix_command("--no-cache", *jobs), env)
        unsafe, unsafe_headline = suite_runs.fixed_files(root, files, fix_command("--no-cache", "--unsafe-fixes", *jobs), env)
        counts = {
            "scenario": "init",
            "django": VERSION,
            "python_files": len(files),
            "init": started.stderr.strip().splitlines()[-3:-1],
            "fix_headline": safe_headline,
            "unsafe_fix_headline": unsafe_headline,
            "files_changed": len(safe),
            "unsafe_files_changed": len(unsafe),
            "changed_files_not_compiling": [],
            "import_regressions": {},
            "tests": django_tests(root, files, {"safe": safe, "unsafe": unsafe}, max_labels),
        }
    return counts


def run_scenario(name: str, jobs: list[str], all_modules: bool, run_tests: bool = False, max_labels: int = 0) -> dict:
    rule, replacements = SCENARIOS[name]
    with tempfile.TemporaryDirectory() as tmp:
        root = django_tree(Path(tmp) / "django")
        (root / "fix-safety-rules.toml").write_text(RULES)
        shutil.copy(REPO / "benchmarks" / "rules" / "django.toml", root / "django-rules.toml")
        (root / "ssot-lint.toml").write_text('rule-files = ["fix-safety-rules.toml", "django-rules.toml"]\ncache-dir = "../cache"\n')
        files = {p: p.read_bytes() for p in root.rglob("*.py")}
        moves = findings(root, rule)
        unresolved_before = findings(root, "UNRES001")
        diffs = [ssot_lint(["fix", "--diff", "--select", rule, "--jobs", n], root) for n in ("1", "2")]
        started = time.perf_counter()
        fixed = ssot_lint(["fix", "--select", rule, *jobs], root)
        fix_seconds = time.perf_counter() - started
        changed = [p for p, data in files.items() if p.read_bytes() != data]
        broken = [str(p.relative_to(root)) for p in changed if not compiles(p)]
        unresolved_after = findings(root, "UNRES001")
        again = ssot_lint(["fix", "--select", rule], root)
        # The tree imports as before: the changed modules, the replacements, django; imported
        # on the tree as it was (the fixed bytes put aside), then as fixed.
        names = {module_name(root, p) for p in (files if all_modules else changed)} - {None}
        probed = sorted({*names, *replacements, "django"})  # type: ignore[misc]
        after_bytes = {p: p.read_bytes() for p in changed}
        for p in changed:
            p.write_bytes(files[p])
        imports_before = importable(root, probed)
        for p in changed:
            p.write_bytes(after_bytes[p])
        imports_after = importable(root, probed)
        regressions = {m: imports_after[m] for m in probed if imports_before[m] == "ok" and imports_after[m] != "ok"}
        reasons = re.findall(rf" {rule} (not fixable|unsafe fix not applied): (.*)$", fixed.stderr, re.M)
        not_defined = sum(1 for _, why in reasons if " is not defined in " in why)
        kind_changes = sum(1 for _, why in reasons if " is a function but " in why)
        cycles = re.findall(rf"^  (\S+) {rule} unsafe fix not applied: rewriting this import makes (.*) an import cycle$", fixed.stderr, re.M)
        counts = {
            "scenario": name,
            "django": VERSION,
            "python_files": len(files),
            "findings": len(moves),
            "safe": sum(1 for f in moves if f["applicability"] == "safe"),
            "unsafe": sum(1 for f in moves if f["applicability"] == "unsafe"),
            "not_fixable": sum(1 for f in moves if not f["fixable"]),
            "fix_headline": fixed.stderr.splitlines()[0] if fixed.stderr else "",
            "files_changed": len(changed),
            "left_not_defined": not_defined,
            "left_kind_change": kind_changes,
            "left_new_import_cycle": len(cycles),
            "new_import_cycles": [f"{where}: {chain}" for where, chain in cycles],
            "changed_files_not_compiling": broken,
            "changed_production_modules": sum(1 for p in changed if module_name(root, p) is not None),
            "modules_imported": len(probed),
            "modules_importing_before": sum(1 for m in probed if imports_before[m] == "ok"),
            "modules_importing_after": sum(1 for m in probed if imports_after[m] == "ok"),
            "import_regressions": regressions,
            "unresolved_before": len(unresolved_before),
            "unresolved_after": len(unresolved_after),
            "second_fix": again.stderr.splitlines()[0] if again.stderr else "",
            "diff_jobs_1_equals_2": diffs[0].stdout == diffs[1].stdout and diffs[0].stderr == diffs[1].stderr,
            "fix_seconds": round(fix_seconds, 1),
        }
        if run_tests:
            for p in changed:
                p.write_bytes(files[p])
            env = {**os.environ, "PYTHONPATH": str(REPO)}
            safe = {p: after_bytes[p] for p in changed}
            unsafe, counts["unsafe_fix_headline"] = suite_runs.fixed_files(root, files, fix_command("--select", rule, "--unsafe-fixes", *jobs), env)
            counts["unsafe_files_changed"] = len(unsafe)
            counts["tests"] = django_tests(root, files, {"safe": safe, "unsafe": unsafe}, max_labels)
    return counts


def tests_failed(counts: dict) -> list[str]:
    """Why the test comparison fails the benchmark: a test the safe fix broke, or no test ran."""
    tests = counts.get("tests")
    if tests is None:
        return []
    reasons = [f"no Django test ran before the fix: {row['nothing_ran']}" for row in tests["rows"][:1] if "nothing_ran" in row]
    for row in tests["rows"]:
        if row["fix"] == "safe":
            reasons += [f"safe fix broke {test}: {why}" for test, why in row["regressions"].items()]
    return reasons


def passed(counts: dict) -> bool:
    if counts["scenario"] == "init":
        return not tests_failed(counts)
    return (
        not tests_failed(counts)
        and not counts["changed_files_not_compiling"]
        and not counts["import_regressions"]
        and counts["unresolved_after"] <= counts["unresolved_before"]
        and counts["second_fix"].startswith("0 files changed")
        and counts["diff_jobs_1_equals_2"]
        and counts["files_changed"] > 0
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default=None, help="worker processes for fix (default: one per CPU)")
    parser.add_argument(
        "--scenario", choices=sorted([*SCENARIOS, "init"]), action="append", help="run only this one (repeatable; default: all; init only with --run-tests)"
    )
    parser.add_argument("--all-modules", action="store_true", help="import every module under django/, not only the changed ones")
    parser.add_argument("--json", type=Path, help="write the counts here")
    parser.add_argument("--run-tests", action="store_true", help="also run Django's own tests before and after each fix, and compare them test by test")
    parser.add_argument(
        "--max-labels", type=int, default=12, help="with --run-tests: test apps chosen from the changed files, besides the core set (default: 12)"
    )
    args = parser.parse_args()
    jobs = ["--jobs", args.jobs] if args.jobs else []
    results = []
    if "init" in (args.scenario or []) and not args.run_tests:
        parser.error("--scenario init needs --run-tests")
    for name in args.scenario or [*SCENARIOS, *(["init"] if args.run_tests else [])]:
        if name == "init":
            counts = run_init(jobs, args.max_labels)
        else:
            counts = run_scenario(name, jobs, args.all_modules, args.run_tests, args.max_labels)
        results.append(counts)
        for key, value in counts.items():
            if key != "tests":
                print(f"{key}: {value}")
        if "tests" in counts:
            tests = counts["tests"]
            print(f"test labels ({len(tests['labels'])}): {' '.join(tests['labels'])}")
            if tests["labels_left_out"]:
                print(f"test labels left out ({len(tests['labels_left_out'])}): {' '.join(tests['labels_left_out'])}")
            suite_runs.print_rows(tests["rows"])
        for reason in tests_failed(counts):
            print(f"FAILED: {reason}")
        print()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(passed(c) for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
