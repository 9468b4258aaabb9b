"""`trend` draws commits in the order of the commit graph, as `history` walks them, whatever their
dates say (a commit with a skewed clock, dated before its parent); dates are only its axis."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from ssot_lint.history.html import render_html
from ssot_lint.history.store import HistoryStore
from ssot_lint.history.trend import build_trend
from tests.git_history_repo import DAY, START, git, invoke

RULES = '[[rule]]\nid = "F1"\nkind = "deprecated-import"\nreplace = { "old" = "new" }\n'
SKEWED = START + DAY // 2  # commit 3 is dated before commit 2 (and commit 1)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """Four commits, each adding an import F1 flags (counts 1, 2, 3, 4); the third committed with
    a clock half a day before the first."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "rules.toml").write_text(RULES)
    (path / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\n')
    shas = []
    for n in range(1, 5):
        (path / f"m{n}.py").write_text("import old\n")
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", f"c{n}", when=SKEWED if n == 3 else START + n * DAY)
        shas.append(git(path, "rev-parse", "HEAD").strip()[:10])
    return path, shas


def test_trend_follows_the_commit_order_history_walked(repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, shas = repo
    code, out, err = invoke(path, monkeypatch, "history", "--no-color")
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()[1:5]] == shas
    assert [line.split()[3] for line in out.splitlines()[1:5]] == ["1", "2", "3", "4"]
    code, out, err = invoke(path, monkeypatch, "trend", "--no-color")
    assert (code, err) == (0, "")
    assert "All findings: 1 → 4 (+3)  ▁▃▆█\n" in out
    assert "F1    deprecated-import         1 → 4      +3    -  ▁▃▆█ \n" in out
    code, out, _ = invoke(path, monkeypatch, "trend", "--format", "csv")
    assert [line.split(",")[1][:10] for line in out.splitlines()[1:]] == shas  # the commit column, in order
    # A working-tree record keeps its place by time: after every commit.
    (path / "m5.py").write_text("import old\n")
    code, _, err = invoke(path, monkeypatch, "check", "--record", "--no-cache", "-q")
    assert code == 1, err
    code, out, err = invoke(path, monkeypatch, "trend", "--no-color")
    assert "All findings: 1 → 5 (+4)  ▁▃▅▆█\n" in out


def test_a_store_without_generations_is_ordered_by_date_until_history_reuses_it(repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, shas = repo
    assert invoke(path, monkeypatch, "history", "--no-color")[0] == 0
    store = path / ".ssot-lint" / "history.db"
    with sqlite3.connect(store) as db:  # as a store of schema 2 migrated: no generations yet
        db.execute("UPDATE snapshots SET generation = NULL")
    assert "▁▃▆█" not in invoke(path, monkeypatch, "trend", "--no-color")[1]  # by date: 3, 1, 2, 4
    code, _, err = invoke(path, monkeypatch, "history", "--no-color")
    assert (code, err.split(": ", 1)[1][:38]) == (0, "4 commits: 0 snapshots computed, 4 reu")
    assert "All findings: 1 → 4 (+3)  ▁▃▆█\n" in invoke(path, monkeypatch, "trend", "--no-color")[1]
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT generation FROM snapshots ORDER BY generation").fetchall() == [(1,), (2,), (3,), (4,)]


def test_the_html_axis_never_runs_backwards_and_the_hover_says_the_real_date(repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, shas = repo
    assert invoke(path, monkeypatch, "history", "--no-color")[0] == 0
    with HistoryStore(path / ".ssot-lint" / "history.db") as store:
        trend = build_trend(store.all())
    assert [s.label for s in trend.snapshots] == shas
    assert trend.axis_times == [START + DAY, START + 2 * DAY, START + 2 * DAY, START + 4 * DAY]  # c3 at c2's place
    html = render_html(trend, 5, "t")
    overview = html[html.index('id="rule-total"') : html.index("</figure>")]
    points = re.findall(r'<circle cx="([\d.]+)" cy="[\d.]+" r="5"><title>([^<]*)</title>', overview)
    assert [title for _, title in points] == [
        f"2023-11-15 22:13 · {shas[0]} · c1: 1",
        f"2023-11-16 22:13 · {shas[1]} · c2: 2",
        f"2023-11-15 10:13 · {shas[2]} · c3: 3",  # its own date
        f"2023-11-18 22:13 · {shas[3]} · c4: 4",
    ]
    xs = [float(x) for x, _ in points]
    assert xs[0] < xs[1] == xs[2] < xs[3]
