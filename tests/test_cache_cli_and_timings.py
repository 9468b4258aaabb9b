"""``ssot-lint cache info|clear``, ``--show-timings`` and the progress bar."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from ssot_lint.run import progress
from ssot_lint.run.progress import ProgressBar, interactive
from tests.helpers import sample_project


def _invoke(project: Path, *args: str):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(cwd)


def test_cache_info_and_clear(tmp_path: Path) -> None:
    project = sample_project(tmp_path, extra_config='cache-dir = "build-cache"\n')
    location = project / "build-cache" / "results.sqlite"
    result = _invoke(project, "cache", "info")
    assert result.exit_code == 0
    assert result.stdout == f"location: {location}\nentries:  0\nsize:     0 B (no cache yet)\n"
    assert not location.exists()  # asking does not create a cache

    assert _invoke(project, "check", ".", "-q").exit_code == 1
    result = _invoke(project, "cache", "info")
    lines = result.stdout.splitlines()
    # 20 files' results, the summaries of the 10 modules that verify the WS002 rewrites, and
    # the imports' uses of the one module that may bind a package above a module a rewrite
    # stops running (does it use it as a value?)
    assert lines[:2] == [f"location: {location}", "entries:  31"]
    assert re.fullmatch(r"size:     \d+\.\d KiB", lines[2])

    result = _invoke(project, "cache", "clear")
    assert (result.exit_code, result.stdout) == (0, f"cleared 31 entries from {location}\n")
    assert _invoke(project, "cache", "info").stdout.splitlines()[1] == "entries:  0"
    timings = _invoke(project, "check", ".", "-q", "--show-timings").stderr
    assert "20 found, 0 from cache, 20 analyzed" in timings


def test_cache_clear_without_a_cache(tmp_path: Path) -> None:
    project = sample_project(tmp_path, extra_config='cache-dir = "build-cache"\n')
    result = _invoke(project, "cache", "clear", "--cache-dir", "elsewhere")
    assert (result.exit_code, result.stdout) == (0, "no cache at elsewhere/results.sqlite\n")  # CLI paths are relative to the cwd
    assert not (project / "elsewhere").exists()


def test_show_timings_counts_and_phases(tmp_path: Path) -> None:
    project = sample_project(tmp_path, extra_config='cache-dir = "build-cache"\n')
    cold = _invoke(project, "check", ".", "-q", "--show-timings", "-j", "1")
    first, second = cold.stderr.splitlines()
    # 20 files: broken.py does not parse; 12 are parsed; 7 have nothing any rule could match.
    assert first == (
        "ssot-lint: files: 20 found, 0 from cache, 20 analyzed (12 parsed, 7 prefiltered out), 1 parse error, 0 crashed; 1 worker process;"
        " project-wide aggregations: 0 reused, 3 run"  # the rules with facts: WS001 (family), WS002 (for its fixes), WS004
    )
    assert re.fullmatch(
        r"ssot-lint: seconds: discover \d+\.\d{3}, read/hash \d+\.\d{3}, analyze \d+\.\d{3}, "
        r"aggregate \d+\.\d{3}, report \d+\.\d{3}, total \d+\.\d{3}",
        second,
    )
    warm = _invoke(project, "check", ".", "-q", "--show-timings")
    assert warm.stderr.splitlines()[0] == (
        "ssot-lint: files: 20 found, 20 from cache, 0 analyzed (0 parsed, 0 prefiltered out), 1 parse error, 0 crashed; no worker processes;"
        " project-wide aggregations: 3 reused, 0 run"
    )
    assert warm.stdout == cold.stdout


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_terminals_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert interactive(_Tty(), _Tty())
    assert not interactive(io.StringIO(), _Tty())
    assert not interactive(_Tty(), io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not interactive(_Tty(), _Tty())


def test_progress_bar_waits_a_second_then_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Tty()
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    bar = ProgressBar(True, stream)
    bar(3, 10)
    assert stream.getvalue() == ""  # a short run never shows a bar
    clock[0] += 1.5
    bar(4, 10)
    assert "checking" in stream.getvalue() and "4/10" in stream.getvalue()
    bar.close()
    silent = _Tty()
    off = ProgressBar(False, silent)
    clock[0] += 5
    off(5, 10)
    off.close()
    assert silent.getvalue() == ""


CHECK_IN_PROCESS = """
import sys
from ssot_lint.cli import main
try:
    main(["check", "fixtures", "--no-cache", "-q", "-j", "1"])
except SystemExit:
    pass
heavy = sorted(m for m in ("libcst", "rich", "importlib.metadata") if m in sys.modules)
print(",".join(heavy) or "none")
"""


def test_a_quiet_check_imports_neither_libcst_nor_rich() -> None:
    # They are a third or more of a cached run's start-up; only fix and terminal tables need them.
    import subprocess
    import sys

    from tests.helpers import REPO

    done = subprocess.run([sys.executable, "-c", CHECK_IN_PROCESS], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[-1] == "none", done.stdout + done.stderr
