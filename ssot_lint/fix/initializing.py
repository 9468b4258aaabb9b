"""A rewrite to ``from pkg import name`` where it would run before ``pkg`` has bound ``name``.

``pkg`` may bind ``name`` over its submodule ``pkg.name`` (SymPy's ``from .simplify import
simplify`` in ``sympy/__init__.py``), so that ``from pkg import name`` finds that object
(``rewrite.destination``). But the binding runs the submodule first, and while it runs ``pkg``
has no ``name`` yet: an import of it there finds the submodule in ``sys.modules``, the module
itself. So the fix must not write ``from .. import simplify`` in ``pkg/simplify/__init__.py``
(dest27: every call of ``simplify`` then raised TypeError), nor in a module that runs on the
way. Only where the project shows that it surely runs then: a module elsewhere may have been
imported before, and one run later finds the name bound: where ``pkg`` may run the importer
while it initializes, the rewrite is unsafe and says so (``while_initializing``)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ssot_lint.fix.verdicts import REFUSED, UNVERIFIED, Need, Verdict
from ssot_lint.project.import_graph import runs_on_import
from ssot_lint.project.module_paths import parents, within

if TYPE_CHECKING:
    from ssot_lint.fix.verify import ImportVerifier


def before_binding(verifier: ImportVerifier, need: Need) -> Verdict | None:
    """A refusal when ``need`` rewrites an import of its importer to ``from pkg import name``
    (``need.new`` is ``pkg.name``) that surely runs while ``pkg`` initializes, before it binds
    ``name`` over its submodule: the statement runs on import (not only in a function) and the
    importer is that submodule, or a module inside ``pkg`` that importing the binding's module
    surely runs (``ImportRuns``'s graph of the imports that run on every import), through
    modules inside ``pkg`` alone (``pkg`` itself has started already, and what it imports
    after the binding runs later). None otherwise."""
    package, _, name = need.new.rpartition(".")
    if not package or not verifier.binds_itself(package, name):
        return None
    bound = verifier.bound_over_submodule(package, name)
    facts = verifier.runs._facts_at(need.importer, need.line)
    if bound is None or not facts or not all(runs_on_import(fact) for fact in facts):
        return None
    binder, found = bound
    assert binder.module is not None  # bound_over_submodule: from the submodule or below it
    submodule = need.new
    starts = [m for m in (*parents(binder.module), binder.module) if within(m, submodule) and verifier.source.exists(m)]
    if not _surely_runs(verifier, starts, package, need.importer):
        return None
    what = f"the {found.kind}" if found.kind in ("class", "function") else f"what {package} binds"
    return Verdict(
        REFUSED,
        f"{package} is still initializing when {need.importer} runs ({package} binds {name} only at line {binder.statement[0]}, "
        f"by an import from {binder.module} that runs {need.importer} first): `from {package} import {name}` here would bind "
        f"the module {submodule}, not {what}",
    )


def _surely_runs(verifier: ImportVerifier, starts: list[str], package: str, importer: str) -> bool:
    """Whether importing ``starts`` surely runs ``importer``, through modules inside ``package``."""
    graph = verifier.runs._sure_graph()
    seen, pending = set(starts), deque(starts)
    while pending:
        module = pending.popleft()
        if module == importer:
            return True
        for target in graph.edges(module):
            if target not in seen and target != package and within(target, package):
                seen.add(target)
                pending.append(target)
    return False


def while_initializing(verifier: ImportVerifier, need: Need) -> Verdict | None:
    """Why rewriting ``need``'s import to ``from pkg import name`` (``need.new`` is ``pkg.name``,
    which ``pkg`` binds over its submodule) may bind the submodule instead: ``pkg`` may run the
    importer while it initializes (the project as written), and this import may run then,
    before ``pkg`` has bound ``name``. None when it cannot; ``before_binding`` refuses where
    it surely does."""
    package, _, name = need.new.rpartition(".")
    importer = need.importer
    if not package or importer == package or not verifier.binds_itself(package, name) or not verifier.runs.imported_by(package, importer):
        return None
    if not verifier.runs._runs_on_import(importer, need.line):
        return None
    bound = verifier.bound_over_submodule(package, name)
    at = f" (at line {bound[0].statement[0]})" if bound is not None else ""
    what = f"the {bound[1].kind}" if bound is not None and bound[1].kind in ("class", "function") else f"what {package} binds"
    return Verdict(
        UNVERIFIED,
        f"{package} may run {importer} while it initializes, before it binds {name}{at}: `from {package} import {name}` "
        f"run then would bind the module {need.new}, not {what}",
    )
