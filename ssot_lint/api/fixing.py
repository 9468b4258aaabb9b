"""``fix``: the safe fixes over the project or some of its paths, what is left judged as ``check``
judges it; ``check_mappings``: the rules' import mappings verified against the project, as ``fix``
will verify each rewrite."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssot_lint.api.project import (
    PathLike,
    Project,
    Warn,
    baseline_file,
    compiled_named,
    has_baseline,
    judged_against_project,
    load_baseline,
    open_cache,
    partial_run,
    require_rules,
    resolve_project,
)
from ssot_lint.ci import baseline as baselines
from ssot_lint.ci.coverage import Coverage
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.project.module_paths import COMPILED_NOT_ANALYZED

if TYPE_CHECKING:  # fixing imports libcst: only when something is fixed
    from ssot_lint.fix.engine import FixResult
    from ssot_lint.fix.mappings import MappingsChecked, MappingWarning


def fix(
    paths: Sequence[PathLike] = (),
    *,
    config: PathLike | Config | Project | None = None,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    write: bool = True,
    unsafe_fixes: bool = False,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    fail_on: str | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> FixResult:
    """Fix what can be fixed safely in ``paths`` (``write=False``: compute the fixes, write
    nothing; ``fix.render.render_diff(result)`` shows them); with ``unsafe_fixes``, the unsafe
    fixes too. Files are fixed in ``jobs`` worker processes (default: one per CPU), with the
    same result for any number. The result lists every finding left with the reason it was not
    fixed, and the report as the files are (or would be) after fixing. Only files in ``paths``
    are fixed; what is left there is judged against the whole project, as ``check`` judges a
    partial run, and so is every fix (``ssot_lint.fix.verify``). With a baseline file configured,
    ``FixResult.judged`` is that report with the baseline applied (``check``'s verdict)."""
    from ssot_lint.fix.engine import FixOptions, fix_paths
    from ssot_lint.run.discovery import unfollowed_links

    project = resolve_project(config, rules, select, ignore, observer)
    require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    fail_on = fail_on or project.config.get("fail-on")
    given, within = partial_run(project.config, paths)
    for note in unfollowed_links(paths, project.config):
        warn(note)
    for named in compiled_named(project, paths):  # taken in, but no text to fix: say so, not "0 findings left" alone
        warn(f"{named}: not fixed: {COMPILED_NOT_ANALYZED}")
    with open_cache(project.config, cache, cache_dir, warn, observer) as result_cache:
        options = FixOptions(write, fail_on, result_cache, unsafe_fixes, jobs, within=judged_against_project(within, project.rules.rules))
        result = fix_paths(given or [str(project.root)], project.config, project.rules, options)
    # What is left is judged as `check` would now judge it: against the configured baseline too.
    path, shown = baseline_file(project.config)
    if has_baseline(path, shown):
        coverage = Coverage.of(result.report.scanned, project.rules.rules, within is None, project.rules.known, within)
        result.judged = baselines.apply(result.report, load_baseline(path, shown), shown, project.rules.known, coverage, fail_on)
    for warning in result.warnings:
        warn(warning)
    return result


def check_mappings(
    *,
    config: PathLike | Config | Project | None = None,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> MappingsChecked:
    """Verify each import mapping of the rules (``deprecated-import``'s ``replace``) against the
    project, as ``fix`` verifies each rewrite: a replacement that does not exist, one of another
    kind than its target (unless allowed), a module lacking names of the one it replaces. Reads
    only the modules the mappings name, through the cached per-file analysis (``fix.mappings``)."""
    from ssot_lint.fix.mappings import check_mappings as check
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import close_summaries, fix_context

    project = resolve_project(config, rules, select, ignore, observer)
    require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    with open_cache(project.config, cache, cache_dir, warn, observer) as result_cache:
        context = fix_context(project.config, RunOptions(cache=result_cache, jobs=jobs), None)
        assert context.verifier is not None
        try:
            checked = check(project.rules.rules, context.verifier)
        finally:
            close_summaries(context)  # no idle workers left behind (a caller may check again)
    unused = _unused_decorators(project, jobs, cache, cache_dir, observer)
    return dataclasses.replace(checked, warnings=checked.warnings + unused) if unused else checked


def _unused_decorators(project: Project, jobs: int | None, cache: bool, cache_dir: PathLike | None, observer: Observer) -> tuple[MappingWarning, ...]:
    """A warning for each decorator a ``declared-deprecation`` rule lists (``decorators``) that
    marks nothing in the rule's scope, whether it is spelled as defined or through a re-export: a
    misspelt name would otherwise find nothing, silently. One run of those rules over the project."""
    from ssot_lint.api.checking import check
    from ssot_lint.fix.mappings import MappingWarning

    listing = [rule for rule in project.rules.rules if rule.kind == "declared-deprecation" and getattr(rule, "decorators", None)]
    if not listing:
        return ()
    ran = check(config=project, select=[rule.id for rule in listing], baseline=False, cache=cache, cache_dir=cache_dir, jobs=jobs, observer=observer)
    rows = {row.id: row for row in ran.report.rules}
    return tuple(
        MappingWarning(rule.meta.origin, rule.meta.line, rule.id, f"decorator {name} marks no function or class in the project (option decorators)")
        for rule in listing
        for name in rows[rule.id].details.get("unused_decorators", ())
        if rule.id in rows
    )
