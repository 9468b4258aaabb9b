"""The result cache: invalidation (file, rule, tool version), corrupt / foreign / unwritable
caches, concurrent runs, and identical output with the cache on or off."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ssot_lint
from ssot_lint.cli import main
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.config.settings import load_config
from ssot_lint.model import FileResult
from ssot_lint.run import cache as cache_module
from ssot_lint.run import per_file
from ssot_lint.run.cache import ResultCache, load_value
from ssot_lint.run.engine import run
from ssot_lint.run.options import RunOptions
from tests.helpers import REPO, sample_project

SCOPED_RULE = """
[[rule]]
id = "EV1"
kind = "event-schema"
paths = ["netra_backend/tests/"]
events = ["agent_started", "tool_executing"]
required = ["event_type", "timestamp"]
"""


def check(project: Path, *args: str) -> tuple[int, str, str]:
    cwd = os.getcwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["check", ".", "-o", "json", *args])
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def api_run(project: Path) -> tuple[dict, list]:
    """One run through the Python API with the project's cache; returns (stats, findings)."""
    config = load_config(project / "ssot-lint.toml")
    ruleset = load_rule_files(config.rule_files)
    cache = ResultCache(project / ".ssot-lint" / "cache")
    try:
        report = run([str(project)], config, ruleset, RunOptions(cache=cache, jobs=1))
    finally:
        cache.close()
    return report.stats, [(f.rule_id, f.path, f.line, f.col) for f in report.findings]


def test_file_edit_recomputes_only_that_file(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    first, findings = api_run(project)
    assert (first["files"], first["from_cache"], first["analyzed"]) == (20, 0, 20)
    target = project / "netra_backend" / "app" / "services" / "notifier.py"
    target.write_text(target.read_text() + "\nfrom netra_backend.app.websocket_core.unified_manager import X\n")
    second, edited = api_run(project)
    assert (second["from_cache"], second["analyzed"]) == (19, 1)
    new = sorted(set(edited) - set(findings))
    assert new == [("WS002", "netra_backend/app/services/notifier.py", 18, 6)]
    third, again = api_run(project)
    assert (third["from_cache"], third["analyzed"]) == (20, 0)
    assert again == edited


def test_same_size_edit_with_restored_mtime_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Trust stat signatures at once, so the second run takes blob ids from the signature table.
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)
    project = sample_project(tmp_path)
    target = project / "netra_backend" / "app" / "services" / "notifier.py"
    before = target.stat()
    api_run(project)
    warm, _ = api_run(project)
    assert warm["from_cache"] == 20
    text = target.read_text()
    edited = text.replace(
        "import netra_backend.app.websocket_core.websocket_manager_factory", "import netra_backend.app.websocket_core.websocket_manager_factorx"
    )
    assert len(edited) == len(text) and edited != text
    target.write_text(edited)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime: only ctime moves
    stats, findings = api_run(project)
    assert (stats["from_cache"], stats["analyzed"]) == (19, 1)
    # the aliased factory import (6:8) and the call through it (10:15) are no longer findings
    assert [f for f in findings if f[1] == "netra_backend/app/services/notifier.py" and f[2] in (6, 10)] == []


def test_rule_edit_recomputes_only_files_in_that_rules_scope(tmp_path: Path) -> None:
    project = sample_project(tmp_path, SCOPED_RULE)
    events = project / "netra_backend" / "tests" / "test_event_shape.py"
    events.write_text('def started():\n    return {"event_type": "agent_started", "timestamp": 1.0}\n')
    first, _ = api_run(project)
    assert first["analyzed"] == 21
    rules = project / "rules.toml"
    rules.write_text(rules.read_text().replace('required = ["event_type", "timestamp"]', 'required = ["event_type", "timestamp", "user_id"]'))
    second, _ = api_run(project)
    # EV1 applies to the 5 files under netra_backend/tests/; the other 16 keep their results.
    assert (second["from_cache"], second["analyzed"]) == (16, 5)
    fresh_code, fresh, _ = check(project, "--no-cache")
    cached_code, cached, _ = check(project)
    assert fresh == cached and fresh_code == cached_code == 1
    ev1 = [(f["path"], f["line"], f["col"], f["message"]) for f in json.loads(cached)["findings"] if f["rule"] == "EV1"]
    assert ev1 == [("netra_backend/tests/test_event_shape.py", 2, 12, "non-canonical event dict: missing 'user_id'")]


def test_tool_version_change_invalidates_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(tmp_path)
    api_run(project)
    warm, _ = api_run(project)
    assert warm["from_cache"] == 20
    monkeypatch.setattr(ssot_lint, "__version__", "999.0")
    bumped, _ = api_run(project)
    assert (bumped["from_cache"], bumped["analyzed"]) == (0, 20)


def test_garbage_cache_file_is_rebuilt_with_one_warning(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    _, expected, _ = check(project, "--no-cache")
    check(project)
    db = project / ".ssot-lint" / "cache" / "results.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    code, out, err = check(project)
    assert code == 1 and out == expected
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "was unreadable" in warnings[0] and "rebuilt it" in warnings[0]
    code, out, err = check(project)  # the rebuilt cache works: no warning, same output
    assert (code, out, err) == (1, expected, "")


def test_foreign_sqlite_file_is_not_used(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    _, expected, _ = check(project, "--no-cache")
    directory = project / ".ssot-lint" / "cache"
    directory.mkdir(parents=True)
    foreign = sqlite3.connect(directory / "results.sqlite")
    foreign.execute("CREATE TABLE results (key TEXT PRIMARY KEY, value BLOB)")
    foreign.commit()
    foreign.close()
    code, out, err = check(project)
    assert code == 1 and out == expected
    assert err.count("warning") == 1 and "not an ssot-lint cache" in err


class _Touch:
    """A pickle that would create a file when loaded by an unrestricted unpickler."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.path,))


def test_cache_values_cannot_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    assert load_value(pickle.dumps(_Touch(marker))) is None
    assert not marker.exists()
    assert load_value(b"garbage") is None
    assert load_value(pickle.dumps(FileResult(parsed=True))) == FileResult(parsed=True)


def test_unwritable_cache_dir_runs_without_cache_and_says_so_once(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    _, expected, _ = check(project, "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    code, out, err = check(project, "--cache-dir", str(blocker / "cache"))
    assert code == 1 and out == expected
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ssot-lint: warning: cache disabled:")


def test_two_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    _, expected, _ = check(project, "--no-cache")
    command = [sys.executable, "-m", "ssot_lint", "check", ".", "-o", "json"]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [proc.communicate(timeout=120) for proc in runs]
    assert [proc.returncode for proc in runs] == [1, 1]
    assert [out for out, _ in outputs] == [expected, expected]
    assert [err for _, err in outputs] == ["", ""]
    warm, _ = api_run(project)
    assert warm["from_cache"] == 20


def test_output_identical_across_jobs_and_cache_modes(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    bulk = project / "netra_backend" / "app" / "bulk"
    bulk.mkdir()
    (bulk / "__init__.py").write_text("")
    for i in range(31):  # with the 21 others, 52 files to analyze: enough for four workers
        (bulk / f"mod_{i}.py").write_text(f'"""Module {i}."""\n\n\ndef f(x):\n    return {{"value": x + {i}}}\n')
    outputs = set()
    # one worker, four workers, a cold cache, a warm cache
    for args in (["--no-cache", "-j", "1"], ["--no-cache", "-j", "4"], ["-j", "2"], ["-j", "1"]):
        code, out, err = check(project, *args)
        assert code == 1 and err == ""
        outputs.add(out)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["files"] == {"scanned": 51, "parse_errors": 1, "not_parsed": 43}


def test_every_shipped_rules_per_file_results_load_back_from_the_cache() -> None:
    """A fact type missing from the unpickler's registry would make every lookup a silent miss."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.config.rulefile import load_rule_files
    from ssot_lint.config.settings import load_config
    from ssot_lint.run.cache import load_value
    from ssot_lint.run.discovery import discover

    rules = load_rule_files(sorted((REPO / "rules").glob("*.toml"))).rules
    sources = discover([str(REPO / "fixtures")], load_config(cwd=REPO))
    results = [analyze_source(Path(s.abspath).read_bytes(), s.ref, rules) for s in sources]
    assert sum(1 for r in results if r.facts) >= 10  # project-wide rules left facts in most files
    for result in results:
        assert load_value(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)) == result
    suppressed = analyze_source(b"import os  # ssot: ignore[WS002]\n", sources[0].ref, rules)
    assert suppressed.suppressions and load_value(pickle.dumps(suppressed)) == suppressed


def test_runs_creating_the_same_cache_at_once_all_use_it_without_warnings(tmp_path: Path) -> None:
    """Creation race: a run could see the tables of a cache another run was creating before its
    application id, call it foreign and delete it, or meet 'database is locked' switching to WAL."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom ssot_lint.run.cache import ResultCache\n"
        "c = ResultCache(Path(sys.argv[1])); print(c.enabled, c.warnings); c.close()\n"
    )
    for trial in range(4):
        directory = tmp_path / f"cache{trial}"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(directory)], stdout=subprocess.PIPE, text=True, cwd=REPO) for _ in range(6)]
        assert [proc.communicate(timeout=120)[0].strip() for proc in procs] == ["True []"] * 6


def test_the_key_changes_when_libcst_is_reinstalled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Plugin kinds may read libcst's tree, so results are keyed by the libcst installed; the stamp
    # is read from its files because importlib.metadata costs a third of a cached run's start-up.
    import importlib.util as util

    from ssot_lint.run import cache

    fake = tmp_path / "libcst"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "_version.py").write_text("__version__ = '1.9.0'\n")
    spec = util.spec_from_file_location("libcst", fake / "__init__.py")
    monkeypatch.setattr(util, "find_spec", lambda name: spec)
    before = cache._libcst_stamp()
    (fake / "_version.py").write_text("__version__ = '1.10.0'\n")
    assert cache._libcst_stamp() != before


def test_a_first_run_reads_each_file_once_and_learns_every_signature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An empty cache has nothing to look up: the parent must not read and hash every file before
    # the workers read them again; the workers' signatures fill the table the next run uses.
    project = sample_project(tmp_path)
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)  # the files were written just now

    looked_up: list[str] = []
    real_blob_of = per_file._blob_of

    def no_lookups(source: object, *args: object) -> object:
        looked_up.append(source.ref.path)  # type: ignore[attr-defined]
        return real_blob_of(source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(per_file, "_blob_of", no_lookups)
    stats, findings = api_run(project)
    # Only the modules that verify the fixes of WS002 are looked up, after the run filled the cache:
    # the deprecated and replacement modules, and the importers with the packages above them
    # (what importing them runs now: a safe rewrite imports nothing more, and stops nothing);
    # notifier.py twice: it may bind a package above a module a rewrite stops running, so its
    # imports' uses are read too (does it use the package as a value?).
    websocket_core = "netra_backend/app/websocket_core/"
    assert sorted(looked_up) == [
        "netra_backend/__init__.py",
        "netra_backend/app/__init__.py",
        "netra_backend/app/services/__init__.py",
        "netra_backend/app/services/agent_service.py",
        "netra_backend/app/services/notifier.py",
        "netra_backend/app/services/notifier.py",
        *(websocket_core + name for name in ("__init__.py", "handlers.py", "unified_manager.py", "websocket_manager.py", "websocket_manager_factory.py")),
    ]
    assert stats["analyzed"] == 20 and stats["from_cache"] == 0
    cache = ResultCache(project / ".ssot-lint" / "cache")
    try:
        known = cache.blob_ids()
    finally:
        cache.close()
    sources = sorted(project.rglob("*.py"))
    assert len(sources) == 20
    assert {path: blob for path, (_, blob) in known.items()} == {str(p): cache_module.blob_id(p.read_bytes()) for p in sources}
    monkeypatch.undo()
    again, same = api_run(project)
    assert (again["from_cache"], again["analyzed"], same) == (20, 0, findings)
