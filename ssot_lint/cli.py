"""The ``ssot-lint`` command line. It parses arguments, calls the engine and prints; nothing more."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from ssot_lint import __version__, baseline, suppressions
from ssot_lint.cache import ResultCache
from ssot_lint.cache_cli import cache_directory, cache_group
from ssot_lint.config import Config, load_config
from ssot_lint.coverage import Coverage, project_wide
from ssot_lint.engine import RunOptions, failing, run
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ConfigError
from ssot_lint.fingerprint import with_fingerprints
from ssot_lint.fixer import FixOptions, FixResult, exit_status, fix_paths, headline, render_diff, render_summary
from ssot_lint.model import SEVERITIES, Finding, Report
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


def _warn(cache: ResultCache, already: int) -> int:
    """Print the cache's warnings from number ``already`` on; each one once per run."""
    for warning in cache.warnings[already:]:
        click.echo(f"ssot-lint: warning: {warning}", err=True)
    return len(cache.warnings)


def write_output(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def cache_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Result cache directory (default: .ssot-lint/cache in the project).")(func)
    func = click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")(func)
    return func


def require_rules(ruleset: RuleSet) -> None:
    if not ruleset.rules:
        raise ConfigError("no rules loaded: set 'rule-files' in the config or pass --rules FILE")


@contextlib.contextmanager
def project_cache(config: Config, no_cache: bool, cache_dir: Path | None) -> Iterator[ResultCache | None]:
    """The result cache for one command (None with --no-cache or when it is unusable). Its
    warnings are printed once each, whether raised when opening it or during the run."""
    if no_cache:
        yield None
        return
    cache = ResultCache(cache_directory(config, cache_dir))
    shown = _warn(cache, 0)
    try:
        yield cache if cache.enabled else None
    finally:
        cache.close()
        _warn(cache, shown)


def analyse(
    paths: tuple[str, ...],
    config: Config,
    ruleset: RuleSet,
    fail_on: str,
    no_cache: bool,
    cache_dir: Path | None,
    per_file: bool = False,
    jobs: int | None = None,
) -> tuple[Report, Coverage]:
    """Run the rules over PATHS; say what the run covered, so nothing unseen is judged."""
    require_rules(ruleset)
    rules = ruleset.rules
    if per_file:
        if not paths:
            raise ConfigError("--per-file needs the files to check")
        skipped = [r.id for r in rules if project_wide(r)]
        rules = [r for r in rules if not project_wide(r)]
        if skipped:
            click.echo(f"ssot-lint: --per-file: skipped project-wide rules {', '.join(skipped)} (run the whole project for them)", err=True)
    whole = not per_file and (not paths or any(Path(p).resolve() == config.root for p in paths))
    progress = ProgressBar(interactive())
    with project_cache(config, no_cache, cache_dir) as cache:
        options = RunOptions(fail_on=fail_on, cache=cache, on_progress=progress, jobs=jobs)
        try:
            report = run(list(paths) or [str(config.root)], config, RuleSet(rules, ruleset.known), options)
        finally:
            progress.close()
    return report, Coverage.of(report.scanned, rules, whole, ruleset.known)


def fix(paths: tuple[str, ...], config: Config, ruleset: RuleSet, options: FixOptions, no_cache: bool, cache_dir: Path | None) -> FixResult:
    """Apply (or, for --diff, compute) the safe fixes; warnings go to stderr."""
    require_rules(ruleset)
    with project_cache(config, no_cache, cache_dir) as cache:
        result = fix_paths(list(paths) or [str(config.root)], config, ruleset, dataclasses.replace(options, cache=cache))
    for warning in result.warnings:
        click.echo(f"ssot-lint: warning: {warning}", err=True)
    return result


def baseline_file(config: Config) -> tuple[Path, str]:
    path = config.root / config.get("baseline")
    return path, _shown(path)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option("--output-format", "-o", "output_formats", multiple=True, metavar="FORMAT[:PATH]", help=f"One of {', '.join(formatters())}; repeat with :PATH to write several.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule only.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that makes the exit code 1 (default: warning).")
@cache_options
@click.option("--no-baseline", is_flag=True, help="Report every finding, ignoring the baseline file.")
@click.option("--strict", is_flag=True, help="Also fail when baselined findings are fixed but still in the baseline.")
@click.option("--per-file", is_flag=True, help="Judge only the given files: skip project-wide rules (for pre-commit).")
@click.option("--report-unused-suppressions", is_flag=True, help="Report '# ssot: ignore' comments that silence nothing (SSOT001).")
@click.option("--record", is_flag=True, help="Also store the counts as a 'working tree' snapshot for `ssot-lint trend`.")
@click.option("--fix", "apply_fixes", is_flag=True, help="Fix what can be fixed safely first (as `ssot-lint fix`), then report what is left.")
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
    no_baseline: bool,
    strict: bool,
    per_file: bool,
    report_unused_suppressions: bool,
    record: bool,
    apply_fixes: bool,
    jobs: int | None,
    show_timings: bool,
) -> None:
    """Check PATHS (default: the project root) against the loaded rules.

    With a baseline file (config key 'baseline', default .ssot-baseline.json) only new findings
    are reported and fail."""
    outputs = _parse_outputs(output_formats)
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    fail_on = fail_on or config.get("fail-on")
    if record and (per_file or any(Path(p).resolve() != config.root for p in paths)):
        raise ConfigError("--record stores the whole project's counts: run it without PATHS (or with the project root)")
    if apply_fixes:
        fixed = fix(paths, config, ruleset, FixOptions(True, fail_on), no_cache, cache_dir)
        click.echo(f"ssot-lint: fix: {headline(fixed)}", err=True)
    report, coverage = analyse(paths, config, ruleset, fail_on, no_cache, cache_dir, per_file, jobs)
    reported = time.perf_counter()
    counted = report  # what --record stores: every finding, before the baseline hides old ones
    if report_unused_suppressions:
        known_ids = [r.id for r in ruleset.known]
        unused = with_fingerprints(suppressions.unused(report.suppressions, report.suppressed, known_ids, coverage.judges))
        report.findings = sorted(report.findings + unused, key=Finding.sort_key)
    path, shown = baseline_file(config)
    if not no_baseline and path.is_file():
        report = baseline.apply(report, baseline.load(path, shown), shown, ruleset.known, coverage, fail_on)
        if report.baseline and report.baseline.changed_rules:
            click.echo(
                f"ssot-lint: warning: {shown} was written for other rule definitions ({'; '.join(report.baseline.changed_rules)}); "
                "their findings may show as new or fixed: run 'ssot-lint baseline' to accept them",
                err=True,
            )
    known = formatters()
    for name, target in outputs:
        options = FormatOptions(color=target is None and use_color(no_color), statistics=statistics, quiet=quiet)
        text = known[name](report, options)
        if target is None:
            click.echo(text, nl=False)
        else:
            write_output(Path(target), text)
    summary = report.baseline
    stale = strict and summary is not None and summary.stale > 0
    if stale:
        click.echo(f"ssot-lint: --strict: {shown} has stale entries; run 'ssot-lint baseline --tighten'", err=True)
    if record:
        from ssot_lint.history.commands import record_working_tree

        record_working_tree(config, ruleset, counted)
    if show_timings:
        counted.stats["report_seconds"] = time.perf_counter() - reported
        click.echo(format_timings(counted.stats), err=True, nl=False)
    sys.exit(EXIT_FINDINGS if failing(report, fail_on) or (summary and summary.breaches) or stale else EXIT_OK)


@main.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@cache_options
@click.option("--tighten", is_flag=True, help="Only remove entries that are fixed; never add one.")
def baseline_command(
    paths: tuple[str, ...],
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_cache: bool,
    cache_dir: Path | None,
    tighten: bool,
) -> None:
    """Record today's findings in the baseline file, so 'check' fails only on new ones.

    Entries for rules or paths this run does not cover are kept."""
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    report, coverage = analyse(paths, config, ruleset, config.get("fail-on"), no_cache, cache_dir)
    path, shown = baseline_file(config)
    previous = baseline.load(path, shown) if path.is_file() else None
    if tighten:
        if previous is None:
            raise ConfigError(f"{shown}: no baseline to tighten; run 'ssot-lint baseline' first")
        written, removed = baseline.tighten(previous, report, coverage)
        message = f"removed {removed} fixed finding{'s' * (removed != 1)}"
    else:
        written = baseline.build(report, ruleset, coverage, previous)
        message = f"recorded {len(report.findings)} finding{'s' * (len(report.findings) != 1)}"
    write_output(path, baseline.render(written))
    total = sum(written.entries.values())
    ceilings = "".join(f", {rule} ceiling {count}" for rule, count in sorted(written.ceilings.items()))
    click.echo(f"ssot-lint: {message}; {shown} holds {total} finding{'s' * (total != 1)}{ceilings}")


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that, left after fixing, makes the exit code 1.")
@cache_options
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
    fail_on = fail_on or config.get("fail-on")
    result = fix(paths, config, ruleset, FixOptions(not diff, fail_on), no_cache, cache_dir)
    if diff:
        click.echo(render_diff(result), nl=False)
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


@main.command()
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
def history(rev_range: str | None, config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...],
            every: int | None, by: str | None, first_parent: bool, max_commits: int, rules_at_commit: bool, top: int,
            show_timings: bool, no_color: bool, no_cache: bool, cache_dir: Path | None) -> None:
    """Counts per rule and per file at each commit of REV_RANGE (default HEAD), read from git
    without a checkout and stored in .ssot-lint/history.db."""
    from ssot_lint.history.commands import run_history
    from ssot_lint.history.walk import HistoryOptions

    if every and by:
        raise click.UsageError("--every and --by cannot be combined")
    config, ruleset = _trend_rules(config_path, rule_files, select, ignore, rules_at_commit)
    options = HistoryOptions(rev_range, every, by, first_parent, max_commits, rules_at_commit,
                             _split_ids(select), _split_ids(ignore), config.get("fail-on"))
    with project_cache(config, no_cache, cache_dir) as cache:
        run_history(config, ruleset, options, cache, use_color(no_color), show_timings, top)


@main.command()
@rule_options
@click.option("--format", "fmt", type=click.Choice(["terminal", "html", "markdown", "csv", "json"]), default="terminal", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@click.option("--rules-at-commit", is_flag=True, help="Show the snapshots computed with `history --rules-at-commit`.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="Files listed with the most findings.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
def trend(config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...], fmt: str,
          output: Path | None, rules_at_commit: bool, top: int, no_color: bool) -> None:
    """Report the stored history of the current rules: HTML, Markdown, CSV, JSON or a terminal view."""
    from ssot_lint.history.commands import run_trend, trend_series

    config, ruleset = _trend_rules(config_path, rule_files, select, ignore, rules_at_commit)
    series = trend_series(config, None if rules_at_commit else ruleset, _split_ids(select), _split_ids(ignore))
    run_trend(config, series, fmt, output, top, use_color(no_color))


def _trend_rules(config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...],
                 rules_at_commit: bool) -> tuple[Config, RuleSet]:
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


main.add_command(cache_group)
