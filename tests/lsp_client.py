"""A real LSP client (pygls's) driving a real ``ssot-lint server`` subprocess, for tests and the
latency benchmark: it records every ``publishDiagnostics`` and lets a test wait for the next one
for a document."""

from __future__ import annotations

import asyncio
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from ssot_lint.server.positions import Lines

TIMEOUT = 60.0


class Client:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("ssot-lint-tests", "1")
        self.published: dict[str, list[lsp.PublishDiagnosticsParams]] = defaultdict(list)
        self.logs: list[str] = []
        self.registrations: list[lsp.Registration] = []
        self._changed = asyncio.Condition()
        self.versions: dict[str, int] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.published[params.uri].append(params)
            async with self._changed:
                self._changed.notify_all()

        @self.client.feature(lsp.WINDOW_LOG_MESSAGE)
        def on_log(params: lsp.LogMessageParams) -> None:
            self.logs.append(params.message)

        @self.client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_show(params: lsp.ShowMessageParams) -> None:
            self.logs.append(params.message)

        @self.client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: lsp.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    async def start(self, initialization_options: dict[str, Any] | None = None, encodings: list[str] | None = None) -> lsp.InitializeResult:
        await self.client.start_io(sys.executable, "-m", "ssot_lint", "server", cwd=str(self.root))
        capabilities = lsp.ClientCapabilities(
            workspace=lsp.WorkspaceClientCapabilities(
                did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
                workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True),
            ),
            general=lsp.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        )
        params = lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=from_fs_path(str(self.root)),
            workspace_folders=[lsp.WorkspaceFolder(uri=from_fs_path(str(self.root)) or "", name="project")],
            initialization_options=initialization_options,
        )
        result = await asyncio.wait_for(self.client.initialize_async(params), TIMEOUT)
        self.client.initialized(lsp.InitializedParams())
        return result

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        await asyncio.wait_for(self.client.stop(), TIMEOUT)

    async def registered(self) -> list[str]:
        """The methods the server registered dynamically, once it has (it asks after ``initialized``)."""
        for _ in range(int(TIMEOUT / 0.05)):
            if self.registrations:
                break
            await asyncio.sleep(0.05)
        return [r.method for r in self.registrations]

    def uri(self, name: str) -> str:
        return from_fs_path(str(self.root / name)) or ""

    def count(self, uri: str) -> int:
        return len(self.published[uri])

    async def wait(self, uri: str, after: int, predicate: Any = None) -> lsp.PublishDiagnosticsParams:
        """The first diagnostics for ``uri`` published after the first ``after`` (that satisfy
        ``predicate``, if given)."""

        def ready() -> bool:
            return any(predicate is None or predicate(p) for p in self.published[uri][after:])

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), TIMEOUT)
        return next(p for p in self.published[uri][after:] if predicate is None or predicate(p))

    async def current(self, uri: str, after: int = 0) -> lsp.PublishDiagnosticsParams:
        """The first diagnostics for the document's current version (publishes for earlier
        versions, such as a project-wide run started before the last change, are skipped)."""
        return await self.wait(uri, after, lambda p: p.version == self.versions[uri])

    def open(self, name: str, text: str) -> str:
        uri = self.uri(name)
        self.versions[uri] = 1
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return uri

    def change(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        identifier = lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(identifier, [lsp.TextDocumentContentChangeWholeDocument(text=text)]))

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))


def apply_edits(text: str, edits: list[lsp.TextEdit], encoding: str = "utf-16") -> str:
    """``text`` with non-overlapping ``edits`` applied, as an editor applies them: what the tests
    compare a server's edits by."""
    lines = Lines(text)
    spans = sorted(
        (
            (
                lines.to_offset(e.range.start.line, e.range.start.character, encoding),
                lines.to_offset(e.range.end.line, e.range.end.character, encoding),
                e.new_text,
            )
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text
