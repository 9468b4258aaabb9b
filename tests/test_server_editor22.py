"""The language server after editor22: it follows files changed on disk outside the editor
(``workspace/didChangeWatchedFiles`` for ``**/*.py``: the project-wide findings are found again,
once for a burst of changes), and a project-wide finding whose fix is unsafe says why on its
diagnostic, as a per-file one does."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from ssot_lint import api
from ssot_lint.server.actions import Buffer, code_actions
from ssot_lint.server.prepared import Shown, prepare, reading_rules
from tests.helpers import write_project
from tests.lsp_client import Client
from tests.test_fix_decl20 import DD_UNSAFE, RENAMED, UNSAFE_WHY
from tests.test_fix_decl20 import RULES as DD_RULES
from tests.test_server import SUPPRESS, run, titles_by_code
from tests.test_server_editor20 import watched

DUP = '[[rule]]\nid = "DUP"\nkind = "duplicate-definition"\n'
SETTINGS = "class Settings: ...\n"
FILES = {"pkg/__init__.py": "", "pkg/m1.py": SETTINGS, "pkg/m2.py": SETTINGS, ".gitignore": "gen/\n"}
FOLLOWED = " changed on disk: checking the project-wide rules of {} again"


def messages(params: lsp.PublishDiagnosticsParams) -> list[str]:
    return [d.message for d in params.diagnostics]


def defined_in(count: int, others: str) -> list[str]:
    return [f"Settings is defined in {count} modules (also at {others})"]


def rechecks(client: Client) -> int:
    """How many times the server has checked a project again for files changed on disk."""
    return sum(1 for line in client.logs if line.endswith(FOLLOWED.format(client.root / "ssot-lint.toml")))


async def settled(client: Client, uri: str, seconds: float = 2.0) -> int:
    """The number of diagnostics published for ``uri`` once none has come for ``seconds``."""
    while True:
        seen = client.count(uri)
        await asyncio.sleep(seconds)
        if client.count(uri) == seen:
            return seen


# -- 1: files changed on disk are followed ----------------------------------------------------------
def test_the_server_watches_python_files_too(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, DUP)

    async def scenario(client: Client) -> None:
        assert await client.registered() == ["workspace/didChangeWatchedFiles"]
        (registration,) = client.registrations
        assert isinstance(registration.register_options, dict)  # as the client received it: JSON
        globs = [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
        assert globs == ["**/*.toml", "**/.ssot-baseline.json", "**/*.py"]

    run(root, scenario)


def test_a_file_created_on_disk_raises_the_count_and_one_deleted_lowers_it(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, DUP)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m2.py", SETTINGS)
        assert messages(await client.wait(uri, 0, lambda p: bool(p.diagnostics))) == defined_in(2, "pkg/m1.py:1")
        seen = client.count(uri)
        (root / "pkg/m3.py").write_text(SETTINGS)
        watched(client, "pkg/m3.py", lsp.FileChangeType.Created)
        raised = await client.wait(uri, seen)
        assert messages(raised) == defined_in(3, "pkg/m1.py:1, pkg/m3.py:1") and raised.version == 1
        seen = client.count(uri)
        (root / "pkg/m3.py").unlink()
        watched(client, "pkg/m3.py", lsp.FileChangeType.Deleted)
        assert messages(await client.wait(uri, seen)) == defined_in(2, "pkg/m1.py:1")
        assert rechecks(client) == 2

    run(root, scenario)


def test_a_burst_of_fifty_changes_is_one_check(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, DUP)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m2.py", SETTINGS)
        await client.wait(uri, 0, lambda p: bool(p.diagnostics))
        seen = await settled(client, uri)
        for number in range(50):  # a git checkout: one notification a file
            (root / f"pkg/new{number:02}.py").write_text(SETTINGS)
            watched(client, f"pkg/new{number:02}.py", lsp.FileChangeType.Created)
        assert messages(await client.wait(uri, seen)) == defined_in(
            52, "pkg/m1.py:1, pkg/new00.py:1, pkg/new01.py:1, pkg/new02.py:1, pkg/new03.py:1 and 46 more"
        )
        assert await settled(client, uri) == seen + 1
        assert rechecks(client) == 1

    run(root, scenario)


def test_ignored_excluded_and_open_files_changed_on_disk_change_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, DUP)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m2.py", SETTINGS)
        await client.wait(uri, 0, lambda p: bool(p.diagnostics))
        seen = await settled(client, uri)
        for name in ("gen/m4.py", "build/m5.py"):  # ignored by git, excluded by default
            (root / name).parent.mkdir()
            (root / name).write_text(SETTINGS)
            watched(client, name, lsp.FileChangeType.Created)
        (root / "pkg/m2.py").write_text("")  # the open buffer's file: the buffer is what counts
        watched(client, "pkg/m2.py")
        assert await settled(client, uri) == seen
        assert rechecks(client) == 0
        (root / "pkg/m3.py").write_text(SETTINGS)
        watched(client, "pkg/m3.py", lsp.FileChangeType.Created)
        assert messages(await client.wait(uri, seen)) == defined_in(3, "pkg/m1.py:1, pkg/m3.py:1")

    run(root, scenario)


# -- 2: a project-wide finding whose fix is unsafe says why -----------------------------------------
DD_MESSAGE = 'function lib.api:old_call is deprecated (lib/api.py:4: "use new_call instead"); use lib.api:new_call'


def test_a_declared_deprecation_finding_says_why_its_fix_is_unsafe(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", RENAMED, DD_RULES)

    async def scenario(client: Client, unsafe: bool) -> None:
        uri = client.open("app.py", RENAMED["app.py"])
        noted = await client.wait(uri, 0, lambda p: any("\nunsafe fix" in m for m in messages(p)))
        head = "unsafe fix" if unsafe else "unsafe fix, offered with the `unsafeFixes` setting"
        assert messages(noted) == [f"{DD_MESSAGE}\n{head}: {UNSAFE_WHY}"]
        assert noted.diagnostics[0].related_information is None
        titles = await titles_by_code(client, uri, noted)
        assert titles["DD"][0] == (DD_UNSAFE if unsafe else SUPPRESS.format("DD"))

    run(root, lambda client: scenario(client, False))
    run(root, lambda client: scenario(client, True), initialization_options={"unsafeFixes": True})


# -- 3: the project is read once a check publishes, as the first code action reads it ----------------
def test_the_project_read_after_a_check_is_the_one_the_first_code_action_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``prepared.prepare`` (run on the server's worker once a project-wide check publishes) reads
    the project into the view the code actions then use: the actions read nothing more."""
    project_fixes = importlib.import_module("ssot_lint.fix.project_fixes")
    root = write_project(tmp_path / "p", RENAMED, DD_RULES)
    monkeypatch.chdir(root)  # as the project job shows paths
    project = api.load_project(root / "ssot-lint.toml")
    findings = [f for f in api.check(config=project).findings if f.path == "app.py"]
    reads: list[str] = []
    discover = project_fixes.discover
    monkeypatch.setattr(project_fixes, "discover", lambda paths, config: reads.append("read") or discover(paths, config))
    path, text, uri = str(root / "app.py"), RENAMED["app.py"], "file:///p/app.py"
    rules, unsafe = reading_rules(project, findings)
    assert (rules, unsafe) == (("DD",), frozenset({"DD"}))
    view = api.ProjectView()
    assert prepare(project, [Shown(uri, 1, path, text, {}, rules, unsafe)], view) == {uri: {("DD", 1, 21): UNSAFE_WHY}}
    assert reads == ["read"]
    logged: list[str] = []
    for unsafe_fixes, titles in ((True, [DD_UNSAFE, SUPPRESS.format("DD"), "ssot-lint: fix all (1 finding, 1 unsafe)"]), (False, [SUPPRESS.format("DD")])):
        actions = code_actions(project, Buffer(path, text, uri, 1), findings, ((1, 1), (3, 1)), None, "utf-16", unsafe_fixes, logged.append, {}, view)
        assert [a.title for a in actions] == titles
    assert reads == ["read"] and logged == []


def test_what_the_process_keeps_of_files_changed_on_disk_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``api.forget_files``, which the server calls for the files reported changed: what the
    process kept of them goes (a deleted file's bytes would stay until pushed out), their
    buffers' and other files' stay."""
    from ssot_lint.run import file_memo

    memo = file_memo._Memo()
    monkeypatch.setattr(file_memo, "MEMO", memo)
    a, b = str(tmp_path / "a.py"), str(tmp_path / "b.py")
    memo.put(a, file_memo._Entry((1, 1, 1, 1), b"x = 1\n"))
    memo.put(b, file_memo._Entry((2, 2, 2, 2), b"y = 22\n"))
    memo.put(a + file_memo._BUFFER, file_memo._Entry(b"x = 3\n", b"x = 3\n"))
    monkeypatch.chdir(tmp_path)
    api.forget_files(["a.py"])
    assert memo.get(a, (1, 1, 1, 1)) is None
    assert memo.get(b, (2, 2, 2, 2)) is not None and memo.get(a + file_memo._BUFFER, b"x = 3\n") is not None
    assert memo._bytes == len(b"y = 22\n") + len(b"x = 3\n")
