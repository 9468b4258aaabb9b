"""deprecated-import's per-file check (``DeprecatedImport.check``): a finding per deprecated
target per import statement, with the rewrite facts ``annotate`` verifies against the project;
the references through an import of a package above a target (``deprecated_references``); the
calls of deprecated callables (``calls``: those through a re-export the project confirms). The fix reads the references and calls
through the same functions, so it rewrites what ``check`` reports."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.imports import ImportRef, bindings, dotted_name, qualify, relative_failure
from ssot_lint.fix.verdicts import WHOLE, Need, RewriteFact
from ssot_lint.kinds.base import FileContext, Target
from ssot_lint.kinds.deprecated_import.calls import CallFact, deprecated_calls, reexported_calls
from ssot_lint.kinds.deprecated_import.index import Index, forks, outcome_fact, package_binding, star_binding
from ssot_lint.kinds.deprecated_import.name_reads import chains as name_chains
from ssot_lint.kinds.deprecated_import.name_reads import used_whole, whole_chains
from ssot_lint.kinds.deprecated_import.references import plan_references
from ssot_lint.kinds.deprecated_import.rewrite import destination, made_absolute, ref_needs
from ssot_lint.kinds.deprecated_import.rooted import rooted_refs
from ssot_lint.kinds.deprecated_import.stars import star_anchor
from ssot_lint.kinds.deprecated_import.string_reads import annotation_reads, doctest_reads
from ssot_lint.model import UNSAFE, Finding
from ssot_lint.project.import_conditions import tested_deprecations

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport


def check_file(rule: DeprecatedImport, ctx: FileContext) -> tuple[list[Finding], Any]:
    """``rule``'s findings in ``ctx`` and the rewrite facts of those ``annotate`` is to verify."""
    findings: list[Finding] = []
    facts: list[RewriteFact | CallFact] = []
    refs = rooted_refs(ctx.imports(), ctx.ref, rule.match)
    groups: dict[tuple[int, str], tuple[tuple[Target, Target], list[ImportRef]]] = {}
    # A star import under several targets -> the first, its rewrite's (``stars``).
    decided_under: dict[int, tuple[Target, Target]] = {}
    tested = tested_deprecations(ctx)
    for ref in refs:  # one finding per deprecated target per statement
        hits = rule.matches(ref)
        if hits and not tested.covers(ref.statement.lineno, ref.bound):
            for hit in hits:
                groups.setdefault((id(ref.statement), str(hit[0])), (hit, []))[1].append(ref)
            first = rule.decides(ref) or hits[0]
            if len(hits) > 1 or first != hits[0]:
                decided_under[id(ref.statement)] = first
    for (old, new), members in groups.values():
        ref = members[0]
        decider = decided_under.get(id(ref.statement))

        def advice(end: Target, old: Target = old, ref: ImportRef = ref) -> str:
            return rule.format(target=str(old), replacement=str(end), imported=ref.dotted, what="member" if old.member else "module")

        message = advice(new)
        statement = ctx.span(ref.statement)
        if rule.reports_module_part(ref, old) and isinstance(ref.statement, ast.ImportFrom) and ref.statement.module is not None:
            where = ctx.lines.module_span(statement)
        else:
            where = ctx.span(ref.node)

        # Where the rewrite goes may depend on the module index (what a package binds, which
        # modules of a chain exist), which only the project tells: each outcome is recorded,
        # and ``annotate`` picks the one the project gives.
        def outcome(
            index: Index, old: Target = old, new: Target = new, members: list[ImportRef] = members, decider: tuple[Target, Target] | None = decider
        ) -> tuple[tuple[Need, ...] | None, str]:
            end = rule.end(old, new, index)
            # One statement, one rewrite: a star import's is decided under its first target.
            judged = (old, end) if decider is None else (decider[0], rule.end(*decider, index))
            return rewrite_needs(rule, ctx, members, *judged, index), advice(end) if end != new else ""

        outcomes = forks(outcome)
        # Whether the statement binds the target at all, where only the index tells: a
        # package's own name over its submodule, a star import that may not export the member.
        read_as, star_of = package_binding(ctx.ref.module, ref, old), star_binding(ctx.ref.module, ref, old)
        # Unsafe until ``annotate`` verifies it; a fork also when only its advice differs.
        pending = len(outcomes) > 1 or outcomes[0][1][0] is not None
        anchor = star_anchor(ctx.segment(statement), old, decider[0] if decider else None)
        finding = rule.finding(ctx, where, message, anchor=anchor, stmt_line=statement[0], applicability=UNSAFE if pending else "")
        findings.append(finding)
        if (fact := outcome_fact(finding.line, finding.col, str(old), outcomes, read_as, star_of, finding.anchor if decider else "")) is not None:
            facts.append(fact)
    references = deprecated_references(rule, ctx, refs)
    for (node, old, new, stmt_line), plan in zip(references, plan_references(ctx, references)):
        message = rule.format(target=str(old), replacement=str(new), imported=dotted_name(node), what="attribute")
        finding = rule.finding(ctx, node, message, stmt_line=stmt_line, applicability="" if plan.reason else UNSAFE)
        findings.append(finding)
        if not plan.reason and not plan.unsafe:  # unsafe until ``annotate`` verifies the replacement
            facts.append(RewriteFact(finding.line, finding.col, str(old), plan.needs))
    bound = bindings(refs)
    for call, target, replacement, stmt_line in deprecated_calls(rule, ctx, bound):
        message = rule.format(target=str(target), replacement=replacement or "(no replacement)", imported=dotted_name(call.func), what="call")
        findings.append(rule.finding(ctx, call, message, stmt_line=stmt_line))
    for call, message, called, targets, stmt_line in reexported_calls(rule, ctx, bound):  # the project decides (``calls``)
        finding = rule.finding(ctx, call, message, stmt_line=stmt_line)
        findings.append(finding)
        facts.append(CallFact(finding.line, finding.col, message, called, targets))
    if tested.blocks:  # references and calls a test makes on purpose
        findings = [f for f in findings if not tested.covers(f.line)]
        facts = [f for f in facts if not tested.covers(f.line)]
    return findings, tuple(facts) or None


def rewrite_needs(
    rule: DeprecatedImport, ctx: FileContext, members: list[ImportRef], old: Target, new: Target, index: Index | None = None
) -> tuple[Need, ...] | None:
    """What rewriting the imports ``members`` (one finding) needs verified; None when the
    fix has no rewrite for them; () when nothing can be verified (a star import: unsafe).
    ``index``: the module index, as ``rewrite.destination`` asks it."""
    found: list[Need] = []
    for ref in members:
        assert ref.module is not None
        if isinstance(ref.statement, ast.ImportFrom) and relative_failure(ctx.ref.module, ctx.ref.is_package, ref.statement.level):
            return ()  # it fails as written: rewritten, it would work (the fix says so; unsafe)
        asname = ref.node.asname if isinstance(ref.node, ast.alias) else None
        if isinstance(ref.statement, ast.ImportFrom) and ref.statement.level and ctx.ref.implied:
            decision = destination(False, ref.module, ref.name, asname, old, new, rule.targets, index)
            if not isinstance(decision, str) and made_absolute(ctx.ref, ref.statement.level, decision):
                return ()  # written absolute under an inferred name: unsafe (the fix says why)
        if doctest_reads(ctx, ref.bound or "", attribute=isinstance(ref.statement, ast.ImportFrom)):
            return None  # the fix refuses it (``doctests``): a doctest reads the binding it drops or rebinds
        if ref.plain and annotation_reads(ctx, ref.bound or ""):
            return None  # the fix refuses it (``unit``): a string annotation names the binding it drops
        if ref.plain and used_whole(ctx, ref.bound or ""):
            return None  # the fix refuses it (``unit``): the binding is also used on its own
        chains = set(name_chains(ctx, ref.bound or ""))
        if ref.plain:  # `old.mod` itself as a value (`x = old.mod`): what is read through it is unknown
            chains |= {f"{w}.{WHOLE}" for w in whole_chains(ctx, ref.bound or "") if ref.module == w or ref.module.startswith(w + ".")}
        elif used_whole(ctx, ref.bound or ""):
            chains.add(f"{ref.bound}.{WHOLE}")
        is_import = isinstance(ref.statement, ast.Import)
        needed = ref_needs(is_import, ref.plain, ref.module, ref.name, asname, chains, ctx.ref.module, old, new, ref.statement.lineno, rule.targets, index)
        if not needed:
            return needed
        found.extend(needed)
    return tuple(dict.fromkeys(found))


def deprecated_references(rule: DeprecatedImport, ctx: FileContext, refs: list[ImportRef]) -> list[tuple[ast.Attribute, Target, Target, int]]:
    """References ``pkg.mod.Member`` (or ``pkg.mod`` for a module target) through an import of
    a package above the target (``import collections`` ... ``collections.OrderedDict``):
    (node, deprecated target, replacement, first line of the statement). A reference
    through a binding whose own import is deprecated is that import's finding."""
    bound = bindings(refs)
    exact = {old.dotted: (old, new) for old, new in rule.targets}
    if not any(any(t.startswith(value + ".") for t in exact) for value in bound.values()):
        return []
    words = {t.member if t.member else t.module.rsplit(".", 1)[-1] for t, _ in rule.targets}
    found: list[tuple[ast.Attribute, Target, Target, int]] = []
    for node, stmt_line in ctx.nodes_near(ast.Attribute, words):
        hit = exact.get(qualify(node, bound) or "")
        if hit is None:
            continue
        head = (dotted_name(node) or "").split(".")[0]
        if any(ref.bound == head and rule.match(ref) == hit for ref in refs):
            continue
        found.append((node, *hit, stmt_line))
    return found
