"""Results must not depend on how a file was parsed: check that on real code.

    python benchmarks/parse_equivalence.py --rules benchmarks/rules/django.toml ~/.cache/ssot-lint/corpora/django-5.2.8
    .venv313/bin/python benchmarks/parse_equivalence.py --rules benchmarks/rules/homeassistant.toml ~/.cache/ssot-lint/corpora/homeassistant-2025.4.4

Analyzes every file of each tree twice with the rule file's rules: as ``check`` does (the
statements around the rules' words, the outline for the project-wide summaries) and with every
file parsed whole (the statement scan switched off), and prints each file whose result differs
(findings, facts, parse errors; not ``syntax_checked``, which says how the file was parsed and
so differs by design). Exit 1 if any does. Files Python rejects are skipped: for them
the two modes differ on purpose (see docs/performance.md, "What is parsed").
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import sys
import time
from pathlib import Path
from unittest import mock

from ssot_lint import api
from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.run.discovery import discover


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=Path, required=True)
    parser.add_argument("trees", type=Path, nargs="+")
    args = parser.parse_args()
    differ = total = 0
    seconds = {"scan": 0.0, "whole": 0.0}
    for tree in args.trees:
        project = api.load_project(rules=[args.rules.resolve()], cwd=tree)
        rules = project.rules.rules
        for source in discover([str(tree.resolve())], project.config):
            data = Path(source.abspath).read_bytes()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            applied = [r for r in rules if r.in_scope(source.ref.path)]
            started = time.process_time()
            scanned = analyze_source(data, source.ref, applied)
            seconds["scan"] += time.process_time() - started
            started = time.process_time()
            with mock.patch("ssot_lint.analysis.file_context.scan", return_value=None):
                whole = analyze_source(data, source.ref, applied)
            seconds["whole"] += time.process_time() - started
            total += 1
            # syntax_checked records the parse mode itself: True whenever the file was parsed whole.
            if dataclasses.replace(scanned, syntax_checked=True) != whole:
                differ += 1
                print(f"DIFFERS: {source.abspath}", flush=True)
    print(f"{total} files, {differ} differ; analysis CPU seconds: {seconds['scan']:.1f} as check does, {seconds['whole']:.1f} parsing every file whole")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
