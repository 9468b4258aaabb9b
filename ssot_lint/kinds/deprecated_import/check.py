"""deprecated-import: imports of deprecated module paths or members, and calls of deprecated callables.

Options
- ``replace`` (table, required): deprecated -> canonical. Keys and values are ``package.module``
  or ``package.module:Member``. A deprecated module also covers its submodules. Chains resolve to
  their final target (``a:X -> b:X`` with ``b:X -> c:X``, or with ``b -> c``, is ``a:X -> c:X``),
  so a message never recommends a deprecated path; a chain that comes back on itself is an error
  when the rule file loads. Chains run through the other ``deprecated-import`` rules too
  (``pkg.old -> pkg.mid`` in one, ``pkg.mid -> pkg.new`` in another: ``pkg.old -> pkg.new``), but
  not through a rule limited by ``paths`` or ``exclude``: what its fix then writes is left, with
  that reason, for the next ``ssot-lint fix``. A chained replacement the project does not have
  (``pkg.sub.old -> pkg.sub.mats.dm`` followed through ``pkg.sub -> pkg`` is ``pkg.dm``, which no
  file gives) stops the chain at the last one it has: the message advises it, ``fix`` writes it,
  and ``ssot-lint rules --check`` says where the chain stopped. A cycle through several rules is an error at the
  mapping of the rule loaded last among them (the one that closes it). One target mapped to two
  different replacements by two rules is an error at the second one's mapping, naming the first
  (``r2.toml:5: rule X1: 'old.mod' is already mapped to 'new.mod' by rule APP001
  (rules.toml:4)``), when neither rule is limited by ``paths``/``exclude``; when one is (a
  migration per directory), ``ssot-lint rules --check`` warns of it, as where both rules apply a
  file would get both advices. A more specific target under a module another rule maps
  (``old.mod:X -> b.mod:X`` in one rule, ``old.mod -> a.mod`` in another) refines it, as in one
  table: ``from old.mod import X`` is that rule's alone.
- ``calls`` (table or list): deprecated callables ``module:function``, flagged at every call site
  reached through an import (``f()``, ``m.f()``), mapped to a replacement or to ``""``. Through a
  module that re-exports the callable too (``pkg.f()`` or ``from pkg import f`` where
  ``pkg/__init__.py`` has ``from pkg.mod import *`` or ``from pkg.mod import f``; networkx's
  ``nx.d_separated(g)``): the file records the call's qualified name, and the project's module
  index resolves it as ``fix`` resolves an import (explicit re-exports, star imports and their
  ``__all__``, package attributes). A resolution that is not certain is no finding: a name bound
  twice or under a condition, served by a ``__getattr__``, star-imported from outside the project
  or through a dynamic ``__all__``, a package binding a submodule's name itself, a module
  outside the project. ``ssot-lint rules --check`` warns of an entry naming a callable (or a
  replacement) that the project's module shows it does not have.
- ``allow-kind-change`` (list): keys of ``replace`` whose replacement may be another kind of thing
  than the target (a class for a function, a class for a module): their import rewrites are not
  refused for that reason. A module key allows it for every name under the module.
  ``ssot-lint rules --check`` lists the mappings the fix will refuse (another kind of thing, or
  a replacement that does not exist), each at its line in the rule file.

Matched: ``import a.b``, ``import a.b as x``, ``from a.b import c``, ``from a import b`` (b a
submodule or member), ``from a import *`` (under a mapping of ``a``, or of ``a:X``, which says
``a`` has X; not under one a mapping of the replacement implies, ``a -> b`` with ``b:X -> c:Y``,
which says nothing of what ``a`` binds; nor, after aggregation, where the module index shows the
star import cannot bind X: ``a`` is the project's and its ``__all__`` a literal without X, or,
without ``__all__``, ``a`` binds no X (only its ``__getattr__`` serves it, which ``import *``
never calls: pydantic's ``from .types import *`` under ``pydantic.types:PyObject``), and the
importer is not run while ``a`` initializes; a dynamic ``__all__``, a module outside the project,
a star import of ``a``'s from outside it keep the finding), relative imports resolved against the file's package
(under its root-relative name too when its name is inferred: ``rooted``),
and imports nested in functions, ``try`` and ``if TYPE_CHECKING`` blocks. One finding per
deprecated target per statement: a star import under several member mappings of its module
(networkx's ``from networkx.algorithms.d_separation import *`` under ``d_separated`` and
``minimal_d_separator``) is a finding for each member, as importing them by name is, and one
for a module mapping above it too (each refuted on its own where the module index shows the star
import cannot bind that member). It is one statement, so one fix decision: a star import under a
member mapping cannot be narrowed, so it stays, and each finding says so of its own target
(``deprecated_import.stars``); so does a rule's finding for the module where another rule
reports the member (its mapping refines this one's): two rules never decide one statement apart. A reference through an import of a package above the target
is a finding too, one per reference: ``import collections`` then ``collections.OrderedDict``
for a rule on ``collections:OrderedDict`` (as ruff's banned-api). The deprecated module's own
files are matched too (``pkg/old/__init__.py``'s ``from .extensions import X`` under ``pkg.old
-> pkg.new``), unlike ``declared-deprecation``, which exempts them: a rule names a path, and code
moved to the replacement takes its imports along (Django's DJ002, ``django.db.models.fields ->
django.db.models``, reports the fields package's imports of its own modules); the fix refuses
what the replacement does not give. A shim package kept only to forward (NumPy 2's ``numpy/core/``,
whose files import its own ``_utils``) is left out with the rule's ``exclude = ["numpy/core/**"]``. Strings, comments and docstrings never match: only the syntax tree is read. Not matched: what a test uses inside
code that expects a warning, and an import whose every use is inside such code: a test of the
deprecation uses it on purpose, and rewriting it would make that test fail. That code is a
block of ``with pytest.warns(...)``, ``pytest.deprecated_call()``, ``self.assertWarns`` /
``assertWarnsRegex``, Django's ``assertWarnsMessage``, or a project's own helper named for
expecting or asserting a warning or deprecation (``expect`` or ``assert`` first, after any
``_``, then ``warn`` or ``deprecat``, ignoring case past the first letter: SQLAlchemy's
``expect_deprecated``, ``expect_deprecated_20``, ``expect_warnings``, ``self._expect_warning``;
``assertWarning``; not ``expect_no_warnings``); of ``pytest.raises(W)`` /
``assertRaises(W)`` / ``assertRaisesRegex(W, ...)`` with ``W`` a warning category (a name
ending in ``Warning``, or a tuple holding one); of ``warnings.catch_warnings(record=True)``;
or the body of a function taking pytest's ``recwarn`` fixture. A plain
``catch_warnings()`` only silences the warning and ``pytest.raises(ValueError)`` expects no
warning: imports in them are matched. Any other rewrite in a test file (``test_*.py``, ``*_test.py``,
``conftest.py``, or under a ``tests`` / ``test`` / ``testing`` directory) whose text mentions
warnings, away from a module that warns when imported, is an unsafe fix: the test may check
that warning in a way no name shows (``fix.warning_tests``).

Not matched either: ``from pkg import name`` naming a deprecated submodule ``pkg.name`` where
``pkg`` binds a ``name`` of its own (SymPy's ``from .simplify import simplify`` in
``sympy/__init__.py``: ``from sympy import simplify`` is the function, as Python takes the
package's attribute first). Only where the project shows it, after aggregation (the module
index): ``pkg`` is the project's and binds ``name`` once, unconditionally, by an import from
``pkg.name`` or below it, to something other than that module or one below it, and the
importing module is not run while ``pkg`` initializes. Otherwise (a binding under a condition,
or from another module, which the submodule's first import replaces) it is reported.

Message fields: ``{target}`` (the deprecated path), ``{replacement}``, ``{imported}`` (what the
statement names), ``{what}`` (``module``, ``member``, ``attribute`` or ``call``).

Fix (``ssot-lint fix``): imports are rewritten to the replacement, keeping the names the file
binds (``from new import B as A`` when member ``A`` became ``B``), aliases, comments, parentheses
and trailing commas; relative imports become absolute; ``import old.mod`` used as ``old.mod.X``
has every such reference rewritten. Every rewrite is verified against the project first
(``fix.verify``): each name the new import names must exist in the replacement (defined there,
bound by an import, star-exported, or a submodule), as must each attribute the file reads
through a module it binds, and must be the same kind of thing as before (class, function,
module) unless ``allow-kind-change`` says otherwise. It must be the very object the old import
named (a re-export of it), or the rewrite is *unsafe* (``new.mod.A is another definition than
old.mod.A``). A rewrite of an import that may run on import (anywhere but under ``if
TYPE_CHECKING``; a function may be called on import) must also run anew (import where the
importer did not for sure already) no project module that does more than bind its names, stop no
module with import-time effects from running,
and close no new import cycle: when the module it now imports (or a package above it) imports
this module back at import time, and the deprecated target did not read from that module
already, the rewrite is *unsafe*, with the cycle (``rewriting this import makes pkg.expr -> pkg
-> pkg.expr an import cycle``). A rewrite to ``from pkg import name``, where ``pkg`` binds
``name`` over its submodule, is not fixable where it surely runs before ``pkg`` has bound it
(SymPy's ``sympy/simplify/__init__.py``: ``from .simplify import simplify`` would become ``from
.. import simplify`` and bind the module ``sympy.simplify``), and unsafe where it may. See
docs/fixing.md. A verified rewrite is a *safe* fix. A name
the replacement lacks is not rewritten, with the reason (``X is not defined in new.mod``); the
statement is split, so the names that exist move. A replacement outside the project (standard
library, third-party) cannot be verified: the rewrite is *unsafe*, applied only with
``--unsafe-fixes``, as is narrowing nothing in ``from old import *`` and rewriting a module
the file uses as a value (``x = old.mod``, ``f(m)``: what is read through it is unknown). A reference through an
import of a package above the target (``collections.OrderedDict``) becomes one through the
replacement's module (``compat.odict.OrderedDict``), verified the same way; ``import
compat.odict`` is added right after the import it came through, which goes once nothing else in
the file uses it (``deprecated_import.references`` lists when a reference is left instead: it is
assigned to, or a chain read through it is, its name is rebound or imported inside a function, the new top-level name is taken
...). Calls are left for a human (the replacement may take other arguments).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.imports import ImportRef
from ssot_lint.kinds.base import OPTION_TYPES, FileContext, FixContext, FixOutcome, ImportMapping, Option, OptionError, Rule, Target
from ssot_lint.kinds.deprecated_import import examples
from ssot_lint.kinds.deprecated_import.calls import unconfirmed_calls
from ssot_lint.kinds.deprecated_import.file_check import check_file
from ssot_lint.kinds.deprecated_import.index import Index, annotate_rewrites, chain_end, refuted_imports
from ssot_lint.kinds.deprecated_import.linking import follow, rehash
from ssot_lint.kinds.deprecated_import.prefilter import Prefilter
from ssot_lint.kinds.deprecated_import.rewrite import chain_paths, match_target, match_targets, moved_to, under
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.module_paths import root_named

if TYPE_CHECKING:
    import libcst as cst


class DeprecatedImport(Rule):
    kind = "deprecated-import"
    summary = "Imports of deprecated module paths or members (and calls of deprecated callables)."
    category = "Compatibility"
    options = {
        "replace": Option("str-map", "deprecated -> canonical ('module' or 'module:Member')", required=True),
        "calls": Option(
            "any",
            "deprecated callables 'module:function' (list, or table to replacements)",
            schema={
                "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}]
            },
        ),
        "allow-kind-change": Option("str-list", "keys of 'replace' whose replacement may be another kind of thing (a class for a function)", default=()),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them); configure() checks
    # the shape of ``calls`` (a list, or a table to replacements).
    replace: dict[str, str]
    calls: list[str] | dict[str, str] | None
    allow_kind_change: tuple[str, ...]
    message_fields = ("target", "replacement", "imported", "what")
    default_message = "{target} is deprecated; import {replacement}"
    fixable = True
    # The examples the kind's page shows and test-rules runs (their own module: they are long).
    EXAMPLE_OPTIONS = examples.OPTIONS
    VALID = examples.VALID
    INVALID = examples.INVALID

    def configure(self) -> None:
        # Each target's replacements along its chain (the final one last), and the final one.
        self.paths = chain_paths({Target.parse(old): Target.parse(new) for old, new in self.replace.items()})
        self.targets: list[tuple[Target, Target]] = [(old, path[-1]) for old, path in self.paths.items()]
        self._kind_changes = {Target.parse(t) for t in self.allow_kind_change}
        for target in self._kind_changes:
            if str(target) not in self.replace:
                raise OptionError(f"allow-kind-change: {str(target)!r} is not a key of 'replace'")
        calls: object = self.calls if self.calls is not None else {}
        if isinstance(self.calls, dict):  # a table goes through the checks of every table option
            try:
                OPTION_TYPES["str-map"](calls)
            except OptionError as exc:
                raise OptionError(f"calls: {exc}", key="calls", entry=exc.entry) from None
        if isinstance(calls, list) and all(isinstance(c, str) for c in calls):  # a list inside it would not hash: refused below
            calls = {c: "" for c in calls}
        if not isinstance(calls, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in calls.items()):
            raise OptionError("'calls' must be a list of 'module:function' or a table of them to replacements")
        self.call_targets: dict[str, tuple[Target, str]] = {}
        for old, new in calls.items():
            target = Target.parse(old)
            if target.member is None:
                raise OptionError(f"'calls' entry {old!r} must name a callable as 'module:function'")
            if new:
                Target.parse(new)
            self.call_targets[target.dotted] = (target, new)
        # Longest first, so the most specific deprecated path wins when several cover an import.
        self.targets.sort(key=lambda pair: -len(pair[0].dotted))
        self._prefilter = Prefilter([t for t, _ in self.targets], [t for t, _ in self.call_targets.values()])
        self._ceded: set[Target] = set()  # other rules' targets under this rule's modules (``link``)
        self._matched = self.targets
        self._rewritable: list[tuple[Target, Target]] = []  # what the run's other rules may rewrite (``link``)
        self._rewriters: dict[Target, DeprecatedImport] = {}  # which of them rewrites each

    def link(self, rules: list[Rule]) -> None:
        """Follow this rule's replacements through the other deprecated-import rules of the run
        (``linking.follow``); refuse, as in one table, a chain that comes back on itself and a
        target an earlier rule maps elsewhere."""
        peers = [rule for rule in rules if isinstance(rule, DeprecatedImport) and rule is not self]
        # Every import another deprecated-import rule of the run may rewrite (``may_rewrite``).
        every = {Target.parse(old): Target.parse(new) for rule in peers for old, new in rule.replace.items()}
        self._rewritable = sorted(every.items(), key=lambda pair: -len(pair[0].dotted))
        self._rewriters = {Target.parse(old): rule for rule in peers for old in rule.replace}  # the last one wins, as in ``every``
        followed = follow(self, [rule for rule in peers if not rule.meta.paths and not rule.meta.exclude], rules)
        if followed is None:
            return
        self._matched, self._ceded = followed.matched, followed.ceded
        if dict(followed.targets) == dict(self.targets) and not self._ceded:
            return
        self.targets, self.paths = followed.targets, followed.paths
        self._prefilter = Prefilter([t for t, _ in self.targets], [t for t, _ in self.call_targets.values()])
        self.meta = dataclasses.replace(
            self.meta, digest=rehash(self.meta.digest, followed.spelled), counts_digest=rehash(self.meta.counts_digest, followed.spelled)
        )

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        rooted = root_named(ref)  # a relative import may name the module as a rule names it from the root
        return self._prefilter.could_match(text, ref) or (rooted is not None and self._prefilter.could_match(text, rooted))

    def match(self, ref: ImportRef) -> tuple[Target, Target] | None:
        """The deprecated target an imported name falls under (None when canonical); for a star
        import, the first of ``matches``, under which the fix decides what the statement becomes."""
        found = self.matches(ref)
        return found[0] if found else None

    def matches(self, ref: ImportRef) -> list[tuple[Target, Target]]:
        """Every deprecated target an imported name falls under, most specific first: one at
        most, but a star import may fall under several (``rewrite.match_targets``), each a
        finding of its own."""
        if ref.module is None:
            return []
        if not self._ceded:
            return match_targets(self.targets, ref.module, ref.name)
        return [hit for hit in match_targets(self._matched, ref.module, ref.name) if hit[0] not in self._ceded]

    def decides(self, ref: ImportRef) -> tuple[Target, Target] | None:
        """The target the rewrite of the statement an imported name is in is decided under: the
        first of ``matches``, but the first of every rule for a star import whose first target
        another rule reports (``link``: a member mapping refining this rule's module mapping),
        which cannot be narrowed either: two rules never decide one statement apart."""
        if ref.module is None:
            return None
        found = match_targets(self._matched if self._ceded else self.targets, ref.module, ref.name)
        return found[0] if found else None

    def reports_module_part(self, ref: ImportRef, old: Target) -> bool:
        """Whether a deprecated import is reported at the module path of its ``from`` statement
        (the module is what is deprecated) rather than at the imported name."""
        return old.member is None and ref.module is not None and (ref.module == old.module or ref.module.startswith(old.module + "."))

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        """The file's findings and rewrite facts (``deprecated_import.file_check``)."""
        return check_file(self, ctx)

    def end(self, old: Target, new: Target, index: Index | None) -> Target:
        """Where this rule sends ``old`` (mapped to its final replacement ``new``) in a project
        whose module ``index`` says which modules of the chain exist (``rewrite.chain_end``)."""
        path = self.paths.get(old)
        if path is None or path[-1] != new or index is None:
            return new
        return chain_end(path, index.absent)

    def moved(self, module: str, name: str | None, index: Index | None = None) -> str | None:
        """Where this rule's fix sends ``from module import name`` (``import module`` when
        ``name`` is None), as a dotted name; None when it is not deprecated (``fix.verify.Mover``).
        A target this rule leaves to another rule (``link``) goes where that rule sends it."""
        return moved_to(self._matched, module, name, index)

    def others_moved(self, module: str, name: str | None) -> str | None:
        """Where another deprecated-import rule of the run (of the rule files loaded, ``--select``
        or not) sends ``from module import name`` (``import module`` when ``name`` is None), as
        ``moved`` says it: an import it may stop running once fixed (``fix.import_runs``)."""
        return moved_to(self._rewritable, module, name)

    def other_rule(self, module: str, name: str | None) -> DeprecatedImport | None:
        """The other rule of the run whose rewrite ``others_moved`` answers with: whether it
        leaves a statement as written is its scope's and its suppression comments' to say."""
        hit = match_target(self._rewritable, module, name)
        return self._rewriters.get(hit[0]) if hit is not None else None

    def allows_kind_change(self, target: str) -> bool:
        """Whether ``allow-kind-change`` lets ``target``'s replacement be another kind of thing."""
        parsed = Target.parse(target)
        return any(t == parsed or (t.member is None and under(parsed.dotted, t.module)) for t in self._kind_changes)

    def mappings(self) -> list[ImportMapping]:
        """Each ``replace`` entry with its final replacement (chains resolved); then each
        ``calls`` entry, the callable to its replacement (itself when it has none), which no
        fix applies: ``rules --check`` says whether the callable exists."""
        final = dict(self.targets)
        return [
            *(
                ImportMapping("replace", old, Target.parse(old), final[Target.parse(old)], self.allows_kind_change(old), self.paths.get(Target.parse(old), ()))
                for old in self.replace
            ),
            *(ImportMapping("calls", str(target), target, Target.parse(new) if new else target) for target, new in self.call_targets.values()),
        ]

    def annotate(self, findings: list[Finding], facts: dict[str, Any], context: FixContext) -> list[Finding]:
        """Import rewrites verified against the project are safe, refused ones are not fixable,
        the rest (replacement outside the project ...) stay unsafe; see ``fix.verify``."""
        verifier = context.verifier
        if verifier is None:
            return findings
        return annotate_rewrites(self, findings, facts, verifier)

    def refuted(self, findings: list[Finding], facts: dict[str, Any], context: Callable[[], FixContext]) -> list[bool]:
        """``from pkg import name`` where the project shows that ``pkg`` binds a ``name`` of its
        own, which Python finds instead of the deprecated submodule (``index.package_binding``);
        a call through a re-export the project does not surely resolve to the deprecated
        callable (``calls.unconfirmed_calls``)."""
        verifier_of = lambda: context().verifier  # noqa: E731 - made once, by ``refute``, if asked for
        imports, calls = refuted_imports(findings, facts, verifier_of), unconfirmed_calls(findings, facts, verifier_of)
        return [no_import or no_call for no_import, no_call in zip(imports, calls, strict=True)]

    def fix(self, module: cst.Module, ref: FileRef, context: FixContext) -> FixOutcome:
        """Rewrites deprecated imports to their replacements; see ``deprecated_import.fix``."""
        from ssot_lint.kinds.deprecated_import.fix import fix_imports  # it builds on this module

        return fix_imports(self, module, FileContext.of_module(module, ref), context)
