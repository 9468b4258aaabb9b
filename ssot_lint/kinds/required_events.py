"""required-events: every listed event must be emitted somewhere in scope.

``events`` (required) lists the event names. An event counts as emitted when some file in the rule's scope contains

- an event dict: a dict literal (or ``dict(...)`` call) whose first present ``discriminator`` key
  (default ``event_type``, then ``type``) has the event name as a plain string literal; or
- a call of a configured emitter whose first positional argument (or a keyword argument named
  like a discriminator key) is the event name as a plain string literal. ``emitters`` are
  shell-style patterns: one without a dot matches the called name's last part (``emit`` matches
  ``emit(...)`` and ``self.bus.emit(...)``), one with a dot matches the whole dotted call name
  (``*.emit_event`` matches ``self.ws.emit_event(...)``; a part that is not a plain name, as in
  ``get_bus().emit(...)``, is written ``?``).

Names are recognised only as plain string literals (no f-strings, no constants): they then appear
verbatim in the source, so files without any listed name are never parsed. An event built from a
variable is not seen; name it with a literal at the call site, or list it elsewhere.

Each missing event is a finding at the rule itself (its ``[[rule]]`` line in its rule file): the
code that should emit it does not exist, so there is no line of code to point at. ``details`` has
``emitted`` (event -> number of emitting sites) and ``missing``.

Message fields: ``{event}``, ``{events}`` (how many are required).
"""

from __future__ import annotations

import os
from collections import Counter
from fnmatch import fnmatchcase
from typing import Any

import libcst as cst

from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule, word_pattern
from ssot_lint.kinds.event_schema import literal_str
from ssot_lint.prefilter import TextPattern
from ssot_lint.model import FileRef, Finding


def call_name(func: cst.BaseExpression) -> str:
    """``a.b.c`` for a call of ``a.b.c``; parts that are not plain names are ``?``."""
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return f"{call_name(func.value)}.{func.attr.value}"
    return "?"


class RequiredEvents(Rule):
    kind = "required-events"
    summary = "Every listed event is emitted somewhere: as an event dict or through an emitter call."
    options = {
        "events": Option("str-list", "event names that must be emitted", required=True),
        "discriminator": Option("str-list", "dict keys naming the event; the first present one counts", default=("event_type", "type")),
        "emitters": Option("str-list", "emitter call patterns whose first argument is the event name", default=()),
    }
    message_fields = ("event", "events")
    default_message = "required event {event} is never emitted"
    EXAMPLE_OPTIONS = {"events": ["agent_started", "agent_completed"], "emitters": ["emit", "*.emit_event"]}
    VALID = [
        Example.of('a = {"event_type": "agent_started", "data": {}}\nb = dict(type="agent_completed")\n', 0),
        Example({"a.py": 'emit("agent_started", {})\n', "b.py": 'self.ws.emit_event(event_type="agent_completed")\n'}, 0),
    ]
    INVALID = [
        Example.of('a = {"event_type": "agent_started"}\nlog("agent_completed")\nx = {"name": "agent_completed"}\n', 1, lines=[1]),
        Example.of('"""agent_started agent_completed"""\nEVENT = "agent_started"\nemit(EVENT)\nsend("agent_completed")\n', 2, lines=[1, 1]),
    ]

    def configure(self) -> None:
        if not self.events:
            raise OptionError("'events' needs at least one event name")
        if not self.discriminator:
            raise OptionError("'discriminator' needs at least one key")
        self._events = frozenset(self.events)

    def prefilter(self) -> TextPattern | None:
        # Either way of emitting spells the event name verbatim as a string literal.
        return word_pattern(self.events)

    def is_emitter(self, func: cst.BaseExpression) -> bool:
        name = call_name(func)
        last = name.rsplit(".", 1)[-1]
        return any(fnmatchcase(name if "." in pattern else last, pattern) for pattern in self.emitters)

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        rule = self
        emitted: Counter[str] = Counter()

        class Emissions(cst.CSTVisitor):
            def visit_Dict(self, node: cst.Dict) -> None:
                keys = [literal_str(e.key) if isinstance(e, cst.DictElement) else None for e in node.elements]
                self.record({k: e.value for k, e in zip(keys, node.elements) if k is not None})

            def visit_Call(self, node: cst.Call) -> None:
                keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
                if isinstance(node.func, cst.Name) and node.func.value == "dict":
                    self.record(keywords)
                elif rule.emitters and rule.is_emitter(node.func):
                    first = node.args[0] if node.args and node.args[0].keyword is None and not node.args[0].star else None
                    if first is not None:
                        self.count(literal_str(first.value))
                    else:
                        self.record(keywords)

            def record(self, entries: dict[str, cst.BaseExpression]) -> None:
                key = next((k for k in rule.discriminator if k in entries), None)
                if key is not None:
                    self.count(literal_str(entries[key]))

            def count(self, name: str | None) -> None:
                if name in rule._events:
                    emitted[name] += 1  # type: ignore[index]

        ctx.module.visit(Emissions())
        return [], (tuple(sorted(emitted.items())) or None)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        emitted: Counter[str] = Counter()
        for _, fact in facts:
            emitted.update(dict(fact))
        missing = [event for event in self.events if event not in emitted]
        line = max(self.meta.line, 1)
        path = self.meta.origin.replace(os.sep, "/")
        findings = [
            Finding(self.id, line, 1, line, 1, self.format(event=event, events=len(self.events)), self.severity, path, f"required event {event}", line)
            for event in missing
        ]
        return findings, None, {"emitted": {e: emitted[e] for e in self.events if e in emitted}, "missing": missing}
