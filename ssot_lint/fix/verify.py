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
from typing import Any

from ssot_lint.fix.binding_reads import read_elsewhere
from ssot_lint.fix.copied_values import stored_copy
from ssot_lint.fix.import_order import order_changes
from ssot_lint.fix.import_runs import ImportRuns
from ssot_lint.fix.module_clashes import clashing
from ssot_lint.fix.submodule_names import replaced_by_submodule
from ssot_lint.fix.verdicts import (
    REFUSED,
    UNVERIFIED,
    VERIFIED,
    WHOLE,
    ModuleSource,
    Mover,
    Need,
    RewriteFact,
    Verdict,
    applicability,
    defined_as,
    used_whole,
    worst,
)
from ssot_lint.fix.warning_tests import stops_warning
from ssot_lint.project.module_index import MODULE_DUNDERS
from ssot_lint.project.module_paths import parents
from ssot_lint.project.module_summary import ImportFact, ModuleSummary
from ssot_lint.project.rebinds import ANY_NAME

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


class ImportVerifier:
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
                (self._own_copy(need.importer, "") or self).runs.cycle(need, mover)

    def verify(self, need: Need, allow_kind_change: bool = False, mover: Mover | None = None, near: str = "", path: str = "") -> Verdict:
        """Whether the rewrite from ``need.old`` to ``need.new`` is verified, refused or
        unverified; refused too when the two are of different kinds, unless allowed.
        ``mover``: the fix this rewrite is part of (see ``Mover``); ``near``: the module of the
        file the rewrite is in, when ``need.importer`` does not say (where its names resolve);
        ``path``: that file's project-relative path (which copy it is, when several give its module)."""
        own = self._own_copy(need.importer or near, path)
        if own is not None:  # judged against the importer's own copy of its package, naming its files
            return own.source.judged(own.verify(need, allow_kind_change, mover, near))  # type: ignore[attr-defined]
        with self._moving(mover):
            return self._verify(need, allow_kind_change, near)

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
        found = self._names(need, allow_kind_change)
        if found.status != REFUSED and (clash := clashing(self.source, need, need.importer or near)) is not None:
            return worst([clash, found])  # what the other checks read may be either copy's
        if need.chain and found.status != REFUSED and self.source.in_project(need.new):
            found = worst([found, *self._shadowed(need.new)])
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
        # A new cycle says more than that the importer imports something new: one or the other.
        runs = self.runs.cycle(need, self._mover) or self.runs.imports_more(need, self._mover)
        less = self.runs.imports_less(need, self._mover)
        # The order among what runs both before and after, only when neither says more.
        order = order_changes(self.runs, need, self._mover) if runs is None and less is None else None
        return worst(v for v in (found, less, runs, order) if v is not None)

    def _shadowed(self, dotted: str) -> list[Verdict]:
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
        old_kind = self.kind(need.old)
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
        if old.origin != found.origin:
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

    def kind(self, dotted: str) -> str | None:
        """What ``dotted`` is in the project (class, function, module), None when unknown."""
        found = self.resolve(dotted)
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
        found = self.name(prefix, parts[end])
        if found.verified and end + 1 < len(parts):  # attributes of the name: unchecked, of no known kind
            origin = ".".join([found.origin, *parts[end + 1 :]]) if found.origin is not None else None
            return replace(found, kind=None, origin=origin, attributes=len(parts) - end - 1)
        return found

    def name(self, module: str, name: str) -> Verdict:
        """Whether ``from module import name`` finds something (``module`` exists). ``WHOLE``
        asks about the module used as a value (``x = m``, ``f(m)``): whatever is read through it
        then cannot be verified."""
        if name == WHOLE:
            return Verdict(UNVERIFIED, used_whole(module))
        if name in MODULE_DUNDERS:
            return Verdict(VERIFIED)  # every module has them, each its own
        if self.source.exists(f"{module}.{name}") and not self._binds(module, name):
            return Verdict(VERIFIED, kind="module", origin=f"{module}.{name}")
        if (module, name) in self._active:
            return Verdict(REFUSED, f"{name} is not defined in {module}")  # a star cycle adds nothing
        self._active.add((module, name))
        try:
            return self._name(module, name)
        finally:
            self._active.discard((module, name))

    def _binds(self, module: str, name: str) -> bool:
        """Whether ``module`` binds ``name`` itself, over its submodule of that name: SymPy's
        ``from .trigsimp import trigsimp`` in ``sympy/simplify/__init__.py`` makes
        ``sympy.simplify.trigsimp`` the function (importing the submodule binds the attribute
        first; the statement binds it again). ``from . import name`` binds the submodule."""
        return any(summary is not None and (name in summary.defined or _binders(summary, module, name)) for summary in self.source.summaries(module))

    def _name(self, module: str, name: str) -> Verdict:
        unknown: list[str] = []
        for summary in self.source.summaries(module):
            if summary is None:
                unknown.append(f"{module} could not be analyzed, so {name} cannot be verified there")
                continue
            if name in summary.deleted:  # bound, then maybe unbound: which one holds cannot be told
                unknown.append(f"{module} deletes {name} (a module-level del), so {name} may not be there")
                continue
            binders = _binders(summary, module, name)
            again = {n: (where, later) for n, where, later in summary.rebinds if n in (name, ANY_NAME)}
            if ANY_NAME in again:  # `globals()[...] = ...`: any of its names may be another object
                unknown.append(f"{module} {again[ANY_NAME][0]}, so which object {name} is there cannot be told")
                continue
            if name in again and again[name][1]:
                # A function rebinds it after import: a copy another module imported keeps the old object.
                unknown.append(f"{module} rebinds {name} {again[name][0]}, so a copy of it bound by an import earlier keeps the old object")
                continue
            if name in summary.defined:
                if (binders or name in again) and any(a.name == name for a in summary.aliases):
                    # `X = base.X` and then `from fast import X` (an accelerator's fallback), or
                    # `if FAST: X = fast.X`: the last that ran holds.
                    unknown.append(f"{module} rebinds {name} {again[name][0]}, {_WHICH}" if name in again else _bound_more_than_once(module, name))
                    continue
                if (replaced := replaced_by_submodule(self.source, module, name)) is not None:
                    unknown.append(replaced)
                    continue
                return self._defined(module, summary, name)
            later_stars = [f for f in summary.imports if f.star and not f.type_checking and binders and f.statement[0] > binders[0].statement[0]]
            rebound = any(self._star_exports(f.module, name).status != REFUSED for f in later_stars)
            if len(binders) > 1 or (binders and binders[0].conditional) or rebound:
                # Python keeps the last binding that ran: which one that is, is not static.
                unknown.append(_bound_more_than_once(module, name))
                continue
            for fact in binders:  # one, or none
                if fact.module is None:
                    unknown.append(f"{module} binds {name} by a relative import that cannot be resolved")
                    continue
                after = self._mover.moved(fact.module, fact.name) if self._mover is not None else None
                # The same fix rewrites this import unless that would make the module import from
                # itself (a rewrite fixes refuse): judge it as the fix leaves it.
                if after is not None and module not in (after, after.rpartition(".")[0]):
                    found = self.resolve(after, module=fact.name is None)
                    if found.verified:
                        # That rewrite may be unsafe, and applied only with --unsafe-fixes: the
                        # name must be the same object either way.
                        written = self.found(fact.module if fact.name is None else f"{fact.module}.{fact.name}", fact.name is None)
                        if written.verified and written.origin == found.origin:
                            return found
                        unknown.append(f"the same fix rewrites {module}'s import of {name}, and which object {name} is there depends on whether it applies")
                        continue
                    if found.status == UNVERIFIED:
                        unknown.append(found.reason)
                        continue
                    # Refused: the fix leaves that import as written (SymPy's sympy.simplify
                    # imports nsimplify from sympy.simplify.simplify; moved to `from sympy
                    # import nsimplify`, it would read sympy while sympy reads it), so judge it so.
                if fact.name is None:  # `import a.b as name`
                    return Verdict(VERIFIED, kind="module", origin=fact.module)
                return self._bound(f"{fact.module}.{fact.name}", f"{module} imports {name} from {fact.module} at line {fact.statement[0]}")
            if summary.has_getattr:
                unknown.append(f"{module} defines __getattr__, so {name} cannot be verified there")
            for star in summary.imports:
                if star.star and not star.type_checking:
                    source = star.module
                    after = self._mover.moved(source, None) if self._mover is not None and source is not None else None
                    found = self._star_exports(after if after not in (None, module) else source, name)
                    if found.verified:
                        return found
                    if found.status == UNVERIFIED:
                        unknown.append(found.reason)
        if unknown:
            return Verdict(UNVERIFIED, unknown[0])
        return Verdict(REFUSED, f"{name} is not defined in {module}")

    def _star_exports(self, source: str | None, name: str) -> Verdict:
        """Whether ``from source import *`` binds ``name`` (a refusal: it does not)."""
        if source is None or not self.source.in_project(source):
            return Verdict(UNVERIFIED, f"{name} may come from a star import of {source or 'a module above the top-level package'}, outside the project")
        if not self.source.exists(source):
            return Verdict(REFUSED)
        for summary in self.source.summaries(source):
            # A module __getattr__ adds no name to a star import: it binds the names of __all__
            # (looked up, so through __getattr__, below), or else the public names defined.
            if summary is None or summary.all_dynamic:
                return Verdict(UNVERIFIED, f"which names {source} exports cannot be known, so {name} cannot be verified")
            if summary.all_names is not None and name not in summary.all_names:
                continue
            if summary.all_names is None and name.startswith("_"):
                continue
            found = self.name(source, name)
            if found.status != REFUSED:
                return found
        return Verdict(REFUSED)

    def _bound(self, dotted: str, how: str = "") -> Verdict:
        """The verdict for a name a module binds by importing ``dotted``: verified, of the kind
        and origin ``dotted`` has (outside the project, ``dotted`` is its own origin: two modules
        importing ``typing.Any`` bind one object). When ``dotted``'s origin cannot be told, why:
        ``how`` the module binds it (``pkg.old imports X from pkg.mid at line 1``), and what
        ``dotted``'s module says (it rebinds the name), or what a module further on said."""
        found = self.resolve(dotted)
        if found.verified:
            return Verdict(VERIFIED, kind=found.kind, origin=found.origin, untold=found.untold)
        if not self.source.in_project(dotted):
            return Verdict(VERIFIED, origin=dotted)
        return Verdict(VERIFIED, untold=f"{how}, and {found.reason}" if how and found.reason else found.reason)

    def _defined(self, module: str, summary: ModuleSummary, name: str) -> Verdict:
        """The verdict for a name ``module`` binds itself: its kind, and its origin (here, unless
        it is an alias ``name = other``, which is ``other``'s)."""
        is_class, is_function = name in summary.classes, name in summary.functions
        alias = next((a.target for a in summary.aliases if a.name == name), None)
        if alias is None or is_class or is_function:
            kind = None if alias is not None else "class" if is_class and not is_function else "function" if is_function and not is_class else None
            return Verdict(VERIFIED, kind=kind, origin=f"{module}.{name}")  # bound several ways: no kind
        head, _, rest = alias.partition(".")
        for fact in summary.imports:
            if fact.bound == head and not fact.type_checking and fact.module is not None:
                base = f"{fact.module}.{fact.name}" if fact.name is not None else head if fact.module.split(".")[0] == head else fact.module
                return self._bound(f"{base}.{rest}" if rest else base)
        if head in summary.defined and head != name:
            return self._bound(f"{module}.{alias}")
        return Verdict(VERIFIED, origin=f"{module}.{name}")


_WHICH = "so which object it is cannot be told"


def _bound_more_than_once(module: str, name: str) -> str:
    return f"{module} binds {name} more than once, or only under a condition, {_WHICH}"


def _binders(summary: ModuleSummary, module: str, name: str) -> list[ImportFact]:
    """The run-time imports by which ``module`` binds ``name`` (``from . import name`` in a
    package's ``__init__`` binds the submodule, which is no binding of its own)."""
    return [f for f in summary.imports if f.bound == name and not f.type_checking and (f.module, f.name) != (module, name)]
