"""Where a deprecated import's rewrite sends each imported name (the rule's mapping with its
chains resolved, then per name), and what that rewrite needs verified. The check (on CPython's
tree) and the fix (on libcst's) both decide with these functions, so the applicability ``check``
reports is the one ``fix`` acts on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ssot_lint.analysis.imports import relative_spelling
from ssot_lint.fix.destinations import FromDest, ModDest
from ssot_lint.fix.verdicts import Binds, Index, Need
from ssot_lint.kinds.base import OptionError, Target
from ssot_lint.model import FileRef
from ssot_lint.project.module_paths import root_prefix, within

under = within  # ``a.b`` is under ``a``; ``ab`` is not


class ChainCycle(OptionError):
    """A chain of replacements that comes back on itself; ``keys``: the keys of the mapping
    it applies, in order (a key derived under a module mapping is that mapping's key)."""

    def __init__(self, message: str, keys: list[Target]) -> None:
        super().__init__(message)
        self.keys = list(dict.fromkeys(keys))


def resolve_chains(mapping: dict[Target, Target]) -> dict[Target, Target]:
    """Each deprecated target mapped to its *final* replacement (#18 item 13): ``a:X -> b:X``
    with ``b:X -> c:X`` is ``a:X -> c:X``; a member moved into a module that is itself replaced
    follows the module (``a:X -> b:X`` with ``b -> c`` is ``a:X -> c:X``); and a member or
    submodule of a module's replacement that has a replacement of its own gets one under the
    old module too (``a -> b`` with ``b:X -> c:Y`` adds ``a:X -> c:Y``), so that a fix never
    writes an import that is deprecated again. A cycle is refused (``ChainCycle``)."""
    return {old: path[-1] for old, path in chain_paths(mapping).items()}


def chain_paths(mapping: dict[Target, Target]) -> dict[Target, tuple[Target, ...]]:
    """Each deprecated target's replacements along its chain (``resolve_chains``), the final one
    last: where a chained destination turns out not to exist, the chain stops at the last one
    that does (``index.chain_end``)."""
    pairs = dict(mapping)
    derived: dict[Target, Target] = {}  # a key added here -> the key of ``mapping`` it extends
    for old, new in mapping.items():  # `a -> b` and `b...[:X] -> t`: `a...[:X] -> t`
        if old.member is not None or new.member is not None:
            continue
        for other, target in mapping.items():
            if other != old and under(other.module, new.module):
                key = Target(old.module + other.module[len(new.module) :], other.member, derived=other.member is not None)
                if key not in pairs:
                    pairs[key], derived[key] = target, old

    def step(target: Target) -> tuple[Target, Target] | None:
        """The mapping that applies to ``target`` (the most specific one), and where it leads."""
        best: tuple[Target, Target] | None = None
        for old, new in pairs.items():
            if old.member is not None:
                if (old.module, old.member) == (target.module, target.member):
                    return old, new
            elif under(target.module, old.module) and new.member is None and (best is None or len(old.module) > len(best[0].module)):
                best = (old, Target(new.module + target.module[len(old.module) :], target.member))
        return best

    resolved: dict[Target, tuple[Target, ...]] = {}
    for old, new in pairs.items():
        chain, used, current = [old, new], [old], new
        while (found := step(current)) is not None:
            applied, current = found
            if applied in used:
                raise ChainCycle(
                    f"replace: the chain {' -> '.join(map(str, chain))} comes back under {applied} (a cycle)",
                    [derived.get(k, k) for k in used[used.index(applied) :]],
                )
            chain.append(current)
            used.append(applied)
        resolved[old] = tuple(chain[1:])
    return resolved


Pairs = Sequence[tuple[Target, Target]]


def match_target(targets: Pairs, module: str, name: str | None) -> tuple[Target, Target] | None:
    """The mapping of ``targets`` (most specific first) that ``from module import name`` (``import
    module`` when ``name`` is None) falls under; None when it names nothing deprecated. A star
    import falls under a member mapping of its module, unless that mapping is ``derived`` (only
    the replacement is said to have the member)."""
    dotted = module if name in (None, "*") else f"{module}.{name}"
    for old, new in targets:
        if old.member is None:
            if under(dotted, old.module):
                return old, new
        elif module == old.module and (name == old.member or (name == "*" and not old.derived)):
            return old, new
    return None


def match_targets(targets: Pairs, module: str, name: str | None) -> list[tuple[Target, Target]]:
    """Every mapping of ``targets`` (most specific first) that ``from module import name`` falls
    under, ``match_target``'s first. Only a star import falls under several: each member mapping
    of its module (not ``derived``: see ``match_target``), as importing those members by name
    would, and the most specific module mapping above it (a member mapping refines a module
    mapping for that member only; the star binds the module's other names too)."""
    first = match_target(targets, module, name)
    if first is None or name != "*":
        return [] if first is None else [first]
    members = [pair for pair in targets if pair[0].member is not None and pair[0].module == module and not pair[0].derived]
    above = next((pair for pair in targets if pair[0].member is None and under(module, pair[0].module)), None)
    return [first, *(pair for pair in [*members, *([above] if above else [])] if pair != first)]


def settle(targets: Pairs, old: Target, new: Target, dotted: str) -> tuple[Target, Target] | None:
    """The module mapping that takes ``dotted`` (under ``old.module``) to its final place in one
    step. Mapping a module to a package above it (``sympy.simplify -> sympy``) sends a submodule
    of the same name under the deprecated module again (``sympy.simplify.simplify`` becomes
    ``sympy.simplify``): the next fix would move it once more, so the prefix that maps there is
    taken whole (``sympy.simplify.simplify -> sympy``). None when the mappings never settle."""
    for _ in range(len(targets) + 1):
        derived = new.module + dotted[len(old.module) :]
        hit = match_target(targets, derived, None)
        if hit is None or hit[1].member is not None or len(hit[0].module) < len(new.module):
            return old, new
        old, new = Target(dotted[: len(old.module) + len(hit[0].module) - len(new.module)]), hit[1]
    return None


def settled_path(targets: Pairs, old: Target, new: Target, dotted: str) -> str | None:
    """Where the module mapping ``old -> new`` finally sends ``dotted`` (under ``old.module``)."""
    pair = settle(targets, old, new, dotted)
    return None if pair is None else pair[1].module + dotted[len(pair[0].module) :]


def destination(
    is_import: bool, module: str, name: str | None, asname: str | None, old: Target, new: Target, targets: Pairs = (), index: Index | None = None
) -> FromDest | ModDest | str:
    """What ``import module [as asname]`` (``is_import``) or ``from module import name [as asname]``
    becomes under the mapping ``old -> new``; a string says why it cannot be rewritten. With the
    rule's ``targets``, the import it becomes is deprecated by none of them: when it is (a module
    mapped to a package above it, ``sympy.simplify -> sympy``, turns ``from
    sympy.simplify.simplify import x`` into ``from sympy.simplify import x``), it is rewritten
    again, as a second fix would, so one fix is complete and fixing its output changes nothing.

    With the project's module ``index``: ``from pkg import name`` names the submodule
    ``pkg.name`` only where ``pkg`` binds no ``name`` of its own (Python takes the package's
    attribute first), so where ``pkg`` binds it, that import is no import of a deprecated
    ``pkg.name``: ``from pkg.simplify import simplify`` under ``pkg.simplify -> pkg``, with the
    function ``simplify`` bound by both packages (SymPy's shape), becomes ``from pkg import
    simplify``, not ``import pkg as simplify`` (review18a 03). And a rewrite again that reaches a
    module the project lacks stops at the last module it has, as ``index.chain_end`` stops a chain.
    Without it, every such name is read as the submodule, and every module is there."""
    binds = index.binds if index is not None else None
    decision = _destination(is_import, module, name, asname, old, new, binds)
    steps = [decision]
    for _ in range(len(targets)):
        if isinstance(decision, str) or (isinstance(decision, ModDest) and decision.asname is None):
            break  # a plain `import new` names a final replacement (resolve_chains)
        is_mod = isinstance(decision, ModDest)
        then_name = None if isinstance(decision, ModDest) else decision.name
        hit = match_target(targets, decision.module, then_name)
        if hit is None:
            break
        again = _destination(is_mod, decision.module, then_name, decision.asname, *hit, binds)
        if isinstance(again, str):
            break  # the next fix would leave it as it is (with this reason)
        decision = again
        steps.append(decision)
    else:
        if targets and not isinstance(decision, str) and match_target(targets, decision.module, decision.name if isinstance(decision, FromDest) else None):
            return f"not fixable: the rule's mappings never settle on a final place for {module if name is None else f'{module}.{name}'}"
    absent = index.absent if index is not None else None
    if isinstance(decision, str) or len(steps) < 2 or absent is None or not absent(decision.module):
        return decision
    return next((step for step in reversed(steps[:-1]) if not isinstance(step, str) and not absent(step.module)), decision)


def _destination(
    is_import: bool, module: str, name: str | None, asname: str | None, old: Target, new: Target, binds: Binds | None = None
) -> FromDest | ModDest | str:
    """``destination`` under the mapping ``old -> new`` alone."""
    if is_import:  # `import old.x as m`: the binding stays m
        if new.member is not None:
            return f"not fixable: the replacement {new} is a member, not a module"
        return ModDest(new.module + module[len(old.module) :], asname)
    if name == "*":
        if old.member is not None:
            return f"not fixable: `from {module} import *` cannot be narrowed to {old.member}; import names explicitly"
        return FromDest(new.module + module[len(old.module) :], "*", None)
    assert name is not None
    if old.member is not None:
        if new.member is None:
            return f"not fixable: the replacement {new} is a module, not a member"
        keep = asname or (name if new.member != name else None)
        return FromDest(new.module, new.member, keep)
    if new.member is not None:
        return f"not fixable: the replacement {new} is a member, not a module"
    if under(module, old.module):
        return FromDest(new.module + module[len(old.module) :], name, asname)
    # `from parent import old` names the deprecated module itself, unless the parent binds the
    # name over it (then the import is of that object, which the mapping does not deprecate):
    # import its replacement under the same local name.
    if binds is not None and binds(module, name):
        return f"not fixable: {module} binds {name} itself, so this import binds that, not the module {old.module}"
    bound = asname or name
    parent, _, last = new.module.rpartition(".")
    if parent:
        return FromDest(parent, last, bound if bound != last else None)
    return ModDest(new.module, bound if bound != new.module else None)


def needs(old_dotted: str, decision: FromDest | ModDest, attributes: Iterable[str], importer: str = "", line: int = 0) -> tuple[Need, ...]:
    """What the rewrite of one imported name (``old_dotted``, the thing it imports now) to
    ``decision`` must keep true: the new import finds something of the same kind, and so does
    each attribute the file reads through the name it binds (``m.attr``); and, for the statement
    at ``line`` of the module ``importer``, closes no new import cycle (see ``Need``)."""
    if isinstance(decision, ModDest):
        new, first = decision.module, Need(old_dotted, decision.module, True, importer, line, chain=True)
    else:
        new = f"{decision.module}.{decision.name}"
        first = Need(old_dotted, new, False, importer, line)
        # `from M import name` needs M to be a module: `sympy.fu` names sympy's function fu, and
        # `from sympy.fu import FU` fails although `sympy.fu.FU` would look like an attribute.
        first_module = Need(old_dotted.rpartition(".")[0] or old_dotted, decision.module, True)
        return (first, first_module, *(Need(f"{old_dotted}.{a}", f"{new}.{a}") for a in sorted(set(attributes))))
    return (first, *(Need(f"{old_dotted}.{a}", f"{new}.{a}", chain=True) for a in sorted(set(attributes))))


def unit_needs(modules: Iterable[tuple[str, str, int]], chains: Iterable[tuple[str, str]], importer: str = "") -> tuple[Need, ...]:
    """What rewriting ``import old.x`` statements with their ``old.x.Y`` references needs:
    each new module exists and closes no new import cycle (``modules``: old, new, the line of
    the statement in ``importer``), and each reference finds its attribute (``chains``: old
    written, new written)."""
    found = [Need(old, new, True, importer, line) for old, new, line in modules]
    found += [Need(old, new) for old, new in chains]
    return tuple(dict.fromkeys(found))


def ref_needs(
    is_import: bool,
    plain: bool,
    module: str,
    name: str | None,
    asname: str | None,
    chains: Iterable[str],
    file_module: str,
    old: Target,
    new: Target,
    line: int = 0,
    targets: Pairs = (),
    index: Index | None = None,
) -> tuple[Need, ...] | None:
    """What rewriting one imported name under ``old -> new`` needs verified: ``import module``
    (``is_import``; ``plain`` without ``as``) or ``from module import name [as asname]`` in the
    statement at ``line`` of the module ``file_module``, which writes the dotted ``chains``
    through the name it binds. None when the fix has no rewrite for it; () when nothing can be
    verified (a star import: unsafe). ``targets``: the rule's mappings, each rewrite taken to
    its final place (see ``destination`` and ``settle``); ``index``: see ``destination``."""
    if plain:  # `import old.x`, used as `old.x.Y`: rewritten with its references
        if new.member is not None:
            return None
        moved = [(w, settled_path(targets, old, new, w)) for w in chains if under(w, old.module)]
        path = settled_path(targets, old, new, module)
        if path is None or any(n is None for _, n in moved):
            return None
        return unit_needs([(module, path, line)], [(w, n) for w, n in moved if n is not None], file_module)
    decision = destination(is_import, module, name, asname, old, new, targets, index)
    if isinstance(decision, str) or decision.module == file_module:  # never an import of the file from itself
        return None
    if isinstance(decision, FromDest) and decision.name == "*":
        return ()
    attributes = [w.split(".")[1] for w in chains]
    # What the name is bound to now: for `from m import x`, `m.x` even when it becomes `import n as
    # x` (what the file reads through `x` is read in `m.x`, not in `m`).
    return needs(module if is_import else f"{module}.{name}", decision, attributes, file_module, line)


def made_absolute(importer: FileRef, level: int, decision: FromDest | ModDest) -> str | None:
    """Why rewriting a relative import (``level`` dots) in ``importer`` to ``decision`` is not
    safe: it stays relative when the new module lies in the importer's top-level package
    (``from .new import X``), which resolves the same however that package is really named; a
    module elsewhere must be written absolute, and the absolute name is only as good as the
    importer's: when the name is inferred (``FileRef.implied``: a regular package below a
    folder without ``__init__.py`` that no ``src`` root names), the real top-level package may
    be another one, and the absolute import fail or find another copy. None when safe."""
    if level == 0 or not importer.implied:
        return None
    if isinstance(decision, FromDest) and relative_spelling(importer.module, importer.is_package, decision.module, root_prefix(importer)) is not None:
        return None
    top = importer.module.partition(".")[0]
    return (
        f"the relative import would become the absolute `{decision.module}`, outside {top}, whose name is only inferred "
        f"(a package below a folder without __init__.py): the absolute name may not import; configure `src` to name it"
    )


def moved_to(targets: list[tuple[Target, Target]], module: str, name: str | None, index: Index | None = None) -> str | None:
    """Where the mappings ``targets`` (most specific first) send ``from module import name``:
    with the project's module ``index``, as the fix decides it (``destination``: ``from
    pkg.simplify import simplify`` under ``pkg.simplify -> pkg`` is ``from pkg import simplify``
    where ``pkg`` binds its own ``simplify``); without it, every such name read as the submodule."""
    hit = match_target(targets, module, name)
    if hit is None:
        return None
    decision = destination(name is None, module, name, None, *hit, targets, index)
    if isinstance(decision, str):
        return None
    return decision.module if isinstance(decision, ModDest) or decision.name == "*" else f"{decision.module}.{decision.name}"
