"""Output formats. Each formatter only formats a finished Report; it decides nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from ssot_lint.model import Report


@dataclass(frozen=True)
class FormatOptions:
    color: bool = False
    statistics: bool = False
    quiet: bool = False
    # (project root, working directory): human output shows paths from the working directory, so
    # a terminal's click-through works from a subfolder. Machine formats stay root-relative.
    cwd: tuple[str, str] | None = None

    def shown(self) -> Callable[[str], str]:
        """Turns a finding's root-relative path into the path to show."""
        if self.cwd is None or os.path.normpath(self.cwd[0]) == os.path.normpath(self.cwd[1]):
            return lambda path: path
        root, cwd = self.cwd
        folders: dict[str, str] = {}

        def shown(path: str) -> str:
            folder, _, name = path.rpartition("/")
            prefix = folders.get(folder)
            if prefix is None:  # one relpath per folder, not per finding
                prefix = folders[folder] = os.path.relpath(os.path.join(root, folder), cwd).replace(os.sep, "/")
            return name if prefix == "." else f"{prefix}/{name}"

        return shown


Formatter = Callable[[Report, FormatOptions], str]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 finding``, ``2 findings``: ``noun`` is the singular, ``nouns`` the plural (default: + ``s``)."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


_LINE_END_PADDING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.M)


def without_trailing_spaces(text: str) -> str:
    """``text`` with the padding rich puts after a table's last column removed from every line
    (also before the colour codes that end a line)."""
    return _LINE_END_PADDING.sub(r"\1", text)


FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "markdown")


def formatter(name: str) -> Formatter:
    """The formatter of one of ``FORMATS``; only its module is imported (start-up time)."""
    from importlib import import_module

    module = import_module(f"ssot_lint.report.{'json_report' if name == 'json' else name}")
    render: Formatter = module.render
    return render
