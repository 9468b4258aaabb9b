"""A rewrite whose modules are given by files in several places cannot be verified.

Two services in one repository, each with its own top-level package ``app`` (no ``src``
configured): ``services/api/app/old.py`` and ``services/worker/app/old.py`` are both ``app.old``
(``project.shadowing.Clash``, kind ``ambiguous``). Which one an import finds depends on
``sys.path``, which the project does not show; the summaries of both are one module's to the
verifier, so ``app.old.Client`` would be verified against whichever binds it first, and a rewrite
called safe could swap the worker's own class for the other service's. So a rewrite is unverified
when a module it depends on, or a package above one, is given by more than one file: the
deprecated module, its replacement, every module on the way from either name to the definition
(the re-exports the "same object" verdict follows, as ``fix.copied_values`` does: ``from mid
import X`` with two ``mid``), and the importer's own module (whose names other modules read;
those readers are found by a text test over every copy, so their own copies need no check of
this kind). A package the importer was itself imported through is the importer's copy, not a
question of ``sys.path``: a regular one is the copy for every module under it, and the verifier
judges such a rewrite against that copy alone (``run.own_copy``, whose view has no clash under
the package); a namespace one only for the modules that copy alone gives
(``run.modules.ProjectModules.clash``).

The importer's folder is a second source of modules: pytest's default import mode (prepend)
and ``python tests/script.py`` put it first on ``sys.path`` when it has no ``__init__.py``, so
``tests/helpers.py`` answers ``import helpers`` in ``tests/test_a.py`` (``ProjectModules.beside``).
"""

from __future__ import annotations

from ssot_lint.fix.copied_values import same_object_chain
from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Need, Verdict


def clashing(source: ModuleSource, need: Need, near: str = "") -> Verdict | None:
    """Unverified, naming the first clash, when a module ``need`` depends on is given by files
    in several places (see the module docstring); None otherwise, or when ``source`` cannot tell.
    ``near``: the module of the file the rewrite is in (unknown when empty: no copy is its own)."""
    clash = getattr(source, "clash", None)
    if clash is None:
        return None
    for dotted in dict.fromkeys((need.old, need.new, near)):
        if dotted and source.in_project(dotted) and (why := clash(dotted, near)) is not None:
            return Verdict(UNVERIFIED, why)
    if getattr(source, "has_clashes", lambda: True)():
        names, way = _ways(source, need)
        for module in way:
            if (why := clash(module, near)) is not None:
                return Verdict(UNVERIFIED, f"that {names[1]} is the same object as {names[0]} cannot be verified: {why}")
    beside = getattr(source, "beside", None)
    if beside is not None and near:
        # Only the names the importer's own statement spells: a module on the way is imported
        # by its own file, from its own folder.
        for top in dict.fromkeys(dotted.partition(".")[0] for dotted in (need.old, need.new)):
            path = beside(near, top)
            if path is not None:
                why = f"{path} is beside the importer: run by pytest or as a script, that folder comes first on sys.path and {top} may be it"
                return Verdict(UNVERIFIED, why)
    return None


def _ways(source: ModuleSource, need: Need) -> tuple[list[str], list[str]]:
    """The module-level names ``need.old`` and ``need.new`` read (their attributes dropped), and
    the modules on the way from each to its definition, beyond the names' own modules."""
    names: list[str] = []
    found: dict[str, None] = {}
    for dotted in (need.old, need.new):
        parts = dotted.split(".")
        end = next((end for end in range(len(parts), 0, -1) if source.exists(".".join(parts[:end]))), None) if source.in_project(dotted) else None
        if end is None or end == len(parts):
            names.append(dotted)
            continue  # outside the project, or a module: nothing is re-exported on the way
        names.append(".".join(parts[: end + 1]))
        for module, _ in same_object_chain(source, names[-1])[1:]:
            found.setdefault(module)
    return names, list(found)
