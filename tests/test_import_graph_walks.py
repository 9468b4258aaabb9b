"""The lazy import graph's walks (``project.import_graph.LazyImportGraph``) answer as a walk of
the whole graph does, whatever they are asked first, and summarise only as far as a question
needs; and ``check`` verifies many rewrites in a few batches of summaries, not one per statement."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssot_lint.analysis.source_lines import Span
from ssot_lint.project.import_graph import LazyImportGraph
from ssot_lint.project.module_summary import ImportFact

_SPAN: Span = (1, 1, 1, 1)


class _Modules:
    """A project of modules ``m0`` ... whose imports are ``edges``; counts the summaries read."""

    def __init__(self, edges: dict[str, list[str]]) -> None:
        self.edges = edges
        self.read: list[str] = []

    def in_project(self, dotted: str) -> bool:
        return dotted.split(".")[0] in self.edges

    def exists(self, module: str) -> bool:
        return module in self.edges

    def summaries(self, module: str) -> list[SimpleNamespace]:
        self.read.append(module)
        facts = tuple(ImportFact(target, None, target, _SPAN, _SPAN, _SPAN, False, False) for target in self.edges[module])
        return [SimpleNamespace(imports=facts)]


def _closure(edges: dict[str, list[str]], starts: list[str], avoid: str | None = None) -> set[str]:
    seen = {s for s in starts if s != avoid}
    todo = list(seen)
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen and target != avoid:
                seen.add(target)
                todo.append(target)
    return seen


_graphs = st.integers(2, 12).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, n - 1), max_size=3), min_size=n, max_size=n).map(
        lambda rows: {f"m{i}": [f"m{j}" for j in row if j != i] for i, row in enumerate(rows)}
    )
)
_questions = st.lists(
    st.tuples(
        st.sampled_from(["reaches", "reachable", "reached_avoiding", "reachable_avoiding"]),
        st.lists(st.integers(0, 11), min_size=1, max_size=3),
        st.integers(0, 11),
        st.lists(st.integers(0, 11), max_size=3),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(_graphs, _questions)
def test_every_walk_answers_as_the_whole_graph_does_in_any_order(edges: dict[str, list[str]], questions: list) -> None:
    graph = LazyImportGraph(_Modules(edges))
    n = len(edges)
    for kind, starts, other, targets in questions:
        starts_, other_, targets_ = [f"m{s % n}" for s in starts], f"m{other % n}", [f"m{t % n}" for t in targets]
        if kind == "reaches":
            assert graph.reaches(starts_[0], other_) == (other_ in _closure(edges, starts_[:1]))
        elif kind == "reachable":
            assert graph.reachable(starts_) == _closure(edges, starts_)
        elif kind == "reached_avoiding":
            assert graph.reached_avoiding(starts_, other_, targets_) == set(targets_) & _closure(edges, starts_, other_)
        else:
            assert graph.reachable_avoiding(starts_, other_) == _closure(edges, starts_, other_)


def test_a_walk_stops_once_it_has_found_what_it_was_asked_about() -> None:
    chain = {f"m{i}": [f"m{i + 1}"] for i in range(50)} | {"m50": []}
    modules = _Modules(chain)
    graph = LazyImportGraph(modules)
    assert graph.reaches("m0", "m2")
    assert modules.read == ["m0", "m1"]  # m2 is m1's import: its own imports are not asked
    assert graph.reaches("m0", "m3") and modules.read == ["m0", "m1", "m2"]  # the same walk goes on
    assert graph.reached_avoiding(["m10"], "m30", ["m12", "m13"]) == {"m12", "m13"}
    assert modules.read[3:] == ["m10", "m11", "m12"]
    assert not graph.reaches("m0", "m99")  # not there: the walk covers everything
    assert sorted(set(modules.read)) == sorted(chain)
    assert len(modules.read) == len(set(modules.read))  # each module's summary read once
    assert graph.reachable(["m40"]) == {f"m{i}" for i in range(40, 51)}


def test_check_verifies_many_rewrites_in_a_few_batches_of_summaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 importers of a deprecated shim, each in its own package: summarised one statement at a
    # time, verifying them took a batch of summaries (a worker pool started and stopped) each.
    from ssot_lint.api import check
    from ssot_lint.run import modules as run_modules

    pkg = tmp_path / "app"
    (pkg / "core").mkdir(parents=True)
    (tmp_path / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\n')
    (tmp_path / "rules.toml").write_text('[[rule]]\nid = "MOVE1"\nkind = "deprecated-import"\nreplace = { "app.core.old:Thing" = "app.core.new:Thing" }\n')
    for path in (pkg / "__init__.py", pkg / "core" / "__init__.py"):
        path.write_text("")
    (pkg / "core" / "new.py").write_text("class Thing:\n    pass\n")
    (pkg / "core" / "old.py").write_text("from app.core.new import Thing\n")
    for i in range(40):
        (pkg / f"user{i}").mkdir()
        (pkg / f"user{i}" / "__init__.py").write_text("")
        (pkg / f"user{i}" / "mod.py").write_text("import os\nfrom app.core.old import Thing\n\nos.environ.get('X')\nprint(Thing)\n")
    batches: list[int] = []
    real = run_modules.ProjectModules._analyze

    def counted(self: run_modules.ProjectModules, files: list) -> dict:
        batches.append(len(files))
        return real(self, files)

    monkeypatch.setattr(run_modules.ProjectModules, "_analyze", counted)
    result = check(config=tmp_path / "ssot-lint.toml", cache=False)
    assert [(f.rule_id, f.applicability) for f in result.report.findings] == [("MOVE1", "safe")] * 40
    assert len(batches) <= 3, batches
    assert multiprocessing.active_children() == []  # the workers kept for those rounds are stopped
