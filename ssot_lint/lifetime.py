"""A child process that dies with its parent: the language server's project job with the server,
an analysis worker with the run that forked it. Without it, a parent killed mid-run (``kill -9``,
a crash, an editor ending its server) leaves children working or waiting for nobody."""

from __future__ import annotations

import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this process when the thread that started it ends (the
    parent's main thread, for ssot-lint's children). Elsewhere nothing: a worker then exits when
    its pipe to the parent closes, and a project job when its check is done."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        pass
