"""Plain result values shared by analysis, aggregation and reporting.

Everything here is immutable and picklable so per-file results can be cached and
shipped back from worker processes.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any, TypeVar

_T = TypeVar("_T", bound=type)
# (module, qualified name) -> class of every type a cached FileResult may contain. The cache's
# unpickler admits these and nothing else, so a planted cache file cannot run code.
CACHE_VALUE_TYPES: dict[tuple[str, str], type] = {}


def cache_value(cls: _T) -> _T:
    """Register a class whose instances may appear in cached per-file results (facts included).

    Instances pickle as ``(class, field values)``: the ``__setstate__`` dataclasses give slotted
    classes looks the fields up per object, a sixth of reading a large cached run. A named tuple
    (a value made by the hundred thousand) pickles as its class and itself."""
    CACHE_VALUE_TYPES[(cls.__module__, cls.__qualname__)] = cls
    if tuple in cls.__mro__:
        cls.__reduce__ = _reduce_tuple  # type: ignore[method-assign, assignment]
        return cls
    names = tuple(f.name for f in dataclasses.fields(cls))
    values = operator.attrgetter(*names) if len(names) > 1 else (lambda self: (getattr(self, names[0]),))  # one C call per object

    def reduce(self: object) -> tuple[type, tuple[Any, ...]]:
        return type(self), values(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign, assignment]  # replacing the method (not type's) is the point
    return cls


def _reduce_tuple(self: tuple[Any, ...]) -> tuple[type, tuple[Any, ...]]:
    return type(self), tuple(self)


SEVERITIES = ("info", "warning", "error")
SAFE, UNSAFE = "safe", "unsafe"  # Finding.applicability of a fixable finding
PARSE_ERROR_ID = "SSOT000"
UNUSED_SUPPRESSION_ID = "SSOT001"  # only with --report-unused-suppressions
RESERVED_IDS = (PARSE_ERROR_ID, UNUSED_SUPPRESSION_ID)
# ssot-lint's own findings: id -> (kind, severity, category). They get a row in the per-rule summary when they occur.
OWN_KINDS = {PARSE_ERROR_ID: ("parse-error", "error", "Bug Risk"), UNUSED_SUPPRESSION_ID: ("unused-suppression", "warning", "Style")}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@cache_value
@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``path`` is empty in per-file results and filled in by the engine.

    Lines are 1-based, columns 1-based (as editors and ruff show them); ``end_col`` is exclusive.
    ``anchor`` is the whitespace-normalised source text of the flagged node: it identifies the
    finding without line numbers (baseline fingerprints). ``stmt_line`` is the first line of the
    enclosing statement (where a suppression comment may also sit). ``fingerprint`` identifies the
    finding across runs (see ``ssot_lint.ci.fingerprint``); the engine fills it in, like ``path``.
    ``applicability`` says whether ``ssot-lint fix`` has a fix for it (ruff's convention):
    ``safe`` (applied by ``fix``), ``unsafe`` (applied only with ``--unsafe-fixes``: it may change
    what the program does, or could not be verified), or empty (no fix).
    """

    rule_id: str
    line: int
    col: int
    end_line: int
    end_col: int
    message: str
    severity: str
    path: str = ""
    anchor: str = ""
    stmt_line: int = 0
    fingerprint: str = ""
    applicability: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.rule_id, self.message)


@cache_value
@dataclass(frozen=True, slots=True)
class Suppression:
    """A ``# ssot: ignore[...]`` comment. ``rule_ids`` is empty for a bare ``# ssot: ignore``
    (every rule); ``problem`` says why a malformed comment silences nothing."""

    line: int
    col: int
    end_col: int
    rule_ids: tuple[str, ...] = ()
    problem: str = ""
    text: str = ""


@cache_value
@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything one file contributes to a run, computed only from (bytes, module name, rules).

    ``facts`` maps a rule id to the plain data that rule's project-wide aggregation needs.
    ``parsed`` tells whether any rule checked the file (false when every rule's prefilter ruled
    it out, or when the file is too large to parse).
    ``suppressions`` holds every suppression comment in the file, parsed or not, so that
    project-wide findings can be silenced and unused comments found. ``syntax_checked`` tells
    whether CPython parsed the whole file (only what rules read is parsed, unless
    ``--check-syntax``).
    """

    findings: tuple[Finding, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    parse_error: Finding | None = None
    parsed: bool = False
    suppressions: tuple[Suppression, ...] = ()
    syntax_checked: bool = False  # CPython parsed the whole text (else a syntax error could hide in it)


@dataclass(frozen=True, slots=True)
class FileRef:
    """Where a file sits in the project: its display path and the module it defines.

    ``implied``: the name assumes that the directory above its top-level package is on
    ``sys.path`` although neither the project root nor a ``src`` root is that directory (a
    regular package below a directory without ``__init__.py``, such as ``tests/sphinx/``)."""

    path: str
    module: str
    is_package: bool = False
    implied: bool = False


@dataclass(slots=True)
class RuleSummary:
    """One row of the per-rule summary. ``count`` is the one number every output shows for the
    rule: its findings (suppressed ones excluded, baselined ones included), or for a kind with a
    ceiling what ``max`` bounds (a family's size: every implementation, the canonical one too)."""

    id: str
    kind: str
    severity: str
    count: int
    max: int | None
    ok: bool
    details: dict[str, Any] = field(default_factory=dict)
    description: str = ""  # the rule's description, else its kind's summary
    suppressed: int = 0
    baselined: int | None = None  # None when no baseline was applied
    category: str = "Style"  # the kind's (GitLab Code Quality's categories)


@dataclass(slots=True)
class Report:
    tool_version: str
    files_scanned: int
    parse_errors: int
    rules: list[RuleSummary]
    findings: list[Finding]
    stats: dict[str, Any] = field(default_factory=dict)
    suppressed: list[Finding] = field(default_factory=list)
    suppressions: dict[str, tuple[Suppression, ...]] = field(default_factory=dict)  # path -> comments
    scanned: tuple[str, ...] = ()  # paths of the files analyzed
    baseline: BaselineSummary | None = None
    # Paths of the files scanned that CPython did not parse in full, because no rule reads all of
    # them: a syntax error there is not reported (``check --check-syntax`` parses every file).
    unparsed: tuple[str, ...] = ()

    @property
    def not_parsed(self) -> int:
        return len(self.unparsed)


@dataclass(slots=True)
class BaselineSummary:
    """How the findings compare with the baseline file. ``fixed`` counts baselined findings that
    are gone; ``stale_ceilings`` are rules whose recorded count is above today's; ``breaches``
    are rules whose count rose above what the baseline allows (rule id, count, allowed, max)."""

    path: str
    baselined: int = 0
    fixed: int = 0
    stale_ceilings: list[str] = field(default_factory=list)
    breaches: list[tuple[str, int, int, int]] = field(default_factory=list)
    changed_rules: list[str] = field(default_factory=list)

    @property
    def stale(self) -> int:
        return self.fixed + len(self.stale_ceilings)
