"""The Python API: everything the command line, the pytest plugin and the language server do goes
through these functions, so a script gets exactly what ``ssot-lint check`` would report.

    >>> import ssot_lint
    >>> result = ssot_lint.check(["fixtures"])
    >>> result.exit_status, len(result.findings)

Policy lives here, not in the shells: suppression comments (applied in aggregation), unused
suppressions, the baseline ratchet and the exit status.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ssot_lint.ci import baseline as baselines
from ssot_lint.ci import suppressions
from ssot_lint.ci.coverage import Coverage, project_wide
from ssot_lint.ci.fingerprint import with_fingerprints
from ssot_lint.config.rulefile import RuleSet, load_rule_files
from ssot_lint.config.settings import Config, load_config
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, ConfigError
from ssot_lint.model import Finding, Report
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.run.cache import ResultCache

if TYPE_CHECKING:  # fixing imports libcst: only when something is fixed
    from ssot_lint.fix.engine import FixResult

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


def shown_path(path: Path) -> str:
    """``path`` as the user would type it from the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def load_rules(paths: Sequence[PathLike], *, select: Sequence[str] = (), ignore: Sequence[str] = (), observer: Observer = NULL_OBSERVER) -> RuleSet:
    """Rules from rule files; ``select``/``ignore`` keep rules by id prefix, as on the command line."""
    files = [Path(p).resolve() for p in paths]
    for given, path in zip(paths, files):
        if not path.is_file():
            raise ConfigError(f"rule file not found: {given}")
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
    ``cwd``) and its rules. ``rules``: extra rule files, or a ready ``RuleSet`` that replaces the
    configured ones."""
    if isinstance(config, Config):
        settings = config
    else:
        settings = load_config(Path(config) if config is not None else None, Path(cwd) if cwd is not None else None, observer)
    if isinstance(rules, RuleSet):
        return Project(settings, rules.select(select, ignore))
    extra = [Path(p) for p in rules or ()]
    for path in extra:
        if not path.is_file():
            raise ConfigError(f"--rules: rule file not found: {path}")
    files = settings.rule_files + [p.resolve() for p in extra]
    ruleset = load_rule_files(files, {f: shown_path(f) for f in files}, observer).select(select, ignore)
    return Project(settings, ruleset)


@dataclass
class CheckResult:
    """What a check found and what it means.

    ``report`` holds the findings that count (after suppressions and the baseline); ``counted``
    the same run before the baseline hid known findings (what history snapshots store).
    ``exit_status`` is the command line's: 0 nothing at or above ``fail_on``, 1 findings (or a
    ceiling breached, or with ``strict`` a stale baseline)."""

    report: Report
    counted: Report
    coverage: Coverage
    project: Project
    fail_on: str
    exit_status: int
    stale_baseline: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def new(self) -> int:
        return len(self.report.findings)

    @property
    def baselined(self) -> int:
        return self.report.baseline.baselined if self.report.baseline else 0

    @property
    def fixed(self) -> int:
        """Baselined findings that are gone (the baseline can be tightened)."""
        return self.report.baseline.fixed if self.report.baseline else 0

    def counts(self) -> dict[str, int]:
        """Each rule's count as the summary table shows it (ceiling kinds: the family size)."""
        return {rule.id: rule.count for rule in self.report.rules}


def _project(
    config: PathLike | Config | Project | None, rules: Sequence[PathLike] | RuleSet | None, select: Sequence[str], ignore: Sequence[str], observer: Observer
) -> Project:
    if isinstance(config, Project):
        return Project(config.config, config.rules.select(select, ignore)) if select or ignore else config
    return load_project(config, rules=rules, select=select, ignore=ignore, observer=observer)


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


def _require_rules(ruleset: RuleSet) -> None:
    if not ruleset.rules:
        raise ConfigError("no rules loaded: set 'rule-files' in the config or pass --rules FILE")


def analyze(
    project: Project,
    paths: Sequence[PathLike] = (),
    *,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    jobs: int | None = None,
    per_file: bool = False,
    fail_on: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> tuple[Report, Coverage]:
    """Run the rules over ``paths`` (default: the project root): the raw report, before unused
    suppressions and the baseline, and what the run covered (so nothing unseen is judged)."""
    from ssot_lint.run.engine import RunOptions, run

    _require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    config = project.config
    rules = project.rules.rules
    given = [os.fspath(p) for p in paths]
    if per_file:
        if not given:
            raise ConfigError("--per-file needs the files to check")
        rules = [r for r in rules if not project_wide(r)]  # they need every file: not judged here
    whole = not per_file and (not given or any(Path(p).resolve() == config.root for p in given))
    with open_cache(config, cache, cache_dir, warn, observer) as result_cache:
        options = RunOptions(fail_on=fail_on or config.get("fail-on"), cache=result_cache, on_progress=on_progress, jobs=jobs, observer=observer)
        report = run(given or [str(config.root)], config, RuleSet(rules, project.rules.known), options)
    return report, Coverage.of(report.scanned, rules, whole, project.rules.known)


def check(
    paths: Sequence[PathLike] = (),
    *,
    config: PathLike | Config | Project | None = None,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    baseline: bool = True,
    strict: bool = False,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    jobs: int | None = None,
    fail_on: str | None = None,
    per_file: bool = False,
    report_unused_suppressions: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> CheckResult:
    """Check ``paths`` (default: the project root) as ``ssot-lint check`` does.

    ``config``: a config file, a loaded ``Config`` or ``Project`` (default: the nearest config
    above the working directory). ``rules``: extra rule files, or a ``RuleSet`` replacing the
    configured rules. ``baseline``: apply the configured baseline file when it exists.
    Warnings (an unusable cache, a baseline written for other rules) are collected in
    ``CheckResult.warnings`` and also passed to ``on_warning`` as they happen."""
    project = _project(config, rules, select, ignore, observer)
    collected: list[str] = []

    def warn(message: str) -> None:
        collected.append(message)
        if on_warning is not None:
            on_warning(message)

    fail_on = fail_on or project.config.get("fail-on")
    report, coverage = analyze(
        project,
        paths,
        cache=cache,
        cache_dir=cache_dir,
        jobs=jobs,
        per_file=per_file,
        fail_on=fail_on,
        on_progress=on_progress,
        on_warning=warn,
        observer=observer,
    )
    if report_unused_suppressions:
        known_ids = [r.id for r in project.rules.known]
        unused = with_fingerprints(suppressions.unused(report.suppressions, report.suppressed, known_ids, coverage.judges))
        report.findings = sorted(report.findings + unused, key=Finding.sort_key)
    counted = report
    path, shown = baseline_file(project.config)
    if baseline:
        observer.note(path)
    if baseline and path.is_file():
        report = baselines.apply(report, baselines.load(path, shown), shown, project.rules.known, coverage, fail_on)
        if report.baseline and report.baseline.changed_rules:
            warn(
                f"{shown} was written for other rule definitions ({'; '.join(report.baseline.changed_rules)}); "
                "their findings may show as new or fixed: run 'ssot-lint baseline' to accept them"
            )
    summary = report.baseline
    stale = strict and summary is not None and summary.stale > 0
    failing = failing_findings(report, fail_on) or bool(summary and summary.breaches) or stale
    return CheckResult(report, counted, coverage, project, fail_on, EXIT_FINDINGS if failing else EXIT_OK, stale, collected)


def failing_findings(report: Report, fail_on: str) -> bool:
    """Whether a finding at or above ``fail_on`` is in the report."""
    from ssot_lint.model import severity_rank

    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in report.findings)


def baseline_file(config: Config) -> tuple[Path, str]:
    """The configured baseline file and its path as shown to the user."""
    path = config.root / config.get("baseline")
    return path, shown_path(path)


def check_source(
    path: PathLike, code: str | bytes, rules: RuleSet | Sequence[PathLike] | None = None, *, config: PathLike | Config | Project | None = None
) -> list[Finding]:
    """Check one file's text (an editor's buffer, a generated file) as if it were at ``path``,
    with the per-file rules (project-wide rules need the other files: use ``check``). Findings
    carry ``path`` as given (relative to the project root when it lies inside it); suppression
    comments apply; a text that does not parse is one ``SSOT000`` finding."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.run.discovery import ModuleNamer, display_path
    from ssot_lint.run.engine import aggregate

    project = _project(config, rules if rules is not None else None, (), (), NULL_OBSERVER)
    absolute = os.path.abspath(os.fspath(path))
    try:
        relative = Path(absolute).relative_to(project.root).as_posix()
    except ValueError:
        relative = os.fspath(path)
    ref = ModuleNamer(project.config.src_roots).ref(absolute, display_path(relative))
    selected = [r for r in project.rules.rules if not project_wide(r) and r.in_scope(ref.path)]
    data = code.encode("utf-8") if isinstance(code, str) else code
    result = analyze_source(data, ref, selected)
    return aggregate(selected, [(ref, result)], project.config.get("fail-on")).findings


def fix(
    paths: Sequence[PathLike] = (),
    *,
    config: PathLike | Config | Project | None = None,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    write: bool = True,
    unsafe_fixes: bool = False,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    fail_on: str | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> FixResult:
    """Fix what can be fixed safely in ``paths`` (``write=False``: compute the fixes, write
    nothing; ``fix.render.render_diff(result)`` shows them); with ``unsafe_fixes``, the unsafe
    fixes too. Files are fixed in ``jobs`` worker processes (default: one per CPU), with the
    same result for any number. The result lists every finding left with the reason it was not
    fixed, and the report as the files are (or would be) after fixing."""
    from ssot_lint.fix.engine import FixOptions, fix_paths

    project = _project(config, rules, select, ignore, observer)
    _require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    fail_on = fail_on or project.config.get("fail-on")
    with open_cache(project.config, cache, cache_dir, warn, observer) as result_cache:
        result = fix_paths(
            [os.fspath(p) for p in paths] or [str(project.root)], project.config, project.rules, FixOptions(write, fail_on, result_cache, unsafe_fixes, jobs)
        )
    for warning in result.warnings:
        warn(warning)
    return result
