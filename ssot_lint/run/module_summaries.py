"""The module summaries a run's per-file analysis yields, and the analysis step that yields one
when no rule of the run does (``SUMMARY_RULE``): what fix verification reads of each module."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ssot_lint.kinds.base import FileContext, Rule, RuleMeta
from ssot_lint.model import FileRef, FileResult, Suppression
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.project.summary_walk import summarise

SUMMARY_ID = "SSOT-modules"
# Project-relative path -> the file (as the run named it), its summary and its suppression
# comments: what a run computed.
Known = Mapping[str, tuple[FileRef, ModuleSummary, tuple[Suppression, ...]]]


class _Summaries(Rule):
    """Not a rule users write: the per-file analysis step that yields a module's summary."""

    kind = "module-summary"
    reads_outline = True  # summarise(ctx), for every file
    summary = "What a module defines, exports and imports (for fix verification)."
    default_message = ""

    def check(self, ctx: FileContext) -> tuple[list[Any], Any]:
        return [], summarise(ctx)


SUMMARY_RULE = _Summaries(RuleMeta(SUMMARY_ID, "", digest="module-summary-1"), {})


def run_summaries(rules: Sequence[Rule], results: Iterable[tuple[FileRef, FileResult]]) -> dict[str, tuple[FileRef, ModuleSummary, tuple[Suppression, ...]]]:
    """The module summaries ``results`` (a run's per-file analysis with ``rules``) carry, by path,
    with each file's suppression comments: those of the files a rule that keeps the summary in
    its facts analyzed (``Rule.module_summary``); an editor's buffer's are its buffer's, which
    verification reads in place of the file (``ProjectModules``'s ``buffers``). A file whose
    analysis failed carries none, and is summarised on its own if asked."""
    carriers = [rule for rule in rules if type(rule).module_summary is not Rule.module_summary]
    known: dict[str, tuple[FileRef, ModuleSummary, tuple[Suppression, ...]]] = {}
    if not carriers:
        return known
    for ref, result in results:
        if result.parse_error is not None:
            continue
        for rule in carriers:
            fact = result.facts.get(rule.id)
            summary = rule.module_summary(fact) if fact is not None else None
            if summary is not None:
                known[ref.path] = (ref, summary, result.suppressions)
                break
    return known
