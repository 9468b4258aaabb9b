"""The deprecated-import fix for ``import old.mod`` used as ``old.mod.X``: the import and every
such reference are rewritten together, or, when that is not provably safe (the name is rebound,
used on its own, named in a string annotation or read by a doctest, or the new top-level name is taken), nothing.
Decided for ``ImportFixPlan`` (``deprecated_import.fix``), whose state it reads and fills."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.fix.cstedit import dotted_expr
from ssot_lint.fix.import_rewrite import ModDest
from ssot_lint.fix.verdicts import WHOLE, Need, Verdict, worst
from ssot_lint.kinds.base import Target
from ssot_lint.kinds.deprecated_import.doctests import plan_doctest_line
from ssot_lint.kinds.deprecated_import.rewrite import settle, settled_path, under

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan


def top(dotted: str) -> str:
    return dotted.split(".", 1)[0]


def decide_unit(plan: ImportFixPlan, name: str, members: list[int]) -> None:
    pairs = {plan.hits[i] for i in members}
    edits: dict[cst.CSTNode, cst.BaseExpression] = {}
    paths: list[str] = []
    for index in members:  # where each import finally goes (see rewrite.settle)
        old, new = plan.hits[index]  # type: ignore[misc]
        path = settled_path(plan.rule.targets, old, new, plan.refs[index].module or "")
        if path is None:
            break
        paths.append(path)
    if len(paths) < len(members):
        reason: str | None = "not fixable: the rule's mappings never settle on a final place for the module"
    else:
        reason = _unit_problem(plan, name, members, pairs, {top(p) for p in paths}, edits)  # type: ignore[arg-type]
    if reason is not None:
        for index in members:
            plan.reasons[index] = reason
        return
    plan.unit_edits[name] = edits
    for index, path in zip(members, paths):
        plan.decisions[index] = ModDest(path, None)


def _unit_problem(
    plan: ImportFixPlan, name: str, members: list[int], pairs: set[tuple[Target, Target]], moved_tops: set[str], edits: dict[cst.CSTNode, cst.BaseExpression]
) -> str | None:
    """Why ``import old.x`` (binding ``name``) cannot be rewritten with its references (to
    modules in the top-level packages ``moved_tops``); fills ``edits`` with the reference
    rewrites when it can."""
    if any(new.member is not None for _, new in pairs):
        return "not fixable: the replacement is a member, not a module"
    uses = plan.survey.names.get(name, [])
    if uses:
        return f"not fixable: `{name}` is also used on its own at line {plan.line(uses[0])} (rebound or passed around)"
    unit = set(members)
    for index, ref in enumerate(plan.refs):
        if ref.bound == name and index not in unit and not ref.plain:
            return f"not fixable: `{name}` is also bound by the import at line {plan.line(ref.statement)}"
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    for string in plan.survey.annotation_strings:
        if word.search(string.value):
            return f"not fixable: `{name}` appears in a string annotation at line {plan.line(string)}"
    at = plan_doctest_line(plan, name)  # the doctest's text is not rewritten: it would read `name` unbound
    if at is not None:
        return f"not fixable: `{name}` is read by a doctest at line {at}"
    renamed = moved_tops != {name}
    if renamed:
        problem = _new_top_problem(plan, moved_tops)
        if problem:
            return problem
    # The members' modules and the packages above them: a chain naming one is the module itself.
    imported: set[str] = set()
    for module in (plan.refs[i].module or "" for i in members):
        imported.add(module)
        imported.update(module[:at] for at, char in enumerate(module) if char == ".")
    for node, written in plan.survey.chains_through(name):
        hit = plan.ended(next(((o, n) for o, n in plan.rule.targets if o.member is None and under(written, o.module)), None))
        if hit is None:
            if renamed:
                return f"not fixable: `{name}` is also used for `{written}` (line {plan.line(node)}), which the new import would not bind"
            continue  # untouched by the rewrite
        problem = plan._special(written, hit)
        if problem:
            return f"not fixable: `{written}` (line {plan.line(node)}) {problem}"
        if hit not in pairs:
            return f"not fixable: `{written}` (line {plan.line(node)}) is reached without an import of it in this file"
        final = settle(plan.rule.targets, *hit, written)  # the prefix that maps to its final place
        if final is None:
            return f"not fixable: the rule's mappings never settle on a final place for `{written}` (line {plan.line(node)})"
        old, new = final
        prefix: cst.BaseExpression = node
        for _ in range(len(written.split(".")) - len(old.module.split("."))):
            prefix = prefix.value  # type: ignore[attr-defined]
        edits[prefix] = dotted_expr(new.module)
        rewritten = new.module + written[len(old.module) :]
        plan.unit_chains.setdefault(name, []).append((written, rewritten, hit))
        if written in imported:
            # `x = old.mod`: the module itself as a value, so what is read through it is unknown
            plan.unit_chains[name].append((f"{written}.{WHOLE}", f"{rewritten}.{WHOLE}", hit))
            plan.whole_lines.setdefault(f"{written}.{WHOLE}", plan.line(node))
    return None


def _new_top_problem(plan: ImportFixPlan, tops: set[str]) -> str | None:
    if len(tops) > 1:
        return "not fixable: the replacements lie in several top-level packages"
    (new_top,) = tops
    if plan.survey.star_import:
        return f"not fixable: a star import might bind `{new_top}`"
    if plan.survey.names.get(new_top):
        return f"not fixable: `{new_top}` is already used in this file (line {plan.line(plan.survey.names[new_top][0])})"
    for ref in plan.refs:
        if ref.bound == new_top and not ref.plain:
            return f"not fixable: `{new_top}` is already bound by the import at line {plan.line(ref.statement)}"
    return None


def verify_unit(plan: ImportFixPlan, name: str, members: list[int]) -> None:
    """Hold back the ``import old.x`` statements binding ``name`` as one: each with its own
    verdicts (what it stops running, a store into it) and those of the reads through ``name``."""
    importer = plan.ctx.ref.module
    # Each statement's own verdicts (what it stops running, ...), and the reads through
    # the name they all bind, which move with every one of them.
    own = {
        i: [plan.verify(Need(plan.refs[i].module or "", plan.decisions[i].module, True, importer, plan.line(plan.owner[i].node)), plan.hits[i])]  # type: ignore[union-attr]
        + [store for store in [plan.stored(plan.refs[i].module or "")] if store is not None]
        for i in members
    }
    # A read `pkg.old_a.X` is old_a's statement's; one through no member's module, all of theirs.
    by_module = {plan.refs[i].module or "": i for i in members}
    shared: list[Verdict] = []
    for written, rewritten, mapping in plan.unit_chains.get(name, []):
        verdict = plan.verify(Need(written, rewritten, chain=True), mapping)
        where = plan.whole_lines.get(written)
        verdict = verdict if where is None else plan.located(verdict, written[: -len(WHOLE) - 1], where, rewritten)
        parts = written.split(".")
        owner = next((by_module[m] for end in range(len(parts), 0, -1) if (m := ".".join(parts[:end])) in by_module), None)
        (shared if owner is None else own[owner]).append(verdict)
    everyone = worst(shared)
    verdict = worst([*(v for i in members for v in own[i]), everyone])  # the statements move as one
    each = {i: worst([*own[i], everyone]) for i in members}
    held = [f"line {plan.line(plan.owner[i].node)}: {v.reason}" for i, v in each.items() if v.status == verdict.status]
    # Each its own reasons (review19a: `import pkg.old_a` was said to stop running pkg.old_b,
    # another statement's module), or, faring better alone, why the others hold it back.
    behind = dataclasses.replace(verdict, reason=f"it moves with the other imports binding {name}, and one is held back ({', '.join(held)})")
    for index in members:
        plan.hold(index, each[index] if each[index].status == verdict.status else behind)
