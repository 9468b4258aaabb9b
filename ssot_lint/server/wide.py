"""The project-wide findings the server shows, per project: found by one check at a time in a
child process (``project_job``) over the whole project with the open buffers in place of their
files, and kept until the next.

What a check finds is shown only if nothing it was run with changed while it ran: the rules, the
baseline or the settings (``Job.generation``; such a check is ended, and the next one runs). A
project with no project-wide rule left, or with the ``projectWide`` setting off, shows none: its
findings are dropped and its documents published again.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp

from ssot_lint import api
from ssot_lint.model import Finding
from ssot_lint.server.project_job import Job, kill_job, run_job
from ssot_lint.server.projects import project_key

# What a check runs with, taken when it starts: the open buffers of the project by path, their
# versions by URI, and whether the baseline applies.
Snapshot = tuple[dict[str, str], dict[str, int | None], bool]


class ProjectWide:
    def __init__(self, log: Callable[[str, lsp.MessageType], None], changed: Callable[[str], None]) -> None:
        self.found: dict[str, dict[str, list[Finding]]] = {}  # project key -> display path -> findings
        # What each check read of the open documents (uri -> version): a finding is where the
        # buffer now is only while the buffer is the text that check read.
        self.read: dict[str, dict[str, int | None]] = {}
        self.jobs: dict[str, Job] = {}
        self._log = log
        self._changed = changed  # a project's findings changed: publish its documents

    def findings(self, key: str, shown: str) -> list[Finding]:
        return self.found.get(key, {}).get(shown, [])

    def closed(self, uri: str) -> None:
        """Reopened, the document may hold other text than the checks read."""
        for versions in self.read.values():
            if uri in versions:
                versions[uri] = None

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
            buffers, versions, baseline = snapshot()
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
                    self.read[key] = versions
                    self._changed(key)
            if not job.again:
                return

    def stop(self) -> None:
        """End every running check and the worker processes it forked: killing the job alone
        would leave its workers behind."""
        for job in self.jobs.values():
            job.again = False
            if job.process is not None and job.process.returncode is None:
                kill_job(job.process.pid)
