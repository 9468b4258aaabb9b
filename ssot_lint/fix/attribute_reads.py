"""What a rewrite that stops an import from running may break elsewhere: a module the old import
ran, read as an attribute of its package (``import pkg`` ... ``pkg.old.f()``, ``getattr(pkg,
"old")``) or from ``sys.modules`` by code that never imports it, relying on someone having done
so (``ImportRuns.imports_less`` asks, for the modules it finds no longer run)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ssot_lint.ci.suppressions import Suppression, covers_at
from ssot_lint.fix.fixed_imports import StatementsLeft
from ssot_lint.fix.verdicts import UNVERIFIED, Mover, Need, Verdict, analyzed, not_analyzed
from ssot_lint.kinds.import_uses import ImportUse
from ssot_lint.project.module_paths import parents, within
from ssot_lint.project.module_summary import ModuleSummary, star_may_bind
from ssot_lint.run.word_tests import ATTRIBUTE, BOUND, STAR

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns


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
    fix = runs.rewrites(mover)
    lost = set(ran)
    # The packages above a module first: they often import it, and are summarised already;
    # then whether any other module spells it as an attribute (or as a word, where it also
    # spells `getattr` or `modules`), or binds a package above it (which it may use as a
    # value); then what the importer still runs (a walk, memoized per fix); the readers'
    # imports only then.
    submodules = [m for m in ran if "." in m and not _imports_it(fix, m, parents(m), lost, (importer, line))]
    candidates = _candidates(runs, submodules, lost, spelling)
    binders = _binders(fix, submodules, lost, spelling)
    submodules = [m for m in submodules if candidates[m] or binders[m]]
    if submodules:
        still = runs._still(need, mover, new, submodules)
        submodules = [m for m in submodules if m not in still and not _imported_before(fix, importer, line, m)]
    for module in submodules:
        for reader, how in _readers(runs, fix, module, sorted({*candidates[module], *binders[module]}), (importer, line, need.old)):
            # Its imports that run the module, as the fix leaves them: none but the one judged.
            if any(not (reader == importer and at == line) for at in fix.importing(reader, module)):
                continue
            if _loaded_first(runs, reader, module, importer, mover):
                continue
            if how is None:
                return Verdict(UNVERIFIED, f"{importer} would no longer import {module}, and {not_analyzed(runs.source, reader, f'reads {module}')}")
            return Verdict(UNVERIFIED, f"{importer} would no longer import {module}, which {reader} {how}")
    return None


def _binders(fix: FixRewrites, modules: list[str], lost: set[str], spelling: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """For each of ``modules``, the modules outside ``lost`` that bind a package above it by an
    import (``import pkg``, ``from pkg import sub``, ``import pkg.sub as s``): those that may use
    it as a value (``p = pkg``, ``f(pkg)``, ``getattr(pkg, name)``, ``vars(pkg)``), through which
    anything may read the module. Looked for among the modules whose text may bind the last part
    of one of its packages by an import (``spelling(BOUND)``: every such import spells it
    there), by their summaries' imports (``FixRewrites.binds``); once per module and run
    (``ImportRuns.binders``)."""
    if not modules:
        return {}
    return _once_per_run(fix.runs.binders, modules, lambda todo: _package_binders(fix, todo, spelling), lost)


def _once_per_run(known: dict[str, list[str]], modules: list[str], find: Callable[[list[str]], dict[str, list[str]]], lost: set[str]) -> dict[str, list[str]]:
    """``modules``' lists from ``known``, those not in it yet found (``find``) and kept there,
    each without the modules in ``lost`` (which differ from one rewrite to the next)."""
    todo = [m for m in modules if m not in known]
    if todo:
        known.update(find(todo))
    return {module: [c for c in known[module] if c not in lost] for module in modules}


def _package_binders(fix: FixRewrites, modules: list[str], spelling: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """``_binders`` before the modules that no longer run are left out, in order."""
    above = {m: set(parents(m)) for m in modules}
    spelt = spelling({p.rpartition(".")[2] for packages in above.values() for p in packages}, BOUND)
    words = sorted({c for found in spelt.values() for c in found})
    fetch = getattr(fix.runs.source, "prefetch", None)
    if fetch is not None:
        fetch(words)
    # From each candidate's bindings to the modules below them: every module against every
    # candidate (Django: 100 modules, 2,000 candidates) cost seconds a verification.
    below: dict[str, list[str]] = {}
    for module, packages in above.items():
        for package in packages:
            below.setdefault(package, []).append(module)
    found: dict[str, list[str]] = {m: [] for m in modules}
    for candidate in words:
        for module in {m for package in fix.binds(candidate) for m in below.get(package, ())}:
            found[module].append(candidate)
    return found


def _binds(module: str | None, name: str | None) -> tuple[str, ...]:
    """What an import of ``name`` from ``module`` (``import module`` when None) may bind: the
    top-level package and the module itself for ``import a.b`` (as written, or ``as`` a name)."""
    if module is None or name == "*":
        return ()
    if name is None:
        return (module.partition(".")[0], module)
    return (f"{module}.{name}",)


def _candidates(runs: ImportRuns, modules: list[str], lost: set[str], spelling: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """For each of ``modules``, the modules outside ``lost`` that may read it without
    importing it: those that spell its last part as an attribute in code (``pkg.old``), or
    as a word and ``getattr``, or ``sys`` and ``modules``, too (``getattr(pkg, "old")``,
    ``sys.modules["pkg.old"]``), or as a word and may star-import its package (``from pkg
    import *`` ... ``old.f()``). Looked for once per module and run (``ImportRuns.spellers``):
    every rewrite that stops the same shim asks about the same modules (pandas: 177 rewrites)."""
    return _once_per_run(runs.spellers, modules, lambda todo: _spellers(todo, spelling), lost)


def _spellers(modules: list[str], spelling: Callable[..., dict[str, list[str]]]) -> dict[str, list[str]]:
    """``_candidates`` before the modules that no longer run are left out, sorted."""
    words = {m.rpartition(".")[2] for m in modules}
    attributes = spelling(words, ATTRIBUTE)
    dynamic = spelling(["getattr", "hasattr", "modules", "sys"])
    readers = {*dynamic["getattr"], *dynamic["hasattr"], *(set(dynamic["modules"]) & set(dynamic["sys"]))}
    # `from pkg import *` binds the submodules imported by then (review8): `old.helper()`.
    stars = spelling({m.rpartition(".")[0].rpartition(".")[2] for m in modules}, STAR)
    starred = {c for found in stars.values() for c in found}
    spelt = spelling(words) if readers or starred else {}
    found = {}
    for module in modules:
        word, package = module.rpartition(".")[2], module.rpartition(".")[0].rpartition(".")[2]
        star_readers = set(stars[package]) & set(spelt.get(word, ()))
        found[module] = sorted({*attributes[word], *(c for c in spelt.get(word, ()) if c in readers), *star_readers})
    return found


def _imported_before(fix: FixRewrites, importer: str, line: int, module: str) -> bool:
    """Whether an import-time import of ``importer`` before ``line`` that the fix leaves as
    written (one a ``# ssot: ignore`` comment keeps) runs ``module``: it then still runs,
    and no later than the statement at ``line`` ran it."""
    kept = fix.running(importer, module)
    return bool(kept) and kept[0] < line


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


def _readers(runs: ImportRuns, fix: FixRewrites, module: str, candidates: list[str], judged: tuple[str, int, str]) -> Iterator[tuple[str, str | None]]:
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
    module the rewrite in question is in, its line, and the dotted name it rewrites) carries
    what is within that name, as does every import of its line. What the reads of each
    candidate are, and which of them the fix's other rewrites carry, is worked out once
    (``FixRewrites.suspects``). A candidate that could not be analyzed comes with None:
    whether it reads the module is not known.

    In order, lazily: the caller stops at the first reader it cannot excuse, and each
    candidate's imports are read (a parse of the whole file) only when it is reached, in
    batches growing from ``_FIRST_BATCH`` (pandas: 1,000 modules bind ``pandas``, which may use
    it as a value; reading all of them for each of 177 rewrites cost 23 s)."""
    fetch = getattr(runs.source, "prefetch", None)
    start, size = 0, _FIRST_BATCH
    while start < len(candidates):
        batch = candidates[start : start + size]
        start, size = start + size, size * 2
        runs._fetch_uses(batch)
        if fetch is not None:
            fetch(batch)
        for reader in batch:
            if not analyzed(runs.source, reader):
                yield reader, None
                continue
            # The statement judged is rewritten, whether or not a comment silences it.
            carriers = {*(_named(use) for use in fix.uses_at(reader, judged[1])), judged[2]} if reader == judged[0] else set()
            for uncarried, how, otherwise in fix.suspects(reader, module):
                if uncarried is None or not all(_carried(read, carriers) for read in uncarried):
                    yield reader, how
                    break
                if otherwise is not None:
                    yield reader, otherwise
                    break


_FIRST_BATCH = 32  # candidates whose imports ``_readers`` reads at once, at first


def _carried(read: str, carriers: set[str | None]) -> bool:
    """Whether ``read`` (a dotted name) is within one of ``carriers`` (``within``), looked up by
    its prefixes: a file's rewrites may be thousands."""
    return read in carriers or any(read[:at] in carriers for at, char in enumerate(read) if char == ".")


def _imports_it(fix: FixRewrites, module: str, candidates: Iterable[str], lost: set[str], judged: tuple[str, int]) -> bool:
    """Whether one of ``candidates`` (outside ``lost``) runs ``module``, or a submodule of it,
    by an import-time import that is not rewritten: that the fix leaves as written, other than
    the statement ``judged`` (its module and line)."""
    candidates = [c for c in candidates if c not in lost and c != module]
    fetch = getattr(fix.runs.source, "prefetch", None)
    if fetch is not None:
        fetch(candidates)
    return any(any((candidate, at) != judged for at in fix.running(candidate, module)) for candidate in candidates)


def _star_binds_loaded(summaries: list[ModuleSummary | None], word: str) -> bool:
    """Whether ``from package import *`` (the package's ``summaries``) may bind its submodule
    ``word`` only if something imported it before: the package has no ``__all__`` (the star
    import binds the submodules loaded by then), or one that cannot be read. An ``__all__``
    naming the submodule makes the star import import it (it then runs for the reader); one
    that does not name it never binds it."""
    return star_may_bind(summaries, word) and all(s is None or s.all_dynamic or s.all_names is None for s in summaries)


# One of a reader's imports that may read a module without importing it (``FixRewrites.suspects``):
# the reads through it that no other rewrite of the fix carries (None: it reads the module
# whatever is rewritten), how it reads it, and how it may read it otherwise (a package used as a
# value), when the statement judged carries those reads.
Suspect = tuple[tuple[str, ...] | None, str, str | None]


class FixRewrites:
    """Which import statements a fix (``mover``) rewrites, and what follows for the questions
    ``read_as_attribute`` asks, worked out once per statement, or module, and kept for the fix
    (``ImportRuns.rewrites``): the rewrite of each of N imports of one file asks about the
    file's every other import (whether it runs the module, whether it carries its reads), and
    asking anew each time made N plain ``import pkg.old`` statements cost N times N (400: 2.7 s).
    The statement being judged is rewritten, whatever a comment says: that is the caller's to add."""

    def __init__(self, runs: ImportRuns, mover: Mover | None) -> None:
        self.runs = runs
        self.mover = mover
        self._rule_id: str | None = getattr(mover, "id", None)
        self._comments: Callable[[str], list[Suppression]] | None = getattr(runs.source, "suppressions", None)
        self._rewritten: dict[tuple[str, str | None, str, int], bool] = {}
        self._silencing: dict[str, dict[int, list[Suppression]]] = {}
        self._left = StatementsLeft(runs.source)
        self._running: dict[tuple[str, str], list[int]] = {}
        self._importing: dict[tuple[str, str], list[int]] = {}
        self._uses_at: dict[str, dict[int, list[ImportUse]]] = {}
        self._suspects: dict[tuple[str, str], list[Suspect]] = {}
        self._binds: dict[str, frozenset[str]] = {}

    def rewritten(self, module: str | None, name: str | None, where: str, at: int) -> bool:
        """Whether the fix may rewrite the import of ``name`` from ``module`` (``import module``
        when None) at line ``at`` of ``where``: it moves it, no comment silences it (a
        suppressed finding is never fixed), and ``where`` is in the rule's scope."""
        if self.mover is None or module is None:
            return False
        key = (module, name, where, at)
        found = self._rewritten.get(key)
        if found is None:
            moved = self.mover.moved(module, name) is not None
            found = self._rewritten[key] = moved and not self._silenced(where, at) and not self._left.out_of_scope(self.mover, where)
        return found

    def _silenced(self, where: str, at: int) -> bool:
        """Whether a ``# ssot: ignore`` comment of ``where`` silences the fix's rule at line ``at``."""
        if not self._rule_id or self._comments is None:
            return False
        by_line = self._silencing.get(where)
        if by_line is None:
            by_line = self._silencing[where] = {}
            for comment in self._comments(where):
                by_line.setdefault(comment.line, []).append(comment)
        return any(covers_at(comment, self._rule_id, at, at) for comment in by_line.get(at, ()))

    def running(self, module: str, target: str) -> list[int]:
        """The lines, in order, of ``module``'s import-time imports that run ``target`` (or a
        module inside it) and that the fix leaves as written."""
        key = (module, target)
        found = self._running.get(key)
        if found is None:
            facts = self.runs._import_time_facts(module)
            found = self._running[key] = sorted(
                fact.statement[0]
                for fact, _ in facts
                if any(within(t, target) for t in self.runs._targets(module, fact, None))
                and not self.rewritten(fact.module, fact.name, module, fact.statement[0])
            )
        return found

    def importing(self, reader: str, module: str) -> list[int]:
        """The lines of ``reader``'s imports (``ImportUse``) that run ``module`` (``_runs``) and
        that the fix leaves as written."""
        key = (reader, module)
        found = self._importing.get(key)
        if found is None:
            uses = self.runs._import_uses(reader)
            found = self._importing[key] = [u.statement[0] for u in uses if _runs(u, module) and not self.rewritten(u.module, u.name, reader, u.statement[0])]
        return found

    def uses_at(self, reader: str, line: int) -> list[ImportUse]:
        """``reader``'s imports (``ImportUse``) of the statement at ``line``."""
        by_line = self._uses_at.get(reader)
        if by_line is None:
            by_line = self._uses_at[reader] = {}
            for use in self.runs._import_uses(reader):
                by_line.setdefault(use.statement[0], []).append(use)
        return by_line.get(line, [])

    def binds(self, module: str) -> frozenset[str]:
        """What ``module``'s imports may bind (``_binds``), whatever the fix rewrites."""
        found = self._binds.get(module)
        if found is None:
            summaries = self.runs.source.summaries(module)
            found = self._binds[module] = frozenset(b for s in summaries if s is not None for fact in s.imports for b in _binds(fact.module, fact.name))
        return found

    def suspects(self, reader: str, module: str) -> list[Suspect]:
        """``reader``'s imports that may read ``module`` without importing it, in order, up to
        the first that does whatever is rewritten (see ``_readers``)."""
        key = (reader, module)
        found = self._suspects.get(key)
        if found is None:
            found = self._suspects[key] = _suspects(self, reader, module)
        return found


def _suspects(fix: FixRewrites, reader: str, module: str) -> list[Suspect]:
    source, uses = fix.runs.source, fix.runs._import_uses(reader)
    package, _, word = module.rpartition(".")
    carriers = {_named(use) for use in uses if fix.rewritten(use.module, use.name, reader, use.statement[0])}
    found: list[Suspect] = []
    for use in uses:
        base = _bound_module(use)
        if use.module == "sys" and use.name in (None, "modules") and any(within(key, module) for key in use.dynamic):
            found.append((None, "reads from sys.modules without importing it", None))
            break
        if use.name == "*" and use.module == package and _star_binds_loaded(source.summaries(package), word):
            # The star import binds it (when imported by then): counted as read, or used as a value.
            found.append((None, f"may read as {word}, which its star import of {package} at line {use.statement[0]} binds, without importing it", None))
            break
        if base is None or not module.startswith(base + "."):
            continue
        reads = [full for chain in (*use.chains, *use.dynamic) if "." in chain and within(full := f"{base}.{chain.partition('.')[2]}", module)]
        uncarried = tuple(read for read in reads if not _carried(read, carriers))
        # A package above it used as a value: what is read through it cannot be told.
        value = next(((chain, at) for chain, at in use.values if module.startswith(_full(base, chain) + ".")), None)
        otherwise = f"may read through {value[0]}, used as a value at line {value[1]} (what is read through it cannot be told)" if value is not None else None
        if uncarried:
            found.append((uncarried, f"reads as an attribute of {base} without importing it", otherwise))
        elif otherwise is not None:
            found.append((None, otherwise, None))
            break
    return found
