"""Per-file analysis: (file bytes, module name, rules) -> FileResult. Pure, so it can be cached
by content hash and run in worker processes."""

from __future__ import annotations

from collections.abc import Sequence

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.parsing import SourceError, check_size, decode_source, on_analysis_thread, parses
from ssot_lint.ci.suppressions import scan as scan_suppressions
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult, Finding, Suppression


def analyze_source(data: bytes, ref: FileRef, rules: Sequence[Rule]) -> FileResult:
    """Run ``rules`` on one file. Rules see ``ref.module`` and ``ref.is_package``, never the path,
    so the result depends only on (bytes, module, rules)."""
    return _analyze(data, ref, rules)


def _analyze(data: bytes, ref: FileRef, rules: Sequence[Rule]) -> FileResult:
    try:
        text = decode_source(data)
    except SourceError as error:
        return FileResult(parse_error=error.finding())
    # Suppression comments are collected in every file, parsed or not: project-wide findings
    # land in files no rule parsed, and unused comments are reported wherever they are.
    suppressions = scan_suppressions(text)
    # One rule that needs the tree is enough to parse; the other prefilters run only once the
    # tree exists (on a file over the parse limit, each would scan megabytes for nothing).
    wanted = (rule for rule in rules if rule.needs_parse(text, ref))
    first = next(wanted, None)
    if first is None:
        return FileResult(suppressions=suppressions)
    try:
        check_size(text)
    except SourceError as error:
        return FileResult(parse_error=error.finding(), suppressions=suppressions)
    # Parsing and rule walks (and a plugin's libcst tree) run where deep nesting cannot
    # overflow the stack; the prefilters above, most files' whole analysis, need no thread hop.
    return on_analysis_thread(_check, text, ref, [first, *wanted], suppressions)


def _check(text: str, ref: FileRef, selected: list[Rule], suppressions: tuple[Suppression, ...]) -> FileResult:
    # Rules ask the context for the statements around the words they need: only those are
    # parsed when the file splits safely (see ``chunks``), else the whole file. A syntax error in
    # what is parsed ends the file's analysis as SSOT000; one elsewhere only when the file yields
    # a finding (see below).
    ctx = FileContext(ref, text)
    ctx.outline_read = any(rule.reads_outline for rule in selected)
    findings: list[Finding] = []
    facts = {}
    for rule in selected:
        try:
            rule_findings, fact = rule.check(ctx)
        except SourceError as error:  # the statements (or the libcst tree) a rule asked for do not parse
            return FileResult(parse_error=error.finding(), suppressions=suppressions)
        except RecursionError:  # past ANALYSIS_RECURSION_LIMIT: report, do not crash
            failure = SourceError("too deeply nested to analyze (RecursionError)")
            return FileResult(parse_error=failure.finding(), parsed=True, suppressions=suppressions)
        except Exception as exc:  # a bug in one rule kind (a plugin, say) costs this file, not the run
            failure = SourceError(f"not analyzed: rule {rule.id} failed ({type(exc).__name__}: {exc}); this is a bug in the {rule.kind} rule kind")
            return FileResult(parse_error=failure.finding(), parsed=True, suppressions=suppressions)
        findings.extend(rule_findings)
        if fact is not None:
            facts[rule.id] = fact
    # A file with a finding must parse as a whole, as it would have without chunks: findings in a
    # file Python rejects are not results (and say nothing of its rest). Facts alone (what the
    # project-wide kinds aggregate) do not make the whole file parse: every file yields them, and
    # they depend only on the statements read (see analysis/outline.py). Under --check-syntax (a
    # rule with ``whole_file``) every file must parse whole.
    checked = ctx.parsed_whole
    if not checked and (any(rule.whole_file for rule in selected) or (findings and ctx.partly_parsed)):
        if not parses(text):
            try:
                _ = ctx.tree
            except SourceError as error:
                return FileResult(parse_error=error.finding(), suppressions=suppressions)
        checked = True
    findings.sort(key=Finding.sort_key)
    return FileResult(tuple(findings), facts, None, parsed=True, suppressions=suppressions, syntax_checked=checked)
