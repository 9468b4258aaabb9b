"""The language server after the editor review (review18c): a project-wide finding's action after a
document is closed and reopened, a broken config file's diagnostic while it is open, an unsafe
fix's reason after another buffer changes, SIGTERM, ``workspace/executeCommand``, the end of the
server while a project-wide check runs, and saving a TOML file the config does not read."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcMethodNotFound

from tests.helpers import _parent_of as parent_of
from tests.helpers import descendants, process_alive
from tests.lsp_client import Client
from tests.test_server import SUPPRESS, ranges
from tests.test_server_editor20 import APP, DI1, FAM1, M1, has, project, watched

# A name regex that backtracks for ages on one class name: a project-wide check that runs until it is ended.
SLOW = '\n[[rule]]\nid = "SLOW1"\nkind = "single-implementation"\nname = "^(a+)+$"\n'
SLOW_CLASS = "class " + "a" * 40 + "B:\n    pass\n"


async def settle(client: Client, uri: str, seconds: float = 1.5) -> lsp.PublishDiagnosticsParams | None:
    """The last diagnostics for ``uri`` once nothing has been published for it for ``seconds``."""
    while True:
        seen = client.count(uri)
        await asyncio.sleep(seconds)
        if client.count(uri) == seen:
            return client.published[uri][-1] if seen else None


async def titles(client: Client, uri: str, lines: int) -> list[str]:
    """The titles of the code actions offered on the whole buffer."""
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(lines, 0))
    actions = await client.client.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, lsp.CodeActionContext(diagnostics=[]))
    )
    return [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)]


def served(root: Path, scenario: Callable[[Client], Awaitable[None]], end: str = "shutdown", **options: object) -> str:
    """Run ``scenario`` against a server, end it (``shutdown`` and ``exit``, or the end of its
    stdin: ``eof``) and return what it wrote on stderr."""

    async def main() -> str:
        client = Client(root)
        await client.start(**options)  # type: ignore[arg-type]
        server = client.client._server
        assert server is not None and server.stderr is not None and server.stdin is not None
        try:
            await scenario(client)
        finally:
            if end == "shutdown":
                await client.stop()
            else:
                server.stdin.close()
                await asyncio.wait_for(server.wait(), 30)
                await client.client.stop()
        return (await server.stderr.read()).decode()

    return asyncio.run(main())


# -- 01: a project-wide finding's action after close without save and reopen -----------------------
def test_a_document_closed_unsaved_while_a_check_read_it_gets_no_action_from_that_check_once_reopened(tmp_path: Path) -> None:
    root = project(tmp_path, FAM1)
    unsaved = "# a header line typed, never saved\n" + M1
    now = M1 + "VALUE = 1\n"

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m1.py", M1)
        await client.wait(uri, 0, has("FAM1"))
        client.change(uri, unsaved)  # version 2: the class on line 2
        client.save(client.uri("pkg/m2.py"))  # a project-wide check starts, reading m1's unsaved text
        await asyncio.sleep(0.05)
        client.close(uri)  # while it runs: the file still has the class on line 1
        client.open("pkg/m1.py", M1)
        client.change(uri, now)  # version 2 again, of another text
        last = await settle(client, uri)
        assert last is not None and (last.version, ranges(last)) == (2, [("FAM1", 1, 6, 1, 9)])  # where the check found it, until a save
        assert await titles(client, uri, 2) == []  # a suppression at line 2 would land on `VALUE = 1`

    served(root, scenario)


def test_a_document_closed_and_reopened_unchanged_gets_its_project_wide_actions_back(tmp_path: Path) -> None:
    root = project(tmp_path, FAM1)
    suppress = [SUPPRESS.format("FAM1")]

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m1.py", M1)
        await client.wait(uri, 0, has("FAM1"))
        assert await titles(client, uri, 1) == suppress
        client.close(uri)
        seen = client.count(uri)
        client.open("pkg/m1.py", M1)  # the text the check read
        assert ranges(await client.wait(uri, seen, has("FAM1"))) == [("FAM1", 0, 6, 0, 14)]
        assert await titles(client, uri, 1) == suppress
        # Closed again, the file changed by another program and reopened: not the text the check read.
        client.close(uri)
        (root / "pkg/m1.py").write_text("VALUE = 1\n" + M1)
        seen = client.count(uri)
        client.open("pkg/m1.py", "VALUE = 1\n" + M1)
        assert ranges(await client.wait(uri, seen, has("FAM1"))) == [("FAM1", 0, 6, 0, 9)]  # where the check found it
        assert await titles(client, uri, 2) == []

    served(root, scenario)


# -- 02: a broken config file keeps its error diagnostic while open -----------------------------------
BROKEN = '[[rule]]\nid = "DI1"\nkind = "deprecated-importt"\nreplace = { "pkg.old" = "pkg.new" }\n'
KNOWN = "declared-deprecation, deprecated-import, duplicate-definition, event-schema, import-cycle, required-events, shim-module, single-implementation, unresolved-import"
BROKEN_ERROR = [(2, f"rule DI1: unknown kind 'deprecated-importt' (known: {KNOWN})")]


def test_a_broken_rule_file_keeps_its_error_when_opened_saved_and_closed(tmp_path: Path) -> None:
    root = project(tmp_path, BROKEN)
    (root / "notes.toml").write_text("[notes]\n")

    async def scenario(client: Client) -> None:
        rules = client.uri("rules.toml")

        async def shown() -> list[tuple[int, str]]:
            last = await settle(client, rules)
            assert last is not None
            return [(d.range.start.line, d.message) for d in last.diagnostics]

        client.open("pkg/app.py", APP)
        assert await shown() == BROKEN_ERROR
        client.open("rules.toml", BROKEN)
        assert await shown() == BROKEN_ERROR
        client.save(rules)
        assert await shown() == BROKEN_ERROR
        client.close(rules)
        assert await shown() == BROKEN_ERROR
        assert [len(p.diagnostics) for p in client.published[rules]] == [1] * client.count(rules)  # never cleared meanwhile
        notes = client.open("notes.toml", "[notes]\n")  # not Python: no diagnostics of its own
        assert await settle(client, notes) is None

    served(root, scenario)


# -- 03: an unsafe fix's reason follows the other buffers ----------------------------------------------
READER = "import pkg\n\ndef g():\n    return pkg.old.X\n"
REASON = "unsafe fix: pkg.app would no longer import pkg.old, which {} reads as an attribute of pkg without importing it"


def test_an_unsafe_fixs_reason_on_its_diagnostic_follows_an_edit_in_another_buffer(tmp_path: Path) -> None:
    root = project(tmp_path, DI1)
    (root / "pkg/reader.py").write_text(READER)
    (root / "pkg/zreader.py").write_text(READER.replace("def g", "def h"))

    async def scenario(client: Client) -> None:
        app = client.open("pkg/app.py", APP)
        last = await client.wait(app, 0, lambda p: bool(p.diagnostics) and "\nunsafe fix" in p.diagnostics[0].message)
        assert last.diagnostics[0].message.splitlines()[-1] == REASON.format("pkg.reader")
        reader = client.open("pkg/reader.py", READER)
        await settle(client, reader)
        client.change(reader, "import pkg\n")  # unsaved: pkg.reader reads pkg.old no more
        last = await settle(client, app, 2.5)
        assert last is not None and [d.message.splitlines()[-1] for d in last.diagnostics] == [REASON.format("pkg.zreader")]
        assert [t for t in await titles(client, app, 2) if "fix DI1" in t] == [
            f"ssot-lint: fix DI1 (unsafe: {REASON.format('pkg.zreader').removeprefix('unsafe fix: ')})"
        ]

    served(root, scenario, initialization_options={"unsafeFixes": True})


# -- 04: SIGTERM ends the server while its client keeps the pipes open ----------------------------------
def test_sigterm_ends_an_idle_server_whose_client_keeps_its_pipes_open(tmp_path: Path) -> None:
    root = project(tmp_path, DI1)

    async def main() -> int | None:
        client = Client(root)
        await client.start()
        server = client.client._server
        assert server is not None
        uri = client.open("pkg/app.py", APP)
        await client.current(uri)
        await asyncio.sleep(0.5)  # idle: nothing left to check
        server.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(server.wait(), 5)
        finally:
            if server.returncode is None:
                server.kill()
                await server.wait()
            await client.client.stop()

    assert asyncio.run(main()) == 128 + signal.SIGTERM


# -- 05: workspace/executeCommand; the end of the server while a check runs; unrelated TOML files -------
def test_execute_command_is_answered_with_a_clean_error(tmp_path: Path) -> None:
    root = project(tmp_path, DI1)

    async def scenario(client: Client) -> None:
        with pytest.raises(JsonRpcMethodNotFound) as raised:
            await client.client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="ssot-lint.anything"))
        assert str(raised.value) == "Method Not Found: workspace/executeCommand"

    stderr = served(root, scenario)
    assert [line.split(", ")[-1] for line in stderr.splitlines()] == ["unknown method 'workspace/executeCommand'"]  # one line, no traceback


def running_jobs(server_pid: int) -> dict[int, str]:
    """The server's project-wide check processes (its children: not the workers they fork, which come and go)."""
    return {pid: cmd for pid, cmd in descendants(server_pid).items() if "ssot_lint.server.project_job" in cmd and parent_of(pid) == server_pid}


async def started_jobs(client: Client) -> dict[int, str]:
    """The project-wide check's processes, once it runs (polled without blocking the client,
    which answers the server's requests meanwhile)."""
    server = client.client._server
    assert server is not None
    for _ in range(600):
        if jobs := running_jobs(server.pid):
            return jobs
        await asyncio.sleep(0.05)
    raise AssertionError("no project-wide check started")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("end", ["shutdown", "eof"])
def test_the_server_ends_cleanly_while_a_project_wide_check_runs(tmp_path: Path, end: str) -> None:
    root = project(tmp_path, DI1 + SLOW)
    (root / "pkg/slow.py").write_text(SLOW_CLASS)

    async def scenario(client: Client) -> None:
        client.open("pkg/app.py", APP)  # the project's first document: its project-wide check starts
        await started_jobs(client)

    stderr = served(root, scenario, end)
    assert stderr == ""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_saving_a_toml_file_the_config_does_not_read_leaves_a_running_check_alone(tmp_path: Path) -> None:
    root = project(tmp_path, DI1 + SLOW)
    (root / "pkg/slow.py").write_text(SLOW_CLASS)
    (root / "docs").mkdir()
    (root / "docs/pyproject.toml").write_text('[project]\nname = "docs"\n')

    async def scenario(client: Client) -> None:
        server = client.client._server
        assert server is not None
        app = client.open("pkg/app.py", APP)
        running = await started_jobs(client)
        # Its buffer check has walked the project (a fix is verified against every module):
        # what that walk saw is no file the config reads.
        await client.wait(app, 0, has("DI1"))
        unrelated = client.open("docs/pyproject.toml", '[project]\nname = "docs"\n')
        client.save(unrelated)
        watched(client, "docs/pyproject.toml")
        await asyncio.sleep(1.5)
        assert all(process_alive(pid) for pid in running), {"watched": running, "running now": running_jobs(server.pid), "logs": client.logs}
        # The config itself: the check starts again with it.
        client.save(client.uri("ssot-lint.toml"))
        for _ in range(200):
            if not any(process_alive(pid) for pid in running):
                break
            await asyncio.sleep(0.05)
        assert not any(process_alive(pid) for pid in running)
        assert set(await started_jobs(client)).isdisjoint(running)

    served(root, scenario)
