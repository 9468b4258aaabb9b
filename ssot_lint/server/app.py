"""``ssot-lint server``: the language server (LSP over stdin/stdout, built on pygls).

- **Per-file rules on open and change**, from the editor's buffer (``api.check_source``), with
  the baseline applied as ``ssot-lint check`` applies it (initialization option
  ``{"baseline": false}`` shows every finding).
- **Project-wide rules on save** (and when a project's first document opens): ``api.check`` over
  the whole project with the open buffers in place of their files, in a child process
  (``project_job``); unchanged files come from the result cache. Their findings stay on the
  documents until the next save.
- **Code actions** (``actions``): for a finding with a safe fix, its rule's fix over the file
  (the checks ``ssot-lint fix`` makes, or no action), for one with an unsafe fix the same only
  when the client sets ``unsafeFixes`` (titled ``(unsafe)``); for every finding, a
  ``# ssot: ignore[ID]`` comment that is checked to leave the syntax tree as it was;
  ``source.fixAll.ssot-lint`` for the file (safe fixes, unless ``unsafeFixes``).
- **Settings**: ``baseline``, ``projectWide``, ``unsafeFixes``, from ``initializationOptions``
  and ``workspace/didChangeConfiguration`` (top level or under ``ssot-lint``).
- **Only files** (``file:`` URIs): an ``untitled:`` document is not checked (one log line says so).
- **Hover** on a finding: the rule's explanation (``ssot-lint rules --explain ID``).
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
from ssot_lint.model import PARSE_ERROR_ID, Finding
from ssot_lint.run.parallel import forbid_workers
from ssot_lint.server.actions import KINDS, Buffer, code_actions
from ssot_lint.server.edits import SOURCE, diagnostic, finding_range, line_diagnostic
from ssot_lint.server.positions import UTF16, Lines
from ssot_lint.server.project_job import Job, kill_job, run_job
from ssot_lint.server.projects import Projects, error_location, on_disk, project_key

log = logging.getLogger("ssot_lint.server")
WATCHED = ("**/*.toml", "**/.ssot-baseline.json")
# Seconds of quiet after an edit before the project's other open buffers are checked again:
# typing stays as fast as one buffer's check, and their diagnostics follow within a moment.
RECHECK_OTHERS_AFTER = 0.3
PARSE_ERROR_HELP = "SSOT000: the file could not be analyzed (it does not decode or parse, or its analysis crashed); no rule has judged it."


class SsotServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ssot-lint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.projects = Projects()
        self.baseline = True
        self.project_wide = True
        self.unsafe_fixes = False  # offer unsafe fixes as code actions (the client's "unsafeFixes")
        self.per_file: dict[str, list[Finding]] = {}  # uri -> findings from the buffer
        self.wide: dict[str, dict[str, list[Finding]]] = {}  # project key -> display path -> findings
        # What each project-wide check read of the open documents (uri -> version), and the
        # version each document opened at: a wide finding is where the buffer now is only while
        # the buffer is the text that check read.
        self.wide_versions: dict[str, dict[str, int | None]] = {}  # project key -> uri -> version
        self.opened_at: dict[str, int | None] = {}
        self.jobs: dict[str, Job] = {}
        self.pending_rechecks: dict[str, asyncio.TimerHandle] = {}  # project key -> the other buffers' next check
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

    def findings_of(self, uri: str, current: bool = False) -> list[Finding]:
        """The buffer's findings: its per-file ones and its project-wide ones from the last
        project-wide check, which stay where they were until the next (on save); ``current``:
        only those at the buffer's positions now (the project-wide ones only while the buffer is
        the text that check read), for edits made at them."""
        document = self.workspace.get_text_document(uri)
        project = self.project_of(document.path) if on_disk(uri) else None
        wide = self.wide.get(project_key(project), {}).get(project.shown(document.path), []) if project else []
        if current and wide and project is not None:
            seen = self.wide_versions.get(project_key(project), {})
            read = seen[uri] if uri in seen else self.opened_at.get(uri)  # not open then: it read the file as opened
            if read != document.version:
                wide = []
        return self.per_file.get(uri, []) + wide

    # -- diagnostics -------------------------------------------------------------------------
    def lint(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        if not on_disk(uri):
            return
        project = self.project_of(document.path)
        findings: list[Finding] = []
        if project is not None:
            try:
                findings = api.check_source(document.path, document.source, config=project, baseline=self.baseline, buffers=self.other_buffers(uri, project))
            except ConfigError as error:  # a malformed baseline file
                self.log(str(error), lsp.MessageType.Error)
        self.per_file[uri] = findings
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

        def recheck() -> None:
            self.pending_rechecks.pop(key, None)
            for document in self.open_documents():
                if document.uri == uri or not any(f.rule_id in fixable for f in self.per_file.get(document.uri, [])):
                    continue
                if (theirs := self.project_of(document.path)) is not None and project_key(theirs) == key:
                    self.lint(document.uri)

        if (pending := self.pending_rechecks.pop(key, None)) is not None:
            pending.cancel()
        try:
            self.pending_rechecks[key] = asyncio.get_running_loop().call_later(RECHECK_OTHERS_AFTER, recheck)
        except RuntimeError:  # no event loop (called outside the server's loop): now
            recheck()

    def publish(self, uri: str) -> None:
        if uri not in self.workspace.text_documents:
            return
        document = self.workspace.get_text_document(uri)
        lines = Lines(document.source)
        diagnostics = [diagnostic(f, lines, self.encoding) for f in self.findings_of(uri)]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version))

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

    def reload(self, force: bool) -> None:
        changed = self.projects.refresh(force)
        self.publish_config_errors()
        if not changed:
            return
        self.views.clear()
        for document in self.open_documents():
            self.lint(document.uri)
        for project in {project_key(p): p for p in (self.project_of(d.path) for d in self.open_documents()) if p is not None}.values():
            self.schedule_project_wide(project)

    # -- project-wide rules ------------------------------------------------------------------
    def schedule_project_wide(self, project: api.Project) -> None:
        if not self.project_wide or not project.project_wide_ids:
            return
        job = self.jobs.setdefault(project_key(project), Job())
        if job.task is not None and not job.task.done():
            job.again = True
            return
        job.task = asyncio.ensure_future(self._project_wide(project, job))

    async def _project_wide(self, project: api.Project, job: Job) -> None:
        key = project_key(project)
        while True:
            job.again = False
            documents = [d for d in self.open_documents() if self.project_of(d.path) is not None]
            buffers = {d.path: d.source for d in documents}
            versions = {d.uri: d.version for d in documents}
            config = str(project.config.path) if project.config.path else None
            request: dict[str, Any] = {"root": str(project.root), "config": config, "buffers": buffers, "baseline": self.baseline, "server": os.getpid()}
            try:
                answer = await run_job(request, job)
            except Exception as exc:  # a crashed or killed child: keep the last results
                self.log(f"project-wide check failed: {exc}", lsp.MessageType.Error)
                answer = None
            if answer is not None:
                if "error" in answer:
                    self.log(answer["error"], lsp.MessageType.Error)
                else:
                    for warning in answer.get("warnings", []):
                        self.log(f"warning: {warning}", lsp.MessageType.Warning)
                    grouped: dict[str, list[Finding]] = {}
                    for item in answer["findings"]:
                        finding = Finding(**item)
                        grouped.setdefault(finding.path, []).append(finding)
                    self.wide[key] = grouped
                    self.views.pop(key, None)  # files may have changed on disk since it was read
                    self.wide_versions[key] = versions
                    for document in self.open_documents():
                        if (p := self.project_of(document.path)) is not None and project_key(p) == key:
                            self.publish(document.uri)
            if not job.again:
                return

    def stop_jobs(self) -> None:
        """End every running project job and the worker processes it forked (on shutdown, on
        exit, when the client goes away): killing the job alone would leave its workers behind."""
        for pending in self.pending_rechecks.values():
            pending.cancel()
        for job in self.jobs.values():
            job.again = False
            if job.process is not None and job.process.returncode is None:
                kill_job(job.process.pid)

    # -- code actions and hover ----------------------------------------------------------------
    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        document = self.workspace.get_text_document(params.text_document.uri)
        project = self.project_of(document.path) if on_disk(document.uri) else None
        if project is None:
            return []
        lines, encoding = Lines(document.source), self.encoding
        first = lines.to_finding(params.range.start.line, params.range.start.character, encoding)
        last = lines.to_finding(params.range.end.line, params.range.end.character, encoding)
        buffer = Buffer(document.path, document.source, document.uri, document.version)
        findings = self.findings_of(document.uri, current=True)  # an edit at a stale position would land on other code
        others = self.other_buffers(document.uri, project)
        view = self.views.setdefault(project_key(project), api.ProjectView())
        return code_actions(project, buffer, findings, (first, last), params.context.only, encoding, self.unsafe_fixes, self.log, others, view)

    def configure(self, settings: Any, initial: bool = False) -> None:
        """Apply the client's settings (``initializationOptions``, or ``workspace/didChangeConfiguration``'s
        ``settings``): the keys at the top level or under an ``ssot-lint`` section. A key not
        given keeps its value; a changed ``baseline`` checks the open documents again."""
        if not isinstance(settings, dict):
            return
        section = settings.get("ssot-lint")
        options = {**settings, **section} if isinstance(section, dict) else settings
        baseline = self.baseline
        self.baseline = self._flag(options, "baseline", self.baseline)
        self.project_wide = self._flag(options, "projectWide", self.project_wide)
        self.unsafe_fixes = self._flag(options, "unsafeFixes", self.unsafe_fixes)
        if not initial and baseline != self.baseline:
            for document in self.open_documents():
                self.lint(document.uri)

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
        lines = Lines(document.source)
        at = lines.to_finding(params.position.line, params.position.character, self.encoding)
        hits = [f for f in self.findings_of(document.uri) if (f.line, f.col) <= at <= (f.end_line, f.end_col)]
        if not hits:
            return None
        parts = []
        for finding in hits:
            explanation = PARSE_ERROR_HELP if finding.rule_id == PARSE_ERROR_ID else _explain(project, finding.rule_id)
            parts.append(f"**{finding.rule_id}** {finding.message}\n\n```text\n{explanation.rstrip()}\n```")
        return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, "\n\n---\n\n".join(parts)), range=finding_range(hits[0], lines, self.encoding))


def _explain(project: api.Project, rule_id: str) -> str:
    try:
        return project.explain(rule_id)
    except ConfigError as error:
        return str(error)


def build() -> SsotServer:
    server = SsotServer()

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
        ls.opened_at[params.text_document.uri] = params.text_document.version
        ls.reload(force=False)
        ls.lint(params.text_document.uri)
        project = ls.project_of(ls.workspace.get_text_document(params.text_document.uri).path)
        if project is not None and project_key(project) not in ls.jobs:
            ls.schedule_project_wide(project)  # the first document of a project: its project-wide findings too
        ls.recheck_others(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).path)  # it may open unsaved
        ls.publish_config_errors()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SsotServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)
        if on_disk(params.text_document.uri):
            ls.recheck_others(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SsotServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.reload(force=params.text_document.uri.endswith(".toml"))
        document = ls.workspace.get_text_document(params.text_document.uri)
        project = ls.project_of(document.path) if on_disk(document.uri) else None
        if project is not None:
            ls.schedule_project_wide(project)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SsotServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.per_file.pop(params.text_document.uri, None)
        ls.opened_at.pop(params.text_document.uri, None)
        for versions in ls.wide_versions.values():  # reopened, it may hold other text than that check read
            if params.text_document.uri in versions:
                versions[params.text_document.uri] = None
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        if on_disk(params.text_document.uri) and (path := to_fs_path(params.text_document.uri)) is not None:
            ls.recheck_others(params.text_document.uri, path)  # its file, not its unsaved text, is the project again

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SsotServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith(".toml") for change in params.changes):
            ls.reload(force=True)
        else:  # the baseline: read again by the next check of each buffer
            for document in ls.open_documents():
                ls.lint(document.uri)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: SsotServer, params: lsp.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=KINDS))
    def code_action(ls: SsotServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return ls.code_actions(params)

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
        signal.signal(signal.SIGTERM, _exit_on_signal)  # editors end servers this way: end the jobs too
    try:
        server.start_io(stdin, stdout)  # returns on `exit`, at the end of stdin, on a lost client
    finally:
        server.stop_jobs()


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


__all__ = ["SOURCE", "SsotServer", "build", "serve"]
