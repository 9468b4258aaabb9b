"""The Python API: everything the command line, the pytest plugin and the language server do goes
through these functions, so a script gets exactly what ``ssot-lint check`` would report.

    >>> import ssot_lint
    >>> result = ssot_lint.check(["fixtures"])
    >>> result.exit_status, len(result.findings)

Policy lives here, not in the shells: suppression comments (applied in aggregation), unused
suppressions, the baseline ratchet and the exit status. One module per concept:

- ``project``: ``Project``, ``load_project``, ``load_rules``, and what a project's config names
  for a run (the result cache, the baseline file);
- ``checking``: ``check``, ``analyze`` and ``CheckResult`` (a run over the project or some of
  its paths, then unused suppressions, the baseline and the exit status);
- ``source``: one file's text on no disk: ``check_source``, ``fix_source``, ``suppress_source``
  (and which text no file can hold: ``unencodable``);
- ``fixing``: ``fix``, ``check_mappings``;
- ``starter``: ``init`` and ``survey``.

(The modules are not named after the functions they hold, so ``ssot_lint.api.check`` is always
the function.)

Every public name is importable from here (and the main ones from ``ssot_lint``).
"""

from __future__ import annotations

from ssot_lint.api.checking import CheckResult, analyze, check, failing_findings
from ssot_lint.api.fixing import check_mappings, fix
from ssot_lint.api.project import PathLike, Project, Warn, baseline_file, cache_directory, has_baseline, load_baseline, load_project, load_rules, open_cache
from ssot_lint.api.source import ProjectView, SourceFixed, check_source, fix_source, forget_files, source_bytes, suppress_source, unencodable
from ssot_lint.api.starter import InitResult, init, survey
from ssot_lint.config.tomlfile import shown_path
from ssot_lint.run.partial import absolute_path

__all__ = [
    "CheckResult",
    "InitResult",
    "PathLike",
    "Project",
    "ProjectView",
    "SourceFixed",
    "Warn",
    "absolute_path",
    "analyze",
    "baseline_file",
    "has_baseline",
    "cache_directory",
    "check",
    "check_mappings",
    "check_source",
    "failing_findings",
    "fix",
    "fix_source",
    "forget_files",
    "init",
    "load_baseline",
    "load_project",
    "load_rules",
    "open_cache",
    "shown_path",
    "source_bytes",
    "unencodable",
    "suppress_source",
    "survey",
]
