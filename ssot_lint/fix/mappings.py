"""A rule file's import mappings checked against the project (``ssot-lint rules --check``).

A ``deprecated-import`` rule maps deprecated targets to replacements; ``fix`` verifies each import
it rewrites (``fix.verify``) and refuses one whose replacement lacks the name or is another kind
of thing. This checks the mappings themselves, once, with the same verifier, so the rule's author
hears of a mapping the fix will refuse before anyone runs it (issue #13), one warning per mapping
at its line in the rule file:

- the replacement does not exist in the project (``new.mod:Manager``: ``Manager is not defined in
  new.mod``): every message of the rule recommends an import that fails, and no import of the
  target is rewritten;
- target and replacement are both in the project and of different kinds (a function mapped to a
  class, a module to a class): the fix refuses every import of it unless ``allow-kind-change``
  lists the target;
- a module mapped to a module that lacks some of the public names the deprecated module defines
  or re-exports (imports listed in its ``__all__``, or without one, imports from its own
  submodules): imports of those names are not rewritten (the statement is split, the rest moves);
- a chain through other mappings that leads to a module the project lacks: it stops at the last
  replacement the project has, which check advises and fix writes (``index.chain_end``).
- a ``calls`` entry naming a callable (or a replacement) its module, the project's, does not
  have: no call of it is ever flagged (or every finding advises what is not there). No fix
  applies these entries, so they are not counted as mappings checked.

A mapping with an end outside the project (the standard library, a third-party package) says
nothing that can be verified, so nothing is said about it here (its fixes are unsafe).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import cast

from ssot_lint.config.tomlfile import EntryLines
from ssot_lint.fix.verify import REFUSED, ImportVerifier, Mover, Need, Verdict
from ssot_lint.kinds.base import ImportMapping, Rule, Target
from ssot_lint.kinds.deprecated_import.index import chain_end
from ssot_lint.project.module_summary import ModuleSummary

_SHOWN = 5  # names listed in a warning about a module mapping; the rest are counted


@dataclass(frozen=True)
class MappingWarning:
    """One mapping a fix will refuse (in part), at ``path:line`` of its rule file."""

    path: str
    line: int
    rule_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule_id} {self.message}"


@dataclass(frozen=True)
class MappingsChecked:
    """How many mappings were checked, and the warnings about them (in rule-file order)."""

    checked: int
    warnings: tuple[MappingWarning, ...]


def check_mappings(rules: Iterable[Rule], verifier: ImportVerifier) -> MappingsChecked:
    """Check every import mapping of ``rules`` (``Rule.mappings``) with ``verifier``."""
    checked = 0
    warnings: list[MappingWarning] = []
    lines = _EntryLines()
    first: dict[Target, tuple[Rule, ImportMapping]] = {}  # each target's first mapping, for conflicts
    for rule in rules:
        mappings = rule.mappings()
        verifier.prefetch(Need(m.old.dotted, m.new.dotted) for m in mappings)
        mover = cast(Mover, rule) if callable(getattr(rule, "moved", None)) else None  # where the fix sends imports
        for mapping in mappings:
            if mapping.option == "calls":  # a deprecated callable, flagged where called: never rewritten
                if (message := _call_problem(mapping, verifier)) is not None:
                    path, line = lines.of(rule, mapping)
                    warnings.append(MappingWarning(path, line, rule.id, message))
                continue
            checked += 1
            earlier = first.setdefault(mapping.old, (rule, mapping))
            for message in (_conflict(mapping, *earlier, lines), _problem(mapping, verifier, mover)):
                if message is not None:
                    path, line = lines.of(rule, mapping)
                    warnings.append(MappingWarning(path, line, rule.id, message))
    return MappingsChecked(checked, tuple(warnings))


def _conflict(mapping: ImportMapping, rule: Rule, earlier: ImportMapping, lines: _EntryLines) -> str | None:
    """A target an earlier rule maps to another final replacement (two rules that both apply
    everywhere are refused when they load; this is the case of rules limited by ``paths`` or
    ``exclude``, which may be meant for disjoint parts of the project)."""
    if earlier is mapping or earlier.new == mapping.new:
        return None
    path, line = lines.of(rule, earlier)
    return (
        f"maps {mapping.old} to {mapping.new}, but rule {rule.id} ({path}:{line}) maps it to {earlier.new}; "
        "in a file both rules apply to (their paths and exclude), check gives both advices and fix applies one"
    )


def _call_problem(mapping: ImportMapping, verifier: ImportVerifier) -> str | None:
    """A ``calls`` entry naming a callable the project shows it does not have (its module is
    the project's and neither defines nor imports the name): no call of it can be flagged; or a
    replacement it does not have, which every finding of the callable advises."""
    old, new = mapping.old, mapping.new
    if verifier.source.in_project(old.dotted) and (found := verifier.found(old.dotted)).status == REFUSED:
        return f"calls {old}, which does not exist: {found.reason}; no call of it is flagged"
    if new != old and verifier.source.in_project(new.dotted) and (found := verifier.found(new.dotted)).status == REFUSED:
        return f"maps calls of {old} to {new}, which does not exist: {found.reason}; every finding of such a call advises it"
    return None


def _problem(mapping: ImportMapping, verifier: ImportVerifier, mover: Mover | None) -> str | None:
    old, new = mapping.old, mapping.new
    source = verifier.source
    stop = chain_end(mapping.path, verifier.absent) if mapping.path else new
    if stop != new:  # followed through other mappings, the chain leads where the project has no module
        chain = " -> ".join(map(str, (old, *mapping.path)))
        stopped = f"maps {old} along {chain}, and the project has no module {new.module}: the chain stops at {stop}, which check advises and fix writes"
        return "; ".join(filter(None, (stopped, _problem(replace(mapping, new=stop, path=()), verifier, mover))))
    if not source.in_project(new.dotted):
        return None
    as_module = new.member is None
    found = verifier.found(new.dotted, as_module, mover)
    if found.status == REFUSED:
        return f"maps {old} to {new}, which does not exist: {found.reason}; no import of {old} is rewritten"
    if not found.verified or not source.in_project(old.dotted) or mapping.allow_kind_change:
        return None
    was = verifier.kind(old.dotted)
    if was is not None and found.kind is not None and was != found.kind:
        return f"maps {old} ({was}) to {new} ({found.kind}); fix refuses it unless allow-kind-change lists it"
    if old.member is None and new.member is None and was == "module":
        return _lacking(old, new, verifier, mover)
    return None


def _lacking(old: Target, new: Target, verifier: ImportVerifier, mover: Mover | None) -> str | None:
    """For a module mapped to a module: the public names the old one defines or re-exports that the fix
    cannot move (the new one lacks them, or has them as another kind of thing)."""
    names = sorted(
        {n for summary in verifier.source.summaries(old.module) if summary is not None for n in _provided(summary, old.module) if not n.startswith("_")}
    )
    refused: list[tuple[str, Verdict]] = []
    for name in names:
        moved = mover.moved(old.module, name) if mover is not None else None
        if moved is not None and moved != f"{new.module}.{name}":
            continue  # a mapping of its own sends it elsewhere (and is checked as such)
        verdict = verifier.verify(Need(f"{old.module}.{name}", f"{new.module}.{name}"), False, mover)
        if verdict.status == REFUSED:
            refused.append((name, verdict))
    if not refused:
        return None
    shown = ", ".join(name for name, _ in refused[:_SHOWN]) + (f" and {len(refused) - _SHOWN} more" if len(refused) > _SHOWN else "")
    first = refused[0][1].reason
    return f"maps {old} to {new}, which lacks {len(refused)} of the {len(names)} public names {old} defines or re-exports ({shown}; {first}); imports of them are not rewritten"


def _provided(summary: ModuleSummary, module: str) -> set[str]:
    """What ``from old import X`` is meant to import: the names ``module`` defines, and those it
    re-exports: imports it lists in ``__all__`` (SQLAlchemy's ``ext.declarative``: ``ConcreteBase``
    from ``.extensions``), or, without a literal ``__all__``, imports from its own submodules.
    Not what it imports for its own use (``django.test.utils``'s ``Apps``, ``import os``): no
    importer means those, and listing them would bury the names that matter."""
    listed = summary.all_names
    reexported = {
        bound
        for bound, fact in summary.bindings().items()
        if fact.name not in (None, "*") and (bound in listed if listed is not None else fact.module is not None and fact.module.startswith(module + "."))
    }
    return set(summary.defined) | reexported


class _EntryLines:
    """Where a mapping is written: its rule file (as shown in messages) and the line of its
    entry (the rule's ``[[rule]]`` line when the file cannot be read again)."""

    def __init__(self) -> None:
        self._lines = EntryLines()

    def of(self, rule: Rule, mapping: ImportMapping) -> tuple[str, int]:
        return rule.meta.origin, self._lines.of(rule.meta.origin, rule.meta.line, mapping.option, mapping.entry)
