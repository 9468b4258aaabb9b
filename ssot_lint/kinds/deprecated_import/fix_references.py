"""The libcst half of rewriting references through an import of a package above a deprecated
member (``collections.OrderedDict``): the plans come from ``references`` (decided on CPython's
tree, as ``check`` decides), each is verified as an import rewrite is, and the reference is
replaced, the replacement module imported right after the import its head comes from, and that
import dropped when nothing else in the file needs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.analysis.source_lines import Span
from ssot_lint.fix.cstedit import dotted_expr
from ssot_lint.fix.destinations import DROP, STAY
from ssot_lint.fix.verdicts import REFUSED, UNVERIFIED, Verdict, worst
from ssot_lint.kinds.base import FileContext, FixNote, Unfixed
from ssot_lint.kinds.deprecated_import.file_check import deprecated_references
from ssot_lint.kinds.deprecated_import.references import ReferencePlan, plan_references, removable

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan


@dataclass
class ReferenceEdits:
    """What rewriting a file's deprecated references adds to its import rewrites: expressions
    replaced (keyed by the original node), modules to import after an import statement (keyed
    by it), and how each reference finding ends."""

    expressions: dict[cst.CSTNode, cst.BaseExpression] = field(default_factory=dict)
    adds: dict[cst.CSTNode, list[str]] = field(default_factory=dict)
    fixed: int = 0
    unsafe: int = 0
    unfixed: list[Unfixed] = field(default_factory=list)
    notes: list[FixNote] = field(default_factory=list)


def reference_edits(plan: ImportFixPlan) -> ReferenceEdits:
    """Plan, verify and prepare the rewrites of the references ``plan.rule`` flags in the file;
    the head imports that can go are marked ``DROP`` in ``plan``."""
    edits = ReferenceEdits()
    text = FileContext(plan.ctx.ref, plan.ctx.text)
    found = deprecated_references(plan.rule, text, text.imports())
    plans = plan_references(text, found)
    if not plans:
        return edits
    attributes: dict[Span, cst.Attribute] = {}
    for chain, _ in plan.survey.chains:
        inner: cst.BaseExpression = chain
        while isinstance(inner, cst.Attribute):
            attributes[plan.ctx.position(inner)] = inner
            inner = inner.value
    statements = {plan.ctx.position(s.node)[:2]: s for s in plan.survey.statements}
    applied: list[ReferencePlan] = []
    # Each module imported once, after the first anchor that needs it: the references come
    # after their anchors, so all after the first (a fix never adds an import twice).
    adds: dict[str, tuple[tuple[int, int], cst.CSTNode]] = {}
    for reference, (_, _, _, stmt_line) in zip(plans, found):
        line, col = reference.span[:2]
        if plan.context.suppressions and plan.context.suppresses(plan.rule.id, line, stmt_line):
            continue  # kept on purpose: its head import stays too, since it still reads it
        node = attributes.get(reference.span)
        statement = statements.get(reference.anchor) if reference.anchor is not None else None
        if reference.reason:
            edits.unfixed.append(Unfixed(line, col, reference.reason))
            continue
        if node is None or statement is None:  # libcst and CPython disagree on where it is
            edits.unfixed.append(Unfixed(line, col, f"not fixable: `{reference.written}` could not be located for rewriting"))
            continue
        verdict = worst(plan.verify(need, (reference.old, reference.new)) for need in reference.needs)
        if reference.unsafe:  # the file shows it (a read at import time, an inferred name): unsafe unless refused
            verdict = worst([verdict, Verdict(UNVERIFIED, reference.unsafe)])
        if verdict.status == REFUSED:
            edits.unfixed.append(Unfixed(line, col, f"not fixable: {verdict.reason}"))
            continue
        if verdict.status == UNVERIFIED and not plan.context.unsafe:
            edits.unfixed.append(Unfixed(line, col, f"unsafe fix not applied: {verdict.reason}", unsafe=True))
            continue
        edits.expressions[node] = dotted_expr(reference.expression)
        if reference.adds is not None and reference.anchor is not None:
            first = adds.get(reference.adds)
            if first is None or reference.anchor < first[0]:
                adds[reference.adds] = (reference.anchor, statement.node)
        edits.fixed += 1
        if verdict.status == UNVERIFIED:
            edits.unsafe += 1
            edits.notes.append(FixNote(line, col, f"unsafe fix applied: {verdict.reason}"))
        applied.append(reference)
    for module, (_, anchor) in adds.items():
        edits.adds.setdefault(anchor, []).append(module)
    gone = removable(text, applied)
    for reference in applied:
        statement = statements[reference.anchor] if reference.head in gone and reference.anchor is not None else None
        for index in statement.refs if statement is not None else ():
            if plan.refs[index].bound == reference.head and plan.decisions[index] == STAY:
                plan.decisions[index] = DROP
    return edits
