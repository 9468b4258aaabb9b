"""Which comments of a parenthesised ``from`` import belong to which name, so that a name moving
to another statement (or dropped) takes its own along and leaves the others where they were.

In ``from m import (  # about the list\\n    # about X\\n    X,  # on X\\n    Z,\\n)``, a name owns
the comment at the end of its line (``# on X``: often a ``# noqa`` or ``# type: ignore`` that
applies to that line only) and the comment lines just above it (``# about X``); the comment
after ``(`` and the lines before ``)`` belong to the statement. libcst keeps the lines above a
name in the whitespace after the previous comma (or after ``(``), so removing a name with its
comma would otherwise take the next name's lines along and leave its own behind."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import libcst as cst

Space = cst.BaseParenthesizableWhitespace


@dataclass
class Detached:
    """A ``from`` statement's names with the comments of the ones ``leaving`` taken out (the lines
    above a name that stays moved to the whitespace that now precedes it), and, per leaving
    name, its comment lines above and its end-of-line comment."""

    aliases: list[cst.ImportAlias]
    lpar: cst.LeftParen | None
    rpar: cst.RightParen | None
    above: dict[int, list[str]] = field(default_factory=dict)
    trailing: dict[int, str] = field(default_factory=dict)

    def own(self, index: int) -> list[str]:
        """Every comment name ``index`` takes along, in source order."""
        return [*self.above.get(index, []), *([self.trailing[index]] if index in self.trailing else [])]


def _lines(space: Space | None) -> list[str]:
    if not isinstance(space, cst.ParenthesizedWhitespace):
        return []
    return [line.comment.value for line in space.empty_lines if line.comment is not None]


def _trailing(space: Space | None) -> str | None:
    if isinstance(space, cst.ParenthesizedWhitespace) and space.first_line.comment is not None:
        return space.first_line.comment.value
    return None


def _cleared(space: Space | None) -> Space | None:
    if not isinstance(space, cst.ParenthesizedWhitespace):
        return space
    return space.with_changes(first_line=cst.TrailingWhitespace(newline=space.first_line.newline), empty_lines=[])


def _with_lines_of(space: Space | None, source: Space | None) -> Space | None:
    """``space`` holding the comment lines of ``source`` (the whitespace they were in) instead of
    its own: a line break is added when ``space`` had none and there are lines to hold."""
    lines = list(source.empty_lines) if isinstance(source, cst.ParenthesizedWhitespace) else []
    if isinstance(space, cst.ParenthesizedWhitespace):
        return space.with_changes(empty_lines=lines)
    if lines and isinstance(source, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(empty_lines=lines, indent=source.indent, last_line=source.last_line)
    return space


def detach(node: cst.ImportFrom, leaving: Collection[int]) -> Detached:
    """``node``'s names, the comments of those in ``leaving`` (indices) detached from the text."""
    assert not isinstance(node.names, cst.ImportStar)
    aliases = list(node.names)
    count = len(aliases)
    # slot 0: after `(`; slot i + 1: after name i's comma, or before `)` for a last name without one
    slots: list[Space | None] = [node.lpar.whitespace_after if node.lpar else None]
    for index, alias in enumerate(aliases):
        if isinstance(alias.comma, cst.Comma):
            slots.append(alias.comma.whitespace_after)
        else:
            slots.append(node.rpar.whitespace_before if index == count - 1 and node.rpar else None)
    original = list(slots)
    found = Detached(aliases, node.lpar, node.rpar)
    for index in leaving:
        found.above[index] = _lines(original[index])
        if (comment := _trailing(original[index + 1])) is not None:
            found.trailing[index] = comment
        slots[index + 1] = _cleared(slots[index + 1])
    if not leaving:
        return found
    previous = 0  # the slot before the next name that stays: after `(` or the last staying name
    for index in range(count):
        if index in leaving:
            continue
        if previous != index:  # names left in between: their lines go, this name's stay
            slots[previous] = _with_lines_of(slots[previous], original[index])
        previous = index + 1
    if count - 1 in leaving:  # the lines before `)` stay before it
        slots[previous] = _with_lines_of(slots[previous], original[count])
    for index, alias in enumerate(aliases):
        if isinstance(alias.comma, cst.Comma) and slots[index + 1] is not original[index + 1]:
            found.aliases[index] = alias.with_changes(comma=alias.comma.with_changes(whitespace_after=slots[index + 1]))
    if node.lpar is not None and slots[0] is not original[0]:
        found.lpar = node.lpar.with_changes(whitespace_after=slots[0])
    last = aliases[-1]
    if node.rpar is not None and not isinstance(last.comma, cst.Comma) and slots[count] is not original[count]:
        found.rpar = node.rpar.with_changes(whitespace_before=slots[count])
    return found
