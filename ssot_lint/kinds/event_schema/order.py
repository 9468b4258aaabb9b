"""Where the event-schema fix may move a value (``fix``): only among values whose order of
evaluation cannot matter; and the layout a value appended to ``data`` needs."""

from __future__ import annotations

import libcst as cst


def inert(node: cst.BaseExpression) -> bool:
    """Whether evaluating ``node`` has no effect and reads nothing an effect may change, so that it
    may be evaluated in another order: constants, names, f-strings and displays of those (a
    call, ``:=``, ``await``, ``yield``, an attribute or subscript read, an operator may run code)."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return inert(node.left) and inert(node.right)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return isinstance(node.expression, (cst.Integer, cst.Float, cst.Imaginary))
    if isinstance(node, cst.FormattedString):
        return all(_inert_part(part) for part in node.parts)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(isinstance(e, cst.Element) and inert(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and inert(e.key) and inert(e.value) for e in node.elements)
    return False


def _inert_part(part: cst.BaseFormattedStringContent) -> bool:
    if isinstance(part, cst.FormattedStringText):
        return True
    if not isinstance(part, cst.FormattedStringExpression) or not inert(part.expression):
        return False
    return part.format_spec is None or all(_inert_part(p) for p in part.format_spec)


def comment_on_last(inner: cst.Dict) -> cst.Dict:
    """``inner`` with the comment ending its last element's line (which libcst keeps before the
    closing brace) moved after that element's comma, so that an element appended after it does
    not take the comment to its own line."""
    closing = inner.rbrace.whitespace_before
    if not inner.elements or not isinstance(closing, cst.ParenthesizedWhitespace) or closing.first_line.comment is None:
        return inner
    last = inner.elements[-1]
    comma = last.comma if isinstance(last.comma, cst.Comma) else cst.Comma()
    elements = [*inner.elements[:-1], last.with_changes(comma=comma.with_changes(whitespace_after=closing))]
    return inner.with_changes(elements=elements, rbrace=inner.rbrace.with_changes(whitespace_before=cst.SimpleWhitespace("")))
