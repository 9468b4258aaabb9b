"""Replaying the last identical check (ssot_lint.replay.play, ssot_lint.replay.record): a replay gives the
same bytes and exit code without loading the linter, and any change to what the run depended on
(files, directories, config, rules, baseline, environment, command line) means a real run."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint import cli, entry, kinds
from ssot_lint.model import FileRef
from ssot_lint.replay import play as replay
from ssot_lint.replay import record as recording
from ssot_lint.run import parallel
from tests.helpers import run_cli, sample_project

ARGV = ["check", "-q"]
VICTIM = "netra_backend/app/services/notifier.py"


def settle(project: Path) -> None:
    """Wait until nothing in the project changed recently enough to be "racy" (a run then may
    store a memo): a tenth of a second on file systems with sub-second timestamps."""
    paths = [project, *(p for p in project.rglob("*") if ".ssot-lint" not in p.parts)]
    while any(recording.racy(replay.signature(str(p)), time.time_ns()) for p in paths):
        time.sleep(0.02)


def changed_at(path: Path) -> int:
    """When ``path`` last changed: a run that starts then sees it racy, however long the test
    took to get there on a loaded machine (``time.time_ns()`` after the change may be past the
    tenth of a second the window lasts)."""
    info = path.stat()
    return max(info.st_mtime_ns, info.st_ctime_ns)


def memos(project: Path) -> list[Path]:
    return sorted((project / ".ssot-lint" / "cache" / "replay").glob("*.memo"))


def run(argv: list[str], capsysbinary: pytest.CaptureFixture[bytes]) -> tuple[int, bytes, bytes]:
    code = entry.main(argv)
    out, err = capsysbinary.readouterr()
    return code, out, err


def replayed(argv: list[str], capsysbinary: pytest.CaptureFixture[bytes]) -> tuple[int, bytes, bytes] | None:
    """The replay of ``argv`` if there is a valid one (the linter itself is made unimportable,
    so this cannot be a real run in disguise)."""
    saved = sys.modules.get("ssot_lint.cli")
    sys.modules["ssot_lint.cli"] = None  # type: ignore[assignment]
    try:
        code = replay.replay(argv)
    finally:
        sys.modules["ssot_lint.cli"] = saved  # type: ignore[assignment]
    out, err = capsysbinary.readouterr()
    return None if code is None else (code, out, err)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = sample_project(tmp_path)
    (root / ".gitignore").write_text("*.tmp\n")
    monkeypatch.chdir(root)
    return root


def recorded(project: Path, capsysbinary: pytest.CaptureFixture[bytes], argv: list[str] = ARGV) -> tuple[int, bytes, bytes]:
    """A real run whose memo is stored."""
    settle(project)
    result = run(argv, capsysbinary)
    assert replayed(argv, capsysbinary) == result, "no memo was stored"
    return result


def test_the_run_that_creates_the_cache_is_replayed_next_time(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # The first run creates .ssot-lint/ in the project root, a directory it walks: that change is
    # its own, and the root lists what it listed when walked, so the second run is a replay.
    assert not (project / ".ssot-lint").exists()
    settle(project)
    first = run(ARGV, capsysbinary)
    assert len(memos(project)) == 1
    assert replayed(ARGV, capsysbinary) == first


def test_a_directory_changed_while_racy_stores_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A directory noted within the racy window is trusted only if it still lists what it did.
    settle(project)
    sub = project / "netra_backend"
    (sub / "new.py").write_text("")  # sub is racy now
    with recording.recording(ARGV, changed_at(sub)) as rec:  # a run started right then, however loaded the machine
        rec.note(sub)
        rec.allow(project / ".ssot-lint" / "cache")
    assert rec.listings[str(sub)] == sorted(os.listdir(sub))
    noted = rec.seen[str(sub)]
    (sub / "other.py").write_text("")  # a change the signature would show ...
    monkeypatch.setattr(recording, "signature", lambda path: noted if path == str(sub) else replay.signature(path))  # ... but does not
    assert rec.store(0) is False and memos(project) == []
    (sub / "other.py").unlink()  # the listing is the noted one again: stored, once the window passed
    assert rec.store(0) is True and len(memos(project)) == 1
    assert time.time_ns() > max(noted[2], noted[3]) + recording.FINE_WINDOW_NS


def test_an_identical_run_is_replayed_byte_for_byte(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = recorded(project, capsysbinary)
    assert code == 1 and out.count(b"\n") == 15 and err == b""
    assert replayed(ARGV, capsysbinary) == (code, out, err)
    assert run(ARGV, capsysbinary) == (code, out, err)  # through the entry point, too


def test_a_replay_does_not_import_the_linter(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real executable, twice: the second start imports neither click nor the rule kinds.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-X", "importtime", "-m", "ssot_lint", *ARGV]
    runs = []
    for _ in range(3):
        settle(project)
        runs.append(subprocess.run(command, cwd=project, env=env, capture_output=True))
    first, last = runs[0], runs[-1]
    imported = {line.split("|")[-1].strip() for line in last.stderr.decode().splitlines() if line.startswith("import time:")}
    assert "ssot_lint.replay.play" in imported
    assert not imported & {"click", "ssot_lint.cli", "ssot_lint.api", "ssot_lint.run.engine", "ssot_lint.run.per_file", "ssot_lint.kinds", "libcst"}
    assert (last.returncode, last.stdout) == (first.returncode, first.stdout) == (1, run_cli(ARGV, project, monkeypatch).stdout.encode())


def test_stdout_and_stderr_are_replayed_in_the_order_written(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    argv = ["check", "--per-file", VICTIM, "-o", "json"]
    code, out, err = recorded(project, capsysbinary, argv)
    assert err.startswith(b"ssot-lint: --per-file: skipped project-wide rules") and json.loads(out)["files"]["scanned"] == 1
    (memo,) = memos(project)
    assert [stream for stream, _ in marshal.loads(memo.read_bytes())[3]] == [2, 1]
    assert replayed(argv, capsysbinary) == (code, out, err)


def _same_size_edit(project: Path) -> None:
    path = project / VICTIM
    st = path.stat()
    path.write_text(path.read_text().replace("import netra_backend", "import netra_backenX", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # only ctime and content tell


CHANGES = {
    "same-size edit, mtime restored": _same_size_edit,
    "new file": lambda p: (p / "netra_backend" / "extra.py").write_text(
        "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
    ),
    "deleted file": lambda p: (p / "netra_backend/app/websocket_core/handlers.py").unlink(),
    "new directory with a file": lambda p: (
        (p / "new").mkdir(),
        (p / "new" / "m.py").write_text("import netra_backend.app.websocket_core.websocket_manager_factory\n"),
    ),
    "config edited": lambda p: (p / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\nextend-exclude = ["netra_backend/tests/"]\n'),
    "rule file edited": lambda p: (p / "rules.toml").write_text((p / "rules.toml").read_text().replace("share one (also at", "share one (see")),
    ".gitignore edited": lambda p: (p / ".gitignore").write_text("netra_backend/tests/\n"),
    "baseline written": lambda p: CliRunner().invoke(cli.main, ["baseline"]),  # the fixture's cwd is the project
    # netra_backend/ becomes a namespace directory: its regular package app/ is named `app` now.
    "package marker removed": lambda p: (p / "netra_backend/__init__.py").unlink(),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_to_an_input_means_a_real_run(change, project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:  # type: ignore[no-untyped-def]
    before = recorded(project, capsysbinary)
    change(project)
    assert replayed(ARGV, capsysbinary) is None
    after = run(ARGV, capsysbinary)
    truth = CliRunner().invoke(cli.main, [*ARGV, "--no-cache"])
    assert after[1] == truth.stdout.encode() and after[0] == truth.exit_code
    assert after != before  # each change alters the report: the real run was needed


def test_a_config_appearing_nearer_the_working_directory_is_seen(
    project: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probe for a closer config file is an input even though nothing was there.
    sub = project / "netra_backend" / "app"
    monkeypatch.chdir(sub)
    recorded(project, capsysbinary)
    (memo,) = memos(project)
    inputs = dict(zip(*marshal.loads(memo.read_bytes())[1:3]))
    for probe in ("ssot-lint.toml", "pyproject.toml"):
        assert inputs[str(sub / probe)][0] == 2  # ENOENT, as seen
    (sub / "ssot-lint.toml").write_text("rule-files = []\n")
    assert replayed(ARGV, capsysbinary) is None
    assert run(ARGV, capsysbinary)[0] == 2  # the new config loads no rules: a usage error


def test_the_memo_lists_every_kind_of_input(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    recorded(project, capsysbinary)
    inputs = dict(zip(*marshal.loads(memos(project)[0].read_bytes())[1:3]))
    sources = {str(p) for p in project.rglob("*.py")}
    directories = {str(p) for p in project.rglob("*") if p.is_dir() and ".ssot-lint" not in p.parts} | {str(project)}
    assert sources <= inputs.keys() and directories <= inputs.keys()
    for name in ("ssot-lint.toml", "rules.toml", ".gitignore", ".ssot-baseline.json", "netra_backend/app/routes/.gitignore"):
        assert str(project / name) in inputs, name
    assert replay.__file__ in inputs and kinds.__file__ in inputs  # the code that produced the output


def test_environment_command_line_and_working_directory_are_part_of_the_key(
    project: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = recorded(project, capsysbinary)
    as_json = recorded(project, capsysbinary, ["check", "-o", "json"])
    assert replayed(ARGV, capsysbinary) == text and replayed(["check", "-o", "json"], capsysbinary) == as_json
    monkeypatch.setenv("NO_COLOR", "1")
    assert replayed(ARGV, capsysbinary) is None
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.chdir(project / "netra_backend")
    assert replayed(ARGV, capsysbinary) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--fix"],
        ["check", "--record"],
        ["check", "--show-timings"],
        ["check", "--no-cache"],
        ["check", "-o", "json:report.json"],
        ["check", "--config", "missing.toml"],
        ["baseline"],
    ],
    ids=lambda a: " ".join(a[1:]) or a[0],
)
def test_runs_that_write_or_report_more_than_their_output_are_never_replayed(
    argv: list[str], project: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    for _ in range(2):
        settle(project)
        run(argv, capsysbinary)
    assert memos(project) == []


def test_a_run_with_a_crashed_file_is_not_replayed(project: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(task: tuple[str, FileRef, tuple[int, ...]]) -> None:
        if task[1].path == VICTIM:
            os._exit(3)

    monkeypatch.setattr(parallel, "_crash_hook", hook)
    for _ in range(2):
        settle(project)
        code, out, _ = run(["check", "-q", "-j", "2"], capsysbinary)
        assert code == 1 and b"analysis crashed" in out
    assert memos(project) == []


def test_a_cache_warning_or_a_plugin_kind_refuses_the_memo(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    expected = recorded(project, capsysbinary)
    recording.forget(project / ".ssot-lint" / "cache")
    (project / ".ssot-lint" / "cache" / "results.sqlite").write_bytes(b"garbage")
    settle(project)
    code, out, err = run(ARGV, capsysbinary)  # the warning is about this run's cache, not the report's inputs
    assert (code, out) == expected[:2] and err.startswith(b"ssot-lint: warning:") and memos(project) == []
    settle(project)
    assert run(ARGV, capsysbinary) == expected and len(memos(project)) == 1  # the rebuilt cache warns no more
    with recording.recording(ARGV, time.time_ns()) as rec:
        kinds.plugin_kinds(rec)  # the run passes its observer down
    assert rec.refused


def test_an_input_changed_during_the_run_or_just_before_it_stores_nothing(project: Path) -> None:
    source = project / VICTIM
    settle(project)
    with recording.recording(ARGV, time.time_ns()) as rec:
        rec.note(source)
        rec.allow(project / ".ssot-lint" / "cache")
        source.write_text(source.read_text() + "\n")  # after it was looked at
    assert rec.store(0) is False and memos(project) == []

    started = changed_at(source)  # the file changed just as the run started: a further change could keep its signature
    with recording.recording(ARGV, started) as rec:
        rec.note(source)
        rec.allow(project / ".ssot-lint" / "cache")
    assert rec.store(0) is False
    settle(project)
    with recording.recording(ARGV, time.time_ns()) as rec:
        rec.note(source)
        rec.allow(project / ".ssot-lint" / "cache")
    assert rec.store(0) is True and len(memos(project)) == 1


def test_racy_windows_follow_timestamp_resolution() -> None:
    now = 1_700_000_000_123_456_789

    def sig(changed: int) -> replay.Signature:
        return (0o100644, 10, changed, changed, 1)

    assert recording.racy(sig(now - 50_000_000), now)  # 50 ms ago
    assert not recording.racy(sig(now - 150_000_000), now)
    whole = (now // 1_000_000_000 - 1) * 1_000_000_000  # a whole second, under 2 s ago
    assert recording.racy(sig(whole), now)
    assert not recording.racy(sig(whole - 2_000_000_000), now)
    assert recording.racy(sig(now + 10**9), now)  # from the future (clock skew): never trusted
    assert not recording.racy((2,), now)  # nothing there


def test_a_damaged_or_planted_memo_is_ignored(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    expected = recorded(project, capsysbinary)
    memo = memos(project)[0]
    good = memo.read_bytes()
    key = marshal.loads(good)[0]
    for bad in (
        b"",
        b"garbage",
        good[: len(good) // 2],
        marshal.dumps((key, (), (), ((1, "text"),), 0)),
        marshal.dumps((key, (), (), ((1, b"x"),), 0, compile("1", "f", "eval"))),
    ):
        memo.write_bytes(bad)
        assert replayed(ARGV, capsysbinary) is None
    assert run(ARGV, capsysbinary) == expected


def test_memos_are_kept_for_the_most_recent_command_lines_only(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    settle(project)
    run(ARGV, capsysbinary)
    files = sorted(str(p.relative_to(project)) for p in (project / "netra_backend").rglob("*.py"))
    for name in files:
        settle(project)
        run(["check", "-q", "--per-file", name], capsysbinary)
    assert len(memos(project)) == recording.MAX_MEMOS < len(files)
    assert replayed(["check", "-q", "--per-file", files[-1]], capsysbinary) is not None
    assert replayed(["check", "-q", "--per-file", files[0]], capsysbinary) is None


def test_cache_clear_removes_the_memos(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    recorded(project, capsysbinary)
    result = CliRunner().invoke(cli.main, ["cache", "clear"])
    assert result.exit_code == 0 and memos(project) == []
    assert replayed(ARGV, capsysbinary) is None


def test_the_installed_command_is_the_replaying_entry_point() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="ssot-lint")
    assert script.load() is entry.script


ENDING = """
import atexit, os, sys, threading, time
from ssot_lint import entry

class Freed:
    def __del__(self, write=os.write):  # sys.stderr may be gone by then
        write(2, b"freed at finalization\\n")

kept = Freed()  # a module global: freed only when the interpreter finalizes
atexit.register(lambda: sys.stderr.write("atexit ran\\n"))
if "--thread" in sys.argv:
    sys.argv.remove("--thread")
    threading.Thread(target=lambda: (time.sleep(0.3), sys.stderr.write("thread done\\n"))).start()
entry.script()
"""


def test_the_command_exits_without_freeing_what_the_run_left() -> None:
    # Freeing a large run's leftovers took 0.2 s of Home Assistant's cold check; an exit still
    # runs the atexit handlers and flushes the output (a pipe: block-buffered), and is Python's
    # own while another thread runs.
    repo = Path(__file__).resolve().parent.parent
    ends = {}
    for thread in (False, True):
        argv = [sys.executable, "-c", ENDING, "check", "--no-cache", "-q", *(["--thread"] if thread else []), "fixtures"]
        ends[thread] = subprocess.run(argv, cwd=repo, capture_output=True, text=True)
    hard, python = ends[False], ends[True]
    assert hard.returncode == python.returncode == 1
    assert hard.stdout == python.stdout and len(hard.stdout.splitlines()) > 20  # all of it, flushed
    assert hard.stdout.endswith("PI004 error: required event agent_failed is never emitted\n")
    assert "atexit ran" in hard.stderr and "atexit ran" in python.stderr
    assert "freed at finalization" not in hard.stderr  # Python's own exit frees it
    assert "thread done" in python.stderr


EXTRA_RULE = """
[[rule]]
id = "EX1"
kind = "deprecated-import"
description = "Rate limits live in one module."
message = "{target} is deprecated; import {replacement}"
[rule.replace]
"netra_backend.app.services.rate_limiter" = "netra_backend.app.services.limits"
"""


def test_a_rule_file_added_to_a_globbed_directory_is_seen(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    (project / "rules").mkdir()
    (project / "rules.toml").rename(project / "rules" / "websocket.toml")
    (project / "ssot-lint.toml").write_text('rule-files = ["rules/*.toml"]\n')
    before = recorded(project, capsysbinary)
    (project / "rules" / "extra.toml").write_text(EXTRA_RULE)
    assert replayed(ARGV, capsysbinary) is None
    code, out, _ = run(ARGV, capsysbinary)
    lines = out.splitlines(keepends=True)
    new = [line for line in lines if b" EX1 " in line]
    assert code == 1 and len(new) == 1 and b"".join(line for line in lines if line not in new) == before[1]


def test_rule_globs_across_directories_and_progress_bars_refuse_the_memo(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    (project / "ssot-lint.toml").write_text('rule-files = ["**/rules.toml"]\n')
    for _ in range(2):
        settle(project)
        assert run(ARGV, capsysbinary)[0] == 1
    assert memos(project) == []
    from ssot_lint.run.progress import ProgressBar

    with recording.recording(ARGV, time.time_ns()) as rec:
        bar = ProgressBar(True, observer=rec)
        bar._start(10)
        bar.close()
    assert rec.refused


def test_every_module_of_ssot_lint_is_an_input_even_if_only_workers_import_it(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    recorded(project, capsysbinary)
    inputs = dict(zip(*marshal.loads(memos(project)[0].read_bytes())[1:3]))
    package = Path(replay.__file__).parent.parent  # the ssot_lint package
    assert {str(p) for p in package.rglob("*.py") if "__pycache__" not in p.parts} <= inputs.keys()
    assert str(package / "kinds") in inputs


def test_a_partial_run_is_not_replayed_after_a_change_outside_its_paths(project: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # check PATH judges the project-wide rules against the whole project: its output depends on every file.
    argv = ["check", "-q", "netra_backend/app/websocket_core/handlers.py"]
    code, out, _ = recorded(project, capsysbinary, argv)
    assert code == 1 and b"IsolatedWebSocketManager is one of 3 WebSocket manager implementations" in out
    (project / "netra_backend" / "app" / "services" / "extra.py").write_text("class ExtraWebSocketManager: ...\n")
    settle(project)
    assert replayed(argv, capsysbinary) is None
    code, out, _ = run(argv, capsysbinary)
    assert code == 1 and b"IsolatedWebSocketManager is one of 4 WebSocket manager implementations" in out
