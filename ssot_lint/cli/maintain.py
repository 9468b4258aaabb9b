"""``ssot-lint baseline`` and ``ssot-lint fix``: change what is recorded, or the code itself."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from ssot_lint import api
from ssot_lint.ci import baseline
from ssot_lint.cli.common import cache_options, load_project, observer, rule_options, warn, write_output
from ssot_lint.cli.stdin import not_in_project, read_stdin, stdin_option, stdin_path
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
    previous = baseline.load(path, shown) if api.has_baseline(path, shown) else None
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
    families = Counter(rule for (_, rule, _), count in written.members.items() for _ in range(count))
    known = "".join(f", {rule} family of {count} (at or under its max)" for rule, count in sorted(families.items()))
    click.echo(f"ssot-lint: {message}; {shown} holds {total} finding{'s' * (total != 1)}{ceilings}{known}")


@click.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes: unverified import rewrites and event reshaping.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that, left after fixing, makes the exit code 1.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@cache_options
@stdin_option
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
    stdin_filename: str | None,
) -> None:
    """Fix the findings in PATHS (default: the project root) that can be fixed safely.

    Only files in PATHS are changed; what is left there is judged against the whole project, as
    'check PATHS' judges it.

    Safe fixes are import rewrites verified against the project; --unsafe-fixes also applies
    the unsafe ones (imports whose replacement cannot be verified, event dicts reshaped). The
    diff goes to stdout, the summary (files changed, findings fixed, findings left with the
    reason each was not fixed) to stderr. Exit 1 when a finding at or above --fail-on is left
    that the baseline does not hold (fixable or not: the verdict `check` would now give) or,
    with --diff, when a file would change; 0 otherwise. With '-' as the path and --stdin-filename PATH, the text on stdin is
    fixed as the file at PATH and printed (or its diff), and nothing is written.
    """
    stdin = stdin_path(paths, stdin_filename)
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    fail_on = fail_on or config.get("fail-on")
    from ssot_lint.fix.render import exit_status, render_diff, render_summary

    project = api.Project(config, ruleset)
    if stdin is not None and stdin_filename is not None:
        fix_stdin(project, stdin, stdin_filename, diff, fail_on, no_cache, cache_dir, unsafe_fixes)
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


def fix_stdin(
    project: api.Project, path: str, shown: str, diff: bool, fail_on: str, no_cache: bool, cache_dir: Path | None, unsafe_fixes: bool = False
) -> None:
    """``fix --stdin-filename PATH -``: the fixed text (or its diff) on stdout; what is left, as
    ``check --stdin-filename`` would now report it, on stderr; exit as ``fix`` does."""
    from ssot_lint.fix.engine import FileFix, FixResult, Reasons, left_with_reason
    from ssot_lint.fix.render import render_diff
    from ssot_lint.model import FileRef

    data = read_stdin(shown)
    if not project.includes(path):
        not_in_project(shown)
        if not diff:
            sys.stdout.buffer.write(data)  # an editor that pipes its buffer through gets it back whole
        sys.exit(EXIT_OK)
    fixed = api.fix_source(path, data, config=project, unsafe_fixes=unsafe_fixes, cache=not no_cache, cache_dir=cache_dir, on_warning=warn)
    if fixed.refused:
        warn(f"{shown}: not fixed: {fixed.refused}")
    after = fixed.code if isinstance(fixed.code, bytes) else data
    left = api.check(
        (path,), config=project, buffers={path: after}, cache=not no_cache, cache_dir=cache_dir, fail_on=fail_on, on_warning=warn, observer=observer()
    )
    if diff:
        change = FileFix(
            FileRef(project.shown(path), "", False), data, after, fixed.fixed, unsafe_fixed=fixed.unsafe_fixed, notes=fixed.notes, partly=fixed.partly
        )
        click.echo(render_diff(FixResult([change] if after != data else [], left.report, [])), nl=False)
    else:
        sys.stdout.buffer.write(after)
        sys.stdout.flush()
    would = "would be " if diff else ""
    findings = left.report.findings
    summary = f"{fixed.fixed} finding{'s' * (fixed.fixed != 1)} {would}fixed, {len(findings)} finding{'s' * (len(findings) != 1)} {would}left"
    summary += f" ({fixed.partly} partly fixed)" if fixed.partly else ""
    # Each finding left with the reason its fix gave, as `fix` on files lists them.
    paths = {f.path for f in findings}  # the one file, as check names it
    reasons: Reasons = {(path, rule_id, line, col, ""): (reason, unsafe) for path in paths for rule_id, line, col, reason, unsafe in fixed.reasons}
    reasons.update({(path, rule_id, line, col, anchor): (why, unsafe) for path in paths for rule_id, line, col, anchor, why, unsafe in fixed.anchored})
    fixable = {rule.id for rule in project.rules.rules if rule.fixable}
    kinds = {rule.id: rule.kind for rule in project.rules.rules}
    refusal = {f.path: f"not fixed: {fixed.refused}" for f in findings} if fixed.refused else {}
    touched = {f.path for f in findings} if after != data else set()
    failed = {(f.path, rule_id): f"not fixed: {why}" for f in findings for rule_id, why in fixed.failed}
    lines = [f"  {f.path}:{f.line}:{f.col}: {f.rule_id} {left_with_reason(f, reasons, fixable, kinds, refusal, touched, failed).reason}" for f in findings]
    lines += [f"  {project.shown(path)}:{line}:{col}: {rule_id} {note}" for rule_id, line, col, note in fixed.notes]  # on the unsafe fixes applied
    click.echo("\n".join([summary + (":" if findings or fixed.notes else "."), *lines]), err=True)
    sys.exit(EXIT_FINDINGS if left.exit_status or (diff and after != data) else EXIT_OK)
