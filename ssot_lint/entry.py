"""The ``ssot-lint`` executable: replay the last identical check if nothing it read has changed
(see ``ssot_lint.replay.play``), otherwise run the command line and record it."""

from __future__ import annotations

import sys
import time

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
