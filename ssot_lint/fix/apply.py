"""One file's fixes, applied and checked, and its atomic write: the step ``fix`` runs per file
(in a worker, see ``engine``) and ``api.fix_source`` runs on a buffer.

Findings a ``# ssot: ignore`` comment silences are left as they are (each kind's fix asks
``FixContext.suppresses``). Where one fix enables another in the same file, the fixed text is
fixed again, a few rounds at most. The result must re-parse, compile, keep every comment, and be
a fixed point (fixing it again changes nothing); otherwise ``FixRefused`` says why and the file
is left as it is. A rule whose fix raises (a bug in its kind) costs only its own findings, as in
ruff: it contributes no edit to the file (``SourceFix.failed`` says why), the other rules fix it.
A file is
written atomically (a temporary file in the same directory, then a rename; the file mode kept),
in its own encoding, BOM and newlines, and only if its bytes on disk are still the ones that were
fixed (``FileChanged`` otherwise) and it is writable and no hard link (``NotWritable``).
"""

from __future__ import annotations

import dataclasses
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

from ssot_lint.analysis.file_context import known_code
from ssot_lint.analysis.parsing import SourceError, decode_source, parse
from ssot_lint.ci.suppressions import scan as scan_suppressions
from ssot_lint.fix.fixed_text import verifier_for
from ssot_lint.fix.positions_back import PositionsBack
from ssot_lint.kinds.base import FixContext, Rule
from ssot_lint.model import FileRef

if TYPE_CHECKING:  # libcst is imported when a file is fixed, not when the command starts
    import libcst as cst

Location = tuple[str, int, int]  # rule id, line, col
Anchored = tuple[str, int, int, str]  # rule id, line, col, the finding's anchor (``Unfixed.anchor``)
SAFE_ONLY = FixContext()
MAX_ROUNDS = 4  # of fixing the fixed text again, before a fix that does not settle is refused  # safe fixes only, and no project: no import rewrite is verified
FIX_FAILED = "{rule}'s fix failed ({error}); this is a bug in its rule kind, please report it"
_LINE_BREAK = re.compile(r"\r\n?|\n")


class FixRefused(Exception):
    """The fixed text failed a safety check; the file is left as it is."""


class FileChanged(Exception):
    """The file on disk is no longer the one that was fixed."""


class NotWritable(Exception):
    """The file is one ``fix`` does not write (``unwritable`` says why)."""


def unwritable(path: str) -> str | None:
    """Why ``fix`` leaves the file at ``path`` (through symlinks) unwritten, if it does: one the
    user cannot write (no write bit in its mode, which root's access bypass does not change, or
    ``os.access`` says no), or one with more than one hard link: writing it in place would change
    every linked copy (a package manager's store, a backup made with ``cp -al``), replacing it
    would split it from them."""
    try:
        info = os.stat(path)
    except OSError:
        return None  # reading it says why
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        return "cannot write it: read-only"
    if info.st_nlink > 1:
        return f"it has {info.st_nlink} hard links (writing it in place would change every linked copy, replacing it would split them)"
    return None


@dataclass(frozen=True)
class SourceFix:
    """The fixed bytes of one file, how many findings went away (``unsafe_fixed`` of them by
    unsafe fixes), why each other finding of the fixing rules stays (keyed by location in the
    fixed text; ``unsafe``: those only an unsafe fix would remove; ``partly``: how many of them
    the fix changed in part), and notes on the unsafe fixes applied (keyed by location in the
    text before fixing). ``anchored``: the reasons (and whether only unsafe) of findings that
    share a location, each by its anchor too. ``failed``: the rules whose fix raised on this
    file (rule id -> ``FIX_FAILED``): none of their edits is in ``data``, and every finding of
    theirs in it stays for that reason (``reasons`` has none of theirs)."""

    data: bytes
    fixed: int
    reasons: dict[Location, str]
    unsafe: frozenset[Location] = frozenset()
    unsafe_fixed: int = 0
    notes: tuple[tuple[Location, str], ...] = ()
    partly: int = 0
    anchored: dict[Anchored, tuple[str, bool]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


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


@dataclass
class _Applied:
    module: cst.Module
    fixed: int = 0
    unsafe_fixed: int = 0
    reasons: dict[Location, str] = field(default_factory=dict)
    unsafe: set[Location] = field(default_factory=set)
    notes: list[tuple[Location, str]] = field(default_factory=list)
    anchored: dict[Anchored, tuple[str, bool]] = field(default_factory=dict)
    partly: list[tuple[str, str]] = field(default_factory=list)  # (rule id, reason) of each finding fixed in part
    edited: set[str] = field(default_factory=set)  # the rules whose fix changed the tree
    failed: dict[str, str] = field(default_factory=dict)  # rule id -> why its fix raised (FIX_FAILED)


def _apply(module: cst.Module, text: str, ref: FileRef, rules: Sequence[Rule], context: FixContext) -> _Applied:
    applied = _Applied(module)
    context = dataclasses.replace(context, suppressions=scan_suppressions(text))
    for rule in rules:
        try:
            outcome = rule.fix(applied.module, ref, context)
        except RecursionError:  # libcst's recursion on a deeply nested file: about the file, not the rule
            raise FixRefused("too deeply nested to fix (RecursionError)") from None
        except Exception as exc:  # a bug in one kind's fix must stop neither the other files nor the other rules
            applied.failed[rule.id] = FIX_FAILED.format(rule=rule.id, error=f"{type(exc).__name__}: {exc}")
            continue  # the tree it was given goes on to the next rule: this one edits nothing
        given = applied.module
        if outcome.module is not given:  # a fix that edits nothing returns the tree it was given
            applied.edited.add(rule.id)
        applied.module = outcome.module
        applied.fixed += outcome.fixed
        applied.unsafe_fixed += outcome.unsafe
        applied.partly.extend((rule.id, u.reason) for u in outcome.unfixed if u.partly)
        applied.reasons.update({(rule.id, u.line, u.col): u.reason for u in outcome.unfixed})
        applied.unsafe.update((rule.id, u.line, u.col) for u in outcome.unfixed if u.unsafe)
        applied.anchored.update({(rule.id, u.line, u.col, u.anchor): (u.reason, u.unsafe) for u in outcome.unfixed if u.anchor})
        # A note is placed in the text the rule was given: carried back to the round's.
        back = PositionsBack(text, given.code) if outcome.notes and given is not module else None
        notes = [(n.line, n.col, n.note) for n in outcome.notes]
        applied.notes.extend(((rule.id, *(back.back(line, col) if back else (line, col))), note) for line, col, note in notes)
    return applied


def comments(text: str, module: cst.Module | None = None) -> Counter[str]:
    """Every comment of ``text`` (which ``module``, when given, is the tree of), counted: read by
    Python's tokenizer, several times faster than a walk of libcst's tree, which says the same of
    any text both parse (a comment token is a ``Comment`` node), and that walk when the
    tokenizer fails."""
    try:
        return Counter(token.string for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline) if token.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):  # IndentationError is one
        from ssot_lint.fix.cstedit import comments_in

        return Counter(comments_in(module if module is not None else parse(text)))


def comments_kept(before: Counter[str], after: Counter[str]) -> bool:
    """Whether a fix kept every comment of ``before`` and wrote no other: only a pragma (a
    ``# noqa`` that applies to its line) may be written more times, once for each line that
    holds a name of its own (``fix.import_comments``)."""
    from ssot_lint.fix.import_comments import is_pragma  # libcst: only once something is fixed

    return all(after[c] == n or (after[c] > n and is_pragma(c)) for c, n in before.items()) and not (after.keys() - before.keys())


def _check_written(data: bytes, text: str, module: cst.Module, new_text: str, encoding: str, ref: FileRef) -> None:
    """Raise FixRefused unless ``new_text`` (the fix of ``text``, the tree ``module``) encodes,
    compiles and keeps every comment."""
    new_data = _encoded(new_text, encoding)
    if new_data is None:
        raise FixRefused(f"the fixed text cannot be encoded as {encoding}")
    problem = _compile_error(new_data, ref)
    if problem is not None:
        if _compile_error(data, ref) is not None:  # libcst parses more than CPython compiles
            raise FixRefused(f"the file does not compile, before the fix either: {problem}")
        raise FixRefused(f"the fixed text does not compile: {problem}; this is a bug in ssot-lint")
    if not comments_kept(comments(text, module), comments(new_text)):
        raise FixRefused("the fix would drop a comment; this is a bug in ssot-lint")


def fix_source(data: bytes, ref: FileRef, rules: Sequence[Rule], context: FixContext = SAFE_ONLY) -> SourceFix:
    """Fix one file's bytes with ``rules`` (all fixable): safe fixes, and unsafe ones too with
    ``context.unsafe``. Pure given ``context``; raises FixRefused.

    A rule whose fix raises is left out from then on (``SourceFix.failed``). Where it raises on
    a later round's text after an earlier round applied an edit of its, that edit is not kept:
    a fix that cannot fix its own result again never reaches the fixed point that verifies it,
    and the other rules' later edits were verified against a text holding it. So the file is
    fixed again from its own text without that rule: the text returned holds no edit of a rule
    that failed on the file, and every round that made it was verified (the rounds are done
    twice only where a kind has a bug).

    Each whole-tree step of libcst costs about as much as a parse on a large file, so none is
    done twice: the text of a tree whose text is known is not printed again (``known_code``),
    and a fix that edits nothing returns the tree it was given."""
    text, module, encoding = _fixable(data, ref)
    failed: dict[str, str] = {}
    while True:  # ends: each pass that gives no result has left one more rule out
        fixed = _fix_rounds(data, (text, module, encoding), ref, [rule for rule in rules if rule.id not in failed], context, failed)
        if fixed is not None:
            return fixed


def _fixable(data: bytes, ref: FileRef) -> tuple[str, cst.Module, str]:
    """The text of ``data``, its tree and encoding, or FixRefused when a fix could not write the
    file back byte for byte."""
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
    return text, module, encoding


def _fix_rounds(
    data: bytes, source: tuple[str, cst.Module, str], ref: FileRef, rules: Sequence[Rule], context: FixContext, failed: dict[str, str]
) -> SourceFix | None:
    """``fix_source`` with ``rules`` on ``source`` (the text of ``data``, its tree, encoding),
    each rule whose fix raises added to ``failed`` and left out of the later rounds; None when
    one raised after an earlier round applied an edit of its (fix again without it)."""
    text, module, encoding = source
    with known_code(module, text):
        applied = _apply(module, text, ref, rules, context)
    failed.update(applied.failed)
    edited = set(applied.edited)
    new_text = text if applied.module is module else applied.module.code
    if new_text == text:
        return SourceFix(data, 0, applied.reasons, frozenset(applied.unsafe), anchored=applied.anchored, failed=dict(failed))
    _check_written(data, text, module, new_text, encoding, ref)
    # Fixing the fixed text again must change nothing. One fix may enable another in the same
    # file (a reference rewritten leaves an import that now moves as a whole): each round's
    # edits are verified as the first round's are, against the text it fixes (``fixed_text``:
    # its own summary, its own lines), so the rounds settle in a few; one that does not is a
    # bug. The last round's reasons are positioned in the fixed text.
    fixed, unsafe_fixed, partly, notes = applied.fixed, applied.unsafe_fixed, Counter(applied.partly), list(applied.notes)
    first_text = new_text
    for _ in range(MAX_ROUNDS):
        try:
            reparsed = parse(new_text)
        except SourceError as error:
            raise FixRefused(f"the fixed text does not parse ({error.reason}); this is a bug in ssot-lint") from None
        reparsed_text = reparsed.code
        verifier = context.verifier
        round_context = context if verifier is None else dataclasses.replace(context, verifier=verifier_for(verifier, ref, reparsed_text))
        with known_code(reparsed, reparsed_text):
            again = _apply(reparsed, reparsed_text, ref, [rule for rule in rules if rule.id not in failed], round_context)
        failed.update(again.failed)
        if again.failed.keys() & edited:
            return None
        edited |= again.edited
        again_text = reparsed_text if again.module is reparsed else again.module.code
        if again_text == new_text:
            break
        new_text = again_text
        fixed, unsafe_fixed, partly = fixed + again.fixed, unsafe_fixed + again.unsafe_fixed, partly + Counter(again.partly)
        back = PositionsBack(text, reparsed_text) if again.notes else None  # the round's text -> the file's
        notes.extend(((rule_id, *back.back(line, col)), note) for (rule_id, line, col), note in again.notes if back is not None)
    else:
        raise FixRefused(f"fixing the fixed text still changes it after {MAX_ROUNDS} rounds; this is a bug in ssot-lint")
    if new_text != first_text:
        _check_written(data, text, module, new_text, encoding, ref)
    new_data = new_text.encode(encoding)
    # A finding fixed in part in one round may be fixed whole in the next: partly fixed are
    # those of the findings left (the last round's reasons) that some round changed in part,
    # told by rule and reason (their positions move as statements split).
    left = Counter((rule_id, reason) for (rule_id, _, _), reason in again.reasons.items())
    return SourceFix(new_data, fixed, again.reasons, frozenset(again.unsafe), unsafe_fixed, tuple(notes), (partly & left).total(), again.anchored, dict(failed))


def write_atomic(path: str, expected: bytes, data: bytes) -> None:
    """Replace the file at ``path`` (through symlinks) with ``data`` if it still holds ``expected``
    and ``unwritable`` has no objection (``NotWritable``)."""
    real = os.path.realpath(path)
    why = unwritable(real)
    if why is not None:
        raise NotWritable(why)
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
