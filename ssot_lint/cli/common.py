"""What the commands share: rule and cache options, loading the project, running the analysis."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ssot_lint.ci.coverage import Coverage, project_wide
from ssot_lint.cli.cache import cache_directory
from ssot_lint.config.rulefile import RuleSet, load_rule_files
from ssot_lint.config.settings import Config, load_config
from ssot_lint.errors import ConfigError
from ssot_lint.model import Report
from ssot_lint.replay import record as recording
from ssot_lint.report import FORMATS
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.engine import RunOptions, run
from ssot_lint.run.progress import ProgressBar, interactive

if TYPE_CHECKING:  # fixing is imported when something is fixed: a check's start-up does without it
    from ssot_lint.fix.engine import FixOptions, FixResult


def split_ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command that loads rules shares."""
    func = click.option("--ignore", multiple=True, metavar="IDS", help="Comma-separated rule ids (or prefixes) to skip.")(func)
    func = click.option("--select", multiple=True, metavar="IDS", help="Comma-separated rule ids (or prefixes) to run.")(func)
    func = click.option(
        "--rules", "rule_files", multiple=True, type=click.Path(path_type=Path), help="Rule file to load (repeatable), in addition to the configured ones."
    )(func)
    func = click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file (default: nearest ssot-lint.toml or pyproject.toml).")(
        func
    )
    return func


def load_project(config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> tuple[Config, RuleSet]:
    config = load_config(config_path)
    for path in rule_files:
        if not path.is_file():
            raise ConfigError(f"--rules: rule file not found: {path}")
    files = config.rule_files + [p.resolve() for p in rule_files]
    display = {f: shown_path(f) for f in files}
    ruleset = load_rule_files(files, display).select(split_ids(select), split_ids(ignore))
    return config, ruleset


def shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def parse_outputs(values: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``FORMAT`` (to stdout) or ``FORMAT:PATH``; several may be given in one run."""
    known = FORMATS
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
        recording.refuse()  # an unusable cache is a passing state: say so again next time
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
    func = click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Result cache directory (default: .ssot-lint/cache in the project)."
    )(func)
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


def run_fixes(paths: tuple[str, ...], config: Config, ruleset: RuleSet, options: FixOptions, no_cache: bool, cache_dir: Path | None) -> FixResult:
    """Apply (or, for --diff, compute) the safe fixes; warnings go to stderr."""
    require_rules(ruleset)
    with project_cache(config, no_cache, cache_dir) as cache:
        from ssot_lint.fix.engine import fix_paths

        result = fix_paths(list(paths) or [str(config.root)], config, ruleset, dataclasses.replace(options, cache=cache))
    for warning in result.warnings:
        click.echo(f"ssot-lint: warning: {warning}", err=True)
    return result


def baseline_file(config: Config) -> tuple[Path, str]:
    path = config.root / config.get("baseline")
    return path, shown_path(path)
