"""event-schema: event dict literals that are not in the canonical shape.

A dict literal (or a ``dict(...)`` call with keyword arguments) is an event when one of its
``discriminator`` keys (the first present one) has a string value listed in ``events`` (any string
when ``events`` is omitted). One finding per event dict, listing every problem:

- a legacy key, with its canonical name (``rename``);
- a ``required`` key that is missing (a legacy key counts for the key it renames to);
- a key that is not ``allowed`` at top level (it belongs in ``data``);
- a value of the wrong kind for ``value-types`` (``number``, ``string``, ``dict``, ``list``,
  ``bool``), judged only for literals: a string literal where a number is required is wrong,
  a variable is not judged.

A dict with a ``**spread`` or a computed key cannot be verified: it is reported once at ``info``
severity, never guessed. Keys and discriminator values are recognised when written as plain string
literals (no escape sequences, no implicit concatenation): they then appear verbatim in the source,
which is what makes the text prefilter a provable superset.

Message fields: ``{problems}`` (all problems joined by ``; ``), ``{event}``.

Fix (``ssot-lint fix``): legacy keys are renamed; keys not ``allowed`` move into ``data`` (merged
into a ``data`` dict literal, or a new one). Missing keys and wrong value types stay findings:
a fix never invents or converts a value. Dicts with a ``**`` spread are left alone.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from ssot_lint.kinds.base import Example, FileContext, FixOutcome, Option, OptionError, Rule, StatementTracker, word_pattern
from ssot_lint.model import FileRef, Finding
from ssot_lint.prefilter import TextPattern

VALUE_KINDS = ("number", "string", "dict", "list", "bool")


def literal_str(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain, verbatim string literal; None for anything else."""
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower():
        return None
    value = node.evaluated_value
    if not isinstance(value, str):
        return None
    quote_len = len(node.quote)
    body = node.value[len(node.prefix) + quote_len : -quote_len]
    return value if body == value else None


def value_kind(node: cst.BaseExpression) -> str | None:
    """The kind of a literal value; None when it is not a literal we can judge."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return "bytes"
        return "string"
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return "number"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.expression, (cst.Integer, cst.Float)):
        return "number"
    if isinstance(node, (cst.Dict, cst.DictComp)):
        return "dict"
    if isinstance(node, (cst.List, cst.ListComp, cst.Tuple)):
        return "list"
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return "bool"
    if isinstance(node, cst.Name) and node.value == "None":
        return "None"
    return None


def dict_entries(node: cst.Dict) -> tuple[list[tuple[str, cst.BaseExpression]], bool]:
    """The literal-keyed entries of a dict display, and whether it has a spread or computed key."""
    entries: list[tuple[str, cst.BaseExpression]] = []
    spread = False
    for element in node.elements:
        key = literal_str(element.key) if isinstance(element, cst.DictElement) else None
        if key is None:
            spread = True
        else:
            entries.append((key, element.value))
    return entries, spread


def is_dict_call(node: cst.Call) -> bool:
    return isinstance(node.func, cst.Name) and node.func.value == "dict"


def call_entries(node: cst.Call) -> tuple[list[tuple[str, cst.BaseExpression]], bool]:
    """The keyword entries of ``dict(...)``, and whether it has positional or ``**`` arguments."""
    entries = [(a.keyword.value, a.value) for a in node.args if a.keyword is not None]
    return entries, any(a.keyword is None for a in node.args)


class EventSchema(Rule):
    kind = "event-schema"
    summary = "Event dict literals must use the canonical keys, nesting and value types."
    options = {
        "discriminator": Option("str-list", "keys naming the event; the first present one counts", default=("event_type", "type")),
        "events": Option("str-list", "event names to check (default: every string value)"),
        "required": Option("str-list", "keys every event must have", default=()),
        "allowed": Option("str-list", "keys allowed at top level (default: any)"),
        "rename": Option("str-map", "legacy key -> canonical key", default={}),
        "value-types": Option("str-map", "key -> number | string | dict | list | bool", default={}),
    }
    message_fields = ("problems", "event")
    default_message = "non-canonical event dict: {problems}"
    fixable = True
    EXAMPLE_OPTIONS = {
        "events": ["agent_started"],
        "required": ["event_type", "timestamp", "user_id", "data"],
        "allowed": ["event_type", "timestamp", "user_id", "data"],
        "rename": {"type": "event_type", "time": "timestamp", "user": "user_id"},
        "value-types": {"timestamp": "number"},
    }
    VALID = [
        Example.of('e = {"event_type": "agent_started", "timestamp": 1.5, "user_id": u, "data": {}}\n', 0),
        Example.of('e = {"type": "other_event", "time": "now"}\nx = {"a": 1}\n', 0),
        Example.of('doc = """{"type": "agent_started"}"""\n# {"type": "agent_started"}\n', 0),
        Example.of('e = {"event_type": "agent_started", "timestamp": t, "user_id": u, "data": d}\n', 0),
    ]
    INVALID = [
        Example.of('e = {"type": "agent_started", "time": "2023", "user": u, "agent": 1}\n', 1, lines=[1]),
        Example.of('e = dict(event_type="agent_started", timestamp=1, user_id=u)\n', 1, lines=[1]),
        Example.of('def f():\n    return {\n        "event_type": "agent_started", **base,\n    }\n', 1, lines=[2]),
        Example.of('e = {"event_type": "agent_started", "timestamp": "1", "user_id": u, "data": {}}\n', 1, lines=[1]),
    ]

    def configure(self) -> None:
        if not self.discriminator:
            raise OptionError("'discriminator' needs at least one key")
        for key, kind in self.value_types.items():
            if kind not in VALUE_KINDS:
                raise OptionError(f"value-types.{key}: unknown kind {kind!r} (expected one of {', '.join(VALUE_KINDS)})")
        self._events = frozenset(self.events) if self.events is not None else None
        self._allowed = frozenset(self.allowed) if self.allowed is not None else None

    def prefilter(self) -> TextPattern | None:
        # An event dict spells its discriminator key verbatim: as a quoted key or a dict() keyword.
        return word_pattern(self.discriminator)

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        # A listed event name is a plain string literal, so it sits between quotes in the source.
        if self._events is not None and not any(q + e + q in text for e in self._events for q in "\"'"):
            return False
        return super().needs_parse(text, ref)

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        rule = self
        findings: list[Finding] = []

        class Events(StatementTracker):
            def visit_Dict(self, node: cst.Dict) -> None:
                self._judge(node, *dict_entries(node))

            def visit_Call(self, node: cst.Call) -> None:
                if is_dict_call(node):
                    self._judge(node, *call_entries(node))

            def _judge(self, node: cst.CSTNode, entries: list[tuple[str, cst.BaseExpression]], spread: bool) -> None:
                event = rule.event_name(entries)
                if event is None:
                    return
                if spread:
                    message = rule.format(problems="cannot be verified (** spread or computed key)", event=event)
                    findings.append(rule.finding(ctx, node, message, severity="info", stmt_line=self.statement_line()))
                    return
                problems = rule.problems(entries)
                if problems:
                    message = rule.format(problems="; ".join(problems), event=event)
                    findings.append(rule.finding(ctx, node, message, stmt_line=self.statement_line()))

        ctx.module.visit(Events(ctx))
        return findings, None

    def fix(self, module: cst.Module, ref: FileRef) -> FixOutcome:
        """Renames legacy keys and moves misplaced keys into ``data``; see ``event_schema_fix``."""
        from ssot_lint.kinds.event_schema_fix import fix_events  # it builds on this module


        return fix_events(self, module, FileContext(module, ref))

    def event_name(self, entries: list[tuple[str, cst.BaseExpression]]) -> str | None:
        keys = dict(entries)
        for key in self.discriminator:
            if key in keys:
                name = literal_str(keys[key])
                if name is None or (self._events is not None and name not in self._events):
                    return None
                return name
        return None

    def problems(self, entries: list[tuple[str, cst.BaseExpression]]) -> list[str]:
        return [text for _, text in self.problem_list(entries)]

    def problem_list(self, entries: list[tuple[str, cst.BaseExpression]]) -> list[tuple[str, str]]:
        """(kind, text) per problem; kind is ``legacy``, ``placement``, ``type`` or ``missing``."""
        problems: list[tuple[str, str]] = []
        for key, value in entries:
            canonical = self.rename.get(key, key)
            if key in self.rename:
                problems.append(("legacy", f"legacy key '{key}' (use '{canonical}')"))
            elif self._allowed is not None and key not in self._allowed:
                problems.append(("placement", f"'{key}' is not allowed at top level (move it into 'data')"))
            expected = self.value_types.get(canonical)
            actual = value_kind(value)
            if expected and actual and actual != expected:
                problems.append(("type", f"'{key}' must be a {expected}, not a {actual}"))
        provided = {self.rename.get(key, key) for key, _ in entries}
        problems.extend(("missing", f"missing '{key}'") for key in self.required if key not in provided)
        return problems
