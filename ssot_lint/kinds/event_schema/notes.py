"""The tail of an event fix's note: where the same file still reads or writes a key the fix
renames or moves, or a key it renames to or moves keys into (``readers``), and where the event
goes out of sight (``uses``). Computed in ``fix`` only, from CPython's tree, once per file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ssot_lint.kinds.event_schema.readers import Access, Position, all_accesses
from ssot_lint.kinds.event_schema.uses import FileUses, follow

_VERBS = ("reads", "writes", "replaces", "deletes")


class FileNotes:
    """The notes of the events reshaped in one file (``tree``, at ``path``)."""

    def __init__(self, tree: ast.Module, path: str, events: Iterable[Position]) -> None:
        self.tree = tree
        self.path = path
        self.file = FileUses(tree)
        self.names = {at: self.file.assigned[at] for at in events if self.file.assigned.get(at)}
        self._everywhere: list[Access] | None = None

    def tail(self, position: Position, gone: set[str], destinations: set[str]) -> str:
        """``gone``: the keys the event's fix renames or moves; ``destinations``: the keys it
        renames them to or moves them into. An event bound to a name is followed through its
        uses in its scope (``uses.follow``); one passed on as it is, by anything, is shown every
        access to those keys in the file (where it goes is not followed)."""
        watched = gone | destinations
        names = self.names.get(position)
        if names:
            uses = follow(self.file, names, gone)
            accesses = [(access, note) for access, note in uses.accesses if access.key is None or access.key in watched]
            escapes = [uses.escapes[at] for at in sorted(uses.escapes)]
        else:
            if self._everywhere is None:
                self._everywhere = all_accesses(self.tree, self.file.constants)
            accesses = [(access, "") for access in self._everywhere if access.key in watched]
            escapes = []
        groups: dict[str, list[tuple[tuple[bool, str, Position, str], str]]] = {}
        for access, note in accesses:
            verb = "replaces" if access.verb == "writes" and access.key in destinations else access.verb
            what = f"'{access.key}'" if access.key is not None else "a computed key"
            text = f"{what} at {self.path}:{access.at[0]}{' ' + note if note else ''}"
            groups.setdefault(verb, []).append(((access.key is None, access.key or "", access.at, note), text))
        parts = [f"{verb} {', '.join(text for _, text in sorted(groups[verb]))}" for verb in _VERBS if verb in groups]
        tail = f"; the file still {', '.join(parts)}" if parts else ""
        if escapes:
            tail += f"; {', '.join(escapes)}: its reads are not known"
        return tail
