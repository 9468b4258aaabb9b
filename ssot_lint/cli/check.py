"""``ssot-lint check``: run the rules and report, with the baseline, suppressions and --fix."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ssot_lint.ci import baseline, suppressions
from ssot_lint.ci.fingerprint import with_fingerprints
from ssot_lint.cli.cache import cache_directory
from ssot_lint.cli.common import (
    analyse,
    baseline_file,
    cache_options,
    load_project,
    parse_outputs,
    rule_options,
    run_fixes,
    use_color,
    write_output,
)
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, ConfigError
from ssot_lint.model import SEVERITIES, Finding
from ssot_lint.replay import record as recording
from ssot_lint.report import FORMATS, FormatOptions, formatter
from ssot_lint.run.engine import failing
from ssot_lint.run.progress import format_timings


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option(
    "--output-format", "-o", "output_formats", multiple=True, metavar="FORMAT[:PATH]", help=f"One of {', '.join(FORMATS)}; repeat with :PATH to write several."
)
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
    outputs = parse_outputs(output_formats)
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    fail_on = fail_on or config.get("fail-on")
    if record and (per_file or any(Path(p).resolve() != config.root for p in paths)):
        raise ConfigError("--record stores the whole project's counts: run it without PATHS (or with the project root)")
    if apply_fixes:
        from ssot_lint.fix.engine import FixOptions, headline

        fixed = run_fixes(paths, config, ruleset, FixOptions(True, fail_on), no_cache, cache_dir)
        click.echo(f"ssot-lint: fix: {headline(fixed)}", err=True)
    report, coverage = analyse(paths, config, ruleset, fail_on, no_cache, cache_dir, per_file, jobs)
    reported = time.perf_counter()
    counted = report  # what --record stores: every finding, before the baseline hides old ones
    if report_unused_suppressions:
        known_ids = [r.id for r in ruleset.known]
        unused = with_fingerprints(suppressions.unused(report.suppressions, report.suppressed, known_ids, coverage.judges))
        report.findings = sorted(report.findings + unused, key=Finding.sort_key)
    path, shown = baseline_file(config)
    if not no_baseline:
        recording.note(path)
    if not no_baseline and path.is_file():
        report = baseline.apply(report, baseline.load(path, shown), shown, ruleset.known, coverage, fail_on)
        if report.baseline and report.baseline.changed_rules:
            click.echo(
                f"ssot-lint: warning: {shown} was written for other rule definitions ({'; '.join(report.baseline.changed_rules)}); "
                "their findings may show as new or fixed: run 'ssot-lint baseline' to accept them",
                err=True,
            )
    for name, target in outputs:
        options = FormatOptions(color=target is None and use_color(no_color), statistics=statistics, quiet=quiet)
        text = formatter(name)(report, options)
        if target is None:
            click.echo(text, nl=False)
        else:
            write_output(Path(target), text)
    summary = report.baseline
    stale = strict and summary is not None and summary.stale > 0
    if stale:
        click.echo(f"ssot-lint: --strict: {shown} has stale entries; run 'ssot-lint baseline --tighten'", err=True)
    if record:
        from ssot_lint.cli.history_actions import record_working_tree

        record_working_tree(config, ruleset, counted)
    if show_timings:
        counted.stats["report_seconds"] = time.perf_counter() - reported
        click.echo(format_timings(counted.stats), err=True, nl=False)
    if not (apply_fixes or record or show_timings or no_cache) and all(target is None for _, target in outputs):
        recording.allow(cache_directory(config, cache_dir))  # output is a function of what was noted
    sys.exit(EXIT_FINDINGS if failing(report, fail_on) or (summary and summary.breaches) or stale else EXIT_OK)
