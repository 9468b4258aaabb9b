"""The ``ssot-lint`` command line: the group and its error handling. Each command group lives in
its own module of ``ssot_lint.cli``; they parse arguments, call ``ssot_lint.api`` and print."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import click

from ssot_lint import __version__
from ssot_lint.cli.cache import cache_group
from ssot_lint.cli.check import check
from ssot_lint.cli.history import history, history_merge, trend
from ssot_lint.cli.init import init_command
from ssot_lint.cli.maintain import baseline_command, fix_command
from ssot_lint.cli.rules import rules_command, test_rules
from ssot_lint.cli.schema import schema_command
from ssot_lint.cli.server import server_command
from ssot_lint.errors import EXIT_USAGE, ConfigError

ISSUES_URL = "https://github.com/ssot-lint/ssot-lint/issues"


class Main(click.Group):
    """Turns our own errors into one line and exit 2, never a traceback."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        # `history merge STORE...`: `history` takes a revision range as its argument, so its
        # subcommand is resolved here rather than by making `history` a group.
        if args[:2] == ["history", "merge"]:
            return "history merge", history_merge, args[2:]
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except ConfigError as exc:
            click.echo(f"ssot-lint: error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("ssot-lint: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`ssot-lint history | head -1`): end quietly with the status
            # a process killed by SIGPIPE has, as `yes | head` does. A cut output is not replayed,
            # and stdout goes to /dev/null so the flush at exit cannot fail again.
            if hasattr(ctx.obj, "refuse"):
                ctx.obj.refuse()
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            ctx.exit(128 + signal.SIGPIPE)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            click.echo(f"ssot-lint: internal error: {type(exc).__name__}: {exc} (please report it at {ISSUES_URL})", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssot-lint")
def main() -> None:
    """Single-source-of-truth compliance linter for Python."""


for command in (init_command, check, baseline_command, fix_command, rules_command, test_rules, schema_command, history, trend, cache_group, server_command):
    main.add_command(command)
