"""From per-file results to the project's report: the project-wide rules' aggregation,
suppression comments, fingerprints, the per-rule summary rows, and the applicability of fixes
that depends on other files (``annotate``). Everything here runs in one process after the
per-file analysis (``run.per_file``), on results alone: ``check``, ``history``, the examples and
the survey share it. A kind whose aggregation takes long may run in a forked child beside the
others' (``Rule.aggregates_beside``)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ssot_lint import __version__
from ssot_lint.ci import suppressions
from ssot_lint.ci.fingerprint import with_fingerprints
from ssot_lint.kinds.base import FixContext, Rule
from ssot_lint.model import OWN_KINDS, FileRef, FileResult, Finding, Report, RuleSummary, severity_rank
from ssot_lint.project import module_index
from ssot_lint.project.module_paths import described_stubs, is_compiled
from ssot_lint.run.aggregation_memo import AggregationMemo
from ssot_lint.run.partial import Within


def aggregate(
    rules: Iterable[Rule],
    results: Sequence[tuple[FileRef, FileResult]],
    fail_on: str,
    within: Within | None = None,
    memo: AggregationMemo | None = None,
    jobs: int | None = 1,
) -> Report:
    """Turn per-file results into the project's report: paths filled in, project-wide rules run,
    suppression comments applied, fingerprints assigned. ``within``: report only what lies in
    these paths (a partial run; ``results`` are the whole project's), plus findings about a rule's
    whole scope (located at the rule) when the paths hold all of it: each rule counts its
    findings there, except that a rule with a ceiling keeps the count its ``max`` bounds.
    ``memo``: the previous run's aggregations, reused where a rule's input is the same.
    ``jobs``: the processes it may use (None: one per CPU), for ``Rule.aggregates_beside``."""
    rules = list(rules)
    # Compiled extension modules are modules the project-wide kinds know of (``rule_facts``),
    # not files scanned.
    compiled = [(ref, result) for ref, result in results if is_compiled(ref)]
    if compiled:
        results = [(ref, result) for ref, result in results if not is_compiled(ref)]
    findings: list[Finding] = []
    for ref, result in results:
        findings.extend(dataclasses.replace(f, path=ref.path) for f in result.findings)
        if result.parse_error is not None:
            findings.append(dataclasses.replace(result.parse_error, path=ref.path))
    counts: dict[str, int | None] = {}
    details: dict[str, dict] = {}
    with module_index.sharing():
        known = [*results, *compiled] if compiled else results
        # Those computed beside the others start first (each in a child), then the rest here.
        started = {id(rule): _aggregation(rule, rules, known, memo, jobs) for rule in rules if rule.aggregates_beside}
        for rule in rules:
            output = started.pop(id(rule), None) or _aggregation(rule, rules, known, memo, jobs)
            extra, counts[rule.id], details[rule.id] = output()
            findings.extend(extra)
    if memo is not None:
        memo.save()
    if within is not None:
        sources = {ref.path for ref, _ in results}
        # A finding about a rule's whole scope sits at the rule (required-events: "never
        # emitted"), in no source file: a run reports it when its paths hold the rule file, or
        # all of the rule's scope. Checking one file (an editor's buffer, a pre-commit batch)
        # must not fail on what the rest of the project lacks.
        whole = {rule.id for rule in rules if all(ref.path in within for ref, _ in results if rule.in_scope(ref.path))}
        results = [(ref, result) for ref, result in results if ref.path in within]
        findings = [f for f in findings if f.path in within or (f.path not in sources and f.rule_id in whole)]
        counts = {rule.id: counts[rule.id] if rule.ceiling is not None else None for rule in rules}
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
                rule.id,
                rule.kind,
                rule.severity,
                len(own) if count is None else count,
                rule.ceiling,
                not failing,
                details[rule.id],
                description=rule.meta.description or rule.summary,
                suppressed=sum(1 for f in suppressed if f.rule_id == rule.id),
                category=rule.category,
            )
        )
    findings.sort(key=Finding.sort_key)
    parse_errors = sum(1 for _, result in results if result.parse_error is not None)
    report = Report(
        __version__,
        len(results) - parse_errors,
        parse_errors,
        summaries,
        findings,
        suppressed=sorted(suppressed, key=Finding.sort_key),
        suppressions=comments,
        scanned=tuple(ref.path for ref, _ in results),
        unparsed=tuple(ref.path for ref, result in results if result.parse_error is None and not result.syntax_checked),
    )
    return with_own_rows(report, fail_on)


Aggregated = tuple[list[Finding], "int | None", dict[str, Any]]

# Below this the aggregation is short (import-cycle on Django's 2,817 files: 0.29 s) and a child's
# start (about 10 ms on Home Assistant: the fork, then the result pickled) a larger share of it.
BESIDE_MIN_FILES = 1000


def _aggregation(
    rule: Rule, rules: list[Rule], results: Sequence[tuple[FileRef, FileResult]], memo: AggregationMemo | None, jobs: int | None
) -> Callable[[], Aggregated]:
    """``rule``'s aggregation, started (in a child when ``Rule.aggregates_beside`` and the project
    is large) or reused from ``memo``; call it for its result."""
    rule.see_rules(rules)
    facts = rule_facts(rule, results)
    reused = memo.reuse(rule, facts) if memo is not None else None
    if reused is not None:
        return lambda: reused
    compute: Callable[[], Aggregated] = functools.partial(rule.aggregate, facts)
    if rule.aggregates_beside and len(facts) >= BESIDE_MIN_FILES:
        from ssot_lint.run.parallel import default_jobs

        if (jobs or default_jobs()) > 1:
            from ssot_lint.run.beside import beside

            compute = beside(compute)

    def output() -> Aggregated:
        made = compute()
        if memo is not None:
            memo.store(rule, facts, made)
        return made

    return output


def rule_facts(rule: Rule, results: Sequence[tuple[FileRef, FileResult]]) -> list[tuple[FileRef, Any]]:
    """What ``rule.aggregate`` (and ``rule.fix_project``) gets: each file's facts for the rule,
    and with ``sees_unparsed`` ``(ref, None)`` for the files in scope that were not analyzed and
    the compiled extension modules in scope (modules whose names are unknown: an import of one
    resolves, and no fix counts a name there as verified); with ``skips_described_stubs``, none
    of a stub beside its module's source (``results`` must be the whole project's files for that)."""
    facts = [(ref, result.facts[rule.id]) for ref, result in results if rule.id in result.facts]
    if rule.skips_described_stubs:
        stubs = described_stubs(ref.path for ref, _ in results)
        if stubs:
            facts = [(ref, fact) for ref, fact in facts if ref.path not in stubs]
    if rule.sees_unparsed:
        facts += [(ref, None) for ref, result in results if (result.parse_error is not None or is_compiled(ref)) and rule.in_scope(ref.path)]
    return facts


def with_own_rows(report: Report, fail_on: str) -> Report:
    """``report`` with a summary row for each of ssot-lint's own ids (SSOT000, SSOT001) that
    has findings, after the rules' rows (rebuilt, so it can be called again once SSOT001
    findings are added)."""
    threshold = severity_rank(fail_on)
    rows = [r for r in report.rules if r.id not in OWN_KINDS]
    for rule_id, (kind, severity, category) in OWN_KINDS.items():
        own = [f for f in report.findings if f.rule_id == rule_id]
        suppressed = sum(1 for f in report.suppressed if f.rule_id == rule_id)
        if own or suppressed:
            failing = any(severity_rank(f.severity) >= threshold for f in own)
            rows.append(RuleSummary(rule_id, kind, severity, len(own), None, not failing, suppressed=suppressed, category=category))
    report.rules = rows
    return report


def annotate(
    report: Report, rules: Iterable[Rule], results: Sequence[tuple[FileRef, FileResult]], context: FixContext | Callable[[], FixContext]
) -> FixContext | None:
    """Decide the applicability of fixes that depends on other files (``Rule.annotate``), after
    aggregation and apart from it, so a kind with this step is not project-wide. ``context``
    may be a function making it, called only when a rule has findings to annotate (a context
    imports fix verification: 23 ms of a run that has none). Returns the context used, if any."""
    made = refute(report, rules, results, context)
    for rule in rules:
        if type(rule).annotate is Rule.annotate:
            continue
        own = [f for f in report.findings if f.rule_id == rule.id and f.applicability]
        if not own:
            continue
        if made is None:
            made = context() if callable(context) else context
        facts = {ref.path: result.facts[rule.id] for ref, result in results if rule.id in result.facts}
        decided = {id(before): after for before, after in zip(own, rule.annotate(own, facts, made))}
        report.findings = [decided.get(id(f), f) for f in report.findings]
    return made


def refute(
    report: Report, rules: Iterable[Rule], results: Sequence[tuple[FileRef, FileResult]], context: FixContext | Callable[[], FixContext]
) -> FixContext | None:
    """Drop the findings, suppressed ones too, that the project shows to be none
    (``Rule.refuted``), and each rule's count and suppressed count with them; a suppression
    comment of one silences nothing then. ``context`` as for ``annotate``; returns the one used."""
    made = [context] if isinstance(context, FixContext) else []

    def lazily() -> FixContext:  # made only when a rule has a finding it may refute
        if not made:
            made.append(context() if callable(context) else context)
        return made[0]

    for rule in rules:
        if type(rule).refuted is Rule.refuted:
            continue
        own = [f for f in (*report.findings, *report.suppressed) if f.rule_id == rule.id]
        facts = {ref.path: result.facts[rule.id] for ref, result in results if rule.id in result.facts}
        if not own or not facts:
            continue
        gone = {id(f) for f, no in zip(own, rule.refuted(own, facts, lazily), strict=True) if no}
        if not gone:
            continue
        dropped = sum(1 for f in report.findings if id(f) in gone)
        unsuppressed = len(gone) - dropped
        report.findings = [f for f in report.findings if id(f) not in gone]
        report.suppressed = [f for f in report.suppressed if id(f) not in gone]
        for at, row in enumerate(report.rules):
            if row.id == rule.id:  # a ceiling's count is what ``max`` bounds, not its findings
                count = row.count if rule.ceiling is not None else row.count - dropped
                ok = row.ok or not any(f.rule_id == rule.id for f in report.findings)  # all of the rule's severity
                report.rules[at] = dataclasses.replace(row, count=count, suppressed=row.suppressed - unsuppressed, ok=ok)
    return made[0] if made else None


def failing(report: Report, fail_on: str) -> bool:
    """Whether a finding at or above ``fail_on`` is in the report."""
    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in report.findings)


def fails_check(report: Report, fail_on: str) -> bool:
    """What ``check`` fails on (``--strict`` aside): a finding at or above ``fail_on``, or, with
    a baseline applied, a count above what it allows. ``fix`` judges what it leaves by it too."""
    return failing(report, fail_on) or bool(report.baseline and report.baseline.breaches)
