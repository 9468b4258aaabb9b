"""A copy and its source, once something stores into either: the "same object" argument of fix
verification (``fix.verify.ImportVerifier.same``) rests on ``pkg.old.MODE`` being bound by
``from pkg.config import MODE``, so that reading it from ``pkg.config`` instead reads the same
object. That holds only while nobody rebinds the one or the other: ``config.MODE = "prod"``
(or ``setattr``, ``del``, ``+=``) in any project module, through any import binding
``pkg.config``, at module level or in a function, changes ``pkg.config.MODE`` and leaves the
copy as it was (review 7, finding 2; the fact is ``ModuleSummary.stores``, see
``project.attribute_stores``).

Every ``(module, name)`` on the way from the old name and from the new one to the definition
(each import, or alias statement ``MODE = pkg.config.MODE``, that binds the name a copy of the
next) is asked about. The modules that may store
into one of them are those whose text may store into an attribute of that name (``.MODE``
followed by ``=``, ``op=``, ``in``, ``,`` or ``:``, or after ``del``: ``ModuleSource.spelling``'s
``store``, one pass over the project for every word), or ``setattr``/``delattr``/``vars``/``__dict__``, and
that may name the module as ``attribute_stores`` follows a name (an import that may bind its last
name, its dotted name or a string naming it, a star import: ``_naming``): only their stores are
read (``AttributeStores``, a per-file step run for them alone, which parses each of them whole).
"""

from __future__ import annotations

from typing import Any

from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Need, Verdict, analyzed, not_analyzed, one_module_name
from ssot_lint.kinds.base import FileContext, Rule, RuleMeta
from ssot_lint.project.attribute_stores import attribute_stores
from ssot_lint.project.namespace_uses import ANY_ATTRIBUTE, described
from ssot_lint.run.word_tests import BOUND, NAMED, STORE


class AttributeStores(Rule):
    """Not a rule users write: the per-file step that records a file's stores into attributes of
    what it imports (``project.attribute_stores``), run (cached, through ``run.modules``) only
    for the files a same-object verdict asks about."""

    kind = "attribute-stores"
    summary = "Stores into attributes of what a file imports."
    default_message = ""

    def check(self, ctx: FileContext) -> tuple[list[Any], tuple[tuple[str, str, int], ...]]:
        return [], attribute_stores(ctx)


ATTRIBUTE_STORES = AttributeStores(RuleMeta("SSOT-attribute-stores", "", digest="attribute-stores-2"), {})

_DEPTH = 20  # re-exports followed, at most (a cycle of them ends there)


def stored_copy(source: ModuleSource, need: Need, origin: str, known: dict[str, list[Any]]) -> Verdict | None:
    """Why ``need.new`` and ``need.old`` (both found to be ``origin``'s object) may be two
    objects: a project module stores into a name on the way from one of them to ``origin``.
    ``known``: the stores of the modules read so far, by module (filled here: one batch of
    new modules per question)."""
    spelling = getattr(source, "spelling", None)
    if spelling is None or need.old == need.new:
        return None
    chains = {dotted: same_object_chain(source, dotted) for dotted in (need.old, need.new)}
    pairs = {pair for chain in chains.values() for pair in chain}
    if len(pairs) < 2:
        return None  # no copy on the way
    names = {name for _, name in pairs}
    attribute = spelling(names, STORE)
    calls = spelling(["setattr", "delattr", "vars", "__dict__"])
    named = _naming(spelling, {module for module, _ in pairs})
    candidates = sorted({*(m for name in names for m in attribute[name]), *(m for found in calls.values() for m in found)} & named)
    facts = getattr(source, "module_facts", None)
    unknown = [c for c in candidates if c not in known]
    if facts is not None and unknown:
        found_now = facts(unknown, ATTRIBUTE_STORES)
        known.update({module: found_now.get(module, []) for module in unknown})
    # The copy is the name reached through a re-export; one bound by a star import (which the
    # chain does not follow) is the name that is not the origin itself.
    copy = next((d for d, chain in chains.items() if len(chain) > 1), need.new if need.old == origin else need.old)
    unknown_same = f"that {need.new} is the same object as {need.old} cannot be verified: {copy} is a copy of {origin}"
    for storer in candidates:
        if not analyzed(source, storer):
            spelt = next((w for w in sorted(names) if storer in attribute[w]), None) or next((w for w, found in sorted(calls.items()) if storer in found), "")
            return Verdict(UNVERIFIED, f"{unknown_same}, and {not_analyzed(source, storer, 'stores into it', spelt)}")
        for found in known.get(storer, []):
            for obj, attribute_name, line in found or ():
                # A namespace passed to a call or handed on (``described``) may change any name.
                how = described(obj, attribute_name)
                hit = next(
                    (
                        (m, n)
                        for m, n in pairs
                        if one_module_name(source, m) == one_module_name(source, obj) and (attribute_name in (n, ANY_ATTRIBUTE) or how is not None)
                    ),
                    None,
                )
                if hit is None:
                    continue
                path = getattr(source, "path_of", lambda _: None)(storer) or storer
                if how is not None:
                    return Verdict(UNVERIFIED, f"{unknown_same}, and {storer} {how} at {path}:{line}, which may change {'.'.join(hit)}")
                return Verdict(UNVERIFIED, f"{unknown_same}, and {storer} stores into {'.'.join(hit)} at {path}:{line}")
    return None


def _naming(spelling: Any, modules: set[str]) -> set[str]:
    """The project modules whose text may name one of ``modules`` as ``attribute_stores`` resolves
    the object of a store: through an import that may bind the module's last name (``from pkg
    import config``, ``import pkg.config as c``), or a dotted name, a string or a star import
    (``pkg.config.MODE = 1`` after ``import pkg``, ``import_module("pkg.config")``,
    ``sys.modules["pkg.config"]``, ``config`` after ``from pkg import *``: ``word_tests.names_module``).
    A file that merely spells the last name (``from pkg.config import X``, a name of its own)
    stores into none of them: on Django, ``utils`` and ``test`` made 108 files read whole for
    the stores into ``django.test.utils`` (verify25)."""
    lasts = {module.rpartition(".")[2] for module in modules}
    return {m for test in (NAMED, BOUND) for found in spelling(lasts, test).values() for m in found}


def same_object_chain(source: ModuleSource, dotted: str) -> list[tuple[str, str]]:
    """``(module, name)`` pairs from ``dotted`` to where it is defined, each bound by importing
    the next (``from pkg.config import MODE`` in ``pkg.old``: ``pkg.old, MODE`` then
    ``pkg.config, MODE``); it ends where the module binds the name otherwise, or cannot be told."""
    parts = dotted.split(".")
    end = next((end for end in range(len(parts) - 1, 0, -1) if source.exists(".".join(parts[:end]))), None)
    if end is None or end != len(parts) - 1:
        return []  # not a module's name (an attribute of one: those are not followed)
    pair = (".".join(parts[:end]), parts[end])
    chain: list[tuple[str, str]] = []
    while pair not in chain and len(chain) < _DEPTH:
        chain.append(pair)
        module, name = pair
        summaries = [s for s in source.summaries(module) if s is not None]
        binders = [f for s in summaries for f in s.imports if f.bound == name and not f.type_checking and f.name not in (None, "*")]
        if not binders:  # an alias statement, `MODE = pkg.config.MODE`: a copy of what it names
            following = _aliased(source, summaries, name)
            if following is None:
                break
            pair = following
            continue
        if len(binders) != 1 or binders[0].module is None or not source.exists(binders[0].module):
            break
        pair = (binders[0].module, binders[0].name)  # type: ignore[assignment]
    return chain


def _aliased(source: ModuleSource, summaries: list[Any], name: str) -> tuple[str, str] | None:
    """``(module, name)`` a module-level alias ``name = m.X`` (``m`` bound by an import) copies,
    None when the module binds ``name`` otherwise, or the alias names no module's name."""
    targets = [a.target for s in summaries for a in s.aliases if a.name == name]
    if len(targets) != 1 or "." not in targets[0]:
        return None
    head, _, rest = targets[0].partition(".")
    imports = [f for s in summaries for f in s.imports if f.bound == head and not f.type_checking and f.module is not None and f.name != "*"]
    if len(imports) != 1:
        return None
    fact = imports[0]
    base = f"{fact.module}.{fact.name}" if fact.name is not None else head if fact.module.partition(".")[0] == head else fact.module
    module, _, attribute = f"{base}.{rest}".rpartition(".")
    return (module, attribute) if source.exists(module) else None
