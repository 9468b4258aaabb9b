"""A run: discover files, analyse each (pure, per file), aggregate project-wide, build the Report."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ssot_lint import __version__
from ssot_lint.analysis import SourceError, analyze_source
from ssot_lint.config import Config
from ssot_lint.discovery import SourceFile, discover
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult, Finding, Report, RuleSummary, severity_rank
from ssot_lint.rulefile import RuleSet


@dataclass
class RunOptions:
    fail_on: str = "warning"
    on_progress: Callable[[int, int], None] | None = None


def read_file(source: SourceFile) -> bytes | Finding:
    try:
        with open(source.abspath, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return SourceError(f"cannot read file: {exc.strerror or exc}").finding()


def analyze_files(files: Sequence[SourceFile], rules: Sequence[Rule], options: RunOptions) -> list[tuple[FileRef, FileResult]]:
    """Analyse each file with the rules whose scope covers it."""
    results = []
    for index, source in enumerate(files):
        data = read_file(source)
        if isinstance(data, Finding):
            result = FileResult(parse_error=data)
        else:
            applicable = [rule for rule in rules if rule.in_scope(source.ref.path)]
            result = analyze_source(data, source.ref, applicable)
        results.append((source.ref, result))
        if options.on_progress:
            options.on_progress(index + 1, len(files))
    return results


def aggregate(rules: Iterable[Rule], results: Sequence[tuple[FileRef, FileResult]], fail_on: str) -> Report:
    """Turn per-file results into the project's report: paths filled in, project-wide rules run."""
    findings: list[Finding] = []
    parse_errors = 0
    for ref, result in results:
        findings.extend(dataclasses.replace(f, path=ref.path) for f in result.findings)
        if result.parse_error is not None:
            parse_errors += 1
            findings.append(dataclasses.replace(result.parse_error, path=ref.path))
    summaries: list[RuleSummary] = []
    threshold = severity_rank(fail_on)
    for rule in rules:
        facts = [(ref, result.facts[rule.id]) for ref, result in results if rule.id in result.facts]
        extra, count, details = rule.aggregate(facts)
        findings.extend(extra)
        own = [f for f in findings if f.rule_id == rule.id]
        failing = any(severity_rank(f.severity) >= threshold for f in own)
        summaries.append(
            RuleSummary(rule.id, rule.kind, rule.severity, len(own) if count is None else count, rule.ceiling, not failing, details)
        )
    findings.sort(key=Finding.sort_key)
    return Report(__version__, len(results) - parse_errors, parse_errors, summaries, findings)


def run(paths: list[str], config: Config, ruleset: RuleSet, options: RunOptions) -> Report:
    started = time.perf_counter()
    files = discover(paths, config)
    discovered = time.perf_counter()
    results = analyze_files(files, ruleset.rules, options)
    analysed = time.perf_counter()
    report = aggregate(ruleset.rules, results, options.fail_on)
    report.stats.update(
        files=len(files),
        parsed=sum(1 for _, r in results if r.parsed),
        discover_seconds=round(discovered - started, 3),
        analyse_seconds=round(analysed - discovered, 3),
        aggregate_seconds=round(time.perf_counter() - analysed, 3),
    )
    return report


def failing(report: Report, fail_on: str) -> bool:
    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in report.findings)


