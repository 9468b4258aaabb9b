"""What a rewrite that stops an import from running may break elsewhere: a module the old import
ran, read as an attribute of its package (``import pkg`` ... ``pkg.old.f()``, ``getattr(pkg,
"old")``) or from ``sys.modules`` by code that never imports it, relying on someone having done
so (``ImportRuns.imports_less`` asks, for the modules it finds no longer run)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ssot_lint.ci.suppressions import covers_at
from ssot_lint.fix.verdicts import UNVERIFIED, Mover, Need, Verdict, analyzed, not_analyzed
from ssot_lint.kinds.import_uses import ImportUse
from ssot_lint.project.import_graph import import_targets
from ssot_lint.project.module_paths import parents, within
from ssot_lint.project.module_summary import ModuleSummary, star_may_bind

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns

# Whether the import of ``module`` (``name``) in the module ``where`` at line ``at`` is one the fix rewrites.
Rewritten = Callable[[str | None, str | None, str, int], bool]


def _bound_module(use: ImportUse) -> str | None:
    """The module (or attribute) the name ``use`` binds stands for: ``a`` for ``import a.b``,
    ``a.b`` for ``import a.b as m``, ``a.b`` for ``from a import b``."""
    if use.module is None:
        return None
    if use.is_import:
        return use.module.partition(".")[0] if use.plain else use.module
    return f"{use.module}.{use.name}" if use.name not in (None, "*") else None


def _full(base: str, chain: str) -> str:
    """The dotted name ``chain`` (written through the name an import binds to ``base``) stands for."""
    rest = chain.partition(".")[2]
    return f"{base}.{rest}" if rest else base


def _named(use: ImportUse) -> str | None:
    """The module (or member) the import ``use`` names: ``a.b`` for ``import a.b`` (as
    anything), ``a.b`` for ``from a import b``; None for a star import."""
    if use.module is None or use.is_import:
        return use.module
    return f"{use.module}.{use.name}" if use.name not in (None, "*") else None


def _runs(use: ImportUse, module: str) -> bool:
    """Whether the import ``use`` runs ``module``: it names it, or a module inside it."""
    if use.module is None:
        return False
    return within(use.module, module) or (use.name not in (None, "*") and within(f"{use.module}.{use.name}", module))


def read_as_attribute(runs: ImportRuns, need: Need, mover: Mover | None, ran: list[str], new: list[str]) -> Verdict | None:
    """Why the modules in ``ran`` (run by the old import, not by the new one) may be missed:
    importing ``pkg.old`` makes it the attribute ``old`` of ``pkg`` (and an entry of
    ``sys.modules``), and a module that reads ``pkg.old.f()`` after ``import pkg`` alone
    (or ``getattr(pkg, "old")``, ``sys.modules["pkg.old"]``), without importing ``pkg.old``
    itself, relies on someone having imported it. Judged so unless an import that runs
    before the read, for sure, runs ``pkg.old``: one of the packages above it, the reader's
    own import-time imports (transitively), or its packages (see ``_loaded_first``); another
    module's import of it, which may run after the read, does not count. None in a module
    of ``ran`` counts, nor one the same fix rewrites (whichever of its rewrites apply). The
    readers are looked for among the modules whose text spells ``.old`` in code (an f-string's
    fields too, and split by a comment or a continuation), or ``old`` and ``getattr``, or ``sys``
    and ``modules`` (through the source's ``spelling``; a source without it is not asked); and
    among those binding a package above it, which they may use as a value (``_binders``)."""
    spelling = getattr(runs.source, "spelling", None)
    if spelling is None:
        return None
    importer, line = need.importer, need.line

    rule_id, comments = getattr(mover, "id", None), getattr(runs.source, "suppressions", None)

    def rewritten(module: str | None, name: str | None, where: str, at: int) -> bool:
        # The statement being judged, or one the same fix may rewrite: not one a comment
        # silences (a suppressed finding is never fixed).
        if where == importer and at == line:
            return True
        if mover is None or module is None or mover.moved(module, name) is None:
            return False
        return not (rule_id and comments is not None and any(covers_at(c, rule_id, at, at) for c in comments(where)))

    lost = set(ran)
    # The packages above a module first: they often import it, and are summarised already;
    # then whether any other module spells it as an attribute (or as a word, where it also
    # spells `getattr` or `modules`), or binds a package above it (which it may use as a
    # value); then what the importer still runs (a walk, memoized per fix); the readers'
    # imports only then.
    submodules = [m for m in ran if "." in m and not _imports_it(runs, m, parents(m), lost, rewritten)]
    candidates = _candidates(submodules, lost, spelling)
    binders = _binders(runs, submodules, lost, spelling)
    submodules = [m for m in submodules if candidates[m] or binders[m]]
    if submodules:
        still = runs._still(need, mover, new, submodules)
        submodules = [m for m in submodules if m not in still and not _imported_before(runs, importer, line, m, rewritten)]
    for module in submodules:
        for reader, how in _readers(runs, module, sorted({*candidates[module], *binders[module]}), rewritten, (importer, need.old)):
            uses = runs._import_uses(reader)
            if all(rewritten(u.module, u.name, reader, u.statement[0]) for u in uses if _runs(u, module)) and not _loaded_first(
                runs, reader, module, importer, mover
            ):
                if how is None:
                    return Verdict(UNVERIFIED, f"{importer} would no longer import {module}, and {not_analyzed(runs.source, reader, f'reads {module}')}")
                return Verdict(UNVERIFIED, f"{importer} would no longer import {module}, which {reader} {how}")
    return None


def _binders(runs: ImportRuns, modules: list[str], lost: set[str], spelling: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """For each of ``modules``, the modules outside ``lost`` that bind a package above it by an
    import (``import pkg``, ``from pkg import sub``, ``import pkg.sub as s``): those that may use
    it as a value (``p = pkg``, ``f(pkg)``, ``getattr(pkg, name)``, ``vars(pkg)``), through which
    anything may read the module. Looked for among the modules whose text may bind the last part
    of one of its packages by an import (``spelling(bound=True)``: every such import spells it
    there), by their summaries' imports."""
    if not modules:
        return {}
    above = {m: set(parents(m)) for m in modules}
    spelt = spelling({p.rpartition(".")[2] for packages in above.values() for p in packages}, bound=True)
    words = sorted({c for found in spelt.values() for c in found if c not in lost})
    fetch = getattr(runs.source, "prefetch", None)
    if fetch is not None:
        fetch(words)
    bound = {c: {b for s in runs.source.summaries(c) if s is not None for fact in s.imports for b in _binds(fact.module, fact.name)} for c in words}
    return {m: [c for c in words if bound[c] & above[m]] for m in modules}


def _binds(module: str | None, name: str | None) -> tuple[str, ...]:
    """What an import of ``name`` from ``module`` (``import module`` when None) may bind: the
    top-level package and the module itself for ``import a.b`` (as written, or ``as`` a name)."""
    if module is None or name == "*":
        return ()
    if name is None:
        return (module.partition(".")[0], module)
    return (f"{module}.{name}",)


def _candidates(modules: list[str], lost: set[str], spelling: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """For each of ``modules``, the modules outside ``lost`` that may read it without
    importing it: those that spell its last part as an attribute in code (``pkg.old``), or
    as a word and ``getattr``, or ``sys`` and ``modules``, too (``getattr(pkg, "old")``,
    ``sys.modules["pkg.old"]``), or as a word and may star-import its package (``from pkg
    import *`` ... ``old.f()``)."""
    if not modules:
        return {}
    words = {m.rpartition(".")[2] for m in modules}
    attributes = spelling(words, attribute=True)
    dynamic = spelling(["getattr", "hasattr", "modules", "sys"])
    readers = {*dynamic["getattr"], *dynamic["hasattr"], *(set(dynamic["modules"]) & set(dynamic["sys"]))}
    # `from pkg import *` binds the submodules imported by then (review8): `old.helper()`.
    stars = spelling({m.rpartition(".")[0].rpartition(".")[2] for m in modules}, star=True)
    starred = {c for found in stars.values() for c in found}
    spelt = spelling(words) if readers or starred else {}
    found = {}
    for module in modules:
        word, package = module.rpartition(".")[2], module.rpartition(".")[0].rpartition(".")[2]
        star_readers = set(stars[package]) & set(spelt.get(word, ()))
        either = {*attributes[word], *(c for c in spelt.get(word, ()) if c in readers), *star_readers}
        found[module] = sorted(c for c in either if c not in lost)
    return found


def _imported_before(runs: ImportRuns, importer: str, line: int, module: str, rewritten: Rewritten) -> bool:
    """Whether an import-time import of ``importer`` before ``line`` that the fix leaves as
    written (one a ``# ssot: ignore`` comment keeps) runs ``module``: it then still runs,
    and no later than the statement at ``line`` ran it."""
    for fact, _ in runs._import_time_facts(importer):
        assert fact.module is not None
        if fact.statement[0] < line and not rewritten(fact.module, fact.name, importer, fact.statement[0]):
            if any(within(t, module) for t in import_targets(importer, fact.module, fact.name, runs.source.exists)):
                return True
    return False


def _loaded_first(runs: ImportRuns, reader: str, module: str, importer: str, mover: Mover | None) -> bool:
    """Whether ``module`` is imported, for sure, before ``reader`` reads it, once ``mover``
    has fixed the project (whichever of its rewrites apply): by the reader's own import-time
    imports, transitively (its ``import pkg`` runs ``pkg``), by the packages above
    ``module``, or by the packages above the reader that do not import the reader (they
    have finished before it runs). Not through ``importer``, whose rewritten statement is
    the question."""
    may = runs._graph(mover)
    packages = [p for p in parents(reader) if not may.reaches(p, reader) and not runs._by_name(p)]
    return bool(runs._kept_graph(mover).reached_avoiding([reader, *packages, *parents(module)], importer, [module]))


def _readers(runs: ImportRuns, module: str, candidates: list[str], rewritten: Rewritten, judged: tuple[str, str]) -> list[tuple[str, str | None]]:
    """The ``candidates`` that read ``module`` without importing it, each with how, as a
    reason's end (``reads as an attribute of pkg ...``: ``import pkg`` ... ``pkg.old.f``,
    ``getattr(pkg, "old")`` or ``hasattr``; ``import pkg as p`` ... ``p.old``; ``from pkg import
    sub`` ... ``sub.old``; ``reads from sys.modules ...``), or may read it through a package
    above it used as a value (``may read through pkg ...``: ``p = pkg``, ``f(pkg)``, a default,
    ``getattr(pkg, name)``, ``vars(pkg)``, ``pkg.__dict__``; ``ImportUse.values``), which no
    rewrite carries; or spell its name after a star import of its package that may bind it
    (``from pkg import *`` ... ``old.f()``: the candidates spell ``old``). A read is left out only when a rewrite carries it: the rewrite of an
    import carries the references into the module that import names, through whichever
    import binds their first name (``pkg.old.Y`` beside a rewritten ``import pkg.old``), not
    others (``pkg.old.f`` beside a rewritten ``import pkg.old2``); and ``judged`` (the
    module the rewrite in question is in, and the dotted name it rewrites) carries what is
    within that name. A candidate that could not be analyzed comes with None: whether it reads
    the module is not known."""
    runs._fetch_uses(candidates)
    fetch = getattr(runs.source, "prefetch", None)
    if fetch is not None:
        fetch(candidates)
    package, _, word = module.rpartition(".")
    found: list[tuple[str, str | None]] = []
    for reader in candidates:
        if not analyzed(runs.source, reader):
            found.append((reader, None))
            continue
        uses = runs._import_uses(reader)
        carriers = [_named(use) for use in uses if rewritten(use.module, use.name, reader, use.statement[0])]
        if reader == judged[0]:
            carriers.append(judged[1])
        for use in uses:
            base = _bound_module(use)
            if use.module == "sys" and use.name in (None, "modules") and any(within(key, module) for key in use.dynamic):
                found.append((reader, "reads from sys.modules without importing it"))
                break
            if use.name == "*" and use.module == package and _star_binds_loaded(runs.source.summaries(package), word):
                # The star import binds it (when imported by then): counted as read, or used as a value.
                found.append((reader, f"may read as {word}, which its star import of {package} at line {use.statement[0]} binds, without importing it"))
                break
            if base is None or not module.startswith(base + "."):
                continue
            reads = [full for chain in (*use.chains, *use.dynamic) if "." in chain and within(full := f"{base}.{chain.partition('.')[2]}", module)]
            if reads and not all(any(c is not None and within(r, c) for c in carriers) for r in reads):
                found.append((reader, f"reads as an attribute of {base} without importing it"))
                break
            # A package above it used as a value: what is read through it cannot be told.
            value = next(((chain, at) for chain, at in use.values if module.startswith(_full(base, chain) + ".")), None)
            if value is not None:
                found.append((reader, f"may read through {value[0]}, used as a value at line {value[1]} (what is read through it cannot be told)"))
                break
    return found


def _imports_it(runs: ImportRuns, module: str, candidates: Iterable[str], lost: set[str], rewritten: Rewritten) -> bool:
    """Whether one of ``candidates`` (outside ``lost``) runs ``module``, or a submodule of it,
    by an import-time import that is not ``rewritten``."""
    candidates = [c for c in candidates if c not in lost and c != module]
    fetch = getattr(runs.source, "prefetch", None)
    if fetch is not None:
        fetch(candidates)
    for candidate in candidates:
        for fact, _ in runs._import_time_facts(candidate):
            assert fact.module is not None
            targets = import_targets(candidate, fact.module, fact.name, runs.source.exists)
            if any(within(t, module) for t in targets) and not rewritten(fact.module, fact.name, candidate, fact.statement[0]):
                return True
    return False


def _star_binds_loaded(summaries: list[ModuleSummary | None], word: str) -> bool:
    """Whether ``from package import *`` (the package's ``summaries``) may bind its submodule
    ``word`` only if something imported it before: the package has no ``__all__`` (the star
    import binds the submodules loaded by then), or one that cannot be read. An ``__all__``
    naming the submodule makes the star import import it (it then runs for the reader); one
    that does not name it never binds it."""
    return star_may_bind(summaries, word) and all(s is None or s.all_dynamic or s.all_names is None for s in summaries)
