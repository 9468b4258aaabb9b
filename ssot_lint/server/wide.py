"""The project-wide findings the server shows, per project: found by one check at a time in a
child process (``project_job``) over the whole project with the open buffers in place of their
files, and kept until the next.

What a check finds is shown only if nothing it was run with changed while it ran: the rules, the
baseline or the settings (``Job.generation``; such a check is ended, and the next one runs). A
project with no project-wide rule left, or with the ``projectWide`` setting off, shows none: its
findings are dropped and its documents published again.

Its findings stay shown until the next check, at the lines where it found them; an edit is made
at them (a code action) only while the buffer holds the text the check read (``current``), by a
digest of that text: a document closed and reopened counts its versions from the start again,
so a version number would match a buffer holding other text.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp

from ssot_lint import api
from ssot_lint.model import Finding
from ssot_lint.server.digests import text_digest
from ssot_lint.server.project_job import Job, kill_job, run_job
from ssot_lint.server.projects import project_key

# What a check runs with, taken when it starts: the open buffers of the project by path, the same
# texts by URI, and whether the baseline applies.
Snapshot = tuple[dict[str, str], dict[str, str], bool]


class ProjectWide:
    def __init__(self, log: Callable[[str, lsp.MessageType], None], changed: Callable[[str], None]) -> None:
        self.found: dict[str, dict[str, list[Finding]]] = {}  # project key -> display path -> findings
        # What the last check of each project read of each document (uri -> digest of its text):
        # an open buffer's text, else its file, as a document opened since showed it.
        self.read: dict[str, dict[str, bytes]] = {}
        self.opened_with: dict[str, bytes] = {}  # uri -> digest of the text the open document opened with
        self.jobs: dict[str, Job] = {}
        self._log = log
        self._changed = changed  # a project's findings changed: publish its documents

    def findings(self, key: str, shown: str) -> list[Finding]:
        return self.found.get(key, {}).get(shown, [])

    def current(self, key: str, uri: str, text: str) -> bool:
        """Whether the buffer at ``uri`` holds the text the last check of the project read: its
        findings are where they were found, and an edit made at them lands where it should."""
        read = self.read.get(key, {}).get(uri)
        return read is not None and read == text_digest(text)

    def opened(self, uri: str, text: str) -> None:
        """A document opened with ``text``: a check that did not read it as a buffer read its file,
        which is what the document opened with (a file changed by another program meanwhile
        counts from the next check, as on save)."""
        digest = self.opened_with[uri] = text_digest(text)
        for read in self.read.values():
            read.setdefault(uri, digest)  # open before, closed and reopened: what it read then stays

    def closed(self, uri: str) -> None:
        self.opened_with.pop(uri, None)

    def schedule(self, project: api.Project, enabled: bool, snapshot: Callable[[], Snapshot], stale: bool = False) -> None:
        """Check the project-wide rules of ``project`` (again), unless ``enabled`` is off or it has
        none: then its findings go. ``stale``: what a check running now finds is out of date."""
        key = project_key(project)
        job = self.jobs.setdefault(key, Job())
        off = not enabled or not project.project_wide_ids
        if stale or off:
            job.generation += 1
            if job.process is not None and job.process.returncode is None:
                kill_job(job.process.pid)
        if off:
            job.again = False
            self.read.pop(key, None)
            if self.found.pop(key, None):
                self._changed(key)
            return
        if job.task is not None and not job.task.done():
            job.again = True
            return
        job.task = asyncio.ensure_future(self._run(project, job, snapshot))

    async def _run(self, project: api.Project, job: Job, snapshot: Callable[[], Snapshot]) -> None:
        key = project_key(project)
        while True:
            job.again = False
            generation = job.generation
            buffers, texts, baseline = snapshot()
            read = {uri: text_digest(text) for uri, text in texts.items()}
            config = str(project.config.path) if project.config.path else None
            request: dict[str, Any] = {"root": str(project.root), "config": config, "buffers": buffers, "baseline": baseline, "server": os.getpid()}
            try:
                answer = await run_job(request, job)
            except Exception as exc:  # a crashed or killed child: keep the last results
                if job.generation == generation:  # not ended on purpose
                    self._log(f"project-wide check failed: {exc}", lsp.MessageType.Error)
                answer = None
            if answer is not None and job.generation == generation:
                if "error" in answer:
                    self._log(answer["error"], lsp.MessageType.Error)
                else:
                    for warning in answer.get("warnings", []):
                        self._log(f"warning: {warning}", lsp.MessageType.Warning)
                    grouped: dict[str, list[Finding]] = {}
                    for item in answer["findings"]:
                        finding = Finding(**item)
                        grouped.setdefault(finding.path, []).append(finding)
                    self.found[key] = grouped
                    # Documents opened while it ran are not in the snapshot: it read their files.
                    self.read[key] = {**self.opened_with, **read}
                    self._changed(key)
            if not job.again:
                return

    def stop(self) -> None:
        """End every running check and the worker processes it forked: killing the job alone
        would leave its workers behind."""
        for job in self.jobs.values():
            job.again = False
            job.generation += 1  # ended on purpose: not a check that failed
            if job.process is not None and job.process.returncode is None:
                kill_job(job.process.pid)
