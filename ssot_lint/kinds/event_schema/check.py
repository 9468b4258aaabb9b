"""event-schema: event dict literals that are not in the canonical shape.

A dict literal (or a ``dict(...)`` call with keyword arguments) is an event when one of its
``discriminator`` keys (the first present one) has a string value listed in ``events`` (any string
when ``events`` is omitted). One finding per event dict, listing every problem:

- a legacy key, with its canonical name (``rename``);
- a ``required`` key that is missing (a legacy key counts for the key it renames to);
- a key that is not ``allowed`` at top level (it belongs in the nested dict ``data-key``,
  ``data`` by default);
- a value of the wrong kind for ``value-types`` (``number``, ``string``, ``dict``, ``list``,
  ``bool``), judged only for literals: a string literal where a number is required is wrong,
  a variable is not judged.

Options no event could satisfy are config errors at their line: a ``rename`` whose result is
renamed again (a chain ``a -> b``, ``b -> c``: write ``a -> c``; or a cycle ``c -> d``, ``d -> c``,
which the fix could never settle), a ``discriminator`` key renamed to a key that is no
discriminator (``discriminator = ["type"]`` with ``rename = { type = "event_type" }``: a fixed
event would no longer be an event; add ``event_type`` to ``discriminator``), a ``required`` key
that ``allowed`` (when given) leaves out or that ``rename`` renames away, and a
``discriminator`` key (``event_type`` and ``type`` by default) that ``allowed`` leaves out and
that is not renamed to a key it allows (every event named by it would be flagged).

A dict with a ``**spread`` or a computed key cannot be verified: it is reported once at ``info``
severity, never guessed. Discriminator keys and values are recognised when written as plain string
literals (no escape sequences, no implicit concatenation): they then appear verbatim in the source,
which is what makes the text prefilter a provable superset. Other keys are read by their value
however written (``"a\\nb"``, ``"a" "b"``); a key written so whose value is a discriminator key
makes the dict one that cannot be verified.

Message fields: ``{problems}`` (all problems joined by ``; ``), ``{event}``.

Fix (``ssot-lint fix --unsafe-fixes``): legacy keys are renamed; keys not ``allowed`` move into
the ``data-key`` dict (merged into its dict literal, or a new one). Missing keys and wrong value
types stay findings: a fix never invents or converts a value. Dicts with a ``**`` spread are left
alone. The fix is *unsafe*: it changes the data the program sends, and whoever reads the event
(here or in another file, or a frontend) sees other keys, so it is applied only with
``--unsafe-fixes``; the summary lists where the same file still reads or writes a key it renames
or moves, or a key it renames to or moves keys into (``x["type"]``, ``x.get("type")``, ``"type"
in x``, a ``match`` mapping pattern, ``f(**x)``, ``x["data"] = ...`` which replaces the keys
moved into ``data``; a key given by a module-level constant, ``x[TYPE]``, is resolved, any other
is a computed key). For an event bound to a name, the uses of that name in its own scope are
followed through its copies (``dict(x)``, ``{**x}``, ``x | {...}``, ``x.copy()``, ``c: T = x``
...) and into the functions of the same file it is passed to (one level deep; what such a
function passes on is named), and every other use is named as where it escapes out of sight
(passed to another call, iterated, returned, stored, put in a tuple or list ...).
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.prefilter import TextPattern, spells_any
from ssot_lint.kinds.base import Example, FileContext, FixContext, FixOutcome, Option, OptionError, Rule, word_pattern
from ssot_lint.kinds.event_schema.shape import VALUE_KINDS, Entries, Value
from ssot_lint.model import UNSAFE, FileRef, Finding

if TYPE_CHECKING:
    import libcst as cst


def literal_text(ctx: FileContext, node: ast.expr | None) -> str | None:
    """The value of a plain, verbatim string literal (no escapes, no implicit concatenation)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return None
    body = ctx.segment(ctx.span(node)).lstrip("rRuU")
    for quote in ('"""', "'''", '"', "'"):
        if len(body) >= 2 * len(quote) and body.startswith(quote) and body.endswith(quote):
            return node.value if body[len(quote) : -len(quote)] == node.value else None
    return None


def key_text(ctx: FileContext, node: ast.expr | None, discriminator: Collection[str]) -> str | None:
    """A dict key's name: a plain verbatim string literal's value, or one written with escapes or
    as concatenated literals when it names no ``discriminator`` key (its value is exact; only a
    discriminator must appear verbatim, as the text prefilter reads it); None for anything else."""
    verbatim = literal_text(ctx, node)
    if verbatim is None and isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value not in discriminator:
        return node.value
    return verbatim


def value_kind(node: ast.expr) -> str | None:
    """The kind of a literal value; None when it is not a literal we can judge."""
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None:
            return "None"
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, (int, float, complex)):
            return "number"
        kinds: dict[type, str] = {str: "string", bytes: "bytes"}
        return kinds.get(type(value))
    if isinstance(node, ast.JoinedStr):
        return "string"
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
        return "number"
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(node, (ast.List, ast.ListComp, ast.Tuple)):
        return "list"
    return None


def is_dict_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id == "dict"


def written_entries(node: ast.Dict | ast.Call) -> tuple[list[tuple[ast.expr | str | None, ast.expr]], bool]:
    """(key, value) of a dict display (key: the key expression, None for ``**``) or of a ``dict(...)``
    call (key: the keyword), and whether the call also has positional or ``**`` arguments."""
    if isinstance(node, ast.Dict):
        return list(zip(node.keys, node.values)), False
    pairs = [(k.arg, k.value) for k in node.keywords]
    return pairs, bool(node.args)  # type: ignore[return-value]


class EventSchema(Rule):
    kind = "event-schema"
    summary = "Event dict literals must use the canonical keys, nesting and value types."
    category = "Compatibility"
    options = {
        "discriminator": Option(
            "str-list",
            "keys naming the event; the first present one counts",
            default=("event_type", "type"),
            schema={"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
        ),
        "events": Option("str-list", "event names to check (default: every string value)"),
        "required": Option("str-list", "keys every event must have", default=()),
        "allowed": Option("str-list", "keys allowed at top level (default: any)"),
        "rename": Option("str-map", "legacy key -> canonical key", default={}),
        "value-types": Option(
            "str-map",
            "key -> number | string | dict | list | bool",
            default={},
            schema={"type": "object", "additionalProperties": {"enum": list(VALUE_KINDS)}, "minProperties": 1},
        ),
        "data-key": Option("str", "the nested dict that keys not allowed at top level belong in", default="data"),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    discriminator: tuple[str, ...]
    events: tuple[str, ...] | None
    required: tuple[str, ...]
    allowed: tuple[str, ...] | None
    rename: dict[str, str]
    value_types: dict[str, str]
    data_key: str
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
        if not self.data_key:
            raise OptionError("'data-key' must not be empty")
        for key, kind in self.value_types.items():
            if kind not in VALUE_KINDS:
                raise OptionError(f"value-types.{key}: unknown kind {kind!r} (expected one of {', '.join(VALUE_KINDS)})")
        self._check_satisfiable()
        self._events = frozenset(self.events) if self.events is not None else None
        # A listed event name is a plain string literal, so it sits between quotes in the source.
        self._quoted = tuple(q + e + q for e in sorted(self._events) for q in "\"'") if self._events is not None else None
        self._allowed = frozenset(self.allowed) if self.allowed is not None else None

    def _check_satisfiable(self) -> None:
        """Refuse options no event can satisfy: a rename that renames its result again (the
        fix would never settle; every event would be flagged), a discriminator key renamed to a
        key that is no discriminator (a fixed event would be no event: the fix refused every
        one), a required key that is not allowed or is renamed away, a discriminator key that is
        not allowed at top level."""
        for old, new in self.rename.items():
            if old == new:
                raise OptionError(f"rename: '{old}' is renamed to itself (a key can never be in the canonical shape)", "rename", old)
            chain = [old, new]
            while chain[-1] in self.rename and chain[-1] not in chain[:-1]:
                chain.append(self.rename[chain[-1]])
            if chain[-1] in chain[:-1]:
                raise OptionError(
                    f"rename: {' -> '.join(repr(k) for k in chain)} is a cycle (a key renamed to '{new}' is renamed again, so no event ever has the canonical keys)",
                    "rename",
                    old,
                )
            if len(chain) > 2:
                raise OptionError(
                    f"rename: '{old}' is renamed to '{new}', which is itself renamed to '{chain[2]}' (rename '{old}' to '{chain[-1]}' directly)", "rename", old
                )
        default = self.discriminator == self.options["discriminator"].default
        by_default = f" (by default, 'discriminator' is {list(self.discriminator)})" if default else ""
        for key in self.discriminator:
            renamed = self.rename.get(key)
            if renamed is not None and renamed not in self.discriminator:
                # the fixed dict would name no event: the rule would no longer see it at all
                raise OptionError(
                    f"rename: the discriminator key '{key}'{by_default} is renamed to '{renamed}', which is no discriminator, "
                    f"so an event fixed would no longer be one (add '{renamed}' to 'discriminator')",
                    "rename",
                    key,
                )
        for key in self.required:
            if key in self.rename:
                raise OptionError(
                    f"required: '{key}' is renamed to '{self.rename[key]}' by 'rename', so no event can have it (require '{self.rename[key]}')", "required"
                )
            if self.allowed is not None and key not in self.allowed:
                raise OptionError(
                    f"required: '{key}' is not in 'allowed', so no event can pass (with it, it is not allowed at top level; without it, it is missing)",
                    "required",
                )
        if self.allowed is not None:
            for key in self.discriminator:
                if key not in self.allowed and self.rename.get(key) not in self.allowed:
                    which = f"the discriminator key '{key}'{by_default}"
                    raise OptionError(
                        f"allowed: leaves out {which}, so every event named by it is flagged "
                        f"\"'{key}' is not allowed at top level\" (add it to 'allowed', rename it, or set 'discriminator')",
                        "allowed",
                    )

    def prefilter(self) -> TextPattern | None:
        # An event dict spells its discriminator key verbatim: as a quoted key or a dict() keyword.
        return word_pattern(self.discriminator)

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        if self._quoted is not None and not spells_any(text, self._quoted):
            return False
        return super().needs_parse(text, ref)

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        findings: list[Finding] = []
        # An event spells its discriminator key, and a listed event name between quotes, on a
        # line it spans: only the subtrees around those lines are walked.
        words = self._quoted if self._quoted is not None else self.discriminator
        for node, stmt_line in ctx.nodes_near((ast.Dict, ast.Call), words):
            if isinstance(node, ast.Call) and not is_dict_call(node):
                continue
            pairs, spread = written_entries(node)
            # Most dicts are not events: only a discriminator key spelled as a constant (or a
            # keyword) makes one worth reading closely.
            if not any((k if isinstance(k, str) else getattr(k, "value", None)) in self.discriminator for k, _ in pairs):
                continue
            entries: Entries = []
            for key, value in pairs:
                name = key if isinstance(key, str) else key_text(ctx, key, self.discriminator)  # None: a `**` spread or computed key
                if name is None:
                    spread = True
                else:
                    entries.append((name, Value(value_kind(value), literal_text(ctx, value))))
            event = self.event_name(entries)
            if event is None:
                continue
            if spread:
                message = self.format(problems="cannot be verified (** spread or computed key)", event=event)
                findings.append(self.finding(ctx, node, message, severity="info", stmt_line=stmt_line))
                continue
            problems = self.problem_list(entries)
            if problems:
                message = self.format(problems="; ".join(text for _, text in problems), event=event)
                # The fix renames and moves keys (never invents or converts a value): unsafe,
                # since the program's readers of the event see other keys afterwards. It does
                # so even when a missing key or a wrong type stays a finding, so an event with
                # any legacy or misplaced key has a fix.
                fixable = any(kind in ("legacy", "placement") for kind, _ in problems)
                findings.append(self.finding(ctx, node, message, stmt_line=stmt_line, applicability=UNSAFE if fixable else ""))
        return findings, None

    def fix(self, module: cst.Module, ref: FileRef, context: FixContext) -> FixOutcome:
        """Renames legacy keys and moves misplaced keys into ``data-key`` (unsafe); see ``event_schema.fix``."""
        from ssot_lint.kinds.event_schema.fix import fix_events

        return fix_events(self, module, FileContext.of_module(module, ref), context)

    def event_name(self, entries: Entries) -> str | None:
        keys = dict(entries)
        for key in self.discriminator:
            if key in keys:
                name = keys[key].text
                if name is None or (self._events is not None and name not in self._events):
                    return None
                return name
        return None

    def problems(self, entries: Entries) -> list[str]:
        return [text for _, text in self.problem_list(entries)]

    def problem_list(self, entries: Entries) -> list[tuple[str, str]]:
        """(kind, text) per problem; kind is ``legacy``, ``placement``, ``type`` or ``missing``."""
        problems: list[tuple[str, str]] = []
        for key, value in entries:
            canonical = self.rename.get(key, key)
            if key in self.rename:
                problems.append(("legacy", f"legacy key '{key}' (use '{canonical}')"))
            elif self._allowed is not None and key not in self._allowed:
                problems.append(("placement", f"'{key}' is not allowed at top level (move it into '{self.data_key}')"))
            expected = self.value_types.get(canonical)
            actual = value.kind
            if expected and actual and actual != expected:
                problems.append(("type", f"'{key}' must be a {expected}, not a {actual}"))
        provided = {self.rename.get(key, key) for key, _ in entries}
        problems.extend(("missing", f"missing '{key}'") for key in self.required if key not in provided)
        return problems
