"""A project as the API sees it: its config, its rules, what the config names for a run (the
result cache, the baseline file), and what the paths given to a run mean in it (the whole
project, or a partial run: ``ssot_lint.run.partial``). Every other module of the API starts
from a ``Project``."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ssot_lint.ci import baseline as baselines
from ssot_lint.ci.coverage import project_wide
from ssot_lint.config.rulefile import RuleSet, load_rule_files
from ssot_lint.config.settings import Config, load_config
from ssot_lint.config.tomlfile import shown_path
from ssot_lint.errors import ConfigError, not_a_file
from ssot_lint.model import FileRef
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.partial import Within, absolute_path, given_paths

if TYPE_CHECKING:
    from ssot_lint.kinds.base import Rule

PathLike = str | os.PathLike[str]
Warn = Callable[[str], None]


@dataclass
class Project:
    """A loaded configuration and the rules it (plus any extra rule files) defines."""

    config: Config
    rules: RuleSet

    @property
    def root(self) -> Path:
        return self.config.root

    def includes(self, path: PathLike) -> bool:
        """Whether ``ssot-lint check`` without paths covers the file at ``path`` (it need not
        exist yet): under the root, included, not excluded, not ignored by a ``.gitignore``."""
        from ssot_lint.run.discovery import in_project

        return in_project(absolute_path(path), self.config)

    @property
    def project_wide_ids(self) -> frozenset[str]:
        """The ids of the selected rules whose findings depend on other files (``check`` finds
        them; ``check_source`` leaves them out)."""
        return frozenset(rule.id for rule in self.rules.rules if project_wide(rule))

    def shown(self, path: PathLike) -> str:
        """The path findings in the file at ``path`` carry: relative to the root when inside it."""
        return buffer_ref(self, path)[1].path

    def explain(self, rule_id: str) -> str:
        """The text ``ssot-lint rules --explain ID`` prints: the rule, its kind's documentation
        and its examples."""
        from ssot_lint.report.rules import explain_rule

        for rule in self.rules.known:
            if rule.id == rule_id:
                return explain_rule(rule)
        raise ConfigError(f"no loaded rule has id {rule_id!r}")


def buffer_ref(project: Project, path: PathLike) -> tuple[str, FileRef]:
    """The absolute path and the ``FileRef`` (display path, module) of a file that may exist
    only in an editor: relative to the project root when it lies inside it, else as given."""
    from ssot_lint.run.module_names import ModuleNamer, display_path

    absolute = absolute_path(path)
    try:
        relative = Path(absolute).relative_to(project.root).as_posix()
    except ValueError:
        relative = os.fspath(path)
    return absolute, ModuleNamer(project.config.src_roots, root=project.root).ref(absolute, display_path(relative))


def load_rules(paths: Sequence[PathLike], *, select: Sequence[str] = (), ignore: Sequence[str] = (), observer: Observer = NULL_OBSERVER) -> RuleSet:
    """Rules from rule files; ``select``/``ignore`` keep rules by id prefix, as on the command line."""
    files = [Path(p).resolve() for p in paths]
    for given, path in zip(paths, files):
        problem = not_a_file(path)
        if problem is not None:
            raise ConfigError(f"rule file {problem}: {given}")
    return load_rule_files(files, {f: shown_path(f) for f in files}, observer).select(select, ignore)


def load_project(
    config: PathLike | Config | None = None,
    *,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    cwd: PathLike | None = None,
    observer: Observer = NULL_OBSERVER,
) -> Project:
    """The config file given (else the nearest ``ssot-lint.toml`` / ``pyproject.toml`` above
    ``cwd``) and its rules: those of its rule files, then its own ``[[rule]]`` tables. ``rules``:
    extra rule files, or a ready ``RuleSet`` that replaces the configured ones."""
    if isinstance(config, Config):
        settings = config
    else:
        settings = load_config(Path(config) if config is not None else None, Path(cwd) if cwd is not None else None, observer)
    if isinstance(rules, RuleSet):
        return Project(settings, rules.select(select, ignore))
    extra = [Path(p) for p in rules or ()]
    for path in extra:
        problem = not_a_file(path)
        if problem is not None:
            raise ConfigError(f"--rules: rule file {problem}: {path}")
    files = settings.rule_files + [p.resolve() for p in extra]
    ruleset = load_rule_files(files, {f: shown_path(f) for f in files}, observer, settings.inline_rules, settings.root).select(select, ignore)
    return Project(settings, ruleset)


def resolve_project(
    config: PathLike | Config | Project | None, rules: Sequence[PathLike] | RuleSet | None, select: Sequence[str], ignore: Sequence[str], observer: Observer
) -> Project:
    """The project an API call's ``config``/``rules`` arguments name (see ``load_project``); a
    ready ``Project`` is narrowed by ``select``/``ignore``."""
    if isinstance(config, Project):
        return Project(config.config, config.rules.select(select, ignore)) if select or ignore else config
    return load_project(config, rules=rules, select=select, ignore=ignore, observer=observer)


def require_rules(ruleset: RuleSet) -> None:
    """A run without rules is a usage error, not an empty pass."""
    if not ruleset.rules:
        raise ConfigError(ruleset.empty_message())


def cache_directory(config: Config, cache_dir: PathLike | None = None) -> Path:
    """``cache_dir``, else the config's ``cache-dir`` (relative to the project root)."""
    return Path(cache_dir) if cache_dir is not None else config.root / config.get("cache-dir")


@contextlib.contextmanager
def open_cache(config: Config, enabled: bool, cache_dir: PathLike | None, warn: Warn, observer: Observer = NULL_OBSERVER) -> Iterator[ResultCache | None]:
    """The result cache for one run (None when disabled or unusable). Its warnings go to
    ``warn`` once each, whether raised when opening it or during the run."""
    if not enabled:
        yield None
        return
    cache = ResultCache(cache_directory(config, cache_dir))
    shown = 0

    def flush() -> None:
        nonlocal shown
        for warning in cache.warnings[shown:]:
            observer.refuse()  # an unusable cache is a passing state: say so again next time
            warn(warning)
        shown = len(cache.warnings)

    flush()
    try:
        yield cache if cache.enabled else None
    finally:
        cache.close()
        flush()


def baseline_file(config: Config) -> tuple[Path, str]:
    """The configured baseline file and its path as shown to the user."""
    path = config.root / config.get("baseline")
    return path, shown_path(path)


def has_baseline(path: Path, shown: str) -> bool:
    """Whether there is a baseline file at ``path``. Something else there (a directory, a FIFO,
    a dangling symlink) is an error: taken for "no baseline", every baselined finding would come
    back as new with no word why."""
    if os.path.lexists(path) and not path.is_file():
        what = "a directory" if path.is_dir() else "a dangling symlink" if not path.exists() else "not a regular file"
        raise ConfigError(f"{shown}: cannot read the baseline: it is {what} (config key 'baseline')")
    return path.is_file()


_baselines: dict[tuple[str, int, int, int], baselines.Baseline] = {}


def load_baseline(path: Path, shown: str) -> baselines.Baseline:
    """The baseline file at ``path``, read again only when its size or times change (an editor
    checks a buffer on every keystroke)."""
    info = path.stat()
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if key not in _baselines:
        if len(_baselines) > 8:
            _baselines.clear()
        _baselines[key] = baselines.load(path, shown)
    return _baselines[key]


def partial_run(config: Config, paths: Sequence[PathLike], buffers: Mapping[str, bytes] | None = None) -> tuple[list[str], Within | None]:
    """``paths`` as a walk of the project spells them, and a partial run's ``Within`` (None when
    they are the whole project: none given, or the root among them). A path that does not exist
    (and is no buffer) is an error that names it as given."""
    for path in paths:
        if not os.path.lexists(path) and absolute_path(path) not in (buffers or {}):
            raise ConfigError(f"{os.fspath(path)}: no such file or directory")
    root = str(config.root)
    given = given_paths(paths, root)
    return given, None if not given or root in given else Within.of(given, root)


def judged_against_project(within: Within | None, rules: Sequence[Rule]) -> Within | None:
    """The ``within`` a run reports in, when it must analyze the whole project for it: only a
    project-wide rule needs files outside the paths given."""
    return within if within is not None and any(project_wide(r) for r in rules) else None


def compiled_named(project: Project, paths: Sequence[PathLike]) -> list[str]:
    """The files named in ``paths`` that a run takes in and are compiled extension modules
    (``util.pyx``, a built ``.so``): modules of the project whose names are unknown, never read,
    so ``check`` and ``fix`` say so rather than report nothing of them."""
    from ssot_lint.project.module_paths import compiled_stem
    from ssot_lint.run.discovery import discover

    named = [os.fspath(p) for p in paths if compiled_stem(os.path.basename(os.fspath(p))) is not None and os.path.isfile(p)]
    if not named:
        return []
    taken = {source.abspath for source in discover(named, project.config)}
    return [path for path in named if os.path.abspath(path) in taken]
