"""No import written twice by the deprecated-import fix: a rewritten name its block (or, for a
block nested outside any function or class, an earlier module-level import) already binds the
same way is dropped, unless the file binds the name otherwise too; an ``import new.mod`` added
for rewritten references is added only where nothing before it imports that module. Decided for
``ImportFixPlan`` (``deprecated_import.fix``), whose decisions it reads and changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.analysis.imports import ImportRef
from ssot_lint.fix.destinations import DROP, STAY, FromDest, ModDest

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan


def stay_signature(ref: ImportRef) -> tuple[str, ...] | None:
    if ref.module is None:
        return None
    if isinstance(ref.statement, cst.Import):
        asname = ref.node.asname
        return ("import", ref.module, asname.name.value if asname else "")
    return ("from", ref.module, ref.name or "", ref.bound or "")


def deduplicate(plan: ImportFixPlan) -> bool:
    """Drop a rewritten name that its block already imports the same way earlier, or that a
    module-level import earlier in the file (which has certainly run) binds the same way
    when it is in a nested block outside any function or class; refuse one that the block
    imports again later. Returns whether a new refusal was made."""
    order: dict[int, list[tuple[int, tuple[str, ...], int]]] = {}  # block -> (position, signature, ref)
    top: dict[tuple[str, ...], int] = {}  # signature -> the first position the module's own block imports it at
    nested: set[int] = set()  # refs in a block nested at module level (not in a def or class)
    for position, statement in enumerate(plan.survey.statements):
        for index in statement.refs:
            decision = plan.decisions[index]
            signature = decision.signature if isinstance(decision, (FromDest, ModDest)) else stay_signature(plan.refs[index])
            if signature is not None:
                order.setdefault(id(statement.block), []).append((position, signature, index))
                if isinstance(statement.block, cst.Module) and decision != DROP:
                    top.setdefault(signature, position)
                elif not statement.scoped and not isinstance(statement.block, cst.Module):
                    nested.add(index)
    refused = False
    for entries in order.values():
        seen: set[tuple[str, ...]] = set()
        for position, signature, index in entries:
            decision = plan.decisions[index]
            moving = isinstance(decision, (FromDest, ModDest))
            earlier = signature in seen or (index in nested and top.get(signature, position) < position)
            if moving and earlier and not rebound(plan, plan.refs[index].bound):
                plan.decisions[index] = DROP
                continue
            if moving:
                later = next((i for p, sig, i in entries if p > position and sig == signature and plan.decisions[i] == STAY), None)
                if later is not None:
                    line = plan.line(plan.refs[later].statement)
                    plan.reasons[index] = f"not fixable: the rewritten import would duplicate the one at line {line}; remove one by hand"
                    refused = True
                    continue
            seen.add(signature)
    return refused


def rebound(plan: ImportFixPlan, name: str | None) -> bool:
    """Whether the file binds ``name`` other than by the one import a duplicate repeats (an
    assignment, a definition, another import of something else): then the repeated import
    rebinds it, and dropping it would change what the name holds afterwards."""
    if name is None or name in plan.survey.rebound:
        return True
    values = set()  # what each import binding the name binds it to
    for index, ref in enumerate(plan.refs):
        if ref.bound == name:
            decision = plan.decisions[index]
            signature = decision.signature if isinstance(decision, (FromDest, ModDest)) else stay_signature(ref)
            if signature is not None and signature[0] == "import" and not signature[2]:
                signature = ("import", signature[1].partition(".")[0], "")  # `import a.b` and `import a.c` both bind a
            values.add(signature)
    return len(values - {None}) > 1


def new_adds(plan: ImportFixPlan, adds: dict[cst.CSTNode, list[str]]) -> dict[cst.CSTNode, list[str]]:
    """``adds`` (``import new.mod`` after a statement, for rewritten references) without those
    the block already has at or before that statement once rewritten, or a module-level
    import before it has bound when the block is nested outside any function or class."""
    if not adds:
        return adds
    kept: dict[cst.CSTNode, list[str]] = {}
    seen: dict[int, set[tuple[str, ...]]] = {}
    top: set[tuple[str, ...]] = set()
    for statement in plan.survey.statements:
        block = seen.setdefault(id(statement.block), set())
        for index in statement.refs:
            decision = plan.decisions[index]
            signature = decision.signature if isinstance(decision, (FromDest, ModDest)) else stay_signature(plan.refs[index])
            if signature is not None and decision != DROP:
                block.add(signature)
        for module in adds.get(statement.node, []):
            signature = ("import", module, "")
            known = (signature in block or (not statement.scoped and signature in top)) and not rebound(plan, module.partition(".")[0])
            if not known:
                kept.setdefault(statement.node, []).append(module)
                block.add(signature)
        if isinstance(statement.block, cst.Module):
            top |= block
    return kept
