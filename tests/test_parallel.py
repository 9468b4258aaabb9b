"""Worker processes: a worker that dies takes only its current file with it; --jobs validation."""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.model import FileRef
from ssot_lint.run import parallel, per_file
from ssot_lint.run.parallel import Crashed, WorkerPool
from ssot_lint.run.per_file import analyze_task
from tests.helpers import REPO, sample_project

VICTIM = "netra_backend/app/services/notifier.py"

pytestmark = pytest.mark.skipif(parallel.start_method() != "fork", reason="the crash hook is inherited only by forked workers")


def _square(state: int, task: int) -> int:
    return task * task + state


def _fail(state: Any, task: int) -> int:
    if task == 3:
        raise ValueError("bad task 3")
    return task


def test_pool_reruns_the_innocent_tasks_of_a_dead_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(task: int) -> None:
        if task == 7:
            os._exit(3)

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    results = dict(WorkerPool(2, _square, 1).run(list(range(20)), batch_size=4))
    assert results.pop(7) == Crashed("exited with code 3")
    assert results == {n: n * n + 1 for n in range(20) if n != 7}


@pytest.mark.parametrize("victims", [{0}, {50, 51}, {3, 99, 150, 199}])
def test_pool_survives_several_crashes_among_many_tasks(monkeypatch: pytest.MonkeyPatch, victims: set[int]) -> None:
    def hook(task: int) -> None:
        if task in victims:
            os._exit(9)

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    results = dict(WorkerPool(2, _square, 0).run(list(range(200)), batch_size=8))
    assert {n for n, v in results.items() if isinstance(v, Crashed)} == victims
    assert {n: v for n, v in results.items() if n not in victims} == {n: n * n for n in range(200) if n not in victims}


def test_pool_reports_the_signal_that_killed_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(task: int) -> None:
        if task in (0, 5):
            faulthandler.disable()  # pytest's fault handler would print the worker's stack
            # To this thread, as a native crash is: a signal to the process reaches another
            # thread of it, later, while this one goes on (the worker serves on the analysis thread).
            signal.pthread_kill(threading.get_ident(), signal.SIGSEGV)

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    results = dict(WorkerPool(3, _square, 0).run(list(range(9)), batch_size=3))
    assert results[0] == results[5] == Crashed("killed by signal SIGSEGV")
    assert {n: v for n, v in results.items() if n not in (0, 5)} == {n: n * n for n in (1, 2, 3, 4, 6, 7, 8)}


def test_workers_that_die_on_start_are_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_worker_main", lambda *args: os._exit(5))
    with pytest.raises(parallel.WorkerStartError, match=r"die on start \(exited with code 5\)"):
        list(WorkerPool(2, _square, 0).run(list(range(4))))


def test_pool_raises_a_job_exception() -> None:
    with pytest.raises(ValueError, match="bad task 3"):
        list(WorkerPool(2, _fail, None).run(list(range(6)), batch_size=2))


def _pid(state: Any, task: int) -> tuple[int, int]:
    return task, os.getpid()


def test_a_kept_pool_runs_each_round_in_the_same_workers_until_closed() -> None:
    pool = WorkerPool(2, _pid, None, keep=True)
    try:
        first = dict(pool.run(list(range(8)), batch_size=2))
        assert {n: v[0] for n, v in first.items()} == {n: n for n in range(8)}
        pids = {pid for _, pid in first.values()}
        assert len(pids) == 2 and os.getpid() not in pids
        for size in (1, 3, 8):  # rounds smaller than the pool use some of its workers
            again = dict(pool.run(list(range(size)), batch_size=1, workers=1 if size == 1 else None))
            assert {n: v[0] for n, v in again.items()} == {n: n for n in range(size)}
            assert {pid for _, pid in again.values()} <= pids
        kept = list(pool._kept)
        assert len(kept) == 2 and all(w.process.is_alive() for w in kept)
    finally:
        pool.close()
    assert pool._kept == [] and not any(w.process.is_alive() for w in kept)


def test_a_kept_worker_that_died_idle_costs_no_task(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = WorkerPool(2, _square, 0, keep=True)
    try:
        assert dict(pool.run(list(range(6)), batch_size=1)) == {n: n * n for n in range(6)}
        victim = pool._kept[0]
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.join(5)
        assert dict(pool.run(list(range(6)), batch_size=1)) == {n: n * n for n in range(6)}  # none Crashed
        assert victim not in pool._kept
    finally:
        pool.close()


def test_a_kept_pool_still_reports_a_crash_and_lets_no_worker_of_an_unfinished_run_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(task: int) -> None:
        if task == 2:
            os._exit(3)

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    pool = WorkerPool(2, _square, 0, keep=True)
    try:
        results = dict(pool.run(list(range(6)), batch_size=1))
        assert results.pop(2) == Crashed("exited with code 3")
        assert results == {n: n * n for n in range(6) if n != 2}
        assert len(pool._kept) == 2 and all(w.process.is_alive() for w in pool._kept)  # the dead one replaced
    finally:
        pool.close()
    pool = WorkerPool(2, _pid, None, keep=True)
    try:
        list(pool.run(list(range(4)), batch_size=1))
        kept = list(pool._kept)
        rounds = pool.run(list(range(6)), batch_size=1)
        next(rounds)
        rounds.close()  # left unfinished: its workers may hold unread answers, so they stop
        assert pool._kept == [] and not any(w.process.is_alive() for w in kept)
    finally:
        pool.close()


def _check(project: Path, *args: str) -> Any:
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, ["check", ".", "-o", "json", *args])
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_file_becomes_ssot000_and_the_run_completes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    project = sample_project(tmp_path)
    baseline = json.loads(_check(project, "--no-cache").stdout)

    def hook(task: tuple[str, FileRef, tuple[int, ...]]) -> None:
        if task[1].path == VICTIM:
            faulthandler.disable()
            signal.pthread_kill(threading.get_ident(), signal.SIGSEGV)  # what a native crash in the parser looks like

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    result = _check(project, "-j", jobs)
    assert result.exit_code == 1 and result.stderr == ""
    report = json.loads(result.stdout)
    crashed = [{k: v for k, v in f.items() if k != "fingerprint"} for f in report["findings"] if f["path"] == VICTIM]
    assert crashed == [
        {
            "rule": "SSOT000",
            "path": VICTIM,
            "line": 1,
            "col": 1,
            "end_line": 1,
            "end_col": 1,
            "severity": "error",
            "message": "analysis crashed (killed by signal SIGSEGV); the file was not analyzed",
            "fixable": False,
            "applicability": None,
        }
    ]
    assert [f for f in report["findings"] if f["path"] != VICTIM] == [f for f in baseline["findings"] if f["path"] != VICTIM]
    assert report["files"] == {"scanned": 18, "parse_errors": 2, "not_parsed": 11}
    # A crash is not cached: without the hook the next run analyzes the file again.
    monkeypatch.setattr(parallel, "_crash_hook", None)
    assert json.loads(_check(project).stdout) == baseline


def test_a_task_over_the_time_limit_is_reported_and_its_worker_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(task: int) -> None:
        if task == 4:
            time.sleep(60)  # an endless loop, as far as the pool can tell

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    started = time.monotonic()
    results = dict(WorkerPool(2, _square, 0, time_limit=0.5).run(list(range(10)), batch_size=2))
    assert time.monotonic() - started < 10
    assert results.pop(4) == Crashed("timed out after 0.5 s")
    assert results == {n: n * n for n in range(10) if n != 4}


def test_a_file_whose_analysis_hangs_becomes_ssot000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(tmp_path)

    def hook(task: tuple[str, FileRef, tuple[int, ...]]) -> None:
        if task[1].path == VICTIM:
            time.sleep(60)

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    monkeypatch.setattr(per_file, "FILE_TIME_LIMIT", 0.5)
    report = json.loads(_check(project, "--no-cache").stdout)
    hung = [(f["rule"], f["message"]) for f in report["findings"] if f["path"] == VICTIM]
    assert hung == [("SSOT000", "analysis timed out after 0.5 s; the file was not analyzed")]


def test_workers_get_the_rules_pickled_under_spawn() -> None:
    # The start method of macOS and Windows: rules travel to the workers by pickle, once.
    rules = load_rule_files([REPO / "rules" / "websocket-ssot.toml"]).rules
    path = REPO / "fixtures" / VICTIM
    ref = FileRef(VICTIM, "netra_backend.app.services.notifier")
    tasks = [(str(path), ref, (0, 1, 2, 3))]
    got = dict(WorkerPool(1, analyze_task, rules, method="spawn").run(tasks))
    assert got == {0: analyze_task(rules, tasks[0])}
    assert [(f.rule_id, f.line, f.col) for f in got[0][2].findings] == [
        ("WS002", 4, 5),
        ("WS002", 6, 8),
        ("WS002", 10, 15),
        ("WS003", 15, 11),
    ]


@pytest.mark.parametrize("value", ["0", "-1"])
def test_jobs_must_be_positive(tmp_path: Path, value: str) -> None:
    result = _check(sample_project(tmp_path), "--jobs", value)
    assert result.exit_code == 2
    assert f"Invalid value for '--jobs' / '-j': {value} is not in the range x>=1." in result.stderr


KILLED_PARENT = """
import os, signal, sys, time
from ssot_lint.run.parallel import WorkerPool

def job(state, task):
    return task

run = WorkerPool(3, job, None).run(list(range(30)), batch_size=1)
next(run)
import multiprocessing
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(0.5)  # every worker idle, waiting for its next batch
os.kill(os.getpid(), signal.SIGKILL)  # no cleanup: what a crash or `kill -9` of a check looks like
"""


def test_workers_exit_when_the_pool_process_is_killed(tmp_path: Path) -> None:
    """A worker inherits its parent's end of its own pipe: unless it closes it, the pipe never
    reads as closed and a worker of a killed check (or language-server job) waits forever."""
    import subprocess
    import sys

    from tests.helpers import process_alive, wait_until

    with (tmp_path / "out").open("w") as out:  # a file, not a pipe: orphaned workers would hold a pipe open
        code = subprocess.run([sys.executable, "-c", KILLED_PARENT], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, timeout=60).returncode
    printed = (tmp_path / "out").read_text()
    assert code == -signal.SIGKILL, printed
    workers = [int(pid) for pid in printed.split()]
    assert len(workers) == 3
    try:
        assert wait_until(lambda: not any(process_alive(pid) for pid in workers), timeout=10), [pid for pid in workers if process_alive(pid)]
    finally:
        for pid in workers:
            if process_alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_process_that_forbids_workers_analyzes_everything_itself() -> None:
    # The language server forbids them: a fork beside its protocol threads hung on sys.stdin's lock.
    import subprocess
    import sys

    code = (
        "from ssot_lint.run import parallel, per_file\n"
        "print(per_file._workers(2, 1000), parallel.may_start_workers())\n"
        "parallel.forbid_workers()\n"
        "print(per_file._workers(2, 1000), parallel.may_start_workers())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["2 True", "0 False"]
