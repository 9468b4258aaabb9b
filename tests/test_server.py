"""The language server, driven end to end: a real ``ssot-lint server`` subprocess and pygls's
real LSP client, on a copy of the shipped sample project."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from tests.helpers import run_cli, sample_project
from tests.lsp_client import Client, apply_edits

NEW = "netra_backend/app/services/new.py"
# An astral character (two UTF-16 units, four UTF-8 bytes) and an accented one before the finding.
PREFIX = "x = '𝒳é'; "
# The package re-exports websocket_manager's class: its rewrite is a safe fix.
DEPRECATED = "from netra_backend.app.websocket_core import WebSocketManager"
FIXED = "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager"


def run(project: Path, scenario: Callable[[Client], Awaitable[None]], **options: object) -> Client:
    async def main() -> Client:
        client = Client(project)
        await client.start(**options)  # type: ignore[arg-type]
        try:
            await scenario(client)
        finally:
            await client.stop()
        return client

    return asyncio.run(main())


def ranges(params: lsp.PublishDiagnosticsParams) -> list[tuple[str, int, int, int, int]]:
    return [(str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in params.diagnostics]


def codes(params: lsp.PublishDiagnosticsParams) -> list[str]:
    return sorted(str(d.code) for d in params.diagnostics)


def test_diagnostics_on_open_and_change_with_exact_utf16_ranges(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, "import os\n" + PREFIX + DEPRECATED + "\n")
        opened = await client.wait(uri, 0)
        # 'from' starts after 10 characters, 11 UTF-16 units (𝒳 is two); the name 61 characters on.
        assert ranges(opened) == [("WS002", 1, 11 + 5 + 32 + 8, 1, 11 + 5 + 32 + 8 + 16)]
        diagnostic = opened.diagnostics[0]
        assert (diagnostic.source, diagnostic.severity) == ("ssot-lint", lsp.DiagnosticSeverity.Error)
        assert diagnostic.message.startswith("netra_backend.app.websocket_core:WebSocketManager is deprecated; import ")
        seen = client.count(uri)
        client.change(uri, "import os\n" + PREFIX + FIXED + "\n")
        changed = await client.current(uri, seen)
        assert not changed.diagnostics and changed.version == 2
        assert not (project / NEW).exists()  # from the buffer, not the disk

    run(project, scenario)


def test_positions_follow_the_encoding_the_client_offers(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, PREFIX + DEPRECATED + "\n")
        opened = await client.wait(uri, 0)
        start = len(PREFIX.encode()) + 5 + 32 + 8  # UTF-8: 𝒳 is 4 bytes, é 2
        assert ranges(opened) == [("WS002", 0, start, 0, start + 16)]

    run(project, scenario, encodings=["utf-8"])


def test_code_actions_fix_and_suppress_and_their_edits_apply(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    text = "import os\n" + PREFIX + DEPRECATED + "\n"

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, text)
        opened = await client.wait(uri, 0)
        diagnostic = opened.diagnostics[0]
        context = lsp.CodeActionContext(diagnostics=[diagnostic])
        actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), diagnostic.range, context))
        assert actions is not None
        by_title = {a.title: a for a in actions if isinstance(a, lsp.CodeAction)}
        assert sorted(by_title) == ["ssot-lint: fix WS002", "ssot-lint: fix all (1 finding)", "ssot-lint: suppress WS002 on this line (# ssot: ignore[WS002])"]

        def applied(action: lsp.CodeAction) -> str:
            assert action.edit is not None and action.edit.document_changes is not None
            (change,) = action.edit.document_changes
            assert isinstance(change, lsp.TextDocumentEdit) and change.text_document.version == 1
            return apply_edits(text, list(change.edits))  # type: ignore[arg-type]

        fix = by_title["ssot-lint: fix WS002"]
        assert (fix.kind, fix.is_preferred, list(fix.diagnostics or [])) == (lsp.CodeActionKind.QuickFix, True, [diagnostic])
        assert applied(fix) == "import os\n" + PREFIX + FIXED + "\n"
        assert applied(by_title["ssot-lint: fix all (1 finding)"]) == applied(fix)
        suppressed = applied(by_title["ssot-lint: suppress WS002 on this line (# ssot: ignore[WS002])"])
        assert suppressed == "import os\n" + PREFIX + DEPRECATED + "  # ssot: ignore[WS002]\n"
        seen = client.count(uri)
        client.change(uri, suppressed)
        assert not (await client.current(uri, seen)).diagnostics
        # Only the fix-all action when only source actions are asked for.
        only = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll])
        client.change(uri, text)
        source = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), diagnostic.range, only))
        assert [a.title for a in source or [] if isinstance(a, lsp.CodeAction)] == ["ssot-lint: fix all (1 finding)"]

    run(project, scenario)


def test_hover_on_a_finding_shows_the_rules_explanation(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, PREFIX + DEPRECATED + "\n")
        diagnostic = (await client.wait(uri, 0)).diagnostics[0]
        inside = lsp.Position(0, diagnostic.range.start.character + 3)
        hover = await client.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), inside))
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert hover.contents.kind == lsp.MarkupKind.Markdown
        assert hover.contents.value.startswith(f"**WS002** {diagnostic.message}\n\n```text\nWS002 (deprecated-import, error)\ndefined at rules.toml:25\n")
        assert "kind deprecated-import:" in hover.contents.value
        assert hover.range == diagnostic.range
        outside = await client.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 1)))
        assert outside is None

    run(project, scenario)


def test_project_wide_rules_on_open_and_save_from_the_buffers(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    manager = "class ExtraWebSocketManager:\n    pass\n"

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, manager)  # a fourth manager, in an unsaved buffer
        wide = await client.wait(uri, 0, lambda p: codes(p) == ["WS001"])
        assert ranges(wide) == [("WS001", 0, 6, 0, 27)]
        assert "ExtraWebSocketManager is one of 4 WebSocket manager implementations (max 1)" in wide.diagnostics[0].message
        seen = client.count(uri)
        client.change(uri, "class Extra:\n    pass\n")
        stale = await client.current(uri, seen)
        assert codes(stale) == ["WS001"]  # per-file rules now; project-wide ones on save
        seen = client.count(uri)
        client.save(uri)
        await client.wait(uri, seen, lambda p: not p.diagnostics)
        # The other files' WS001 findings are counted from the cache plus this buffer: 3, as on disk.
        other = client.open("netra_backend/app/websocket_core/handlers.py", (project / "netra_backend/app/websocket_core/handlers.py").read_text())
        handlers = await client.wait(other, 0, lambda p: "WS001" in codes(p))
        message = next(d.message for d in handlers.diagnostics if d.code == "WS001")
        assert message.startswith("IsolatedWebSocketManager is one of 3 WebSocket manager implementations")

    run(project, scenario)


def test_no_edit_is_offered_at_a_project_wide_finding_the_buffer_has_moved_away_from(tmp_path: Path) -> None:
    # Project-wide findings stay where the last check (on save) put them; after an unsaved edit
    # above one, a suppression at its old line would land on other code (review11).
    project = sample_project(tmp_path)
    manager = "class ExtraWebSocketManager:\n    pass\n"

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, manager)
        wide = await client.wait(uri, 0, lambda p: codes(p) == ["WS001"])
        (diagnostic,) = wide.diagnostics
        context = lsp.CodeActionContext(diagnostics=[diagnostic])
        asked = lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), diagnostic.range, context)
        fresh = await client.client.text_document_code_action_async(asked)
        assert [a.title for a in fresh or [] if isinstance(a, lsp.CodeAction)] == ["ssot-lint: suppress WS001 on this line (# ssot: ignore[WS001])"]
        seen = client.count(uri)
        client.change(uri, "SETTING = 1\n" + manager)
        stale = await client.current(uri, seen)
        assert ranges(stale) == [("WS001", 0, 6, 0, 11)]  # still shown where it was, until the save
        moved = await client.client.text_document_code_action_async(asked)
        assert [a.title for a in moved or [] if isinstance(a, lsp.CodeAction)] == []
        seen = client.count(uri)
        client.save(uri)
        saved = await client.wait(uri, seen, lambda p: ranges(p) == [("WS001", 1, 6, 1, 27)])
        again = lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), saved.diagnostics[0].range, lsp.CodeActionContext(diagnostics=list(saved.diagnostics)))
        offered = await client.client.text_document_code_action_async(again)
        assert [a.title for a in offered or [] if isinstance(a, lsp.CodeAction)] == ["ssot-lint: suppress WS001 on this line (# ssot: ignore[WS001])"]

    run(project, scenario)


def test_a_broken_rule_file_is_one_diagnostic_and_the_server_keeps_working(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    rules = project / "rules.toml"
    good = rules.read_text()

    async def scenario(client: Client) -> None:
        assert await client.registered() == ["workspace/didChangeWatchedFiles"]
        uri = client.open(NEW, DEPRECATED + "\n")
        assert codes(await client.wait(uri, 0)) == ["WS002"]
        rules.write_text(good.replace('kind = "deprecated-import"', 'kind = "deprecated-imports"'))
        event = lsp.FileEvent(uri=client.uri("rules.toml"), type=lsp.FileChangeType.Changed)
        client.client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([event]))
        broken = await client.wait(client.uri("rules.toml"), 0)
        assert [(d.range.start.line, d.range.start.character, d.range.end.line) for d in broken.diagnostics] == [(26, 0, 26)]  # rules.toml:27
        assert len(broken.diagnostics) == 1 and broken.diagnostics[0].message.startswith("rule WS002: unknown kind 'deprecated-imports' (known: ")
        # The last good rules go on working.
        seen = client.count(uri)
        client.change(uri, "import os\n" + DEPRECATED + "\n")
        assert ranges(await client.current(uri, seen)) == [("WS002", 1, 45, 1, 61)]
        rules.write_text(good)
        client.client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([event]))
        assert not (await client.wait(client.uri("rules.toml"), 1)).diagnostics

    run(project, scenario)


def test_the_baseline_hides_known_findings_unless_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(tmp_path)
    assert run_cli(["baseline", "--no-cache"], project, monkeypatch).exit_code == 0
    service = "netra_backend/app/services/agent_service.py"
    text = (project / service).read_text()

    async def baselined(client: Client) -> None:
        uri = client.open(service, text)
        assert not (await client.wait(uri, 0)).diagnostics
        seen = client.count(uri)
        client.change(uri, "from netra_backend.app.websocket_core import WebSocketManager\n" + text)
        assert ranges(await client.current(uri, seen)) == [("WS002", 0, 45, 0, 61)]

    async def everything(client: Client) -> None:
        uri = client.open(service, text)
        assert codes(await client.wait(uri, 0)) == ["WS002", "WS003", "WS003", "WS003"]

    run(project, baselined)
    run(project, everything, initialization_options={"baseline": False})


def test_excluded_and_outside_files_get_no_diagnostics(tmp_path: Path) -> None:
    project = sample_project(tmp_path, extra_config='extend-exclude = ["scratch/"]\n')

    async def scenario(client: Client) -> None:
        excluded = client.open("scratch/new.py", DEPRECATED + "\n")
        assert not (await client.wait(excluded, 0)).diagnostics
        included = client.open(NEW, DEPRECATED + "\n")
        assert codes(await client.wait(included, 0)) == ["WS002"]

    run(project, scenario)


def test_shutdown_and_exit_end_the_server_process(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def main() -> int | None:
        client = Client(project)
        await client.start()
        await client.stop()
        server = client.client._server
        assert server is not None
        return await asyncio.wait_for(server.wait(), 30)

    assert asyncio.run(main()) == 0


def test_without_the_server_extra_the_command_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "pygls" else real(name, *args))
    result = run_cli(["server"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == "ssot-lint: error: ssot-lint server needs pygls and lsprotocol: pip install 'ssot-lint[server]'\n"


# One safe fix (a verified import rewrite) and one unsafe fix (an event reshaped) in one buffer.
EVENT = 'EVENT = {"event_type": "tool_executing", "timestamp": 1.0, "user_id": "u", "thread_id": "t", "tool": "search", "data": {}}\n'
EVENT_FIXED = 'EVENT = {"event_type": "tool_executing", "timestamp": 1.0, "user_id": "u", "thread_id": "t", "data": {"tool": "search"}}\n'
MIXED = DEPRECATED + "\n" + EVENT


def titles_by_code(client: Client, uri: str, params: lsp.PublishDiagnosticsParams) -> Awaitable[dict[str, list[str]]]:
    """The code action titles offered on each diagnostic's range (by its code), and on the whole
    buffer for ``source.fixAll`` (under ``fixAll``)."""

    async def ask() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for diagnostic in params.diagnostics:
            context = lsp.CodeActionContext(diagnostics=[diagnostic], only=[lsp.CodeActionKind.QuickFix])
            actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), diagnostic.range, context))
            found[str(diagnostic.code)] = sorted(a.title for a in actions or [] if isinstance(a, lsp.CodeAction))
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))
        only = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll])
        actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, only))
        found["fixAll"] = [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)]
        return found

    return ask()


async def action(client: Client, uri: str, title: str, kind: str = lsp.CodeActionKind.QuickFix) -> lsp.CodeAction:
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))
    context = lsp.CodeActionContext(diagnostics=[], only=[kind])
    actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, context))
    return next(a for a in actions or [] if isinstance(a, lsp.CodeAction) and a.title == title)


def applied(text: str, action: lsp.CodeAction) -> str:
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, lsp.TextDocumentEdit)
    return apply_edits(text, list(change.edits))  # type: ignore[arg-type]


SUPPRESS = "ssot-lint: suppress {0} on this line (# ssot: ignore[{0}])"
# An unsafe fix says why it is unsafe (the event-schema fix note, as `fix --unsafe-fixes` prints it).
UNSAFE_WS003 = "ssot-lint: fix WS003 (unsafe: reshaping an event changes the data the program sends and reads)"


def test_code_actions_offer_only_safe_fixes_by_default(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, MIXED)
        opened = await client.wait(uri, 0)
        assert codes(opened) == ["WS002", "WS003"]
        assert await titles_by_code(client, uri, opened) == {
            "WS002": ["ssot-lint: fix WS002", SUPPRESS.format("WS002")],
            "WS003": [SUPPRESS.format("WS003")],  # its fix is unsafe: not offered
            "fixAll": ["ssot-lint: fix all (1 finding)"],
        }
        fix_all = await action(client, uri, "ssot-lint: fix all (1 finding)", lsp.CodeActionKind.SourceFixAll)
        assert applied(MIXED, fix_all) == FIXED + "\n" + EVENT

    run(project, scenario)


def test_unsafe_fixes_are_offered_and_titled_as_such_when_the_client_opts_in(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, MIXED)
        opened = await client.wait(uri, 0)
        assert await titles_by_code(client, uri, opened) == {
            "WS002": ["ssot-lint: fix WS002", SUPPRESS.format("WS002")],
            "WS003": [UNSAFE_WS003, SUPPRESS.format("WS003")],
            "fixAll": ["ssot-lint: fix all (2 findings, 1 unsafe)"],
        }
        unsafe = await action(client, uri, UNSAFE_WS003)
        assert not unsafe.is_preferred
        assert applied(MIXED, unsafe) == DEPRECATED + "\n" + EVENT_FIXED
        fix_all = await action(client, uri, "ssot-lint: fix all (2 findings, 1 unsafe)", lsp.CodeActionKind.SourceFixAll)
        assert applied(MIXED, fix_all) == FIXED + "\n" + EVENT_FIXED

    run(project, scenario, initialization_options={"unsafeFixes": True})


def test_the_unsafe_fixes_setting_follows_did_change_configuration(tmp_path: Path) -> None:
    project = sample_project(tmp_path)

    async def titles(client: Client, uri: str) -> list[str]:
        context = lsp.CodeActionContext(diagnostics=[])
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))
        actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, context))
        return sorted(a.title for a in actions or [] if isinstance(a, lsp.CodeAction) and "suppress" not in a.title)

    async def scenario(client: Client) -> None:
        uri = client.open(NEW, MIXED)
        await client.wait(uri, 0)
        assert await titles(client, uri) == ["ssot-lint: fix WS002", "ssot-lint: fix all (1 finding)"]
        # Neovim's `settings = { ["ssot-lint"] = { unsafeFixes = true } }`: under the server's section.
        client.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"ssot-lint": {"unsafeFixes": True}}))
        assert await titles(client, uri) == ["ssot-lint: fix WS002", UNSAFE_WS003, "ssot-lint: fix all (2 findings, 1 unsafe)"]
        client.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"unsafeFixes": False}))
        assert await titles(client, uri) == ["ssot-lint: fix WS002", "ssot-lint: fix all (1 finding)"]
        # Only JSON booleans: the string "false" is truthy, and must not turn unsafe fixes on.
        client.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"unsafeFixes": "false", "baseline": 0}))
        assert await titles(client, uri) == ["ssot-lint: fix WS002", "ssot-lint: fix all (1 finding)"]
        assert [m for m in client.logs if "must be true or false" in m] == [
            "ssot-lint: setting 'baseline' must be true or false, not 0: kept true",
            "ssot-lint: setting 'unsafeFixes' must be true or false, not \"false\": kept false",
        ]

    run(project, scenario)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("how", ["shutdown", "sigterm", "sigkill"])
def test_no_project_job_outlives_the_server(tmp_path: Path, how: str) -> None:
    """A project-wide check running when the server ends (shutdown and exit, SIGTERM from the
    editor, a crash) ends with it: the job and every worker it forked."""
    import os
    import signal

    from tests.helpers import descendants, process_alive, wait_until

    # A name regex that backtracks for ages on one class name: the job's worker is stuck in it,
    # as in a slow check of a big project, and sees no closed pipe.
    project = sample_project(tmp_path, extra_rules='\n[[rule]]\nid = "SLOW1"\nkind = "single-implementation"\nname = "^(a+)+$"\n')
    (project / "netra_backend/app/slow.py").write_text("class " + "a" * 40 + "B:\n    pass\n")

    async def main() -> dict[int, str]:
        client = Client(project)
        await client.start()
        server = client.client._server
        assert server is not None
        client.open(NEW, DEPRECATED + "\n")  # a project's first document: its project-wide check starts

        def jobs() -> dict[int, str]:
            return {pid: cmd for pid, cmd in descendants(server.pid).items() if "ssot_lint.server.project_job" in cmd}

        assert wait_until(lambda: len(jobs()) >= 2, timeout=30), jobs()  # the job and its workers
        running = jobs()
        if how == "shutdown":
            await client.stop()
        else:
            os.kill(server.pid, signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
            await asyncio.wait_for(server.wait(), 30)
            await client.client.stop()
        return running

    running = asyncio.run(main())
    try:
        assert wait_until(lambda: not any(process_alive(pid) for pid in running), timeout=5), {p: c for p, c in running.items() if process_alive(p)}
    finally:
        for pid in running:
            if process_alive(pid):
                os.kill(pid, signal.SIGKILL)
