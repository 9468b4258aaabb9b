"""``ssot-lint fix``: apply the fixable rules' fixes to files, safely.

A file is fixed only when a fixable rule has a finding in it. Its new text must re-parse, compile,
keep every comment, and be a fixed point (fixing it again changes nothing); otherwise the file is
left as it is, with a warning. It is written atomically (a temporary file in the same directory,
then a rename; the file mode kept), in its own encoding, BOM and newlines, and only if its bytes
on disk are still the ones that were fixed.

Afterwards every finding that remains, from any rule, is listed with the reason it was not fixed;
locations refer to the files as fixed (with ``--diff``: as they would be).
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import tokenize
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.parsing import SourceError, decode_source, on_analysis_thread, parse
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.fix.textdiff import unified_diff
from ssot_lint.kinds.base import Rule
from ssot_lint.model import PARSE_ERROR_ID, FileRef, Finding, Report
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.discovery import discover
from ssot_lint.run.engine import RunOptions, aggregate, analyze_files, failing, read_file

if TYPE_CHECKING:  # libcst is imported when a file is fixed, not when the command starts
    import libcst as cst

Location = tuple[str, int, int]  # rule id, line, col
_LINE_BREAK = re.compile(r"\r\n?|\n")


class FixRefused(Exception):
    """The fixed text failed a safety check; the file is left as it is."""


class FileChanged(Exception):
    """The file on disk is no longer the one that was fixed."""


@dataclass(frozen=True)
class SourceFix:
    """The fixed bytes of one file, how many findings went away, and why each other finding of
    the fixing rules stays (keyed by location in the fixed text)."""

    data: bytes
    fixed: int
    reasons: dict[Location, str]


def source_encoding(data: bytes) -> str:
    """The encoding Python reads ``data`` in (``utf-8-sig`` when it starts with a BOM)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def _first_difference(a: str, b: str) -> int:
    """The 1-based line of the first character where ``a`` and ``b`` differ."""
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return len(_LINE_BREAK.split(a[:index]))


def _compile_error(data: bytes, ref: FileRef) -> str | None:
    """Why ``data`` does not compile (None when it does). CPython's warnings (``SyntaxWarning``
    for ``"\\d"``, ``assert (x, y)`` ...) are the file's own business, not this check's: they are
    neither printed nor, under ``PYTHONWARNINGS=error``, turned into a refusal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, ref.path or "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return str(exc)
    return None


def _encoded(text: str, encoding: str) -> bytes | None:
    try:
        return text.encode(encoding)
    except UnicodeError:
        return None


def _apply(module: cst.Module, ref: FileRef, rules: Sequence[Rule]) -> tuple[cst.Module, int, dict[Location, str]]:
    fixed = 0
    reasons: dict[Location, str] = {}
    for rule in rules:
        try:
            outcome = rule.fix(module, ref)
        except RecursionError:
            raise FixRefused("too deeply nested to fix (RecursionError)") from None
        except Exception as exc:  # a bug in one kind's fix must not stop the other files
            raise FixRefused(f"{rule.id}'s fix failed ({type(exc).__name__}: {exc}); this is a bug in its rule kind") from None
        module = outcome.module
        fixed += outcome.fixed
        reasons.update({(rule.id, u.line, u.col): u.reason for u in outcome.unfixed})
    return module, fixed, reasons


def fix_source(data: bytes, ref: FileRef, rules: Sequence[Rule]) -> SourceFix:
    """Fix one file's bytes with ``rules`` (all fixable). Pure; raises FixRefused."""
    from ssot_lint.fix.cstedit import comments_in

    try:
        text = decode_source(data)
        module = parse(text)
    except SourceError as error:
        raise FixRefused(error.reason) from None
    # Every byte outside the edited nodes is written back as libcst prints it and re-encoded:
    # both must reproduce the file exactly, or the fix would touch lines it never meant to.
    encoding = source_encoding(data)
    if _encoded(text, encoding) != data:
        raise FixRefused(f"its text does not re-encode to the same bytes in {encoding}")
    if module.code != text:  # libcst 1.9 drops a final lone CR, and a form feed that starts a statement's line
        raise FixRefused(f"libcst would not write line {_first_difference(text, module.code)} back byte for byte")
    fixed_module, fixed, reasons = _apply(module, ref, rules)
    new_text = fixed_module.code
    if new_text == text:
        return SourceFix(data, 0, reasons)
    new_data = _encoded(new_text, encoding)
    if new_data is None:
        raise FixRefused(f"the fixed text cannot be encoded as {encoding}")
    try:
        reparsed = parse(new_text)
    except SourceError as error:
        raise FixRefused(f"the fixed text does not parse ({error.reason}); this is a bug in ssot-lint") from None
    problem = _compile_error(new_data, ref)
    if problem is not None:
        if _compile_error(data, ref) is not None:  # libcst parses more than CPython compiles
            raise FixRefused(f"the file does not compile, before the fix either: {problem}")
        raise FixRefused(f"the fixed text does not compile: {problem}; this is a bug in ssot-lint")
    if Counter(comments_in(module)) != Counter(comments_in(reparsed)):
        raise FixRefused("the fix would drop a comment; this is a bug in ssot-lint")
    # A second pass must change nothing; its reasons are positioned in the fixed text.
    again, _, reasons = _apply(reparsed, ref, rules)
    if again.code != new_text:
        raise FixRefused("fixing the fixed text changes it again; this is a bug in ssot-lint")
    return SourceFix(new_data, fixed, reasons)


def write_atomic(path: str, expected: bytes, data: bytes) -> None:
    """Replace the file at ``path`` (through symlinks) with ``data`` if it still holds ``expected``."""
    real = os.path.realpath(path)
    before = os.stat(real)
    with open(real, "rb") as handle:
        if handle.read() != expected:
            raise FileChanged()
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(real), prefix=f".{os.path.basename(real)}.", suffix=".ssot-lint")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        try:
            os.chown(temporary, before.st_uid, before.st_gid)
        except (PermissionError, AttributeError):
            pass  # only the owner (or root) may; the mode is what matters
        with open(real, "rb") as handle:  # again, as late as possible: someone may be editing
            if handle.read() != expected:
                raise FileChanged()
        os.replace(temporary, real)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@dataclass
class FileFix:
    """One file the fixer changed (or would change, with ``write`` off)."""

    ref: FileRef
    before: bytes
    after: bytes
    fixed: int
    written: bool = False


@dataclass(frozen=True)
class Left:
    finding: Finding
    reason: str


@dataclass
class FixResult:
    files: list[FileFix]
    report: Report  # the findings as the files are after fixing (as they would be, without write)
    left: list[Left]
    warnings: list[str] = field(default_factory=list)
    write: bool = True

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.files)


@dataclass
class FixOptions:
    write: bool = True
    fail_on: str = "warning"
    cache: ResultCache | None = None


def fix_paths(paths: list[str], config: Config, ruleset: RuleSet, options: FixOptions) -> FixResult:
    """Discover as ``check`` does, fix every file with a fixable finding, report what is left."""
    rules = ruleset.rules
    fixable = {rule.id for rule in rules if rule.fixable}
    files = discover(paths, config)
    sources = {source.ref.path: source for source in files}
    results = analyze_files(files, rules, RunOptions(cache=options.cache))
    changed: list[FileFix] = []
    warnings: list[str] = []
    reasons: dict[tuple[str, str, int, int], str] = {}
    for position, (ref, result) in enumerate(results):
        if not any(f.rule_id in fixable for f in result.findings):
            continue
        source = sources[ref.path]
        data = read_file(source)
        if not isinstance(data, bytes):
            continue  # unreadable now: the first pass's result stands
        applicable = [rule for rule in rules if rule.in_scope(ref.path)]
        current = analyze_source(data, ref, applicable)  # these very bytes, not a cached past
        results[position] = (ref, current)
        wanted = [rule for rule in applicable if rule.id in fixable and any(f.rule_id == rule.id for f in current.findings)]
        if not wanted:
            continue
        try:
            fix = on_analysis_thread(fix_source, data, ref, wanted)
        except FixRefused as refusal:
            warnings.append(f"{ref.path}: not fixed: {refusal}")
            reasons.update({(ref.path, f.rule_id, f.line, f.col): f"not fixed: {refusal}" for f in current.findings if f.rule_id in fixable})
            continue
        reasons.update({(ref.path, *location): reason for location, reason in fix.reasons.items()})
        if fix.data == data:
            continue
        outcome = FileFix(ref, data, fix.data, fix.fixed)
        if options.write:
            try:
                write_atomic(source.abspath, data, fix.data)
                outcome.written = True
            except (FileChanged, OSError) as exc:
                why = "it changed on disk while being fixed" if isinstance(exc, FileChanged) else f"cannot write it: {exc}"
                warnings.append(f"{ref.path}: skipped: {why}")
                reasons.update({(ref.path, f.rule_id, f.line, f.col): f"skipped: {why}" for f in current.findings if f.rule_id in fixable})
                continue
        changed.append(outcome)
        results[position] = (ref, analyze_source(fix.data, ref, applicable))
    report = aggregate(rules, results, options.fail_on)
    kinds = {rule.id: rule.kind for rule in rules}
    left = [Left(f, _reason(f, reasons, fixable, kinds)) for f in report.findings]
    return FixResult(changed, report, left, warnings, options.write)


def _reason(finding: Finding, reasons: dict[tuple[str, str, int, int], str], fixable: set[str], kinds: dict[str, str]) -> str:
    known = reasons.get((finding.path, finding.rule_id, finding.line, finding.col))
    if known is not None:
        return known
    if finding.rule_id == PARSE_ERROR_ID:
        return f"not fixable: {finding.message}"
    if finding.rule_id not in fixable:
        return f"no autofix for {kinds.get(finding.rule_id, 'this')} rules: {finding.message}"
    return f"left by the fix without a reason (please report it): {finding.message}"


def exit_status(result: FixResult, fail_on: str) -> bool:
    """Whether ``fix`` fails: a finding at or above ``fail_on`` remains after fixing (whether
    a fix exists for it or not: the verdict ``check`` would now give), or, with ``--diff``,
    a file would change."""
    return failing(result.report, fail_on) or (not result.write and bool(result.files))


def render_diff(result: FixResult) -> str:
    chunks: list[str] = []
    for fix in sorted(result.files, key=lambda f: f.ref.path):
        before = decode_source(fix.before).splitlines(keepends=True)
        after = decode_source(fix.after).splitlines(keepends=True)
        for line in unified_diff(before, after, f"a/{fix.ref.path}", f"b/{fix.ref.path}"):
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def headline(result: FixResult) -> str:
    files, fixed, left = _plural(len(result.files), "file"), _plural(result.fixed, "finding"), _plural(len(result.left), "finding")
    if result.write:
        return f"{files} changed, {fixed} fixed, {left} left"
    return f"{files} would change, {fixed} would be fixed, {left} would be left"


def render_summary(result: FixResult) -> str:
    """The headline, then every finding left with the reason it was not fixed."""
    lines = [headline(result) + (":" if result.left else ".")]
    for item in result.left:
        f = item.finding
        lines.append(f"  {f.path}:{f.line}:{f.col}: {f.rule_id} {item.reason}")
    return "\n".join(lines) + "\n"
