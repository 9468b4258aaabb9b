"""server24: the language server ends promptly at the end of its stdin while a project job
starts, and on ``exit`` while a buffer check runs; a broken config does not restart the
project-wide checks on every save. A compiled extension module's file named on the command line
or given as ``--stdin-filename`` is said not to be analyzed (not "none is in scope", not read as Python)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from tests.helpers import REPO, Result, descendants, process_alive, run_cli, write_project
from tests.lsp_client import Client
from tests.test_server import codes
from tests.test_server_editor20 import APP, DI1, M1, has, watched
from tests.test_server_editor20 import project as editor_project
from tests.test_server_editor23 import SLOW, SLOW_CLASS, running_jobs, served, started_jobs

RULES = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n'
CYTHON = "from pkg.old import X\ncdef int f():\n    return 1\n"
COMPILED = "ssot-lint: warning: {}: not checked: a compiled extension module, which ssot-lint does not analyze (it reads Python source only)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {"pkg/__init__.py": "", "pkg/new.py": "X = 1\n", "pkg/old.py": "X = 1\n", "pkg/a.py": "from pkg.old import X\n", "pkg/speed.pyx": CYTHON}
    return write_project(tmp_path, files, RULES)


def test_a_pyx_file_named_on_the_command_line_is_said_to_be_compiled(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg/fast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF\0")
    result = run_cli(["check", "--no-cache", "pkg/speed.pyx"], project, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()) == (0, [COMPILED.format("pkg/speed.pyx")])
    assert result.stdout.splitlines()[-1] == "0 files scanned, 0 parse errors, 0 findings"
    result = run_cli(["check", "--no-cache", "-q", "pkg/fast.cpython-311-x86_64-linux-gnu.so", "pkg/a.py"], project, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()) == (1, [COMPILED.format("pkg/fast.cpython-311-x86_64-linux-gnu.so")])
    assert result.stdout == "pkg/a.py:1:6: DI1 error: pkg.old is deprecated; import pkg.new\n"


def test_a_pyx_file_named_beside_a_path_with_nothing_in_scope_gets_both_warnings(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "void").mkdir()
    result = run_cli(["check", "--no-cache", "-q", "pkg/speed.pyx", "void"], project, monkeypatch)
    generic = "ssot-lint: warning: no files to check in void: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
    assert (result.exit_code, result.stderr.splitlines()) == (0, [generic, COMPILED.format("pkg/speed.pyx")])


def test_an_excluded_pyx_file_named_is_out_of_scope_as_before(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\nextend-exclude = ["pkg/speed.pyx"]\n')
    result = run_cli(["check", "--no-cache", "-q", "pkg/speed.pyx"], project, monkeypatch)
    generic = "ssot-lint: warning: no files to check in pkg/speed.pyx: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
    assert (result.exit_code, result.stderr.splitlines()) == (0, [generic])


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("name", ["pkg/speed.pyx", "pkg/gone.pyx", "pkg/fast.abi3.so"])
def test_stdin_named_as_a_compiled_module_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch, command: str, name: str) -> None:
    monkeypatch.chdir(project)
    outcome = CliRunner().invoke(main, [command, "--no-cache", "--stdin-filename", name, "-"], input=CYTHON.encode(), catch_exceptions=False)
    result = Result(outcome.exit_code, outcome.stdout, outcome.stderr)
    message = f"ssot-lint: error: --stdin-filename {name}: a compiled extension module, which ssot-lint does not analyze (it reads Python source only)\n"
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


# -- the language server ---------------------------------------------------------------------------
# A rule-kind plugin whose check of a file that says SLEEP_HERE sleeps: a buffer check that runs
# for a long time (as verifying a buffer's imports against a huge project does). It says when it
# starts, in a file named after the process (the server and its project job both check buffers).
SLEEPY_PLUGIN = """
import os
import time
from pathlib import Path

from ssot_lint.kinds.base import Rule


class Sleepy(Rule):
    kind = "sleepy"
    summary = "test plugin: sleeps on files that say SLEEP_HERE"
    default_message = "never reported"

    def needs_parse(self, text, ref):
        return "SLEEP_HERE" in text

    def check(self, ctx):
        Path(os.environ["SSOT_SLEEPY_DIR"], f"sleeping-{os.getpid()}").touch()
        time.sleep(float(os.environ["SSOT_SLEEPY_SECONDS"]))
        return [], None
"""
SLEEPY = '\n[[rule]]\nid = "ZZ1"\nkind = "sleepy"\n'


def sleepy_plugin(directory: Path, monkeypatch: pytest.MonkeyPatch, seconds: float) -> Path:
    """Install the plugin for the server started next (its environment is this process's)."""
    directory.mkdir()
    (directory / "ssot_sleepy_plugin.py").write_text(SLEEPY_PLUGIN)
    info = directory / "ssot_sleepy_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ssot-sleepy-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[ssot_lint.kinds]\nsleepy = ssot_sleepy_plugin:Sleepy\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(directory), str(REPO)]))
    monkeypatch.setenv("SSOT_SLEEPY_DIR", str(directory))
    monkeypatch.setenv("SSOT_SLEEPY_SECONDS", str(seconds))
    return directory


async def until(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    """Poll ``condition`` without blocking the client (which answers the server meanwhile)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


def test_exit_does_not_wait_for_a_running_buffer_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marks = sleepy_plugin(tmp_path / "plugin", monkeypatch, seconds=30)
    root = editor_project(tmp_path / "p", DI1 + SLEEPY)

    async def main() -> tuple[float, int | None, str]:
        client = Client(root)
        await client.start(initialization_options={"projectWide": False})  # only the buffer check runs
        server = client.client._server
        assert server is not None and server.stderr is not None
        client.open("pkg/app.py", APP + "# SLEEP_HERE\n")
        await until(lambda: (marks / f"sleeping-{server.pid}").exists())  # the buffer check sleeps
        started = time.monotonic()
        await client.stop()  # shutdown, exit
        try:
            await asyncio.wait_for(server.wait(), 20)
        finally:
            if server.returncode is None:
                server.kill()
        return time.monotonic() - started, server.returncode, (await server.stderr.read()).decode()

    seconds, code, stderr = asyncio.run(main())
    assert (code, stderr) == (0, "")
    assert seconds < 3.0, seconds  # not the 30 s the check sleeps


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_the_end_of_stdin_while_a_project_job_starts_ends_the_server(tmp_path: Path) -> None:
    """asyncio.run cancels every task at the end of stdin: one cancelled while asyncio connects
    a new child's pipes waits forever for them (CPython gh-103847), so the server hung."""
    root = editor_project(tmp_path, DI1 + SLOW)
    (root / "pkg/slow.py").write_text(SLOW_CLASS)

    async def main() -> tuple[int | None, str, dict[int, str]]:
        client = Client(root)
        await client.start()
        server = client.client._server
        assert server is not None and server.stderr is not None and server.stdin is not None
        client.open("pkg/app.py", APP)  # the project's first document: its project-wide job starts
        server.stdin.close()  # at once: while the job's process is being created
        try:
            await asyncio.wait_for(server.wait(), 10)
        finally:
            left = descendants(server.pid)
            if server.returncode is None:
                server.kill()
                await server.wait()
        await client.client.stop()
        return server.returncode, (await server.stderr.read()).decode(), left

    code, stderr, left = asyncio.run(main())
    assert (code, stderr, left) == (0, "", {})


def checking(pid: int) -> bool:
    """Whether the project job ``pid`` has the result cache open: it has read the config, and checks."""
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").endswith("results.sqlite") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_a_config_in_error_restarts_no_project_wide_check_on_save(tmp_path: Path) -> None:
    """A project job loads the config from disk: while it is broken, every job would end with its
    error. So saves start none (the config's diagnostic says why) and the one running is left
    alone; once the config loads again, the check runs again."""
    root = editor_project(tmp_path, DI1 + SLOW)
    (root / "pkg/slow.py").write_text(SLOW_CLASS)
    good = (root / "ssot-lint.toml").read_text()
    error = "invalid TOML: Expected '=' after a key in a key/value pair"

    async def scenario(client: Client) -> None:
        server = client.client._server
        assert server is not None
        config = client.uri("ssot-lint.toml")
        app = client.open("pkg/app.py", APP)
        running = await started_jobs(client)
        await until(lambda: all(checking(pid) for pid in running))  # past reading the config
        (root / "ssot-lint.toml").write_text(good + "broken\n")
        watched(client, "ssot-lint.toml")
        shown = await client.wait(config, 0, lambda p: p.diagnostics)
        assert [(d.range.start.line, d.message) for d in shown.diagnostics] == [(1, error)]
        for _ in range(3):
            client.save(app)
            await asyncio.sleep(0.5)
        assert running_jobs(server.pid) == running, client.logs  # the same check, still running: none started, none ended
        assert [log for log in client.logs if "invalid TOML" in log] == []  # no job ended with the config's error
        assert [[d.message for d in p.diagnostics] for p in client.published[config]][-1] == [error]
        (root / "ssot-lint.toml").write_text(good)
        watched(client, "ssot-lint.toml")
        await until(lambda: not any(process_alive(pid) for pid in running))  # fixed: the check runs again,
        assert set(await started_jobs(client)).isdisjoint(running)  # with the config as it is now
        await client.wait(config, client.count(config) - 1, lambda p: not p.diagnostics)

    served(root, scenario)


def test_saves_while_the_config_is_in_error_start_no_project_job(tmp_path: Path) -> None:
    root = editor_project(tmp_path)  # quick project-wide checks: each save's would end at once
    good = (root / "ssot-lint.toml").read_text()

    async def scenario(client: Client) -> None:
        config = client.uri("ssot-lint.toml")
        app = client.open("pkg/app.py", APP)
        m1 = client.open("pkg/m1.py", M1)
        await client.wait(m1, 0, has("FAM1"))  # the first project-wide check has published
        (root / "ssot-lint.toml").write_text(good + "broken\n")
        watched(client, "ssot-lint.toml")
        await client.wait(config, 0, lambda p: p.diagnostics)
        for _ in range(3):
            client.save(app)
            await asyncio.sleep(1.0)
        assert [log for log in client.logs if "invalid TOML" in log or "project-wide check failed" in log] == []
        (root / "ssot-lint.toml").write_text(good)
        watched(client, "ssot-lint.toml")
        await client.wait(config, client.count(config) - 1, lambda p: not p.diagnostics)
        assert codes(await client.wait(m1, client.count(m1), has("FAM1"))) == ["FAM1"]  # fixed: checked again

    served(root, scenario)
