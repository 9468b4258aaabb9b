"""history and trend as a user meets them (review19b): where the store's .gitignore goes, stores
opened for reading are only read, merges of other repositories' stores are refused, --since and
--until are validated, the time axis of a record and of one snapshot, rules with no stored
counts, the progress of a window of commits."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ssot_lint.history.formats import markdown, terminal
from ssot_lint.history.html import render_html
from ssot_lint.history.model import WORKING_TREE, RuleCount, Snapshot
from ssot_lint.history.trend import build_trend
from tests.git_history_repo import git, invoke

RULE = '[tool.ssot-lint]\n[[tool.ssot-lint.rule]]\nid = "R1"\nkind = "deprecated-import"\ndescription = "old moved"\nreplace = { "old" = "new" }\n'
R2 = '[[tool.ssot-lint.rule]]\nid = "R2"\nkind = "deprecated-import"\ndescription = "older moved"\nreplace = { "older" = "new" }\n'


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def make_repo(repo: Path, commits: list[tuple[str, int]], pyproject: str = RULE) -> list[str]:
    """One commit per (date, number of legacy imports in m.py); returns the commit ids."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "pyproject.toml").write_text(pyproject)
    shas = []
    for date, legacy in commits:
        (repo / "m.py").write_text(f"# {date}\n" + "".join(f"from old import x{i}\n" for i in range(legacy)))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"{legacy} legacy imports", when=utc(date))
        shas.append(git(repo, "rev-parse", "HEAD").strip())
    return shas


def stored_commits(store: Path) -> int:
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM snapshots").fetchone()[0])
    finally:
        db.close()


# -- 01: the store's .gitignore ------------------------------------------------------------------


def test_a_store_the_user_places_gets_no_gitignore_next_to_it(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 2)])
    code, _, err = invoke(repo, monkeypatch, "history", "-q", "--shard", "1/1", "--store", "shard-1.db")
    assert (code, err) == (0, "")
    assert not (repo / ".gitignore").exists()  # git would ignore the whole project
    assert git(repo, "status", "--short", "--untracked-files=all") == "?? shard-1.db\n"
    code, _, err = invoke(repo, monkeypatch, "history", "merge", "shard-1.db", "--into", "out/merged.db")
    assert code == 0, err
    assert sorted(p.name for p in (repo / "out").iterdir()) == ["merged.db"]
    # ssot-lint's own directory keeps its '*' (the default store, and a --record)
    code, _, err = invoke(repo, monkeypatch, "history", "-q")
    assert (code, err) == (0, "")
    assert (repo / ".ssot-lint" / ".gitignore").read_text() == "*\n"


# -- 02: stores opened for reading are only read -------------------------------------------------


@pytest.fixture
def foreign_db(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 1)])
    db = sqlite3.connect(repo / "app.sqlite")
    db.execute("CREATE TABLE users (name)")
    db.execute("INSERT INTO users VALUES ('ann')")
    db.commit()
    db.close()
    (repo / "empty.db").write_bytes(b"")
    return repo


@pytest.mark.parametrize("name", ["app.sqlite", "empty.db"])
@pytest.mark.parametrize("command", [("history", "merge", "{}", "--into", "merged.db"), ("trend", "--store", "{}")])
def test_a_file_that_is_not_a_history_store_is_refused_and_untouched(foreign_db, monkeypatch, name, command):
    before = (foreign_db / name).read_bytes()
    code, out, err = invoke(foreign_db, monkeypatch, *(part.format(name) for part in command))
    assert (code, out, err) == (2, "", f"ssot-lint: error: {name}: not a history store (no schema_version table)\n")
    assert (foreign_db / name).read_bytes() == before
    assert sorted(p.name for p in foreign_db.iterdir() if p.suffix in (".sqlite", ".db") or "-" in p.name) == ["app.sqlite", "empty.db"]


def test_history_does_not_write_its_tables_into_another_sqlite_file(foreign_db, monkeypatch):
    before = (foreign_db / "app.sqlite").read_bytes()
    code, out, err = invoke(foreign_db, monkeypatch, "history", "-q", "--store", "app.sqlite")
    assert (code, err) == (2, "ssot-lint: error: app.sqlite: not a history store (no schema_version table)\n")
    assert (foreign_db / "app.sqlite").read_bytes() == before


def test_a_store_read_by_trend_or_merge_is_left_byte_identical(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 1), ("2026-01-02", 0)])
    assert invoke(repo, monkeypatch, "history", "-q", "--store", "shard.db")[0] == 0
    before = (repo / "shard.db").read_bytes()
    code, out, err = invoke(repo, monkeypatch, "trend", "--store", "shard.db", "--format", "csv")
    assert code == 0, err
    assert out.count("\n") == 3  # the header and one row per commit
    code, _, err = invoke(repo, monkeypatch, "history", "merge", "shard.db")
    assert (code, err) == (0, "ssot-lint: merged 1 store into .ssot-lint/history.db: 2 snapshots added\n")
    assert (repo / "shard.db").read_bytes() == before
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith("shard")) == ["shard.db"]


# -- 03: merging another repository's store ------------------------------------------------------


def test_merge_refuses_a_store_of_another_repository_and_changes_nothing(tmp_path, monkeypatch):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    make_repo(ours, [("2026-01-01", 5), ("2026-01-02", 4)])
    their_shas = make_repo(theirs, [("2026-01-01", 50), ("2026-01-02", 60)])
    assert invoke(ours, monkeypatch, "history", "-q", "--store", "shard-1.db", "--shard", "1/2")[0] == 0
    assert invoke(ours, monkeypatch, "history", "-q", "--store", "shard-2.db", "--shard", "2/2")[0] == 0
    assert invoke(theirs, monkeypatch, "history", "-q")[0] == 0
    assert invoke(ours, monkeypatch, "history", "merge", "shard-1.db")[0] == 0
    target = ours / ".ssot-lint" / "history.db"
    before = target.read_bytes()
    foreign = theirs / ".ssot-lint" / "history.db"
    code, out, err = invoke(ours, monkeypatch, "history", "merge", "shard-2.db", str(foreign))
    assert (code, out) == (2, "")
    assert err == (
        f"ssot-lint: error: {foreign}: snapshot of commit {their_shas[0][:10]} is not in this repository "
        "(2 of its 2 commits are not: a store of another project?); nothing merged\n"
    )
    assert target.read_bytes() == before  # shard-2.db, first in line and fine, was not merged either
    assert stored_commits(target) == 1


def test_a_merge_that_fails_midway_leaves_the_target_as_it_was(tmp_path, monkeypatch):
    from ssot_lint.errors import ConfigError
    from ssot_lint.history.store import HistoryStore

    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 5), ("2026-01-02", 4)])
    for k in (1, 2):
        assert invoke(repo, monkeypatch, "history", "-q", "--store", f"shard-{k}.db", "--shard", f"{k}/2")[0] == 0
    with (
        HistoryStore(repo / "merged.db") as target,
        HistoryStore(repo / "shard-1.db", create=False) as one,
        HistoryStore(repo / "shard-2.db", create=False) as two,
    ):
        monkeypatch.setattr(two, "all", lambda: (_ for _ in ()).throw(ConfigError("unreadable", "shard-2.db")))
        with pytest.raises(ConfigError, match="unreadable"):
            target.merge([one, two])
        assert target.all() == []
        assert target.merge([one]) == 1


# -- 04: --since and --until ---------------------------------------------------------------------


@pytest.fixture
def dated_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    make_repo(repo, [(f"2026-01-{day}", 1) for day in ("01", "08", "15", "22")])
    return repo


EXPECTED = "an ISO date (2026-01-31), date and time (2026-01-31T12:00, UTC unless it gives an offset) or 'N units ago'"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--until=garbage"], f"--until: not a date: 'garbage' (expected {EXPECTED})"),
        (["--until=2026-13-45"], f"--until: not a date: '2026-13-45' (expected {EXPECTED})"),
        (["--since=2026-02-30"], f"--since: not a date: '2026-02-30' (expected {EXPECTED})"),
        (["--since=3 fortnights ago"], f"--since: not a date: '3 fortnights ago' (expected {EXPECTED})"),
        (["--since=2026-01-22", "--until=2026-01-01"], "--until 2026-01-01 is before --since 2026-01-22"),
    ],
)
def test_a_bad_date_is_a_one_line_error(dated_repo, monkeypatch, args, message):
    code, out, err = invoke(dated_repo, monkeypatch, "history", "-q", *args)
    assert (code, out, err) == (2, "", f"ssot-lint: error: {message}\n")
    assert not (dated_repo / ".ssot-lint").exists()


@pytest.mark.parametrize(
    "args, commits",
    [
        (["--since=2026-01-15"], 2),  # a bare date is midnight UTC: the commit at 00:00 is in
        (["--until=2026-01-08"], 2),
        (["--since=2026-01-08T00:00:01"], 2),
        (["--since=2026-01-08T00:00:00+00:00", "--until=2026-01-15 00:00"], 2),
        (["--since=2026-01-15T01:00+01:00"], 2),  # 00:00 UTC
        (["--since=1000 weeks ago"], 4),
    ],
)
def test_dates_select_the_commits_they_say(dated_repo, monkeypatch, args, commits):
    code, _, err = invoke(dated_repo, monkeypatch, "history", "-q", "--store", "h.db", *args)
    assert (code, err) == (0, "")
    assert stored_commits(dated_repo / "h.db") == commits


def test_relative_dates_count_back_from_now_months_by_the_calendar():
    from ssot_lint.cli.history import commit_dates

    now = datetime(2026, 3, 31, 12, 30, tzinfo=timezone.utc)
    assert commit_dates("1 month ago", "2 days ago", now) == ("2026-02-28 12:30:00 +0000", "2026-03-29 12:30:00 +0000")
    assert commit_dates("1 year ago", "36 hours ago", now) == ("2025-03-31 12:30:00 +0000", "2026-03-30 00:30:00 +0000")
    assert commit_dates("2026-01-01 12:00:00 +0100", "2026-01-01T12:00Z", now) == ("2026-01-01 11:00:00 +0000", "2026-01-01 12:00:00 +0000")


# -- 05, 06: the time axis -------------------------------------------------------------------------


def snapshot(when: str, counts: dict[str, int], commit: str | None = "c", generation: int | None = None, **fields: object) -> Snapshot:
    rules = [RuleCount(rule, "deprecated-import", "error", n, n, None) for rule, n in counts.items()]
    if commit is None:
        return Snapshot(commit=None, label=WORKING_TREE, series="s", ruleset_digest="d", recorded_at=utc(when), rules=rules, **fields)  # type: ignore[arg-type]
    return Snapshot(commit=commit, label=commit, series="s", ruleset_digest="d", commit_time=utc(when), generation=generation, rules=rules, **fields)  # type: ignore[arg-type]


def axis_labels(html: str, chart: int = 0) -> list[str]:
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svgs[chart]) if not t.strip().isdigit()]


def test_a_record_is_drawn_one_step_after_the_last_commit_with_its_own_date():
    commits = [snapshot(f"2026-03-01 10:{m}", {"R1": n}, f"c{m}", generation=i) for i, (m, n) in enumerate([("00", 1), ("10", 2), ("20", 3), ("30", 4)])]
    record = snapshot("2026-11-30 19:00", {"R1": 4}, commit=None)
    trend = build_trend(commits + [record])
    assert trend.axis_times == [utc("2026-03-01 10:00"), utc("2026-03-01 10:10"), utc("2026-03-01 10:20"), utc("2026-03-01 10:30"), utc("2026-03-01 10:40")]
    labels = axis_labels(render_html(trend, 5, "t"))
    # date ticks up to the last commit, then the record's own date (the commits' date on the left)
    assert labels == ["10:00", "10:10", "10:20", "10:30", "working tree", "2026-11-30", "2026-Mar-01"]
    # a record shortly after the last commit is drawn at its own time
    soon = build_trend(commits + [snapshot("2026-03-01 10:32", {"R1": 4}, commit=None)])
    assert soon.axis_times[-1] == utc("2026-03-01 10:32")


def test_one_snapshot_compares_nothing():
    trend = build_trend([snapshot("2026-03-01 10:00", {"R1": 2, "R2": 0, "R3": 0}, generation=1)])
    html = render_html(trend, 5, "t")
    assert "Rules that changed" not in html
    assert 'class="changes"' not in html
    assert html.count('<figure class="rule"') == 1  # the overview's chart only
    assert '<p class="muted">One snapshot: nothing to compare.</p>' in html
    assert axis_labels(html) == ["Mar-01", "04:00", "08:00", "12:00", "16:00", "20:00", "2026-Mar-01"]  # a day around it
    text = markdown(trend, 5)
    assert "Largest changes" not in text
    assert "\n**All findings: 2** ▄\n" in text
    assert "| R1 | deprecated-import | 2 |  |  | ▄ |" in text
    assert "\nOne snapshot: nothing to compare.\n" in text
    out = terminal(trend, 5, color=False)
    assert "Largest changes" not in out
    assert "One snapshot: nothing to compare." in out


# -- 07: rules with no stored counts ---------------------------------------------------------------


def test_a_rule_without_stored_counts_is_listed_with_a_note(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 1), ("2026-01-02", 2)])
    assert invoke(repo, monkeypatch, "history", "-q")[0] == 0
    (repo / "pyproject.toml").write_text(RULE + R2)
    note = "ssot-lint: note: R2: no history yet: run `ssot-lint history`\n"
    code, out, err = invoke(repo, monkeypatch, "trend", "--format", "markdown")
    assert (code, err) == (0, note)
    assert "| R1 | deprecated-import | 1 → 2 | +1 |  | ▁█ |" in out
    assert "\nNo history yet: R2 (run `ssot-lint history`).\n" in out
    code, out, err = invoke(repo, monkeypatch, "trend", "--select", "R2", "--format", "markdown")
    assert (code, err) == (0, note)
    assert "\nNo history yet: R2 (run `ssot-lint history`).\n" in out
    assert "| rule |" not in out  # no table of no rows
    code, out, err = invoke(repo, monkeypatch, "trend", "--format", "html")
    assert '<p class="flat">No history yet (run <code>ssot-lint history</code>): <span id="rule-R2"><b>R2</b></span>.</p>' in out
    assert '<td class="n">no data</td>' in out
    code, out, err = invoke(repo, monkeypatch, "trend", "--no-color")
    assert "\nNo history yet: R2 (run `ssot-lint history`).\n" in out


# -- 08: progress and timings ----------------------------------------------------------------------


def test_progress_moves_as_the_files_of_a_window_are_analyzed(tmp_path, monkeypatch):
    from ssot_lint.api.project import load_project
    from ssot_lint.history.gitread import Repository
    from ssot_lint.history.selection import HistoryOptions
    from ssot_lint.history.store import HistoryStore
    from ssot_lint.history.walk import HistoryRun

    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 1), ("2026-01-02", 2)])
    (repo / "n.py").write_text("x = 1\n")
    (repo / "o.py").write_text("y = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two more files", when=utc("2026-01-03"))
    monkeypatch.chdir(repo)
    project = load_project(None)
    config, ruleset = project.config, project.rules
    calls: list[tuple[float, int]] = []
    with HistoryStore(tmp_path / "h.db") as store:
        HistoryRun(Repository(repo), config, ruleset, store, None, HistoryOptions(jobs=1), on_progress=lambda done, total: calls.append((done, total))).run()
    # 3 commits, one window; 4 file versions (m.py twice, n.py, o.py): the bar moves with each.
    assert calls == [(0.75, 3), (1.5, 3), (2.25, 3), (3.0, 3), (3, 3)]


def test_show_timings_names_the_phases(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    make_repo(repo, [("2026-01-01", 1), ("2026-01-02", 2)])
    code, _, err = invoke(repo, monkeypatch, "history", "-q", "--show-timings")
    assert code == 0, err
    (line,) = [line for line in err.splitlines() if "timings" in line]
    assert re.sub(r"\d+\.\d{3}s", "S", line) == "ssot-lint: timings: list commits S, ls-tree S, blob reads S, analysis S, aggregation S, store S, total S"


# -- 09: the collapsed rules' line ---------------------------------------------------------------


def test_the_unchanged_rules_line_keeps_max_and_over_max():
    trend = build_trend(
        [
            snapshot("2026-03-01", {"R1": 2, "R2": 30, "R3": 1}, "a", generation=1),
            snapshot("2026-03-02", {"R1": 2, "R2": 30, "R3": 0}, "b", generation=2),
        ]
    )
    trend.rules[1].maxes = [10, 10]  # R2 held at 30 over its max of 10
    assert "\nUnchanged: R1 (2), R2 (30, max 10, over max).\n" in markdown(trend, 5)
    assert "\nUnchanged: R1 (2), R2 (30, max 10, over max).\n" in terminal(trend, 5, color=False)
    html = render_html(trend, 5, "t")
    assert (
        '<p class="flat">Unchanged over these snapshots: <span id="rule-R1"><b>R1</b> 2</span>, '
        '<span id="rule-R2"><b>R2</b> 30 <span class="muted">max 10</span> <span class="over">over max</span></span>.</p>'
    ) in html
