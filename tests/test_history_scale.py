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
        assert counters(err) == (n, n, 0, distinct_versions(path, shas), distinct_versions(path, shas))
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
