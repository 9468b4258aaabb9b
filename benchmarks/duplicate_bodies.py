"""What ``duplicate-definition``'s ``min-similarity`` (comparing class bodies) costs per file.

    python benchmarks/duplicate_bodies.py ~/.cache/ssot-lint/corpora/django-5.2.8/django ~/.cache/ssot-lint/corpora/sympy-1.14.0/sympy

In one process, on every ``.py`` file of each tree: the per-file analysis (``analyze_source``: the
prefilter, the parse of what the rule reads, ``check``) of a ``duplicate-definition`` rule without a
name filter (as ``benchmarks/rules/homeassistant.toml`` has one, and the starter's ``DUP1``),
without and with ``min-similarity``; CPU seconds (``time.process_time``), medians of ``--repeat``
runs, interleaved. Without the option the rule reads the outline (class bodies left out); with it,
the top-level statements on lines that spell ``class``, whole. Also checks that the facts agree on
every definition's place (the option only adds the member names).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.model import FileRef
from ssot_lint.survey import make_rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rules = {
        "off": [make_rule("duplicate-definition", "DUP", {"min-count": 2})],
        "on": [make_rule("duplicate-definition", "DUP", {"min-count": 2, "min-similarity": 0.5})],
    }
    for tree in args.trees:
        files = []
        for path in sorted(tree.rglob("*.py")):
            rel = path.relative_to(tree).as_posix()
            files.append((path.read_bytes(), FileRef(rel, rel[:-3].replace("/", "."))))
        times: dict[str, list[float]] = {"off": [], "on": []}
        facts: dict[str, list[object]] = {}
        for _ in range(args.repeat):
            for mode, selected in rules.items():
                start = time.process_time()
                facts[mode] = [analyze_source(data, ref, selected).facts.get("DUP") for data, ref in files]
                times[mode].append(time.process_time() - start)
        places = [[(name, where[:5]) for name, where in fact or ()] for fact in facts["on"]]
        assert places == [list(fact or ()) for fact in facts["off"]], "the option changed where definitions are"
        off, on = statistics.median(times["off"]), statistics.median(times["on"])
        print(f"{tree}: {len(files)} files; without min-similarity {off:.2f} s CPU, with {on:.2f} s ({on / off - 1:+.0%})")


if __name__ == "__main__":
    main()
