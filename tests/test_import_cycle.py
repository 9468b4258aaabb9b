"""import-cycle: elementary cycles, reported once each at the closing import; and the graph code."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.examples import example_ref
from ssot_lint.kinds.import_cycle import ImportCycle
from ssot_lint.project.graph import elementary_cycles, strongly_connected_components
from ssot_lint.run.engine import aggregate
from tests.helpers import write_project
from tests.integrity_helpers import build, cli_json, findings, places

RULE = build(ImportCycle)


def test_three_module_cycle_reported_once_at_the_closing_import() -> None:
    files = {
        "ws/__init__.py": "",
        "ws/manager.py": "import os\nfrom ws.router import route\n",
        "ws/router.py": "from .session import Session\nroute = 1\n",
        "ws/session.py": '"""Sessions."""\nimport json\nfrom ws import manager\nfrom ws.manager import thing\nSession = 1\n',
    }
    assert findings(RULE, files) == [
        ("ws/session.py", 3, 1, "import cycle: ws.manager -> ws.router -> ws.session -> ws.manager"),
    ]


def test_type_checking_and_function_imports_are_options() -> None:
    files = {
        "a.py": "from typing import TYPE_CHECKING\nimport b\n",
        "b.py": "from typing import TYPE_CHECKING\nimport c\nif TYPE_CHECKING:\n    import a\n",
        "c.py": "def late():\n    import a\n",
    }
    assert places(RULE, files) == []
    assert places(build(ImportCycle, ignore_type_checking=False), files) == [("b.py", 4, 5)]
    assert places(build(ImportCycle, include_function_imports=True), files) == [("c.py", 2, 5)]
    both = build(ImportCycle, include_function_imports=True, ignore_type_checking=False)
    assert places(both, files) == [("b.py", 4, 5), ("c.py", 2, 5)]


def test_package_init_edges_but_not_to_the_importers_own_parents() -> None:
    # a -> pkg.x runs pkg/__init__.py too, which imports pkg.y, which imports a: importing a fails.
    files = {
        "a.py": "from pkg.x import f\n",
        "pkg/__init__.py": "from .y import g\n",
        "pkg/x.py": "def f(): ...\n",
        "pkg/y.py": "import a\ng = 1\n",
    }
    assert findings(RULE, files) == [("pkg/y.py", 1, 1, "import cycle: a -> pkg -> pkg.y -> a")]
    assert places(build(ImportCycle, follow_package_init=False), files) == []
    # Siblings importing each other absolutely while __init__ re-exports them: no cycle.
    benign = {"pkg/__init__.py": "from .a import A\nfrom .b import B\n", "pkg/a.py": "from pkg.b import B\nA = 1\n", "pkg/b.py": "B = 2\n"}
    assert places(RULE, benign) == []


def test_explicit_import_of_the_parent_package_attribute_is_an_edge_and_self_imports_are_not() -> None:
    files = {
        "pkg/__init__.py": "from . import sub\nfrom .a import A\nimport pkg\n",
        "pkg/a.py": "from pkg.helpers import h\nA = 1\n",
        "pkg/helpers.py": "from pkg import A\nh = 1\n",
        "pkg/sub.py": "",
    }
    assert findings(RULE, files) == [("pkg/helpers.py", 1, 1, "import cycle: pkg -> pkg.a -> pkg.helpers -> pkg")]


def test_every_elementary_cycle_once_shortest_first_capped_with_total_in_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Four modules all importing each other: 6 two-cycles, 8 three-cycles, 6 four-cycles.
    names = "abcd"
    files = {f"{n}.py": "".join(f"import {m}\n" for m in names if m != n) for n in names}
    write_project(
        tmp_path, {**files, "ssot-lint.toml": 'rule-files = ["rules.toml"]\n', "rules.toml": '[[rule]]\nid = "C1"\nkind = "import-cycle"\nmax-cycles = 7\n'}
    )
    code, report = cli_json(["check"], tmp_path, monkeypatch)
    assert code == 1
    rule = report["rules"][0]
    assert rule["count"] == 20
    assert rule["details"] == {"cycles": 20, "complete": True, "reported": 7, "tangles": [4]}
    assert sorted(f["message"].removeprefix("import cycle: ") for f in report["findings"]) == sorted(
        ["a -> b -> a", "a -> c -> a", "a -> d -> a", "b -> c -> b", "b -> d -> b", "c -> d -> c", "a -> b -> c -> a"]
    )
    assert [(f["path"], f["line"], f["col"]) for f in report["findings"] if f["message"].endswith("a -> b -> a")] == [("b.py", 1, 1)]


def test_search_limit_makes_the_count_a_lower_bound() -> None:
    names = "abcd"
    files = {f"{n}.py": "".join(f"import {m}\n" for m in names if m != n) for n in names}
    rule = build(ImportCycle, search_limit=5, max_cycles=100)
    results = [(example_ref(p), analyze_source(c.encode(), example_ref(p), [rule])) for p, c in sorted(files.items())]
    report = aggregate([rule], results, "info")
    assert report.rules[0].count == 5 and len(report.findings) == 5
    assert report.rules[0].details == {"cycles": 5, "complete": False, "reported": 5, "tangles": [4]}


def test_unparsable_modules_are_nodes_without_edges() -> None:
    files = {"a.py": "import b\n", "b.py": "import a\ndef broken(:\n"}
    assert places(RULE, files) == [("b.py", 2, 12)]  # only the parse error: b's imports are unknown


# -- the graph algorithms ---------------------------------------------------------------------


def brute_force_cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    nodes = sorted(graph)
    found = set()
    for size in range(2, len(nodes) + 1):
        for subset in itertools.permutations(nodes, size):
            if subset[0] != min(subset):
                continue
            if all(subset[(i + 1) % size] in graph[subset[i]] for i in range(size)):
                found.add(subset)
    return found


graphs = st.dictionaries(st.sampled_from("abcdef"), st.sets(st.sampled_from("abcdef"), max_size=4), min_size=1, max_size=6).map(
    lambda g: {n: set(s) for n, s in g.items()} | {m: set() for s in g.values() for m in s if m not in g}
)


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_johnson_finds_exactly_the_elementary_cycles(graph: dict[str, set[str]]) -> None:
    cycles, complete = elementary_cycles(graph, limit=10_000)
    assert complete
    assert len(cycles) == len(set(map(tuple, cycles)))
    assert set(map(tuple, cycles)) == brute_force_cycles(graph)


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_tarjan_components_partition_the_nodes_by_mutual_reachability(graph: dict[str, set[str]]) -> None:
    def reachable(start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reach = {n: reachable(n) for n in graph}
    expected = sorted({tuple(sorted(m for m in graph if m in reach[n] and n in reach[m])) for n in graph})
    assert [tuple(c) for c in strongly_connected_components(graph)] == expected


def test_deep_chains_do_not_hit_the_recursion_limit() -> None:
    size = 5000
    graph = {f"m{i:05d}": {f"m{(i + 1) % size:05d}"} for i in range(size)}
    cycles, complete = elementary_cycles(graph, limit=10)
    assert complete and len(cycles) == 1 and len(cycles[0]) == size
