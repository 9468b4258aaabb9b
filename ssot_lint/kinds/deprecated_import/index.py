"""What a deprecated import's rewrite asks the project's module index, which per-file ``check``
cannot read: what a package binds (``from pkg import simplify`` is the package's own function
or its submodule) and which modules a chain of replacements reaches exist. ``check`` records the
rewrite under every answer (``forks``), and ``annotate`` picks the outcome the project gives
(``chosen``); ``fix`` asks the index itself (``fix.verify.ImportVerifier``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ssot_lint.fix.verdicts import Absent, Fork, Index, Need, RewriteFact, applicability, worst
from ssot_lint.kinds.base import Target
from ssot_lint.model import UNSAFE, Finding

if TYPE_CHECKING:
    from ssot_lint.analysis.imports import ImportRef
    from ssot_lint.fix.verify import ImportVerifier
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport

Question = tuple[str, ...]  # ("binds", package, name) or ("absent", module)
Assumed = tuple[tuple[Question, bool], ...]  # questions to the module index, each with its answer
_T = TypeVar("_T")


def chain_end(path: Sequence[Target], absent: Absent | None) -> Target:
    """Where the chain ``path`` (``rewrite.chain_paths``) ends: its final replacement, unless the
    project lacks that module (``absent``; one outside the project is not absent, only
    unverified), then the last replacement before it that the project has (review18a 01:
    ``pkg.sub.old -> pkg.sub.mats.dm`` followed through ``pkg.sub -> pkg`` led to ``pkg.dm``,
    which no file gives); the final one when the project has none of them."""
    if len(path) < 2 or absent is None or not absent(path[-1].module):
        return path[-1]
    return next((step for step in reversed(path[:-1]) if not absent(step.module)), path[-1])


def forks(compute: Callable[[Index], _T], limit: int = 8) -> list[tuple[Assumed, _T]]:
    """``compute`` under every answer to the questions it asks the module index, each with the
    answers it assumed; the first assumes what holds without an index (every package binds no
    name asked of it, every module asked of is there). At most ``limit`` outcomes: answers
    beyond them match none (``chosen``: the finding stays unsafe)."""
    found: list[tuple[Assumed, _T]] = []
    pending: list[dict[Question, bool]] = [{}]
    while pending and len(found) < limit:
        answers = pending.pop(0)
        asked: list[Question] = []

        def ask(question: Question, answers: dict[Question, bool] = answers, asked: list[Question] = asked) -> bool:
            if question not in answers and question not in asked:
                asked.append(question)
            return answers.get(question, False)

        result = compute(Index(lambda module, name: ask(("binds", module, name)), lambda module: ask(("absent", module))))
        found.append((tuple({**answers, **dict.fromkeys(asked, False)}.items()), result))
        for at, question in enumerate(asked):  # the earlier questions answered no, this one yes
            pending.append({**answers, **dict.fromkeys(asked[:at], False), question: True})
    return found


def outcome_fact(
    line: int,
    col: int,
    target: str,
    outcomes: list[tuple[Assumed, tuple[tuple[Need, ...] | None, str]]],
    read_as: tuple[str, str, str] | None = None,
    star_of: tuple[str, str, str] | None = None,
    anchor: str = "",
) -> RewriteFact | None:
    """What ``check`` records of a finding's rewrite (``forks`` of its needs and advice): every
    outcome when the index decides between them (or decides whether the finding is one at all,
    ``read_as``: see ``package_binding``; ``star_of``: see ``star_binding``), else the needs
    (None: nothing to verify). ``anchor``: see ``RewriteFact.anchor``."""
    if len(outcomes) > 1 or read_as is not None or star_of is not None:
        forked = tuple(Fork(assumed, needs, advice) for assumed, (needs, advice) in outcomes)
        return RewriteFact(line, col, target, (), forked, read_as, star_of, anchor)
    needs = outcomes[0][1][0]
    return RewriteFact(line, col, target, needs, anchor=anchor) if needs else None


def package_binding(importer: str, ref: ImportRef, old: Target) -> tuple[str, str, str] | None:
    """(``importer``, package, name) when ``ref`` is ``from package import name`` naming the
    deprecated module ``old`` itself (``from sympy import simplify`` under ``sympy.simplify``):
    Python takes the package's attribute first, so the import is of that module only where the
    package binds no ``name`` of its own, which only the module index tells
    (``ImportVerifier.binds_over_submodule``). None for any other import."""
    if old.member is not None or ref.module is None or ref.name in (None, "*") or f"{ref.module}.{ref.name}" != old.module:
        return None
    return (importer, ref.module, str(ref.name))


def star_binding(importer: str, ref: ImportRef, old: Target) -> tuple[str, str, str] | None:
    """(``importer``, module, member) when ``ref`` is ``from module import *`` under a mapping
    of ``module:member`` (pydantic's ``from .types import *`` under ``pydantic.types:PyObject``):
    the statement binds the member only where the star import exports it, which only the module
    index tells (``ImportVerifier.star_lacks``). None for any other import."""
    if ref.name != "*" or old.member is None or ref.module != old.module:
        return None
    return (importer, ref.module, old.member)


def refutes(fact: RewriteFact | None, verifier: ImportVerifier) -> bool:
    """Whether the project shows that the import of ``fact``'s finding does not bind the
    deprecated target: a package's own ``name`` over its submodule (``package_binding``), or a
    star import that cannot bind the member (``star_binding``)."""
    if fact is None:
        return False
    if fact.read_as is not None and verifier.binds_over_submodule(*fact.read_as):
        return True
    return fact.star_of is not None and verifier.star_lacks(*fact.star_of)


def chosen(fact: RewriteFact, index: Index) -> Fork:
    """The outcome of ``fact``'s rewrite that the project's module ``index`` gives; one needing
    nothing verified (unsafe) when no recorded outcome assumed what it answers."""
    if not fact.forks:
        return Fork((), fact.needs)
    return next((fork for fork in fact.forks if all(_answer(q, index) == said for q, said in fork.assumed)), Fork((), ()))


def _answer(question: Question, index: Index) -> bool:
    if question[0] == "binds":
        return index.binds is not None and index.binds(question[1], question[2])
    return index.absent is not None and index.absent(question[1])


Located = tuple[str, int, int, str]  # path, line, column, ``RewriteFact.anchor``


def fact_of(recorded: dict[Located, RewriteFact], finding: Finding) -> RewriteFact | None:
    """The fact ``recorded`` (by ``located``) for ``finding``: by its anchor where findings
    share a position (a star import under several targets), else by its position alone."""
    return recorded.get((finding.path, finding.line, finding.col, finding.anchor)) or recorded.get((finding.path, finding.line, finding.col, ""))


def located(path: str, fact: RewriteFact) -> Located:
    return path, fact.line, fact.col, fact.anchor


def refuted_imports(findings: list[Finding], facts: dict[str, Any], verifier_of: Callable[[], ImportVerifier | None]) -> list[bool]:
    """Whether the project shows that each finding's import does not bind the deprecated target
    (``refutes``): ``from pkg import name`` where ``pkg`` binds a ``name`` of its own, which
    Python finds instead of the deprecated submodule, or a star import that cannot bind the
    member: no finding (``Rule.refuted``). The verifier is asked for only when a finding is
    such an import (most runs have none, and making it imports fix verification)."""
    recorded = {
        located(path, fact): fact
        for path, file_facts in facts.items()
        if file_facts
        for fact in file_facts
        if isinstance(fact, RewriteFact) and (fact.read_as is not None or fact.star_of is not None)
    }
    if not recorded or not any(fact_of(recorded, f) is not None for f in findings):
        return [False] * len(findings)
    verifier = verifier_of()
    if verifier is None:
        return [False] * len(findings)
    return [refutes(fact_of(recorded, f), verifier) for f in findings]


def annotate_rewrites(rule: DeprecatedImport, findings: list[Finding], facts: dict[str, Any], verifier: ImportVerifier) -> list[Finding]:
    """``rule``'s findings with the outcome of their rewrites the project gives (``chosen``): the
    advice where a chain stopped short, and the applicability its verification decides."""
    recorded = {located(path, fact): fact for path, file_facts in facts.items() for fact in file_facts if isinstance(fact, RewriteFact)}
    pending = [fact_of(recorded, f) for f in findings]
    index = Index(verifier.binds_itself, verifier.absent)
    outcomes = [Fork((), ()) if fact is None else chosen(fact, index) for fact in pending]
    verifier.prefetch(need for fork in outcomes if fork.needs for need in fork.needs)
    annotated: list[Finding] = []
    for finding, fact, fork in zip(findings, pending, outcomes):
        needs = fork.needs
        if fork.message:  # the advice as the project has it (a chain stopped short)
            finding = dataclasses.replace(finding, message=fork.message)
        if fact is not None and finding.applicability == UNSAFE:
            if needs is None:  # the project says the fix has no rewrite for it
                finding = dataclasses.replace(finding, applicability="")
            elif needs:
                allowed = rule.allows_kind_change(fact.target)
                near = next((need.importer for need in needs if need.importer), "")  # the file's module
                verdict = worst(verifier.verify(need, allowed, rule, near, finding.path) for need in needs)
                finding = dataclasses.replace(finding, applicability=applicability(verdict))
        annotated.append(finding)
    return annotated
