"""What ``from module import name`` finds in the project, as the modules' summaries show it:
defined there (and of which kind, from where), bound there by an import (followed to its
origin), star-exported there, a submodule, or none of these; and when the summaries cannot tell
(a module-level ``del``, a name bound more than once or under a condition, a ``__getattr__``, a
star import from outside the project), why. ``fix.verify.ImportVerifier`` is the one lookup: it
resolves dotted names and knows how the fix being judged moves other imports (``Mover``).
"""

from __future__ import annotations

from ssot_lint.fix.submodule_names import replaced_by_submodule
from ssot_lint.fix.verdicts import REFUSED, UNVERIFIED, VERIFIED, WHOLE, Index, ModuleSource, Mover, Verdict, one_module_name, unanalyzed_because, used_whole
from ssot_lint.project.module_index import MODULE_DUNDERS
from ssot_lint.project.module_summary import ImportFact, ModuleSummary
from ssot_lint.project.rebinds import ANY_NAME


class NameLookup:
    source: ModuleSource
    _active: set[tuple[str, str]]  # (module, name) being resolved: star cycles
    _mover: Mover | None  # how the fix being judged rewrites other imports

    def resolve(self, dotted: str, module: bool = False) -> Verdict:
        raise NotImplementedError  # ImportVerifier's

    def found(self, dotted: str, module: bool = False, mover: Mover | None = None) -> Verdict:
        raise NotImplementedError  # ImportVerifier's

    def index_at(self, importer: str) -> Index:
        raise NotImplementedError  # ImportVerifier's

    def name(self, module: str, name: str, namespace_only: bool = False) -> Verdict:
        """Whether ``from module import name`` finds something (``module`` exists). ``WHOLE``
        asks about the module used as a value (``x = m``, ``f(m)``): whatever is read through it
        then cannot be verified. ``namespace_only``: whether the module's namespace holds it, as ``from
        module import *`` reads a module without ``__all__``, which never calls its ``__getattr__``."""
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
            return self._name(module, name, namespace_only)
        finally:
            self._active.discard((module, name))

    def _binds(self, module: str, name: str) -> bool:
        """Whether ``module`` binds ``name`` itself, over its submodule of that name: SymPy's
        ``from .trigsimp import trigsimp`` in ``sympy/simplify/__init__.py`` makes
        ``sympy.simplify.trigsimp`` the function (importing the submodule binds the attribute
        first; the statement binds it again). ``from . import name`` binds the submodule."""
        return any(summary is not None and (name in summary.defined or _binders(summary, module, name)) for summary in self.source.summaries(module))

    def _name(self, module: str, name: str, namespace_only: bool = False) -> Verdict:
        unknown: list[str] = []
        for summary in self.source.summaries(module):
            if summary is None:
                unknown.append(f"{unanalyzed_because(self.source, module)}, so {name} cannot be verified there")
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
            # The star imports that may bind it, each read as the fix leaves it; with an import
            # binding it, those after that import (one may bind it again).
            after_line = binders[0].statement[0] if binders else 0
            stars = [
                (f, found)
                for f in summary.imports
                if f.star and not f.type_checking and f.statement[0] > after_line and (found := self._star_binding(module, f, name)).status != REFUSED
            ]
            if len(binders) > 1 or (binders and binders[0].conditional) or (binders and stars):
                # Python keeps the last binding that ran: which one that is, is not static.
                unknown.append(_bound_more_than_once(module, name))
                continue
            for fact in binders:  # one, or none
                if fact.module is None:
                    unknown.append(f"{module} binds {name} by a relative import that cannot be resolved")
                    continue
                # Where the fix sends it, with what the index vouches for in this importer (what
                # the package binds over its submodule), as the fix decides it there.
                after = self._mover.moved(fact.module, fact.name, self.index_at(module)) if self._mover is not None else None
                # The same fix rewrites this import unless that would make the module import from
                # itself (a rewrite fixes refuse): judge it as the fix leaves it.
                if after is not None and module not in (after, after.rpartition(".")[0]):
                    found = self.resolve(after, module=fact.name is None)
                    if found.verified:
                        # That rewrite may be unsafe, and applied only with --unsafe-fixes: the
                        # name must be the same object either way.
                        written = self.found(fact.module if fact.name is None else f"{fact.module}.{fact.name}", fact.name is None)
                        if written.verified and _one_origin(self.source, written.origin, found.origin):
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
            if summary.has_getattr and summary.forwards and not namespace_only and not any(f.star for f in summary.imports):
                # Its __getattr__ returns ``forwards``'s attribute for every name (NumPy's numpy.core shims).
                return self._bound(f"{summary.forwards}.{name}", f"{module}'s __getattr__ forwards {name} to {summary.forwards}")
            if summary.has_getattr and not namespace_only:
                unknown.append(f"{module} defines __getattr__, so {name} cannot be verified there")
            if stars:
                # Python binds names in statement order: of the star imports that may bind it, the
                # last that does wins. It is known only where that last one surely binds it
                # (every later one surely does not: a refusal needs its namespace known), and
                # runs on every import.
                last, found = stars[-1]
                if found.verified and not last.conditional:
                    return found
                if len(stars) > 1:
                    unknown.append(_bound_by_stars(module, name, [f for f, _ in stars]))
                elif last.conditional:
                    unknown.append(_bound_more_than_once(module, name))
                else:
                    unknown.append(found.reason)
        if unknown:
            return Verdict(UNVERIFIED, unknown[0])
        return Verdict(REFUSED, f"{name} is not defined in {module}")

    def _star_binding(self, module: str, star: ImportFact, name: str) -> Verdict:
        """Whether the star import ``star`` in ``module`` binds ``name``, read as the fix being
        judged leaves it: as written where the fix leaves it alone or refuses its rewrite (into
        ``module`` itself, or into a module that does not exist: NetworkX's ``from
        .networksimplex import *`` in ``networkx.algorithms.flow``, under ``flow -> networkx``);
        where the fix rewrites it (an unsafe rewrite, applied only with --unsafe-fixes), the
        name must be the same object either way."""
        written = self._star_exports(star.module, name)
        after = self._mover.moved(star.module, "*", self.index_at(module)) if self._mover is not None and star.module is not None else None
        if after is None or after in (module, star.module) or self.resolve(after, module=True).status == REFUSED:
            return written
        moved = self._star_exports(after, name)
        if moved.status == written.status == REFUSED:
            return written
        if moved.verified and written.verified and _one_origin(self.source, written.origin, moved.origin):
            return moved
        return Verdict(
            UNVERIFIED, f"the same fix rewrites {module}'s star import of {star.module}, and whether or which {name} it binds depends on whether it applies"
        )

    def _star_exports(self, source: str | None, name: str) -> Verdict:
        """Whether ``from source import *`` binds ``name`` (a refusal: it does not)."""
        if source is None or not self.source.in_project(source):
            return Verdict(UNVERIFIED, f"{name} may come from a star import of {source or 'a module above the top-level package'}, outside the project")
        if not self.source.exists(source):
            return Verdict(REFUSED)
        for summary in self.source.summaries(source):
            # A module __getattr__ adds no name to a star import: it binds the names of __all__
            # (looked up, so through __getattr__, below), or else the public names the module's
            # namespace holds, which __getattr__ never serves (``namespace_only``).
            if summary is None or summary.all_dynamic:
                return Verdict(UNVERIFIED, f"which names {source} exports cannot be known, so {name} cannot be verified")
            if summary.all_names is not None and name not in summary.all_names:
                continue
            if summary.all_names is None and name.startswith("_"):
                continue
            found = self.name(source, name, namespace_only=summary.all_names is None)
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


def _one_origin(source: ModuleSource, one: str | None, other: str | None) -> bool:
    """Whether two origins name one definition, a module's file under either of its names."""
    return one == other or (one is not None and other is not None and one_module_name(source, one) == one_module_name(source, other))


def _bound_more_than_once(module: str, name: str) -> str:
    return f"{module} binds {name} more than once, or only under a condition, {_WHICH}"


def _bound_by_stars(module: str, name: str, stars: list[ImportFact]) -> str:
    """Why a name several star imports may bind is no known object (``stars``: in order)."""
    each = [f"from {f.module or '(above the top-level package)'} import * at line {f.statement[0]}" for f in stars]
    return f"{module} binds {name} by more than one star import: {', '.join(each[:-1])} and {each[-1]}, {_WHICH}"


def _binders(summary: ModuleSummary, module: str, name: str) -> list[ImportFact]:
    """The run-time imports by which ``module`` binds ``name`` (``from . import name`` in a
    package's ``__init__`` binds the submodule, which is no binding of its own)."""
    return [f for f in summary.imports if f.bound == name and not f.type_checking and (f.module, f.name) != (module, name)]
