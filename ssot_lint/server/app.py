"""The language server's state and what it publishes (``SsotServer``): each open buffer's
per-file findings (checked from the buffer, only its newest version: ``newest``), each project's
project-wide findings (``wide``) followed from the disk (``disk``), the diagnostics of both (an
unsafe fix's saying why it is unsafe: ``notes``, ``prepared``), a broken config or rule file's
diagnostic, the settings, and the code actions and hover over them. The protocol's handlers,
thin over these, are ``handlers``'.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ssot_lint import __version__, api
from ssot_lint.errors import ConfigError
from ssot_lint.model import UNSAFE, Finding
from ssot_lint.report import plural
from ssot_lint.server.actions import Buffer, code_actions
from ssot_lint.server.digests import buffers_digest, text_digest
from ssot_lint.server.disk import Changes, affected
from ssot_lint.server.edits import diagnostic, line_diagnostic
from ssot_lint.server.hover import hover as explain_at
from ssot_lint.server.newest import Checked, Newest
from ssot_lint.server.notes import Notes, noted, unsafe_notes
from ssot_lint.server.positions import UTF16, Lines
from ssot_lint.server.prepared import Shown, prepare, reading_rules
from ssot_lint.server.projects import Projects, error_location, on_disk, project_key, python_file
from ssot_lint.server.wide import ProjectWide, Snapshot

# Seconds of quiet after an edit before the project's other open buffers are checked again:
# typing stays as fast as one buffer's check, and their diagnostics follow within a moment.
RECHECK_OTHERS_AFTER = 0.3
# Seconds of quiet after a buffer's check before why its unsafe fixes are unsafe is worked out:
# that fixes the whole text (several times a check), and the next keystroke's check would wait for it.
NOTES_AFTER = 1.0
# What the worker's queue calls a project's preparation (``prepared``): no URI starts so.
PREPARING = "\0prepare:"


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
        # Why each project-wide finding's unsafe fix is unsafe (``prepared``), by URI, with the
        # digest of the buffer text they were worked out for.
        self.wide_notes: dict[str, tuple[bytes, Notes]] = {}
        self.disk = Changes(self.follow_disk)
        self.notes_stale: set[str] = set()  # URIs whose notes may depend on files changed on disk

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
                known = self.per_file.get(uri) if uri not in self.notes_stale else None
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
            if checked.notes is not None:
                self.notes_stale.discard(uri)
            self.publish(uri)

    def recheck_others(self, uri: str, path: str) -> None:
        """Check the other open buffers of ``path``'s project again once edits pause: whether
        their import fixes verify (a diagnostic's fixability, the fixes offered) depends on what
        this buffer (or, once closed, its file) defines and imports."""
        project = self.project_of(path)
        if project is not None:
            self.recheck(project, but=uri)

    def recheck(self, project: api.Project, but: str | None = None, disk: bool = False) -> None:
        """Check the open buffers of ``project`` with a fixable finding again (but ``but``) once
        edits pause; ``disk``: files changed on disk, so why their unsafe fixes are unsafe is
        worked out again too."""
        key = project_key(project)
        fixable = {r.id for r in project.rules.rules if r.fixable}
        for document in self.open_documents():
            checked = self.per_file.get(document.uri)
            if document.uri == but or checked is None or not any(f.rule_id in fixable for f in checked.findings):
                continue
            if (theirs := self.project_of(document.path)) is not None and project_key(theirs) == key:
                if disk:
                    self.notes_stale.add(document.uri)
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
        wide = self.wide_of(uri)
        diagnostics = [diagnostic(f, lines, encoding) for f in checked.findings + wide]
        if project is not None:
            shown = project.shown(document.path)
            known = self.wide_notes.get(uri)
            current = known is not None and known[0] == text_digest(document.source) and self.wide.current(project_key(project), uri, document.source)
            wide_notes = known[1] if known is not None and current else None
            # Each finding with an unsafe fix says why, once known: per-file ones, then project-wide ones.
            for index, (finding, notes) in enumerate([(f, checked.notes) for f in checked.findings] + [(f, wide_notes) for f in wide]):
                if finding.applicability == UNSAFE and notes is not None:
                    why = notes.get((finding.rule_id, finding.line, finding.col))
                    diagnostics[index] = noted(diagnostics[index], why, self.unsafe_fixes, uri, lines, shown, encoding)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=checked.version))

    def closed(self, uri: str) -> None:
        """Forget what was known of a closed document, and clear its diagnostics."""
        for known in (self.per_file, self.wide_notes):
            known.pop(uri, None)
        self.notes_stale.discard(uri)
        self.checks.forget(uri)
        self.wide.closed(uri)
        if uri in self.error_uris:
            self.publish_config_errors()  # closed, a broken config file is still broken
        else:
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

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
        if self.project_wide and self.projects.in_error(project_key(project)):
            return  # the job reads the config from disk, and would end with its error: ``reload`` checks once it loads
        self.wide.schedule(project, self.project_wide, self.snapshot, stale)

    def snapshot(self) -> Snapshot:
        """What a project-wide check runs with: the open buffers by path and by URI, the baseline setting."""
        documents = [d for d in self.open_documents() if self.project_of(d.path) is not None]
        return {d.path: d.source for d in documents}, {d.uri: d.source for d in documents}, self.baseline

    def documents_of(self, key: str) -> list[Any]:
        """The open documents of the project ``key``."""
        return [d for d in self.open_documents() if (p := self.project_of(d.path)) is not None and project_key(p) == key]

    def publish_project(self, key: str) -> None:
        """A project-wide check has published: its documents show what it found; what the code
        actions read of the project is read again (files may have changed on disk since), in
        the background with why its unsafe fixes are unsafe (``prepared``)."""
        self.views.pop(key, None)
        for document in self.documents_of(key):
            self.wide_notes.pop(document.uri, None)
            self.publish(document.uri)
        self.checks.request(PREPARING + key, lambda ticket: self._prepare(key, ticket), 0.0)

    async def _prepare(self, key: str, ticket: int) -> None:
        project = self.open_projects().get(key)
        if project is None:
            return
        documents: list[Shown] = []
        for document in self.documents_of(key):
            rules, unsafe = reading_rules(project, self.wide_of(document.uri, current=True))
            if rules:
                others = self.other_buffers(document.uri, project)
                documents.append(Shown(document.uri, document.version, document.path, document.source, others, rules, unsafe))
        if not documents:
            return  # no code action reads the project: nothing to prepare
        view = self.views.setdefault(key, api.ProjectView())
        try:
            found = await self.checks.run(PREPARING + key, ticket, lambda: prepare(project, documents, view))
        except Exception as exc:  # a code action reads it again, and says why it cannot
            self.log(f"{key}: reading the project for its fixes failed: {type(exc).__name__}: {exc}", lsp.MessageType.Error)
            return
        for document in documents:
            if found is not None and document.uri in found:
                self.wide_notes[document.uri] = (text_digest(document.text), found[document.uri])
                self.publish(document.uri)

    async def follow_disk(self, paths: set[str]) -> None:
        """Files changed on disk (``disk``): the projects whose check reads one of them are
        checked again (their project-wide findings, and the open buffers whose fixes are verified
        against other files), what their code actions read of them is read again."""
        open_paths = {api.absolute_path(d.path) for d in self.open_documents()}
        paths = {path for path in paths if api.absolute_path(path) not in open_paths}  # the buffer is the editor's truth
        if not paths:
            return
        api.forget_files(paths)
        projects = self.open_projects()
        for key in await asyncio.to_thread(affected, projects, paths):
            self.views.pop(key, None)
            if self.project_wide and projects[key].project_wide_ids:
                self.log(f"{plural(len(paths), 'file')} changed on disk: checking the project-wide rules of {key} again", lsp.MessageType.Log)
            self.schedule_project_wide(projects[key], stale=True)
            self.recheck(projects[key], disk=True)

    def stop_jobs(self) -> None:
        """End the buffer checks and every project-wide check (on shutdown, on exit, when the client goes away)."""
        self.checks.close()
        self.disk.close()
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
