"""What the server works out once a project-wide check has published, on the worker thread before
any code action asks for it, for the open documents that show a finding whose fix reads the whole
project (``declared-deprecation``: every module's declarations):

- the project as such a fix reads it, kept in the project's ``api.ProjectView``: reading it takes
  seconds on Django, and the first code action after a save would otherwise wait for it;
- why each such finding's unsafe fix is unsafe (``notes``), shown on its diagnostic as a per-file
  finding's is: by the same fix the code action makes, so the diagnostic says what the action's
  title says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssot_lint import api
from ssot_lint.model import SAFE, UNSAFE, Finding
from ssot_lint.server.notes import Notes, notes_of


@dataclass(frozen=True)
class Shown:
    """An open document as the last project-wide check read it (``version``, ``text``), the
    project's other open buffers (``others``, as its code actions verify against them), the
    rules of its project-wide findings whose fix reads the project (``rules``), and those of them
    whose fix is unsafe (``unsafe``)."""

    uri: str
    version: int | None
    path: str
    text: str
    others: Mapping[api.PathLike, str | bytes]
    rules: tuple[str, ...]
    unsafe: frozenset[str]


def reading_rules(project: api.Project, findings: Sequence[Finding]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The rules of ``findings`` with a fix that reads the project (a fixable project-wide rule's,
    safe or unsafe), and those of an unsafe one."""
    reading = {r.id for r in project.rules.rules if r.fixable and r.id in project.project_wide_ids}
    fixed = [f for f in findings if f.rule_id in reading and f.applicability in (SAFE, UNSAFE)]
    return tuple(sorted({f.rule_id for f in fixed})), frozenset(f.rule_id for f in fixed if f.applicability == UNSAFE)


def prepare(project: api.Project, documents: Sequence[Shown], view: api.ProjectView) -> dict[str, Notes]:
    """Read the project into ``view`` as the first quick fix on one of ``documents`` reads it (one
    rule's fix: what the view keeps is for that rule and these buffers), and return why each
    unsafe fix of their findings is unsafe, by URI (for the documents with one)."""
    notes: dict[str, Notes] = {}
    read = False
    for document in documents:
        for rule_id in document.rules:
            unsafe = rule_id in document.unsafe
            if not unsafe and read:
                continue  # nothing to learn: the project is read
            fixed = api.fix_source(document.path, document.text, config=project, unsafe_fixes=unsafe, buffers=document.others, only=[rule_id], view=view)
            read = True
            if unsafe:
                notes.setdefault(document.uri, {}).update(notes_of(fixed))
        if document.unsafe:
            notes.setdefault(document.uri, {})
    return notes
