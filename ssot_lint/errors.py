"""Errors that end a run with exit code 2 (usage, configuration and rule-file problems)."""

from __future__ import annotations

import stat
from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class ConfigError(Exception):
    """A problem with the user's configuration, rule files or arguments.

    Rendered as one line, ``file:line: message`` where the location is known.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


def not_a_file(path: Path) -> str | None:
    """Why ``path``, given as a config or rule file, cannot be read as one (``not found``, ``is
    a directory``, ``is not a regular file``: a FIFO would block the read); None when it is a
    regular file (or a link to one)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "not found"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "is a directory"
    return None if stat.S_ISREG(mode) else "is not a regular file"
