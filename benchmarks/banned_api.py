"""ssot-lint's deprecated-member rule against ruff's banned-api (TID251) on the same tree.

    python benchmarks/banned_api.py                      # this interpreter's standard library
    python benchmarks/banned_api.py /path/to/tree --member collections:OrderedDict

Both tools get one rule: the member (default ``collections:OrderedDict``) is banned/deprecated.
ruff flags its imports and every attribute reference that resolves to it (``collections.
OrderedDict`` after ``import collections``); so does ssot-lint (issue #18 item 6). Prints both
counts and every location only one of them reports; ruff's syntax errors (``invalid-syntax``: the
Python 2 files of lib2to3's test data, which ssot-lint reports as SSOT000) are counted apart.
Exit status 1 when the locations differ.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXCLUDED = ("site-packages", "__pycache__")


def ruff_locations(root: Path, member: str, work: Path) -> tuple[set[tuple[str, int, int]], int]:
    module, name = member.split(":")
    config = work / "ruff.toml"
    config.write_text(f'[lint]\nselect = ["TID251"]\n[lint.flake8-tidy-imports.banned-api]\n"{module}.{name}".msg = "deprecated"\n')
    excluded = ",".join(EXCLUDED)
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(config), "--output-format", "json", "--exclude", excluded, str(root)],
        capture_output=True,
        text=True,
    )
    found = json.loads(done.stdout)
    banned = {(os.path.realpath(f["filename"]), f["location"]["row"], f["location"]["column"]) for f in found if f["code"] == "TID251"}
    return banned, sum(1 for f in found if f["code"] != "TID251")


def ssot_locations(root: Path, member: str, work: Path) -> tuple[set[tuple[str, int, int]], int]:
    module, name = member.split(":")
    (work / "rules.toml").write_text(f'[[rule]]\nid = "BANNED"\nkind = "deprecated-import"\nreplace = {{ "{member}" = "{module}.replacement:{name}" }}\n')
    config = work / "ssot-lint.toml"
    config.write_text(f'rule-files = ["rules.toml"]\nexclude = {json.dumps([d + "/" for d in EXCLUDED])}\nrespect-gitignore = false\n')
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "ssot_lint", "check", "--no-cache", "--config", str(config), "-o", "json", str(root)], capture_output=True, text=True, env=env
    )
    report = json.loads(done.stdout)
    where = {(os.path.realpath(work / f["path"]), f["line"], f["col"]) for f in report["findings"] if f["rule"] == "BANNED"}
    return where, report["files"]["parse_errors"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--member", default="collections:OrderedDict")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ruff, ruff_syntax = ruff_locations(root, args.member, work)
        ssot, unparsed = ssot_locations(root, args.member, work)
    print(f"{root}: {args.member}")
    print(f"  ruff banned-api (TID251): {len(ruff)}   (and {ruff_syntax} syntax errors)")
    print(f"  ssot-lint deprecated-import: {len(ssot)}   (and {unparsed} files not analyzed, SSOT000)")
    for label, only in (("only ruff", ruff - ssot), ("only ssot-lint", ssot - ruff)):
        for path, line, col in sorted(only):
            print(f"  {label}: {os.path.relpath(path, root)}:{line}:{col}")
    return 0 if ruff == ssot else 1


if __name__ == "__main__":
    sys.exit(main())
