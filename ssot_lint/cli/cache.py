"""``ssot-lint cache info`` and ``ssot-lint cache clear``."""

from __future__ import annotations

from pathlib import Path

import click

from ssot_lint.api import cache_directory
from ssot_lint.cli.common import cache_dir_option, config_option, warn
from ssot_lint.config.settings import load_config
from ssot_lint.errors import ConfigError
from ssot_lint.replay import record as recording
from ssot_lint.report import plural
from ssot_lint.run.cache import ResultCache


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _open(directory: Path) -> ResultCache:
    cache = ResultCache(directory)
    for warning in cache.warnings:
        warn(warning)
    return cache


@click.group("cache")
def cache_group() -> None:
    """Inspect or clear the result cache."""


@cache_group.command("info")
@config_option
@cache_dir_option
def info(config_path: Path | None, cache_dir: Path | None) -> None:
    """Where the cache is, how many results it holds and its size on disk."""
    directory = cache_directory(load_config(config_path), cache_dir)
    if not (directory / "results.sqlite").exists():
        click.echo(f"location: {directory / 'results.sqlite'}\nentries:  0\nsize:     0 B (no cache yet)")
        return
    cache = _open(directory)
    try:
        details = cache.info()
    finally:
        cache.close()
    click.echo(f"location: {details['path']}\nentries:  {details['entries']}\nsize:     {_size(details['bytes'])}")


@cache_group.command("clear")
@config_option
@cache_dir_option
def clear(config_path: Path | None, cache_dir: Path | None) -> None:
    """Delete every cached result and replay memo (safe while other runs use the cache)."""
    directory = cache_directory(load_config(config_path), cache_dir)
    recording.forget(directory)
    if not (directory / "results.sqlite").exists():
        click.echo(f"no cache at {directory / 'results.sqlite'}")
        return
    cache = _open(directory)
    try:
        if not cache.enabled:
            raise ConfigError(f"cannot clear the cache at {cache.path}")
        removed = cache.clear()
    finally:
        cache.close()
    click.echo(f"cleared {plural(removed, 'entry', 'entries')} from {cache.path}")
