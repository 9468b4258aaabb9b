"""``ssot-lint baseline`` and ``ssot-lint fix``: change what is recorded, or the code itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssot_lint import api
from ssot_lint.ci import baseline
from ssot_lint.cli.common import cache_options, load_project, observer, rule_options, warn, write_output
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, ConfigError
from ssot_lint.model import SEVERITIES


@click.command("baseline")
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
    report, coverage = api.analyze(api.Project(config, ruleset), paths, cache=not no_cache, cache_dir=cache_dir, on_warning=warn, observer=observer())
    path, shown = api.baseline_file(config)
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


@click.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes: unverified import rewrites and event reshaping.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that, left after fixing, makes the exit code 1.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@cache_options
def fix_command(
    paths: tuple[str, ...],
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    diff: bool,
    unsafe_fixes: bool,
    fail_on: str | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Fix the findings in PATHS (default: the project root) that can be fixed safely.

    Safe fixes are import rewrites verified against the project; --unsafe-fixes also applies
    the unsafe ones (imports whose replacement cannot be verified, event dicts reshaped). The
    diff goes to stdout, the summary (files changed, findings fixed, findings left with the
    reason each was not fixed) to stderr. Exit 1 when a finding at or above --fail-on is left
    (fixable or not: the verdict `check` would now give) or, with --diff, when a file would
    change; 0 otherwise.
    """
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    fail_on = fail_on or config.get("fail-on")
    from ssot_lint.fix.render import exit_status, render_diff, render_summary

    project = api.Project(config, ruleset)
    result = api.fix(
        paths,
        config=project,
        write=not diff,
        unsafe_fixes=unsafe_fixes,
        jobs=jobs,
        cache=not no_cache,
        cache_dir=cache_dir,
        fail_on=fail_on,
        on_warning=warn,
        observer=observer(),
    )
    if diff:
        click.echo(render_diff(result), nl=False)
    click.echo(render_summary(result), err=True, nl=False)
    sys.exit(EXIT_FINDINGS if exit_status(result, fail_on) else EXIT_OK)
