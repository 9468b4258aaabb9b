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
        try:
            cli.main(args=args, obj=rec)  # the commands pass it on as their runs' observer
            code = 0
        except SystemExit as exc:
            code = exc.code
    rec.store(code)
    if code is None or isinstance(code, int):
        return code or 0
    raise SystemExit(code)  # a message instead of a number: let Python print it, as before
