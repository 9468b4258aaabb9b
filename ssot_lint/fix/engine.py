"""``ssot-lint fix``: apply the fixable rules' fixes to files, safely, on the worker pool.

A file is fixed only when a fixable rule has a finding in it. Each file is fixed in a worker
(``fix_task``): read, analyzed, fixed and checked by ``fix.apply`` (the new text must re-parse,
compile, keep every comment and be a fixed point, else the file is left as it is, with a
warning), then written atomically here, only if its bytes on disk are still the ones that were
fixed. This module is the orchestration: the project analyzed and verified against once, the
files fixed in crash-isolated workers, the written files analyzed again.

Afterwards every finding that remains, from any rule, is listed with the reason it was not fixed;
locations refer to the files as fixed (with ``--diff``: as they would be). A rule whose fix
failed on a file (a bug in its kind) leaves each of its findings there with that reason, and a
warning, while the file's other rules fix it (``fix.apply``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.parsing import on_analysis_thread
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.fix.apply import FileChanged, FixRefused, NotWritable, SourceFix, fix_source, unwritable, write_atomic
from ssot_lint.fix.project_fixes import paths_of, prepare
from ssot_lint.kinds.base import FixContext, Rule
from ssot_lint.model import PARSE_ERROR_ID, FileRef, FileResult, Finding, Report
from ssot_lint.run.aggregation import aggregate, refute
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.discovery import SourceFile, discover, link_outside
from ssot_lint.run.engine import covers_project
from ssot_lint.run.options import RunOptions
from ssot_lint.run.parallel import Crashed, WorkerPool
from ssot_lint.run.partial import Within
from ssot_lint.run.per_file import FILE_TIME_LIMIT, analyze_files, worker_count
from ssot_lint.run.reading import read_file
from ssot_lint.run.verification import close_summaries, fix_context

FIX_TIME_LIMIT = 5 * FILE_TIME_LIMIT  # libcst parses a file ~10x slower than CPython
# Why each finding left stays, and whether only an unsafe fix would remove it: by path, rule id,
# line, column and anchor (``Finding.anchor`` where findings share a position, else "").
Reasons = dict[tuple[str, str, int, int, str], tuple[str, bool]]
# Why every finding of a rule in a file stays, whatever its position: by path and rule id (the
# rule's fix failed there, ``SourceFix.failed``).
Failed = Mapping[tuple[str, str], str]


@dataclass
class FileFix:
    """One file the fixer changed (or would change, with ``write`` off); ``notes``: on each unsafe
    fix in it, (rule id, line, column before the fix, what to know); ``partly``: how many findings
    left in it the fix changed in part (some of a statement's names moved)."""

    ref: FileRef
    before: bytes
    after: bytes
    fixed: int
    written: bool = False
    unsafe_fixed: int = 0
    notes: tuple[tuple[str, int, int, str], ...] = ()
    partly: int = 0


@dataclass(frozen=True)
class Left:
    """A finding left after fixing, with the reason; ``unsafe``: only an unsafe fix would
    remove it (``--unsafe-fixes``); ``no_autofix``: its rule's kind never fixes (the summary
    counts such findings per rule instead of listing them)."""

    finding: Finding
    reason: str
    unsafe: bool = False
    no_autofix: str = ""  # the rule's kind, when the kind has no autofix at all


@dataclass
class FixResult:
    files: list[FileFix]
    report: Report  # the findings as the files are after fixing (as they would be, without write)
    left: list[Left]
    warnings: list[str] = field(default_factory=list)
    write: bool = True
    notes: list[str] = field(default_factory=list)  # on unsafe fixes applied: "path:line:col: ID note"
    unsafe: bool = False  # unsafe fixes were applied too
    judged: Report | None = None  # ``report`` with the configured baseline applied, when there is one

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.files)

    @property
    def unsafe_fixed(self) -> int:
        return sum(f.unsafe_fixed for f in self.files)

    @property
    def partly(self) -> int:
        """Findings left that the fix changed in part (counted among ``left`` too)."""
        return sum(f.partly for f in self.files)

    @property
    def unsafe_left(self) -> int:
        """Findings left that ``--unsafe-fixes`` would fix."""
        return sum(1 for item in self.left if item.unsafe)


@dataclass
class FixOptions:
    write: bool = True
    fail_on: str = "warning"
    cache: ResultCache | None = None
    unsafe: bool = False  # apply unsafe fixes too (--unsafe-fixes)
    jobs: int | None = None  # worker processes; None: one per CPU
    # A partial run judged against the project: only the files within are fixed, the project is
    # analyzed, verified against and aggregated whole, and what is left is reported within (see
    # run/partial.py).
    within: Within | None = None


@dataclass(frozen=True)
class _Task:
    """What a worker reports for one file: the bytes it read (None: unreadable now), their
    analysis, and the fix (or why there is none), with the analysis of the fixed bytes."""

    data: bytes | None
    current: FileResult | None = None
    fix: SourceFix | None = None
    refusal: str | None = None
    after: FileResult | None = None


def fix_task(state: tuple[list[Rule], FixContext], task: tuple[str, FileRef, tuple[int, ...]]) -> _Task:
    """Fix one file (in a worker): read it, analyze these very bytes (not a cached past), fix."""
    rules, context = state
    abspath, ref, scope = task
    data = read_file(SourceFile(abspath, ref))
    if not isinstance(data, bytes):
        return _Task(None)  # unreadable now: the first pass's result stands
    applicable = [rules[i] for i in scope]
    current = analyze_source(data, ref, applicable)
    found = {f.rule_id for f in current.findings}
    wanted = [rule for rule in applicable if rule.fixable and (rule.id in found or ref.path in paths_of(context.projects, rule))]
    if not wanted:
        return _Task(data, current)
    try:
        fixed = on_analysis_thread(fix_source, data, ref, wanted, context)
    except FixRefused as refusal:
        return _Task(data, current, refusal=str(refusal))
    return _Task(data, current, fixed, after=analyze_source(fixed.data, ref, applicable) if fixed.data != data else None)


def _prewarm(context: FixContext, rules: Sequence[Rule], results: Sequence[tuple[FileRef, FileResult]]) -> None:
    """Summarise, here and in one batch (cached, on the worker pool), the modules that verifying
    every import rewrite ``check`` recorded reads first, and the import graph its cycle checks
    walk (each rule's, as its fix leaves it); workers inherit them (and summarise any other
    module they need in-process)."""
    from ssot_lint.fix.verify import Mover, RewriteFact

    if context.verifier is None:
        return
    for rule in rules:
        needs = [
            need
            for _, result in results
            if isinstance(facts := result.facts.get(rule.id), tuple)
            for fact in facts
            if isinstance(fact, RewriteFact)
            for need in fact.needs
        ]
        if needs:
            context.verifier.prefetch(needs, rule if isinstance(rule, Mover) else None)


def _run_tasks(tasks: list[tuple[str, FileRef, tuple[int, ...]]], rules: Sequence[Rule], context: FixContext, jobs: int | None) -> list[_Task | Crashed]:
    """Each file's fix, in the order of ``tasks`` whatever the number of workers."""
    outcomes: list[_Task | Crashed | None] = [None] * len(tasks)
    workers = worker_count(jobs, len(tasks))
    if workers and tasks:
        import libcst  # noqa: F401 - once, here: forked workers inherit it instead of each importing it (0.5 s)

        pool = WorkerPool(workers, fix_task, (list(rules), context), time_limit=FIX_TIME_LIMIT)
        for number, outcome in pool.run(tasks, batch_size=1):
            outcomes[number] = outcome
    else:
        for number, task in enumerate(tasks):
            outcomes[number] = fix_task((list(rules), context), task)
    return outcomes  # type: ignore[return-value]


def fix_paths(paths: list[str], config: Config, ruleset: RuleSet, options: FixOptions) -> FixResult:
    """Discover as ``check`` does, fix every file with a fixable finding (on all cores,
    crash-isolated), report what is left. With ``options.within``, as a partial ``check`` does:
    the project root is walked too, only the files within are fixed, and what is left there is
    judged over the whole project."""
    rules = ruleset.rules
    fixable = {rule.id for rule in rules if rule.fixable}
    within = options.within
    files = discover(paths if within is None else [str(config.root), *paths], config)
    run_options = RunOptions(cache=options.cache, jobs=options.jobs)
    results = analyze_files(files, rules, run_options)
    whole = within is not None or covers_project(paths, config)  # a partial run walked the root too
    context = fix_context(config, run_options, files if whole else None, options.unsafe, named=files)
    projects = prepare(rules, results)  # the project-wide kinds' view of the project, before any file changes
    context = dataclasses.replace(context, projects=projects)
    _prewarm(context, rules, results)
    close_summaries(context)  # no idle workers beside the fix's own
    sources = {source.ref.path: source for source in files}
    index = {id(rule): i for i, rule in enumerate(rules)}
    wide = frozenset(path for project in projects.values() for path in project.paths)
    todo = [
        position
        for position, (ref, result) in enumerate(results)
        if (ref.path in wide or any(f.rule_id in fixable for f in result.findings)) and (within is None or ref.path in within)
    ]
    changed: list[FileFix] = []
    warnings: list[str] = []
    notes: list[str] = []
    reasons: Reasons = {
        (path, rule_id, line, col, ""): (why, False) for rule_id, project in projects.items() for (path, line, col), why in project.reasons.items()
    }
    reasons.update(
        {
            (path, rule_id, line, col, anchor): (why, False)
            for rule_id, project in projects.items()
            for (path, line, col, anchor), why in project.anchored.items()
        }
    )
    refused: dict[str, str] = {}  # path -> why the file was not fixed (for project-wide findings)
    failed: dict[tuple[str, str], str] = {}  # (path, rule id) -> why that rule's fix failed there

    def refuse(ref: FileRef, current: FileResult | None, why: str) -> None:
        warnings.append(f"{ref.path}: {why}")
        refused[ref.path] = why
        findings = current.findings if current is not None else results[position][1].findings
        reasons.update({(ref.path, f.rule_id, f.line, f.col, ""): (why, False) for f in findings if f.rule_id in fixable})

    unwritten = {p: why for p in todo if (why := _not_written(sources[results[p][0].path].abspath, config)) is not None}
    for position, why in unwritten.items():
        refuse(results[position][0], results[position][1], why)
    todo = [p for p in todo if p not in unwritten]
    tasks = [(sources[results[p][0].path].abspath, results[p][0], tuple(index[id(r)] for r in rules if r.in_scope(results[p][0].path))) for p in todo]
    for position, outcome in zip(todo, _run_tasks(tasks, rules, context, options.jobs)):
        ref = results[position][0]
        if isinstance(outcome, Crashed):
            refuse(ref, None, f"not fixed: the fix crashed ({outcome.reason})")
            continue
        if outcome.data is None or outcome.current is None:
            continue
        results[position] = (ref, outcome.current)
        if outcome.refusal is not None:
            refuse(ref, outcome.current, f"not fixed: {outcome.refusal}")
            continue
        fix = outcome.fix
        if fix is None:
            continue
        reasons.update({(ref.path, *location, ""): (reason, location in fix.unsafe) for location, reason in fix.reasons.items()})
        reasons.update({(ref.path, *location): known for location, known in fix.anchored.items()})
        for rule_id, why in fix.failed.items():
            warnings.append(f"{ref.path}: {why}")
            failed[(ref.path, rule_id)] = f"not fixed: {why}"
        if fix.data == outcome.data:
            continue
        file_notes = tuple((rule_id, line, col, note) for (rule_id, line, col), note in fix.notes)
        written = FileFix(ref, outcome.data, fix.data, fix.fixed, unsafe_fixed=fix.unsafe_fixed, notes=file_notes, partly=fix.partly)
        if options.write:
            try:
                write_atomic(sources[ref.path].abspath, outcome.data, fix.data)
                written.written = True
            except (FileChanged, NotWritable, OSError) as exc:
                why = (
                    "it changed on disk while being fixed"
                    if isinstance(exc, FileChanged)
                    else str(exc)
                    if isinstance(exc, NotWritable)
                    else f"cannot write it: {exc}"
                )
                refuse(ref, outcome.current, "skipped: " + why)
                continue
        changed.append(written)
        notes.extend(f"{ref.path}:{line}:{col}: {rule_id} {note}" for rule_id, line, col, note in file_notes)
        if outcome.after is not None:
            results[position] = (ref, outcome.after)
    report = aggregate(rules, results, options.fail_on, within, jobs=options.jobs)
    refute(report, rules, results, context)  # as check drops them: the project shows they are none
    kinds = {rule.id: rule.kind for rule in rules}
    touched = {fix.ref.path for fix in changed}
    left = [left_with_reason(f, reasons, fixable, kinds, refused if f.rule_id in projects else {}, touched, failed) for f in report.findings]
    return FixResult(changed, report, left, warnings, options.write, notes, options.unsafe)


def _not_written(path: str, config: Config) -> str | None:
    why = not_written(path, config)
    return None if why is None else f"skipped: {why}"


def not_written(path: str, config: Config) -> str | None:
    """Why the file at ``path`` is left unfixed before it is fixed (``--diff`` shows what ``fix``
    writes; ``fix --stdin-filename`` and the language server refuse the same): a file whose real
    path lies outside the project root, as a symlink or through a symlinked directory (``fix``
    never writes outside the project; ``check`` reads it as Python imports it), or one
    ``unwritable`` refuses."""
    target = link_outside(path, config)
    if target is not None:
        if os.path.islink(path):
            return f"it is a symlink to a file outside the project ({target}); fix that file where it lies"
        return f"it lies outside the project ({target}); fix that file where it lies"
    return unwritable(path)


def left_with_reason(
    finding: Finding,
    reasons: Reasons,
    fixable: set[str],
    kinds: dict[str, str],
    refused: dict[str, str],
    touched: set[str],
    failed: Failed,
) -> Left:
    """``finding``, left after fixing, with why: that its rule's fix failed in its file
    (``failed``), the reason its rule's fix gave, the file's refusal, or what kind of rule it is
    (``reasons``: by path, rule, line and column, and the finding's anchor where findings share
    a position, else "")."""
    if (finding.path, finding.rule_id) in failed:  # before a project-wide reason: the fix that would act on it failed
        return Left(finding, failed[(finding.path, finding.rule_id)])
    at = (finding.path, finding.rule_id, finding.line, finding.col)
    known = reasons.get((*at, finding.anchor)) or reasons.get((*at, ""))
    if known is not None:
        return Left(finding, *known)
    if finding.path in refused:
        return Left(finding, refused[finding.path])
    if finding.rule_id == PARSE_ERROR_ID:
        return Left(finding, f"not fixable: {finding.message}")
    if finding.rule_id not in fixable:
        kind = kinds.get(finding.rule_id, "this")
        return Left(finding, f"no autofix for {kind} rules: {finding.message}", no_autofix=kind)
    if finding.path in touched:
        # Another rule's fix wrote it (a replacement that a rule limited to some paths flags):
        # only the rules with findings in a file fix it, so the next run is the one that can.
        return Left(finding, f"written by this file's fix of another finding; `ssot-lint fix` again fixes it or says why not: {finding.message}")
    return Left(finding, f"left by the fix without a reason (please report it): {finding.message}")
