"""What a deprecation decorator's call says: its text, the replacement it passes and whether the
deprecation is pending (part of the per-file half of ``declared-deprecation``: the declarations
reader calls it for each decorator it recognises)."""

from __future__ import annotations

import ast
import re

from ssot_lint.kinds.base import DOTTED
from ssot_lint.kinds.declared_deprecation.texts import message_text

# A decorator's first argument that is only a version ("3.10", "0.0.0", "v2.1.0rc1"): matplotlib's
# ``since``, no text.
_VERSION = re.compile(r"^v?\d+(\.\d+)*([.+-]?[A-Za-z]+\d*)*$")


def decorator_arguments(call: ast.Call, env: dict[str, ast.expr] | None = None) -> tuple[str, str, bool]:
    """What a deprecation decorator's call says: its text, the replacement it passes as a dotted
    name ("" when none) and whether the deprecation is pending. The text is the first argument,
    ``reason`` / ``message`` / ``msg`` (the ``deprecated`` package's, ``warnings.deprecated``'s).
    A first argument that is only a version (matplotlib's ``@_api.deprecated("3.10", ...)``:
    ``since``) is no text: the second is (SQLAlchemy's ``deprecated("1.4", "The ... is
    deprecated")``, astropy's ``deprecated(since, message)``), unless it is a version too.
    Without a message, ``alternative`` and ``addendum`` make the text as matplotlib words its
    warning (``Use {alternative} instead. {addendum}``); an ``alternative`` that is a dotted name
    is the replacement as written, other text is read as the text is. ``env``: the module's
    names bound to a value, followed as a warning's message is (scikit-learn's ``@deprecated(msg)``
    with ``msg = "..."`` above it)."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    positional = [message_text(arg, env) for arg in call.args[:2]]
    text = next((t for t in positional if t is None or not _VERSION.match(t.strip())), None) if positional else None
    for key in ("reason", "message", "msg"):
        text = message_text(keywords.get(key), env) or text
    alternative = (message_text(keywords.get("alternative"), env) or "").strip()
    if not text:
        addendum = message_text(keywords.get("addendum"), env) or ""
        text = " ".join(part for part in (f"Use {alternative} instead." if alternative else "", addendum) if part)
    flag = keywords.get("pending")
    pending = isinstance(flag, ast.Constant) and flag.value is True
    return text or "", alternative if DOTTED.match(alternative) else "", pending


def no_text(decorator: ast.expr, env: dict[str, ast.expr]) -> str:
    """What a declaration without text says: "(no literal message)" when the decorator is passed
    a message the reader cannot follow (as for ``warn(msg)``), else "(no message)"."""
    passed = [*decorator.args[:2], *(k.value for k in decorator.keywords if k.arg in ("reason", "message", "msg"))] if isinstance(decorator, ast.Call) else []
    return "(no literal message)" if any(message_text(node, env) is None for node in passed) else "(no message)"
