"""`ssot-lint history`: counts at each commit, read from git objects, equal `check` on that commit."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ssot_lint.history.gitread import Commit
from ssot_lint.history.selection import select_commits
from ssot_lint.history.store import HistoryStore, default_path
from ssot_lint.history.walk import glob_match
from tests.git_history_repo import DAY, START, STEPS, apply, build_repo, counters, distinct_versions, export_commit, git, git_env, invoke


def check_at(repo: Path, sha: str, workdir: Path, monkeypatch: pytest.MonkeyPatch, rules: Path | None = None) -> tuple[int, dict]:
    """Run `check -o json` on an exported copy of the commit (optionally with other rules)."""
    tree = export_commit(repo, sha, workdir / sha)
    if rules is not None:
        shutil.copy(rules, tree / "rules" / "ssot.toml")
    code, out, err = invoke(tree, monkeypatch, "check", "-o", "json", "--no-cache")
    return code, (json.loads(out) if code in (0, 1) else {"error": err})


def counts_from_check(report: dict) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    rules = {r["id"]: r["count"] for r in report["rules"] if r["id"] != "SSOT000"}  # a snapshot's parse_errors
    files: dict[str, dict[str, int]] = {}
    for (path, rule), n in Counter((f["path"], f["rule"]) for f in report["findings"]).items():
        files.setdefault(path, {})[rule] = n
    return rules, files


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    repo = tmp_path_factory.mktemp("hist") / "repo"
    return repo, build_repo(repo)


def test_history_equals_check_at_every_commit(history_repo, tmp_path, monkeypatch):
    repo, shas = history_repo
    # A dirty, detached work tree must not matter: history reads commits, not files.
    git(repo, "checkout", "-q", "--detach", shas[3])
    (repo / "app" / "ws.py").write_text("class AnotherWebSocketManager: ...\n")
    (repo / "app" / "untracked.py").write_text("import app.old_ws\n")
    try:
        code, out, err = invoke(repo, monkeypatch, "history", "main", "--no-color")
    finally:
        git(repo, "checkout", "-q", "-f", "main")
        (repo / "app" / "untracked.py").unlink()
    assert code == 0, err
    n = len(STEPS)
    # One blob more read: app/__init__.py, which verification reads to judge app/more.py's
    # `from app import old_ws` (history.refuting: it binds no old_ws of its own).
    assert counters(err) == (n, n, 0, distinct_versions(repo, shas), distinct_versions(repo, shas) + 1)

    with HistoryStore(default_path(repo)) as store:
        snapshots = [s for s in store.series(store.find(shas[0], _digest(store, shas[0])).series)]
    assert [s.commit for s in snapshots] == shas
    assert [s.subject for s in snapshots] == [subject for subject, _ in STEPS]
    assert [s.commit_time for s in snapshots] == [START + i * DAY for i in range(n)]

    for sha, snapshot in zip(shas, snapshots):
        code, report = check_at(repo, sha, tmp_path, monkeypatch)
        assert code in (0, 1), report
        rules, files = counts_from_check(report)
        assert {r.rule_id: r.count for r in snapshot.rules} == rules, sha
        assert snapshot.file_counts == files, sha
        assert snapshot.parse_errors == report["files"]["parse_errors"]
        assert snapshot.files == report["files"]["scanned"] + report["files"]["parse_errors"]

    # The history itself, pinned: violations go up, then down to the one duplicate manager.
    assert [s.count("SI001") for s in snapshots] == [1, 2, 2, 2, 3, 3, 3, 3, 3, 2, 2, 2]
    assert [s.count("DI001") for s in snapshots] == [0, 0, 2, 2, 3, 4, 4, 4, 4, 3, 1, 0]
    assert [s.count("EV001") for s in snapshots] == [0, 0, 0, 2, 2, 2, 2, 2, 1, 1, 1, 0]
    assert [s.parse_errors for s in snapshots] == [0] * 6 + [1] * 4 + [0, 0]
    assert snapshots[5].file_counts["app/sub/x.py"] == {"DI001": 1}  # the relative import, named via the tree's __init__.py
    assert "build/gen.py" not in snapshots[6].file_counts  # excluded by the default exclude list

    # Second run: everything comes from the store.
    code, out, err = invoke(repo, monkeypatch, "history", "main", "--no-color", "--show-timings")
    assert code == 0, err
    assert counters(err) == (n, 0, n, 0, 0)
    assert "timings:" in err
    rows = [line.split() for line in out.splitlines() if line[:10] in {s[:10] for s in shas}]
    assert [row[0] for row in rows] == [s[:10] for s in shas]
    assert rows[-1][3:6] == ["2", "0", "0"]  # SI001 DI001 EV001 at the last commit, in the rules' order


def _digest(store: HistoryStore, sha: str) -> str:
    return store._db.execute("SELECT ruleset_digest FROM snapshots WHERE commit_sha = ?", (sha,)).fetchone()[0]


def test_a_stored_history_is_reused_and_new_commits_only_cost_their_changes(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    build_repo(repo, STEPS[:6])
    code, _, err = invoke(repo, monkeypatch, "history", "--no-color")
    assert code == 0, err
    build_more = STEPS[6:8]
    for n, (subject, files) in enumerate(build_more, start=6):
        apply(repo, files)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", subject, when=START + n * DAY)
    code, _, err = invoke(repo, monkeypatch, "history", "--no-color")
    assert code == 0, err
    # 8 commits, 6 reused; commit 7 adds app/broken.py (build/ is excluded), commit 8 changes no
    # Python file; app/__init__.py is read for verification once (app/more.py's `from app import old_ws`).
    assert counters(err) == (8, 2, 6, 1, 2)


def test_sampling_and_ranges(history_repo, monkeypatch):
    repo, shas = history_repo
    code, out, err = invoke(repo, monkeypatch, "history", "--every", "5", "--no-color")
    assert code == 0, err
    labels = [line.split()[0] for line in out.splitlines() if line[:10] in {s[:10] for s in shas}]
    assert labels == [shas[1][:10], shas[6][:10], shas[11][:10]]
    code, out, err = invoke(repo, monkeypatch, "history", f"{shas[8]}..main", "--no-color")
    assert counters(err)[0] == 3
    code, out, err = invoke(repo, monkeypatch, "history", "--max-commits", "4", "--no-color")
    assert counters(err)[0] == 4
    code, _, err = invoke(repo, monkeypatch, "history", "--every", "2", "--by", "day")
    assert code == 2 and "cannot be combined" in err


def test_select_commits_by_day_and_week():
    # Newest first, as rev-list lists them: two commits on 2023-11-14, one on 11-15, one a week later.
    commits = [Commit(str(i), t, t, "") for i, t in enumerate([START + 8 * DAY, START + DAY + 60, START + 120, START + 60])]
    assert [c.sha for c in select_commits(commits, None, "day", None)] == ["0", "1", "2"]
    assert [c.sha for c in select_commits(commits, None, "week", None)] == ["0", "1"]
    assert [c.sha for c in select_commits(commits, 2, None, None)] == ["0", "2"]
    assert [c.sha for c in select_commits(commits, None, None, 3)] == ["0", "1", "2"]


def test_rule_file_globs_match_like_path_glob():
    assert glob_match("rules/a.toml", "rules/*.toml")
    assert not glob_match("rules/sub/a.toml", "rules/*.toml")
    assert glob_match("rules/sub/a.toml", "rules/**/*.toml")
    assert glob_match("rules/a.toml", "rules/**/*.toml")
    assert glob_match("ssot.toml", "./ssot.toml")


def test_first_parent_skips_merged_side_commits(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    build_repo(repo, STEPS[:2])
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "app" / "side.py").write_text("import app.old_ws\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "side", when=START + 5 * DAY)
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side", when=START + 6 * DAY)
    code, out, err = invoke(repo, monkeypatch, "history", "--first-parent", "--no-color")
    assert code == 0, err
    assert counters(err)[0] == 3  # two main-line commits and the merge
    code, out, err = invoke(repo, monkeypatch, "history", "--no-color")
    assert counters(err)[:3] == (4, 1, 3)  # the side commit is new; the rest are reused


def test_rules_at_commit_match_check_on_each_commit(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    rules_v2 = STEPS[0][1]["rules/ssot.toml"].replace("max = 1", "max = 2")
    steps = STEPS[:5] + [
        ("raise the ceiling", {"rules/ssot.toml": rules_v2}),
        ("break the rule file", {"rules/ssot.toml": rules_v2 + "\n[[rule]]\nid = 'X'\nkind = 'nope'\n"}),
        ("repair it", {"rules/ssot.toml": rules_v2}),
    ]
    shas = build_repo(repo, steps)
    code, out, err = invoke(repo, monkeypatch, "history", "--rules-at-commit", "--no-color")
    assert code == 0, err
    assert counters(err)[:3] == (8, 8, 0)
    with HistoryStore(default_path(repo)) as store:
        snapshots = [store.find(sha, _digest(store, sha)) for sha in shas]
    broken = snapshots[6]
    assert not broken.complete and broken.rules == []
    assert broken.note.startswith(f"rules not loaded: {shas[6][:10]}:rules/ssot.toml:")
    assert "unknown kind 'nope'" in broken.note
    assert f"note: {shas[6][:10]}: rules not loaded" in out  # reported, and the run went on
    for sha, snapshot in zip(shas, snapshots):
        code, report = check_at(repo, sha, tmp_path, monkeypatch)
        if sha == shas[6]:
            assert code == 2  # check refuses the broken rule file too
            continue
        rules, files = counts_from_check(report)
        assert {r.rule_id: r.count for r in snapshot.rules} == rules
        assert {r.rule_id: r.max for r in snapshot.rules}["SI001"] == (1 if sha in shas[:5] else 2)
        assert snapshot.file_counts == files
    code, out, err = invoke(repo, monkeypatch, "history", "--rules-at-commit", "--no-color")
    assert counters(err) == (8, 0, 8, 0, 0)
    code, out, err = invoke(repo, monkeypatch, "trend", "--rules-at-commit", "--format", "json")
    assert code == 0, err
    shown = json.loads(out)["snapshots"]
    assert [s["commit"] for s in shown] == shas
    assert [s["complete"] for s in shown] == [True] * 6 + [False, True]
    assert [s["rules"].get("SI001", {}).get("max") for s in shown] == [1] * 5 + [2, None, 2]

    # Default mode: today's rules (max 2) applied to every commit, equal to check with today's rules.
    code, out, err = invoke(repo, monkeypatch, "history", "--no-color")
    assert code == 0, err
    with HistoryStore(default_path(repo)) as store:
        current = store.find(
            shas[2],
            next(d for (d,) in store._db.execute("SELECT ruleset_digest FROM snapshots WHERE commit_sha = ? AND series != ?", (shas[2], snapshots[2].series))),
        )
    code, report = check_at(repo, shas[2], tmp_path / "now", monkeypatch, rules=repo / "rules" / "ssot.toml")
    assert {r.rule_id: (r.count, r.max) for r in current.rules} == {r["id"]: (r["count"], r["max"]) for r in report["rules"]}
    assert {r.rule_id: r.max for r in current.rules}["SI001"] == 2


def test_check_record_adds_the_working_tree(history_repo, tmp_path, monkeypatch):
    repo, shas = history_repo
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)
    (copy / "app" / "old_ws.py").unlink()  # not committed: only the working tree knows
    (copy / "app" / "late.py").write_text("x = 1\nimport app.old_ws\n")
    code, out, err = invoke(copy, monkeypatch, "check", "--record", "--no-cache")
    assert code == 1, err
    assert "recorded the working tree" in err
    code, out, err = invoke(copy, monkeypatch, "trend", "--format", "json")
    assert code == 0, err
    last = json.loads(out)["snapshots"][-1]
    assert last["label"] == "working tree" and last["commit"] is None
    assert {rule: c["count"] for rule, c in last["rules"].items()} == {"SI001": 1, "DI001": 1, "EV001": 0}
    assert last["top_files"] == [{"path": "app/late.py", "findings": 1, "rules": {"DI001": 1}}]
    code, _, err = invoke(copy, monkeypatch, "check", "app", "--record", "--no-cache")
    assert code == 2 and "run it without PATHS" in err


@pytest.mark.parametrize(
    "setup, args, message",
    [
        ("plain dir", ["history"], "not a git repository"),
        ("repo", ["history", "nope"], "unknown revision or range 'nope'"),
        ("repo", ["history", "HEAD --output=x"], "cannot start with '-'"),
        ("empty repo", ["history"], "the repository has no commits yet"),
        ("repo", ["trend"], "no history at"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, setup, args, message):
    project = tmp_path / "p"
    if setup == "repo":
        build_repo(project, STEPS[:2])
    else:
        project.mkdir()
        (project / "pyproject.toml").write_text(STEPS[0][1]["pyproject.toml"])
        (project / "rules").mkdir()
        (project / "rules" / "ssot.toml").write_text(STEPS[0][1]["rules/ssot.toml"])
        if setup == "empty repo":
            git(project, "init", "-q")
    code, out, err = invoke(project, monkeypatch, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_shallow_clone_is_noted_and_unreachable_revisions_explained(history_repo, tmp_path, monkeypatch):
    repo, shas = history_repo
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "3", f"file://{repo}", str(clone)], env=git_env(), check=True)
    code, out, err = invoke(clone, monkeypatch, "history", "--no-color")
    assert code == 0, err
    assert counters(err)[0] == 3
    assert f"note: shallow clone: history before {shas[-3][:10]} is missing" in err
    code, out, err = invoke(clone, monkeypatch, "history", "HEAD~5..HEAD")
    assert code == 2
    assert "shallow clone" in err and "git fetch --unshallow" in err
    # -q: nothing but what is missing (the snapshots are stored; `trend` shows them).
    code, out, err = invoke(clone, monkeypatch, "history", "-q")
    assert (code, out, err) == (0, "", f"ssot-lint: note: shallow clone: history before {shas[-3][:10]} is missing (git fetch --unshallow)\n")
    code, out, err = invoke(repo, monkeypatch, "history", "--quiet", "--max-commits", "2")
    assert (code, out, err) == (0, "", "")


def test_project_in_a_subdirectory_of_the_repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    steps = [(subject, {f"svc/{path}": content for path, content in files.items()}) for subject, files in STEPS[:6]]
    steps[0][1]["other/app/old_ws.py"] = "class OutsideWebSocketManager: ...\n"  # outside the project: not counted
    shas = build_repo(repo, steps)
    code, out, err = invoke(repo / "svc", monkeypatch, "history", "--no-color")
    assert code == 0, err
    with HistoryStore(default_path(repo / "svc")) as store:
        snapshot = store.find(shas[-1], _digest(store, shas[-1]))
    exported = export_commit(repo, shas[-1], tmp_path / "export")
    code, out, _ = invoke(exported / "svc", monkeypatch, "check", "-o", "json", "--no-cache")
    assert code == 1
    rules, files = counts_from_check(json.loads(out))
    assert {r.rule_id: r.count for r in snapshot.rules} == rules == {"SI001": 3, "DI001": 4, "EV001": 2}
    assert snapshot.file_counts == files
    assert snapshot.file_counts["app/sub/x.py"] == {"DI001": 1}
