"""``deprecated-import`` rules linked with each other when the rule files load (``Rule.link``):
which resolved targets are a rule's own, the error for a cycle through several rules, and the
digest of what a rule followed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ssot_lint.kinds.base import OptionError, Rule, Target
from ssot_lint.kinds.deprecated_import.rewrite import ChainCycle, under


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
