"""Project-wide aggregations reused from the previous run (``run/aggregation_memo.py``): reused
exactly when each rule's input is the same, and every report equal to a run without the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ssot_lint
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.config.settings import load_config
from ssot_lint.model import Report
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.engine import run
from ssot_lint.run.options import RunOptions
from ssot_lint.run.progress import format_timings
from tests.helpers import REPO, sample_project

# Six rules get facts: the sample's WS001 (family), WS002 (for its fixes), WS004 (duplicates) and
# PI001-PI003 (module summaries); WS003 has none, PI004's paths match no file in the sample.
PROJECT_RULES = (REPO / "rules" / "project-integrity.toml").read_text()
NOTIFIER = Path("netra_backend/app/services/notifier.py")


def _run(project: Path, cache: bool) -> Report:
    config = load_config(project / "ssot-lint.toml")
    ruleset = load_rule_files(config.rule_files)
    results = ResultCache(project / ".ssot-lint" / "cache") if cache else None
    try:
        return run([str(project)], config, ruleset, RunOptions(cache=results, jobs=1))
    finally:
        if results is not None:
            results.close()


def _shown(report: Report) -> tuple[object, ...]:
    """Everything a report says: findings (with fingerprints), per-rule rows with details."""
    rows = [(r.id, r.count, r.ok, r.details, r.suppressed) for r in report.rules]
    return tuple(report.findings), tuple(rows), tuple(report.suppressed), report.files_scanned


def _check(project: Path) -> tuple[int, int]:
    """A cached run, compared with a run without the cache; (reused, run) aggregations."""
    cached = _run(project, cache=True)
    fresh = _run(project, cache=False)
    assert _shown(cached) == _shown(fresh)
    assert "aggregations_reused" not in fresh.stats
    return cached.stats["aggregations_reused"], cached.stats["aggregations_run"]


def test_unchanged_inputs_reuse_every_aggregation_and_changed_ones_aggregate_again(tmp_path: Path) -> None:
    project = sample_project(tmp_path, PROJECT_RULES)
    assert _check(project) == (0, 6)  # a first run: nothing stored yet
    assert _check(project) == (6, 0)  # every result from the cache: every input the same

    notifier = project / NOTIFIER
    text = notifier.read_text()
    notifier.write_text(text + "\n# a comment: a new blob, the same facts\n")
    assert _check(project) == (6, 0)

    notifier.write_text(text + "\ndef helper():\n    return 1\n")  # a new top-level name: the summary changes
    reused, again = _check(project)
    assert (reused, again) == (4, 2)  # PI001 and PI002 read definitions; WS001, WS002, WS004, PI003 (imports) do not change

    notifier.write_text("\n\n" + text)  # every line moves: positions in the facts change
    reused, again = _check(project)
    assert again >= 3 and reused + again == 6

    (project / "netra_backend" / "app" / "services" / "extra.py").write_text("from netra_backend.app.services import nothing_here\n")
    assert _check(project)[1] >= 2  # a new file: its facts join the inputs

    (project / NOTIFIER).unlink()
    assert _check(project)[1] >= 2  # a file gone

    assert _check(project) == (6, 0)


def test_another_rule_set_or_version_reuses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(tmp_path, PROJECT_RULES)
    _check(project)
    rules = project / "rules.toml"
    rules.write_text(rules.read_text() + "\n# a comment: the same definitions\n")
    assert _check(project) == (6, 0)
    rules.write_text(rules.read_text().replace('id = "WS004"', 'id = "WS004"\nmin-count = 3', 1))
    assert _check(project) == (0, 6)  # the context covers every rule's definition
    monkeypatch.setattr(ssot_lint, "__version__", "999.0")
    assert _check(project) == (0, 6)


def test_a_damaged_memo_is_a_miss(tmp_path: Path) -> None:
    project = sample_project(tmp_path, PROJECT_RULES)
    _check(project)
    cache = ResultCache(project / ".ssot-lint" / "cache")
    try:
        cache.put_aggregate("project " + str(project.resolve()), b"not a pickle")
    finally:
        cache.close()
    assert _check(project) == (0, 6)
    assert _check(project) == (6, 0)


def test_show_timings_says_what_was_reused(tmp_path: Path) -> None:
    project = sample_project(tmp_path, PROJECT_RULES)
    _run(project, cache=True)
    line = format_timings(_run(project, cache=True).stats).splitlines()[0]
    assert line.endswith("; no worker processes; project-wide aggregations: 6 reused, 0 run")
    shutil.rmtree(project / ".ssot-lint")
    assert "aggregations" not in format_timings(_run(project, cache=False).stats)
