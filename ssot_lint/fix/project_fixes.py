"""What the project-wide kinds' fixes know of the whole project (``Rule.fix_project``: the
declarations ``declared-deprecation`` rewrites imports by), prepared once before any file is
fixed: by ``fix`` from the results of its run, and for one text (``api.fix_source``,
``fix --stdin-filename``, the language server) from the project's files as ``check`` reads them
(through the result cache), with the text and an editor's other unsaved buffers in place of
their files. Both prepare it from the same facts, so one text is fixed as ``fix`` fixes its file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ssot_lint.config.settings import Config
from ssot_lint.kinds.base import FixContext, ProjectFix, Rule
from ssot_lint.model import FileRef, FileResult
from ssot_lint.run.aggregation import rule_facts
from ssot_lint.run.cache import context_digest
from ssot_lint.run.discovery import SourceFile, discover, with_buffer_files
from ssot_lint.run.module_summaries import Known, run_summaries
from ssot_lint.run.options import RunOptions
from ssot_lint.run.per_file import analyze_files


def needs_project(rule: Rule) -> bool:
    """Whether the rule's fix reads the whole project (its kind has a ``fix_project``)."""
    return rule.fixable and type(rule).fix_project is not Rule.fix_project


def prepare(rules: Sequence[Rule], results: Sequence[tuple[FileRef, FileResult]], fixing: Sequence[Rule] | None = None) -> dict[str, ProjectFix]:
    """Each fixable rule's view of the project (``Rule.fix_project``; of the rules in ``fixing``
    only, when given), by id, from the facts of ``results`` (every file of the project, before
    any change), each rule having seen every rule of the run (``rules``)."""
    projects: dict[str, ProjectFix] = {}
    for rule in rules if fixing is None else fixing:
        rule.see_rules(list(rules))
        prepared = rule.fix_project(rule_facts(rule, results)) if rule.fixable else None
        if prepared is not None:
            projects[rule.id] = prepared
    return projects


@dataclass
class ProjectRead:
    """What fixing one text read of the whole project: the project-wide rules' view of it
    (``projects``), the files discovered and the module summaries their analysis carries, which
    verifying the text's import rewrites reads instead of summarising modules again (as
    ``check`` verifies from its run's results); ``verifier``: the context that verifies them,
    once made, kept with the rest (what it learns of the project holds as long as they do, as
    ``fix`` verifies every file of a run with one)."""

    projects: dict[str, ProjectFix]
    files: list[SourceFile]
    summaries: Known
    verifier: FixContext | None = None


class Remembered(Protocol):
    """Where ``for_one_text`` keeps what it read for the next call (``api.ProjectView``)."""

    def get(self, key: tuple[object, ...], read_now: Callable[[], ProjectRead]) -> ProjectRead:
        """What ``read_now`` gave for ``key`` the last time, else what it gives now."""
        ...


def for_one_text(
    config: Config, rules: Sequence[Rule], fixing: Sequence[Rule], ref: FileRef, options: RunOptions, view: Remembered | None = None
) -> ProjectRead | None:
    """What the rules in ``fixing`` that fix the one text at ``ref`` (in ``options.buffers``,
    with the other unsaved buffers) read of the project: its files analyzed with all of
    ``rules``, as ``fix`` (and ``check``) analyze them, so each result comes from the cache
    unless its file (or buffer) changed, then ``prepare``d. None when none of them needs the
    project (nothing is read); ``view``: what the last call with the same rules and buffers
    read, if it holds it."""
    wide = [rule for rule in fixing if needs_project(rule) and rule.in_scope(ref.path)]
    if not wide:
        return None

    def read_now() -> ProjectRead:
        root = [str(config.root)]
        files = discover(root, config)
        if options.buffers:
            files = with_buffer_files(files, root, config, options.buffers)
        results = analyze_files(files, rules, options)
        return ProjectRead(prepare(rules, results, wide), files, run_summaries(rules, results))

    if view is None:
        return read_now()
    key = (str(config.root), context_digest(rules), tuple(rule.id for rule in wide), tuple(sorted((options.buffers or {}).items())))
    return view.get(key, read_now)


def reasons_at(projects: dict[str, ProjectFix], path: str) -> tuple[dict[tuple[str, int, int], str], dict[tuple[str, int, int, str], str]]:
    """Why each finding in the file at ``path`` that a project-wide fix leaves stays, by (rule
    id, line, column), and by anchor too for findings that share a position: what ``fix`` says
    of a finding in a file it does not rewrite."""
    plain = {(rule_id, line, col): why for rule_id, project in projects.items() for (where, line, col), why in project.reasons.items() if where == path}
    anchored = {
        (rule_id, line, col, anchor): why
        for rule_id, project in projects.items()
        for (where, line, col, anchor), why in project.anchored.items()
        if where == path
    }
    return plain, anchored


def paths_of(projects: Mapping[str, ProjectFix], rule: Rule) -> frozenset[str]:
    """The files a project-wide rule's fix may change (none for the other rules)."""
    project = projects.get(rule.id)
    return project.paths if project is not None else frozenset()
