"""What a dict display or a ``dict(...)`` call holds, read from libcst's tree for the fix: its
literal string keys, and each value's kind and string (``shape.Value``) as the check judges them."""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst

from ssot_lint.kinds.event_schema.shape import Entries, Value


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


def key_str(node: cst.BaseExpression | None, discriminator: Collection[str]) -> str | None:
    """A dict key's name, as ``check.key_text`` reads it: a plain verbatim string literal's
    value, or one written with escapes or as concatenated literals when it names no
    ``discriminator`` key; None for anything else."""
    verbatim = literal_str(node)
    if verbatim is not None:
        return verbatim
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        if isinstance(value, str) and value not in discriminator:
            return value
    return None


def value_kind(node: cst.BaseExpression) -> str | None:
    """``event_schema.value_kind`` for libcst nodes: the two must agree, or a fix would count a
    finding as fixed that check still reports."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return "bytes" if isinstance(node.evaluated_value, bytes) else "string"
    if isinstance(node, cst.FormattedString):
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


def dict_entries(node: cst.Dict, discriminator: Collection[str]) -> tuple[list[tuple[str, cst.BaseExpression]], bool]:
    """The literal-keyed entries of a dict display, and whether it has a spread or computed key."""
    entries: list[tuple[str, cst.BaseExpression]] = []
    spread = False
    for element in node.elements:
        key = key_str(element.key, discriminator) if isinstance(element, cst.DictElement) else None
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


def judged(entries: list[tuple[str, cst.BaseExpression]]) -> Entries:
    """The entries as the rule judges them."""
    return [(key, Value(value_kind(value), literal_str(value))) for key, value in entries]
