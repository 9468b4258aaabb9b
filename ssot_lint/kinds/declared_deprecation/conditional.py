"""Module-level code that may not run when the module is imported, for the module declarations
of ``declarations``: a warning there may say an import fallback or an option is deprecated, not
the module.

- ``in_handlers``: statements in ``except`` handlers (``except ImportError: import old_lib;
  warn(...)``: the fallback is deprecated). They declare nothing.
- ``conditions``: statements under a condition that can be false at import: an ``if`` branch
  (pandas 2.2.3: ``if "PANDAS_DATA_MANAGER" in os.environ: warnings.warn("... The data_manager
  option is deprecated ...")``), a ``try`` body or ``else`` (a statement before may raise), a
  loop body, a ``match`` case. A condition that holds at import is none: a truthy constant,
  ``not TYPE_CHECKING``, a Python version check (``sys.version_info >= (3, 8)``, ``PY3``: it
  selects the code for the running Python, no user's choice), either branch of such a check.
  A warning there declares its module only when its text names it (``names_module``).
"""

from __future__ import annotations

import ast
import re

from ssot_lint.analysis.syntax import NESTED

__all__ = ["conditions", "in_handlers", "names_module"]

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
_CONDITION_SHOWN = 80  # characters of a condition a message quotes
# six's PY3, PY2, PY38, _PY_3_12, PYTHON3: a Python version flag
_VERSION_FLAG = re.compile(r"^_*PY(?:THON)?_?\d")
# "this module", "the package": the text speaks of the module it is in
_THIS_MODULE = re.compile(r"(?i)\b(?:this|the)\s+(?:module|package)\b")


def in_handlers(body: list[ast.stmt]) -> set[int]:
    """Ids of the module-level statements inside ``except`` handlers."""
    found: set[int] = set()
    pending: list[tuple[ast.AST, bool]] = [(s, False) for s in body]
    while pending:
        node, handled = pending.pop()
        if handled:
            found.add(id(node))
        if isinstance(node, _DEFINITIONS):
            continue
        for field in NESTED.get(type(node), ()):
            for child in getattr(node, field):
                pending.append((child, handled or isinstance(child, ast.excepthandler)))
    return found


def conditions(body: list[ast.stmt]) -> dict[int, str]:
    """Ids of the module-level statements that run only under a condition that can be false at
    import, each with the innermost such condition as messages show it (``if X``, ``else`` of
    ``if X``, ``a try``, ``for x in y``, ``while X``, ``a match case``)."""
    found: dict[int, str] = {}
    pending: list[tuple[ast.AST, str]] = [(s, "") for s in body]
    while pending:
        node, condition = pending.pop()
        if condition and isinstance(node, ast.stmt):
            found[id(node)] = condition
        if isinstance(node, _DEFINITIONS):
            continue
        for child, under in _branches(node, condition):
            pending.append((child, under))
    return found


def _branches(node: ast.AST, condition: str) -> list[tuple[ast.AST, str]]:
    """The statements nested in ``node``, each with the condition it runs under."""
    if isinstance(node, ast.If):
        holds = _holds(node.test)
        test = _shown(node.test)
        body = condition if holds is True else f"`if {test}`"
        orelse = condition if holds is False or _is_version_check(node.test) else f"`else` of `if {test}`"
        return [*((s, body) for s in node.body), *((s, orelse) for s in node.orelse)]
    if isinstance(node, _TRIES):
        return [*((s, "a `try`") for s in (*node.body, *node.orelse)), *((s, condition) for s in (*node.handlers, *node.finalbody))]
    if isinstance(node, ast.ExceptHandler):
        return [(s, condition) for s in node.body]  # (in_handlers sets these aside anyway)
    if isinstance(node, (ast.For, ast.AsyncFor)):
        loop = f"`for {_shown(node.target)} in {_shown(node.iter)}`"
        return [*((s, loop) for s in node.body), *((s, condition) for s in node.orelse)]
    if isinstance(node, ast.While):
        loop = condition if _holds(node.test) is True else f"`while {_shown(node.test)}`"
        return [*((s, loop) for s in node.body), *((s, condition) for s in node.orelse)]
    if isinstance(node, ast.Match):
        return [(s, "a `match` case") for case in node.cases for s in case.body]
    return [(child, condition) for field in NESTED.get(type(node), ()) for child in getattr(node, field)]


def _holds(test: ast.expr) -> bool | None:
    """True when ``test`` is true at every import, False when false at every import, None when
    it depends on the environment. A Python version check counts as holding (see the module)."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if _is_version_check(test):
        return True
    if _is_type_checking(test):
        return False  # never true at run time
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _holds(test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        parts = [_holds(value) for value in test.values]
        return True if all(p is True for p in parts) else (False if False in parts else None)
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _is_version_check(test: ast.expr) -> bool:
    """``sys.version_info >= (3, 8)`` (any comparison of it or of its items), ``PY3``."""
    if isinstance(test, ast.Name):
        return bool(_VERSION_FLAG.match(test.id))
    if isinstance(test, ast.Compare):
        return any("version_info" in ast.unparse(side) for side in (test.left, *test.comparators))
    return False


def _shown(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= _CONDITION_SHOWN else text[: _CONDITION_SHOWN - 3] + "..."


def names_module(text: str, module: str) -> bool:
    """Whether a warning's text names ``module`` (``pkg.sub.old``) or its package as itself:
    ``this module`` / ``the package``; a dotted name (the module's, a dotted tail of it:
    ``sub.old``, or its package's); or a last part (``old``, ``sub``) in quotes or backticks,
    followed by ``module`` / ``package``, or as a plain word when it is a top-level name
    (``pkg is deprecated``), where a word is no English one (``the old mode``). A name inside a
    longer one does not count: ``pkg.old.helper`` is a name in the module, ``PKG_MODE`` an
    environment variable."""
    if _THIS_MODULE.search(text):
        return True
    parts = module.split(".")
    owners = [parts, parts[:-1]] if len(parts) > 1 else [parts]
    for owner in owners:
        dotted = {".".join(owner[i:]) for i in range(len(owner) - 1)}
        if any(re.search(rf"(?<![\w.]){re.escape(d)}(?![\w]|\.\w)", text) for d in dotted):
            return True
        last = re.escape(owner[-1])
        marked = rf"[`'\"]{last}[`'\"]|(?<![\w.]){last}\s+(?:module|package)\b"
        if re.search(marked, text) or (len(owner) == 1 and re.search(rf"(?<![\w.]){last}(?![\w]|\.\w)", text)):
            return True
    return False
