"""``check`` and ``analyze``: a run over the project or some of its paths, and the policy every
shell shares after it: unused suppressions, the baseline ratchet, the exit status."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ssot_lint.api.project import (
    PathLike,
    Project,
    Warn,
    baseline_file,
    compiled_named,
    has_baseline,
    judged_against_project,
    load_baseline,
    open_cache,
    partial_run,
    require_rules,
    resolve_project,
)
from ssot_lint.api.source import source_bytes
from ssot_lint.ci import baseline as baselines
from ssot_lint.ci import suppressions
from ssot_lint.ci.coverage import Coverage, project_wide
from ssot_lint.ci.fingerprint import with_fingerprints
from ssot_lint.config.globs import unmatched
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.config.tomlfile import shown_path
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, ConfigError
from ssot_lint.model import Finding, Report
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.project.module_paths import COMPILED_NOT_ANALYZED
from ssot_lint.run.partial import Within, absolute_path

if TYPE_CHECKING:
    pass


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
    buffers: Mapping[PathLike, str | bytes] | None = None,
    check_syntax: bool = False,
) -> tuple[Report, Coverage]:
    """Run the rules over ``paths`` (default: the project root): the raw report, before unused
    suppressions and the baseline, and what the run covered (so nothing unseen is judged).
    A partial run (``paths`` that are not the root) reports the findings a whole-project run
    reports in ``paths``: with a project-wide rule selected, the rest of the project is analyzed
    too (from the cache) and aggregated over (``ssot_lint.run.partial``). ``per_file``: skip the
    project-wide rules and analyze only ``paths``. ``buffers``, ``check_syntax``: see ``check``."""
    from ssot_lint.run.discovery import unfollowed_links
    from ssot_lint.run.engine import run
    from ssot_lint.run.options import RunOptions

    require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    config = project.config
    rules = project.rules.rules
    contents = {absolute_path(path): source_bytes(code) for path, code in (buffers or {}).items()}
    given, within = partial_run(config, paths, contents)
    for note in unfollowed_links(paths, config):
        warn(note)
    if per_file:
        if not given:
            raise ConfigError("--per-file needs the files to check")
        rules = [r for r in rules if not project_wide(r)]  # they need every file: not judged here
        if within is None:  # the root given: its files are the ones to check
            within = Within.of(given, str(config.root))
    whole = within is None
    if contents:
        observer.refuse()  # the output depends on text that is on no disk
    with open_cache(config, cache, cache_dir, warn, observer) as result_cache:
        options = RunOptions(
            fail_on=fail_on or config.get("fail-on"),
            cache=result_cache,
            on_progress=on_progress,
            jobs=jobs,
            observer=observer,
            buffers=contents,
            check_syntax=check_syntax,
            within=judged_against_project(within, rules),
        )
        report = run(given or [str(config.root)], config, RuleSet(rules, project.rules.known), options)
    return report, Coverage.of(report.scanned, rules, whole, project.rules.known, within)


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
    buffers: Mapping[PathLike, str | bytes] | None = None,
    check_syntax: bool = False,
) -> CheckResult:
    """Check ``paths`` (default: the project root) as ``ssot-lint check`` does: a run over some
    paths reports the findings a whole-project run reports in them (see ``analyze``).

    ``config``: a config file, a loaded ``Config`` or ``Project`` (default: the nearest config
    above the working directory). ``rules``: extra rule files, or a ``RuleSet`` replacing the
    configured rules. ``baseline``: apply the configured baseline file when it exists.
    Warnings (an unusable cache, a baseline written for other rules) are collected in
    ``CheckResult.warnings`` and also passed to ``on_warning`` as they happen.

    ``buffers`` maps paths to the text to check instead of what is on disk (an editor's unsaved
    buffers; ``str`` is encoded as its coding cookie says). A buffer whose file does not exist
    yet is checked where a walk of ``paths`` would find it. Every other file's result comes from
    the cache as usual, so project-wide rules see the buffers at the cost of analyzing them.

    ``check_syntax``: parse every file in scope in full, so a syntax error anywhere is SSOT000
    (otherwise only what the rules read is parsed; ``Report.unparsed`` lists the rest)."""
    project = resolve_project(config, rules, select, ignore, observer)
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
        buffers=buffers,
        check_syntax=check_syntax,
    )
    compiled = compiled_named(project, paths)
    rest = [p for p in paths if os.fspath(p) not in compiled]
    if not report.scanned and (rest or not paths):  # as ruff does: a warning, not an error (a hook may pass only excluded files)
        where = ", ".join(os.fspath(p) for p in rest) or shown_path(project.root)
        warn(f"no files to check in {where}: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore){_links_note(project, rest)}")
    elif report.scanned and coverage.whole_project:
        for message in _paths_matching_nothing(project, report.scanned):
            warn(message)
    for named in compiled:  # in scope, but no text to read: "none is in scope" would send the user to the config
        warn(f"{named}: not checked: {COMPILED_NOT_ANALYZED}")
    if report_unused_suppressions:
        known_ids = [r.id for r in project.rules.known]
        from ssot_lint.run.aggregation import with_own_rows

        unused = with_fingerprints(suppressions.unused(report.suppressions, report.suppressed, known_ids, coverage.judges))
        report.findings = sorted(report.findings + unused, key=Finding.sort_key)
        with_own_rows(report, fail_on)
    counted = report
    path, shown = baseline_file(project.config)
    if baseline:
        observer.note(path)
    if baseline and has_baseline(path, shown):
        report = baselines.apply(report, load_baseline(path, shown), shown, project.rules.known, coverage, fail_on)
        if report.baseline and report.baseline.changed_rules:
            warn(
                f"{shown} was written for other rule definitions ({'; '.join(report.baseline.changed_rules)}); "
                "their findings may show as new or fixed: run 'ssot-lint baseline' to accept them"
            )
    summary = report.baseline
    stale = strict and summary is not None and summary.stale > 0
    from ssot_lint.run.aggregation import fails_check

    failing = fails_check(report, fail_on) or stale
    return CheckResult(report, counted, coverage, project, fail_on, EXIT_FINDINGS if failing else EXIT_OK, stale, collected)


def _links_note(project: Project, paths: Sequence[PathLike]) -> str:
    """What a run that found no file passed over: symlinked directories, which are not followed."""
    from ssot_lint.run.discovery import discover

    links: list[str] = []
    try:
        discover([os.fspath(p) for p in paths] or [str(project.root)], project.config, links)
    except ConfigError:
        return ""
    if not links:
        return ""
    shown = ", ".join(links[:3]) + (f", … ({len(links)} in all)" if len(links) > 3 else "")
    return f"; symlinked directories are not followed: {shown}"


def _paths_matching_nothing(project: Project, scanned: Sequence[str]) -> list[str]:
    """A rule's ``paths`` globs that no file in scope matches: a warning, not an error (the rule
    may be written ahead of its code), but a typo would otherwise go unnoticed forever."""
    messages = []
    for rule in project.rules.rules:
        if rule.meta.paths and (missing := unmatched(rule.meta.paths, scanned)):
            where = f"{rule.meta.origin}:{rule.meta.paths_line or rule.meta.line}: " if rule.meta.origin != "<builtin>" else ""
            messages.append(f"{where}{rule.id} paths match no file in scope: {', '.join(missing)}")
    return messages


def failing_findings(report: Report, fail_on: str) -> bool:
    """Whether a finding at or above ``fail_on`` is in the report."""
    from ssot_lint.run.aggregation import failing

    return failing(report, fail_on)
