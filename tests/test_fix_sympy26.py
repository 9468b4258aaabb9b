"""sympy26 (issues #13/#17): every path that counts a rule's findings drops those the project
refutes (sympy25's ``Rule.refuted``: ``from pkg import simplify`` is the function ``pkg`` binds
over its submodule ``pkg.simplify``), so ``check`` and a ``history`` snapshot of the same tree
give one number. ``history`` aggregated without refuting: SymPy's snapshot counted 8 more."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ssot_lint.history.store import HistoryStore, default_path
from tests.git_history_repo import PYPROJECT, build_repo, export_commit, invoke

pytest_plugins = ["pytester"]

RULES = '[[rule]]\nid = "PKG"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.simplify" = "pkg"\n'
# SymPy's shape (tests/test_fix_sympy25.py): pkg binds the function over its submodule's name.
PACKAGE = {
    "pkg/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/__init__.py": "from .simplify import simplify\n",
    "pkg/simplify/simplify.py": "def simplify(x):\n    return x\n",
}
STEPS: list[tuple[str, dict[str, str | None]]] = [
    # app.py reads the function: no finding; legacy.py imports the submodule itself: one.
    (
        "package binds the function",
        {
            "pyproject.toml": PYPROJECT,
            "rules/ssot.toml": RULES,
            **PACKAGE,
            "app.py": "from pkg import simplify\n\nprint(simplify(1))\n",
            "legacy.py": "import pkg.simplify\n",
        },
    ),
    # The package no longer binds it: app.py's import is the submodule now.
    ("package binds nothing", {"pkg/__init__.py": ""}),
]


def check_counts(tree: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    code, out, err = invoke(tree, monkeypatch, "check", "-o", "json", "--no-cache")
    assert code in (0, 1), err
    return {row["id"]: row["count"] for row in json.loads(out)["rules"]}


def test_a_history_snapshot_counts_what_check_counts_on_the_same_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    shas = build_repo(repo, STEPS)
    checked = [check_counts(export_commit(repo, sha, tmp_path / sha), monkeypatch) for sha in shas]
    # pkg's own two `from .simplify import` and legacy.py; then app.py in place of pkg/__init__.py's
    assert checked == [{"PKG": 3}, {"PKG": 3}]
    code, _, err = invoke(repo, monkeypatch, "history", "--no-color", "--no-cache")
    assert code == 0, err
    with HistoryStore(default_path(repo)) as store:
        ((digest,),) = set(store._db.execute("SELECT ruleset_digest FROM snapshots"))
        found = store.find(shas[0], digest)
        assert found is not None
        snapshots = store.series(found.series)
    assert [s.commit for s in snapshots] == shas
    assert [{r.rule_id: r.count for r in s.rules} for s in snapshots] == checked
    assert snapshots[0].file_counts == {"legacy.py": {"PKG": 1}, "pkg/__init__.py": {"PKG": 1}, "pkg/simplify/__init__.py": {"PKG": 1}}
    assert snapshots[1].file_counts == {"app.py": {"PKG": 1}, "legacy.py": {"PKG": 1}, "pkg/simplify/__init__.py": {"PKG": 1}}

    # check --record stores the working tree's counts: the same again.
    code, _, err = invoke(repo, monkeypatch, "check", "--record", "--no-cache")
    assert code == 1, err
    code, out, err = invoke(repo, monkeypatch, "trend", "--format", "json")
    assert code == 0, err
    last = json.loads(out)["snapshots"][-1]
    assert last["label"] == "working tree"
    assert {rule: c["count"] for rule, c in last["rules"].items()} == {"PKG": 3}


def test_the_baseline_records_only_the_findings_check_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    build_repo(repo, STEPS[:1])
    code, _, err = invoke(repo, monkeypatch, "baseline", "--no-cache")
    assert code == 0, err
    entries = json.loads((repo / ".ssot-baseline.json").read_text())
    paths = sorted(path for path in json.dumps(entries).split('"') if path.endswith(".py"))
    assert paths == ["legacy.py", "pkg/__init__.py", "pkg/simplify/__init__.py"]  # not app.py
    code, _, err = invoke(repo, monkeypatch, "check", "--no-cache")
    assert code == 0, err


def test_the_pytest_item_counts_what_check_counts(pytester: pytest.Pytester, tmp_path: Path) -> None:
    source = tmp_path / "repo"
    build_repo(source, STEPS[:1])
    shutil.rmtree(source / ".git")
    shutil.copytree(source, pytester.path, dirs_exist_ok=True)
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    (pytester.path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    result = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*PKG (deprecated-import, error): count 3, max -"])
    assert "app.py" not in result.stdout.str()
