"""No import written twice by the deprecated-import fix: a rewritten name its block (or, for a
block nested outside any function or class, an earlier module-level import) already binds the
same way is dropped, unless the file binds the name otherwise too; an ``import new.mod`` added
for rewritten references is added only where nothing before it imports that module. Decided for
``ImportFixPlan`` (``deprecated_import.fix``), whose decisions it reads and changes."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.analysis.imports import ImportRef
from ssot_lint.fix.destinations import DROP, STAY, Decision, FromDest, ModDest

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan


def stay_signature(ref: ImportRef) -> tuple[str, ...] | None:
    if ref.module is None:
        return None
    if isinstance(ref.statement, cst.Import):
        asname = ref.node.asname
        return ("import", ref.module, asname.name.value if asname else "")
    explicit = isinstance(ref.node, cst.ImportAlias) and ref.node.asname is not None and ref.bound == ref.name
    return ("from", ref.module, ref.name or "", ref.bound or "", "as" if explicit else "")


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
    bindings = Bindings(plan)
    for entries in order.values():
        # The names that stay, by signature, in order (dropping names leaves them as they are):
        # looking through every later entry for each rewritten name made N of them cost N times N.
        staying: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for position, signature, index in entries:
            if plan.decisions[index] == STAY:
                staying.setdefault(signature, []).append((position, index))
        seen: set[tuple[str, ...]] = set()
        for position, signature, index in entries:
            decision = plan.decisions[index]
            moving = isinstance(decision, (FromDest, ModDest))
            earlier = signature in seen or (index in nested and top.get(signature, position) < position)
            if moving and earlier and not bindings.rebound(plan.refs[index].bound):
                bindings.decide(index, DROP)
                continue
            if moving:
                same = staying.get(signature, [])
                at = bisect_right(same, position, key=lambda entry: entry[0])
                later = same[at][1] if at < len(same) else None
                if later is not None:
                    line = plan.line(plan.refs[later].statement)
                    plan.reasons[index] = f"not fixable: the rewritten import would duplicate the one at line {line}; remove one by hand"
                    refused = True
                    continue
            seen.add(signature)
    return refused


class Bindings:
    """What the file's imports bind each name to, kept as ``deduplicate`` drops names: whether
    the file binds a name other than by the one import a duplicate repeats (an assignment, a
    definition, another import of something else), when the repeated import rebinds it and
    dropping it would change what the name holds afterwards. Counted once per name and kept up
    to date: going through every import of the file for each name dropped made N repeated
    imports cost N times N."""

    def __init__(self, plan: ImportFixPlan) -> None:
        self.plan = plan
        self._values: dict[str, Counter[tuple[str, ...]]] = {}  # name -> what its imports bind it to
        for index, ref in enumerate(plan.refs):
            value = self._value(index)
            if ref.bound is not None and value is not None:
                self._values.setdefault(ref.bound, Counter())[value] += 1

    def rebound(self, name: str | None) -> bool:
        """Whether the file binds ``name`` other than by the one import a duplicate repeats."""
        return name is None or name in self.plan.survey.rebound or len(self._values.get(name, ())) > 1

    def decide(self, index: int, decision: Decision) -> None:
        """Make ``decision`` the plan's for name ``index``."""
        bound, before = self.plan.refs[index].bound, self._value(index)
        self.plan.decisions[index] = decision
        after = self._value(index)
        if bound is None or before == after:
            return
        values = self._values.setdefault(bound, Counter())
        if before is not None:
            values[before] -= 1
            if not values[before]:
                del values[before]
        if after is not None:
            values[after] += 1

    def _value(self, index: int) -> tuple[str, ...] | None:
        """What the import of name ``index`` binds its name to, as the plan decides it."""
        decision = self.plan.decisions[index]
        signature = decision.signature if isinstance(decision, (FromDest, ModDest)) else stay_signature(self.plan.refs[index])
        if signature is not None and signature[0] == "import" and not signature[2]:
            return ("import", signature[1].partition(".")[0], "")  # `import a.b` and `import a.c` both bind a
        if signature is not None and signature[0] == "from":
            return signature[:4]  # `B as B` binds what `B` does
        return signature


def new_adds(plan: ImportFixPlan, adds: dict[cst.CSTNode, list[str]]) -> dict[cst.CSTNode, list[str]]:
    """``adds`` (``import new.mod`` after a statement, for rewritten references) without those
    the block already has at or before that statement once rewritten, or a module-level
    import before it has bound when the block is nested outside any function or class."""
    if not adds:
        return adds
    kept: dict[cst.CSTNode, list[str]] = {}
    bindings = Bindings(plan)
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
            known = (signature in block or (not statement.scoped and signature in top)) and not bindings.rebound(module.partition(".")[0])
            if not known:
                kept.setdefault(statement.node, []).append(module)
                block.add(signature)
        if isinstance(statement.block, cst.Module):
            top |= block
    return kept
