"""``ssot-lint history`` and ``ssot-lint trend``: counts over git history, and reports of them."""

from __future__ import annotations

from pathlib import Path

import click

from ssot_lint.cli.common import cache_options, load_project, project_cache, require_rules, rule_options, split_ids, use_color
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config, load_config
from ssot_lint.errors import ConfigError


@click.command()
@click.argument("rev_range", required=False)
@rule_options
@click.option("--every", type=click.IntRange(min=1), metavar="N", help="Keep every Nth commit (the newest is always kept).")
@click.option("--by", type=click.Choice(["day", "week"]), help="Keep the newest commit of each day or ISO week (UTC).")
@click.option("--first-parent", is_flag=True, help="Follow only the first parent of merges.")
@click.option("--max-commits", type=click.IntRange(min=1), default=500, show_default=True, help="Keep at most the newest N selected commits.")
@click.option("--rules-at-commit", is_flag=True, help="Use the configured rule files as they were at each commit.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="Files listed with the most findings.")
@click.option("--show-timings", is_flag=True, help="Print where the time went.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
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
    rules_at_commit: bool,
    top: int,
    show_timings: bool,
    no_color: bool,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Counts per rule and per file at each commit of REV_RANGE (default HEAD), read from git
    without a checkout and stored in .ssot-lint/history.db."""
    from ssot_lint.cli.history_actions import run_history
    from ssot_lint.history.walk import HistoryOptions

    if every and by:
        raise click.UsageError("--every and --by cannot be combined")
    config, ruleset = _trend_rules(config_path, rule_files, select, ignore, rules_at_commit)
    options = HistoryOptions(rev_range, every, by, first_parent, max_commits, rules_at_commit, split_ids(select), split_ids(ignore), config.get("fail-on"))
    with project_cache(config, no_cache, cache_dir) as cache:
        run_history(config, ruleset, options, cache, use_color(no_color), show_timings, top)


@click.command()
@rule_options
@click.option("--format", "fmt", type=click.Choice(["terminal", "html", "markdown", "csv", "json"]), default="terminal", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@click.option("--rules-at-commit", is_flag=True, help="Show the snapshots computed with `history --rules-at-commit`.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="Files listed with the most findings.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
def trend(
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: Path | None,
    rules_at_commit: bool,
    top: int,
    no_color: bool,
) -> None:
    """Report the stored history of the current rules: HTML, Markdown, CSV, JSON or a terminal view."""
    from ssot_lint.cli.history_actions import run_trend, trend_series

    config, ruleset = _trend_rules(config_path, rule_files, select, ignore, rules_at_commit)
    series = trend_series(config, None if rules_at_commit else ruleset, split_ids(select), split_ids(ignore))
    run_trend(config, series, fmt, output, top, use_color(no_color))


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
    config = load_config(config_path)
    if not config.get("rule-files"):
        raise ConfigError("--rules-at-commit needs 'rule-files' in the config")
    return config, RuleSet([])
