"""``ssot-lint init``: survey a project's SSOT debt and write a starter rule file."""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path

import click

from ssot_lint import api
from ssot_lint.cli.common import jobs_option, observer, warn
from ssot_lint.report import plural
from ssot_lint.run.progress import ProgressBar, interactive


@click.command("init")
@click.argument("path", default=".", type=click.Path(path_type=Path))  # not a directory: api.init's one-line error
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Rule file to write (default: ssot-rules.toml in PATH); never overwritten.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", help="How to print the survey.")
@click.option("--baseline", "record_baseline", is_flag=True, help="Also record today's findings of the new rules, so 'ssot-lint check' passes right after.")
@click.option("--no-write", is_flag=True, help="Print the survey only; write nothing (no rule file, config, baseline or result cache).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@jobs_option
def init_command(path: Path, output: Path | None, output_format: str, record_baseline: bool, no_write: bool, no_cache: bool, jobs: int | None) -> None:
    """Survey the project at PATH (default: .) for the SSOT debt it declares and shows, print a
    ranked report, and write a starter rule file (ssot-rules.toml) with a config pointing at it.

    Derived: a declared-deprecation rule; a deprecated-import rule for the declared deprecations
    whose replacement resolves; single-implementation rules for the largest class families by
    name stem (max = today's count); duplicate-definition for class names in 3+ modules; event
    shapes as a commented-out event-schema rule; the project-wide kinds."""
    from ssot_lint.survey.render import to_json, to_text

    progress = ProgressBar(interactive(), observer=observer())
    try:
        result = api.init(
            path,
            output=output,
            write=not no_write,
            baseline=record_baseline,
            cache=not (no_cache or no_write),
            jobs=jobs,
            on_progress=progress,
            on_warning=warn,
        )
    finally:
        progress.close()
    written = result.written
    if output_format == "json":
        click.echo(to_json(result.survey, dataclasses.asdict(written) if written else None), nl=False)
    else:
        click.echo(to_text(result.survey), nl=False)
    if written is None:
        return
    left_out = [f"left out {item}" for item in written.left_out]
    if not written.rule_count:
        for line in [*left_out, "nothing written: the rules the config loads already cover every rule the starter would propose"]:
            click.echo(f"ssot-lint: init: {line}", err=True)
        return
    lines = [f"wrote {written.rules} ({plural(written.rule_count, 'rule')})", *left_out]
    if written.config:
        lines.append(f"wrote {written.config}")
    if written.baseline:
        lines.append(f"recorded {plural(written.baselined, 'finding')} in {written.baseline}")
    if written.config_hint:
        lines.append(written.config_hint)
    # Both commands find the config from the working directory: from elsewhere they would test
    # and run some other project's rules, so the hint starts in the project surveyed.
    there = "" if path.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(path))} && "
    lines.append(
        f"next: '{there}ssot-lint test-rules' runs the rules' examples; '{there}ssot-lint check' runs them"
        + ("" if written.baseline else " (add --baseline to 'init', or run 'ssot-lint baseline', to fail only on new findings)")
    )
    for line in lines:
        click.echo(f"ssot-lint: init: {line}", err=True)
