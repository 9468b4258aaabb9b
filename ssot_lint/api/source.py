"""One file's text, on no disk (an editor's buffer, stdin, a generated file): checked, fixed or
given a suppression comment with the per-file rules, as ``check``/``fix`` would treat the file at
its path."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssot_lint.analysis.parsing import SourceError
from ssot_lint.api.project import PathLike, Project, baseline_file, buffer_ref, has_baseline, load_baseline, resolve_project
from ssot_lint.ci import baseline as baselines
from ssot_lint.ci.coverage import Coverage, project_wide
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.model import FileResult, Finding
from ssot_lint.observer import NULL_OBSERVER

# Why a text at a path `check` does not walk is neither checked nor fixed: ``check`` of the project
# would not read the file, so its findings (and what fixing them would be verified against) are
# none of the project's (`check`/`fix --stdin-filename` say the same).
NOT_CHECKED = "not one of the project's files (outside its root, not included, excluded or ignored by git): not checked"


def whole_project_fixes(project: Project) -> dict[str, str]:
    """The fixable rules whose fix needs the whole project (a project-wide kind's
    ``fix_project``: declared-deprecation reads every module's declarations), by id, each with
    why one text (``fix_source``, ``fix --stdin-filename``, an editor) is not fixed by it: such a
    finding is not marked fixable there, and is left with this reason."""
    return {
        rule.id: (
            f"not fixed in one text: a {rule.kind} fix reads every module's declarations, so `ssot-lint fix` on the file applies it"
            " (`fix --stdin-filename` and the editor apply the per-file rules' fixes)"
        )
        for rule in project.rules.rules
        if rule.fixable and project_wide(rule)
    }


def one_text_findings(findings: Sequence[Finding], project: Project) -> list[Finding]:
    """``findings`` of one text as its fixes see them: none of ``whole_project_fixes`` is fixable."""
    import dataclasses

    wide = whole_project_fixes(project)
    return [dataclasses.replace(f, applicability="") if f.rule_id in wide and f.applicability else f for f in findings]


def source_bytes(code: str | bytes) -> bytes:
    """An editor's text as the bytes of the file it would save: encoded as its PEP 263 coding
    cookie says (UTF-8 when there is none, or when the text cannot be encoded that way; then
    ``unencodable`` says why the text is no file's). A lone surrogate (half of a pair, pasted)
    becomes bytes no UTF-8 decoder accepts, so the text reads as a file that does not decode."""
    if isinstance(code, bytes):
        return code
    try:
        data = code.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = code.encode("utf-8", "surrogatepass")
    encoding = _cookie_encoding(data)
    if encoding in (None, "utf-8", "utf-8-sig"):
        return data
    try:
        return code.encode(encoding)
    except (UnicodeError, LookupError):
        return data


def unencodable(code: str | bytes) -> SourceError | None:
    """Why ``code`` cannot be saved as the file Python would read back as this text (a
    character its coding cookie's codec lacks, a lone surrogate), as a ``SSOT000`` error at its
    line; None when it can. Encoded anyway (``source_bytes``), the text would be checked and
    fixed as other text than the editor shows: a latin-1 cookie over UTF-8 bytes turns every
    non-ASCII character into two, and a fix would write them back."""
    if isinstance(code, bytes):
        return None
    data = source_bytes(code)
    encoding = _cookie_encoding(data) or "utf-8"
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        code.encode(codec, "surrogateescape")  # what surrogateescape stands for is a byte of the file
    except UnicodeEncodeError as exc:
        line = code.count("\n", 0, exc.start) + 1
        col = exc.start - (code.rfind("\n", 0, exc.start) + 1) + 1
        char = code[exc.start]
        what = f"a lone surrogate (U+{ord(char):04X})" if 0xD800 <= ord(char) <= 0xDFFF else f"{char!r} (U+{ord(char):04X})"
        declared = "" if codec == "utf-8" else ", as its coding cookie declares"
        return SourceError(f"cannot encode as {encoding}{declared}: {what}", line, col)
    except LookupError:
        return None  # an unknown codec: the analysis of the bytes reports it
    return None


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
    from ssot_lint.run.verification import fix_context

    project = resolve_project(config, rules if rules is not None else None, (), (), NULL_OBSERVER)
    absolute, ref = buffer_ref(project, path)
    if not project.includes(absolute):
        return []  # as `check --stdin-filename` says: not checked
    data = source_bytes(code)
    selected = [r for r in project.rules.rules if not project_wide(r) and r.in_scope(ref.path)]
    fail_on = project.config.get("fail-on")
    problem = unencodable(code)
    result = FileResult(parse_error=problem.finding()) if problem is not None else analyze_source(data, ref, selected)
    report = aggregate(selected, [(ref, result)], fail_on)
    annotate(report, selected, [(ref, result)], lambda: fix_context(project.config, RunOptions(buffers=_editor_buffers(buffers, absolute, data)), None))
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


@dataclass(frozen=True)
class SourceFixed:
    """What fixing one text gave: ``code`` (the same type as given; unchanged when nothing was
    fixed), how many findings the fixes removed (``unsafe_fixed`` of them by unsafe fixes), why
    the text was left alone if it was, on each unsafe fix applied (rule id, line, column in
    the text given, what to know: why it is unsafe), and how many findings left the fixes
    changed in part (``partly``: some of a statement's names moved, the rest stay), and why each
    finding a fix did not remove was left (``reasons``: rule id, line, column in the fixed text,
    the reason, whether only ``unsafe_fixes`` would fix it; ``anchored``: the same with the
    finding's anchor after the column, for findings that share a position, each its own)."""

    code: str | bytes
    fixed: int
    refused: str = ""
    unsafe_fixed: int = 0
    notes: tuple[tuple[str, int, int, str], ...] = ()
    partly: int = 0
    reasons: tuple[tuple[str, int, int, str, bool], ...] = ()
    anchored: tuple[tuple[str, int, int, str, str, bool], ...] = ()


def fix_source(
    path: PathLike,
    code: str | bytes,
    rules: RuleSet | Sequence[PathLike] | None = None,
    *,
    config: PathLike | Config | Project | None = None,
    select: Sequence[str] = (),
    unsafe_fixes: bool = False,
    buffers: Mapping[PathLike, str | bytes] | None = None,
) -> SourceFixed:
    """Fix one file's text as ``ssot-lint fix`` would fix the file at ``path``, writing nothing:
    the fixes of the fixable per-file rules (``select``: only rules with these id prefixes) that
    have a finding in it, the safe ones (import rewrites verified against the project's files)
    and with ``unsafe_fixes`` the unsafe ones too, checked the same way (the result parses,
    compiles, keeps every comment and is a fixed point) or refused as a whole. Verified against
    the project as an editor shows it: ``buffers`` (path -> text: the other unsaved buffers) and
    this text in place of their files. The text at a path ``check`` does not walk is left
    alone (``refused``: ``NOT_CHECKED``), as ``fix --stdin-filename`` leaves it."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.analysis.parsing import decode_source, on_analysis_thread
    from ssot_lint.fix.apply import FixRefused
    from ssot_lint.fix.apply import fix_source as fix_bytes

    project = resolve_project(config, rules if rules is not None else None, select, (), NULL_OBSERVER)
    absolute, ref = buffer_ref(project, path)
    if not project.includes(absolute):
        return SourceFixed(code, 0, NOT_CHECKED)  # as `fix --stdin-filename` leaves it
    problem = unencodable(code)
    if problem is not None:
        return SourceFixed(code, 0, f"line {problem.line}: {problem.reason}")
    data = source_bytes(code)
    applicable = [r for r in project.rules.rules if r.in_scope(ref.path) and not project_wide(r)]
    found = {f.rule_id for f in analyze_source(data, ref, applicable).findings}
    wanted = [r for r in applicable if r.fixable and r.id in found]
    if not wanted:
        return SourceFixed(code, 0)
    from ssot_lint.fix.engine import not_written

    why = not_written(absolute, project.config)  # the editor writes the text where fix would not
    if why is not None:
        return SourceFixed(code, 0, why)
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import fix_context

    context = fix_context(project.config, RunOptions(buffers=_editor_buffers(buffers, absolute, data)), None, unsafe_fixes)
    try:
        outcome = on_analysis_thread(fix_bytes, data, ref, wanted, context)
    except FixRefused as refusal:
        return SourceFixed(code, 0, str(refusal))
    reasons = tuple((rule_id, line, col, reason, (rule_id, line, col) in outcome.unsafe) for (rule_id, line, col), reason in outcome.reasons.items())
    anchored = tuple((rule_id, line, col, anchor, reason, unsafe) for (rule_id, line, col, anchor), (reason, unsafe) in outcome.anchored.items())
    if outcome.data == data:
        return SourceFixed(code, 0, reasons=reasons, anchored=anchored)
    notes = tuple((rule_id, line, col, note) for (rule_id, line, col), note in outcome.notes)
    # decode_source drops a BOM, as Python does; the editor's text keeps what it had
    fixed_code = outcome.data if isinstance(code, bytes) else code[: code.startswith("\ufeff")] + decode_source(outcome.data)
    return SourceFixed(fixed_code, outcome.fixed, "", outcome.unsafe_fixed, notes, outcome.partly, reasons, anchored)
