"""declared-deprecation: imports of what the project itself declares deprecated. No options needed.

Declarations (read from each module's syntax tree):

- a **module** is deprecated when its module-level code (outside def and class bodies; module-level
  ``if`` / ``try`` / ``with`` included; not an ``except`` handler, where a warning says an import
  fallback is deprecated, not the module) calls ``warnings.warn(...)`` (or ``warn`` imported from
  ``warnings``, any alias) with category ``DeprecationWarning``, ``PendingDeprecationWarning``,
  ``FutureWarning`` or a project class derived from one of them (directly or through other project
  classes, in any module; positional or ``category=``; ``warn(DeprecationWarning("..."))`` too).
  ``FutureWarning`` is no deprecation category by definition (IPython warns with one that an API
  is *provisional*): with it or a class derived only from it, the warning declares when its text,
  or a project class's name or docstring on the way, says deprecated, removed, renamed, moved or
  "use X instead", and never when one says provisional or experimental.
  A warning that runs only under a condition that can be false at import (an ``if`` branch or
  its ``else``, a ``try`` body or ``else``, a loop body, a ``match`` case) declares the module
  only when its text names it (its dotted name or a dotted tail of it, its package's, the last
  part quoted or followed by "module" / "package", a top-level name as a plain word, "this
  module"): pandas's ``if "PANDAS_DATA_MANAGER" in os.environ: warnings.warn("... The
  data_manager option is deprecated ...", FutureWarning)`` deprecates an option, not pandas
  (``not_deprecations`` lists it with the condition). A truthy constant, ``not TYPE_CHECKING``
  and a Python version check (``sys.version_info >= (3, 12)``, ``PY3``) are no such condition.
  ``warnings.filterwarnings`` / ``simplefilter`` and ``pytest.warns`` declare nothing;
- a **function or class** is deprecated when decorated with ``warnings.deprecated``,
  ``typing_extensions.deprecated`` or the ``deprecated`` package's ``deprecated`` (bare or called,
  any import alias; more with ``decorators``), or when it warns unconditionally with such a
  category: among a function's first statements (after its docstring, before any compound
  statement), or in a class's ``__init__`` / ``__new__`` / ``__init_subclass__``. A decorator's
  text is its first argument, ``reason``, ``message`` or ``msg``; a first argument that is only a
  version is none (matplotlib's and astropy's ``@deprecated("3.10", alternative="pkg.new",
  addendum="...", pending=True)``: ``since``), and the second, unless a version too, is the text
  (SQLAlchemy's ``@deprecated("1.4", "The ... is deprecated")``). Without a message, ``alternative`` and ``addendum``
  make the text as matplotlib words its warning (``Use {alternative} instead. {addendum}``); an
  ``alternative`` that is a dotted name is the replacement as written; ``pending=True`` shows in
  ``{how}`` (``@deprecated (pending)``). A decorator on one ``@overload`` (``typing.overload``)
  while another overload is not decorated deprecates that signature (a parameter: NumPy's stubs
  deprecate ``reshape``'s ``newshape=`` keyword so), as one on a def beside same-name defs that
  are not (one per Python version): it declares nothing; on the implementation of overloads, or
  on every overload, it declares the function. Methods are not read (a def in a class body,
  decorated or warning: a call through an instance names no import; pydantic 2.11.7's 23
  ``@deprecated`` methods, ``BaseModel.dict`` among them, declare nothing);
- a **name** is deprecated when a module-level ``__getattr__`` (PEP 562) warns for it under
  ``if name == "X"``, ``if name in ("X", ...)`` or ``if name in MOVED`` (a module-level literal),
  or after a guard that turns every other name away first (``if name not in MOVED: raise
  AttributeError(...)``, or a ``return``; ``if name != "X": raise ...``): every name of ``MOVED``.
  A project warning helper's call warns too; when it is passed a dotted string from ``MOVED``'s
  value for the name (Sphinx: ``_DEPRECATED_OBJECTS = {"old": (obj, "pkg.new.old", (9, 0))}``,
  ``_deprecation_warning(__name__, name, canonical_name, remove=remove)``), that is the replacement.
- **every name a module does not define**, when its ``__getattr__`` forwards each to another
  module and warns (NumPy 2's ``numpy/core/*.py``: ``ret = getattr(new, name, None)``, ``if ret is
  None: raise AttributeError(...)``, a warning or helper call, ``return ret``; ``new`` bound by an
  import in the hook or at module level); ``from old import X`` for such an ``X`` names ``new:X``
  as the replacement. The module's own names (its definitions, imports, submodules, and stores
  ``for item in ["a", "b"]: globals()[item] = ...``) and those the hook turns away first (``if
  name in {...}: raise ...``) are not declared; a module whose names cannot be enumerated
  (``globals()[x] = ...`` over anything else, ``exec``, a star import) declares nothing, and the
  details say why (``forwards_not_read``).
- a **warning helper** is a project function that warns with the message it is given, or one named
  for warning (``deprecate_call``, ``_deprecation_warning``, ``_apply_theta_transforms_warn``:
  ``warn`` or ``deprecat`` first, or ``_warn``, ``warning`` or ``deprecation`` last) that warns
  anywhere in its body (with a category chosen in an ``if``, the first assigned), or one named
  for warning that calls such
  functions down to ``warnings.warn``, across modules, with the category fixed on the way or
  passed down as an argument or as the class of the instance warned with (SQLAlchemy's
  ``warn_deprecated(msg, version)`` -> ``_warn_with_version(msg, version,
  exc.SADeprecationWarning, ...)`` -> ``_warnings_warn(type_(msg))`` -> ``warnings.warn``;
  ``relays``): its calls declare where a warn would.

Findings: one per import statement per declared thing it runs or names, at the name (or module
path) that brings it in:

- an import that runs a deprecated module: ``import a.b``, ``from a import b`` (``a.b`` a module),
  ``from a.b import x``, relative and star imports, and imports of a *submodule* of a deprecated
  package (Python runs the package's ``__init__`` first; the message says so);
- an import of a deprecated function, class or name, from its module or through a re-export
  (``from pkg import f`` where ``pkg/__init__.py`` imports it), or by a star import that
  exports it; ``from old import X`` (any alias) of a name a forwarding ``__getattr__`` serves
  (``import old`` and a star import are not).

Imports everywhere count (functions, ``try``, ``if TYPE_CHECKING``, stubs: the message says when
the import never runs, ``under TYPE_CHECKING`` or ``in a stub``); imports inside the deprecated module or package itself do not, nor do those
in code where a test expects a warning, or whose every use is in such code: the test of the
deprecation uses it on purpose. That code is a ``with pytest.warns(...)``,
``pytest.deprecated_call()``, ``self.assertWarns``, ``assertWarnsRegex`` or
``assertWarnsMessage`` block, or that of a project's own helper named for expecting or asserting
a warning or deprecation (``expect`` or ``assert`` first, after any ``_``, then ``warn`` or
``deprecat``, ignoring case past the first letter: SQLAlchemy's ``expect_deprecated``,
``expect_deprecated_20``, ``expect_warnings``, ``self._expect_warning``; ``assertWarning``; not
``expect_no_warnings``), or the arguments of such a helper called with the callable that should
warn (NumPy's ``self.assert_deprecated(lambda: old())``, ``assert_warns(DeprecationWarning, old)``);
a ``pytest.raises(W)`` / ``assertRaises(W)`` /
``assertRaisesRegex(W, ...)`` block where ``W`` is a warning category (a name ending in
``Warning``, or a tuple holding one: the test made warnings errors); a
``warnings.catch_warnings(record=True)`` block (the test records the warnings of its body);
the body of a function taking pytest's ``recwarn`` fixture. ``warnings.catch_warnings()``
without ``record`` only silences the warning, so an import in it counts, as does one in
``pytest.raises(ValueError)``. The message
quotes the declaration's own text and its ``file:line``. Any other rewrite in a test file (``test_*.py``, ``*_test.py``,
``conftest.py``, or under a ``tests`` / ``test`` / ``testing`` directory) whose text mentions
warnings, away from a module that warns when imported, is an unsafe fix: the test may check
that warning in a way no name shows (``fix.warning_tests``).

Replacement: when the declaration's text names one (``Use X instead``, ``from A import B``,
``moved to A.B``, ``renamed X`` / ``renamed A to X``, ``import it from A``: ``A`` under the same name, ``use the correct X name``, ...; a word marked or spelled
as code, not a prose word like ``use literal values``, nor a keyword argument, ``use `shape=...```) and it resolves to exactly one project module or name (see
``replacement``), the finding carries it as ``{replacement}``. An unresolvable or ambiguous text
gives none, and the rule's details (``-o json``) list why (``not_deprecations`` lists the
declarations set aside, each with its category: a warning helper's, not the helper's name; or
with the condition a warning about something else runs under).

Fix (``ssot-lint fix``): an import whose declaration names a replacement is rewritten as
``deprecated-import`` rewrites it, and verified against the project the same way
(``declared_deprecation.fix``): a *safe* fix when the replacement defines every name the import
needs, each the same kind of thing (class, function, module); refused with the reason when it
does not (``Gone is not defined in new.mod``; the statement is split, so the names that exist
move); *unsafe* when the project cannot tell, and when a function, class or name is replaced by
one of another name (the declaration says what to use instead, not that it takes the same
arguments). No replacement, an ambiguous one, or one that is deprecated itself: no fix, and the
summary says why. The declaring module's own imports are never findings, so never rewritten.
One text (``fix --stdin-filename``, ``api.fix_source``, the editor's code actions) is fixed as
its file would be: the declarations are read from the project (the result cache) with the text,
and the editor's other unsaved buffers, in place of their files.

Conflict: a canonical target (a right-hand side of ``replace``) of a loaded ``deprecated-import``
rule that runs a deprecated module, or is a declared name, is a finding in its rule file, at the
first mapping naming it (as ``rules --check`` locates mappings): following the rule would trade
one deprecated import for another.

Options: ``categories`` (more warning classes, dotted, that declare a deprecation, e.g. a
third-party ``sqlalchemy.exc.SADeprecationWarning``), ``decorators`` (more dotted decorator names:
where one is defined or a re-export of it, ``pkg.util.deprecations.moved_20`` or ``pkg.util.moved_20``;
either matches the decorated code's spelling, as both name the same function; one that marks
nothing in the rule's scope is listed in the details as ``unused_decorators`` and reported by
``ssot-lint rules --check``),
``ignore-modules`` (modules whose declarations do not count: names or patterns like
``pkg.compat.*``). The rule sees the files in its scope: give it the whole project.

Message fields: ``{what}`` (``module``, ``package``, ``function``, ``class`` or ``name``),
``{target}`` (``pkg.mod`` or ``pkg.mod:Name``), ``{text}`` (the declaration's text),
``{declared}`` (its ``file:line``), ``{how}`` (``warns at import``, ``@deprecated`` ...),
``{replacement}`` (empty when none resolved), ``{imported}`` (what the statement imports),
``{context}`` (notes: submodule, re-export, ``TYPE_CHECKING``, the replacement).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.imports import bindings
from ssot_lint.config.tomlfile import EntryLines
from ssot_lint.fix.verdicts import UNVERIFIED, VERIFIED, Need, Verdict, applicability, worst
from ssot_lint.kinds.base import DOTTED, FileContext, FixContext, FixOutcome, Option, OptionError, ProjectFix, Rule
from ssot_lint.kinds.declared_deprecation import examples
from ssot_lint.kinds.declared_deprecation.declarations import DECORATORS, may_declare, module_bindings, read_declarations
from ssot_lint.kinds.declared_deprecation.project import Declared, Hit, Project, build, hits
from ssot_lint.kinds.declared_deprecation.rewrite import Mapping, derive, mapping, renamed, use_needs
from ssot_lint.kinds.import_uses import IMPORT_USES
from ssot_lint.model import UNSAFE, FileRef, Finding
from ssot_lint.project.module_paths import parents
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.project.summary_walk import summarise

if TYPE_CHECKING:
    import libcst as cst


class DeclaredDeprecation(Rule):
    kind = "declared-deprecation"
    reads_outline = True  # summarise(ctx), for every file
    summary = "Imports of modules, functions, classes and names that the project itself declares deprecated."
    category = "Compatibility"
    options = {
        "categories": Option("str-list", "more warning categories (dotted names) that declare a deprecation", default=()),
        "decorators": Option("str-list", "more decorators (dotted names) that mark a function or class deprecated", default=()),
        "ignore-modules": Option("str-list", "modules whose declarations do not count (names or patterns like pkg.compat.*)", default=()),
    }
    categories: tuple[str, ...]
    decorators: tuple[str, ...]
    ignore_modules: tuple[str, ...]
    message_fields = ("what", "target", "text", "declared", "how", "replacement", "imported", "context")
    default_message = '{what} {target} is deprecated ({declared}: "{text}"){context}'
    sees_unparsed = True
    fixable = True
    # The examples the kind's page shows and test-rules runs (their own module: they are long).
    EXAMPLE_OPTIONS = examples.OPTIONS
    VALID = examples.VALID
    INVALID = examples.INVALID

    def configure(self) -> None:
        for name in (*self.categories, *self.decorators):
            if not DOTTED.match(name):
                raise OptionError(f"{name!r} is not a dotted name")
        self._decorators = DECORATORS | frozenset(self.decorators)
        self._peers: list[Rule] = []

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        return True  # every module: the index needs its definitions, and any import may run a deprecated module

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        summary = summarise(ctx)  # shared with the other project-wide kinds (one parse, one walk)
        declares = may_declare(ctx.text, self._decorators)
        # Declarations may use names imported anywhere (a def's own `from warnings import warn`);
        # module-level class bases only module-level ones, which the summary already holds.
        bound = bindings(ctx.imports()) if declares else module_bindings(summary)
        declarations, classes, relays = read_declarations(ctx.tree, ctx.ref.module, bound, declares, self._decorators)
        return [], (summary, declarations, classes, relays)

    def module_summary(self, fact: Any) -> ModuleSummary | None:
        return fact[0]

    def see_rules(self, rules: list[Rule]) -> None:
        self._peers = [r for r in rules if r.kind == "deprecated-import"]

    def project(self, facts: list[tuple[FileRef, Any]]) -> Project:
        return build(facts, self.categories, self.ignore_modules, self._decorators)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        project = self.project(facts)
        findings: list[Finding] = []
        # Each finding with a rewrite, for ``annotate`` (the next step of the same run) to verify.
        self._pending: dict[tuple[str, int, int, str], tuple[Hit, Mapping]] = {}  # by position and anchor
        for hit, found in self.fixes(project, facts):
            finding = self.hit_finding(hit, "" if isinstance(found, str) else UNSAFE)
            findings.append(finding)
            if not isinstance(found, str):
                self._pending[(finding.path, finding.line, finding.col, finding.anchor)] = (hit, found)
        findings.extend(self.conflicts(project))
        details = {
            "declarations": [_describe(d) for d in project.declared()],
            "not_deprecations": project.ignored,
            "forwards_not_read": project.forwards_not_read,  # a forwarding __getattr__ in a module whose names cannot be enumerated
            # listed in ``decorators`` and marking nothing in the rule's scope (``rules --check`` says so)
            "unused_decorators": sorted(set(self.decorators) - project.decorators_used),
        }
        return findings, None, details

    @staticmethod
    def fixes(project: Project, facts: list[tuple[FileRef, Any]]) -> Iterator[tuple[Hit, Mapping | str]]:
        """Every hit (by path) with the mapping that fixes it, or why none does."""
        for ref, fact in sorted(facts, key=lambda f: f[0].path):
            if fact is not None:
                for hit in hits(project, ref, fact[0]):
                    yield hit, mapping(project, hit)

    def annotate(self, findings: list[Finding], facts: dict[str, Any], context: FixContext) -> list[Finding]:
        """Verify the rewrite of each finding with one (as ``deprecated-import`` verifies its
        own): safe when verified, none when refused, unsafe when it cannot be verified."""
        pending = getattr(self, "_pending", {})
        file_facts = getattr(context.verifier.source, "file_facts", None) if context.verifier is not None else None
        if not pending or file_facts is None:
            return findings
        assert context.verifier is not None
        by_path: dict[str, dict[str, str]] = {}
        for (path, *_), (_, (old, new)) in pending.items():
            by_path.setdefault(path, {})[str(old)] = str(new)
        uses = file_facts(by_path, IMPORT_USES)
        rules = {path: derive(self.id, pairs) for path, pairs in by_path.items()}
        needed: dict[int, tuple[Need, ...] | None] = {}
        for index, finding in enumerate(findings):
            item = pending.get((finding.path, finding.line, finding.col, finding.anchor))
            if item is None or finding.applicability != UNSAFE or uses.get(finding.path) is None:
                continue
            hit, (old, _) = item
            statement = [use for use in uses[finding.path] if use.statement == hit.fact.statement[:2]]
            needed[index] = use_needs(statement, old, rules[finding.path], hit.ref.module)
        context.verifier.prefetch(need for needs in needed.values() for need in needs or ())
        annotated = list(findings)
        for index, needs in needed.items():
            finding = findings[index]
            if needs is None:
                annotated[index] = dataclasses.replace(finding, applicability="")
            elif needs:
                hit, (_, new) = pending[(finding.path, finding.line, finding.col, finding.anchor)]
                why = renamed(hit, new)  # unsafe however well it verifies
                verdicts = [context.verifier.verify(need, False, rules[finding.path], hit.ref.module or "", finding.path) for need in needs]
                verdict = worst([Verdict(UNVERIFIED if why else VERIFIED, why), *verdicts])  # the rename says it best
                annotated[index] = dataclasses.replace(finding, applicability=applicability(verdict))
        return annotated

    def fix_project(self, facts: list[tuple[FileRef, Any]]) -> ProjectFix:
        """The files with a finding to fix, why each other finding stays, and the project."""
        project = self.project(facts)
        paths: set[str] = set()
        # By anchor too: a star import's findings share its position, each with its own reason.
        reasons: dict[tuple[str, int, int, str], str] = {}
        for hit, found in self.fixes(project, facts):
            if isinstance(found, str):
                reasons[(hit.ref.path, hit.span[0], hit.span[1], hit.anchor)] = found
            else:
                paths.add(hit.ref.path)
        for conflict in self.conflicts(project):
            why = "not fixable: the rule file names a deprecated canonical target; change the rule"
            reasons[(conflict.path, conflict.line, conflict.col, conflict.anchor)] = why
        return ProjectFix(frozenset(paths), data=project, anchored=reasons)

    def fix(self, module: cst.Module, ref: FileRef, context: FixContext) -> FixOutcome:
        """Rewrites the imports whose declaration names a replacement; see ``declared_deprecation.fix``."""
        from ssot_lint.kinds.declared_deprecation.fix import fix_declared

        return fix_declared(self, module, ref, context)

    def hit_finding(self, hit: Hit, applicability: str = "") -> Finding:
        declared = hit.declared
        fact = hit.fact
        imported = fact.module if fact.name is None else f"{fact.module}.{fact.name}"
        replacement = declared.replacement.target
        notes = list(hit.context)
        if replacement:
            notes.append(f"use {replacement}")
        message = self.message_for(declared, imported or "", notes)
        return Finding(self.id, *hit.span, message, self.severity, hit.ref.path, hit.anchor, fact.statement[0], applicability=applicability)

    def message_for(self, declared: Declared, imported: str, notes: list[str]) -> str:
        d = declared.declaration
        return self.format(
            what=declared.what,
            target=declared.target,
            text=d.text,
            declared=declared.where,
            how=d.how,
            replacement=declared.replacement.target,
            imported=imported,
            context="".join(f"; {note}" for note in notes),
        )

    def conflicts(self, project: Project) -> list[Finding]:
        """Canonical targets of loaded deprecated-import rules that are deprecated themselves."""
        findings = []
        lines = EntryLines()  # each finding at the first mapping naming the target, as `rules --check` locates it
        for rule in self._peers:
            replace: dict[str, str] = getattr(rule, "replace", {})
            for new in sorted(set(replace.values())):
                module, _, name = new.partition(":")
                declared = project.names.get((module, name)) if name else None
                chain = [m for m in (*parents(module), module) if m in project.modules]
                for found in [*(project.modules[m] for m in chain), *([declared] if declared else [])]:
                    note = (
                        f"the canonical target {new} of rule {rule.id} runs it" if found.declaration.name is None else f"rule {rule.id} names it as canonical"
                    )
                    message = self.message_for(found, new, [note])
                    line = lines.of(rule.meta.origin, rule.meta.line, "replace", next(old for old, to in replace.items() if to == new)) or 1
                    findings.append(
                        Finding(self.id, line, 1, line, 1, message, self.severity, rule.meta.origin, f"{rule.id} canonical {new} -> {found.target}", line)
                    )
        return findings


def _describe(declared: Declared) -> dict[str, Any]:
    d = declared.declaration
    replacement = declared.replacement
    return {
        "target": declared.target,
        "what": declared.what,
        "declared": declared.where,
        "how": d.how,
        "text": d.text,
        "replacement": replacement.target or None,
        "no_replacement_because": replacement.reason or None,
    }
