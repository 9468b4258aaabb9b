"""required-events: every listed event must be emitted somewhere in scope.

``events`` (required) lists the event names. An event counts as emitted when some file in the rule's scope contains

- an event dict: a dict literal (or ``dict(...)`` call) whose first present ``discriminator`` key
  (default ``event_type``, then ``type``) has the event name as a plain string literal; or
- a call of a configured emitter whose first positional argument (or a keyword argument named
  like a discriminator key) is the event name as a plain string literal. ``emitters`` are
  shell-style patterns: one without a dot matches the called name's last part (``emit`` matches
  ``emit(...)`` and ``self.bus.emit(...)``), one with a dot matches the whole dotted call name
  (``*.emit_event`` matches ``self.ws.emit_event(...)``; a part that is not a plain name, as in
  ``get_bus().emit(...)``, is written ``?``); or
- a call whose name carries the event: an emitter pattern with ``{event}`` in it stands for one
  pattern per event, and a call it matches emits that event whatever its arguments.
  ``emit_{event}`` matches ``emit_agent_started(run)`` and ``self.notifier.emit_agent_started()``
  (the last part, as above); ``*.on_{event}`` matches ``bus.on_tool_completed()``. ``{event}`` may
  appear once per pattern, and is the only placeholder: anything else in braces, a conversion
  (``{event!r}``) or a format spec (``{event:x}``) is an error when the rule file loads, at the
  ``emitters`` line. ``*``, ``?`` and ``[...]`` work around it as elsewhere; the name must equal
  one of ``events`` exactly (``emit_{event}`` does not match ``emit_agent_started_late()``).

Names are recognised only as plain string literals (no f-strings, no constants) or, with
``{event}`` patterns, as parts of called names: they then appear verbatim in the source, so files
without any listed name are never parsed. An event built from a variable is not seen; name it
with a literal at the call site, or list it elsewhere.

Each missing event is a finding at the rule itself (its ``[[rule]]`` line in its rule file): the
code that should emit it does not exist, so there is no line of code to point at. ``details`` has
``emitted`` (event -> number of emitting sites) and ``missing``.

Message fields: ``{event}``, ``{events}`` (how many are required).
"""

from __future__ import annotations

import ast
import os
import string
from collections import Counter
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any

from ssot_lint.analysis.prefilter import Substrings, TextPattern
from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule, word_pattern
from ssot_lint.kinds.event_schema.check import is_dict_call, literal_text, written_entries
from ssot_lint.model import FileRef, Finding


def call_name(func: ast.expr) -> str:
    """``a.b.c`` for a call of ``a.b.c``; parts that are not plain names are ``?``."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    parts.append(func.id if isinstance(func, ast.Name) else "?")
    return ".".join(reversed(parts))


def name_patterns(pattern: str, events: Sequence[str]) -> list[tuple[str, str]] | None:
    """For an emitter pattern carrying ``{event}``: (event, the pattern with that event in its
    place) for each event; None for a plain pattern. Raises ``OptionError`` for any other
    placeholder, a second ``{event}``, a conversion or a format spec, and unbalanced braces."""
    try:
        pieces = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise OptionError(f"'emitters': {pattern!r}: {exc} (write {{event}} for the event's place in the name)") from None
    fields = [(field, spec, conversion) for _, field, spec, conversion in pieces if field is not None]
    if not fields:
        return None
    for field, spec, conversion in fields:
        if field != "event":
            raise OptionError(f"'emitters': {pattern!r}: unknown placeholder {{{field}}} (only {{event}} is known)")
        if spec or conversion:
            raise OptionError(f"'emitters': {pattern!r}: {{event}} takes no conversion or format spec")
    if len(fields) > 1:
        raise OptionError(f"'emitters': {pattern!r}: {{event}} may appear once")
    before, after = pieces[0][0], pieces[1][0] if len(pieces) > 1 else ""
    # The event stands for itself: shell-style characters in it match only themselves.
    return [(event, before + "".join(f"[{c}]" if c in "*?[" else c for c in event) + after) for event in events]


class RequiredEvents(Rule):
    kind = "required-events"
    summary = "Every listed event is emitted somewhere: as an event dict or through an emitter call."
    category = "Bug Risk"
    options = {
        "events": Option(
            "str-list",
            "event names that must be emitted",
            required=True,
            schema={"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
        ),
        "discriminator": Option(
            "str-list",
            "dict keys naming the event; the first present one counts",
            default=("event_type", "type"),
            schema={"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
        ),
        "emitters": Option("str-list", "emitter call patterns: the first argument names the event, or {event} marks it in the called name", default=()),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    events: tuple[str, ...]
    discriminator: tuple[str, ...]
    emitters: tuple[str, ...]
    message_fields = ("event", "events")
    default_message = "required event {event} is never emitted"
    EXAMPLE_OPTIONS = {"events": ["agent_started", "agent_completed"], "emitters": ["emit", "*.emit_event", "emit_{event}"]}
    VALID = [
        Example.of('a = {"event_type": "agent_started", "data": {}}\nb = dict(type="agent_completed")\n', 0),
        Example({"a.py": 'emit("agent_started", {})\n', "b.py": 'self.ws.emit_event(event_type="agent_completed")\n'}, 0),
        Example({"a.py": "emit_agent_started(run)\n", "b.py": "self.notifier.emit_agent_completed()\n"}, 0),
    ]
    INVALID = [
        Example.of('a = {"event_type": "agent_started"}\nlog("agent_completed")\nx = {"name": "agent_completed"}\n', 1, lines=[1]),
        Example.of('"""agent_started agent_completed"""\nEVENT = "agent_started"\nemit(EVENT)\nsend("agent_completed")\n', 2, lines=[1, 1]),
        Example.of("emit_agent_started_late()\nemit_agent_completed\nemit_agentstarted()\n", 2, lines=[1, 1]),
    ]

    def configure(self) -> None:
        if not self.events:
            raise OptionError("'events' needs at least one event name")
        if not self.discriminator:
            raise OptionError("'discriminator' needs at least one key")
        self._events = frozenset(self.events)
        self._plain: list[str] = []
        self._named: list[tuple[bool, list[tuple[str, str]]]] = []  # (whole dotted name?, per event)
        for pattern in self.emitters:
            per_event = name_patterns(pattern, self.events)
            if per_event is None:
                self._plain.append(pattern)
            else:
                self._named.append(("." in pattern, per_event))

    def prefilter(self) -> TextPattern | None:
        # Every way of emitting spells the event name verbatim: as a string literal (a whole word),
        # or inside a called name (a substring) with {event} patterns.
        return Substrings(self.events) if self._named else word_pattern(self.events)

    def is_emitter(self, func: ast.expr) -> bool:
        name = call_name(func)
        last = name.rsplit(".", 1)[-1]
        return any(fnmatchcase(name if "." in pattern else last, pattern) for pattern in self._plain)

    def named_event(self, func: ast.expr) -> str | None:
        """The event a call's name carries, by the first ``{event}`` pattern it matches."""
        name = call_name(func)
        last = name.rsplit(".", 1)[-1]
        for dotted, per_event in self._named:
            for event, pattern in per_event:
                if fnmatchcase(name if dotted else last, pattern):
                    return event
        return None

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        emitted: Counter[str] = Counter()

        def count(name: str | None) -> None:
            if name in self._events:
                emitted[name] += 1

        def record(node: ast.Dict | ast.Call) -> None:
            written = {key if isinstance(key, str) else literal_text(ctx, key): value for key, value in written_entries(node)[0]}
            key = next((k for k in self.discriminator if k in written), None)
            if key is not None:
                count(literal_text(ctx, written[key]))

        # Both ways of emitting spell the event name on a line the dict or call spans.
        for node, _ in ctx.nodes_near((ast.Dict, ast.Call), self.events):
            if isinstance(node, ast.Dict) or is_dict_call(node):
                record(node)
            elif self._named and (event := self.named_event(node.func)) is not None:
                count(event)
            elif self._plain and self.is_emitter(node.func):
                if node.args and not isinstance(node.args[0], ast.Starred):
                    count(literal_text(ctx, node.args[0]))
                else:
                    record(node)
        return [], (tuple(sorted(emitted.items())) or None)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        emitted: Counter[str] = Counter()
        for _, fact in facts:
            emitted.update(dict(fact))
        missing = [event for event in self.events if event not in emitted]
        line = max(self.meta.line, 1)
        path = (self.meta.report_path or self.meta.origin).replace(os.sep, "/")
        findings = [
            Finding(self.id, line, 1, line, 1, self.format(event=event, events=len(self.events)), self.severity, path, f"required event {event}", line)
            for event in missing
        ]
        return findings, None, {"emitted": {e: emitted[e] for e in self.events if e in emitted}, "missing": missing}
