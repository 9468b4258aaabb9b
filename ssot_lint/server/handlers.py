"""``ssot-lint server``: the language server (LSP over stdin/stdout, built on pygls); its protocol
handlers, each a few lines over ``app.SsotServer``.

- **Per-file rules on open and change**, from the editor's buffer (``api.check_source``), with
  the baseline applied as ``ssot-lint check`` applies it; only the newest version of a buffer
  (``newest``); an unsafe fix's diagnostic says why it is unsafe (``notes``).
- **Project-wide rules on save** (and when a project's first document opens, its rules, the
  baseline or a setting changes): ``wide``, in a child process (``project_job``).
- **Code actions** (``actions``): a finding's fix (an unsafe one only with ``unsafeFixes``), its
  ``# ssot: ignore[ID]`` comment, and ``source.fixAll.ssot-lint``.
- **Settings**: ``baseline``, ``projectWide``, ``unsafeFixes``, from ``initializationOptions``
  and ``workspace/didChangeConfiguration`` (top level or under ``ssot-lint``).
- **Only files** (``file:`` URIs): an ``untitled:`` document is not checked (one log line says so).
- **Hover** on a finding: the rule's explanation (``hover``).
- **Config and rule files are watched** (``workspace/didChangeWatchedFiles`` where the client
  supports it, else checked on every save) and reloaded; a broken one is one diagnostic at its
  ``file:line`` while the last good rules keep working.
- **Python files changed on disk are followed** (``**/*.py`` watched too; ``disk``): the
  projects that read them are checked again, once for a burst of changes.

Documents are synchronised whole (``TextDocumentSyncKind.Full``): pygls applies incremental
edits by ``str.splitlines``, which breaks lines at characters LSP does not (U+2028, form feed),
and a buffer out of step with the editor would put fixes in the wrong place.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from typing import Any

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from ssot_lint.run.parallel import forbid_workers
from ssot_lint.server.actions import KINDS
from ssot_lint.server.app import SsotServer
from ssot_lint.server.newest import DEBOUNCE
from ssot_lint.server.projects import on_disk, project_key

# What the server asks the client to watch: config and rule files, the baseline, Python files.
WATCHED = ("**/*.toml", "**/.ssot-baseline.json", "**/*.py")


def build() -> SsotServer:
    server = SsotServer()
    # The server has no commands: pygls's handler would answer any with an error raised through
    # its logger (a traceback on stderr per request); unhandled, it is "method not found", one line.
    server.protocol.fm.builtin_features.pop(lsp.WORKSPACE_EXECUTE_COMMAND, None)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: SsotServer, params: lsp.InitializeParams) -> None:
        ls.configure(params.initialization_options, initial=True)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: SsotServer, params: lsp.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
            registration = lsp.Registration(id="ssot-lint-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
            # The end of stdin before the client answers cancels this (as every task): pygls would
            # print the cancellation as a traceback on stderr, for a server that is only ending.
            with contextlib.suppress(asyncio.CancelledError):
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SsotServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if not on_disk(params.text_document.uri):  # an unsaved new document has no project to check it with
            ls.log(f"{params.text_document.uri}: not checked: only files are (save it into a project to check it)")
            return
        ls.wide.opened(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).source)
        ls.reload(force=False)
        ls.lint(params.text_document.uri)
        project = ls.project_of(ls.workspace.get_text_document(params.text_document.uri).path)
        if project is not None and project_key(project) not in ls.wide.jobs:
            ls.schedule_project_wide(project)  # the first document of a project: its project-wide findings too
        ls.recheck_others(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).path)  # it may open unsaved
        ls.publish_config_errors()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SsotServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.lint(params.text_document.uri, DEBOUNCE)
        if on_disk(params.text_document.uri):
            ls.recheck_others(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SsotServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.reload(force=ls.projects.reads([params.text_document.uri]))  # a config file: look for new projects too
        document = ls.workspace.get_text_document(params.text_document.uri)
        project = ls.project_of(document.path) if on_disk(document.uri) else None
        if project is not None:
            ls.schedule_project_wide(project)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SsotServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)
        if on_disk(params.text_document.uri) and (path := to_fs_path(params.text_document.uri)) is not None:
            ls.recheck_others(params.text_document.uri, path)  # its file, not its unsaved text, is the project again

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SsotServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        python = [path for change in params.changes if change.uri.endswith(".py") and on_disk(change.uri) and (path := to_fs_path(change.uri))]
        if python:
            ls.disk.add(python)  # followed once the reports pause
        rest = [change.uri for change in params.changes if not change.uri.endswith(".py")]
        if any(uri.endswith(".toml") for uri in rest):
            ls.reload(force=ls.projects.reads(rest))
        elif rest:  # the baseline: read again by the next check of each buffer and of each project
            for document in ls.open_documents():
                ls.lint(document.uri)
            for project in ls.open_projects().values():
                ls.schedule_project_wide(project, stale=True)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: SsotServer, params: lsp.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=KINDS))
    async def code_action(ls: SsotServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return await ls.code_actions(params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: SsotServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return ls.hover(params)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: SsotServer, params: Any) -> None:
        ls.stop_jobs()

    return server


def serve(stdin: Any = None, stdout: Any = None) -> None:
    """Speak LSP on the given binary streams (default: this process's real stdin and stdout;
    anything else printed goes to stderr, so a stray print cannot corrupt the protocol)."""
    stdin = stdin or sys.__stdin__.buffer  # type: ignore[union-attr]
    stdout = stdout or sys.__stdout__.buffer  # type: ignore[union-attr]
    sys.stdout = sys.stderr
    # The protocol is read from sys.__stdin__ by a thread that blocks holding its lock; a worker
    # process forked meanwhile (verifying a fix summarises files in workers) closes sys.stdin
    # first thing and would wait on that lock forever. It gets a stdin of its own to close.
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the server's lifetime
    forbid_workers()  # and no fork at all beside the protocol's threads: the project job forks, in its own process
    server = build()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: _exit_on_signal(server, signum))  # editors end servers this way
    try:
        server.start_io(stdin, stdout)  # returns on `exit`, at the end of stdin, on a lost client
    finally:
        server.stop_jobs()


def _exit_on_signal(server: SsotServer, signum: int) -> None:
    """End the project-wide checks and the process, at once. Not by raising SystemExit: pygls
    swallows it and then waits for its stdin reader thread, blocked reading while the client
    keeps the pipe open. Not ``stop_jobs``: the buffer checks' thread ends with the process, and
    shutting its pool down here could wait on a lock the interrupted code holds."""
    server.wide.stop()
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, RuntimeError, ValueError):  # closed, or interrupted mid-write (a reentrant flush)
            pass
    os._exit(128 + signum)


__all__ = ["build", "serve"]
