"""``run.beside``: a rule's aggregation in a forked child beside the others' (import-cycle on a
large project), with the same result as computed here when the child cannot start or dies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ssot_lint.run import beside
from tests.helpers import write_project

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a child is forked on Linux only")


def pid() -> int:
    return os.getpid()


def in_a_fresh_process(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` run by a new interpreter: whether a child may be forked depends on the process's
    threads, and a test process may hold some another test left running."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


def test_the_result_comes_from_a_child() -> None:
    done = in_a_fresh_process(
        """
        import multiprocessing, os
        from ssot_lint.run.beside import beside
        print(beside(os.getpid)() != os.getpid(), multiprocessing.active_children())
        """
    )
    assert (done.stdout, done.stderr) == ("True []\n", "")  # and joined once its result is read


def test_a_child_that_dies_is_computed_again_here() -> None:
    done = in_a_fresh_process(
        """
        import os
        from ssot_lint.run.beside import beside
        parent = os.getpid()

        def here_only():
            if os.getpid() != parent:
                os._exit(9)  # killed, out of memory: no result sent
            return "computed here"

        print(beside(here_only)())
        """
    )
    assert (done.stdout, done.stderr) == ("computed here\n", "")


def test_an_error_is_raised_here_with_nothing_printed_by_the_child() -> None:
    done = in_a_fresh_process(
        """
        import os
        from ssot_lint.run.beside import beside
        parent = os.getpid()

        def fails():
            raise ValueError("no result in " + ("the parent" if os.getpid() == parent else "a child"))

        later = beside(fails)
        try:
            later()
        except ValueError as error:
            print(error)
        """
    )
    assert (done.stdout, done.stderr) == ("no result in the parent\n", "")


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


def test_check_computes_import_cycles_in_a_child_with_the_report_it_computes_alone(tmp_path: Path) -> None:
    write_project(tmp_path, CYCLES, RULES)
    # As on a large project: workers analyze (the parent keeps no analysis thread) and
    # import-cycle's aggregation is started beside; each aggregation says where it ran.
    run = """
        import os, sys
        from ssot_lint.entry import main
        from ssot_lint.run import aggregation, beside, per_file

        per_file._FILES_PER_WORKER, per_file._SPAWN_MIN, aggregation.BESIDE_MIN_FILES = 1, 1, 1
        real, parent = beside.beside, os.getpid()

        def noted(compute):
            def where():
                sys.stderr.write("aggregated " + ("here" if os.getpid() == parent else "in a child") + "\\n")
                return compute()
            return real(where)

        beside.beside = noted
        sys.exit(main(["check", "--no-cache", "--jobs", sys.argv[1], "-o", "json", "."]))
        """
    reports = {}
    for jobs in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(run), jobs], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, done.stderr
        assert done.stderr == ("aggregated in a child\n" if jobs == "2" else "")  # with --jobs 1 no child is asked for
        reports[jobs] = json.loads(done.stdout)
    assert reports["1"] == reports["2"]
    assert sorted((f["path"], f["line"]) for f in reports["2"]["findings"] if f["rule"] == "CYC") == [("pkg/b.py", 1), ("pkg/e.py", 1)]


def test_no_child_could_be_started_computes_here() -> None:
    done = in_a_fresh_process(
        """
        import multiprocessing, os
        from ssot_lint.run.beside import beside

        def refused(self):
            raise OSError(11, "Resource temporarily unavailable")  # fork: a limit on processes

        multiprocessing.get_context("fork").Process.start = refused
        open_files = len(os.listdir("/proc/self/fd"))
        print(beside(os.getpid)() == os.getpid(), len(os.listdir("/proc/self/fd")) - open_files)
        """
    )
    assert (done.stdout, done.stderr) == ("True 0\n", "")  # computed here; the pipe's ends closed
