"""The declared-deprecation fix. The findings in a file whose declaration names a replacement
become the mappings of a ``deprecated-import`` rule of the file's own (``rewrite.mapping``), and
that kind's fix rewrites the imports (``deprecated_import.fix``): the same edits, verified
against the project the same way (``fix.verify``: safe when verified, unsafe when the project
cannot tell, refused with the reason otherwise). A finding is fixed when every import it is
about moved; otherwise it stays with the reason, as does a finding without a replacement (none
named, not resolvable, ambiguous, or deprecated itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ssot_lint.fix.destinations import STAY, FromDest, ModDest
from ssot_lint.fix.verdicts import UNVERIFIED, Verdict
from ssot_lint.kinds.base import FileContext, FixContext, FixNote, FixOutcome, Target, Unfixed
from ssot_lint.kinds.declared_deprecation.project import Hit, Project, hits
from ssot_lint.kinds.declared_deprecation.rewrite import Mapping, covers, derive, mapping, renamed
from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan
from ssot_lint.kinds.deprecated_import.survey import Statement
from ssot_lint.model import FileRef
from ssot_lint.project.summary_walk import summarise

if TYPE_CHECKING:
    import libcst as cst

    from ssot_lint.kinds.declared_deprecation.check import DeclaredDeprecation


def fix_declared(rule: DeclaredDeprecation, module: cst.Module, ref: FileRef, context: FixContext) -> FixOutcome:
    prepared = context.projects.get(rule.id)
    if prepared is None:  # no project-wide view of the declarations (a single buffer): nothing to do
        return FixOutcome(module)
    project: Project = prepared.data
    ctx = FileContext.of_module(module, ref)
    found = [hit for hit in hits(project, ref, summarise(ctx)) if not context.suppresses(rule.id, hit.span[0], hit.fact.statement[0])]
    outcome = FixOutcome(module)
    fixable: list[tuple[Hit, Mapping]] = []
    for hit in found:
        found_mapping = mapping(project, hit)
        if isinstance(found_mapping, str):
            outcome.unfixed.append(Unfixed(hit.span[0], hit.span[1], found_mapping, anchor=hit.anchor))
        else:
            fixable.append((hit, found_mapping))
    if fixable:
        plan = ImportFixPlan(derive(rule.id, {str(old): str(new) for _, (old, new) in fixable}), ctx, context)
        plan.decide()
        statements = {ctx.position(s.node)[:2]: s for s in plan.survey.statements}
        members = {hit: _members(plan, statements.get(hit.fact.statement[:2]), old) for hit, (old, _) in fixable}
        for hit, (_, new) in fixable:
            why = renamed(hit, new)
            for index in members[hit] if why else ():
                if isinstance(plan.decisions[index], (FromDest, ModDest)):
                    plan.hold(index, Verdict(UNVERIFIED, why))
                # The rename is the decisive reason, over the verifier's (another definition).
                if plan.held.get(index, (None, False))[1]:
                    plan.held[index] = (why, True)
                if index in plan.unsafe:
                    plan.unsafe[index] = why
        plan.resolve()
        outcome.module = plan.rewrite()
        for hit, (old, _) in fixable:
            _judge(outcome, plan, hit, members[hit], old)
    outcome.unfixed.sort(key=lambda u: (u.line, u.col))
    return outcome


def _members(plan: ImportFixPlan, statement: Statement | None, old: Target) -> list[int]:
    """The names of the import statement that the finding for ``old`` is about."""
    if statement is None:
        return []
    return [i for i in statement.refs if covers(old, plan.refs[i].module, plan.refs[i].name)]


def _judge(outcome: FixOutcome, plan: ImportFixPlan, hit: Hit, members: list[int], old: Target) -> None:
    """Count ``hit``'s finding (for the deprecated ``old``) fixed when every name it is about
    moved; else leave it, with why (of ``old``: a star import reaches several)."""
    line, col = hit.span[:2]
    if not members:
        outcome.unfixed.append(Unfixed(line, col, "not fixable: the import could not be located for rewriting", anchor=hit.anchor))
        return
    reason, only_unsafe, why = plan.status(members, old)
    if reason is None and any(plan.decisions[i] == STAY for i in members):
        reason = "not fixable: the import has no rewrite"
    if reason is not None:
        moved, note = plan.partial(members, line, col)
        outcome.unfixed.append(Unfixed(line, col, reason, unsafe=only_unsafe, partly=moved, anchor=hit.anchor))
        outcome.notes += [note] if note is not None else []
        return
    outcome.fixed += 1
    if why:
        outcome.unsafe += 1
        outcome.notes.append(FixNote(line, col, "unsafe fix applied: " + "; ".join(why)))
