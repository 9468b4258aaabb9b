"""import-cycle: every 2-cycle, then the imports to break in each group of mutually dependent
modules, at the import; and the graph code (cycle counts per edge, greedy breaks)."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds import import_cycle as import_cycle_module
from ssot_lint.kinds.examples import example_refs
from ssot_lint.kinds.import_cycle import ImportCycle
from ssot_lint.project.graph import Budget, breaks, cycles_per_edge, shortest_cycle, strongly_connected_components
from ssot_lint.run.aggregation import aggregate
from tests.helpers import write_project
from tests.integrity_helpers import build, cli_json, findings, places

RULE = build(ImportCycle)


def run(rule: ImportCycle, files: dict[str, str]) -> tuple[list[tuple[str, int, int, str]], dict]:
    refs = example_refs(files)
    results = [(refs[p], analyze_source(c.encode(), refs[p], [rule])) for p, c in sorted(files.items())]
    report = aggregate([rule], results, "info")
    return [(f.path, f.line, f.col, f.message) for f in report.findings], report.rules[0].details


def test_three_module_cycle_reported_once_at_the_import_closing_it_to_its_smallest_module() -> None:
    files = {
        "ws/__init__.py": "",
        "ws/manager.py": "import os\nfrom ws.router import route\n",
        "ws/router.py": "from .session import Session\nroute = 1\n",
        "ws/session.py": '"""Sessions."""\nimport json\nfrom ws import manager\nfrom ws.manager import thing\nSession = 1\n',
    }
    assert findings(RULE, files) == [
        (
            "ws/session.py",
            3,
            1,
            "import cycle: ws.manager -> ws.router -> ws.session -> ws.manager; break this import to remove the only cycle among 3 modules",
        ),
    ]


def test_plain_chain_message_for_a_rule_that_asks_only_for_the_chain() -> None:
    rule = build(ImportCycle)
    rule.message = "cycle {chain} ({length} modules, closed in {module}; group of {group}, {cycles} cycles, {removes} removed by {breaks})"
    files = {"a.py": "import b\n", "b.py": "import c\n", "c.py": "import a\n"}
    assert [f[3] for f in findings(rule, files)] == ["cycle a -> b -> c -> a (3 modules, closed in c; group of 3, 1 cycles, 1 removed by 1)"]


def test_type_checking_and_function_imports_are_options() -> None:
    files = {
        "a.py": "from typing import TYPE_CHECKING\nimport b\n",
        "b.py": "from typing import TYPE_CHECKING\nimport c\nif TYPE_CHECKING:\n    import a\n",
        "c.py": "def late():\n    import a\n",
    }
    assert places(RULE, files) == []
    assert findings(build(ImportCycle, ignore_type_checking=False), files) == [("b.py", 4, 5, "import cycle: a -> b -> a")]
    assert places(build(ImportCycle, include_function_imports=True), files) == [("c.py", 2, 5)]
    # a <-> b and a -> b -> c -> a: breaking a's import of b removes both; the 2-cycle is reported too.
    both = build(ImportCycle, include_function_imports=True, ignore_type_checking=False)
    assert findings(both, files) == [
        ("a.py", 2, 1, "import cycle: b -> a -> b; break this import to remove all 2 cycles among 3 modules"),
        ("b.py", 4, 5, "import cycle: a -> b -> a"),
    ]


def test_main_blocks_are_not_edges_but_their_imports_elsewhere_are() -> None:
    files = {
        "a.py": "import b\n",
        "b.py": 'import os\nif __name__ == "__main__":\n    import a\n    if os.environ:\n        import a\nelse:\n    from a import x\n',
    }
    # Only the `else` branch runs on import: that import closes the cycle.
    assert places(RULE, files) == [("b.py", 7, 5)]
    assert places(RULE, {**files, "b.py": 'if "__main__" == __name__:\n    import a\n'}) == []
    assert places(RULE, {**files, "b.py": 'def main():\n    if __name__ == "__main__":\n        import a\n'}) == []


def test_an_import_of_a_missing_module_is_no_edge_to_its_package() -> None:
    # pkg/__init__ imports pkg.a, pkg.a imports a sibling that does not exist. It used to fall back to
    # the package: a false pkg <-> pkg.a cycle.
    files = {
        "pkg/__init__.py": "from . import a\n",
        "pkg/a.py": "from pkg.missing import thing\nimport pkg.nothing.deeper\nfrom .gone import x\n",
    }
    assert places(RULE, files) == []
    # An import of the package itself still is an edge.
    assert findings(RULE, {**files, "pkg/a.py": "from pkg import thing\n"}) == [("pkg/a.py", 1, 1, "import cycle: pkg -> pkg.a -> pkg")]


def test_package_init_edges_but_not_to_the_importers_own_parents() -> None:
    # a -> pkg.x runs pkg/__init__.py too, which imports pkg.y, which imports a: importing a fails.
    files = {
        "a.py": "from pkg.x import f\n",
        "pkg/__init__.py": "from .y import g\n",
        "pkg/x.py": "def f(): ...\n",
        "pkg/y.py": "import a\ng = 1\n",
    }
    assert places(RULE, files) == [("pkg/y.py", 1, 1)]
    assert findings(RULE, files)[0][3].startswith("import cycle: a -> pkg -> pkg.y -> a;")
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
    assert [f[:2] for f in findings(RULE, files)] == [("pkg/helpers.py", 1)]
    assert findings(RULE, files)[0][3].startswith("import cycle: pkg -> pkg.a -> pkg.helpers -> pkg;")


FOUR = {f"{n}.py": "".join(f"import {m}\n" for m in "abcd" if m != n) for n in "abcd"}  # every module imports the 3 others


def test_every_two_cycle_then_the_imports_to_break_with_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 6 two-cycles, 8 three-cycles, 6 four-cycles: 20 cycles, 5 through each of the 12 imports.
    rules = '[[rule]]\nid = "C1"\nkind = "import-cycle"\nmax-cycles = 7\n'
    write_project(tmp_path, {**FOUR, "ssot-lint.toml": 'rule-files = ["rules.toml"]\n', "rules.toml": rules})
    code, report = cli_json(["check"], tmp_path, monkeypatch)
    assert code == 1
    rule = report["rules"][0]
    shown = [(f["path"], f["line"], f["message"].removeprefix("import cycle: ")) for f in report["findings"]]
    # Greedy: each import into a removes 5 cycles; then into b (2 each), then into c (1): a feedback
    # arc set of 6 imports (one of each pair, the fewest possible). Every 2-cycle closes at one of them.
    assert shown == [
        ("b.py", 1, "a -> b -> a; break this import (1 of 6 that remove all 20 cycles among 4 modules; this one removes 5)"),
        ("c.py", 1, "a -> c -> a; break this import (2 of 6 that remove all 20 cycles among 4 modules; this one removes 5)"),
        ("c.py", 2, "b -> c -> b; break this import (4 of 6 that remove all 20 cycles among 4 modules; this one removes 2)"),
        ("d.py", 1, "a -> d -> a; break this import (3 of 6 that remove all 20 cycles among 4 modules; this one removes 5)"),
        ("d.py", 2, "b -> d -> b; break this import (5 of 6 that remove all 20 cycles among 4 modules; this one removes 2)"),
        ("d.py", 3, "c -> d -> c; break this import (6 of 6 that remove all 20 cycles among 4 modules; this one removes 1)"),
    ]
    assert rule["count"] == 6
    assert rule["details"] == {
        "complete": True,
        "cycles": 20,
        "two_cycles": 6,
        "groups": [
            {
                "modules": 4,
                "cycles": 20,
                "exact": True,
                "removes": 20,
                "breaks": [
                    {"import": "b -> a", "path": "b.py", "line": 1, "removes": 5, "cycle": "a -> b -> a"},
                    {"import": "c -> a", "path": "c.py", "line": 1, "removes": 5, "cycle": "a -> c -> a"},
                    {"import": "d -> a", "path": "d.py", "line": 1, "removes": 5, "cycle": "a -> d -> a"},
                    {"import": "c -> b", "path": "c.py", "line": 2, "removes": 2, "cycle": "b -> c -> b"},
                    {"import": "d -> b", "path": "d.py", "line": 2, "removes": 2, "cycle": "b -> d -> b"},
                    {"import": "d -> c", "path": "d.py", "line": 3, "removes": 1, "cycle": "c -> d -> c"},
                ],
            }
        ],
        "tangles": [4],
        "reported": 6,
        "ambiguous_imports": 0,
    }
    # No import carries more than one finding.
    assert max(Counter((f["path"], f["line"]) for f in report["findings"]).values()) == 1


def test_max_cycles_caps_the_imports_per_group_and_says_how_many_cycles_they_leave() -> None:
    found, details = run(build(ImportCycle, max_cycles=2), FOUR)
    advice = [f[3].partition("; ")[2] for f in found if "; " in f[3]]
    assert advice == [
        "break this import (1 of 2 that remove 10 of the 20 cycles among 4 modules; this one removes 5)",
        "break this import (2 of 2 that remove 10 of the 20 cycles among 4 modules; this one removes 5)",
    ]
    assert len(found) == 2 + 4  # the two imports to break (closing 2-cycles), and the four 2-cycles they do not close
    assert details["groups"][0]["removes"] == 10 and details["complete"]


def test_groups_not_counted_within_the_budget_fall_back_to_shortest_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nine modules all importing each other: 125,664 cycles. With no steps left, the group is reported
    # from the shortest cycle through each import (the 2-cycles here), deterministically.
    names = "abcdefghi"
    files = {f"{n}.py": "".join(f"import {m}\n" for m in names if m != n) for n in names}
    monkeypatch.setattr(import_cycle_module, "Budget", lambda steps: Budget(0))
    found, details = run(build(ImportCycle, max_cycles=3), files)
    again, _ = run(build(ImportCycle, max_cycles=3), files)
    assert found == again
    assert details["complete"] is False and details["cycles"] is None and details["two_cycles"] == 36
    group = details["groups"][0]
    assert (group["modules"], group["exact"], group["cycles"], group["removes"]) == (9, False, 36, 3)
    assert [b["import"] for b in group["breaks"]] == ["b -> a", "c -> a", "d -> a"]
    assert found[0] == (
        "b.py",
        1,
        1,
        "import cycle: a -> b -> a; break this import (1 of 3 chosen among the shortest cycle through each import of these 9 modules:"
        " too many cycles to count within the search budget)",
    )
    assert len(found) == 36  # every 2-cycle, three of them with the advice
    # Counted in time, the same group is exact.
    monkeypatch.undo()
    _, details = run(build(ImportCycle, max_cycles=3), files)
    assert details["complete"] is True and details["cycles"] == 125_664


def test_unparsable_modules_are_nodes_without_edges() -> None:
    files = {"a.py": "import b\n", "b.py": "import a\ndef broken(:\n"}
    assert places(RULE, files) == [("b.py", 2, 12)]  # only the parse error: b's imports are unknown


def test_stubs_are_no_nodes_and_their_imports_no_edges() -> None:
    files = {"a.py": "import b\n", "b.py": "", "b.pyi": "import a\n"}
    assert places(RULE, files) == []


def test_search_limit_from_old_rule_files_is_accepted_and_ignored() -> None:
    found, details = run(build(ImportCycle, search_limit=1), FOUR)
    assert details["cycles"] == 20 and len(found) == 6


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


def edges_of(cycle: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]


graphs = st.dictionaries(st.sampled_from("abcdef"), st.sets(st.sampled_from("abcdef"), max_size=4), min_size=1, max_size=6).map(
    lambda g: {n: set(s) for n, s in g.items()} | {m: set() for s in g.values() for m in s if m not in g}
)


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_johnson_counts_exactly_the_elementary_cycles_through_each_edge(graph: dict[str, set[str]]) -> None:
    expected = brute_force_cycles(graph)
    total, counts = cycles_per_edge(list(graph), graph, set(), Budget(None))
    assert total == len(expected)
    assert counts == dict(Counter(edge for cycle in expected for edge in edges_of(cycle)))


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_greedy_breaks_remove_what_they_claim(graph: dict[str, set[str]]) -> None:
    for component in strongly_connected_components(graph):
        if len(component) < 2:
            continue
        members = set(component)
        sub = {n: graph[n] & members for n in component}
        cycles = brute_force_cycles(sub)
        result = breaks(component, graph, 3, Budget(None))
        assert result.exact and result.cycles == len(cycles)
        chosen = [edge for edge, _ in result.edges]
        left = [c for c in cycles if not set(edges_of(c)) & set(chosen)]
        assert result.removed == len(cycles) - len(left) == sum(n for _, n in result.edges)
        assert len(chosen) == 3 or not left
        for edge in chosen:  # each comes with a shortest cycle through it
            cycle = shortest_cycle(graph, edge, members)
            assert (cycle[-1], cycle[0]) == edge
            assert len(cycle) == min(len(c) for c in cycles if edge in edges_of(c))


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
    total, counts = cycles_per_edge(list(graph), graph, set(), Budget(None))
    assert total == 1 and len(counts) == size
    assert len(shortest_cycle(graph, ("m04999", "m00000"), set(graph))) == size
