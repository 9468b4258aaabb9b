"""What one module defines, exports and imports: the per-file half of the project-wide analyses,
as plain, picklable values (``ModuleSummary``, ``ImportFact``, ``AliasFact``). ``summary_walk``
computes them from a file's syntax tree; the project-wide index (``module_index``) is built from
them in the aggregation step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ssot_lint.analysis.source_lines import Span
from ssot_lint.model import cache_value


@cache_value
class ImportFact(NamedTuple):
    """One imported name (see ``imports.ImportRef``), with where it is and when it runs.

    ``module`` is absolute (None: a relative import that climbs above the top-level package);
    ``name`` is None for ``import a.b``, ``"*"`` for a star import; ``bound`` is the module-level
    name it binds (None inside functions and class bodies). ``span`` is the imported name's
    location, ``module_span`` the module part's (``a.b`` in ``from a.b import c``), ``statement``
    the whole statement's. ``in_function``: inside a def or lambda, so it runs only when called
    (imports in class bodies run at import time). ``type_checking``: under ``if TYPE_CHECKING``.
    ``main_block``: under a module-level ``if __name__ == "__main__":``, so it runs only when the
    file is executed as a script, never when it is imported. ``expected_to_fail``: the code says
    the import fails (see ``expects_import_error``). ``guarded``: in the body of a ``try`` whose
    handlers catch an ImportError (see ``guards_import_error``). ``expects_warning``: what a test uses on
    purpose to test a deprecation (see ``import_conditions.TestedDeprecations``). ``conditional``:
    in a branch that may not run on import (an ``if``, a loop, an ``except`` handler, a ``match``
    case, or a ``try`` or ``with`` block, where a statement before it may raise and be caught):
    fix verification does not count it as imported for sure.

    A named tuple rather than a frozen dataclass: a summary holds one per imported name (125,810
    on Home Assistant), and a tuple is built (and unpickled, in the parent and from the cache)
    in a sixth of the time.
    """

    module: str | None
    name: str | None
    bound: str | None
    span: Span
    module_span: Span
    statement: Span
    in_function: bool
    type_checking: bool
    main_block: bool = False
    expected_to_fail: bool = False
    guarded: bool = False
    expects_warning: bool = False
    conditional: bool = False

    @property
    def star(self) -> bool:
        return self.name == "*"


@cache_value
@dataclass(frozen=True, slots=True)
class AliasFact:
    """A module-level ``A = B`` / ``A = pkg.B`` (or ``A: T = B``) statement directly in the module body."""

    name: str
    target: str
    span: Span


@cache_value
@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """Everything the project-wide kinds need from one module.

    ``defined``: names bound at module level by anything but an import (imports are in
    ``imports``, module-level ones bind ``bound``). ``all_names``: the literal ``__all__`` (None
    when the module has none); ``all_dynamic``: ``__all__`` is built in a way we cannot read, so
    the module exports an unknown set. ``has_getattr``: a module-level ``__getattr__`` (PEP 562;
    defined, assigned or imported)
    makes every attribute resolvable. ``reexport_only``: the body holds nothing but imports,
    ``__all__``, simple aliases, docstrings, ``pass`` and ``warnings.warn`` calls (also inside
    ``if`` / ``try``). ``first_span``: the first statement after the module docstring.
    """

    defined: frozenset[str]
    classes: frozenset[str]
    all_names: tuple[str, ...] | None
    all_dynamic: bool
    imports: tuple[ImportFact, ...]
    has_getattr: bool
    reexport_only: bool
    aliases: tuple[AliasFact, ...]
    first_span: Span
    functions: frozenset[str] = frozenset()  # module-level defs (a name may also be a class)
    # The first line of a module-level statement that does more, when the module is imported,
    # than bind its own names (0: none): a call other than a warning or ``__all__`` bookkeeping,
    # an assignment to an attribute or item (``X.legacy = ...``), a decorator that may register
    # what it decorates, a class with a base or whose body calls anything (see ``project.effects``).
    effects: int = 0
    deleted: frozenset[str] = frozenset()  # names a module-level `del` unbinds (SymPy's `del Symbol`)
    # Names bound again after the module's first binding of them: (name, where, as a reason's end,
    # after import). A second module-level binding statement (not an import: ``imports`` has
    # those), or one under a condition (``"at line 7, under a condition"``); or, after import,
    # an assignment in a function or class body that declares the name ``global`` (``"in
    # configure() (global)"``, see ``project.rebinds``): a copy bound elsewhere by an import
    # earlier keeps the old object. Dunders are left out.
    rebinds: tuple[tuple[str, str, bool], ...] = ()
    # In a package's ``__init__``, the first line spelling an import by name
    # (``importlib.import_module(``, ``__import__(``; 0: none, or not a package): it may import any
    # module, its own submodules included, see ``project.dynamic_imports``.
    dynamic_imports: int = 0
    # The first line of a module-level warning call (``warnings.warn(...)``, ``warn(...)``, also
    # inside a module-level ``if`` / ``try``; see ``effects.warns``), 0 for none: the module warns
    # when imported, which a test may check (``fix.warning_tests``).
    warns: int = 0
    # In a package's ``__init__``: ``(module, name)`` for each module-level store into an
    # attribute of a module it imports (``base.dialect = ...`` after ``from . import base``, read
    # as ``project.attribute_stores`` reads stores). Python runs the package before any importer
    # outside it can import ``module``, so such an importer finds the name there
    # (``unresolved-import``).
    stored_into: tuple[tuple[str, str], ...] = ()
    # What a module-level ``__getattr__`` returns the attribute of for every name it is asked
    # ("": none, or not read; see ``analysis.getattr_forward``): NumPy's ``numpy.core.numeric``
    # forwards to ``numpy._core.numeric``, so its ``X`` is ``numpy._core.numeric.X``.
    forwards: str = ""

    def bindings(self) -> dict[str, ImportFact]:
        """Module-level names bound by imports -> the (last) import binding them."""
        return {i.bound: i for i in self.imports if i.bound is not None}


def star_may_bind(summaries: list[ModuleSummary | None], name: str) -> bool:
    """Whether a star import of a module (its ``summaries``; None: not analyzed) may bind
    ``name``: it has no ``__all__`` and the name is public, or its ``__all__`` names it, or
    cannot be read."""
    for summary in summaries:
        if summary is None or summary.all_dynamic:
            return True
        if name in summary.all_names if summary.all_names is not None else not name.startswith("_"):
            return True
    return False
