"""Output formats. Each formatter only formats a finished Report; it decides nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ssot_lint.model import Report


@dataclass(frozen=True)
class FormatOptions:
    color: bool = False
    statistics: bool = False
    quiet: bool = False


Formatter = Callable[[Report, FormatOptions], str]


def formatters() -> dict[str, Formatter]:
    from ssot_lint.report import github, gitlab, json_report, junit, markdown, sarif, text

    return {
        "text": text.render,
        "json": json_report.render,
        "sarif": sarif.render,
        "github": github.render,
        "gitlab": gitlab.render,
        "junit": junit.render,
        "markdown": markdown.render,
    }
