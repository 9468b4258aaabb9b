"""``ssot-lint server``: the language server (LSP over stdin/stdout, built on pygls).

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

Documents are synchronised whole (``TextDocumentSyncKind.Full``): pygls applies incremental
edits by ``str.splitlines``, which breaks lines at characters LSP does not (U+2028, form feed),
and a buffer out of step with the editor would put fixes in the wrong place.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ssot_lint import __version__, api
from ssot_lint.errors import ConfigError
from ssot_lint.model import UNSAFE, Finding
from ssot_lint.run.parallel import forbid_workers
from ssot_lint.server.actions import KINDS, Buffer, code_actions
from ssot_lint.server.digests import buffers_digest
from ssot_lint.server.edits import SOURCE, diagnostic, line_diagnostic
from ssot_lint.server.hover import hover as explain_at
from ssot_lint.server.newest import DEBOUNCE, Checked, Newest
from ssot_lint.server.notes import noted, unsafe_notes
from ssot_lint.server.positions import UTF16, Lines
from ssot_lint.server.projects import Projects, error_location, on_disk, project_key, python_file
from ssot_lint.server.wide import ProjectWide, Snapshot

log = logging.getLogger("ssot_lint.server")
WATCHED = ("**/*.toml", "**/.ssot-baseline.json")
# Seconds of quiet after an edit before the project's other open buffers are checked again:
# typing stays as fast as one buffer's check, and their diagnostics follow within a moment.
RECHECK_OTHERS_AFTER = 0.3
# Seconds of quiet after a buffer's check before why its unsafe fixes are unsafe is worked out:
# that fixes the whole text (several times a check), and the next keystroke's check would wait for it.
NOTES_AFTER = 1.0


class SsotServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ssot-lint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.projects = Projects()
        self.baseline = True
        self.project_wide = True
        self.unsafe_fixes = False  # offer unsafe fixes as code actions (the client's "unsafeFixes")
        self.per_file: dict[str, Checked] = {}  # uri -> findings from the buffer
        self.checks = Newest()
        self.wide = ProjectWide(self.log, self.publish_project)
        self.error_uris: set[str] = set()
        # What each project's code actions read of the whole project (a declared-deprecation
        # fix reads every module's declarations), kept until a project-wide check has run again.
        self.views: dict[str, api.ProjectView] = {}

    # -- helpers -----------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        value = self.workspace.position_encoding or UTF16
        return str(getattr(value, "value", value))

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=f"ssot-lint: {message}"))

    def open_documents(self) -> list[Any]:
        """The open documents that are files (``file:`` URIs): only those are checked."""
        return [d for d in self.workspace.text_documents.values() if on_disk(d.uri)]

    def project_of(self, path: str) -> api.Project | None:
        project = self.projects.for_file(path).project
        if project is None or not project.rules.rules or not project.includes(path):
            return None
        return project

    def other_buffers(self, uri: str, project: api.Project) -> dict[api.PathLike, str | bytes]:
        """The open documents of ``project`` but ``uri``, by path: what a fix offered in the
        editor is verified against in place of their files (the project as the editor shows it)."""
        key = project_key(project)
        others: dict[api.PathLike, str | bytes] = {}
        for document in self.open_documents():
            if document.uri != uri and (their := self.project_of(document.path)) is not None and project_key(their) == key:
                others[document.path] = document.source
        return others

    def wide_of(self, uri: str, current: bool = False) -> list[Finding]:
        """The buffer's project-wide findings from the last project-wide check, which stay where
        they were until the next (on save); ``current``: only while the buffer is the text that
        check read (their positions are the buffer's now), for edits made at them."""
        document = self.workspace.get_text_document(uri)
        project = self.project_of(document.path) if on_disk(uri) else None
        wide = self.wide.findings(project_key(project), project.shown(document.path)) if project else []
        if current and wide and project is not None and not self.wide.current(project_key(project), uri, document.source):
            wide = []
        return wide

    def findings_of(self, uri: str) -> list[Finding]:
        """The buffer's findings as shown: its per-file ones (from its last check) and its project-wide ones."""
        checked = self.per_file.get(uri)
        return (checked.findings if checked else []) + self.wide_of(uri)

    # -- diagnostics -------------------------------------------------------------------------
    def lint(self, uri: str, delay: float = 0.0) -> None:
        """Check the buffer at ``uri`` again, once: its newest version, after ``delay`` s of quiet.
        Only a Python file: the diagnostics of another (a config or rule file) are its config
        errors (``publish_config_errors``), which a check of it would replace with none."""
        path = to_fs_path(uri) if on_disk(uri) else None
        if path is not None and uri not in self.error_uris and (python_file(path) or self.project_of(path) is not None):
            self.checks.request(uri, lambda ticket: self._lint(uri, ticket), delay)

    async def _lint(self, uri: str, ticket: int) -> None:
        if uri not in self.workspace.text_documents:
            return
        document = self.workspace.get_text_document(uri)
        version, text, path = document.version, document.source, document.path
        project = self.project_of(path)
        checked = Checked(version, text, [], {})
        try:
            if project is not None:
                others, baseline = self.other_buffers(uri, project), self.baseline
                findings = await self.checks.run(uri, ticket, lambda: api.check_source(path, text, config=project, baseline=baseline, buffers=others))
                if findings is None:
                    return  # superseded: a newer version, or other settings, is checked instead
                checked = Checked(version, text, findings, {})
                unsafe = any(f.applicability == UNSAFE for f in findings)
                read = buffers_digest(others) if unsafe else b""
                known = self.per_file.get(uri)
                if unsafe and known is not None and (notes := known.notes_for(text, findings, read)) is not None:
                    checked = Checked(version, text, findings, notes, read)  # checked again, nothing they depend on changed
                elif unsafe:  # shown now; why each fix is unsafe (a fix of the whole text: seconds) once typing pauses
                    # Only other buffers changed: the last notes stay shown meanwhile, not a note gone and back.
                    kept = known if known is not None and known.notes is not None and (known.text, known.findings) == (text, findings) else None
                    self.per_file[uri] = Checked(version, text, findings, kept.notes, kept.others) if kept else Checked(version, text, findings)
                    self.publish(uri)
                    await asyncio.sleep(NOTES_AFTER)
                    notes = await self.checks.run(uri, ticket, lambda: unsafe_notes(project, path, text, findings, others))
                    if notes is None:
                        return
                    checked = Checked(version, text, findings, notes, read)
        except ConfigError as error:  # a malformed baseline file
            self.log(str(error), lsp.MessageType.Error)
        except Exception as exc:  # the last diagnostics stay; the log says why none follow
            self.log(f"{path}: check failed: {type(exc).__name__}: {exc}", lsp.MessageType.Error)
            return
        if self.checks.newest(uri, ticket):
            self.per_file[uri] = checked
            self.publish(uri)

    def recheck_others(self, uri: str, path: str) -> None:
        """Check the other open buffers of ``path``'s project again once edits pause: whether
        their import fixes verify (a diagnostic's fixability, the fixes offered) depends on what
        this buffer (or, once closed, its file) defines and imports."""
        project = self.project_of(path)
        if project is None:
            return
        key = project_key(project)
        fixable = {r.id for r in project.rules.rules if r.fixable}
        for document in self.open_documents():
            checked = self.per_file.get(document.uri)
            if document.uri == uri or checked is None or not any(f.rule_id in fixable for f in checked.findings):
                continue
            if (theirs := self.project_of(document.path)) is not None and project_key(theirs) == key:
                self.lint(document.uri, RECHECK_OTHERS_AFTER)

    def publish(self, uri: str) -> None:
        """The buffer's diagnostics, for the version its per-file findings were found in (none
        before its first check: that check publishes them)."""
        checked = self.per_file.get(uri)
        if uri not in self.workspace.text_documents or checked is None:
            return
        document = self.workspace.get_text_document(uri)
        project = self.project_of(document.path)
        lines, encoding = Lines(checked.text), self.encoding
        diagnostics = [diagnostic(f, lines, encoding) for f in self.findings_of(uri)]
        if checked.notes is not None and project is not None:
            shown = project.shown(document.path)
            for index, finding in enumerate(checked.findings):
                if finding.applicability == UNSAFE:
                    why = checked.notes.get((finding.rule_id, finding.line, finding.col))
                    diagnostics[index] = noted(diagnostics[index], why, self.unsafe_fixes, uri, lines, shown, encoding)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=checked.version))

    def publish_config_errors(self) -> None:
        """One diagnostic per broken config or rule file, at its line; cleared once it loads."""
        now: dict[str, list[lsp.Diagnostic]] = {}
        for entry in self.projects.entries():
            if entry.error is None:
                continue
            location = error_location(entry.error)
            if location is None:
                self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"ssot-lint: {entry.error}"))
                continue
            path, line = location
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            item = line_diagnostic(text, line, entry.error.message, self.encoding)
            found = now.setdefault(from_fs_path(path) or path, [])
            if item not in found:
                found.append(item)
        for uri in self.error_uris - now.keys():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diagnostics in now.items():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        self.error_uris = set(now)

    def open_projects(self) -> dict[str, api.Project]:
        """The projects of the open documents, by key."""
        return {project_key(p): p for p in (self.project_of(d.path) for d in self.open_documents()) if p is not None}

    def reload(self, force: bool) -> None:
        changed = self.projects.refresh(force)
        self.publish_config_errors()
        if not changed:
            return
        self.views.clear()
        for document in self.open_documents():
            self.lint(document.uri)
        for project in self.open_projects().values():
            self.schedule_project_wide(project, stale=True)

    # -- project-wide rules ------------------------------------------------------------------
    def schedule_project_wide(self, project: api.Project, stale: bool = False) -> None:
        self.wide.schedule(project, self.project_wide, self.snapshot, stale)

    def snapshot(self) -> Snapshot:
        """What a project-wide check runs with: the open buffers by path and by URI, the baseline setting."""
        documents = [d for d in self.open_documents() if self.project_of(d.path) is not None]
        return {d.path: d.source for d in documents}, {d.uri: d.source for d in documents}, self.baseline

    def publish_project(self, key: str) -> None:
        self.views.pop(key, None)  # files may have changed on disk since the actions read them
        for document in self.open_documents():
            if (p := self.project_of(document.path)) is not None and project_key(p) == key:
                self.publish(document.uri)

    def stop_jobs(self) -> None:
        """End the buffer checks and every project-wide check (on shutdown, on exit, when the client goes away)."""
        self.checks.close()
        self.wide.stop()

    # -- code actions and hover ----------------------------------------------------------------
    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """The actions for the version of the buffer the client has: from its last check when that
        was of this version, else from a check of it now (an edit made at positions found in an
        earlier version would land on other code)."""
        document = self.workspace.get_text_document(params.text_document.uri)
        project = self.project_of(document.path) if on_disk(document.uri) else None
        if project is None:
            return []
        buffer = Buffer(document.path, document.source, document.uri, document.version)
        lines, encoding = Lines(buffer.text), self.encoding
        first = lines.to_finding(params.range.start.line, params.range.start.character, encoding)
        last = lines.to_finding(params.range.end.line, params.range.end.character, encoding)
        checked, wide = self.per_file.get(buffer.uri), self.wide_of(buffer.uri, current=True)
        others, baseline, unsafe = self.other_buffers(buffer.uri, project), self.baseline, self.unsafe_fixes
        view = self.views.setdefault(project_key(project), api.ProjectView())
        refused: list[str] = []

        def actions() -> list[lsp.CodeAction]:
            if checked is not None and (checked.version, checked.text) == (buffer.version, buffer.text):
                findings = checked.findings
            else:
                findings = api.check_source(buffer.path, buffer.text, config=project, baseline=baseline, buffers=others)
            return code_actions(project, buffer, findings + wide, (first, last), params.context.only, encoding, unsafe, refused.append, others, view)

        offered = await self.checks.call(actions)
        for message in refused:  # logged from the event loop: the protocol is written from there
            self.log(message)
        return offered

    def configure(self, settings: Any, initial: bool = False) -> None:
        """Apply the client's settings (``initializationOptions``, or ``workspace/didChangeConfiguration``'s
        ``settings``): the keys at the top level or under an ``ssot-lint`` section. A key not
        given keeps its value; a changed ``baseline`` checks the open documents and their
        projects again, a changed ``projectWide`` checks the projects or drops their findings."""
        if not isinstance(settings, dict):
            return
        section = settings.get("ssot-lint")
        options = {**settings, **section} if isinstance(section, dict) else settings
        before = (self.baseline, self.project_wide, self.unsafe_fixes)
        self.baseline = self._flag(options, "baseline", self.baseline)
        self.project_wide = self._flag(options, "projectWide", self.project_wide)
        self.unsafe_fixes = self._flag(options, "unsafeFixes", self.unsafe_fixes)
        if initial:
            return
        if before[0] != self.baseline:
            for document in self.open_documents():
                self.lint(document.uri)
        if before[:2] != (self.baseline, self.project_wide):
            for project in self.open_projects().values():
                self.schedule_project_wide(project, stale=True)
        if before[2] != self.unsafe_fixes:  # the diagnostics say whether an unsafe fix is offered
            for document in self.open_documents():
                self.publish(document.uri)

    def _flag(self, options: dict[str, Any], key: str, current: bool) -> bool:
        """A boolean setting: only JSON's true and false. Anything else (the string "false"
        would be truthy) keeps the current value, and the log says so: a setting that turns
        unsafe fixes on must not be turned on by a typo."""
        value = options.get(key, current)
        if isinstance(value, bool):
            return value
        self.log(f"setting {key!r} must be true or false, not {json.dumps(value)}: kept {json.dumps(current)}", lsp.MessageType.Warning)
        return current

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        document = self.workspace.get_text_document(params.text_document.uri)
        project = self.project_of(document.path) if on_disk(document.uri) else None
        if project is None:
            return None
        return explain_at(project, self.findings_of(document.uri), Lines(document.source), params.position, self.encoding)


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
            registration = lsp.Registration(id="ssot-lint-config", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
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
        ls.per_file.pop(params.text_document.uri, None)
        ls.checks.forget(params.text_document.uri)
        ls.wide.closed(params.text_document.uri)
        if params.text_document.uri in ls.error_uris:
            ls.publish_config_errors()  # closed, a broken config file is still broken
        else:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        if on_disk(params.text_document.uri) and (path := to_fs_path(params.text_document.uri)) is not None:
            ls.recheck_others(params.text_document.uri, path)  # its file, not its unsaved text, is the project again

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SsotServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith(".toml") for change in params.changes):
            ls.reload(force=ls.projects.reads(change.uri for change in params.changes))
        else:  # the baseline: read again by the next check of each buffer and of each project
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


__all__ = ["SOURCE", "SsotServer", "build", "serve"]
