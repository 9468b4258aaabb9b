"""``ssot-lint history`` and ``ssot-lint trend``: counts over git history, and reports of them;
and ``check --record``'s snapshot of the working tree."""

from __future__ import annotations

import calendar
import contextlib
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ssot_lint.api.project import require_rules
from ssot_lint.cli.common import (
    cache_options,
    config_option,
    jobs_option,
    load_project,
    no_color_option,
    observer,
    project_cache,
    rule_options,
    shown_path,
    split_ids,
    use_color,
    write_output,
)
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config, load_config
from ssot_lint.errors import ConfigError
from ssot_lint.model import Report
from ssot_lint.report import plural

if TYPE_CHECKING:  # history's modules (rich, matplotlib, git) load when a history command runs
    from ssot_lint.history.selection import HistoryOptions
    from ssot_lint.run.cache import ResultCache

TREND_FORMATS = ("terminal", "html", "markdown", "csv", "json")  # `trend --format`


@click.command()
@click.argument("rev_range", required=False)
@rule_options
@click.option("--every", type=click.IntRange(min=1), metavar="N", help="Keep every Nth commit (the newest is always kept).")
@click.option("--by", type=click.Choice(["day", "week"]), help="Keep the newest commit of each day or ISO week (UTC).")
@click.option("--first-parent", is_flag=True, help="Follow only the first parent of merges.")
@click.option("--max-commits", type=click.IntRange(min=1), default=500, show_default=True, help="Keep at most the newest N selected commits.")
@click.option(
    "--since", metavar="DATE", help="Only commits committed at or after DATE: 2026-01-31 (midnight UTC), 2026-01-31T12:00[+01:00], or '3 months ago'."
)
@click.option("--until", metavar="DATE", help="Only commits committed at or before DATE (as --since).")
@click.option("--rules-at-commit", is_flag=True, help="Use the configured rule files as they were at each commit.")
@click.option(
    "--shard",
    metavar="K/N",
    callback=lambda ctx, param, value: _shard(value),
    help="Compute only every Nth selected commit, from the Kth (CI matrix backfill).",
)
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), help="Snapshot store to use (default: .ssot-lint/history.db in the project).")
@jobs_option
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="Files listed with the most findings.")
@click.option("--show-timings", is_flag=True, help="Print where the time went.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but warnings (for CI: `trend` shows what was stored).")
@no_color_option
@cache_options
def history(
    rev_range: str | None,
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    every: int | None,
    by: str | None,
    first_parent: bool,
    max_commits: int,
    since: str | None,
    until: str | None,
    rules_at_commit: bool,
    shard: tuple[int, int] | None,
    store: Path | None,
    jobs: int | None,
    top: int,
    show_timings: bool,
    quiet: bool,
    no_color: bool,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Counts per rule and per file at each commit of REV_RANGE (default HEAD), read from git
    without a checkout and stored in .ssot-lint/history.db.

    `ssot-lint history merge STORE...` combines the stores of --shard runs."""
    from ssot_lint.history.selection import HistoryOptions
    from ssot_lint.history.store import default_path

    if every and by:
        raise click.UsageError("--every and --by cannot be combined")
    since, until = commit_dates(since, until)
    config, ruleset = _trend_rules(config_path, rule_files, select, ignore, rules_at_commit)
    options = HistoryOptions(
        rev_range,
        every,
        by,
        first_parent,
        max_commits,
        rules_at_commit,
        split_ids(select, "--select"),
        split_ids(ignore, "--ignore"),
        config.get("fail-on"),
        since,
        until,
        shard,
        jobs,
    )
    with project_cache(config, no_cache, cache_dir) as cache:
        run_history(config, ruleset, options, cache, use_color(no_color), show_timings, top, store or default_path(config.root), quiet)


def commit_dates(since: str | None, until: str | None, now: datetime | None = None) -> tuple[str | None, str | None]:
    """``--since``/``--until`` as exact UTC times for ``git rev-list`` (git's own parser takes
    anything, garbage included, and reads a bare date as that day at the current time of day).
    Checked here: a one-line error for a date that is not one, or an ``--until`` before ``--since``."""
    now = now or datetime.now(timezone.utc)
    times = {option: _commit_date(option, text, now) for option, text in (("--since", since), ("--until", until)) if text is not None}
    if len(times) == 2 and times["--until"] < times["--since"]:
        raise ConfigError(f"--until {until} is before --since {since}")
    shown = {option: when.strftime("%Y-%m-%d %H:%M:%S +0000") for option, when in times.items()}
    return shown.get("--since"), shown.get("--until")


_AGO = re.compile(r"(\d+) +(second|minute|hour|day|week|month|year)s? +ago")
_OFFSET = re.compile(r" ?([+-]\d\d):?(\d\d)$")
_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}


def _commit_date(option: str, text: str, now: datetime) -> datetime:
    """An ISO date (midnight UTC), an ISO date and time (UTC unless it gives an offset), or
    ``N units ago`` (months and years by the calendar, on the month's last day when it is shorter)."""
    value = " ".join(text.split()).lower()
    ago = _AGO.fullmatch(value)
    if ago:
        n, unit = int(ago[1]), ago[2]
        if unit in _SECONDS:
            return now - timedelta(seconds=n * _SECONDS[unit])
        months = now.year * 12 + now.month - 1 - n * (12 if unit == "year" else 1)
        year, month = divmod(months, 12)
        if year < 1:
            raise ConfigError(f"{option}: {text!r} is before year 1")
        return now.replace(year=year, month=month + 1, day=min(now.day, calendar.monthrange(year, month + 1)[1]))
    iso = value.upper().removesuffix("Z") + ("+00:00" if value.endswith("z") else "")
    if len(iso) > 10:  # git's "+0000" (Python 3.10 reads only "+00:00")
        iso = _OFFSET.sub(r"\1:\2", iso)
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        raise ConfigError(
            f"{option}: not a date: {text!r} (expected an ISO date (2026-01-31), date and time (2026-01-31T12:00, UTC unless it gives an offset) or 'N units ago')"
        ) from None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, slash, n = value.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"{value!r}: expected K/N with 1 <= K <= N (e.g. 2/4)", param_hint="--shard")
    return int(k), int(n)


@click.command("history merge")
@click.argument("stores", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", type=click.Path(dir_okay=False, path_type=Path), help="Store to merge into (default: .ssot-lint/history.db in the project).")
@config_option
def history_merge(stores: tuple[Path, ...], into: Path | None, config_path: Path | None) -> None:
    """Copy the snapshots of STORES (e.g. the stores of `history --shard K/N` runs) into one
    store; a snapshot already there (same commit, same rules) is kept as it is."""
    from ssot_lint.history.gitread import Repository
    from ssot_lint.history.store import HistoryStore, default_path

    config = load_config(config_path, observer=observer())
    target = into or default_path(config.root)
    for path in stores:
        if not path.is_file():
            raise ConfigError(f"history store not found: {path}")
        if path.resolve() == target.resolve():
            raise ConfigError(f"{path}: cannot merge a store into itself")
    repo = Repository(config.root)
    with contextlib.ExitStack() as opened:
        # Every store is read and checked before the target is opened: a bad one merges nothing.
        sources = [opened.enter_context(HistoryStore(path, create=False)) for path in stores]
        for path, source in zip(stores, sources):
            commits = source.commits()
            missing = repo.missing_commits(commits)
            if missing:  # a trend would interleave two unrelated histories, and cannot be un-merged
                raise ConfigError(
                    f"snapshot of commit {missing[0][:10]} is not in this repository "
                    f"({len(missing)} of its {plural(len(commits), 'commit')} {'is' if len(missing) == 1 else 'are'} not: a store of another project?); "
                    "nothing merged",
                    str(path),
                )
        with HistoryStore(target) as merged:
            added = merged.merge(sources)
    click.echo(f"ssot-lint: merged {plural(len(stores), 'store')} into {shown_path(target)}: {plural(added, 'snapshot')} added", err=True)


@click.command()
@rule_options
@click.option("--format", "fmt", type=click.Choice(TREND_FORMATS), default="terminal", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@click.option("--rules-at-commit", is_flag=True, help="Show the snapshots computed with `history --rules-at-commit`.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="Files listed with the most findings.")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), help="Snapshot store to read (default: .ssot-lint/history.db in the project).")
@no_color_option
def trend(
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: Path | None,
    rules_at_commit: bool,
    top: int,
    store: Path | None,
    no_color: bool,
) -> None:
    """Report the stored history of the current rules: HTML, Markdown, CSV, JSON or a terminal view."""
    config, ruleset = _trend_rules(config_path, rule_files, select, ignore, rules_at_commit)
    run_trend(
        config, None if rules_at_commit else ruleset, split_ids(select, "--select"), split_ids(ignore, "--ignore"), fmt, output, top, use_color(no_color), store
    )


def _trend_rules(
    config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...], rules_at_commit: bool
) -> tuple[Config, RuleSet]:
    """The current rules, or with --rules-at-commit only the config (each commit brings its rules)."""
    if not rules_at_commit:
        config, ruleset = load_project(config_path, rule_files, select, ignore)
        require_rules(ruleset)
        return config, ruleset
    if rule_files:
        raise ConfigError("--rules-at-commit reads the configured rule-files at each commit; it cannot take --rules")
    config = load_config(config_path, observer=observer())
    if not config.get("rule-files") and config.inline_rules is None:
        raise ConfigError("--rules-at-commit needs 'rule-files' or [[rule]] tables in the config")
    return config, RuleSet([])


def run_history(
    config: Config,
    ruleset: RuleSet,
    options: HistoryOptions,
    cache: ResultCache | None,
    color: bool,
    show_timings: bool,
    top: int,
    store_path: Path,
    quiet: bool = False,
) -> None:
    from ssot_lint.history.formats import commits_table, terminal
    from ssot_lint.history.gitread import Repository
    from ssot_lint.history.keys import adopt
    from ssot_lint.history.store import HistoryStore
    from ssot_lint.history.trend import build_trend
    from ssot_lint.history.walk import HistoryRun
    from ssot_lint.run.progress import ProgressBar, terminal_stderr

    repo = Repository(config.root)
    with HistoryStore(store_path) as store:
        adopt(store, config, None if options.rules_at_commit else ruleset, options.select, options.ignore)  # a schema-1 store's commits are reused
        # check's bar (no redraw thread: the run forks workers), counting commits, on stderr when it is a terminal.
        progress = ProgressBar(not quiet and terminal_stderr(), label="history")
        run = HistoryRun(repo, config, ruleset, store, cache, options, on_progress=progress)
        try:
            snapshots = run.run()
        finally:
            progress.close()
    counters = run.counters
    if not quiet:
        click.echo(commits_table(snapshots, color), nl=False)
        click.echo()
        click.echo(terminal(build_trend(snapshots), top, color), nl=False)
    for note in counters.notes:  # what is missing (a shallow clone ...): said even with -q
        click.echo(f"ssot-lint: note: {note}", err=True)
    if not quiet:
        click.echo(f"ssot-lint: {counters.summary()}", err=True)
    if show_timings:
        click.echo("ssot-lint: timings: " + ", ".join(f"{k} {v:.3f}s" for k, v in counters.timings.items()), err=True)


def record_working_tree(config: Config, ruleset: RuleSet, report: Report) -> None:
    """``check --record``: the working tree's counts as a snapshot of the current rules' series,
    each count with its rule's key (a record cannot be recomputed: the key says what it counted)."""
    from ssot_lint.history.model import WORKING_TREE, current_series, rule_keys, ruleset_digest, snapshot_of_report
    from ssot_lint.history.store import HistoryStore, default_path

    snapshot = snapshot_of_report(
        report, series=current_series(config), ruleset_digest=ruleset_digest(config, ruleset), keys=rule_keys(ruleset), commit=None, label=WORKING_TREE
    )
    with HistoryStore(default_path(config.root)) as store:
        store.add(snapshot)
    click.echo(f"ssot-lint: recorded the working tree in {shown_path(default_path(config.root))}", err=True)


def run_trend(
    config: Config,
    ruleset: RuleSet | None,
    select: list[str],
    ignore: list[str],
    fmt: str,
    output: Path | None,
    top: int,
    color: bool,
    store_path: Path | None = None,
) -> None:
    """The trend of today's rules (``ruleset``), or with None of the rules at each commit, from
    the project's store or ``store_path``."""
    from ssot_lint.history.formats import markdown, terminal, to_csv, to_json
    from ssot_lint.history.keys import adopt, for_rules
    from ssot_lint.history.model import at_commit_series, current_series, rule_keys
    from ssot_lint.history.store import HistoryStore, default_path
    from ssot_lint.history.trend import NO_HISTORY, build_trend

    path = store_path or default_path(config.root)
    missing = ConfigError(f"no history at {path}: run `ssot-lint history` (or `ssot-lint check --record`) first")
    if not path.is_file():
        raise missing
    with HistoryStore(path, create=store_path is None) as store:  # a store named with --store is only read
        if store.is_empty():
            raise missing
        notes = adopt(store, config, ruleset, select, ignore)
        stored = store.series(current_series(config) if ruleset is not None else at_commit_series(config, select, ignore))
    if not stored:
        what = "today's rules" if ruleset is not None else "the rules at each commit (--rules-at-commit)"
        raise ConfigError(
            f"{path} has no snapshots of {what} for this file scope (include, exclude, src): run `ssot-lint history`" + "".join(f"; {n}" for n in notes)
        )
    snapshots, earlier = for_rules(stored, rule_keys(ruleset) if ruleset is not None else None)
    for note in notes + earlier:
        click.echo(f"ssot-lint: note: {note}", err=True)
    trend = build_trend(snapshots, {rule.id: rule.kind for rule in ruleset.rules} if ruleset is not None else None)
    edited = {r.rule_id for s in stored for r in s.rules}  # counted with an earlier definition: noted above
    for rule in trend.no_history:  # added since `history` ran, or left out by its --select
        if rule.rule_id not in edited:
            click.echo(f"ssot-lint: note: {rule.rule_id}: no history yet: {NO_HISTORY}", err=True)
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
        write_output(output, text)
        click.echo(f"ssot-lint: wrote {output} ({len(text.encode()):,} bytes, {plural(len(snapshots), 'snapshot')})", err=True)
