"""What the commands share: their common options, the run's observer, output handling. The
work itself is ``ssot_lint.api``'s."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ssot_lint import api
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.errors import ConfigError
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.report import FORMATS
from ssot_lint.run.cache import ResultCache

shown_path = api.shown_path


def split_ids(values: tuple[str, ...], option: str) -> list[str]:
    """``--select A,B --select C`` as ``[A, B, C]``; an empty id (``--select ""``, ``--select A,``)
    is a usage error, as in ruff: left out, it would silently widen ``--select`` to every rule."""
    ids = [part.strip() for value in values for part in value.split(",")]
    if "" in ids:
        shown = ",".join(values)
        raise ConfigError(f"{option} {shown!r}: empty rule id (give rule ids or prefixes, comma-separated)")
    return ids


def observer() -> Observer:
    """The observer the executable passed in (the replay's recorder), else one that ignores all."""
    context = click.get_current_context(silent=True)
    found = context.find_object(Observer) if context is not None else None
    return found or NULL_OBSERVER


def warn(message: str) -> None:
    click.echo(f"ssot-lint: warning: {message}", err=True)


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config PATH``, passed as ``config_path``."""
    return click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file (default: nearest ssot-lint.toml or pyproject.toml).")(
        func
    )


def cache_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Result cache directory (default: the config's cache-dir, .ssot-lint/cache)."
    )(func)


def jobs_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")(func)


def no_color_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--no-color", is_flag=True, help="Never colour the output.")(func)


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command that loads rules shares."""
    func = click.option("--ignore", multiple=True, metavar="IDS", help="Comma-separated rule ids (or prefixes) to skip.")(func)
    func = click.option("--select", multiple=True, metavar="IDS", help="Comma-separated rule ids (or prefixes) to run.")(func)
    func = click.option(
        "--rules", "rule_files", multiple=True, type=click.Path(path_type=Path), help="Rule file to load (repeatable), in addition to the configured ones."
    )(func)
    return config_option(func)


def cache_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = cache_dir_option(func)
    return click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")(func)


def load_project(config_path: Path | None, rule_files: tuple[Path, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> tuple[Config, RuleSet]:
    project = api.load_project(config_path, rules=rule_files, select=split_ids(select, "--select"), ignore=split_ids(ignore, "--ignore"), observer=observer())
    return project.config, project.rules


def parse_outputs(values: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``FORMAT`` (to stdout) or ``FORMAT:PATH``; several may be given in one run."""
    outputs = []
    for value in values or ("text",):
        name, _, target = value.partition(":")
        if name not in FORMATS:
            raise click.BadParameter(f"unknown format {name!r} (known: {', '.join(FORMATS)})", param_hint="--output-format")
        outputs.append((name, target or None))
    if sum(1 for _, target in outputs if target is None) > 1:
        raise click.BadParameter("only one format can go to stdout; give the others a path (FORMAT:PATH)", param_hint="--output-format")
    # Two formats to one file: the second would overwrite the first without a word.
    seen: dict[str, tuple[str, str]] = {}
    for name, path in outputs:
        if path is not None:
            first = seen.setdefault(os.path.realpath(path), (name, path))
            if first[0] != name:
                raise ConfigError(f"--output-format: {first[0]}:{first[1]} and {name}:{path} write one file; give each format its own path")
    return outputs


def write_output(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


@contextlib.contextmanager
def project_cache(config: Config, no_cache: bool, cache_dir: Path | None) -> Iterator[ResultCache | None]:
    """The result cache for one command; its warnings go to stderr once each."""
    with api.open_cache(config, not no_cache, cache_dir, warn, observer()) as cache:
        yield cache
