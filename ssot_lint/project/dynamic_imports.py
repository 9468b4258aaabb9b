"""Whether a module imports modules by name (``importlib.import_module(name)``,
``__import__(name)``, a loader's ``exec_module``/``load_module``, ``runpy``, ``exec``): it may
then import any module of the project, the one importing it included, which no import statement
says. A package whose ``__init__`` does so (loading its plugins by name) may import a module of
its own while that module's imports run, so fix verification cannot take it to have finished
first (``fix.import_runs``).

A text test, so the fact stays exact without reading function bodies (which the outline leaves
out): the first line spelling, as a whole word, ``importlib`` (every alias of ``import_module``
and every ``getattr(importlib, ...)`` spells it where it is imported), ``import_module``,
``__import__``, ``load_module``, ``exec_module``, ``runpy`` or ``exec`` anywhere, in a comment or
a string too (conservative: only a verdict's safety rests on it). Read for packages only (the
question is about the packages above a module): over Home Assistant's 1,359 ``__init__`` files,
one pass costs ~50 ms. A package that calls another module's helper importing by name at
import time is found on demand, by fix verification alone (``fix.by_name_helpers``).

One spelling imports exactly the names it says: a module-level ``for`` over a literal tuple or
list of strings (written there, or bound to a name just before) whose body calls only
``__import__(name)`` or ``importlib.import_module(name)`` on the loop variable (pandas checks its
hard dependencies so: ``for _dependency in ("numpy", "pytz", "dateutil"): __import__(_dependency)``,
review28a). When none of the names is of the module's own top-level package, the loop imports
modules from outside it, which cannot import the importer: it is not read as importing by name
(``literal_loops``). Nor, then, is a module-level ``import importlib`` (no alias): every use
of what it binds spells ``importlib`` again (``by_name_line``)."""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence

# The words, as whole words not after a ``.`` (``importlib``, ``exec``), or after one (``loader.exec_module``).
_ANYWHERE = ("importlib", "import_module", "__import__", "load_module", "exec_module", "runpy", "exec")
_AFTER_DOT = frozenset(("import_module", "load_module", "exec_module"))
# Searched for as literals, the character before each match tested in Python: a pattern that
# starts with a lookbehind has no literal prefix for the regex engine to skip ahead to, and tried
# a match at every character (0.21 s over Home Assistant's 1,359 ``__init__`` files; 0.05 s so).
_WORDS = re.compile("(?:" + "|".join(_ANYWHERE) + r")(?!\w)")


_BY_NAME = frozenset(("__import__", "import_module"))


def dynamic_import_line(text: str, starts: Sequence[int], skip: Sequence[tuple[int, int]] = ()) -> int:
    """The first line (1-based) of ``text`` spelling what may import by name; 0: none.
    ``starts``: the offsets where the text's lines start; ``skip``: line ranges (first, last)
    whose spellings import only named modules (``literal_loops``)."""
    for found in _WORDS.finditer(text):
        at = found.start()
        before = text[at - 1] if at else ""
        if before == "." and found.group() not in _AFTER_DOT or before == "_" or before.isalnum():
            continue
        line = bisect_right(starts, at)
        if any(first <= line <= last for first, last in skip):
            continue
        return line
    return 0


def by_name_line(text: str, starts: Sequence[int], statements: Callable[[], Sequence[ast.stmt]], top: str | None) -> int:
    """``dynamic_import_line`` for a module whose statements are the outline (asked of
    ``statements`` only when needed), in the package ``top``: the loops that import
    only named modules (``literal_loops``) left out, and then its plain ``import importlib``
    statements too, unless something else imports by name (that line is named then, as without
    such a loop)."""
    first = dynamic_import_line(text, starts)
    # Leaving lines out finds nothing more: the loops are looked for (a walk of every module-level
    # statement) only in a module that spells something importing by name, a few in a thousand.
    if not first:
        return 0
    body = statements()
    loops = literal_loops(body, top)
    if not loops:
        return first
    plain = [
        (s.lineno, s.end_lineno or s.lineno) for s in body if isinstance(s, ast.Import) and all(a.name == "importlib" and a.asname is None for a in s.names)
    ]
    return dynamic_import_line(text, starts, loops) if dynamic_import_line(text, starts, [*loops, *plain]) else 0


def literal_loops(body: Sequence[ast.stmt], top: str | None) -> list[tuple[int, int]]:
    """The line ranges of the module-level loops of ``body`` that import by name only the
    strings of a literal tuple or list, none of them in the package ``top`` (see the module
    docstring); any other spelling inside such a loop keeps it out."""
    found: list[tuple[int, int]] = []
    literals: dict[str, list[str] | None] = {}  # module-level names bound so far to a literal of strings (None: otherwise)
    for statement in body:
        if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
            names = _strings(statement.iter) if not isinstance(statement.iter, ast.Name) else literals.get(statement.iter.id)
            if names and all(name.partition(".")[0] != top for name in names) and _imports_only(statement, statement.target.id):
                found.append((statement.lineno, statement.end_lineno or statement.lineno))
        for node in ast.walk(statement) if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ():
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                literals[node.id] = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            literals[statement.targets[0].id] = _strings(statement.value)
    return found


def _strings(node: ast.expr) -> list[str] | None:
    """The strings of a literal tuple or list of string constants; None for anything else."""
    if not isinstance(node, (ast.Tuple, ast.List)):
        return None
    strings = [element.value for element in node.elts if isinstance(element, ast.Constant) and isinstance(element.value, str)]
    return strings if len(strings) == len(node.elts) else None


def _imports_only(loop: ast.For, variable: str) -> bool:
    """Whether every by-name spelling inside ``loop`` is ``__import__(variable)`` or
    ``[importlib.]import_module(variable)``, at least one, and nothing rebinds ``variable``."""
    calls = 0
    accepted: set[int] = set()  # the spellings (nodes) of the accepted calls
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name) and node.args[0].id == variable:
            func = node.func
            if isinstance(func, ast.Name) and func.id in _BY_NAME:
                accepted.add(id(func))
            elif isinstance(func, ast.Attribute) and func.attr == "import_module" and isinstance(func.value, ast.Name) and func.value.id == "importlib":
                accepted.update((id(func), id(func.value)))
            else:
                continue
            calls += 1
    for node in ast.walk(ast.Module(body=loop.body + loop.orelse, type_ignores=[])):
        if isinstance(node, ast.Name) and (node.id in _ANYWHERE or (node.id == variable and not isinstance(node.ctx, ast.Load))) and id(node) not in accepted:
            return False
        if isinstance(node, ast.Attribute) and node.attr in _AFTER_DOT and id(node) not in accepted:
            return False
    return calls > 0
