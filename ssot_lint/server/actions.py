"""The code actions the server offers on a document: a finding's fix, its suppression comment,
and ``source.fixAll.ssot-lint`` for the whole file.

Fixes follow ``ssot-lint fix``'s contract (ruff's convention): a finding whose fix is *safe*
(``Finding.applicability``, decided as ``ssot-lint check`` decides it: an import rewrite verified
against the project) gets a fix action; one whose fix is *unsafe* (an event reshaped, an import
rewrite that cannot be verified) gets one only when the client opts in (the ``unsafeFixes``
setting), titled ``... (unsafe: why)`` with why it is unsafe (``notes``); a finding with no fix gets none. ``source.fixAll`` applies the
safe fixes, and the unsafe ones too only when opted in. Every fix is computed by
``api.fix_source`` over the buffer, verified against the project as the editor shows it (the
other open buffers in place of their files), checked as ``ssot-lint fix`` checks a file (it parses,
compiles, keeps every comment, is a fixed point), or not offered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp

from ssot_lint import api
from ssot_lint.kinds.base import Rule
from ssot_lint.model import SAFE, UNSAFE, Finding
from ssot_lint.report import plural
from ssot_lint.server.edits import diagnostic, text_edit
from ssot_lint.server.notes import noted, notes_of, title_tail
from ssot_lint.server.positions import Lines

FIX_ALL = "source.fixAll.ssot-lint"
KINDS = [lsp.CodeActionKind.QuickFix, FIX_ALL]


@dataclass(frozen=True)
class Buffer:
    """The document the actions edit: its path, text, URI and version."""

    path: str
    text: str
    uri: str
    version: int | None


def offered(finding: Finding, unsafe_fixes: bool) -> bool:
    """Whether a fix for ``finding`` is offered: a safe one always, an unsafe one when opted in."""
    return finding.applicability == SAFE or (unsafe_fixes and finding.applicability == UNSAFE)


def fix_title(what: str, fixed: api.SourceFixed, why: str | None = None) -> str:
    """``ssot-lint: fix WS002``, with how many findings the fix removes when more than one, and
    ``(unsafe: why)`` when any of them is an unsafe fix (``why``: the finding's note)."""
    title = f"ssot-lint: fix {what}" + (f" ({fixed.fixed} findings in this file)" if fixed.fixed > 1 else "")
    return title + (title_tail(why) if fixed.unsafe_fixed else "")


def code_actions(
    project: api.Project,
    buffer: Buffer,
    findings: Sequence[Finding],
    span: tuple[tuple[int, int], tuple[int, int]],
    only: Sequence[str] | None,
    encoding: str,
    unsafe_fixes: bool,
    log: Callable[[str], None],
    others: Mapping[api.PathLike, str | bytes] | None = None,
    view: api.ProjectView | None = None,
) -> list[lsp.CodeAction]:
    """The actions for the findings that overlap ``span`` (finding coordinates, first and last),
    of the kinds ``only`` asks for (all when None); each fix verified against the project with
    the ``others`` open buffers (path -> text) in place of their files, as the editor shows it;
    ``view``: what the last actions read of the whole project, for a project-wide rule's fix."""
    first, last = span
    lines = Lines(buffer.text)
    wanted = lambda kind: only is None or any(kind == k or kind.startswith(f"{k}.") for k in only)  # noqa: E731
    fixable = {r.id: r for r in project.rules.rules if r.fixable}

    def fix(rules: list[Rule], unsafe: bool) -> api.SourceFixed:
        # Only these rules fix; the project is read with all of them, as its check read it (a
        # project-wide rule's fix reads every file: the check's results, from the cache).
        return api.fix_source(buffer.path, buffer.text, config=project, unsafe_fixes=unsafe, buffers=others, only=[r.id for r in rules], view=view)

    def edit(new: str) -> lsp.WorkspaceEdit:
        identifier = lsp.OptionalVersionedTextDocumentIdentifier(uri=buffer.uri, version=buffer.version)
        return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(identifier, [text_edit(buffer.text, new, encoding)])])

    def log_failed(fixed: api.SourceFixed) -> None:
        for rule_id, why in fixed.failed:  # a bug in its kind: no action of its, and why
            log(f"{buffer.path}: {rule_id} not fixed: {why}")

    actions: list[lsp.CodeAction] = []
    fixes: dict[tuple[str, bool], api.SourceFixed] = {}  # (rule id, unsafe) -> the rule's fix over the file
    for finding in findings:
        if (finding.end_line, finding.end_col) < first or (finding.line, finding.col) > last or not wanted(lsp.CodeActionKind.QuickFix):
            continue
        diag = [diagnostic(finding, lines, encoding)]
        rule = fixable.get(finding.rule_id)
        if rule is not None and offered(finding, unsafe_fixes):
            key = (rule.id, finding.applicability == UNSAFE)
            if key not in fixes:
                fixes[key] = fix([rule], key[1])
                log_failed(fixes[key])  # once per fix, not per finding
            fixed = fixes[key]
            if fixed.fixed and isinstance(fixed.code, str):
                safe = not fixed.unsafe_fixed
                why = notes_of(fixed).get((finding.rule_id, finding.line, finding.col))
                if finding.applicability == UNSAFE:  # why, as on the diagnostic shown
                    diag = [noted(diag[0], why, True, buffer.uri, lines, project.shown(buffer.path), encoding)]
                title = fix_title(rule.id, fixed, why)
                actions.append(lsp.CodeAction(title, kind=lsp.CodeActionKind.QuickFix, diagnostics=diag, edit=edit(fixed.code), is_preferred=safe))
            elif fixed.refused:
                log(f"{buffer.path}: {rule.id} not fixed: {fixed.refused}")
        suppressed = api.suppress_source(buffer.text, finding)
        if suppressed is not None:
            title = f"ssot-lint: suppress {finding.rule_id} on this line (# ssot: ignore[{finding.rule_id}])"
            actions.append(lsp.CodeAction(title, kind=lsp.CodeActionKind.QuickFix, diagnostics=diag, edit=edit(suppressed)))
    if wanted(FIX_ALL):
        rules = list({f.rule_id: fixable[f.rule_id] for f in findings if f.rule_id in fixable and offered(f, unsafe_fixes)}.values())
        everything = fix(rules, unsafe_fixes) if rules else None
        if everything is not None:
            log_failed(everything)  # the action still fixes with the other rules
        if everything is not None and everything.fixed and isinstance(everything.code, str):
            unsafe = f", {everything.unsafe_fixed} unsafe" if everything.unsafe_fixed else ""
            actions.append(lsp.CodeAction(f"ssot-lint: fix all ({plural(everything.fixed, 'finding')}{unsafe})", kind=FIX_ALL, edit=edit(everything.code)))
    return actions
