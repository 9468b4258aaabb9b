"""Verification of import rewrites against the project: does the replacement define what the
rewritten import will name, and is it the same kind of thing?

Every kind that fixes imports asks the same question before it rewrites one: after the rewrite,
will ``from new.mod import Name`` (or ``import new.mod``, or a reference ``new.mod.Name``) find
``Name``, and is ``Name`` still what the file used (a class where it had a class, a function where
it had a function)? The answer has three values, and only a *verified* rewrite is a safe fix:

- ``verified``: the replacement module is in the project and ``Name`` is defined there at module
  level, bound there by an import (not one under ``if TYPE_CHECKING``), star-exported there by a
  project module, or is a submodule;
- ``refused``: the project shows it is not so (``Name is not defined in new.mod``, ``new.mod does
  not exist``), or the deprecated target and its replacement are of different kinds (a function
  and a class, a module and a class) and the rule does not allow that change for the target;
- ``unverified``: the project cannot tell (the replacement lies outside it, in the standard
  library or a third-party package; it defines ``__getattr__``; it star-imports from outside the
  project; it could not be analyzed; the target is a class, function or module and the
  replacement's name is a value, or bound from outside the project, whose kind is unknown).
  Such a rewrite is an *unsafe* fix.

A name listed only in ``__all__`` is not a definition (importing it fails), so it does not count.

The verifier reads the project through a ``ModuleSource``: which modules exist, and the summary
(``project.module_summary``) of the modules it asks about. ``run.modules.ProjectModules`` is the
one the engine uses: it summarises, on demand and through the cached per-file analysis, only
the modules a verification needs.

Entry point for a kind's fix: ``ImportVerifier.verify(Need(old, new, module=...), allow_kind_change)``.
For ``check``'s applicability, a kind records its ``Need`` values per finding in its facts
(``RewriteFact``) and decides in ``Rule.annotate`` with ``applicability``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ssot_lint.fix.binding_reads import read_elsewhere
from ssot_lint.fix.copied_values import stored_copy
from ssot_lint.fix.import_order import order_changes
from ssot_lint.fix.import_runs import ImportRuns
from ssot_lint.fix.initializing import before_binding, while_initializing
from ssot_lint.fix.module_clashes import clashing
from ssot_lint.fix.name_lookup import NameLookup
from ssot_lint.fix.verdicts import (
    REFUSED,
    UNVERIFIED,
    VERIFIED,
    WHOLE,
    Index,
    ModuleSource,
    Mover,
    Need,
    RewriteFact,
    Verdict,
    applicability,
    defined_as,
    one_module_name,
    used_whole,
    worst,
)
from ssot_lint.fix.warning_tests import stops_warning
from ssot_lint.project.module_paths import parents, within

if TYPE_CHECKING:
    from ssot_lint.project.module_summary import ImportFact

# The vocabulary lives in fix.verdicts; kinds import it from here, with the verifier.
__all__ = [
    "REFUSED",
    "UNVERIFIED",
    "VERIFIED",
    "WHOLE",
    "ImportVerifier",
    "ModuleSource",
    "Mover",
    "Need",
    "RewriteFact",
    "Verdict",
    "applicability",
    "used_whole",
    "worst",
]


class ImportVerifier(NameLookup):
    def __init__(self, source: ModuleSource) -> None:
        self.source = source
        self._memo: dict[tuple[str, bool, int], Verdict] = {}
        self._keys_alive: dict[int, Mover | None] = {}
        self._mover: Mover | None = None
        self._active: set[tuple[str, str]] = set()  # (module, name) being resolved: star cycles
        self.runs = ImportRuns(source)  # what a rewritten statement runs: cycles, modules gained or lost
        self._stores: dict[str, list[Any]] = {}  # the modules' stores read so far (fix.copied_values)
        self._tests: dict[str, str | None] = {}  # importer -> its test file reading warnings (fix.warning_tests)
        self._own: dict[tuple[str, str], ImportVerifier | None] = {}  # (importer, path) -> see _own_copy
        self._copies: dict[tuple[str, str], ImportVerifier] = {}  # (package, its copy's sys.path entry) -> its verifier

    def prefetch(self, needs: Iterable[Need], mover: Mover | None = None) -> None:
        """Summarise in one batch the modules that verifying ``needs`` reads first (when the
        source can batch): the replacement modules, the deprecated ones for kinds, and the
        importers; then walk the import graph the cycle checks read (``mover``: the fix they
        are part of), so that fix workers inherit it summarised."""
        fetch = getattr(self.source, "prefetch", None)
        if fetch is None:
            return
        needs = list(needs)
        modules: set[str] = set()
        for dotted in {d for need in needs for d in (need.new, need.old)}:
            if self.source.in_project(dotted):
                parts = dotted.split(".")
                found = next((".".join(parts[:end]) for end in range(len(parts), 0, -1) if self.source.exists(".".join(parts[:end]))), None)
                if found is not None:
                    modules.add(found)
        # The importers: what the import-order checks read first (one batch instead of a round
        # of summaries per rewritten statement).
        modules.update(m for need in needs if need.importer for m in (need.importer, *parents(need.importer)) if self.source.exists(m))
        fetch(modules)
        for need in needs:
            if need.importer:
                (self._own_copy(need.importer, "") or self).runs.cycle(self._as_named(need), mover)

    def verify(self, need: Need, allow_kind_change: bool = False, mover: Mover | None = None, near: str = "", path: str = "") -> Verdict:
        """Whether the rewrite from ``need.old`` to ``need.new`` is verified, refused or
        unverified; refused too when the two are of different kinds, unless allowed.
        ``mover``: the fix this rewrite is part of (see ``Mover``); ``near``: the module of the
        file the rewrite is in, when ``need.importer`` does not say (where its names resolve);
        ``path``: that file's project-relative path (which copy it is, when several give its module)."""
        try:
            own = self._own_copy(need.importer or near, path)
            if own is not None:  # judged against the importer's own copy of its package, naming its files
                return own.source.judged(own.verify(need, allow_kind_change, mover, near))  # type: ignore[attr-defined]
            with self._moving(mover):
                return self._verify(need, allow_kind_change, near)
        except MemoryError:
            raise
        except Exception as exc:  # a bug in verifying one rewrite costs its safety, not the run (nor the file's other fixes)
            return Verdict(
                UNVERIFIED, f"not verified: ssot-lint failed while verifying it ({type(exc).__name__}: {exc}); this is a bug in ssot-lint, please report it"
            )

    def _own_copy(self, importer: str, path: str) -> ImportVerifier | None:
        """A verifier over the project as the process ``importer`` runs in sees it, when it was
        imported through its copy of a top-level package several places give (``run.own_copy``)."""
        key = (importer, path)
        if key not in self._own:
            pin = getattr(self.source, "own_copy", None)
            copy = pin(importer, path) if pin is not None and importer else None
            self._own[key] = None if copy is None else self._copies.setdefault((copy.top, copy.home), ImportVerifier(copy))
        return self._own[key]

    def _verify(self, need: Need, allow_kind_change: bool, near: str = "") -> Verdict:
        unseen = getattr(self.source, "unseen", None)
        if unseen is not None and (why := unseen(need.new, need.importer or near)) is not None:
            # As unresolved-import sees it: not the project's. (A name several places give says
            # more: which file it is depends on sys.path.)
            return clashing(self.source, need, need.importer or near) or Verdict(UNVERIFIED, why)
        if need.importer and not need.module and (early := before_binding(self, need)) is not None:
            return early  # the rewrite would certainly bind another object: nothing else matters
        found = self._names(need, allow_kind_change)
        if found.status != REFUSED and (clash := clashing(self.source, need, need.importer or near)) is not None:
            return worst([clash, found])  # what the other checks read may be either copy's
        if need.chain and found.status != REFUSED and self.source.in_project(need.new):
            found = worst([found, *self.shadowed(need.new)])
        if need.module and not need.importer and found.status == UNVERIFIED:
            # `from M import x` needs M to be a module; whatever else is unknown about M, the
            # need of x itself says (twice would be noise).
            found = Verdict(VERIFIED)
        if found.status != REFUSED and (read := read_elsewhere(self.source, need, found, self.runs._facts_at)) is not None:
            found = worst([found, read])  # a name of the importer another module reads, unbound or rebound
        if found.status != REFUSED and (stops := stops_warning(self.source, need, self._tests, self.runs, self._mover)) is not None:
            found = worst([found, stops])  # a test may check the warning the old import gives
        if found.status == REFUSED or not need.importer:
            return found
        need = self._as_named(need)  # the import graph's names are the importer's
        # A new cycle says more than that the importer imports something new: one or the other.
        runs = self.runs.cycle(need, self._mover) or self.runs.imports_more(need, self._mover)
        less = self.runs.imports_less(need, self._mover)
        # The order among what runs both before and after, only when neither says more.
        order = order_changes(self.runs, need, self._mover) if runs is None and less is None else None
        early = while_initializing(self, need) if not need.module else None  # `from pkg import name` run too soon
        return worst(v for v in (early, found, less, runs, order) if v is not None)  # the real risk first

    def _as_named(self, need: Need) -> Need:
        """``need`` with its names as the importer's file is named (``one_module_name``): a
        relative import in ``axes_grid1.x`` (``mpl_toolkits/axes_grid1/``, no ``src``) that a rule
        names from the root imports ``axes_grid1.old``, and the import graph, read from the
        files' own imports, knows it so; under the root's name the package would seem to import
        itself under another name (a cycle that is not one)."""
        old, new = one_module_name(self.source, need.old), one_module_name(self.source, need.new)
        return need if (old, new) == (need.old, need.new) else replace(need, old=old, new=new)

    def binds_itself(self, module: str, name: str) -> bool:
        """Whether the project's ``module`` binds ``name`` itself over its submodule of that name,
        so that ``from module import name`` finds that object, not the submodule
        (``rewrite.destination``). Where no such submodule exists, a mapping of ``module.name``
        names the thing ``module`` binds either way."""
        return self.source.in_project(module) and self.source.exists(f"{module}.{name}") and self._binds(module, name)

    def binds_over_submodule(self, importer: str, package: str, name: str) -> bool:
        """Whether ``from package import name`` in ``importer`` surely finds an object ``package``
        binds over its submodule ``package.name``, neither that module nor one below it (SymPy's
        ``from .simplify import simplify``: ``from sympy import simplify`` is the function).
        Only where the project shows it: ``package`` is the project's and binds ``name`` once,
        unconditionally, by an import from that submodule or below it (which runs the submodule
        first: a name bound otherwise is replaced by the submodule's first import, anywhere),
        and ``importer`` is not run while ``package`` initializes (its attribute may still be
        the submodule then)."""
        return self.bound_over_submodule(package, name) is not None and not self.runs.imported_by(package, importer)

    def bound_over_submodule(self, package: str, name: str) -> tuple[ImportFact, Verdict] | None:
        """The import by which ``package`` binds ``name`` over its submodule ``package.name``, and
        what that name is, where the project shows it (``binds_over_submodule``, whatever the
        importer): ``package`` is the project's and binds ``name`` once, unconditionally, by an
        import from that submodule or below it, to neither that module nor one below it."""
        submodule = f"{package}.{name}"
        if not self.source.in_project(package) or not self.source.exists(submodule):
            return None
        binder: ImportFact | None = None
        for summary in self.source.summaries(package):
            binders = [] if summary is None else [f for f in summary.imports if f.bound == name and not f.type_checking]
            if len(binders) != 1 or binders[0].conditional or binders[0].module is None or not within(binders[0].module, submodule):
                return None
            binder = binders[0]
        with self._moving(None):  # the project as written: what the import finds today
            found = self.resolve(submodule)
        if binder is None or not found.verified or (found.kind in ("module", None) and (found.origin is None or within(found.origin, submodule))):
            return None
        return binder, found

    def star_lacks(self, importer: str, module: str, name: str) -> bool:
        """Whether ``from module import *`` in ``importer`` surely binds no ``name`` (pydantic's
        ``from .types import *``: ``pydantic.types.__all__`` is a literal without ``PyObject``,
        which only the module's ``__getattr__`` serves). Only where the project shows it:
        ``module`` is the project's, its ``__all__`` a literal that does not list ``name``, or,
        without one, its namespace holds no ``name`` (``NameLookup._star_exports``: defined,
        imported, star-imported from a module that exports it, a submodule; ``import *`` never
        calls ``__getattr__``); and ``importer`` is not run while ``module`` initializes (a star
        import of a half-initialized module binds the public names it has so far, ``__all__``
        or not), which a package above ``module`` never is (it always starts first)."""
        if importer == module or not self.source.in_project(module) or not self.source.exists(module):
            return False
        with self._moving(None):  # the project as written: what the import binds today
            found = self._star_exports(module, name)
        return found.status == REFUSED and (within(module, importer) or not self.runs.imported_by(module, importer))

    def index_at(self, importer: str) -> Index:
        """The module index as a mover is asked it for an import in ``importer`` (``Mover.moved``):
        ``from pkg import name`` is ``pkg``'s own ``name`` only where ``binds_over_submodule``
        vouches for it in that importer, not wherever ``pkg`` binds it (``binds_itself``, which
        the fix writes by). Where they differ (bound twice or under a condition, an importer
        ``pkg`` runs while it initializes) the answer is the one without an index, the submodule
        (``import pkg as name``): what depends on that rewrite is then judged unsafe, never
        safe on a binding the index cannot vouch for."""
        return Index(lambda package, name: self.binds_over_submodule(importer, package, name), self.absent)

    def absent(self, module: str) -> bool:
        """Whether the project lacks ``module`` although it would hold it (its top-level package
        is the project's): a chained destination it lacks is not written (``rewrite.chain_end``)."""
        return self.source.in_project(module) and not self.source.exists(module)

    def shadowed(self, dotted: str) -> list[Verdict]:
        """Why reading ``dotted`` through package attributes (``import a.b as m``, ``a.b.x``:
        Python 3.7+ takes the package's attribute ``b``) does not reach the module: a package
        that binds a submodule's name itself."""
        parts = dotted.split(".")
        for end in range(2, len(parts) + 1):
            parent, last = ".".join(parts[: end - 1]), parts[end - 1]
            if self.source.exists(f"{parent}.{last}") and self._binds(parent, last):
                return [Verdict(UNVERIFIED, f"{parent} binds {last} itself, so {parent}.{last} read as an attribute is that object, not the module")]
        return []

    def found(self, dotted: str, module: bool = False, mover: Mover | None = None) -> Verdict:
        """Whether ``dotted`` exists (a module when ``module``) once ``mover`` has fixed the
        project: existence alone, what ``rules --check`` asks of a mapping's replacement."""
        with self._moving(mover):
            return self.resolve(dotted, module)

    @contextmanager
    def _moving(self, mover: Mover | None) -> Iterator[None]:
        """Resolve as ``mover`` leaves the project (``Mover``) while the block runs."""
        outer, self._mover = self._mover, mover
        try:
            yield
        finally:
            self._mover = outer

    def _names(self, need: Need, allow_kind_change: bool) -> Verdict:
        found = self.resolve(need.new, module=need.module)
        if not found.verified:
            return found
        # `from pkg.sub import X` finds the submodule in sys.modules, whatever `pkg` binds as
        # `sub` (SQLAlchemy's orm binds the function `mapped_collection` over its submodule);
        # `import pkg.sub as m` and `pkg.sub.X` read the attribute (``chain``), maybe that function.
        old_kind = self.kind(need.old, module=need.module and not need.chain)
        if not allow_kind_change and old_kind is not None and old_kind != found.kind:
            if found.kind is None:  # a value, or bound from outside the project: cannot tell
                return Verdict(UNVERIFIED, f"{need.new} exists, but that it is a {old_kind}, as {need.old} is, cannot be verified")
            return Verdict(REFUSED, f"{need.old} is a {old_kind} but {need.new} is a {found.kind}", found.kind)
        return self.same(need, found)

    def same(self, need: Need, found: Verdict) -> Verdict:
        """``found`` (the replacement's verdict) when ``need.new`` is the very object
        ``need.old`` is (a re-export of it, or the module it is re-exported from), else why not
        (unverified: the rewrite changes what the name refers to, or may). Two modules need not
        be one: what the file reads through them is verified name by name."""
        if need.module or found.kind == "module" and self.kind(need.old) == "module":
            return found
        old = self.found(need.old)  # what the file refers to now, before any fix
        if not self.source.in_project(need.old):  # a name outside is its own origin (see _bound)
            old = Verdict(VERIFIED, origin=need.old)
        if old.status == REFUSED:
            return Verdict(UNVERIFIED, f"{old.reason}, so the import fails as written, and the rewrite would change that")
        if not old.verified or old.origin is None or found.origin is None:
            untold = old.untold if old.origin is None else found.untold
            # Said of the names, not of an attribute read through them (``X.attr``, ``X.*`` for
            # the name used whole): one reason per name.
            new_name, old_name = need.new, need.old
            depth = old.attributes if old.attributes == found.attributes else 0
            if depth and new_name.split(".")[-depth:] == old_name.split(".")[-depth:]:
                new_name, old_name = new_name.rsplit(".", depth)[0], old_name.rsplit(".", depth)[0]
            why = old.reason if not old.verified else untold or f"where {old_name if old.origin is None else new_name} is defined cannot be told"
            return Verdict(UNVERIFIED, f"that {new_name} is the same object as {old_name} cannot be verified: {why}")
        if one_module_name(self.source, old.origin) != one_module_name(self.source, found.origin):
            # Said of the definitions, not of an attribute read through them: one reason per name.
            names = [need.new, need.old, found.origin, old.origin]
            depth = found.attributes if found.attributes == old.attributes else 0
            if depth and not all(n.split(".")[-depth:] == need.new.split(".")[-depth:] for n in names):
                depth = 0
            new, old_name, new_origin, old_origin = (n.rsplit(".", depth)[0] if depth else n for n in names)
            return Verdict(
                UNVERIFIED, f"{defined_as(new, new_origin)} is another definition than {defined_as(old_name, old_origin)}, so the rewrite changes what runs"
            )
        return stored_copy(self.source, need, old.origin, self._stores) or found  # one object, unless a store makes it two

    def kind(self, dotted: str, module: bool = False) -> str | None:
        """What ``dotted`` is in the project (class, function, module), None when unknown; with
        ``module``, what an import of the module ``dotted`` finds (see ``resolve``)."""
        found = self.resolve(dotted, module)
        return found.kind if found.verified else None

    def resolve(self, dotted: str, module: bool = False) -> Verdict:
        """Whether ``dotted`` (``pkg.mod`` or ``pkg.mod.Name``, maybe followed by attributes of
        ``Name``, which are not checked) exists; a module when ``module``."""
        key = (dotted, module, id(self._mover))
        # Keep each mover a key names alive: a freed one's id could be given to the next
        # (declared-deprecation makes one per file) and be served the other fix's verdicts.
        self._keys_alive.setdefault(key[2], self._mover)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(dotted, module)
        return found

    def _resolve(self, dotted: str, module: bool) -> Verdict:
        if not self.source.in_project(dotted):
            return Verdict(UNVERIFIED, f"{dotted.split('.')[0]} is not part of the project, so {dotted} cannot be verified")
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            prefix = ".".join(parts[:end])
            if self.source.exists(prefix):
                break
        else:
            return Verdict(REFUSED, f"{parts[0]} does not exist in the project")
        if end == len(parts):
            parent, _, last = dotted.rpartition(".")
            if module or not parent or not self._binds(parent, last):  # `import a.b` finds the module all the same
                return Verdict(VERIFIED, kind="module", origin=dotted)
            return self.name(parent, last)
        if module:
            return Verdict(REFUSED, f"module {dotted} does not exist ({parts[end]} is not a module of {prefix})")
        if end == len(parts) - 1 and parts[-1] == WHOLE and (bound := self._bound_over_submodule(prefix)) is not None:
            return bound
        found = self.name(prefix, parts[end])
        if found.verified and end + 1 < len(parts):  # attributes of the name: unchecked, of no known kind
            origin = ".".join([found.origin, *parts[end + 1 :]]) if found.origin is not None else None
            return replace(found, kind=None, origin=origin, attributes=len(parts) - end - 1)
        return found

    def _bound_over_submodule(self, dotted: str) -> Verdict | None:
        """``dotted.*`` (``dotted`` used as a value) where ``dotted`` names what its package binds
        over the submodule of that name (``from pkg import simplify``, pkg's function): that
        object, as ``resolve(dotted)`` finds it, used whole; None when ``dotted`` is the module."""
        parent, _, last = dotted.rpartition(".")
        if not parent or not self._binds(parent, last):
            return None
        found = self.name(parent, last)
        if not found.verified:
            # A name the package defines may be the submodule once that is imported (``fix.submodule_names``):
            # then it is that module used whole, too.
            defines = any(summary is not None and last in summary.defined for summary in self.source.summaries(parent))
            return worst([found, Verdict(UNVERIFIED, used_whole(dotted))]) if defines else found
        if found.kind == "module":
            return Verdict(UNVERIFIED, used_whole(found.origin or dotted))
        return replace(found, kind=None, origin=None if found.origin is None else f"{found.origin}.{WHOLE}", attributes=1)
