"""`history` at scale: on the worker pool (any --jobs gives the same snapshots), limited by date,
and sharded across CI runners whose stores merge into what one run computes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ssot_lint.history.model import Snapshot
from ssot_lint.history.store import HistoryStore
from tests.git_history_repo import DAY, START, STEPS, build_repo, counters, distinct_versions, invoke


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("scale") / "repo"
    return path, build_repo(path)


def contents(path: Path) -> dict[str, tuple]:
    """What a store says about each commit, without row ids and wall-clock times."""
    with HistoryStore(path, create=False) as store:
        snapshots: list[Snapshot] = store.all()
    return {
        s.commit or "": (
            s.series,
            s.ruleset_digest,
            s.files,
            s.parse_errors,
            s.note,
            s.complete,
            [(r.rule_id, r.count, r.findings, r.max) for r in s.rules],
            s.file_counts,
        )
        for s in snapshots
    }


def test_jobs_do_not_change_the_snapshots(repo, tmp_path, monkeypatch):
    path, shas = repo
    stores = {}
    for jobs in ("1", "2"):
        stores[jobs] = tmp_path / f"jobs{jobs}.db"
        code, _, err = invoke(path, monkeypatch, "history", "--no-cache", "--no-color", "--jobs", jobs, "--store", str(stores[jobs]))
        assert code == 0, err
        n = len(STEPS)
        # One blob more read: app/__init__.py, which verification reads to judge app/more.py's
        # `from app import old_ws` (history.refuting: it binds no old_ws of its own).
        assert counters(err) == (n, n, 0, distinct_versions(path, shas), distinct_versions(path, shas) + 1)
    assert contents(stores["1"]) == contents(stores["2"])
    assert sorted(contents(stores["1"])) == sorted(shas)


def test_shards_merge_into_what_one_run_computes(repo, tmp_path, monkeypatch):
    path, shas = repo
    single = tmp_path / "single.db"
    assert invoke(path, monkeypatch, "history", "--no-cache", "--no-color", "--store", str(single))[0] == 0
    shards = []
    for k in (1, 2, 3):
        shards.append(tmp_path / f"shard{k}.db")
        code, _, err = invoke(path, monkeypatch, "history", "--no-cache", "--no-color", "--shard", f"{k}/3", "--store", str(shards[-1]))
        assert code == 0, err
        assert counters(err)[0] == 4  # 12 commits, oldest first: shard k takes k, k+3, k+6, k+9
        assert sorted(contents(shards[-1])) == sorted(shas[k - 1 :: 3])
    merged = tmp_path / "merged.db"
    code, _, err = invoke(path, monkeypatch, "history", "merge", *map(str, shards), "--into", str(merged))
    assert code == 0, err
    assert err.strip() == f"ssot-lint: merged 3 stores into {os.path.relpath(merged, path)}: 12 snapshots added"
    assert contents(merged) == contents(single)
    # The merged store is read where it is: the same trend as the single run's store.
    trends = [invoke(path, monkeypatch, "trend", "--format", "csv", "--store", str(store)) for store in (merged, single)]
    assert [code for code, _, _ in trends] == [0, 0]
    rows = [[line.split(",")[:4] + line.split(",")[5:] for line in out.splitlines()] for _, out, _ in trends]  # recorded_at apart
    assert rows[0] == rows[1] and len(rows[0]) == 1 + 12 * 3  # a header, then 12 commits of 3 rules
    missing = invoke(path, monkeypatch, "trend", "--store", str(tmp_path / "none.db"))
    assert missing[0] == 2 and f"no history at {tmp_path / 'none.db'}" in missing[2]
    # Merging again adds nothing: a snapshot already there is kept.
    code, _, err = invoke(path, monkeypatch, "history", "merge", str(shards[0]), "--into", str(merged))
    assert code == 0 and "0 snapshots added" in err
    assert contents(merged) == contents(single)


def test_since_and_until_limit_the_commit_dates(repo, monkeypatch, tmp_path):
    path, shas = repo
    day = lambda n: time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(START + n * DAY))  # noqa: E731
    code, out, err = invoke(path, monkeypatch, "history", "--since", day(3), "--until", day(6), "--no-color", "--store", str(tmp_path / "s.db"))
    assert code == 0, err
    assert counters(err)[0] == 4  # commits 3, 4, 5 and 6 (0-based)
    assert sorted(contents(tmp_path / "s.db")) == sorted(shas[3:7])
    code, _, err = invoke(path, monkeypatch, "history", "--since", day(30), "--store", str(tmp_path / "t.db"))
    assert code == 2 and "no commits in HEAD (since " in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["0/3", "4/3", "1", "a/b", "1/0"])
def test_a_bad_shard_is_a_usage_error(repo, monkeypatch, value):
    path, _ = repo
    code, _, err = invoke(path, monkeypatch, "history", "--shard", value)
    assert code == 2 and "--shard" in err and "expected K/N" in err


def test_merge_refuses_missing_stores_and_itself(repo, tmp_path, monkeypatch):
    path, _ = repo
    code, _, err = invoke(path, monkeypatch, "history", "merge", str(tmp_path / "nope.db"))
    assert code == 2 and err.strip() == f"ssot-lint: error: history store not found: {tmp_path / 'nope.db'}"
    store = tmp_path / "x.db"
    HistoryStore(store).close()
    code, _, err = invoke(path, monkeypatch, "history", "merge", str(store), "--into", str(store))
    assert code == 2 and "cannot merge a store into itself" in err


# `history` in a child process whose stderr is a terminal (a pty) and stdout a pipe, the bar's
# one-second delay set to 0 so that the short history of the test repository draws it.
HISTORY_ON_A_TERMINAL = """
import sys
import ssot_lint.run.progress as progress
progress._DELAY = 0.0
from ssot_lint.cli import main
main(sys.argv[1:])
"""


def _history_with_stderr_on_a_pty(repo: Path, store: Path, *args: str) -> tuple[int, str, str]:
    import pty
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env["TERM"] = "xterm"
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", HISTORY_ON_A_TERMINAL, "history", "--no-cache", "--no-color", "-j", "1", "--store", str(store), *args],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
        )
        os.close(follower)
        drawn = bytearray()
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        out = child.stdout.read() if child.stdout else b""
        code = child.wait(timeout=120)
    finally:
        os.close(leader)
    return code, out.decode(), drawn.decode(errors="replace")


def test_history_draws_a_progress_bar_on_a_terminal_only(repo, tmp_path, monkeypatch):
    path, shas = repo
    code, out, terminal = _history_with_stderr_on_a_pty(path, tmp_path / "tty.db")
    assert code == 0, terminal
    n = len(STEPS)
    # The bar counts commits (rich's "done/total" column) and is erased when the run ends.
    assert "history" in terminal and f"0/{n}" in terminal, terminal
    assert f"ssot-lint: {n} commits: {n} snapshots computed" in terminal
    assert f"{n}/{n}" not in out and "━" not in out  # nothing of it on stdout
    # The same run with stderr captured (not a terminal): no bar, only the summary.
    code, _, err = invoke(path, monkeypatch, "history", "--no-cache", "--no-color", "-j", "1", "--store", str(tmp_path / "pipe.db"))
    assert code == 0 and "━" not in err and f"0/{n}" not in err
    assert err.startswith(f"ssot-lint: {n} commits: {n} snapshots computed, 0 reused; analyzed ") and err.count("\n") == 1, err
