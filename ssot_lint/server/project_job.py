"""The language server's project-wide check, run in a child process: ``run_job`` is the
server's side (it starts this module with ``-m``), ``main`` the child's.

The server sends one JSON request on stdin: the project's root and config file, the open
buffers (path -> text), and whether the baseline applies. This process runs ``ssot_lint.check``
over the whole project with those buffers in place of the files (every other file's result
comes from the result cache) and prints one JSON object: the findings of the project-wide rules
and the run's warnings, or the one-line error. A child process because the check forks its own
worker processes (which a multi-threaded server must not do) and because a crash in it must
not take the editor's diagnostics down with it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ssot_lint import api
from ssot_lint.errors import EXIT_USAGE, ConfigError
from ssot_lint.lifetime import die_with_parent

T = TypeVar("T")
KILL_GROUP = hasattr(os, "killpg")


def kill_job(pid: int) -> None:
    """Kill a project job's process group (it leads one: ``start_new_session``), else the job."""
    try:
        if KILL_GROUP:
            os.killpg(pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows: no process groups to kill
            os.kill(pid, signal.SIGTERM)
    except OSError:
        pass  # already gone


@dataclass
class Job:
    """The project-wide check of one project, seen from the server: at most one runs; a save
    during it asks for one more. ``generation`` counts the changes (rules, baseline, settings)
    that make what a running check finds out of date: its findings are shown only if none came."""

    task: asyncio.Task[None] | None = None
    process: subprocess.Popen[bytes] | None = None
    again: bool = False
    generation: int = 0


async def run_job(request: dict[str, Any], job: Job) -> dict[str, Any] | None:
    """Run one project-wide check in a child process (this module, ``-m``): the request in, the
    answer out; the child leads its own process group, so ``kill_job`` ends its workers too.

    Not asyncio's subprocess transport: a task cancelled while it connects a new child's pipes
    waits for them forever (CPython gh-103847), and the end of stdin (or ``exit``) cancels every
    task, so a server whose stdin closed as a job started never ended. ``Popen`` returns once the
    child runs (asyncio calls it the same way), and a thread of the job's own talks to it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ssot_lint.server.project_job"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=request["root"],
        start_new_session=KILL_GROUP,  # its own process group: the job and the workers it forks end together
    )
    job.process = process
    data = json.dumps(request, ensure_ascii=True).encode("ascii")
    try:
        out, err = await _in_thread(lambda: process.communicate(data))
    except asyncio.CancelledError:  # the server is ending (exit, the end of stdin): so does the job
        kill_job(process.pid)
        raise
    finally:
        job.process = None
    if process.returncode not in (0, 2):
        raise RuntimeError(f"exit code {process.returncode}: {err.decode(errors='replace').strip()[-2000:]}")
    return json.loads(out)


def _in_thread(work: Callable[[], T]) -> asyncio.Future[T]:
    """``work()`` in a daemon thread of its own: nothing waits for it when the server ends (a
    killed job's pipes close at once; the default executor would be waited for at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(outcome: Callable[[], None]) -> None:
        try:
            loop.call_soon_threadsafe(lambda: None if future.done() else outcome())
        except RuntimeError:  # the loop is closed: the server ended, nobody waits for the answer
            pass

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting task, whatever it is
            failure = exc
            deliver(lambda: future.set_exception(failure))
        else:
            deliver(lambda: future.set_result(result))

    threading.Thread(target=run, name="ssot-project-job", daemon=True).start()
    return future


def run(request: dict[str, Any]) -> dict[str, Any]:
    root = request["root"]
    os.chdir(root)  # paths in findings and messages are shown relative to the project root
    project = api.load_project(request.get("config"), cwd=root)
    result = api.check(config=project, buffers=request.get("buffers") or {}, baseline=bool(request.get("baseline", True)))
    wide = project.project_wide_ids
    findings = [dataclasses.asdict(f) for f in result.findings if f.rule_id in wide]
    return {"findings": findings, "warnings": result.warnings, "files": result.report.stats.get("files", 0)}


def main() -> int:
    die_with_parent()  # the server: killed or crashed, it leaves no check running for nobody
    try:
        request = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
        if request.get("server", os.getppid()) != os.getppid():
            return 1  # the server died before this process could ask to die with it
        answer = run(request)
    except ConfigError as exc:
        answer, code = {"error": str(exc)}, EXIT_USAGE
    else:
        code = 0
    sys.stdout.write(json.dumps(answer, ensure_ascii=True))
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
