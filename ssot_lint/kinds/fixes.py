"""What a rule kind's fix gets and returns (``Rule.fix``, ``Rule.fix_project``): the context
(``FixContext``: unsafe fixes asked for or not, the import verifier, the project-wide kinds'
knowledge), the outcome (``FixOutcome``: the new tree, the findings fixed, each one left with
its reason as ``Unfixed``, notes on unsafe fixes applied as ``FixNote``) and what a project-wide
kind's fix knows of the whole project (``ProjectFix``). Plugins import them from ``kinds.base``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ssot_lint.ci.suppressions import covers_at

if TYPE_CHECKING:  # libcst is imported only when a fix needs a libcst tree
    import libcst as cst

    from ssot_lint.fix.verify import ImportVerifier
    from ssot_lint.model import Suppression


@dataclass(frozen=True)
class Unfixed:
    """A finding a fix left in place: where ``check`` reports it (1-based) and why it stays.
    ``unsafe``: only because its fix is unsafe and unsafe fixes were not asked for (the reason
    says why it is unsafe); ``--unsafe-fixes`` would apply it. ``partly``: the fix changed it in
    part (some of a statement's names moved, the rest stay; an event's legacy keys renamed while
    a required one is still missing)."""

    line: int
    col: int
    reason: str
    unsafe: bool = False
    partly: bool = False
    # The finding's ``Finding.anchor`` when findings share a position (a star import reaching
    # several deprecated names, one finding each): the summary gives each its own reason.
    anchor: str = ""


@dataclass(frozen=True)
class FixNote:
    """Something to know about a fix that was applied (an unsafe one: what it may break), at
    the finding's position in the module ``fix`` was given."""

    line: int
    col: int
    note: str


@dataclass
class FixOutcome:
    """What ``Rule.fix`` did to one module.

    ``fixed`` counts the findings ``check`` reported that are gone from ``module`` (``unsafe``
    of them by unsafe fixes); every finding still there is in ``unfixed``, positioned as in the
    module ``fix`` was given (``Unfixed.partly``: those the fix changed in part). ``notes`` are
    remarks on applied fixes, e.g. the places that still
    read an event key an unsafe fix renamed.
    """

    module: cst.Module
    fixed: int = 0
    unfixed: list[Unfixed] = field(default_factory=list)
    unsafe: int = 0
    notes: list[FixNote] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectFix:
    """What a project-wide kind's fix knows of the whole project (``Rule.fix_project``): the files
    its fixes may change (``paths``), why each finding it cannot fix stays (``reasons``, by path,
    line and column: findings in files it does not change get their reason here) and whatever
    its ``fix`` reads (``data``); ``anchored``: the reasons of findings that share a position,
    by path, line, column and the finding's anchor (see ``Unfixed.anchor``)."""

    paths: frozenset[str]
    reasons: dict[tuple[str, int, int], str] = field(default_factory=dict)
    data: Any = None
    anchored: dict[tuple[str, int, int, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class FixContext:
    """What a fix may use beyond the file it rewrites (ruff's safe/unsafe convention).

    ``unsafe``: apply unsafe fixes too (``--unsafe-fixes``). ``verifier``: answers, from the
    project's modules, whether a rewritten import finds what it names (``fix.verify.ImportVerifier``);
    None when there is no project to verify against, so that every import rewrite is unverified,
    hence unsafe. ``projects``: what each project-wide kind with a fix knows of the whole project,
    by rule id (``Rule.fix_project``; empty when a single file is fixed). ``suppressions``: the
    ``# ssot: ignore`` comments of the file being fixed (set per file by ``fix.apply``): a
    finding one of them silences is one the user chose to keep, so no fix touches it."""

    unsafe: bool = False
    verifier: ImportVerifier | None = None
    projects: Mapping[str, ProjectFix] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()

    def suppresses(self, rule_id: str, line: int, stmt_line: int) -> bool:
        """Whether a comment silences a finding of ``rule_id`` on ``line`` (its statement
        starting on ``stmt_line``), as ``check`` judges it."""
        return any(covers_at(comment, rule_id, line, stmt_line) for comment in self.suppressions)
