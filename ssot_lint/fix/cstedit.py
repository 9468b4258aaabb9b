"""Lossless edits of comma-separated libcst sequences (import names, dict elements), shared by
the rule kinds' fixes.

libcst keeps the whitespace after a comma on the comma, and the whitespace before a closing
bracket on the bracket. Removing or appending items therefore means moving that whitespace
around so the layout (one item per line, trailing commas, comments) survives the edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

Item = TypeVar("Item", cst.ImportAlias, cst.DictElement, cst.StarredDictElement, cst.BaseDictElement)
Space = cst.BaseParenthesizableWhitespace


def dotted_expr(dotted: str) -> cst.Name | cst.Attribute:
    """``a.b.c`` as a Name/Attribute chain."""
    head, *rest = dotted.split(".")
    node: cst.Name | cst.Attribute = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node.value)


def comments_in(node: cst.CSTNode | None) -> list[str]:
    """Every comment inside ``node``, in source order."""
    if node is None or isinstance(node, cst.MaybeSentinel):
        return []
    visitor = _Comments()
    node.visit(visitor)
    return visitor.found


def comment_lines(comments: Sequence[str]) -> list[cst.EmptyLine]:
    """Comments as whole lines, indented like the statement they precede."""
    return [cst.EmptyLine(indent=True, comment=cst.Comment(text)) for text in comments]


def _has_comment(space: Space | None) -> bool:
    return bool(comments_in(space))


def _comma_space(item: cst.CSTNode) -> Space | None:
    comma = getattr(item, "comma", cst.MaybeSentinel.DEFAULT)
    return comma.whitespace_after if isinstance(comma, cst.Comma) else None


def _fresh_line_break(space: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """The same line break and indentation, without comments (for reuse between new items)."""
    return cst.ParenthesizedWhitespace(indent=space.indent, last_line=space.last_line)


def drop_items(items: Sequence[Item], drop: set[int], closing: Space | None) -> tuple[list[Item], Space | None]:
    """``items`` without the indices in ``drop``; returns the items and the new whitespace before
    the closing bracket (``closing``; None when the sequence has no brackets).

    A dropped item takes its own comma along. When the last item goes, the new last item
    inherits its trailing-comma style, and comments that sat after the new last item's comma
    are kept before the closing bracket. Comments inside dropped items are the caller's to keep.
    """
    kept = [item for index, item in enumerate(items) if index not in drop]
    if not kept or (len(items) - 1) not in drop:
        return kept, closing
    last, new_last = items[-1], kept[-1]
    before = _comma_space(new_last)
    removed_comma = getattr(last, "comma", cst.MaybeSentinel.DEFAULT)
    if isinstance(removed_comma, cst.Comma):
        after = removed_comma.whitespace_after
        if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(after, cst.ParenthesizedWhitespace):
            after = after.with_changes(first_line=before.first_line, empty_lines=before.empty_lines)
        elif isinstance(before, cst.ParenthesizedWhitespace) and _has_comment(before):
            after = before.with_changes(last_line=cst.SimpleWhitespace(""), indent=False)
        kept[-1] = new_last.with_changes(comma=new_last.comma.with_changes(whitespace_after=after))  # type: ignore[union-attr]
        return kept, closing
    kept[-1] = new_last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if isinstance(before, cst.ParenthesizedWhitespace) and _has_comment(before):
        closing = _note_before_closing(before, closing)
    return kept, closing


def _note_before_closing(before: cst.ParenthesizedWhitespace, closing: Space | None) -> Space:
    """`A,  # note` loses its comma: the note moves before the closing bracket, in front of
    whatever comments were already there. (Apart from ``drop_items`` because mypy cannot follow
    the narrowing of ``before`` there, in a function over a constrained type variable.)"""
    if isinstance(closing, cst.ParenthesizedWhitespace):
        extra = comment_lines(comments_in(closing.first_line)) + list(closing.empty_lines)
        return before.with_changes(empty_lines=[*before.empty_lines, *extra], indent=closing.indent, last_line=closing.last_line)
    return before.with_changes(last_line=cst.SimpleWhitespace(""), indent=False)


def append_items(items: Sequence[Item], new: Sequence[Item], opening: Space | None) -> list[Item]:
    """``items`` followed by ``new``, separated the way ``items`` already are: one per line (at the
    same indentation) when the sequence is laid out that way, else ``, ``. ``opening`` is the
    whitespace after the opening bracket. The original last item's trailing comma style (and
    the whitespace before the closing bracket it may carry) ends up on the last new item."""
    if not new:
        return list(items)
    if not items:
        return list(new)
    if len(items) >= 2:
        layout = _comma_space(items[-2])
    else:
        layout = opening
    if isinstance(layout, cst.ParenthesizedWhitespace):
        separator: Space = _fresh_line_break(layout)
    else:
        separator = cst.SimpleWhitespace(" ")
    last = items[-1]
    tail = last.comma
    if isinstance(tail, cst.Comma) and isinstance(tail.whitespace_after, cst.ParenthesizedWhitespace):
        # A comment after the last item stays on its line; the line break before the closing
        # bracket moves to the new last item.
        end = tail.whitespace_after
        if isinstance(separator, cst.ParenthesizedWhitespace):
            between: Space = end.with_changes(indent=separator.indent, last_line=separator.last_line)
        else:
            between = separator
        last_comma = tail.with_changes(whitespace_after=between)
        final: cst.Comma | cst.MaybeSentinel = cst.Comma(whitespace_after=_fresh_line_break(end))
    else:
        last_comma = cst.Comma(whitespace_after=separator)
        final = tail
    joined = list(items[:-1]) + [last.with_changes(comma=last_comma)]
    for index, item in enumerate(new):
        comma = cst.Comma(whitespace_after=separator) if index < len(new) - 1 else final
        joined.append(item.with_changes(comma=comma))
    return joined
