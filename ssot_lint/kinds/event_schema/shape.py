"""What the event-schema check and its fix both judge an event dict by, read from either tree
(CPython's ``ast`` for the check, libcst's for the fix)."""

from __future__ import annotations

from dataclasses import dataclass

VALUE_KINDS = ("number", "string", "dict", "list", "bool")


@dataclass(frozen=True)
class Value:
    """What the rule judges of an entry's value, whichever tree it was read from: its kind
    (``value_kind``; None when not a literal we can judge) and, for a plain verbatim string
    literal, its text."""

    kind: str | None
    text: str | None = None


Entries = list[tuple[str, Value]]
