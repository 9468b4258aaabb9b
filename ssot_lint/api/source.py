"""One file's text, on no disk (an editor's buffer, stdin, a generated file): checked with the
per-file rules, fixed (by every fixable rule, a project-wide one's fix reading the rest of the
project) or given a suppression comment, as ``check``/``fix`` would treat the file at its path."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.parsing import SourceError
from ssot_lint.api.project import PathLike, Project, Warn, baseline_file, buffer_ref, has_baseline, load_baseline, open_cache, resolve_project
from ssot_lint.ci import baseline as baselines
from ssot_lint.ci.coverage import Coverage, project_wide
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.model import FileRef, FileResult, Finding
from ssot_lint.observer import NULL_OBSERVER

if TYPE_CHECKING:
    from ssot_lint.fix.project_fixes import ProjectRead
    from ssot_lint.kinds.base import FixContext, Rule
    from ssot_lint.run.cache import ResultCache

# Why a text at a path `check` does not walk is neither checked nor fixed: ``check`` of the project
# would not read the file, so its findings (and what fixing them would be verified against) are
# none of the project's (`check`/`fix --stdin-filename` say the same).
NOT_CHECKED = "not one of the project's files (outside its root, not included, excluded or ignored by git): not checked"


def source_bytes(code: str | bytes) -> bytes:
    """An editor's text as the bytes of the file it would save: encoded as its PEP 263 coding
    cookie says (UTF-8 when there is none, or when the text cannot be encoded that way; then
    ``unencodable`` says why the text is no file's). A lone surrogate (half of a pair, pasted)
    becomes bytes no UTF-8 decoder accepts, so the text reads as a file that does not decode."""
    return _encoded(code)[0]


def unencodable(code: str | bytes) -> SourceError | None:
    """Why ``code`` cannot be saved as the file Python would read back as this text (a
    character its coding cookie's codec lacks, a lone surrogate), as a ``SSOT000`` error at its
    line; None when it can. Encoded anyway (``source_bytes``), the text would be checked and
    fixed as other text than the editor shows: a latin-1 cookie over UTF-8 bytes turns every
    non-ASCII character into two, and a fix would write them back."""
    return _encoded(code)[1]


def _encoded(code: str | bytes) -> tuple[bytes, SourceError | None]:
    """``source_bytes(code)`` and ``unencodable(code)`` at once: a UTF-8 text (no cookie, or one
    naming UTF-8) is encoded once, where asking each encoded it two or three times (a buffer is
    checked on every change)."""
    if isinstance(code, bytes):
        return code, None
    escaped: UnicodeEncodeError | None = None  # why UTF-8 with surrogateescape fails, if it does
    try:
        data = code.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        escaped = exc
        data = code.encode("utf-8", "surrogatepass")
    encoding = _cookie_encoding(data)
    if encoding not in (None, "utf-8", "utf-8-sig"):
        try:
            saved = code.encode(encoding)
        except (UnicodeError, LookupError):
            saved = data
        if saved is not data:
            encoding = _cookie_encoding(saved)  # the cookie as the file read back gives it
        data = saved
    encoding = encoding or "utf-8"
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        if codec != "utf-8":
            code.encode(codec, "surrogateescape")  # what surrogateescape stands for is a byte of the file
        elif escaped is not None:
            raise escaped
    except UnicodeEncodeError as exc:
        line = code.count("\n", 0, exc.start) + 1
        col = exc.start - (code.rfind("\n", 0, exc.start) + 1) + 1
        char = code[exc.start]
        what = f"a lone surrogate (U+{ord(char):04X})" if 0xD800 <= ord(char) <= 0xDFFF else f"{char!r} (U+{ord(char):04X})"
        declared = "" if codec == "utf-8" else ", as its coding cookie declares"
        return data, SourceError(f"cannot encode as {encoding}{declared}: {what}", line, col)
    except LookupError:
        pass  # an unknown codec: the analysis of the bytes reports it
    return data, None


def _cookie_encoding(data: bytes) -> str | None:
    """The encoding the file's BOM or PEP 263 cookie gives (None when it names none Python accepts)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return None
    return encoding


def _editor_buffers(buffers: Mapping[PathLike, str | bytes] | None, path: str, data: bytes) -> dict[str, bytes]:
    """``buffers`` by absolute path, as the bytes their files would hold, with ``data`` at ``path``
    (the text checked or fixed)."""
    from ssot_lint.run.partial import absolute_path

    return {**{absolute_path(p): source_bytes(text) for p, text in (buffers or {}).items()}, path: data}


def check_source(
    path: PathLike,
    code: str | bytes,
    rules: RuleSet | Sequence[PathLike] | None = None,
    *,
    config: PathLike | Config | Project | None = None,
    baseline: bool = False,
    buffers: Mapping[PathLike, str | bytes] | None = None,
) -> list[Finding]:
    """Check one file's text (an editor's buffer, a generated file) as if it were at ``path``,
    with the per-file rules (project-wide rules need the other files: use ``check``). Findings
    carry ``path`` as given (relative to the project root when it lies inside it); suppression
    comments apply; a text that does not parse is one ``SSOT000`` finding. ``baseline``: leave
    out the findings the configured baseline file records for this path, as ``check`` does.
    Each finding's ``applicability`` is what ``check`` gives it: an import rewrite is verified
    against the project's files (``safe``, ``unsafe`` or not fixable), with ``buffers`` (path ->
    text: an editor's other unsaved buffers) and this text in place of their files. A path
    ``check`` does not walk (outside the root, not included, excluded, ignored by git) has no
    findings, as ``check --stdin-filename`` says."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.run.aggregation import aggregate, annotate
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import close_summaries, fix_context

    project = resolve_project(config, rules if rules is not None else None, (), (), NULL_OBSERVER)
    absolute, ref = buffer_ref(project, path)
    if not project.includes(absolute):
        return []  # as `check --stdin-filename` says: not checked
    data, problem = _encoded(code)
    selected = [r for r in project.rules.rules if not project_wide(r) and r.in_scope(ref.path)]
    fail_on = project.config.get("fail-on")
    result = FileResult(parse_error=problem.finding()) if problem is not None else analyze_source(data, ref, selected)
    report = aggregate(selected, [(ref, result)], fail_on)

    def with_buffers() -> FixContext:  # made only when a finding needs it (the buffers are encoded then)
        return fix_context(project.config, RunOptions(buffers=_editor_buffers(buffers, absolute, data)), None)

    context = annotate(report, selected, [(ref, result)], with_buffers)
    if context is not None:
        close_summaries(context)  # an editor checks buffer after buffer: no idle workers left behind
    baseline_path, shown = baseline_file(project.config)
    if baseline and has_baseline(baseline_path, shown):
        coverage = Coverage.of([ref.path], selected, False, project.rules.known)
        report = baselines.apply(report, load_baseline(baseline_path, shown), shown, project.rules.known, coverage, fail_on)
    return report.findings


def suppress_source(code: str, finding: Finding) -> str | None:
    """``code`` with a ``# ssot: ignore[ID]`` comment that silences ``finding`` (on its line or
    its statement's first line), or None when no such edit leaves the code's syntax tree as it
    was (see ``ssot_lint.ci.add_suppression``)."""
    from ssot_lint.ci.add_suppression import add_suppression

    return add_suppression(code, finding)


class ProjectView:
    """What ``fix_source``'s project-wide fixes read of the whole project (every module's
    declarations, for ``declared-deprecation``, and the module summaries its rewrites are
    verified against), kept from one call to the next that reads it the same way: the same
    rules and the same buffers, the text fixed among them. The language server keeps one per
    project, so a code action does not read every file again while nothing it knows of has
    changed; ``forget`` when files on disk may have (a save, reloaded rules)."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._kept: ProjectRead | None = None

    def get(self, key: tuple[object, ...], read_now: Callable[[], ProjectRead]) -> ProjectRead:
        if key != self._key or self._kept is None:
            self.forget()  # a read that fails leaves nothing kept
            self._kept = read_now()
            self._key = key
        return self._kept

    def forget(self) -> None:
        self._key, self._kept = None, None


def forget_files(paths: Iterable[PathLike]) -> None:
    """Drop what this process keeps between calls of the files at ``paths`` (``check_source``
    and ``fix_source`` keep each file's bytes, and what they derived from them, while its stat
    signature stays the same): a program told that files changed on disk (an editor's file
    watcher) frees what it kept of the deleted ones at once. Results never depend on it."""
    from ssot_lint.run.file_memo import MEMO
    from ssot_lint.run.partial import absolute_path

    MEMO.forget(absolute_path(path) for path in paths)


@dataclass(frozen=True)
class SourceFixed:
    """What fixing one text gave: ``code`` (the same type as given; unchanged when nothing was
    fixed), how many findings the fixes removed (``unsafe_fixed`` of them by unsafe fixes), why
    the text was left alone if it was, on each unsafe fix applied (rule id, line, column in
    the text given, what to know: why it is unsafe), and how many findings left the fixes
    changed in part (``partly``: some of a statement's names moved, the rest stay), and why each
    finding a fix did not remove was left (``reasons``: rule id, line, column in the fixed text,
    the reason, whether only ``unsafe_fixes`` would fix it; ``anchored``: the same with the
    finding's anchor after the column, for findings that share a position, each its own), and
    the rules whose fix failed on the text (``failed``: rule id, why; a bug in the kind): none
    of their edits is in ``code``, and each finding of theirs left has that reason, which
    ``reasons`` does not repeat."""

    code: str | bytes
    fixed: int
    refused: str = ""
    unsafe_fixed: int = 0
    notes: tuple[tuple[str, int, int, str], ...] = ()
    partly: int = 0
    reasons: tuple[tuple[str, int, int, str, bool], ...] = ()
    anchored: tuple[tuple[str, int, int, str, str, bool], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()


def fix_source(
    path: PathLike,
    code: str | bytes,
    rules: RuleSet | Sequence[PathLike] | None = None,
    *,
    config: PathLike | Config | Project | None = None,
    select: Sequence[str] = (),
    unsafe_fixes: bool = False,
    buffers: Mapping[PathLike, str | bytes] | None = None,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    on_warning: Warn | None = None,
    only: Collection[str] = (),
    view: ProjectView | None = None,
) -> SourceFixed:
    """Fix one file's text as ``ssot-lint fix`` would fix the file at ``path``, writing nothing:
    the fixes of the fixable rules (``select``: only rules with these id prefixes) that have a
    finding in it, the safe ones (import rewrites verified against the project's files) and
    with ``unsafe_fixes`` the unsafe ones too, checked the same way (the result parses,
    compiles, keeps every comment and is a fixed point) or refused as a whole (a rule whose fix
    fails on it is left out alone: ``SourceFixed.failed``). Verified against
    the project as an editor shows it: ``buffers`` (path -> text: the other unsaved buffers) and
    this text in place of their files. A rule whose fix reads the whole project
    (``declared-deprecation``: every module's declarations) reads it the same way, each file's
    result from the result cache (``cache``, ``cache_dir``, as ``check`` takes them; its
    warnings go to ``on_warning``) unless the file changed. ``only``: fix with the rules of these
    ids alone (an editor's quick fix for one finding), the project still read with every rule, as
    ``check`` reads it (so from the cache it filled); ``view``: what the last call given it read
    of the project, reused while the rules and buffers are the same (``ProjectView``). The text
    at a path ``check`` does not walk is left alone (``refused``: ``NOT_CHECKED``), as
    ``fix --stdin-filename`` leaves it."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.fix.project_fixes import needs_project

    project = resolve_project(config, rules if rules is not None else None, select, (), NULL_OBSERVER)
    absolute, ref = buffer_ref(project, path)
    if not project.includes(absolute):
        return SourceFixed(code, 0, NOT_CHECKED)  # as `fix --stdin-filename` leaves it
    data, problem = _encoded(code)
    if problem is not None:
        return SourceFixed(code, 0, f"line {problem.line}: {problem.reason}")
    applicable = [r for r in project.rules.rules if r.in_scope(ref.path)]
    fixing = [r for r in applicable if r.fixable and (not only or r.id in only)]
    if not any(needs_project(r) for r in fixing):  # the per-file rules' findings alone say whether there is work
        found = {f.rule_id for f in analyze_source(data, ref, applicable).findings}
        if not any(r.id in found for r in fixing):
            return SourceFixed(code, 0)
    with open_cache(project.config, cache, cache_dir, on_warning or (lambda message: None)) as result_cache:
        return _fix_text(project, ref, (absolute, code, data), fixing, buffers, unsafe_fixes, result_cache, view)


def _fix_text(
    project: Project,
    ref: FileRef,
    text: tuple[str, str | bytes, bytes],
    fixing: list[Rule],
    buffers: Mapping[PathLike, str | bytes] | None,
    unsafe_fixes: bool,
    result_cache: ResultCache | None,
    view: ProjectView | None,
) -> SourceFixed:
    """``fix_source`` past its checks, for ``text`` (its absolute path, the code as given, its
    bytes) and the rules ``fixing`` it: as ``fix``'s ``fix_task`` fixes the file, with the
    project-wide rules' view of the project prepared from it, this text and ``buffers``."""
    import dataclasses

    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.analysis.parsing import decode_source, on_analysis_thread
    from ssot_lint.fix.apply import FixRefused
    from ssot_lint.fix.apply import fix_source as fix_bytes
    from ssot_lint.fix.engine import not_written
    from ssot_lint.fix.project_fixes import for_one_text, paths_of, reasons_at
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import close_summaries, fix_context

    absolute, code, data = text
    options = RunOptions(cache=result_cache, buffers=_editor_buffers(buffers, absolute, data))
    rules = project.rules.rules
    read = for_one_text(project.config, rules, fixing, ref, options, view)
    projects = read.projects if read is not None else {}
    # Why each finding a project-wide fix leaves stays: the file's fix below says it for the
    # findings in a text it rewrites, the project-wide view for the rest (as `fix` reports them).
    plain, anchored = reasons_at(projects, ref.path)
    left = {(*at, ""): (why, False) for at, why in plain.items()} | {at: (why, False) for at, why in anchored.items()}
    applicable = [r for r in rules if r.in_scope(ref.path)]
    found = {f.rule_id for f in analyze_source(data, ref, applicable).findings}
    wanted = [r for r in fixing if r.id in found or ref.path in paths_of(projects, r)]
    if not wanted:
        return SourceFixed(code, 0, **_reasons(left))
    why = not_written(absolute, project.config)  # the editor writes the text where fix would not
    if why is not None:
        return SourceFixed(code, 0, why)
    # The verifier summarises modules on the analysis thread, where the cache's connection (this
    # thread's) cannot go: it reads their files, unless the project read for a project-wide
    # fix already holds their summaries (as `check` verifies from its run's).
    verified = dataclasses.replace(options, cache=None)
    if read is None:
        context = fix_context(project.config, verified, None, unsafe_fixes)
    else:
        if read.verifier is None:
            summaries = read.summaries
            read.verifier = fix_context(project.config, verified, read.files, known=lambda: summaries, named=read.files)
        context = dataclasses.replace(read.verifier, unsafe=unsafe_fixes)
    context = dataclasses.replace(context, projects=projects)
    try:
        outcome = on_analysis_thread(fix_bytes, data, ref, wanted, context)
    except FixRefused as refusal:
        return SourceFixed(code, 0, str(refusal))
    finally:
        close_summaries(context)
    left |= {(*at, ""): (reason, at in outcome.unsafe) for at, reason in outcome.reasons.items()}
    left |= dict(outcome.anchored.items())
    left = {at: known for at, known in left.items() if at[0] not in outcome.failed}  # their reason is the failure
    failed = tuple(outcome.failed.items())
    if outcome.data == data:
        return SourceFixed(code, 0, **_reasons(left), failed=failed)
    notes = tuple((rule_id, line, col, note) for (rule_id, line, col), note in outcome.notes)
    # decode_source drops a BOM, as Python does; the editor's text keeps what it had
    fixed_code = outcome.data if isinstance(code, bytes) else code[: code.startswith("\ufeff")] + decode_source(outcome.data)
    return SourceFixed(fixed_code, outcome.fixed, "", outcome.unsafe_fixed, notes, outcome.partly, **_reasons(left), failed=failed)


def _reasons(left: dict[tuple[str, int, int, str], tuple[str, bool]]) -> dict[str, Any]:
    """``SourceFixed``'s ``reasons`` (no anchor) and ``anchored`` from the reasons by (rule id,
    line, column, anchor)."""
    return {
        "reasons": tuple((rule_id, line, col, why, unsafe) for (rule_id, line, col, anchor), (why, unsafe) in left.items() if not anchor),
        "anchored": tuple((rule_id, line, col, anchor, why, unsafe) for (rule_id, line, col, anchor), (why, unsafe) in left.items() if anchor),
    }
