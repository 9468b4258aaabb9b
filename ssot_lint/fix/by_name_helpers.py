"""A package that imports modules by name through another module's helper (review8's hole B):
``pkg/__init__.py`` doing ``from pkg.loader import load_all`` then ``load_all()``, where
``pkg/loader.py`` calls ``importlib.import_module``. The package may then be importing the
importer itself, as one that spells ``import_module`` in its own text does
(``ModuleSummary.dynamic_imports``, ``project.dynamic_imports``), so fix verification cannot take
it to have finished first (``fix.import_runs.ImportRuns._by_name``).

The rule is the narrow one: a helper *called* by the package at import time (a call in a
module-level statement, a class body, a decorator, a default or a block's header; not in a
function's body, which runs only when called) through a name it imports from a project module
(``from pkg.loader import load_all`` ... ``load_all()``, ``import pkg.loader as l`` ...
``l.load_all()``), where the helper's own text (the module-level ``def`` or ``class``, decorators
to its last line) spells an import by name (the same text test): Django's ``django.db`` calls
``ConnectionHandler()`` on import, from a module whose ``load_backend`` imports by name, but
the class does not. Counting every module
of the package's import-time closure that spells one (most of Django's packages reach
``django.utils.module_loading``) would take every such package for one that may import the
importer. Not followed: a helper that calls another module's helper in turn, or one reached other
than through a name the package imports.

Both facts are per file (``ImportTimeCalls``: the module-level calls, and the line of the first
spelling of an import by name), computed and cached only for the packages a verdict asks about
and the modules whose helpers they call.
"""

from __future__ import annotations

import ast
from typing import Any

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.analysis.syntax import NESTED
from ssot_lint.fix.verdicts import ModuleSource
from ssot_lint.kinds.base import FileContext, Rule, RuleMeta
from ssot_lint.project.dynamic_imports import dynamic_import_line
from ssot_lint.project.import_graph import runs_on_import

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class ImportTimeCalls(Rule):
    """Not a rule users write: the per-file step recording what a module calls at import time
    (each called dotted name with its line) and the first line spelling an import by name."""

    kind = "import-time-calls"
    summary = "What a module calls when imported, and whether it imports by name."
    default_message = ""

    def check(self, ctx: FileContext) -> tuple[list[Any], tuple[tuple[str, ...], tuple[tuple[str, int], ...]]]:
        return [], (by_name_definitions(ctx), import_time_calls(ctx))


IMPORT_TIME_CALLS = ImportTimeCalls(RuleMeta("SSOT-import-time-calls", "", digest="import-time-calls-2"), {})


def by_name_definitions(ctx: FileContext) -> tuple[str, ...]:
    """The module-level functions and classes whose text (decorators to the last line) spells an
    import by name (``project.dynamic_imports``): calling one may import any module."""
    if not dynamic_import_line(ctx.text, ctx.lines.starts):
        return ()
    starts, text = ctx.lines.starts, ctx.text
    found: list[str] = []
    pending: list[ast.AST] = list(ctx.tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            last = node.end_lineno or node.lineno
            end = starts[last] if last < len(starts) else len(text)
            if dynamic_import_line(text[starts[first - 1] : end], [0]):
                found.append(node.name)
        else:
            pending += [child for field in NESTED.get(type(node), ()) for child in getattr(node, field)]
    return tuple(sorted(set(found)))


def import_time_calls(ctx: FileContext) -> tuple[tuple[str, int], ...]:
    """``(dotted name, line)`` of each call the module makes when imported (see the module
    docstring): a function's decorators and defaults run, its body does not."""
    if "(" not in ctx.text:
        return ()
    found: list[tuple[str, int]] = []
    pending: list[ast.AST] = list(ctx.tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, _SCOPES):
            arguments = node.args
            pending += [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
            pending += getattr(node, "decorator_list", [])
            continue
        if isinstance(node, ast.Call) and (name := dotted_name(node.func)) is not None:
            found.append((name, node.lineno))
        pending += ast.iter_child_nodes(node)
    return tuple(sorted(set(found), key=lambda call: (call[1], call[0])))


def helper_by_name(source: ModuleSource, package: str) -> int:
    """The line of ``package``'s first import-time call of a helper (a module-level function or
    class of a project module, whose text spells an import by name) through a name it imports
    (0: none; see the module docstring)."""
    facts = getattr(source, "module_facts", None)
    summaries = source.summaries(package)
    # A module-level call is an effect: a package without one (most) calls no helper on import.
    if facts is None or all(s is not None and not s.effects for s in summaries):
        return 0
    own = [found for found in facts([package], IMPORT_TIME_CALLS).get(package, []) if found is not None]
    calls = sorted({call for _, found in own for call in found}, key=lambda call: call[1])
    if not calls:
        return 0
    bound: dict[str, tuple[str, str | None]] = {}  # a name the package imports -> (project module, the name imported from it)
    for summary in summaries:
        for fact in summary.imports if summary is not None else ():
            if fact.bound is None or fact.module is None or not runs_on_import(fact) or fact.name == "*":
                continue
            if fact.name is None:  # `import a.b` binds `a` (calls `a.b.f()`), `import a.b as m` binds a.b
                bound[fact.bound] = (fact.module if fact.bound != fact.module.partition(".")[0] else fact.bound, None)
            elif source.exists(f"{fact.module}.{fact.name}"):
                bound[fact.bound] = (f"{fact.module}.{fact.name}", None)  # `from pkg import loader`: the module
            else:
                bound[fact.bound] = (fact.module, fact.name)  # `from pkg.loader import load_all`: its function
    helpers: dict[tuple[str, str], int] = {}  # (module, the function or class called) -> the call's line
    for name, line in calls:
        head, _, rest = name.partition(".")
        if head not in bound:
            continue
        module, imported = bound[head]
        if imported is not None:
            if not rest:
                helpers.setdefault((module, imported), line)
            continue
        if not rest:
            continue
        # Through a module binding, the called function or class is the first name after the
        # longest chain of submodules (`pkg.loader.load_all()`, `loader.Loader().run()`).
        parts = rest.split(".")
        depth = len(parts) - 1
        while depth and not source.exists(".".join([module, *parts[:depth]])):
            depth -= 1
        dotted = ".".join([module, *parts[:depth]])
        if dotted != package and source.exists(dotted):
            helpers.setdefault((dotted, parts[depth]), line)
    if not helpers:
        return 0
    found = facts(sorted({module for module, _ in helpers}), IMPORT_TIME_CALLS)
    lines = [line for (module, called), line in helpers.items() if any(fact is not None and called in fact[0] for fact in found.get(module, []))]
    return min(lines, default=0)
