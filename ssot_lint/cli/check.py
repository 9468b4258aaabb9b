"""``ssot-lint check``: run the rules and report, with the baseline, suppressions and --fix."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from ssot_lint import api
from ssot_lint.cli.common import cache_options, jobs_option, load_project, no_color_option, observer, parse_outputs, rule_options, use_color, warn, write_output
from ssot_lint.cli.stdin import not_in_project, read_stdin, stdin_option, stdin_path
from ssot_lint.errors import ConfigError
from ssot_lint.model import SEVERITIES
from ssot_lint.project.module_paths import COMPILED_NOT_ANALYZED
from ssot_lint.replay.record import Recording
from ssot_lint.report import FORMATS, FormatOptions, formatter
from ssot_lint.run.progress import ProgressBar, format_timings, interactive


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@rule_options
@click.option(
    "--output-format", "-o", "output_formats", multiple=True, metavar="FORMAT[:PATH]", help=f"One of {', '.join(FORMATS)}; repeat with :PATH to write several."
)
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule only.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@no_color_option
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that makes the exit code 1 (default: warning).")
@cache_options
@click.option("--no-baseline", is_flag=True, help="Report every finding, ignoring the baseline file.")
@click.option("--strict", is_flag=True, help="Also fail when baselined findings are fixed but still in the baseline.")
@click.option("--per-file", is_flag=True, help="Analyze only the given files and skip project-wide rules (pre-commit's fast path).")
@click.option("--report-unused-suppressions", is_flag=True, help="Report '# ssot: ignore' comments that silence nothing (SSOT001).")
@click.option("--check-syntax", is_flag=True, help="Parse every file in scope in full: a syntax error anywhere is SSOT000 (else only what rules read).")
@click.option("--record", is_flag=True, help="Also store the counts as a 'working tree' snapshot for `ssot-lint trend`.")
@click.option("--fix", "apply_fixes", is_flag=True, help="Fix what can be fixed safely first (as `ssot-lint fix`), then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: apply unsafe fixes too (as `ssot-lint fix --unsafe-fixes`).")
@jobs_option
@click.option("--show-timings", is_flag=True, help="Print file counts and seconds per phase to stderr.")
@stdin_option
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
    check_syntax: bool,
    record: bool,
    apply_fixes: bool,
    unsafe_fixes: bool,
    jobs: int | None,
    show_timings: bool,
    stdin_filename: str | None,
) -> None:
    """Check PATHS (default: the project root) against the loaded rules.

    Given PATHS, the findings a run over the whole project reports in them are reported: the
    project-wide rules are judged against the whole project (the rest of it read from the cache).

    With a baseline file (config key 'baseline', default .ssot-baseline.json) only new findings
    are reported and fail. With '-' as the path and --stdin-filename PATH, the text on stdin is
    checked as the file at PATH, in the project as it is on disk; only its findings are reported."""
    outputs = parse_outputs(output_formats)
    stdin = stdin_path(paths, stdin_filename)
    config, ruleset = load_project(config_path, rule_files, select, ignore)
    project = api.Project(config, ruleset)
    fail_on = fail_on or config.get("fail-on")
    buffers: dict[api.PathLike, str | bytes] | None = None
    if stdin is not None and stdin_filename is not None:
        if apply_fixes:
            raise ConfigError("--fix does not read stdin: `ssot-lint fix --stdin-filename PATH -` prints the fixed text")
        if record:
            raise ConfigError("--record stores the whole project's counts: it cannot take the file on stdin")
        buffers = {stdin: read_stdin(stdin_filename)}
        if not project.includes(stdin):
            not_in_project(stdin_filename)
            sys.exit(0)
        paths = (stdin,)  # a partial run over the one file: judged against the project
    if record and (per_file or any(Path(p).resolve() != config.root for p in paths)):
        raise ConfigError("--record stores the whole project's counts: run it without PATHS (or with the project root)")
    if unsafe_fixes and not apply_fixes:
        raise ConfigError("--unsafe-fixes applies only with --fix")
    if apply_fixes:
        from ssot_lint.fix.render import headline, unsafe_hint

        fixed = api.fix(
            paths,
            config=project,
            write=True,
            unsafe_fixes=unsafe_fixes,
            jobs=jobs,
            cache=not no_cache,
            cache_dir=cache_dir,
            fail_on=fail_on,
            on_warning=lambda message: None if message.endswith(COMPILED_NOT_ANALYZED) else warn(message),  # the check below says it once
            observer=observer(),
        )
        click.echo(f"ssot-lint: fix: {headline(fixed)}" + (f"; {unsafe_hint(fixed.unsafe_left)}" if fixed.unsafe_left else ""), err=True)
    skipped = [r.id for r in ruleset.rules if r.id in project.project_wide_ids] if per_file and paths else []
    if skipped and not quiet:  # pre-commit runs --per-file once per batch: with -q, only findings
        click.echo(f"ssot-lint: --per-file: skipped project-wide rules {', '.join(skipped)} (run the whole project for them)", err=True)
    progress = ProgressBar(interactive(), observer=observer())
    try:
        result = api.check(
            paths,
            config=project,
            baseline=not no_baseline,
            strict=strict,
            cache=not no_cache,
            cache_dir=cache_dir,
            jobs=jobs,
            fail_on=fail_on,
            per_file=per_file,
            report_unused_suppressions=report_unused_suppressions,
            check_syntax=check_syntax,
            on_progress=progress,
            on_warning=warn,
            observer=observer(),
            buffers=buffers,
        )
    finally:
        progress.close()
    reported = time.perf_counter()
    report = result.report
    for name, target in outputs:
        options = FormatOptions(color=target is None and use_color(no_color), statistics=statistics, quiet=quiet, cwd=(str(config.root), os.getcwd()))
        text = formatter(name)(report, options)
        if target is None:
            click.echo(text, nl=False)
        else:
            write_output(Path(target), text)
    if result.stale_baseline:
        _, shown = api.baseline_file(config)
        click.echo(f"ssot-lint: --strict: {shown} has stale entries; run 'ssot-lint baseline --tighten'", err=True)
    if record:
        from ssot_lint.cli.history import record_working_tree

        record_working_tree(config, ruleset, result.counted)
    if show_timings:
        result.counted.stats["report_seconds"] = time.perf_counter() - reported
        click.echo(format_timings(result.counted.stats), err=True, nl=False)
    recorder = observer()
    if isinstance(recorder, Recording) and not (apply_fixes or record or show_timings or no_cache or stdin) and all(target is None for _, target in outputs):
        recorder.allow(api.cache_directory(config, cache_dir))  # output is a function of what was noted
    sys.exit(result.exit_status)
