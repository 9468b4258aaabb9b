"""Warning helpers that warn through other helpers (part of ``declared-deprecation``).

SQLAlchemy declares through ``util.warn_deprecated(msg, version)``, which calls
``_warn_with_version(msg, version, exc.SADeprecationWarning, stacklevel)``, which builds
``warn = type_(msg)`` and calls ``_warnings_warn(warn)``, which calls ``warnings.warn(message)``:
the category is passed down as an argument, then as the class of the instance warned with. No
function on the way warns with a category of its own, so none is a helper by itself.

Per file (pure, cached with the file's result): each module-level function named for warning
(``warn`` or ``deprecat`` in its name) records its calls of functions named so too
(``warnings.warn`` included) as ``Relay`` facts: the callee's qualified name and what each
argument is, in terms of the function's own parameters (``p:NAME``), a qualified name (``n:DOTTED``,
a category class), or an instance of either (``i:p:NAME``, ``i:n:DOTTED``: ``type_(msg)``, also
through a local ``warn = type_(msg)``). Project-wide (``helper_categories``): the chain from a
function to ``warnings.warn`` is followed across modules (through re-exports), at most
``_DEPTH`` calls deep, binding each callee's parameters to the caller's arguments; a function whose
chain ends in a named category is a helper with that category. Whether that category is a
deprecation is judged as any other (a project class derived from ``DeprecationWarning`` counts).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ssot_lint.analysis.syntax import statements
from ssot_lint.model import cache_value

HELPER_NAME = re.compile(r"(?i)warn|deprecat")
_WARN_PARAMETERS = {
    "warnings.warn": ("message", "category", "stacklevel", "source"),
    "warnings.warn_explicit": ("message", "category", "filename", "lineno", "module", "registry", "module_globals", "source"),
}
_DEPTH = 8  # calls followed from a helper's call to warnings.warn (SQLAlchemy's chain: 3)
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)


@cache_value
@dataclass(frozen=True, slots=True)
class Relay:
    """One call, in the module-level function ``function`` (positional ``parameters``), of a
    function named for warning: ``callee`` (qualified) and its arguments as terms (see the module
    docstring; "" for anything else)."""

    function: str
    parameters: tuple[str, ...]
    callee: str
    args: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...]


def read_relays(node: ast.FunctionDef | ast.AsyncFunctionDef, qualified: Callable[[ast.expr], str | None]) -> list[Relay]:
    """The calls of functions named for warning in ``node``'s body (not in nested defs);
    ``qualified``: the absolute dotted name an expression refers to in the module."""
    arguments = node.args
    parameters = tuple(a.arg for a in (*arguments.posonlyargs, *arguments.args))
    own = set(parameters) | {a.arg for a in arguments.kwonlyargs}
    env: dict[str, ast.expr] = {}

    def term(expr: ast.expr | None, depth: int = 0) -> str:
        if expr is None or depth > 2:
            return ""
        if isinstance(expr, ast.Name) and expr.id in own:
            return f"p:{expr.id}"
        if isinstance(expr, ast.Name) and expr.id in env:
            return term(env[expr.id], depth + 1)
        if isinstance(expr, ast.Call):
            made = term(expr.func, depth + 1)
            return f"i:{made}" if made[:2] in ("p:", "n:") else ""
        if isinstance(expr, (ast.Name, ast.Attribute)):
            name = qualified(expr)
            return f"n:{name}" if name else ""
        return ""

    found: list[Relay] = []
    for statement, _ in statements(node.body, into_definitions=False):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            env.setdefault(statement.targets[0].id, statement.value)
        if isinstance(statement, _COMPOUND):
            continue
        for call in (c for c in ast.walk(statement) if isinstance(c, ast.Call)):
            callee = qualified(call.func)
            if callee is None or not HELPER_NAME.search(callee.rsplit(".", 1)[-1]) or any(isinstance(a, ast.Starred) for a in call.args):
                continue
            args = tuple(term(a) for a in call.args)
            keywords = tuple((k.arg, term(k.value)) for k in call.keywords if k.arg is not None)
            found.append(Relay(node.name, parameters, callee, args, keywords))
    return found


def helper_categories(
    relays: dict[tuple[str, str], list[Relay]], helpers: dict[tuple[str, str], str], target: Callable[[str], tuple[str, str] | None]
) -> dict[tuple[str, str], str]:
    """``(module, function)`` -> the category a function warns with through its chain of
    helpers, for each function of ``relays`` whose chain ends in a named category. ``helpers``:
    the functions that warn themselves, with their categories (a chain may end in one);
    ``target``: where a qualified callee is defined (re-exports followed), None outside the project."""

    def categories(key: tuple[str, str], seen: frozenset[tuple[str, str]]) -> Iterator[str]:
        """The function's categories as terms: ``n:DOTTED``, or one of its parameters passed
        down (``p:NAME``: the category; ``c:NAME``: the class of the instance it is)."""
        for relay in relays.get(key, ()):
            known = _WARN_PARAMETERS.get(relay.callee)
            if known is not None:
                category = _argument(relay, known, "category")
                message = _argument(relay, known, "message")
                if category[:2] in ("n:", "p:"):
                    yield category
                elif not category and message[:2] == "i:":
                    yield message[2:]
                elif not category and message[:2] == "p:":
                    yield f"c:{message[2:]}"
                continue
            callee = target(relay.callee)
            if callee is None or callee in seen or len(seen) >= _DEPTH:
                continue
            if callee in helpers and callee not in relays:
                yield f"n:{helpers[callee]}"
                continue
            parameters = relays[callee][0].parameters if callee in relays else ()
            for found in categories(callee, seen | {callee}):
                if found[:2] == "n:":
                    yield found
                    continue
                bound = _argument(relay, parameters, found[2:])
                if found[:2] == "p:" and bound[:2] in ("n:", "p:"):
                    yield bound
                elif found[:2] == "c:" and bound[:2] == "i:":
                    yield bound[2:]
                elif found[:2] == "c:" and bound[:2] == "p:":
                    yield f"c:{bound[2:]}"

    chained: dict[tuple[str, str], str] = {}
    for key in relays:
        named = next((found[2:] for found in categories(key, frozenset({key})) if found[:2] == "n:"), None)
        if named is not None:
            chained[key] = named
    return chained


def _argument(relay: Relay, parameters: tuple[str, ...], name: str) -> str:
    """The term ``relay`` passes for the callee's parameter ``name`` ("" when none)."""
    if name in parameters and parameters.index(name) < len(relay.args):
        return relay.args[parameters.index(name)]
    return dict(relay.keywords).get(name, "")
