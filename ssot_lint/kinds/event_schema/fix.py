"""The event-schema fix: rename legacy keys, move keys that are not allowed at top level into
``data``. Values are never invented (missing keys stay findings) and never converted (type
problems stay findings); a dict whose shape cannot be known (``**`` spread, computed key) is
left alone, and so is one whose finding a suppression comment keeps. Each problem that stays is
reported with the reason it could not be fixed; a dict reshaped in part (its legacy keys renamed
while a required key is still missing) is such a finding, with a note on the unsafe fix applied.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import keyword
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.analysis.syntax import nodes_near
from ssot_lint.fix.cstedit import append_items, comments_in, drop_items
from ssot_lint.kinds.base import FileContext, FixContext, FixNote, FixOutcome, Unfixed
from ssot_lint.kinds.event_schema.entries import call_entries, dict_entries, is_dict_call, judged, key_str
from ssot_lint.kinds.event_schema.notes import FileNotes
from ssot_lint.kinds.event_schema.order import comment_on_last, inert

if TYPE_CHECKING:
    from ssot_lint.kinds.event_schema.check import EventSchema


@dataclass
class _Plan:
    """What to do with one event's entries (by index into the dict's elements / call's args)."""

    renames: dict[int, str] = field(default_factory=dict)
    moves: list[int] = field(default_factory=list)
    data: int | None = None  # index of the existing `data` entry the moves merge into
    blocked: list[str] = field(default_factory=list)


def string_key(template: cst.BaseExpression | None, text: str) -> cst.SimpleString | None:
    """A plain string literal of ``text``, quoted like ``template`` where that is exact."""
    prefix, quote = ("", '"')
    if isinstance(template, cst.SimpleString):
        prefix, quote = template.prefix, template.quote
    if quote not in text and "\\" not in text and "\n" not in text and "\r" not in text:
        return cst.SimpleString(f"{prefix}{quote}{text}{quote}")
    encoded = json.dumps(text, ensure_ascii=False)
    return cst.SimpleString(encoded) if "\\" not in encoded else None


class EventFixer(cst.CSTTransformer):
    def __init__(self, rule: EventSchema, ctx: FileContext, kept: frozenset[tuple[int, int]] = frozenset()) -> None:
        super().__init__()
        self.rule = rule
        self.ctx = ctx
        self.kept = kept  # where a suppression comment keeps the finding: left as it is
        self.unfixed: list[Unfixed] = []
        # every event the fix reshapes: its position, the top-level keys that go away, the keys
        # they become or move into, and whether its finding is gone afterwards
        self.events: list[tuple[tuple[int, int], set[str], set[str], bool]] = []

    # -- dict displays and dict(...) calls -----------------------------------------------------
    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        entries, spread = dict_entries(updated_node, self.rule.discriminator)
        keyed = [i for i, e in enumerate(updated_node.elements) if isinstance(e, cst.DictElement) and key_str(e.key, self.rule.discriminator) is not None]
        plan = self._plan(original_node, entries, keyed, spread, is_call=False, node=updated_node)
        if plan is None:
            return updated_node
        result = self._apply_dict(updated_node, plan)
        self._judge(original_node, plan, result, [key for key, _ in entries])
        return result

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not is_dict_call(updated_node):
            return updated_node
        entries, spread = call_entries(updated_node)
        keyed = [i for i, a in enumerate(updated_node.args) if a.keyword is not None]
        plan = self._plan(original_node, entries, keyed, spread, is_call=True, node=updated_node)
        if plan is None:
            return updated_node
        result = self._apply_call(updated_node, plan)
        self._judge(original_node, plan, result, [key for key, _ in entries])
        return result

    # -- deciding ------------------------------------------------------------------------------
    def _plan(
        self,
        original: cst.CSTNode,
        entries: list[tuple[str, cst.BaseExpression]],
        positions: list[int],
        spread: bool,
        *,
        is_call: bool,
        node: cst.Dict | cst.Call,
    ) -> _Plan | None:
        """None when there is nothing to do; records the finding's outcome otherwise."""
        rule = self.rule
        if rule.event_name(judged(entries)) is None:
            return None
        line, col, _, _ = self.ctx.position(original)
        if (line, col) in self.kept:
            return None
        if spread:
            self.unfixed.append(Unfixed(line, col, "not fixable: a ** spread or computed key hides the dict's shape"))
            return None
        if not rule.problem_list(judged(entries)):
            return None
        keys = [key for key, _ in entries]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            self.unfixed.append(Unfixed(line, col, f"not fixable: the dict repeats the key '{repeated[0]}' (which value wins would change)"))
            return None
        plan = _Plan()
        items = node.args if isinstance(node, cst.Call) else node.elements
        for index, (key, _) in enumerate(entries):
            target = rule.rename.get(key)
            if target is None:
                continue
            if target in keys or sum(1 for k in keys if rule.rename.get(k) == target) > 1:
                plan.blocked.append(f"'{key}' cannot become '{target}': both are present")
            elif is_call and not (target.isidentifier() and not keyword.iskeyword(target)):
                plan.blocked.append(f"'{target}' is not a valid keyword argument name")
            elif not is_call and string_key(items[positions[index]].key, target) is None:  # type: ignore[union-attr]
                plan.blocked.append(f"'{target}' cannot be written as a plain string literal")
            else:
                plan.renames[index] = target
        canonical = [plan.renames.get(i, key) for i, (key, _) in enumerate(entries)]
        if rule.data_key in canonical:
            plan.data = canonical.index(rule.data_key)
        if rule.allowed is not None:
            attached = [comments_in(items[p]) for p in positions]
            if not is_call and positions and positions[-1] == len(items) - 1:
                # a comment after the last element sits on the closing brace
                attached[-1] = attached[-1] + comments_in(getattr(node.rbrace.whitespace_before, "first_line", None))  # type: ignore[union-attr]
            self._plan_moves(plan, entries, canonical, attached, is_call)
        return plan

    def _plan_moves(self, plan: _Plan, entries: list[tuple[str, cst.BaseExpression]], canonical: list[str], attached: list[list[str]], is_call: bool) -> None:
        """Which entries move into ``data``; ``attached``: the comments on each entry."""
        allowed = frozenset(self.rule.allowed or ())
        data = self.rule.data_key
        # A legacy key whose rename is blocked stays put: it is reported as legacy, not moved.
        outside = [i for i, key in enumerate(canonical) if key not in allowed and (entries[i][0] not in self.rule.rename or i in plan.renames)]
        if not outside:
            return
        reasons: list[str] = []
        if data not in allowed:
            reasons.append(f"keys cannot move into '{data}': '{data}' is not allowed at top level either")
        elif is_call and not (data.isidentifier() and not keyword.iskeyword(data)):
            reasons.append(f"keys cannot move into '{data}': it is not a valid keyword argument name")
        elif not is_call and string_key(None, data) is None:
            reasons.append(f"keys cannot move into '{data}': it cannot be written as a plain string literal")
        inner: set[str] = set()
        if plan.data is not None:
            value = entries[plan.data][1]
            if not isinstance(value, cst.Dict):
                reasons.append(f"'{data}' is not a dict literal, so keys cannot be merged into it")
            else:
                found, spread = dict_entries(value, self.rule.discriminator)
                if spread:
                    reasons.append(f"'{data}' has a ** spread or computed key, so keys cannot be merged into it")
                elif self.rule.event_name(judged(found)) is not None:  # reshaped on its own: a key moved in would move again
                    reasons.append(f"keys cannot move into '{data}': it holds an event of its own, whose keys are checked again")
                inner = {key for key, _ in found}
        if is_call and any(attached):
            reasons.append("a comment sits inside the dict(...) call's arguments")
        if reasons:
            plan.blocked.extend(reasons)
            return
        for i in outside:
            key = canonical[i]
            if key in self.rule.discriminator or key == data:
                plan.blocked.append(f"'{key}' is not allowed at top level but cannot move (it is the discriminator or '{data}')")
            elif key in inner:
                plan.blocked.append(f"'{key}' cannot move: '{data}' already has that key")
            elif attached[i]:
                plan.blocked.append(f"'{key}' cannot move: a comment is attached to it")
            else:
                plan.moves.append(i)
                inner.add(key)
        self._keep_order(plan, entries)

    def _keep_order(self, plan: _Plan, entries: list[tuple[str, cst.BaseExpression]]) -> None:
        """Refuse each move that would change the order of evaluations that may matter: a moved
        value is evaluated where ``data`` is (after the values already in it), or where the
        first moved key was; it then comes before or after the values in between. Only values
        that have no effect and read no effect (``order.inert``) may change places: in
        ``{"agent": x if (x := 4) else 0, "data": {"x": x}}`` moving ``agent`` reads ``x`` first."""
        data = self.rule.data_key
        inner = [v for _, v in dict_entries(entries[plan.data][1], self.rule.discriminator)[0]] if plan.data is not None else []  # type: ignore[arg-type]
        while plan.moves:
            target = plan.data if plan.data is not None else plan.moves[0]
            for i in plan.moves:
                low, high = min(i, target), max(i, target)
                crossed = [v for j, (_, v) in enumerate(entries) if low <= j <= high and j != plan.data and j not in plan.moves]
                crossed += inner if plan.data is not None and i < plan.data else []
                if crossed and not all(inert(v) for v in [entries[i][1], *crossed]):
                    plan.moves.remove(i)
                    plan.blocked.append(
                        f"'{entries[i][0]}' cannot move into '{data}': its value would be evaluated in another order among values that may have effects"
                    )
                    break
            else:
                return

    def _judge(self, original: cst.CSTNode, plan: _Plan, result: cst.Dict | cst.Call, keys: list[str]) -> None:
        entries, _ = call_entries(result) if isinstance(result, cst.Call) else dict_entries(result, self.rule.discriminator)
        remaining = self.rule.problem_list(judged(entries))
        line, col, _, _ = self.ctx.position(original)
        gone = {keys[i] for i in [*plan.renames, *plan.moves]}
        destinations = {*plan.renames.values(), *([self.rule.data_key] if plan.moves else [])}
        if gone or not remaining:
            self.events.append(((line, col), gone, destinations, not remaining))
        if not remaining:
            return
        reasons = list(plan.blocked)
        for kind, text in remaining:
            if kind == "missing":
                reasons.append(f"{text} (a value is never invented)")
            elif kind == "type":
                reasons.append(f"{text} (a value is never converted)")
            elif not plan.blocked:
                reasons.append(text)
        self.unfixed.append(Unfixed(line, col, "not fixable: " + "; ".join(reasons)))

    # -- applying ------------------------------------------------------------------------------
    def _apply_dict(self, node: cst.Dict, plan: _Plan) -> cst.Dict:
        elements = list(node.elements)
        keyed = [i for i, e in enumerate(elements) if isinstance(e, cst.DictElement) and key_str(e.key, self.rule.discriminator) is not None]
        for entry, name in plan.renames.items():
            element = elements[keyed[entry]]
            # (keyed: the positions of DictElements, which BaseDictElement does not tell mypy)
            elements[keyed[entry]] = element.with_changes(key=string_key(element.key, name))  # type: ignore[attr-defined]
        moved = [
            cst.DictElement(key=elements[keyed[i]].key, value=elements[keyed[i]].value)  # type: ignore[attr-defined]
            for i in plan.moves
        ]
        rbrace = node.rbrace
        if moved:
            if plan.data is not None:
                slot = keyed[plan.data]
                data = elements[slot]
                inner: cst.Dict = comment_on_last(data.value)  # type: ignore[arg-type]  # _plan_moves moves keys only into a dict literal
                merged = inner.with_changes(elements=append_items(inner.elements, moved, inner.lbrace.whitespace_after))
                elements[slot] = data.with_changes(value=merged)
                drop = {keyed[i] for i in plan.moves}
            else:
                first = elements[keyed[plan.moves[0]]]
                elements[keyed[plan.moves[0]]] = first.with_changes(
                    key=string_key(first.key, self.rule.data_key),  # type: ignore[attr-defined]
                    value=cst.Dict(append_items([], moved, None)),
                )
                drop = {keyed[i] for i in plan.moves[1:]}
            elements, closing = drop_items(elements, drop, rbrace.whitespace_before)
            rbrace = rbrace.with_changes(whitespace_before=closing)
        return node.with_changes(elements=elements, rbrace=rbrace)

    def _apply_call(self, node: cst.Call, plan: _Plan) -> cst.Call:
        args = list(node.args)
        keyed = [i for i, a in enumerate(args) if a.keyword is not None]
        for entry, name in plan.renames.items():
            arg = args[keyed[entry]]
            args[keyed[entry]] = arg.with_changes(keyword=cst.Name(name))
        moved = [
            cst.DictElement(key=string_key(None, args[keyed[i]].keyword.value), value=args[keyed[i]].value)  # type: ignore[union-attr,arg-type]
            for i in plan.moves
        ]
        if moved:
            if plan.data is not None:
                slot = keyed[plan.data]
                inner: cst.Dict = comment_on_last(args[slot].value)  # type: ignore[arg-type]
                args[slot] = args[slot].with_changes(value=inner.with_changes(elements=append_items(inner.elements, moved, inner.lbrace.whitespace_after)))
                drop = {keyed[i] for i in plan.moves}
            else:
                first = keyed[plan.moves[0]]
                args[first] = args[first].with_changes(keyword=cst.Name(self.rule.data_key), value=cst.Dict(append_items([], moved, None)))
                drop = {keyed[i] for i in plan.moves[1:]}
            args = _drop_args(args, drop)
        return node.with_changes(args=args)


def _drop_args(args: list[cst.Arg], drop: set[int]) -> list[cst.Arg]:
    """Arguments without ``drop``; the last one keeps the trailing comma and closing whitespace.
    (Only called when the arguments hold no comments.)"""
    kept = [arg for index, arg in enumerate(args) if index not in drop]
    if kept and (len(args) - 1) in drop:
        last = args[-1]
        kept[-1] = kept[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
    return kept


UNSAFE_WHY = "reshaping an event changes the data the program sends and reads"


def fix_events(rule: EventSchema, module: cst.Module, ctx: FileContext, context: FixContext) -> FixOutcome:
    """Every event fix is unsafe: applied only with ``context.unsafe``; either way each says
    where the file still reads or writes a key it changes, and where the event escapes (``notes``)."""
    fixer = EventFixer(rule, ctx, _kept(rule, ctx, context))
    result = module.visit(fixer)
    described = FileNotes(ctx.tree, ctx.ref.path, [position for position, *_ in fixer.events]) if fixer.events else None
    unfixed = list(fixer.unfixed)
    notes: list[FixNote] = []
    fixed = 0
    partly: set[tuple[int, int]] = set()
    for (line, col), keys, destinations, gone in fixer.events:
        why = UNSAFE_WHY + (described.tail((line, col), keys, destinations) if described is not None else "")
        if not gone:  # reshaped in part: left (``fixer.unfixed`` says why), and applied only as asked
            if context.unsafe:
                partly.add((line, col))
                notes.append(FixNote(line, col, f"unsafe fix applied in part: {why}"))
            continue
        if context.unsafe:
            fixed += 1
            notes.append(FixNote(line, col, f"unsafe fix applied: {why}"))
        else:
            unfixed.append(Unfixed(line, col, f"unsafe fix not applied: {why}", unsafe=True))
    unfixed.sort(key=lambda u: (u.line, u.col))
    if not context.unsafe:
        return FixOutcome(module, 0, unfixed)
    unfixed = [dataclasses.replace(u, partly=True) if (u.line, u.col) in partly else u for u in unfixed]
    return FixOutcome(result, fixed, unfixed, fixed, notes)


def _kept(rule: EventSchema, ctx: FileContext, context: FixContext) -> frozenset[tuple[int, int]]:
    """The dicts and ``dict(...)`` calls (by line and column) whose finding a suppression comment
    keeps: on the node's line or its statement's first line, as ``check`` judges it."""
    if not context.suppressions:
        return frozenset()
    lines = sorted({comment.line for comment in context.suppressions})
    kept = set()
    for node, stmt_line in nodes_near(ctx.tree, (ast.Dict, ast.Call), lines):
        line, col, _, _ = ctx.span(node)
        if context.suppresses(rule.id, line, stmt_line):
            kept.add((line, col))
    return frozenset(kept)
