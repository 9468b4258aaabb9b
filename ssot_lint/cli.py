"""The ``ssot-lint`` command line. It parses arguments, calls the engine and prints; nothing more."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from ssot_lint import __version__
from ssot_lint.cache import ResultCache
from ssot_lint.config import Config, load_config
from ssot_lint.engine import RunOptions, failing, run
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ConfigError
from ssot_lint.fixer import FixOptions, exit_status, fix_paths, headline, render_diff, render_summary
from ssot_lint.model import SEVERITIES
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


def open_cache(config: Config, cache_dir: Path | None) -> ResultCache | None:
    cache = ResultCache(cache_dir or config.root / config.get("cache-dir"))
    if cache.warning:
        click.echo(f"ssot-lint: warning: {cache.warning}", err=True)
    return cache if cache.enabled else None


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
@click.option("--fix", "apply_fixes", is_flag=True, help="Fix what can be fixed safely first (as `ssot-lint fix`), then report what is left.")
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
    apply_fixes: bool,
) -> None:
    """Check PATHS (default: the project root) against the loaded rules."""
    outputs = _parse_outputs(output_formats)
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    if not ruleset.rules:
        raise ConfigError("no rules loaded: set 'rule-files' in the config or pass --rules FILE")
    fail_on = fail_on or config.get("fail-on")
    cache = None if no_cache else open_cache(config, cache_dir)
    try:
        if apply_fixes:
            fixed = fix_paths(list(paths) or [str(config.root)], config, ruleset, FixOptions(True, fail_on, cache))
            _echo_warnings(fixed.warnings)
            click.echo(f"ssot-lint: fix: {headline(fixed)}", err=True)
        report = run(list(paths) or [str(config.root)], config, ruleset, RunOptions(fail_on=fail_on, cache=cache))
    finally:
        if cache is not None:
            cache.close()
    known = formatters()
    for name, target in outputs:
        options = FormatOptions(color=target is None and use_color(no_color), statistics=statistics, quiet=quiet)
        text = known[name](report, options)
        if target is None:
            click.echo(text, nl=False)
        else:
            Path(target).write_text(text, encoding="utf-8")
    sys.exit(EXIT_FINDINGS if failing(report, fail_on) else EXIT_OK)


def _echo_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"ssot-lint: warning: {warning}", err=True)


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that, left after fixing, makes the exit code 1.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Result cache directory (default: .ssot-lint/cache in the project).")
def fix_command(
    paths: tuple[str, ...],
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    diff: bool,
    fail_on: str | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Fix the findings in PATHS (default: the project root) that can be fixed safely.

    The diff goes to stdout, the summary (files changed, findings fixed, findings left with
    the reason each was not fixed) to stderr. Exit 1 when a finding at or above --fail-on is
    left (fixable or not: the verdict `check` would now give) or, with --diff, when a file
    would change; 0 otherwise.
    """
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    if not ruleset.rules:
        raise ConfigError("no rules loaded: set 'rule-files' in the config or pass --rules FILE")
    fail_on = fail_on or config.get("fail-on")
    cache = None if no_cache else open_cache(config, cache_dir)
    try:
        result = fix_paths(list(paths) or [str(config.root)], config, ruleset, FixOptions(not diff, fail_on, cache))
    finally:
        if cache is not None:
            cache.close()
    if diff:
        click.echo(render_diff(result), nl=False)
    _echo_warnings(result.warnings)
    click.echo(render_summary(result), err=True, nl=False)
    sys.exit(EXIT_FINDINGS if exit_status(result, fail_on) else EXIT_OK)


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
