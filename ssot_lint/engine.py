"""A run: discover files, analyse each (pure, per file), aggregate project-wide, build the Report."""

from __future__ import annotations

import dataclasses
import os
import stat
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ssot_lint import __version__, suppressions
from ssot_lint.analysis import SourceError, analyze_source
from ssot_lint.cache import ResultCache, blob_id, result_key
from ssot_lint.config import Config
from ssot_lint.discovery import SourceFile, discover
from ssot_lint.fingerprint import with_fingerprints
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult, Finding, Report, RuleSummary, severity_rank
from ssot_lint.rulefile import RuleSet


@dataclass
class RunOptions:
    fail_on: str = "warning"
    cache: ResultCache | None = None
    on_progress: Callable[[int, int], None] | None = None


_CHUNK = 256  # files looked up in the cache at once: bounds memory, amortises SQLite round trips


_NOT_REGULAR = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def read_file(source: SourceFile) -> bytes | Finding:
    """The file's bytes. Only regular files are read: a FIFO or a device named ``*.py`` (or a
    symlink to one) would block forever or never end, so it is opened without blocking and refused."""
    try:
        with open(os.open(source.abspath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                kind = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
                return SourceError(f"cannot read file: not a regular file ({kind})").finding()
            return handle.read()
    except OSError as exc:
        return SourceError(f"cannot read file: {exc.strerror or exc}").finding()


def analyze_files(files: Sequence[SourceFile], rules: Sequence[Rule], options: RunOptions) -> list[tuple[FileRef, FileResult]]:
    """Analyse each file with the rules whose scope covers it, reusing cached results."""
    results: list[tuple[FileRef, FileResult]] = []
    cache = options.cache
    for start in range(0, len(files), _CHUNK):
        batch = []
        for source in files[start : start + _CHUNK]:
            data = read_file(source)
            applicable = [rule for rule in rules if rule.in_scope(source.ref.path)]
            key = result_key(blob_id(data), source.ref, applicable) if isinstance(data, bytes) else None
            batch.append((source, data, applicable, key))
        cached = cache.get_many(k for *_, k in batch if k is not None) if cache else {}
        for source, data, applicable, key in batch:
            if isinstance(data, Finding):
                result = FileResult(parse_error=data)
            elif key in cached:
                result = cached[key]
            else:
                result = analyze_source(data, source.ref, applicable)
                if cache:
                    cache.put(key, result)
            results.append((source.ref, result))
            if options.on_progress:
                options.on_progress(len(results), len(files))
    if cache:
        cache.flush()
    return results


def aggregate(rules: Iterable[Rule], results: Sequence[tuple[FileRef, FileResult]], fail_on: str) -> Report:
    """Turn per-file results into the project's report: paths filled in, project-wide rules run,
    suppression comments applied, fingerprints assigned."""
    rules = list(rules)
    findings: list[Finding] = []
    parse_errors = 0
    for ref, result in results:
        findings.extend(dataclasses.replace(f, path=ref.path) for f in result.findings)
        if result.parse_error is not None:
            parse_errors += 1
            findings.append(dataclasses.replace(result.parse_error, path=ref.path))
    counts: dict[str, int | None] = {}
    details: dict[str, dict] = {}
    for rule in rules:
        facts = [(ref, result.facts[rule.id]) for ref, result in results if rule.id in result.facts]
        extra, counts[rule.id], details[rule.id] = rule.aggregate(facts)
        findings.extend(extra)
    comments = {ref.path: result.suppressions for ref, result in results if result.suppressions}
    findings, suppressed = suppressions.apply(findings, comments)
    findings = with_fingerprints(findings)
    summaries: list[RuleSummary] = []
    threshold = severity_rank(fail_on)
    for rule in rules:
        own = [f for f in findings if f.rule_id == rule.id]
        failing = any(severity_rank(f.severity) >= threshold for f in own)
        count = counts[rule.id]
        summaries.append(
            RuleSummary(
                rule.id, rule.kind, rule.severity, len(own) if count is None else count, rule.ceiling, not failing, details[rule.id],
                description=rule.meta.description or rule.summary, suppressed=sum(1 for f in suppressed if f.rule_id == rule.id),
            )
        )
    findings.sort(key=Finding.sort_key)
    return Report(
        __version__, len(results) - parse_errors, parse_errors, summaries, findings,
        suppressed=sorted(suppressed, key=Finding.sort_key), suppressions=comments, scanned=tuple(ref.path for ref, _ in results),
    )


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
        cache_hits=options.cache.hits if options.cache else 0,
        discover_seconds=round(discovered - started, 3),
        analyse_seconds=round(analysed - discovered, 3),
        aggregate_seconds=round(time.perf_counter() - analysed, 3),
    )
    return report


def failing(report: Report, fail_on: str) -> bool:
    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in report.findings)


