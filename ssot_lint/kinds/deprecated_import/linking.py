"""``deprecated-import`` rules linked with each other when the rule files load (``Rule.link``):
a rule's replacements followed through the other rules, which resolved targets are a rule's own,
the errors for a cycle through several rules and for a target two rules map apart, and the
digest of what a rule followed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ssot_lint.kinds.base import OptionError, Rule, Target
from ssot_lint.kinds.deprecated_import.rewrite import ChainCycle, chain_paths, under

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport


@dataclass(frozen=True)
class Followed:
    """A rule's mappings followed through the other rules that apply everywhere."""

    targets: list[tuple[Target, Target]]  # its own targets to their final replacements, most specific first
    paths: dict[Target, tuple[Target, ...]]  # its own targets' replacements along their chains, the final one last
    matched: list[tuple[Target, Target]]  # what ``match`` reads: those and the ceded ones
    ceded: set[Target]  # other rules' targets under this rule's modules: theirs alone to report
    spelled: str  # what was followed, for the rule's digest


def follow(rule: DeprecatedImport, everywhere: list[DeprecatedImport], rules: list[Rule]) -> Followed | None:
    """``rule``'s replacements followed through ``everywhere`` (the run's other deprecated-import
    rules not limited by ``paths`` or ``exclude``: one limited is meant for part of the project
    only): ``pkg.old -> pkg.mid`` in one, ``pkg.mid -> pkg.new`` in another is ``pkg.old ->
    pkg.new``, so that neither the message nor the fix leads to a path another rule flags.
    None when there is nothing to follow.

    Refused, as they would be in one rule's table: a chain that comes back on itself (named at
    the mapping of the rule loaded last among those it runs through, the one that closes it),
    and, when ``rule`` applies everywhere too, a target an earlier rule maps elsewhere
    (``check`` would give both advices, ``fix`` apply one). A more specific target of another
    rule under one of this rule's modules (``old.mod:X`` there, ``old.mod`` here) refines it, as
    in one table: that rule alone reports it."""
    own = {Target.parse(old): Target.parse(new) for old, new in rule.replace.items()}
    owners: dict[Target, Rule] = {}
    others: dict[Target, Target] = {}
    for peer in everywhere:
        for old, new in peer.replace.items():
            others[Target.parse(old)] = Target.parse(new)
            owners.setdefault(Target.parse(old), peer)
    if not others:
        return None
    try:
        paths = chain_paths({**others, **own})
    except ChainCycle as exc:
        raise cycle_error(rule, exc, own, owners, rules) from None
    resolved = {old: path[-1] for old, path in paths.items()}
    if not rule.meta.paths and not rule.meta.exclude:
        _refuse_conflicts(rule, resolved, own, everywhere, rules)
    linked = sorted(((old, new) for old, new in resolved.items() if owned(old, own, others)), key=lambda pair: -len(pair[0].dotted))
    ceded = {old for old in others if old not in own and any(o.member is None and under(old.dotted, o.module) for o in own)}
    matched = sorted([*linked, *((old, resolved[old]) for old in ceded)], key=lambda pair: -len(pair[0].dotted))
    spelled = ";".join(f"{old}>{new}" for old, new in linked) + "".join(f";-{old}" for old in sorted(map(str, ceded)))
    return Followed(linked, {old: paths[old] for old, _ in linked}, matched, ceded, spelled)


def _refuse_conflicts(
    rule: DeprecatedImport, resolved: dict[Target, Target], own: dict[Target, Target], everywhere: list[DeprecatedImport], rules: list[Rule]
) -> None:
    """Refuse a target of ``rule`` that an earlier rule applying everywhere maps to another
    final replacement."""
    loaded = {id(r): n for n, r in enumerate(rules)}
    for earlier in everywhere:
        if loaded.get(id(earlier), -1) >= loaded.get(id(rule), -1):
            continue
        theirs = dict(earlier.targets)
        for old in own:
            if old in theirs and str(old) in earlier.replace and theirs[old] != resolved[old]:
                raise OptionError(
                    f"{str(old)!r} is already mapped to {earlier.replace[str(old)]!r} by rule {earlier.id}",
                    "replace",
                    str(old),
                    refers=((earlier, "replace", str(old)),),
                )


def cycle_error(linked: Rule, exc: ChainCycle, own: dict[Target, Target], owners: Mapping[Target, Rule], rules: list[Rule]) -> OptionError:
    """The error for a cycle found when ``linked`` (whose own mappings are ``own``) is linked,
    through other rules' mappings (``owners``: each key's rule): at the mapping of the rule loaded
    last among them (the one that closes the loop), naming the others with their lines."""
    involved = [(linked if key in own else owners[key], key) for key in exc.keys if key in own or key in owners]
    position = {id(rule): n for n, rule in enumerate(rules)}
    closing = max((rule for rule, _ in involved), key=lambda rule: position.get(id(rule), -1))
    entry = next(str(key) for rule, key in involved if rule is closing)
    refers: dict[str, tuple[Rule, str | None, str | None]] = {}
    for rule, key in sorted(involved, key=lambda pair: position.get(id(pair[0]), -1)):
        if rule is not closing:
            refers.setdefault(rule.id, (rule, "replace", str(key)))
    named = ", ".join(refers) or "itself"
    return OptionError(
        f"{exc}, through rule{'s' if len(refers) > 1 else ''} {named}",
        "replace",
        entry,
        rule=None if closing is linked else closing,
        refers=tuple(refers.values()),
    )


def owned(key: Target, own: dict[Target, Target], others: dict[Target, Target]) -> bool:
    """Whether ``key`` of chains resolved over this rule's mappings (``own``) and other rules'
    is this rule's: one of its own keys, or a key derived under the module one of them names
    (the most specific one, when a key of another rule names a module above or below it)."""
    if key in own or key in others:
        return key in own
    bases = [base for base in (*own, *others) if base.member is None and under(key.module, base.module)]
    return max(bases, key=lambda base: len(base.module)) in own if bases else False


def rehash(digest: str, followed: str) -> str:
    return hashlib.sha256(f"{digest}|{followed}".encode()).hexdigest()[:16]
