"""The literal text of a warning message, as far as the code spells it (``message_text``), kept
to a length messages can quote (``clip``)."""

from __future__ import annotations

import ast

_MAX_TEXT = 400  # characters of a declaration's text kept (messages quote it)


def string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def message_text(node: ast.expr | None, env: dict[str, ast.expr] | None = None, subst: dict[str, str] | None = None) -> str | None:
    """The text of a warning message as far as it is literal: f-string fields are shown as
    ``{expr}`` (or replaced from ``subst``), ``%`` / ``.format`` arguments are left out, names
    bound earlier to a literal (``env``) are followed. None when nothing of it is literal."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                shown = ast.unparse(value.value)
                parts.append(subst[shown] if subst and shown in subst else "{" + shown + "}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = message_text(node.left, env, subst), message_text(node.right, env, subst)
        if left is None and right is None:
            return None
        return (left or "{...}") + (right or "{...}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return message_text(node.left, env, subst)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return message_text(node.func.value, env, subst)
    if isinstance(node, ast.Name) and env and node.id in env:
        return message_text(env[node.id], None, subst)
    return None


def clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."
