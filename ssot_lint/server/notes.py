"""Why an unsafe fix is unsafe, shown in the editor as ``ssot-lint fix --unsafe-fixes`` prints it:
on the finding's diagnostic (a second line of its message, which VS Code and Neovim both show,
and the places of this buffer the note names as ``relatedInformation``, which VS Code lists as
links) and at the end of the fix action's title, the one thing shown when choosing it.

The notes are ``api.fix_source``'s (``SourceFixed.notes``): its fix with ``unsafe_fixes`` over
the buffer, applied to nothing. A finding ``check`` marks unsafe whose note that fix does not
give (the fix was refused as a whole) is still said to have an unsafe fix, without the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import attrs
from lsprotocol import types as lsp

from ssot_lint import api
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.model import UNSAFE, Finding
from ssot_lint.server.positions import Lines

# rule id, line, column of the finding (in the text fixed) -> why its fix is unsafe
Notes = dict[tuple[str, int, int], str]
_APPLIED = re.compile(r"^unsafe fix (?:not )?applied( in part)?: ")


def notes_of(fixed: api.SourceFixed) -> Notes:
    """Why each unsafe fix ``fixed`` applied is unsafe, by its finding, without the "unsafe fix
    applied" that opens the note (what is shown with it says that already)."""
    notes: Notes = {}
    for rule_id, line, col, note in fixed.notes:
        match = _APPLIED.match(note)
        why = note[match.end() :] if match else note
        notes[(rule_id, line, col)] = f"in part: {why}" if match and match.group(1) else why
    return notes


def unsafe_notes(project: api.Project, path: str, text: str, findings: Sequence[Finding], others: Mapping[api.PathLike, str | bytes]) -> Notes:
    """The notes of the unsafe fixes of ``findings`` in the buffer ``text`` (verified against
    the ``others`` buffers as its fix actions are); none when no finding has an unsafe fix."""
    wanted = {f.rule_id for f in findings if f.applicability == UNSAFE}
    rules = [r for r in project.rules.rules if r.id in wanted and r.fixable and r.id not in project.project_wide_ids]
    if not rules:
        return {}
    fixed = api.fix_source(path, text, config=api.Project(project.config, RuleSet(rules, project.rules.known)), unsafe_fixes=True, buffers=others)
    return notes_of(fixed)


def places(why: str, shown: str) -> list[tuple[int, str]]:
    """The lines of this file (1-based) the note names (``at pkg/ev.py:4``, ``at line 3``), each
    with the clause that names it."""
    at = re.compile(rf"\bat (?:{re.escape(shown)}:|line )(\d+)")
    found: list[tuple[int, str]] = []
    for clause in why.split("; "):
        for match in at.finditer(clause):
            if (int(match.group(1)), clause) not in found:
                found.append((int(match.group(1)), clause))
    return found


def noted(diagnostic: lsp.Diagnostic, why: str | None, offered: bool, uri: str, lines: Lines, shown: str, encoding: str) -> lsp.Diagnostic:
    """``diagnostic`` of a finding with an unsafe fix, saying so (and that the ``unsafeFixes``
    setting offers it, when it is off), why (``why``), and where the note points in this buffer."""
    head = "unsafe fix" if offered else "unsafe fix, offered with the `unsafeFixes` setting"
    related = []
    for line, clause in places(why or "", shown):
        if 1 <= line <= len(lines):
            text = lines.line(line - 1)
            start = lines.from_finding(line, len(text) - len(text.lstrip()) + 1, encoding)
            end = lines.from_finding(line, len(text) + 1, encoding)
            location = lsp.Location(uri, lsp.Range(lsp.Position(*start), lsp.Position(*end)))
            related.append(lsp.DiagnosticRelatedInformation(location, clause))
    message = f"{diagnostic.message}\n{head}" + (f": {why}" if why else "")
    return attrs.evolve(diagnostic, message=message, related_information=related or None)


def title_tail(why: str | None) -> str:
    """The end of an unsafe fix action's title: ``(unsafe: why)``, or ``(unsafe)`` without one."""
    return f" (unsafe: {why})" if why else " (unsafe)"
