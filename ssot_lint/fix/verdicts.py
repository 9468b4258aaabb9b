"""The vocabulary of fix verification (``fix.verify``): what a rewrite needs (``Need``), what
``check`` records of it (``RewriteFact``), the verdicts (verified, unverified, refused) and how
several combine, and the two protocols the verifier reads the project and the fix through."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from ssot_lint.model import SAFE, UNSAFE, cache_value
from ssot_lint.project.module_paths import COMPILED_SUFFIXES
from ssot_lint.project.module_summary import ModuleSummary

VERIFIED, UNVERIFIED, REFUSED = "verified", "unverified", "refused"
# The attribute a need names when the file uses the imported thing itself as a value: ``Need(
# "old.mod.*", "new.mod.*")`` is unverified when ``new.mod`` is a module (every attribute of it may
# be read), and asks nothing more of a class or function (their attributes are never checked).
WHOLE = "*"
_STRENGTH = {VERIFIED: 0, UNVERIFIED: 1, REFUSED: 2}  # the worst verdict of several decides

# Whether a package binds a name itself over its submodule of that name (``binds("pkg",
# "simplify")``: ``from .simplify import simplify`` in ``pkg/__init__.py``), so that ``from pkg
# import simplify`` finds that object and not the submodule.
Binds = Callable[[str, str], bool]
# Whether the project lacks a module it would hold (its top-level package is the project's):
# a chained destination it lacks is not written (``kinds.deprecated_import.index.chain_end``).
Absent = Callable[[str], bool]


@dataclass(frozen=True)
class Index:
    """What the project's module index answers, as the destination of a rewrite asks it
    (``kinds.deprecated_import.rewrite.destination``): the fix's is the verifier's
    ``binds_itself`` and ``absent``; a mover is asked with ``ImportVerifier.index_at``."""

    binds: Binds | None = None
    absent: Absent | None = None


@runtime_checkable
class Mover(Protocol):
    """The fix being verified: where it sends the imports it rewrites. A name the replacement
    binds by an import that the same fix rewrites is judged as the fix leaves it: rewritten, or
    as written when the rewrite would make the module import from itself (fixes refuse that)."""

    def moved(self, module: str, name: str | None, index: Index | None = None) -> str | None:
        """Where ``from module import name`` (``import module`` when ``name`` is None) points
        after the fix: a dotted name, or None when the fix leaves it alone. ``index``: the
        project's module index, which the fix asks where a destination depends on it (what a
        package binds over its submodule); without it, the answer as if every package bound
        no such name."""


class ModuleSource(Protocol):
    """The project's modules as the verifier sees them (see ``run.modules.ProjectModules``)."""

    def in_project(self, dotted: str) -> bool:
        """Whether the top-level package of ``dotted`` is one of the project's."""

    def exists(self, module: str) -> bool:
        """Whether ``module`` is a module or a namespace package of the project."""

    def summaries(self, module: str) -> list[ModuleSummary | None]:
        """The summaries of the files ``module`` runs from (None: not analyzable); [] for a
        namespace package."""


@cache_value
@dataclass(frozen=True, slots=True)
class Need:
    """One thing a rewrite must keep true: the file refers to ``old`` (a dotted name) and will
    refer to ``new`` instead, which must exist (as a module when ``module``: ``import new``).

    ``importer`` and ``line``, on the need of an import statement itself (not on those of the
    attributes read through it): the module the statement is in and its first line. The rewrite
    then also must not close a new import cycle, if the statement runs on import (see
    ``fix.import_runs.ImportRuns.cycle``)."""

    old: str
    new: str
    module: bool = False
    importer: str = ""
    line: int = 0
    # ``new`` is read through package attributes (``pkg.new.f`` in code, ``import pkg.new as m``),
    # which a package may rebind (SymPy's ``from .simplify import simplify``), not from ``sys.modules``.
    chain: bool = False
    # Module-level names (``module.name``) the rewrite leaves unbound: another project module
    # may read them from there (see ``fix.binding_reads``). Those an import rewrite binds to
    # another module (``import old.x as m`` -> ``import new.x as m``) are read off the statement.
    unbinds: tuple[str, ...] = ()


@cache_value
@dataclass(frozen=True, slots=True)
class Fork:
    """One outcome of a rewrite whose destination depends on the project's module index (what a
    package binds: ``from pkg import name`` is the package's own ``name`` or its submodule; which
    modules of a chain exist): the answers it ``assumed`` (a question, ``("binds", package,
    name)`` or ``("absent", module)``, with its answer), the ``needs`` of the rewrite then
    (None: no rewrite; (): nothing can be verified), and the finding's ``message`` then ("": as
    ``check`` wrote it)."""

    assumed: tuple[tuple[tuple[str, ...], bool], ...]
    needs: tuple[Need, ...] | None
    message: str = ""


@cache_value
@dataclass(frozen=True, slots=True)
class RewriteFact:
    """What fixing the finding at (``line``, ``col``) of a file needs verified, recorded by
    ``check`` for ``Rule.annotate``: the deprecated ``target`` (as written in the rule) and the
    ``needs`` of its rewrite; or, where the rewrite depends on what packages bind, its ``forks``,
    of which the project's module index picks one. ``read_as``: (importer, package, name) when
    the finding is ``from package import name`` naming the deprecated module ``package.name``,
    which Python finds only where the package binds no ``name`` of its own: where the index
    shows it does, the finding is none (``deprecated_import.index.refuted_imports``).
    ``star_of``: (importer, module, member) when the finding is ``from module import *`` under
    a mapping of ``module:member``, which binds the member only where the star import exports
    it: where the index shows it does not, the finding is none (the same). ``anchor``: the
    finding's ``Finding.anchor`` where findings of one statement may share a position (a star
    import under several targets: each fact is its own finding's), else ""."""

    line: int
    col: int
    target: str
    needs: tuple[Need, ...]
    forks: tuple[Fork, ...] = ()
    read_as: tuple[str, str, str] | None = None
    star_of: tuple[str, str, str] | None = None
    anchor: str = ""


@dataclass(frozen=True)
class Verdict:
    """``status``: verified, unverified or refused; ``reason`` says why when not verified."""

    status: str
    reason: str = ""
    kind: str | None = None  # class, function or module, when known
    # Where what the name refers to is defined, re-exports followed (``pkg.core.Manager`` for
    # ``pkg.Manager`` when ``pkg`` imports it from ``pkg.core``): two names are the same object
    # when their origins are equal. None when unknown.
    origin: str | None = None
    attributes: int = 0  # how many of the dotted name's last parts are attributes of the definition
    # Why the origin of a verified name is unknown, when a module it is bound through says so
    # (``pkg.old imports X from pkg.mid at line 1, and pkg.mid rebinds X ...``).
    untold: str = ""

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


def used_whole(module: str) -> str:
    """Why reading through a binding of ``module`` used as a value (``WHOLE``) is unverified."""
    return f"the file uses the module as a value (assigned or passed around), so what it reads from {module} cannot be verified"


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict that decides for several needs together (verified when there are none), with
    every distinct reason of its status: a reviewer deciding on an unsafe fix must see them all
    (a lazy import's "new cycle" may be harmless while "another definition" is not)."""
    verdicts = list(verdicts)
    top = max(verdicts, key=lambda v: _STRENGTH[v.status], default=Verdict(VERIFIED))
    reasons = list(dict.fromkeys(part for v in verdicts if v.status == top.status and v.reason for part in v.reason.split("; ")))
    return replace(top, reason="; ".join(reasons)) if len(reasons) > 1 else top


def not_analyzed(source: ModuleSource, module: str, what: str, spelt: str = "") -> str:
    """Why a module whose summary is None leaves a question open, as a reason's part: it may
    ``what`` (``reads pkg.old``), or not; nothing about it is known, so it is never named as
    doing it, nor at a line (see ``unanalyzed_because``)."""
    return f"{unanalyzed_because(source, module, spelt)}, so whether it {what} is not known"


def unanalyzed_because(source: ModuleSource, module: str, spelt: str = "") -> str:
    """Why ``module`` has no summary, in one wording per cause for every reason that says it:
    its file could not be analyzed (a syntax error, an unreadable file: ``SSOT000``), or is a
    compiled extension module, said as such (nothing failed): a Cython source, with the word
    ``spelt`` that made it a candidate, or a built one (``.so``, ``.pyd``); or it has no file
    that runs, only a stub (``.pyi``)."""
    unanalyzed = getattr(source, "unanalyzed", None)
    path_of = getattr(source, "path_of", None)
    path = (unanalyzed(module) if unanalyzed is not None else None) or (path_of(module) if path_of is not None else None)
    if path is None:
        # No file of it runs: a module whose files are stubs alone (a source that knows paths).
        return f"{module} has only a stub (.pyi), which says nothing of run time" if path_of is not None else f"{module} could not be analyzed (SSOT000)"
    if path.endswith(".pyx"):
        return f"{path} is a Cython module{f' that spells {spelt}' if spelt else ''} (its code is not analysed)"
    if path.endswith(COMPILED_SUFFIXES):
        return f"{path} is a compiled extension module (its code is not read)"
    return f"{path} could not be analyzed (SSOT000)"


def analyzed(source: ModuleSource, module: str) -> bool:
    """Whether every runtime file of ``module`` could be analyzed (see ``not_analyzed``)."""
    return all(summary is not None for summary in source.summaries(module))


def one_module_name(source: ModuleSource, dotted: str) -> str:
    """``dotted`` under the name its module's file is given (``ModuleIndex.canonical``): a file
    answers to its root-relative name too, and either spelling names one object. For comparing
    names only: a reason spells a name as the rule or the file wrote it."""
    canonical = getattr(source, "canonical", None)
    return canonical(dotted) if canonical is not None else dotted


def defined_as(name: str, origin: str) -> str:
    return name if name == origin else f"{name} (defined as {origin})"


def applicability(verdict: Verdict) -> str:
    """A finding's applicability when its rewrite has ``verdict``: safe, unsafe, or none."""
    return {VERIFIED: SAFE, UNVERIFIED: UNSAFE}.get(verdict.status, "")
