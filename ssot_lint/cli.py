"""The ``ssot-lint`` command line. It parses arguments, calls the engine and prints; nothing more."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

import click

from ssot_lint import __version__
from ssot_lint.cache import ResultCache
from ssot_lint.cache_cli import cache_directory, cache_group
from ssot_lint.config import Config, load_config
from ssot_lint.engine import RunOptions, failing, run
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ConfigError
from ssot_lint.model import SEVERITIES
from ssot_lint.progress import ProgressBar, format_timings, interactive
from ssot_lint.report import FormatOptions, formatters
from ssot_lint.rulefile import RuleSet, load_rule_files

ISSUES_URL = "https://github.com/ssot-lint/ssot-lint/issues"


class Main(click.Group):
    """Turns our own errors into one line and exit 2, never a traceback."""

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
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            click.echo(f"ssot-lint: internal error: {type(exc).__name__}: {exc} (please report it at {ISSUES_URL})", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssot-lint")
def main() -> None:
    """Single-source-of-truth compliance linter for Python."""


def _split_ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command that loads rules shares."""
    func = click.option("--ignore", multiple=True, metavar="IDS", help="Comma-separated rule ids (or prefixes) to skip.")(func)
    func = click.option("--select", multiple=True, metavar="IDS", help="Comma-separated rule ids (or prefixes) to run.")(func)
    func = click.option(
        "--rules", "rule_files", multiple=True, type=click.Path(path_type=Path), help="Rule file to load (repeatable), in addition to the configured ones."
    )(func)
    func = click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file (default: nearest ssot-lint.toml or pyproject.toml).")(func)
    return func


def load_project(config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> tuple[Config, RuleSet]:
    config = load_config(config_path)
    for path in rule_files:
        if not path.is_file():
            raise ConfigError(f"--rules: rule file not found: {path}")
    files = config.rule_files + [p.resolve() for p in rule_files]
    display = {f: _shown(f) for f in files}
    ruleset = load_rule_files(files, display).select(_split_ids(select), _split_ids(ignore))
    return config, ruleset


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _parse_outputs(values: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``FORMAT`` (to stdout) or ``FORMAT:PATH``; several may be given in one run."""
    known = formatters()
    outputs = []
    for value in values or ("text",):
        name, _, target = value.partition(":")
        if name not in known:
            raise click.BadParameter(f"unknown format {name!r} (known: {', '.join(known)})", param_hint="--output-format")
        outputs.append((name, target or None))
    if sum(1 for _, target in outputs if target is None) > 1:
        raise click.BadParameter("only one format can go to stdout; give the others a path (FORMAT:PATH)", param_hint="--output-format")
    return outputs


def open_cache(config: Config, cache_dir: Path | None) -> ResultCache:
    """The result cache, its warnings printed (a disabled cache is returned, not None)."""
    cache = ResultCache(cache_directory(config, cache_dir))
    _warn(cache, 0)
    return cache


def _warn(cache: ResultCache, already: int) -> int:
    """Print the cache's warnings from number ``already`` on; each one once per run."""
    for warning in cache.warnings[already:]:
        click.echo(f"ssot-lint: warning: {warning}", err=True)
    return len(cache.warnings)


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option("--output-format", "-o", "output_formats", multiple=True, metavar="FORMAT[:PATH]", help="text or json; repeat with :PATH to write several.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule only.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Result cache directory (default: .ssot-lint/cache in the project).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@click.option("--show-timings", is_flag=True, help="Print file counts and seconds per phase to stderr.")
def check(
    paths: tuple[str, ...],
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_formats: tuple[str, ...],
    statistics: bool,
    quiet: bool,
    no_color: bool,
    fail_on: str | None,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
    show_timings: bool,
) -> None:
    """Check PATHS (default: the project root) against the loaded rules."""
    outputs = _parse_outputs(output_formats)
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    if not ruleset.rules:
        raise ConfigError("no rules loaded: set 'rule-files' in the config or pass --rules FILE")
    fail_on = fail_on or config.get("fail-on")
    cache = None if no_cache else open_cache(config, cache_dir)
    shown = len(cache.warnings) if cache is not None else 0
    progress = ProgressBar(interactive())
    run_options = RunOptions(fail_on=fail_on, cache=cache if cache is not None and cache.enabled else None, on_progress=progress, jobs=jobs)
    try:
        report = run(list(paths) or [str(config.root)], config, ruleset, run_options)
    finally:
        progress.close()
        if cache is not None:
            cache.close()
            _warn(cache, shown)  # read or write failures during the run
    reported = time.perf_counter()
    known = formatters()
    for name, target in outputs:
        options = FormatOptions(color=target is None and use_color(no_color), statistics=statistics, quiet=quiet)
        text = known[name](report, options)
        if target is None:
            click.echo(text, nl=False)
        else:
            Path(target).write_text(text, encoding="utf-8")
    if show_timings:
        report.stats["report_seconds"] = time.perf_counter() - reported
        click.echo(format_timings(report.stats), err=True, nl=False)
    sys.exit(EXIT_FINDINGS if failing(report, fail_on) else EXIT_OK)


@main.command("rules")
@rule_options
@click.option("--explain", metavar="ID", help="Show one rule in full, with its examples.")
def rules_command(config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...], explain: str | None) -> None:
    """List the loaded rules."""
    from ssot_lint.report.rules import explain_rule, rules_table

    _, ruleset = load_project(config_path, rule_files, select, ignore)
    if explain:
        matches = [r for r in ruleset.rules if r.id == explain]
        if not matches:
            raise ConfigError(f"--explain: no loaded rule has id {explain!r}")
        click.echo(explain_rule(matches[0]), nl=False)
    else:
        click.echo(rules_table(ruleset.rules, use_color(False)), nl=False)


@main.command("test-rules")
@click.argument("rule_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config whose rule files to test when none are given.")
def test_rules(rule_files: tuple[Path, ...], config_path: Path | None) -> None:
    """Run the examples embedded in RULE_FILES (default: the configured rule files)."""
    from ssot_lint.examples import run_example

    for path in rule_files:
        if not path.is_file():
            raise ConfigError(f"rule file not found: {path}")
    files = [p.resolve() for p in rule_files] or load_config(config_path).rule_files
    if not files:
        raise ConfigError("no rule files given or configured")
    ruleset = load_rule_files(files, {f: _shown(f) for f in files})
    total = failed = 0
    for rule in ruleset.rules:
        if not rule.meta.examples:
            click.echo(f"warning: {rule.meta.origin}:{rule.meta.line}: rule {rule.id} has no examples", err=True)
        for example in rule.meta.examples:
            total += 1
            outcome = run_example(rule, example)
            if not outcome.passed:
                failed += 1
                click.echo(f"FAIL {rule.meta.origin}:{example.line}: {rule.id}: {outcome.explain()}")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


main.add_command(cache_group)
