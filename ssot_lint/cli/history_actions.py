"""What ``history``, ``trend`` and ``check --record`` do once cli.py has parsed their arguments."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.errors import ConfigError
from ssot_lint.history.formats import commits_table, markdown, terminal, to_csv, to_json
from ssot_lint.history.gitread import Repository
from ssot_lint.history.model import WORKING_TREE, at_commit_series, current_series, snapshot_of_report
from ssot_lint.history.store import HistoryStore, default_path
from ssot_lint.history.trend import build_trend
from ssot_lint.history.walk import HistoryOptions, HistoryRun
from ssot_lint.model import Report
from ssot_lint.run.cache import ResultCache

TREND_FORMATS = ("terminal", "html", "markdown", "csv", "json")


def run_history(config: Config, ruleset: RuleSet, options: HistoryOptions, cache: ResultCache | None, color: bool, show_timings: bool, top: int) -> None:
    repo = Repository(config.root)
    with HistoryStore(default_path(config.root)) as store:
        run = HistoryRun(repo, config, ruleset, store, cache, options)
        if sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True, console=_stderr_console()) as progress:
                task = progress.add_task("history", total=None)
                run.on_progress = lambda done, total: progress.update(task, completed=done, total=total)
                snapshots = run.run()
        else:
            snapshots = run.run()
    click.echo(commits_table(snapshots, color), nl=False)
    click.echo()
    click.echo(terminal(build_trend(snapshots), top, color), nl=False)
    counters = run.counters
    for note in counters.notes:
        click.echo(f"ssot-lint: note: {note}", err=True)
    click.echo(f"ssot-lint: {counters.summary()}", err=True)
    if show_timings:
        click.echo("ssot-lint: timings: " + ", ".join(f"{k} {v:.3f}s" for k, v in counters.timings.items()), err=True)


def _stderr_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(file=sys.stderr)


def record_working_tree(config: Config, ruleset: RuleSet, report: Report) -> None:
    """``check --record``: the working tree's counts as a snapshot of the current rules' series."""
    series = current_series(config, ruleset)
    with HistoryStore(default_path(config.root)) as store:
        store.add(snapshot_of_report(report, series=series, ruleset_digest=series, commit=None, label=WORKING_TREE))
    click.echo(f"ssot-lint: recorded the working tree in {os.path.relpath(default_path(config.root))}", err=True)


def run_trend(config: Config, series: str, fmt: str, output: Path | None, top: int, color: bool) -> None:
    path = default_path(config.root)
    missing = ConfigError(f"no history at {path}: run `ssot-lint history` (or `ssot-lint check --record`) first")
    if not path.is_file():
        raise missing
    with HistoryStore(path) as store:
        if store.is_empty():
            raise missing
        snapshots = store.series(series)
    if not snapshots:
        raise ConfigError(f"{path} has no snapshots for the current rules and file scope (did the rules change since the last run?): run `ssot-lint history`")
    trend = build_trend(snapshots)
    if fmt == "html":
        from ssot_lint.history.html import render_html

        text = render_html(trend, top, f"ssot-lint trend: {config.root.name}")
    elif fmt == "markdown":
        text = markdown(trend, top)
    elif fmt == "csv":
        text = to_csv(trend)
    elif fmt == "json":
        text = to_json(trend, top)
    else:
        text = terminal(trend, top, color and output is None)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"ssot-lint: wrote {output} ({len(text.encode()):,} bytes, {len(snapshots)} snapshots)", err=True)


def trend_series(config: Config, ruleset: RuleSet | None, select: list[str], ignore: list[str]) -> str:
    """The series a trend shows: the current rules', or (ruleset None) the rules-at-commit one."""
    return at_commit_series(config, select, ignore) if ruleset is None else current_series(config, ruleset)
