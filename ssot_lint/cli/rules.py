"""``ssot-lint rules`` and ``ssot-lint test-rules``: show the loaded rules (and check their import
mappings against the project), run their examples."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssot_lint import api
from ssot_lint.cli.common import cache_options, config_option, jobs_option, load_project, observer, rule_options, shown_path, split_ids, use_color, warn
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.config.settings import load_config
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, ConfigError, not_a_file


@click.command("rules")
@rule_options
@click.option("--explain", metavar="ID|KIND", help="Show one loaded rule in full, or a rule kind's documentation with a [[rule]] to paste.")
@click.option("--kinds", "list_kinds", is_flag=True, help="List the rule kinds (built-in and plugins); reads no config.")
@click.option(
    "--check",
    "check_mappings",
    is_flag=True,
    help="Verify the rules' import mappings against the project: warn where a replacement does not exist or is another kind of thing (exit 1).",
)
@jobs_option
@cache_options
def rules_command(
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    explain: str | None,
    list_kinds: bool,
    check_mappings: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """List the loaded rules, explain one rule or kind, list the kinds, or (--check) verify the
    rules' import mappings against the project as `ssot-lint fix` will verify each rewrite."""
    from ssot_lint.kinds import available_kinds, find_kind, kind_names
    from ssot_lint.report.rules import explain_kind, explain_rule, kinds_table, rules_table

    if sum((list_kinds, explain is not None, check_mappings)) > 1:
        raise click.UsageError("--kinds, --explain and --check cannot be combined")
    if check_mappings:
        _check_mappings(config_path, rule_files, select, ignore, jobs, no_cache, cache_dir)
        return
    if list_kinds:
        click.echo(kinds_table(list(available_kinds().values()), use_color(False)), nl=False)
        return
    if explain:
        kind = find_kind(explain, observer())  # a kind needs no config: this works anywhere
        if kind is not None:
            click.echo(explain_kind(kind), nl=False)
            return
    _, ruleset = load_project(config_path, rule_files, select, ignore)
    if explain:
        matches = [r for r in ruleset.rules if r.id == explain]
        if not matches:
            raise ConfigError(f"--explain: no loaded rule has id {explain!r}, and no rule kind is named so (kinds: {', '.join(kind_names(observer()))})")
        click.echo(explain_rule(matches[0]), nl=False)
    else:
        click.echo(rules_table(ruleset.rules, use_color(False)), nl=False)


def _check_mappings(
    config_path: Path | None,
    rule_files: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """One line per mapping a fix will refuse (``file:line: ID message``), then the count;
    exit 1 when there is any."""
    from ssot_lint.report import plural

    project = api.load_project(config_path, rules=rule_files, select=split_ids(select, "--select"), ignore=split_ids(ignore, "--ignore"), observer=observer())
    checked = api.check_mappings(config=project, jobs=jobs, cache=not no_cache, cache_dir=cache_dir, on_warning=warn, observer=observer())
    for warning in checked.warnings:
        click.echo(str(warning))
    click.echo(f"{plural(checked.checked, 'mapping')} checked, {plural(len(checked.warnings), 'warning')}")
    sys.exit(EXIT_FINDINGS if checked.warnings else EXIT_OK)


@click.command("test-rules")
@click.argument("rule_files", nargs=-1, type=click.Path(path_type=Path))
@config_option
def test_rules(rule_files: tuple[Path, ...], config_path: Path | None) -> None:
    """Run the examples embedded in RULE_FILES (default: the configured rule files and the
    config's own [[rule]] tables)."""
    from ssot_lint.kinds.examples import run_example

    for path in rule_files:
        problem = not_a_file(path)
        if problem is not None:
            raise ConfigError(f"rule file {problem}: {path}")
    files = [p.resolve() for p in rule_files]
    inline = None
    if not files:
        config = load_config(config_path, observer=observer())
        files, inline = config.rule_files, config.inline_rules
    if not files and inline is None:
        raise ConfigError("no rule files given or configured")
    ruleset = load_rule_files(files, {f: shown_path(f) for f in files}, observer(), inline)
    total = failed = 0
    for rule in ruleset.rules:
        if not rule.meta.examples:
            warn(f"{rule.meta.origin}:{rule.meta.line}: rule {rule.id} has no examples")
        for example in rule.meta.examples:
            total += 1
            outcome = run_example(rule, example)
            if not outcome.passed:
                failed += 1
                click.echo(f"FAIL {rule.meta.origin}:{example.line}: {rule.id}: {outcome.explain()}")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)
