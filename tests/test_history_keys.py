"""History keyed by what changes counts (issue #18, item 5): a rule's kind, options and scope,
not its description, message or severity; `check --record` snapshots stay visible when a rule
changes; a store written before keys existed (schema 1) is migrated and stays readable."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ssot_lint import __version__, api
from ssot_lint.history.store import HistoryStore, default_path
from tests.git_history_repo import build_repo, run

SI001 = [1, 2, 2, 2, 3, 3, 3, 3, 3, 2, 2, 2]  # the WebSocket manager family over the 12 commits
LEFT_OFF = "are left off its line (`ssot-lint history` recomputes the commits; a working-tree record keeps its old count in the store)"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "repo"
    build_repo(path)
    code, _, err = run(path, "history", "--no-color")
    assert code == 0, err
    return path


@pytest.fixture
def copy(repo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(repo, target)
    return target


def trend(project: Path) -> tuple[dict, str]:
    code, out, err = run(project, "trend", "--format", "json")
    assert code == 0, err
    return json.loads(out), err


def counts(data: dict, rule: str) -> list[int | None]:
    return [s["rules"][rule]["count"] if rule in s["rules"] else None for s in data["snapshots"]]


def edit_rules(project: Path, old: str, new: str) -> None:
    rules = project / "rules" / "ssot.toml"
    text = rules.read_text()
    assert old in text
    rules.write_text(text.replace(old, new, 1))


def test_editing_description_message_or_severity_keeps_the_whole_trend(repo: Path, copy: Path) -> None:
    before, _ = trend(repo)
    assert counts(before, "SI001") == SI001
    edit_rules(copy, 'id = "SI001"\n', 'id = "SI001"\ndescription = "One WebSocket manager."\nmessage = "{name}: one of {count}"\nseverity = "warning"\n')
    edit_rules(copy, 'id = "DI001"\n', 'id = "DI001"\nseverity = "info"\n')
    after, err = trend(copy)
    assert (after, err) == (before, "")
    # and `history` has nothing to recompute: the snapshots were computed with these very counts
    code, _, err = run(copy, "history", "--no-color")
    assert code == 0 and "12 commits: 0 snapshots computed, 12 reused" in err


def test_editing_a_rules_options_leaves_off_that_rule_only_until_history_recomputes(copy: Path) -> None:
    edit_rules(copy, "max = 1", "max = 3")
    data, err = trend(copy)
    assert counts(data, "SI001") == [None] * 12
    assert counts(data, "DI001") == [0, 0, 2, 2, 3, 4, 4, 4, 4, 3, 1, 0]
    assert err == f"ssot-lint: note: SI001: 12 snapshots computed with an earlier definition of the rule {LEFT_OFF}\n"
    code, _, err = run(copy, "history", "--no-color")
    assert code == 0 and "12 commits: 12 snapshots computed, 0 reused" in err
    data, err = trend(copy)
    assert (counts(data, "SI001"), err) == (SI001, "")
    assert data["rules"][0] == {"id": "SI001", "kind": "single-implementation", "first": 1, "last": 2, "delta": 1, "max": 3}


def test_a_working_tree_record_stays_visible_when_rules_change(copy: Path) -> None:
    (copy / "app" / "late.py").write_text("import app.old_ws\n")  # only the working tree has it
    code, _, err = run(copy, "check", "--record", "--no-cache")
    assert code == 1, err
    data, _ = trend(copy)
    assert data["snapshots"][-1]["label"] == "working tree"
    assert {rule: c["count"] for rule, c in data["snapshots"][-1]["rules"].items()} == {"SI001": 2, "DI001": 1, "EV001": 0}
    # A message edit keeps the record whole ...
    edit_rules(copy, 'id = "DI001"\n', 'id = "DI001"\nmessage = "{target} moved to {replacement}"\n')
    data, err = trend(copy)
    assert (set(data["snapshots"][-1]["rules"]), err) == ({"SI001", "DI001", "EV001"}, "")
    # ... a changed option leaves off that rule's count (the record cannot be recomputed), not the record.
    edit_rules(copy, 'events = ["agent_started", "agent_completed"]', 'events = ["agent_started", "agent_completed", "agent_failed"]')
    data, err = trend(copy)
    assert data["snapshots"][-1]["label"] == "working tree"
    assert {rule: c["count"] for rule, c in data["snapshots"][-1]["rules"].items()} == {"SI001": 2, "DI001": 1}
    assert counts(data, "EV001") == [None] * 13
    assert err == f"ssot-lint: note: EV001: 13 snapshots computed with an earlier definition of the rule {LEFT_OFF}\n"


# The store as ssot-lint wrote it before rule keys (schema 1), and how it named a series.
SCHEMA_1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE snapshots (id INTEGER PRIMARY KEY, commit_sha TEXT, label TEXT NOT NULL, series TEXT NOT NULL, ruleset_digest TEXT NOT NULL,
    commit_time INTEGER, author_time INTEGER, subject TEXT NOT NULL DEFAULT '', recorded_at INTEGER NOT NULL, tool_version TEXT NOT NULL,
    files INTEGER NOT NULL, parse_errors INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', complete INTEGER NOT NULL);
CREATE UNIQUE INDEX snapshots_commit ON snapshots (commit_sha, ruleset_digest) WHERE commit_sha IS NOT NULL;
CREATE INDEX snapshots_series ON snapshots (series);
CREATE TABLE rule_counts (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE, rule_id TEXT NOT NULL, kind TEXT NOT NULL,
    severity TEXT NOT NULL, count INTEGER NOT NULL, findings INTEGER NOT NULL, max INTEGER, PRIMARY KEY (snapshot_id, rule_id));
CREATE TABLE file_counts (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE, path TEXT NOT NULL, rule_id TEXT NOT NULL,
    findings INTEGER NOT NULL, PRIMARY KEY (snapshot_id, path, rule_id));
"""


def schema_1_series(project: Path) -> str:
    """`history.model.current_series` of schema 1, verbatim: the tool version in both halves."""
    loaded = api.load_project(project / "pyproject.toml")
    settings = {key: list(loaded.config.get(key)) for key in ("include", "exclude", "extend-exclude", "src")}
    scope = hashlib.sha256(json.dumps([__version__, settings], sort_keys=True).encode()).hexdigest()[:16]
    return hashlib.sha256(f"rules:{loaded.rules.digest}:{scope}".encode()).hexdigest()[:16]


def test_a_store_of_schema_1_is_migrated_and_stays_readable(repo: Path, copy: Path) -> None:
    before, _ = trend(repo)
    with HistoryStore(default_path(repo)) as store:
        snapshots = store.all()
    path = default_path(copy)
    path.unlink()
    series = schema_1_series(copy)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_1)
    records = [(series, s) for s in snapshots] + [("0123456789abcdef", snapshots[-1])]  # + a record of other rules
    for n, (name, s) in enumerate(records, 1):
        commit = s.commit if name == series else None
        db.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (n, commit, s.label, name, name, s.commit_time if commit else None, s.author_time, s.subject, s.recorded_at, s.tool_version, s.files)
            + (s.parse_errors, s.note, int(s.complete)),
        )
        db.executemany(
            "INSERT INTO rule_counts VALUES (?, ?, ?, ?, ?, ?, ?)", [(n, r.rule_id, r.kind, r.severity, r.count, r.findings, r.max) for r in s.rules]
        )
        db.executemany("INSERT INTO file_counts VALUES (?, ?, ?, ?)", [(n, p, rule, k) for p, rules in s.file_counts.items() for rule, k in rules.items()])
    db.commit()
    db.close()
    # The 12 snapshots of today's rules are adopted with their keys; the other one is explained.
    data, err = trend(copy)
    assert data == before
    assert err == (
        "ssot-lint: note: 1 snapshot written by an earlier ssot-lint was computed with other rules and cannot be matched to today's: "
        "`ssot-lint history` recomputes the commits; 1 working-tree record (it stays in the store) cannot be recomputed\n"
    )
    assert sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchall() == [(3,)]
    # The adopted commits are not recomputed (same tool version, same rules).
    code, _, err = run(copy, "history", "--no-color")
    assert code == 0 and "12 commits: 0 snapshots computed, 12 reused" in err


def test_schema_1_rows_of_commits_computed_again_since_are_dropped_not_doubled(repo: Path, copy: Path) -> None:
    # `history merge` of an old store into a new one: the same commits, once under each schema.
    before, _ = trend(repo)
    series = schema_1_series(copy)
    with HistoryStore(default_path(copy)) as store:
        for s in store.all():
            rules = [dataclasses.replace(r, key="") for r in s.rules]
            store.add(dataclasses.replace(s, id=None, series=series, ruleset_digest=series, rules=rules))
        assert len(store.all()) == 24
    data, err = trend(copy)
    assert (data, err) == (before, "")
    with HistoryStore(default_path(copy)) as store:
        assert len(store.all()) == 12 and not store.legacy()
