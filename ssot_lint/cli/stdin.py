"""The file to check read from stdin: ``check``/``fix --stdin-filename PATH -``, for editors and
scripts (as ruff does). The text is checked as the file at PATH would be: its module name, the
rules' scopes and its suppression comments are PATH's, and the project-wide rules see the rest of
the project (from disk and the cache) with this text in place of PATH's."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from ssot_lint import api
from ssot_lint.errors import ConfigError
from ssot_lint.project.module_paths import COMPILED_NOT_ANALYZED, compiled_stem

STDIN = "-"


def stdin_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--stdin-filename", metavar="PATH", help="With '-' as the path: read the file from stdin and check it as the file at PATH (which need not exist)."
    )(func)


def stdin_path(paths: tuple[str, ...], stdin_filename: str | None) -> str | None:
    """The absolute path the text on stdin stands for; None when stdin is not read."""
    if STDIN in paths:
        if stdin_filename is None:
            raise ConfigError("'-' reads the file from stdin: name the file it stands for with --stdin-filename PATH")
        if len(paths) > 1:
            raise ConfigError("'-' (the file on stdin) cannot be combined with other paths")
        if os.path.isdir(stdin_filename):
            raise ConfigError(f"--stdin-filename {stdin_filename}: is a directory, not a file")
        if compiled_stem(os.path.basename(stdin_filename)) is not None:  # Cython's text is not Python's: read as Python, it would be findings or a syntax error
            raise ConfigError(f"--stdin-filename {stdin_filename}: {COMPILED_NOT_ANALYZED}")
        return api.absolute_path(stdin_filename)
    if stdin_filename is not None:
        raise ConfigError("--stdin-filename names the file read from stdin: give '-' as the path to read it")
    return None


def read_stdin(shown: str) -> bytes:
    """The bytes on stdin; text Python could not decode is an error (exit 2), not a finding."""
    from ssot_lint.analysis.parsing import SourceError, decode_source

    data = sys.stdin.buffer.read()
    try:
        decode_source(data)
    except SourceError as error:
        raise ConfigError(f"the text on stdin is not Python source: {error.reason}", shown, error.line) from None
    return data


def not_in_project(shown: str) -> None:
    from ssot_lint.api.source import NOT_CHECKED

    click.echo(f"ssot-lint: note: {shown} is {NOT_CHECKED}", err=True)
