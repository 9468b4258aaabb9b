"""Output formats. Each formatter only formats a finished Report; it decides nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ssot_lint.model import Report


@dataclass(frozen=True)
class FormatOptions:
    color: bool = False
    statistics: bool = False
    quiet: bool = False


Formatter = Callable[[Report, FormatOptions], str]


FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "markdown")


def formatter(name: str) -> Formatter:
    """The formatter of one of ``FORMATS``; only its module is imported (start-up time)."""
    from importlib import import_module

    module = import_module(f"ssot_lint.report.{'json_report' if name == 'json' else name}")
    render: Formatter = module.render
    return render
