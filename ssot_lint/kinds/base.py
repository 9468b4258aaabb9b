"""The contract every rule kind implements (the per-file context it sees is ``file_context``).

A rule kind is one class in one module of this package. It declares its options (validated
when a rule file loads), a text prefilter that is a provable superset of what it can match,
a per-file ``check`` that returns plain picklable values, and optionally an ``aggregate``
step over all files' facts for project-wide counts. A kind that can repair its findings sets
``fixable`` and implements ``fix`` (the engine that applies fixes safely is ``ssot_lint.fix.engine``,
each file's step ``ssot_lint.fix.apply``); what a fix gets and returns is defined in ``fixes``
and importable from here, as everything a plugin implementing a kind needs (``__all__``); an
option's declaration and value types are in ``options``.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.prefilter import TextPattern
from ssot_lint.analysis.source_lines import Span
from ssot_lint.config.globs import GlobSet
from ssot_lint.kinds.fixes import FixContext, FixNote, FixOutcome, ProjectFix, Unfixed
from ssot_lint.kinds.options import OPTION_TYPES, Option, OptionError, option_attribute
from ssot_lint.kinds.text import names_in_text, normalise_code, word_pattern
from ssot_lint.model import FileRef, Finding

if TYPE_CHECKING:  # libcst is imported only when a fix (or a kind's check) needs a libcst tree
    import libcst as cst

    from ssot_lint.project.module_summary import ModuleSummary

DOTTED = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*)*$")


@dataclass(frozen=True)
class Example:
    """A rule's own test: analyzing ``files`` must yield exactly ``expect`` findings
    (at ``lines``, when given)."""

    files: dict[str, str]
    expect: int
    lines: tuple[int, ...] | None = None
    line: int = 0  # where the example is written, for error messages

    @classmethod
    def of(cls, code: str, expect: int, path: str = "example.py", lines: Sequence[int] | None = None) -> Example:
        return cls({path: code}, expect, tuple(lines) if lines is not None else None)


@dataclass(frozen=True)
class RuleMeta:
    """What every rule has, whatever its kind: identity, message, scope and origin."""

    id: str
    message: str
    severity: str = "error"
    description: str = ""
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    origin: str = "<builtin>"
    line: int = 0
    digest: str = ""  # hash of the rule's table as written, for cache keys and baselines
    # Where findings about the rule itself are reported (required-events): the rule file relative
    # to the project root, as every finding's path is; ``origin`` (for messages) when unknown.
    report_path: str = ""
    # Hash of what decides the rule's counts: the table without its description, message,
    # severity and examples (history keys snapshots by it, so editing those keeps the trend).
    counts_digest: str = ""
    paths_line: int = 0  # the line of ``paths`` in the rule file (0: not written there)


@dataclass(frozen=True)
class Target:
    """A ``module`` or ``module:member`` reference as written in rule files."""

    module: str
    member: str | None = None
    # A member derived under a module mapping from a member mapping of its replacement (``a -> b``
    # with ``b:X -> c:Y`` gives ``a:X``): it does not say that ``a`` binds X, so a star import of
    # ``a`` is not taken to bind it. Not part of the target's identity.
    derived: bool = field(default=False, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> Target:
        module, sep, member = text.partition(":")
        if not DOTTED.match(module) or (sep and not DOTTED.match(member)) or ":" in member:
            raise OptionError(f"malformed reference {text!r}: expected 'package.module' or 'package.module:Name'")
        return cls(module, member if sep else None)

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.member}" if self.member else self.module

    def __str__(self) -> str:
        return f"{self.module}:{self.member}" if self.member else self.module


@dataclass(frozen=True)
class ImportMapping:
    """One mapping a rule's import fix applies: ``old`` -> ``new`` (the final replacement, after
    chains), written as entry ``entry`` of option ``option``; ``allow_kind_change``: the rule lets
    the replacement be another kind of thing; ``path``: the replacements along the chain, ``new``
    last (where the project lacks ``new``, the chain stops at the last one it has)."""

    option: str
    entry: str
    old: Target
    new: Target
    allow_kind_change: bool = False
    path: tuple[Target, ...] = ()


# What a finding is about, in the words of GitLab Code Quality (and usable by any report).
CATEGORIES = ("Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication", "Performance", "Security", "Style")


class Rule:
    """Base class of rule kinds. Subclasses set the ClassVars and implement ``check``."""

    kind: ClassVar[str]
    summary: ClassVar[str]
    category: ClassVar[str] = "Style"  # one of CATEGORIES
    options: ClassVar[dict[str, Option]] = {}
    message_fields: ClassVar[tuple[str, ...]] = ()
    default_message: ClassVar[str]
    EXAMPLE_OPTIONS: ClassVar[dict[str, Any]] = {}  # options VALID/INVALID are written against
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []
    fixable: ClassVar[bool] = False  # True when ``fix`` is implemented
    # Project-wide kinds that must know every file in scope: aggregate() also gets (ref, None)
    # for files that could not be read or parsed, so they still count as existing modules.
    sees_unparsed: ClassVar[bool] = False
    # Kinds that count definitions: aggregate() gets no facts of a stub (.pyi) beside its
    # module's source, which describes that module and is no second definition of what it
    # defines (``project.module_paths.described_stubs``).
    skips_described_stubs: ClassVar[bool] = False
    # Every file in scope is parsed as a whole, so its syntax error anywhere is SSOT000 (the
    # hidden rule of `check --check-syntax`); otherwise only what a rule reads is parsed.
    whole_file: ClassVar[bool] = False
    # ``check`` reads the module's outline (``FileContext.outline``) of every file it checks, as
    # the module summary does: the other rules then read the file's imports from there too,
    # instead of parsing the statements around each `import` a second time.
    reads_outline: ClassVar[bool] = False
    # ``aggregate`` takes long on a large project and its result pickles: a run with more than
    # one job computes it in a forked child beside the other rules' (``run.beside``).
    aggregates_beside: ClassVar[bool] = False
    _prefilter_memo: TextPattern | None  # prefilter(), set on first use by needs_parse

    def __init__(self, meta: RuleMeta, options: dict[str, Any]) -> None:
        self.meta = meta
        self.id = meta.id
        self.message = meta.message
        self.severity = meta.severity
        self._paths = GlobSet(meta.paths) if meta.paths else None
        self._exclude = GlobSet(meta.exclude) if meta.exclude else None
        for name, spec in self.options.items():
            setattr(self, option_attribute(name), options.get(name, spec.default))
        self.configure()

    def in_scope(self, path: str) -> bool:
        """Whether the rule applies to ``path`` (project-relative; gitignore-style globs)."""
        return self.out_of_scope(path) is None

    def out_of_scope(self, path: str) -> str | None:
        """Why the rule does not apply to ``path``: ``"paths"`` (none of them matches it) or
        ``"exclude"`` (one of them does); None when it applies."""
        if self._paths is not None and not self._paths.match_file(path):
            return "paths"
        return "exclude" if self._exclude is not None and self._exclude.match_file(path) else None

    # -- hooks for subclasses ---------------------------------------------------------------
    def configure(self) -> None:
        """Check option combinations and precompute; raise ``OptionError(message, key=option)``."""

    def prefilter(self) -> TextPattern | None:
        """A pattern every file this rule could flag contains; None means parse every file."""
        return None

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        try:
            pattern = self._prefilter_memo
        except AttributeError:  # built once per rule, not once per file
            pattern = self._prefilter_memo = self.prefilter()
        return pattern is None or pattern.search(text) is not None

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        """Per-file findings and the facts ``aggregate`` needs (None when it needs none)."""
        raise NotImplementedError

    def module_summary(self, fact: Any) -> ModuleSummary | None:
        """The file's ``project.summary_walk.summarise(ctx)`` when this kind's ``check`` facts
        carry it (None by default): fix verification then reuses it instead of summarising the
        module again (it depends only on the bytes and the module name, as the facts do)."""
        return None

    def fix(self, module: cst.Module, ref: FileRef, context: FixContext) -> FixOutcome:
        """Rewrite ``module`` so this rule's findings go away; report the rest with the reason.

        A fix is *safe* when it cannot change what the program does (verified against the
        project through ``context.verifier`` where it depends on other files) and *unsafe*
        otherwise; unsafe fixes are applied only with ``context.unsafe``, and the findings they
        would fix are left as ``Unfixed(..., unsafe=True)``. Must be idempotent (fixing the
        result again changes nothing) and must keep every byte outside the nodes it edits and
        every comment."""
        raise NotImplementedError(f"rule kind {self.kind!r} has no fix")

    def annotate(self, findings: list[Finding], facts: dict[str, Any], context: FixContext) -> list[Finding]:
        """``findings`` (this rule's, of the whole run, paths filled in) with ``applicability``
        decided where it depends on other files: whether an import's replacement defines the
        names it would import, say. ``facts``: path -> what ``check`` returned for the file.

        Runs after aggregation and apart from it: per-file analysis stays pure, and a kind
        with only this step is not project-wide (``--per-file`` runs keep it). By default the
        applicability ``check`` set stands."""
        return findings

    def refuted(self, findings: list[Finding], facts: dict[str, Any], context: Callable[[], FixContext]) -> list[bool]:
        """Whether the project shows each of ``findings`` (this rule's, of the whole run, paths
        filled in, suppressed ones too) to be no finding at all, which its own file cannot
        tell: ``from pkg import name`` naming a deprecated submodule ``pkg.name`` where ``pkg``
        binds a ``name`` of its own, which Python finds first. Such a finding is dropped before
        ``annotate``, and is not counted (``run.aggregation.refute``, for ``check``, ``fix`` and
        each ``history`` snapshot). ``context`` makes the verification context (once): call it
        only when a finding may be refuted, as most runs have none. None is by default."""
        return [False] * len(findings)

    def mappings(self) -> list[ImportMapping]:
        """The import mappings this rule's fix applies, as its options write them (``ssot-lint
        rules --check`` verifies them against the project); none by default."""
        return []

    def fix_project(self, facts: list[tuple[FileRef, Any]]) -> ProjectFix | None:
        """For a project-wide kind with a fix: what ``fix`` needs to know of the whole project
        (given to it as ``context.projects[rule.id]``), from the facts ``aggregate`` gets. Called
        once, before any file is fixed; None (the default): the kind's fixes need no project."""
        return None

    def link(self, rules: list[Rule]) -> None:
        """Called once the rule files are loaded, with every rule they define (selected or not):
        a kind whose options lean on other rules' (a replacement another rule deprecates)
        resolves them here, raising ``OptionError``, and folds what it resolved into
        ``meta.digest`` and ``meta.counts_digest`` (results cached under the old ones are stale)."""

    def see_rules(self, rules: list[Rule]) -> None:
        """Called before ``aggregate`` with every rule of the run (a kind that judges other
        rules' options, e.g. their canonical targets, keeps what it needs)."""

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        """Project-wide findings (with paths), the rule's count (None: number of findings), details.

        ``facts`` holds the files whose ``check`` returned facts (plus, with ``sees_unparsed``,
        ``(ref, None)`` for in-scope files that could not be analyzed; with
        ``skips_described_stubs``, no stub beside its module's source)."""
        return [], None, {}

    @property
    def ceiling(self) -> int | None:
        """The ``max`` option of kinds that count against a ceiling."""
        return getattr(self, "max_", None)

    # -- helpers ------------------------------------------------------------------------------
    def format(self, **fields: Any) -> str:
        return self.message.format_map(_Fields(fields))

    def finding(
        self,
        ctx: FileContext,
        node: ast.AST | Span,
        message: str,
        *,
        anchor: str | None = None,
        stmt_line: int | None = None,
        severity: str | None = None,
        applicability: str = "",
    ) -> Finding:
        """A finding at ``node`` (or at a span); the anchor defaults to the code there."""
        span = node if isinstance(node, tuple) else ctx.span(node)
        line, col, end_line, end_col = span
        return Finding(
            rule_id=self.id,
            line=line,
            col=col,
            end_line=end_line,
            end_col=end_col,
            message=message,
            severity=severity or self.severity,
            anchor=normalise_code(anchor if anchor is not None else ctx.segment(span)),
            stmt_line=stmt_line or line,
            applicability=applicability,
        )

    @classmethod
    def check_message(cls, message: str) -> None:
        """Refuse a message template that could fail (or leak an attribute) when a finding is
        formatted: only ``{field}`` placeholders of this kind, ``{{``/``}}`` for literal braces.
        Conversions (``!r``), format specs (``:>5``), attribute and index access (``.x``,
        ``[0]``) are refused: fields are text and numbers, shown as they are."""
        known = ", ".join("{" + f + "}" for f in cls.message_fields) or "none"
        try:
            parts = list(string.Formatter().parse(message))
        except ValueError as exc:  # "{name dup", "a } b", "{na{me}}"
            raise OptionError(f"malformed message template: {exc} (write {{{{ and }}}} for literal braces; placeholders: {known})") from None
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            if name not in cls.message_fields:
                field_name = re.split(r"[.\[]", name, maxsplit=1)[0]
                if field_name in cls.message_fields and field_name != name:
                    raise OptionError(f"placeholder {written} in message: attribute and index access are not allowed (write {{{field_name}}})")
                raise OptionError(f"unknown placeholder {written} in message (known: {known})")
            if conversion or spec:
                raise OptionError(f"placeholder {written} in message: conversions and format specs are not allowed (write {{{name}}})")


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# The contract a plugin implements, all importable from here (``fixes`` defines the fix types,
# ``text`` the helpers for prefilters).
__all__ = [
    "CATEGORIES",
    "DOTTED",
    "OPTION_TYPES",
    "Example",
    "FileContext",
    "FixContext",
    "FixNote",
    "FixOutcome",
    "ImportMapping",
    "Option",
    "OptionError",
    "ProjectFix",
    "Rule",
    "RuleMeta",
    "Target",
    "Unfixed",
    "names_in_text",
    "normalise_code",
    "option_attribute",
    "word_pattern",
]
