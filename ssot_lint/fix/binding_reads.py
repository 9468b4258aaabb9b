"""A rewrite that changes a module-level binding of the file another project module reads.

A module's names are its interface, imports included: ``compat.py`` doing ``from legacy import
tools`` lets ``user.py`` do ``from compat import tools``. A rewrite that drops that import (the
references ``tools.X`` became ``modern.tools.X``, so nothing in compat reads ``tools`` any more),
binds another top-level name (``import legacy.tools`` -> ``import modern.tools``: ``legacy`` is
gone), or binds the name to another module (``import legacy.tools as t`` -> ``import
modern.tools as t``) breaks such a reader, or changes what it reads. It is unsafe when some
project module may read the name from the file's module: ``from compat import tools``, a star
import of compat that exports it (compat without ``__all__``, or with one naming it), or
``compat.tools`` (``getattr(compat, "tools")``) through an import binding compat or a package
above it (``kinds.import_uses``); and whether or not a project module reads it, when the module's
literal ``__all__`` lists the name (a star import outside the project reads it). Imports under ``if TYPE_CHECKING`` never run, and do not count.

The readers are looked for among the modules whose text spells the name as a whole word (every
one of those reads does; ``ModuleSource.spelling``, a text test done once per name). Reads the
project cannot show (``importlib.import_module("compat").tools``, a module handed around as a
value and read elsewhere) are not found: a documented gap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ssot_lint.fix.attribute_reads import _bound_module
from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Need, Verdict, not_analyzed
from ssot_lint.kinds.import_uses import IMPORT_USES, ImportUse
from ssot_lint.project.module_paths import within
from ssot_lint.project.module_summary import ImportFact, star_may_bind
from ssot_lint.run.word_tests import BOUND, DOTTED, STAR

DROPPED, REBOUND = "leaves {module} without it", "binds it to another module"

# The imports of ``module``'s statement at ``line``, in the order of its summaries (``ImportRuns._facts_at``).
StatementImports = Callable[[str, int], list[ImportFact]]


def changed_bindings(need: Need, found: Verdict, at_line: StatementImports) -> list[tuple[str, str]]:
    """The module-level names (``module.name``) the rewrite of ``need`` changes, each with how:
    those it leaves unbound (``need.unbinds``), and those the rewritten import statement (at
    ``need.line`` of ``need.importer``, its imports as ``at_line`` gives them) binds to another
    module: ``import old.x as m``, ``from old import x`` of a module ``x``, or ``import old.x``
    when the new module's top-level name is another (the old one is then unbound)."""
    changed = [(dotted, DROPPED) for dotted in need.unbinds]
    if not (need.importer and need.line and need.old != need.new and (need.module or found.kind == "module")):
        return changed
    for fact in at_line(need.importer, need.line):
        if fact.bound is None or fact.module is None:
            continue
        if (fact.module if fact.name is None else f"{fact.module}.{fact.name}") != need.old:
            continue
        if fact.name is None and fact.bound == fact.module.partition(".")[0]:  # `import a.b` binds `a`
            if need.new.partition(".")[0] != fact.bound:
                changed.append((f"{need.importer}.{fact.bound}", DROPPED))
        else:
            changed.append((f"{need.importer}.{fact.bound}", REBOUND))
    return list(dict.fromkeys(changed))


def read_elsewhere(source: ModuleSource, need: Need, found: Verdict, at_line: StatementImports) -> Verdict | None:
    """Why the rewrite of ``need`` may break a module that reads one of the names it changes
    (see the module docstring), None when no project module can be seen to read them.
    ``at_line``: the imports of a module's statement at a line, from ``source``'s summaries (an
    index: going through every import of the importer for each rewrite made N rewrites of one
    file cost N times N)."""
    changed = changed_bindings(need, found, at_line)
    exported = _exported(source, changed)
    if exported is not None:
        return exported
    spelling = getattr(source, "spelling", None)
    if not changed or spelling is None:
        return None
    for dotted, how in changed:
        module, _, name = dotted.rpartition(".")
        # Those spelling the name read it; those star-importing the module pass the name on to
        # readers of their own (review8): they count as readers.
        last = module.rpartition(".")[2]
        candidates = {*spelling([name])[name], *spelling([last], STAR)[last]}
        reader = _reader(source, module, name, sorted(candidates))
        if reader is None:
            continue
        rewrite = f"the rewrite {how.format(module=module)}"
        if reader[1] is None:
            spelt = name if reader[0] in spelling([name])[name] else last  # else it star-imports a module named so
            return Verdict(UNVERIFIED, f"{not_analyzed(source, reader[0], f'reads {dotted}', spelt)}, and {rewrite}")
        path = getattr(source, "path_of", lambda _: None)(reader[0]) or reader[0]
        return Verdict(UNVERIFIED, f"{dotted} is read by {path}:{reader[1]}, and {rewrite}")
    return None


def _exported(source: ModuleSource, changed: list[tuple[str, str]]) -> Verdict | None:
    """Why a changed name breaks the module's own interface: its ``__all__`` lists it, so a star
    import of the module outside the project (a library's users) reads it (review11)."""
    for dotted, how in changed:
        module, _, name = dotted.rpartition(".")
        if any(summary is not None and name in (summary.all_names or ()) for summary in source.summaries(module)):
            what = "removes" if how == DROPPED else "binds to another module"
            return Verdict(UNVERIFIED, f"{module}.__all__ exports {name}, which the rewrite {what}")
    return None


def _reader(source: ModuleSource, module: str, name: str, candidates: list[str]) -> tuple[str, int | None] | None:
    """The first of ``candidates`` (modules spelling ``name``) that reads ``name`` from
    ``module``, with the line of the import it reads through; or that could not be analyzed,
    with None (whether it reads the name is not known)."""
    candidates = [c for c in candidates if c != module]
    fetch = getattr(source, "prefetch", None)
    if fetch is not None:
        fetch([module, *candidates])
    exporters = source.summaries(module)
    through: list[str] = []  # readers that import the module, or a package above it
    for reader in candidates:
        for summary in source.summaries(reader):
            if summary is None:
                return reader, None
            for fact in summary.imports:
                if fact.type_checking or fact.module is None:
                    continue
                if fact.module == module and (fact.name == name or (fact.star and star_may_bind(exporters, name))):
                    return reader, fact.statement[0]
                if within(module, fact.module if fact.name is None else f"{fact.module}.{fact.name}"):
                    through.append(reader)
    through = _may_read_through(source, module, name, list(dict.fromkeys(through)))
    if not through:
        return None
    uses: dict[str, list[Any]] = getattr(source, "module_facts", lambda *_: {})(through, IMPORT_USES)
    for reader in dict.fromkeys(through):
        for use in (u for found in uses.get(reader, []) if found is not None for u in found):
            if _reads(use, f"{module}.{name}"):
                return reader, use.statement[0]
    return None


def _may_read_through(source: ModuleSource, module: str, name: str, readers: list[str]) -> list[str]:
    """Those of ``readers`` (each imports ``module``, or a package above it) whose text may read
    ``module.name`` through such an import (``_reads``), in order. Each such read is a chain
    through the bound name: ``pkg.mod.name`` through a package above (it spells ``.mod`` and
    ``.name``), ``mod.name`` through an import binding ``mod`` (``from pkg import mod``,
    ``import pkg.mod as m``: an import may bind ``mod``, and it spells ``.name``), or
    ``getattr(mod, "name")`` through such an import (``ImportUse.dynamic``: it spells
    ``getattr`` or ``hasattr``). The others' ``ImportUse`` facts, a whole-file analysis each,
    would show no read: on Django, 188 files were analyzed for three names this way where 16
    can read them (verify25)."""
    spelling = getattr(source, "spelling", None)
    if spelling is None or not readers:
        return readers
    last = module.rpartition(".")[2]
    dotted = spelling([name, last], DOTTED)
    through_module = {*dotted[last], *spelling([last], BOUND)[last]}
    reads = {*dotted[name], *(m for found in spelling(["getattr", "hasattr"]).values() for m in found)}
    return [reader for reader in readers if reader in through_module and reader in reads]


def _reads(use: ImportUse, dotted: str) -> bool:
    """Whether the file reads ``dotted`` (or within it) through the name ``use`` binds."""
    base = _bound_module(use)
    if base is None:
        return False
    return any("." in chain and within(f"{base}.{chain.partition('.')[2]}", dotted) for chain in (*use.chains, *use.dynamic))
