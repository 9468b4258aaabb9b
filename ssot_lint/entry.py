"""The ``ssot-lint`` executable: replay the last identical check if nothing it read has changed
(see ``ssot_lint.replay.play``), otherwise run the command line and record it."""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import NoReturn

from ssot_lint.replay import play as replay


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    started_ns = time.time_ns()  # before anything is looked at: what changes later is "racy"
    code = replay.replay(args)
    if code is not None:
        return code
    from ssot_lint.cli import main as cli
    from ssot_lint.replay import record as recording  # only now: importing the linter is most of a warm run

    with recording.recording(args, started_ns) as rec:
        exit_code: str | int | None = 0
        try:
            cli.main(args=args, obj=rec)  # the commands pass it on as their runs' observer
        except SystemExit as exc:
            exit_code = exc.code
    rec.store(exit_code)
    if exit_code is None or isinstance(exit_code, int):
        return exit_code or 0
    raise SystemExit(exit_code)  # a message instead of a number: let Python print it, as before


def script() -> NoReturn:
    """The installed command: ``main``, then an exit that does not free the objects the run left
    in the process (Home Assistant: 0.2 s of a cold check's wall time, spent unmapping some 60 MB
    of objects held by module-level caches), as mypy ends its runs. What must happen at an exit
    still does: the atexit handlers run (kept workers are stopped, temporary directories
    removed) and the standard streams are flushed. With another thread running, or a stream
    that cannot be flushed, the exit is Python's own, as before."""
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)  # Python's exit waits for the other threads
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # Python reports the failed flush and exits with its own status
    os._exit(code)
