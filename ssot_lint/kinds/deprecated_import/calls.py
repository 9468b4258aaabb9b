"""deprecated-import's ``calls``: the call sites of deprecated callables.

A call the file's own imports qualify to a deprecated callable (``from pkg.dsep import old_a``
then ``old_a(g)``, ``dsep.old_a(g)``) is a finding of ``check`` (``deprecated_calls``). A call
through a module that re-exports the callable (``pkg.old_a(g)``, where ``pkg/__init__.py`` has
``from pkg.dsep import *`` or ``from pkg.dsep import old_a``; networkx's ``nx.d_separated(g)``)
only the project tells: ``check`` records such a call (``reexported_calls``: one whose
qualified name ends in a deprecated callable's name) as a finding with a ``CallFact``, and
after aggregation the module index resolves the qualified name, as ``fix.verify`` resolves a
rewritten import's (explicit re-exports, star imports, ``__all__``, followed to where the name
is defined): the finding stays only where that is surely the deprecated callable
(``unconfirmed_calls``, ``Rule.refuted``). A resolution that is not certain (a name bound twice
or under a condition, a ``__getattr__``, a star import from outside the project or of a dynamic
``__all__``, a package binding a submodule's name itself, a module outside the project) is no
finding. Per-file analysis stays pure: the facts depend on the file alone, and are cached with it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.imports import bindings, dotted_name, qualify
from ssot_lint.fix.verdicts import one_module_name
from ssot_lint.kinds.base import FileContext, Target, Unfixed
from ssot_lint.model import Finding, cache_value

if TYPE_CHECKING:
    from ssot_lint.fix.verify import ImportVerifier
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport


@cache_value
@dataclass(frozen=True, slots=True)
class CallFact:
    """A call ``check`` cannot tell is of a deprecated callable: at (``line``, ``col``), with the
    finding's ``message``, the dotted name the file's imports qualify it to (``called``:
    ``pkg.old_a``), and the deprecated callables (``targets``, dotted) it is a finding for if
    ``called`` resolves to one of them."""

    line: int
    col: int
    message: str
    called: str
    targets: tuple[str, ...]


def _reaches_call_target(rule: DeprecatedImport, dotted: str) -> bool:
    return any(target == dotted or target.startswith(dotted + ".") for target in rule.call_targets)


def deprecated_calls(rule: DeprecatedImport, ctx: FileContext, bound: dict[str, str]) -> list[tuple[ast.Call, Target, str, int]]:
    """Calls of deprecated callables reached through the file's imports:
    (call, deprecated target, replacement, first line of the statement)."""
    # qualify() resolves a call through a binding, so only bindings that lead to a call
    # target (the target itself or a package on its path) can yield a finding.
    reaching = [name for name, value in bound.items() if _reaches_call_target(rule, value)]
    if not rule.call_targets or not reaching:
        return []
    found: list[tuple[ast.Call, Target, str, int]] = []
    for call, stmt_line in ctx.nodes_near(ast.Call, reaching):  # a call spells its binding's name
        qualified = qualify(call.func, bound)
        if qualified in rule.call_targets:
            target, new = rule.call_targets[qualified]
            found.append((call, target, new, stmt_line))
    return found


def reexported_calls(rule: DeprecatedImport, ctx: FileContext, bound: dict[str, str]) -> list[tuple[ast.Call, str, str, tuple[str, ...], int]]:
    """Calls through the file's imports whose qualified name is no deprecated callable but ends
    in one's name (``pkg.old_a`` for ``pkg.dsep:old_a``), which a re-export may make it:
    (call, message, qualified name, the callables it may be (dotted), first line of the
    statement). One per distinct message: callables of one name whose messages read alike
    are one finding."""
    by_name: dict[str, list[tuple[Target, str]]] = {}
    for target, new in rule.call_targets.values():
        by_name.setdefault(str(target.member), []).append((target, new))
    if not by_name or not bound:
        return []
    # The call spells the callable's name (``pkg.old_a(g)``), or the binding of an import that
    # names it (``from pkg import old_a as oa`` ... ``oa(g)``).
    words = {*by_name, *(name for name, value in bound.items() if value.rpartition(".")[2] in by_name)}
    found: list[tuple[ast.Call, str, str, tuple[str, ...], int]] = []
    for call, stmt_line in ctx.nodes_near(ast.Call, sorted(words)):
        qualified = qualify(call.func, bound)
        if qualified is None or qualified in rule.call_targets or "." not in qualified:
            continue
        messages: dict[str, list[str]] = {}
        for target, new in by_name.get(qualified.rpartition(".")[2], ()):
            message = rule.format(target=str(target), replacement=new or "(no replacement)", imported=dotted_name(call.func), what="call")
            messages.setdefault(message, []).append(target.dotted)
        for message, targets in messages.items():
            found.append((call, message, qualified, tuple(targets), stmt_line))
    return found


def calls_left(rule: DeprecatedImport, ctx: FileContext) -> list[Unfixed]:
    """Why ``fix`` leaves each call ``check`` may report (through a re-export too, a finding
    only where the project confirms it): calls are never rewritten, as the replacement may take
    other arguments."""
    if not rule.call_targets:
        return []
    bound = bindings(ctx.imports())
    left: list[tuple[ast.Call, tuple[str, ...]]] = [(call, (new,) if new else ()) for call, _, new, _ in deprecated_calls(rule, ctx, bound)]
    for call, _, _, targets, _ in reexported_calls(rule, ctx, bound):
        left.append((call, tuple(sorted({new for target, new in rule.call_targets.values() if target.dotted in targets and new}))))
    unfixed: list[Unfixed] = []
    for call, news in left:
        line, col, _, _ = ctx.span(call)
        advice = f"replace it with {' or '.join(news)} by hand (its arguments may differ)" if news else "no replacement is configured"
        unfixed.append(Unfixed(line, col, f"not fixable: a deprecated call; {advice}"))
    return unfixed


def reaches(verifier: ImportVerifier, called: str, targets: tuple[str, ...]) -> bool:
    """Whether the project shows that ``called`` (a dotted name read through package
    attributes, as a call reads it) is surely one of ``targets``: resolved through re-exports and
    star imports to one definition (``ImportVerifier.found``, the project as written), read
    through no package attribute that a package binds over its submodule."""
    found = verifier.found(called)
    if not found.verified or found.origin is None or found.untold or found.attributes or verifier.shadowed(called):
        return False
    origin = one_module_name(verifier.source, found.origin)
    return any(origin == one_module_name(verifier.source, target) for target in targets)


def unconfirmed_calls(findings: list[Finding], facts: dict[str, Any], verifier_of: Callable[[], ImportVerifier | None]) -> list[bool]:
    """Whether each finding is a call through a re-export (``CallFact``) that the project does not
    surely resolve to the deprecated callable: no finding then. The verifier is asked for only
    when a finding is such a call; without one (no project), none is confirmed."""
    recorded = {
        (path, fact.line, fact.col, fact.message): fact for path, file_facts in facts.items() if file_facts for fact in file_facts if isinstance(fact, CallFact)
    }
    pending = [recorded.get((f.path, f.line, f.col, f.message)) for f in findings]
    if not any(pending):
        return [False] * len(findings)
    verifier = verifier_of()
    verdicts: dict[tuple[str, tuple[str, ...]], bool] = {}
    gone: list[bool] = []
    for fact in pending:
        if fact is None:
            gone.append(False)
            continue
        key = (fact.called, fact.targets)
        if key not in verdicts:
            verdicts[key] = verifier is not None and reaches(verifier, fact.called, fact.targets)
        gone.append(not verdicts[key])
    return gone
