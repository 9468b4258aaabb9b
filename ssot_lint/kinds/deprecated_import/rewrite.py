"""Where a deprecated import's rewrite sends each imported name, and what that rewrite needs
verified. The check (on CPython's tree) and the fix (on libcst's) both decide with these
functions, so the applicability ``check`` reports is the one ``fix`` acts on."""

from __future__ import annotations

from collections.abc import Iterable

from ssot_lint.fix.destinations import FromDest, ModDest
from ssot_lint.fix.verify import Need
from ssot_lint.kinds.base import Target


def under(dotted: str, module: str) -> bool:
    return dotted == module or dotted.startswith(module + ".")


def destination(is_import: bool, module: str, name: str | None, asname: str | None, old: Target, new: Target) -> FromDest | ModDest | str:
    """What ``import module [as asname]`` (``is_import``) or ``from module import name [as asname]``
    becomes under the mapping ``old -> new``; a string says why it cannot be rewritten."""
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
    # `from parent import old` names the deprecated module itself: import its replacement
    # under the same local name.
    bound = asname or name
    parent, _, last = new.module.rpartition(".")
    if parent:
        return FromDest(parent, last, bound if bound != last else None)
    return ModDest(new.module, bound if bound != new.module else None)


def needs(old_dotted: str, decision: FromDest | ModDest, attributes: Iterable[str]) -> tuple[Need, ...]:
    """What the rewrite of one imported name (``old_dotted``, the thing it imports now) to
    ``decision`` must keep true: the new import finds something of the same kind, and so does
    each attribute the file reads through the name it binds (``m.attr``)."""
    if isinstance(decision, ModDest):
        new, first = decision.module, Need(old_dotted, decision.module, module=True)
    else:
        new = f"{decision.module}.{decision.name}"
        first = Need(old_dotted, new)
    return (first, *(Need(f"{old_dotted}.{a}", f"{new}.{a}") for a in sorted(set(attributes))))


def unit_needs(modules: Iterable[tuple[str, str]], chains: Iterable[tuple[str, str]]) -> tuple[Need, ...]:
    """What rewriting ``import old.x`` statements with their ``old.x.Y`` references needs:
    each new module exists (``modules``: old, new), and each reference finds its attribute
    (``chains``: old written, new written)."""
    found = [Need(old, new, module=True) for old, new in modules]
    found += [Need(old, new) for old, new in chains]
    return tuple(dict.fromkeys(found))
