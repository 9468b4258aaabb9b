"""A star import under several deprecated targets (``rewrite.match_targets``: ``from pkg.dsep
import *`` under ``pkg.dsep:old_a`` and ``pkg.dsep:old_b``): a finding for each target, as
importing the members by name gives, but one statement, so one decision. Its rewrite is decided
under its first target, as ``check`` and ``fix`` both take it (a member's: a star import cannot
be narrowed, so it stays), and each finding's reason is said of its own target. The findings
may share a position: each after the first carries its target in its anchor, by which the fix's
reasons and ``check``'s facts are told apart (the first keeps the statement's text, its anchor
and baseline fingerprint when it was the only one)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ssot_lint.kinds.base import Target
from ssot_lint.kinds.text import normalise_code

if TYPE_CHECKING:
    from ssot_lint.fix.verdicts import Index
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
    from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan

Pair = tuple[Target, Target]


def star_anchor(statement: str, old: Target, first: Target | None) -> str:
    """The ``Finding.anchor`` of the finding for ``old`` in the import statement whose text is
    ``statement``, ``first`` the target its rewrite is decided under when it falls under several;
    normalised as ``Rule.finding`` normalises an anchor, so the fix's and the check's agree."""
    return normalise_code(statement if first is None or first == old else f"{statement} -> {old}")


@dataclass
class NameTargets:
    """The deprecated targets of a file's imported names, by index: ``every`` target each name's
    findings are about (those ``keep`` kept), the one its rewrite is decided under (``hits``:
    ``DeprecatedImport.decides``, whether or not its own finding is kept, as ``check`` decides
    without the project; None when no finding is kept), and, for a star import under several
    (or decided under another rule's), that first target (``first``)."""

    hits: list[Pair | None] = field(default_factory=list)
    every: list[list[Pair]] = field(default_factory=list)
    first: dict[int, Target] = field(default_factory=dict)


def name_targets(rule: DeprecatedImport, refs: Sequence[Any], kept: Callable[[Pair, int], bool], index: Index | None) -> NameTargets:
    """``NameTargets`` of ``refs`` under ``rule``, with the replacements where the project's
    chain ends (the module ``index``: ``DeprecatedImport.end``); ``kept``: whether the finding
    for a hit of name ``index`` is one (no test uses it on purpose, no comment suppresses it ...)."""
    found = NameTargets()
    for at, ref in enumerate(refs):
        matched = rule.matches(ref)
        found.every.append([(old, rule.end(old, new, index)) for old, new in matched if kept((old, new), at)])
        first = (rule.decides(ref) or matched[0]) if matched else None
        found.hits.append((first[0], rule.end(*first, index)) if first is not None and found.every[-1] else None)
        if first is not None and (len(matched) > 1 or first != matched[0]):
            found.first[at] = first[0]
    return found


def own_reasons(first: Pair, every: list[Pair], destination: Callable[[Target, Target], object]) -> dict[Target, str]:
    """Why a star import whose ``first`` target keeps it as it is stays, said of each of its
    other targets (of ``every``) whose own ``destination`` is a reason (``cannot be narrowed to``
    that member); a module's finding keeps the statement's reason (``ImportFixPlan.status``)."""
    return {old: own for old, new in every if old != first[0] and isinstance(own := destination(old, new), str)}


def fix_anchor(plan: ImportFixPlan, index: int, old: Target) -> str:
    """The anchor ``check`` gives the finding for ``old`` at the fix's name ``index`` where the
    findings of its statement may share a position (a star import under several targets), else
    "": the fix's reason for it is told apart by it."""
    first = plan.decided_under.get(index)
    return "" if first is None else star_anchor(plan.ctx.segment(plan.ctx.position(plan.refs[index].statement)), old, first)
