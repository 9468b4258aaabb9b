"""``run.beside``: a rule's aggregation in a forked child beside the others' (import-cycle on a
large project), with the same result as computed here when the child cannot start or dies."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
from pathlib import Path

import pytest

from ssot_lint.run import aggregation, beside
from tests.helpers import run_cli, write_project

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a child is forked on Linux only")


def pid() -> int:
    return os.getpid()


def test_the_result_comes_from_a_child() -> None:
    assert beside.beside(pid)() != os.getpid()
    assert multiprocessing.active_children() == []  # joined once its result is read


def test_a_child_that_dies_is_computed_again_here() -> None:
    parent = os.getpid()

    def here_only() -> str:
        if os.getpid() != parent:
            os._exit(9)  # killed, out of memory: no result sent
        return "computed here"

    assert beside.beside(here_only)() == "computed here"


def test_an_error_is_raised_here_with_nothing_printed_by_the_child(capfd: pytest.CaptureFixture[str]) -> None:
    def fails() -> None:
        raise ValueError(f"no result in {'the parent' if os.getpid() == parent else 'a child'}")

    parent = os.getpid()
    later = beside.beside(fails)
    with pytest.raises(ValueError, match="^no result in the parent$"):
        later()
    assert capfd.readouterr() == ("", "")


def test_no_child_while_another_thread_runs() -> None:
    # A fork copies only the calling thread: a lock another thread holds stays held in the child.
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert beside.beside(pid) is pid
    finally:
        release.set()
        thread.join()


CYCLES = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from pkg import b\n",
    "pkg/b.py": "from pkg import a\n",
    "pkg/c.py": "import pkg.d\n",
    "pkg/d.py": "import pkg.e\n",
    "pkg/e.py": "import pkg.c\n",
}
RULES = '[[rule]]\nid = "CYC"\nkind = "import-cycle"\n\n[[rule]]\nid = "DUP"\nkind = "duplicate-definition"\n'


def test_check_computes_import_cycles_in_a_child_with_the_report_it_computes_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, CYCLES, RULES)
    monkeypatch.setattr(aggregation, "BESIDE_MIN_FILES", 1)
    started: list[object] = []
    real = beside.beside

    def counted(compute):  # type: ignore[no-untyped-def]
        started.append(compute)
        return real(compute)

    monkeypatch.setattr(beside, "beside", counted)
    reports = {}
    for jobs in ("1", "2"):
        result = run_cli(["check", "--no-cache", "--jobs", jobs, "-o", "json", "."], tmp_path, monkeypatch)
        assert result.exit_code == 1, result.stderr
        reports[jobs] = json.loads(result.stdout)
    assert len(started) == 1  # with --jobs 2 only, for the import-cycle rule only
    assert reports["1"] == reports["2"]
    assert sorted((f["path"], f["line"]) for f in reports["2"]["findings"] if f["rule"] == "CYC") == [("pkg/b.py", 1), ("pkg/e.py", 1)]
