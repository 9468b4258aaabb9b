"""Issue #13 on real code: ``fix`` on Django with rules written the way a user would write them,
and proof that it changed no behaviour it could see.

    python benchmarks/fix_safety.py                 # Django 5.2.8 (downloaded once, pinned by sha256)
    python benchmarks/fix_safety.py --jobs 1 --json out.json

The rule file maps a heavily imported module to one that lacks some of its names
(``django.utils.functional`` -> ``django.utils.text``, which imports ``cached_property``, ``lazy``
and ``keep_lazy`` from it but defines no ``SimpleLazyObject`` ...) and a function to a class
(``django.shortcuts:get_object_or_404`` -> ``django.http:Http404``). On a copy of the release:

1. ``check`` with an ``unresolved-import`` rule counts the imports that do not resolve;
2. ``fix`` (safe fixes only) rewrites what it can verify;
3. every changed file still compiles; ``unresolved-import`` reports no more findings than before;
4. a second ``fix`` changes nothing; ``fix --diff`` with ``--jobs 1`` and ``--jobs 2`` agree.

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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default=None, help="worker processes for fix (default: one per CPU)")
    parser.add_argument("--json", type=Path, help="write the counts here")
    args = parser.parse_args()
    jobs = ["--jobs", args.jobs] if args.jobs else []
    with tempfile.TemporaryDirectory() as tmp:
        root = django_tree(Path(tmp) / "django")
        (root / "fix-safety-rules.toml").write_text(RULES)
        (root / "ssot-lint.toml").write_text('rule-files = ["fix-safety-rules.toml"]\ncache-dir = "../cache"\n')
        files = {p: p.read_bytes() for p in root.rglob("*.py")}
        moves = findings(root, "MOVE001")
        unresolved_before = findings(root, "UNRES001")
        diffs = [ssot_lint(["fix", "--diff", "--select", "MOVE001", "--jobs", n], root) for n in ("1", "2")]
        started = time.perf_counter()
        fixed = ssot_lint(["fix", "--select", "MOVE001", *jobs], root)
        fix_seconds = time.perf_counter() - started
        changed = [p for p, data in files.items() if p.read_bytes() != data]
        broken = [str(p.relative_to(root)) for p in changed if not compiles(p)]
        unresolved_after = findings(root, "UNRES001")
        again = ssot_lint(["fix", "--select", "MOVE001"], root)
        reasons = re.findall(r" MOVE001 (not fixable|unsafe fix not applied): (.*)$", fixed.stderr, re.M)
        not_defined = sum(1 for _, why in reasons if " is not defined in " in why)
        kind_changes = sum(1 for _, why in reasons if " is a function but " in why)
        counts = {
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
            "changed_files_not_compiling": broken,
            "unresolved_before": len(unresolved_before),
            "unresolved_after": len(unresolved_after),
            "second_fix": again.stderr.splitlines()[0] if again.stderr else "",
            "diff_jobs_1_equals_2": diffs[0].stdout == diffs[1].stdout and diffs[0].stderr == diffs[1].stderr,
            "fix_seconds": round(fix_seconds, 1),
        }
    for key, value in counts.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(counts, indent=2) + "\n")
    ok = (
        not broken
        and counts["unresolved_after"] <= counts["unresolved_before"]
        and counts["second_fix"].startswith("0 files changed")
        and counts["diff_jobs_1_equals_2"]
        and counts["files_changed"] > 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
