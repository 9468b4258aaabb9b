"""A rewrite whose modules are given by files in several places cannot be verified.

Two services in one repository, each with its own top-level package ``app`` (no ``src``
configured): ``services/api/app/old.py`` and ``services/worker/app/old.py`` are both ``app.old``
(``project.shadowing.Clash``, kind ``ambiguous``). Which one an import finds depends on
``sys.path``, which the project does not show; the summaries of both are one module's to the
verifier, so ``app.old.Client`` would be verified against whichever binds it first, and a rewrite
called safe could swap the worker's own class for the other service's. So a rewrite is unverified
when a module it depends on, or a package above one, is given by more than one file: the
deprecated module, its replacement, and the importer's own module (whose names other modules
read; those readers are found by a text test over every copy, so their own copies need no
check of this kind).
"""

from __future__ import annotations

from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Need, Verdict


def clashing(source: ModuleSource, need: Need) -> Verdict | None:
    """Unverified, naming the first clash, when a module ``need`` depends on is given by files
    in several places (see the module docstring); None otherwise, or when ``source`` cannot tell."""
    clash = getattr(source, "clash", None)
    if clash is None:
        return None
    for dotted in dict.fromkeys((need.old, need.new, need.importer)):
        if dotted and source.in_project(dotted):
            why = clash(dotted)
            if why is not None:
                return Verdict(UNVERIFIED, why)
    return None
