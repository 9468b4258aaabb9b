"""The deprecated-import fix: decide, per imported name, what it becomes; then rewrite.

Principles (each one is a test in tests/test_fix_imports.py):

- A fix never changes which local names a file binds: ``from old import A`` becomes
  ``from new import A``, or ``from new import B as A`` when the member was renamed; aliases stay.
  The one exception is ``import old.mod`` used as ``old.mod.X``: the import and every such
  reference are rewritten together, or, when that is not provably safe (the name is rebound,
  used on its own, named in a string annotation, or the new top-level name is taken), nothing.
- One finding is one deprecated target in one statement; it is fixed as a whole or not at all.
- A module binding whose references reach a deprecated call (or a member with a replacement of
  its own) is left alone: rewriting the import would silently redirect that reference.
- No import is duplicated in a block: a name the block already imports (earlier) the same way is
  dropped instead of added, and so is one a module-level import earlier has bound when the
  block is nested outside any function or class, unless the file binds the name otherwise too;
  if the same import comes later in the block, the finding stays.
- Comments survive and stay with their names: a moved name's end-of-line comment ends its new
  statement's line, the comment lines above it go above that statement (``fix.import_comments``);
  a dropped name's become comment lines above the statement that stays (or the next one).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.analysis.imports import ImportRef, relative_failure
from ssot_lint.fix.cstedit import comments_in, dotted_expr
from ssot_lint.fix.import_rewrite import STAY, Decision, FromDest, ImportRewriter, ModDest, StatementEdit, edit_import, edit_import_from
from ssot_lint.fix.verdicts import REFUSED, UNVERIFIED, WHOLE, Need, Verdict, used_whole, worst
from ssot_lint.kinds.base import FileContext, FixContext, FixNote, FixOutcome, Target, Unfixed
from ssot_lint.kinds.deprecated_import.calls import calls_left
from ssot_lint.kinds.deprecated_import.doctests import plan_doctest_line
from ssot_lint.kinds.deprecated_import.duplicates import deduplicate, new_adds
from ssot_lint.kinds.deprecated_import.index import Index, package_binding, star_binding
from ssot_lint.kinds.deprecated_import.rewrite import destination, made_absolute, needs, under
from ssot_lint.kinds.deprecated_import.stars import fix_anchor, name_targets, own_reasons
from ssot_lint.kinds.deprecated_import.survey import survey_file
from ssot_lint.kinds.deprecated_import.unit import decide_unit, verify_unit
from ssot_lint.project.import_conditions import TestedDeprecations, tested_deprecations
from ssot_lint.project.module_paths import root_prefix

if TYPE_CHECKING:
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
    from ssot_lint.kinds.deprecated_import.fix_references import ReferenceEdits


class ImportFixPlan:
    """Decides what every imported name becomes, then edits the module accordingly."""

    def __init__(self, rule: DeprecatedImport, ctx: FileContext, context: FixContext) -> None:
        self.rule = rule
        self.ctx = ctx
        self.context = context
        self.survey, self.refs, self.owner = survey_file(rule, ctx)
        ctx.place(self.survey.tops, self.survey.units)
        tested = tested_deprecations(ctx)  # what a test uses on purpose stays, as in check
        verifier = context.verifier
        # The module index, for where a rewrite goes (``rewrite.destination``, ``chain_end``).
        self.index = Index(verifier.binds_itself, verifier.absent) if verifier is not None else None
        # Each name's deprecated targets, and the one its rewrite is decided under (``stars``).
        targets = name_targets(rule, self.refs, lambda hit, i: self._untested(hit, tested, i) is not None, self.index)
        self.hits, self.every, self.decided_under = targets.hits, targets.every, targets.first
        self.decisions: list[Decision] = [STAY] * len(self.refs)
        self.reasons: dict[int, str] = {}  # why a name stays, for its whole finding (and unit)
        self.own_reasons: dict[tuple[int, Target], str] = {}  # a star import's reason, said of each other target
        # Names held back by verification: refused (the replacement lacks them, or is another
        # kind of thing) or unsafe and not asked for. Only the name stays: a statement is split.
        self.held: dict[int, tuple[str, bool]] = {}  # index -> (reason, unsafe)
        self.unsafe: dict[int, str] = {}  # names moved by an unsafe (unverified) rewrite: why unsafe
        self.units: dict[str, list[int]] = {}  # binding name -> unaliased `import old.x` refs
        self.unit_edits: dict[str, dict[cst.CSTNode, cst.BaseExpression]] = {}  # their `old.x.Y` rewrites
        self.unit_chains: dict[str, list[tuple[str, str, tuple[Target, Target]]]] = {}  # (written, rewritten, mapping)
        self.whole_lines: dict[str, int] = {}  # `old.mod.*` -> a line where `old.mod` is used on its own

    def _untested(self, hit: tuple[Target, Target] | None, tested: TestedDeprecations, index: int) -> tuple[Target, Target] | None:
        """``hit`` (name ``index``'s match), unless a test uses the name on purpose or a
        suppression comment keeps its finding. The line is asked only when it decides:
        positions are computed as far into the file as it lies."""
        if hit is None:
            return None
        line = self.line(self.owner[index].node) if tested.blocks or self.context.suppressions else 0  # no block: only the name decides
        if tested.covers(line, self.refs[index].bound):
            return None
        read_as = package_binding(self.ctx.ref.module, self.refs[index], hit[0])
        if read_as is not None and self.context.verifier is not None and self.context.verifier.binds_over_submodule(*read_as):
            return None  # Python finds the package's own object, not the deprecated submodule: no finding
        star_of = star_binding(self.ctx.ref.module, self.refs[index], hit[0])
        if star_of is not None and self.context.verifier is not None and self.context.verifier.star_lacks(*star_of):
            return None  # the star import cannot bind the deprecated member: no finding
        if self.context.suppressions and self.context.suppresses(self.rule.id, self.line(self.reported(index, hit[0])), line):
            return None
        return hit

    def ended(self, hit: tuple[Target, Target] | None) -> tuple[Target, Target] | None:
        """``hit`` with its replacement where the project's chain ends (``DeprecatedImport.end``)."""
        return None if hit is None else (hit[0], self.rule.end(*hit, self.index))

    # -- per name ------------------------------------------------------------------------------
    def line(self, node: cst.CSTNode) -> int:
        return self.ctx.position(node)[0]

    def reported(self, index: int, old: Target) -> cst.CSTNode:
        """Where ``check`` reports the finding name ``index`` belongs to (deprecated ``old``): the
        module path of a ``from`` statement when the module is what is deprecated (``.mod``),
        else the name."""
        ref = self.refs[index]
        statement = ref.statement
        if self.rule.reports_module_part(ref, old) and isinstance(statement, cst.ImportFrom) and statement.module is not None:
            return statement.relative[0] if statement.relative else statement.module
        return ref.node

    def decide(self) -> None:
        for index, (ref, hit) in enumerate(zip(self.refs, self.hits)):
            if hit is None:
                continue
            if ref.plain:
                self.units.setdefault(ref.bound or "", []).append(index)
                continue
            outcome = self._destination(ref, *hit)
            if isinstance(outcome, str):
                self.reasons[index] = outcome
                told = own_reasons(hit, self.every[index], functools.partial(self._destination, ref))
                self.own_reasons.update({(index, old): why for old, why in told.items()})
            else:
                self.decisions[index] = outcome
        for name, members in self.units.items():
            decide_unit(self, name, members)
        self._verify()
        for index, decision in enumerate(self.decisions):
            statement = self.owner[index]
            if decision != STAY and isinstance(statement.container, cst.SimpleStatementSuite) and comments_in(statement.node):
                # a one-line block (`if x: import a`) has nowhere to keep a moved comment
                self.reasons[index] = "not fixable: the import holds a comment that has nowhere to go in a one-line block"

    def _destination(self, ref: ImportRef, old: Target, new: Target) -> FromDest | ModDest | str:
        assert ref.module is not None
        alias = ref.node.asname if isinstance(ref.node, cst.ImportAlias) else None
        asname = alias.name.value if alias is not None and isinstance(alias.name, cst.Name) else None
        is_import = isinstance(ref.statement, cst.Import)
        decision = destination(is_import, ref.module, ref.name, asname, old, new, self.rule.targets, self.index)
        if not isinstance(decision, str) and decision.module == self.ctx.ref.module:
            return f"not fixable: the rewritten import would import from {decision.module}, the module itself"
        if isinstance(decision, str) or ref.name == "*":
            return decision
        return self._binding_check(ref, ref.module if is_import else ref.dotted or "") or self._doctest_check(ref, decision) or decision

    def _doctest_check(self, ref: ImportRef, decision: FromDest | ModDest) -> str | None:
        """A reason not to rebind ``ref.bound`` that a doctest reads (``doctests``): its text is not
        rewritten, and what it reads through the name is not what the rewrite verifies. An
        ``import old.mod as m`` binds another module; a ``from old import x`` counts when the
        doctest reads through ``x`` (``x.Y``: a module's reads), since ``x`` itself is verified
        to be the same object."""
        bound = ref.bound or ""
        at = plan_doctest_line(self, bound, attribute=isinstance(decision, FromDest))
        if at is None:
            return None
        return f"not fixable: `{bound}` is read by a doctest at line {at}, which the rewrite leaves as it is"

    def _binding_check(self, ref: ImportRef, target: str) -> str | None:
        """A reason not to retarget the local name ``ref.bound`` (bound to ``target``): one of its
        references reaches a deprecated call or a member with its own replacement."""
        for node, written in self.survey.chains_through(ref.bound or ""):
            rest = written.partition(".")[2]
            problem = self._special(target + "." + rest, self.rule.match(ref))
            if problem:
                return f"not fixable: `{written}` (line {self.line(node)}) {problem}"
        return None

    def _special(self, qualified: str, hit: tuple[Target, Target] | None) -> str | None:
        parts = qualified.split(".")
        for end in range(len(parts), 0, -1):
            prefix = ".".join(parts[:end])
            if prefix in self.rule.call_targets:
                return "is a deprecated call; replace the call first"
        for old, new in self.rule.targets:
            covered = under(qualified, old.dotted) if old.member else under(qualified, old.module)
            if covered:
                return None if hit is not None and old == hit[0] else f"has a replacement of its own ({new})"
        return None

    # -- verification against the project ------------------------------------------------------
    def _verify(self) -> None:
        """Hold back each rewrite the project does not verify (``fix.verify``): a refused one
        always, an unverified (unsafe) one unless unsafe fixes were asked for."""
        for index, decision in enumerate(self.decisions):
            ref, hit = self.refs[index], self.hits[index]
            if not isinstance(decision, (FromDest, ModDest)) or ref.plain or hit is None:
                continue
            assert ref.module is not None
            statement = ref.statement
            failure = relative_failure(self.ctx.ref.module, self.ctx.ref.is_package, len(statement.relative)) if isinstance(statement, cst.ImportFrom) else None
            if failure is not None:  # an import that fails as written is no safe fix's to make work
                self.hold(index, Verdict(UNVERIFIED, failure))
                continue
            if isinstance(statement, cst.ImportFrom) and (made := made_absolute(self.ctx.ref, len(statement.relative), decision)) is not None:
                self.hold(index, Verdict(UNVERIFIED, made))
                continue
            if isinstance(decision, FromDest) and decision.name == "*":
                star = Verdict(UNVERIFIED, f"a star import binds whatever {decision.module} exports, so the names this file uses cannot be verified")
                need = Need(ref.module, decision.module, True, self.ctx.ref.module, self.line(self.owner[index].node))
                self.hold(index, worst([self.verify(need, hit), star]))
                continue
            attributes = [w.split(".")[1] for _, w in self.survey.chains_through(ref.bound)]
            uses = self.survey.names.get(ref.bound or "")
            if uses:  # the name used as a value: a module's reads are unknown
                attributes.append(WHOLE)
            old = ref.dotted or ""  # what the name is bound to now (`m.x` for `from m import x`, whatever it becomes)
            line = self.line(self.owner[index].node)
            verdicts: list[Verdict] = []
            if isinstance(decision, ModDest) and (store := self.stored(ref.bound or "")) is not None:
                verdicts.append(store)
            for need in needs(old, decision, attributes, self.ctx.ref.module, line):
                verdict = self.verify(need, hit)
                if need.module and verdict.status == REFUSED:  # `from M import x` where M is no module: that says it all
                    verdicts = [verdict]
                    break
                if uses and need.new.endswith(f".{WHOLE}"):
                    verdict = self.located(verdict, ref.bound or "", self.line(uses[0]), need.new)
                verdicts.append(verdict)
            self.hold(index, worst(verdicts))
        for name, members in self.units.items():
            if name in self.unit_edits:  # not refused already
                verify_unit(self, name, members)

    def stored(self, root: str) -> Verdict | None:
        """Why rewriting the import that binds the module ``root`` changes what the file's
        stores into it do: an attribute of it assigned to or deleted (a test's
        ``settings.DEBUG = True``) would change the other module instead, while the old one,
        which only copied the name, keeps reading its own. None when nothing is stored."""
        for node, written in self.survey.stored_chains():
            if written.startswith(root + "."):
                return Verdict(UNVERIFIED, f"line {self.line(node)} assigns to or deletes {written}, which would then change another module")
        return None

    def located(self, verdict: Verdict, written: str, line: int, whole: str) -> Verdict:
        """``verdict`` on reading through ``written`` (a module binding) used on its own at
        ``line``, saying where when that is what cannot be verified (``whole``: ``new.mod.*``)."""
        module = whole[: -len(WHOLE) - 1]
        said = f"`{written}` is also used on its own at line {line} (a value, or another binding of the name), so what the file reads through it from {module} cannot be verified"
        return dataclasses.replace(verdict, reason=verdict.reason.replace(used_whole(module), said))

    def verify(self, need: Need, hit: tuple[Target, Target] | None) -> Verdict:
        verifier = self.context.verifier
        if verifier is None:
            return Verdict(UNVERIFIED, "there is no project to verify the rewrite against")
        return verifier.verify(need, hit is not None and self.rule.allows_kind_change(str(hit[0])), self.rule, self.ctx.ref.module or "", self.ctx.ref.path)

    def hold(self, index: int, verdict: Verdict) -> None:
        """Hold back the rewrite of name ``index`` unless ``verdict`` is verified: always when it
        is refused; when unverified, unless unsafe fixes were asked for (it is then one)."""
        if verdict.verified:
            return
        if verdict.status == UNVERIFIED and self.context.unsafe:
            self.unsafe[index] = verdict.reason
            return
        self.held[index] = (verdict.reason, verdict.status == UNVERIFIED)
        self.decisions[index] = STAY

    # -- whole findings, duplicates ------------------------------------------------------------
    def groups(self) -> dict[tuple[int, Target], list[int]]:
        """The names behind each finding: (statement, deprecated target) -> ref indices (a star
        import under several targets is behind a finding for each)."""
        found: dict[tuple[int, Target], list[int]] = {}
        for index, hits in enumerate(self.every):
            for old, _ in hits:
                found.setdefault((id(self.refs[index].statement), old), []).append(index)
        return found

    def resolve(self) -> None:
        """Spread refusals until stable: a finding is fixed whole or not at all, a unit of
        ``import old.x`` statements too, and no fix may duplicate a later import."""
        destinations = {i: d for i, d in enumerate(self.decisions) if d != STAY}
        while True:
            changed = False
            for members in self.groups().values():
                reason = next((self.reasons[i] for i in members if i in self.reasons), None)
                for index in members:
                    if reason and index not in self.reasons:
                        self.reasons[index] = reason
                        changed = True
            for name, members in self.units.items():
                if any(i in self.reasons for i in members):
                    for index in members:
                        if index not in self.reasons:
                            self.reasons[index] = f"not fixable: another import binding `{name}` in this file cannot be fixed"
                            changed = True
            self.decisions = [STAY if i in self.reasons or i not in destinations else destinations[i] for i in range(len(self.refs))]
            changed = self._deduplicate() or changed
            if not changed:
                return

    def _deduplicate(self) -> bool:
        return deduplicate(self)

    # -- result --------------------------------------------------------------------------------
    def status(self, members: list[int], old: Target | None = None) -> tuple[str | None, bool, list[str]]:
        """How the finding behind ``members`` (ref indices; for deprecated ``old``) ends: the
        reason it stays (None when it is fixed; a star import's, said of ``old``), whether only
        an unsafe fix not asked for keeps it, and, when fixed, why the fixes that moved it are
        unsafe (none: safe)."""
        reason = next(((old is not None and self.own_reasons.get((i, old))) or self.reasons[i] for i in members if i in self.reasons), None)
        held = [self.held[i] for i in members if i in self.held]
        if reason is None and not held:
            return None, False, list(dict.fromkeys(self.unsafe[i] for i in members if i in self.unsafe))
        if reason is None:
            only_unsafe = all(is_unsafe for _, is_unsafe in held)
            held.sort(key=lambda pair: pair[1])  # what the project shows fails before what it cannot tell
            return ("unsafe fix not applied: " if only_unsafe else "not fixable: ") + "; ".join(dict.fromkeys(r for r, _ in held)), only_unsafe, []
        return reason, False, []

    def partial(self, members: list[int], line: int, col: int) -> tuple[bool, FixNote | None]:
        """Whether the finding behind ``members`` (left, at ``line``, ``col``) was fixed in part:
        some of its names moved (the statement is split) while the rest stay; and a note when
        an unsafe rewrite moved some of them."""
        moved = [i for i in members if self.decisions[i] != STAY]
        why = list(dict.fromkeys(self.unsafe[i] for i in moved if i in self.unsafe))
        return bool(moved), FixNote(line, col, "unsafe fix applied to some of its names: " + "; ".join(why)) if why else None

    def rewrite(self, references: ReferenceEdits | None = None) -> cst.Module:
        """The module with every decided edit applied (and ``references``' rewrites)."""
        edits: dict[cst.CSTNode, StatementEdit] = {}
        added = new_adds(self, references.adds) if references is not None else {}
        for statement in self.survey.statements:
            decisions = [self.decisions[i] for i in statement.refs]
            adds = added.get(statement.node, [])
            if all(d == STAY for d in decisions) and not adds:
                continue
            if isinstance(statement.node, cst.Import):
                edit = edit_import(statement.node, decisions)
            else:
                container = statement.container
                comment = container.trailing_whitespace.comment if isinstance(container, cst.SimpleStatementLine) and len(container.body) == 1 else None
                ending = comment.value if comment is not None else None  # the comment ending the statement's line
                edit = edit_import_from(
                    statement.node,
                    self.refs[statement.refs[0]].module,
                    decisions,
                    (self.ctx.ref.module, self.ctx.ref.is_package, root_prefix(self.ctx.ref)),
                    ending,
                )
            for module in adds:  # `import new.mod` for rewritten references, right after
                comments, edit.carried = (edit.carried, []) if not edit.outputs else ([], edit.carried)
                edit.outputs.append((cst.Import(names=[cst.ImportAlias(name=dotted_expr(module))]), comments))
            edits[statement.node] = edit
        expressions: dict[cst.CSTNode, cst.BaseExpression] = {}
        for name, members in self.units.items():
            if not any(i in self.reasons or i in self.held for i in members):
                expressions.update(self.unit_edits.get(name, {}))
        if references is not None:
            expressions.update(references.expressions)
        if not edits and not expressions:
            return self.ctx.module  # nothing to edit: a transform would only copy the whole tree
        return self.ctx.module.visit(ImportRewriter(edits, expressions, self._untouched([*edits, *expressions])))

    def _untouched(self, edited: list[cst.CSTNode]) -> set[cst.CSTNode]:
        """The top-level statements holding none of the ``edited`` nodes (none when one of them
        was not recorded by the survey: then every statement is entered)."""
        tops = self.survey.tops
        if not all(node in tops for node in edited):
            return set()
        touched = {tops[node] for node in edited}
        return {part for part in self.ctx.module.body if part not in touched}

    def outcome(self) -> FixOutcome:
        from ssot_lint.kinds.deprecated_import.fix_references import reference_edits

        references = reference_edits(self)
        module = self.rewrite(references)
        fixed, unsafe = references.fixed, references.unsafe
        unfixed, notes = list(references.unfixed), list(references.notes)
        for (_, old), members in self.groups().items():
            line, col, _, _ = self.ctx.position(self.reported(members[0], old))
            reason, only_unsafe, why = self.status(members, old)
            if reason is not None:
                moved, note = self.partial(members, line, col)
                unfixed.append(Unfixed(line, col, reason, unsafe=only_unsafe, partly=moved, anchor=fix_anchor(self, members[0], old)))
                notes += [note] if note is not None else []
                continue
            fixed += 1
            if why:
                unsafe += 1
                notes.append(FixNote(line, col, "unsafe fix applied: " + "; ".join(why)))
        # Calls are never rewritten: they are where check finds them in the text as given.
        unfixed += calls_left(self.rule, FileContext(self.ctx.ref, self.ctx.text))
        return FixOutcome(module, fixed, sorted(unfixed, key=lambda u: (u.line, u.col)), unsafe, sorted(notes, key=lambda n: (n.line, n.col)))


def fix_imports(rule: DeprecatedImport, module: cst.Module, ctx: FileContext, context: FixContext) -> FixOutcome:
    """Rewrite ``rule``'s deprecated imports in ``module`` (the file ``ctx``), and the references
    to deprecated members through imports of their packages, verified through ``context`` (see
    the module docstring)."""
    plan = ImportFixPlan(rule, ctx, context)
    plan.decide()
    plan.resolve()
    return plan.outcome()
