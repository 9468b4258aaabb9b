"""A run: discover files, analyze each (pure, per file: ``run.per_file``, in crash-isolated
workers, through the result cache), then aggregate project-wide into the Report
(``run.aggregation``) and verify the fixes its findings offer (``run.verification``)."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from typing import Any

from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.model import Report
from ssot_lint.run.aggregation import aggregate, annotate
from ssot_lint.run.aggregation_memo import AggregationMemo
from ssot_lint.run.collector import collector_paused
from ssot_lint.run.discovery import SourceFile, discover, link_outside, with_buffer_files
from ssot_lint.run.module_summaries import run_summaries
from ssot_lint.run.options import RunOptions
from ssot_lint.run.per_file import analyze_files
from ssot_lint.run.verification import close_summaries, fix_context


def covers_project(paths: Sequence[str], config: Config) -> bool:
    return all(os.path.abspath(p) == str(config.root) for p in paths)


def run(paths: list[str], config: Config, ruleset: RuleSet, options: RunOptions) -> Report:
    """``report.stats`` gets the counts and per-phase seconds that ``--show-timings`` prints.
    With ``options.within`` the project root is walked too, and the report holds only what lies
    within (see ``ssot_lint.run.partial``)."""
    started = time.perf_counter()
    buffers = options.buffers or {}
    if options.within is not None:
        paths = [str(config.root), *paths]
    # A path naming a buffer that is on no disk yet (an unsaved file, stdin) is no path to walk:
    # with_buffer_files adds it, as it adds the buffers a walk of the other paths would reach.
    files = discover([p for p in paths if os.path.lexists(p) or os.path.abspath(p) not in buffers], config)
    if buffers:
        files = with_buffer_files(files, paths, config, buffers)
    discovered = time.perf_counter()
    stats: dict[str, Any] = {"discover_seconds": discovered - started}
    analyzed_with = list(ruleset.rules)
    if options.check_syntax:
        from ssot_lint.run.check_syntax import syntax_rule

        analyzed_with.append(syntax_rule())  # analyzed, never aggregated: it finds nothing itself
    keys: dict[str, str] | None = {} if options.cache is not None and not buffers else None
    with collector_paused(promote=True):
        results = analyze_files(files, analyzed_with, options, stats, keys)
        analyzed = time.perf_counter()
        memo = AggregationMemo(options.cache, str(config.root), ruleset.rules, keys) if options.cache is not None and keys is not None else None
        report = aggregate(ruleset.rules, results, options.fail_on, options.within, memo, options.jobs)
        if memo is not None:
            stats.update(aggregations_reused=len(memo.reused), aggregations_run=len(memo.computed))
        project_files = files if options.within is not None or covers_project(paths, config) else None  # a partial run walked the root too
        # Verification reuses the summaries the project-wide kinds computed, a buffer's too: it
        # reads the buffers (options.buffers) in place of their files, as the run did.
        context = annotate(
            report,
            ruleset.rules,
            results,
            lambda: fix_context(config, options, project_files, known=lambda: run_summaries(ruleset.rules, results), named=files),
        )
        if context is not None:
            close_summaries(context)
        _outside_links_not_fixable(report, files, config)
    parse_errors = sum(1 for _, result in results if result.parse_error is not None)  # of every file analyzed
    stats.update(parse_errors=parse_errors, aggregate_seconds=time.perf_counter() - analyzed)
    report.stats.update(stats)
    return report


def _outside_links_not_fixable(report: Report, files: Sequence[SourceFile], config: Config) -> None:
    """A finding in a symlink to a file outside the project is not fixable: ``fix`` never writes
    through one (``link_outside``), so ``check`` does not mark it ``[*]``."""
    fixable = {f.path for f in report.findings if f.applicability}
    if not fixable:
        return
    outside = {s.ref.path for s in files if s.ref.path in fixable and link_outside(s.abspath, config) is not None}
    if outside:
        report.findings = [dataclasses.replace(f, applicability="") if f.path in outside else f for f in report.findings]
