"""The shipped rules/project-integrity.toml on the sample in fixtures/: one case of each kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.config.settings import load_config
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.engine import run
from ssot_lint.run.options import RunOptions
from tests.integrity_helpers import REPO, cli, cli_json

WS = "netra_backend.app.websocket_core"
EXPECTED = [
    ("PI003", "fixtures/netra_backend/app/websocket_core/reconnection.py", 3, 1, f"import cycle: {WS}.heartbeat -> {WS}.reconnection -> {WS}.heartbeat"),
    (
        "PI002",
        "fixtures/netra_backend/app/websocket_core/reconnection_handler.py",
        3,
        1,
        f"module {WS}.reconnection_handler is a shim for {WS}.reconnection; import {WS}.reconnection instead",
    ),
    (
        "PI002",
        "fixtures/netra_backend/app/websocket_core/reconnection_handler.py",
        5,
        1,
        f"alias WebSocketReconnectionHandler is a shim for {WS}.reconnection:ReconnectionManager; import {WS}.reconnection:ReconnectionManager instead",
    ),
    (
        "PI002",
        "fixtures/netra_backend/app/websocket_core/websocket_manager.py",
        25,
        1,
        f"alias WebSocketConnectionManager is a shim for {WS}.websocket_manager:WebSocketManager; import {WS}.websocket_manager:WebSocketManager instead",
    ),
    (
        "PI001",
        "fixtures/netra_backend/tests/test_rate_limiter.py",
        3,
        66,
        "unresolved import: RateLimitExceededException is not defined in netra_backend.app.services.rate_limiter",
    ),
    ("PI001", "fixtures/netra_backend/tests/test_rate_limiter.py", 14, 10, "unresolved import: no module named netra_backend.app.schemas"),
    ("PI004", "rules/project-integrity.toml", 52, 1, "required event agent_failed is never emitted"),
]


def test_sample_findings_and_unchanged_websocket_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    # rules/ too: PI004's finding sits at its rule in rules/project-integrity.toml.
    code, report = cli_json(["check", "fixtures", "rules"], REPO, monkeypatch)
    assert code == 1
    found = [(f["rule"], f["path"], f["line"], f["col"], f["message"]) for f in report["findings"] if f["rule"].startswith("PI")]
    assert found == EXPECTED
    counts = {r["id"]: r["count"] for r in report["rules"]}
    assert counts == {
        "PI001": 2,
        "PI002": 3,
        "PI003": 1,
        "PI004": 1,
        "WS001": 3,
        "WS002": 7,
        "WS003": 4,
        "WS004": 1,
        "SELF001": 0,
        "SSOT000": 1,
    }  # SELF001: the repo checks its own package (no findings in fixtures)
    details = {r["id"]: r.get("details") for r in report["rules"]}
    assert details["PI003"] == {
        "complete": True,
        "cycles": 1,
        "two_cycles": 1,
        "groups": [{"modules": 2, "cycles": 1, "exact": True, "removes": 0, "breaks": []}],
        "tangles": [2],
        "reported": 1,
        "ambiguous_imports": 0,
    }
    assert details["PI004"]["missing"] == ["agent_failed"]
    assert details["PI004"]["emitted"] == {"agent_started": 2, "agent_thinking": 2, "tool_executing": 1, "tool_completed": 1, "agent_completed": 1}


def test_the_rule_file_examples_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = cli(["test-rules", "rules/project-integrity.toml"], REPO, monkeypatch)
    assert (code, out) == (0, "8 passed, 0 failed\n")


def test_cached_summaries_give_the_same_project_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    config = load_config()
    rules = load_rule_files([REPO / "rules" / "project-integrity.toml"], {REPO / "rules" / "project-integrity.toml": "rules/project-integrity.toml"})
    reports = []
    for _ in range(2):
        cache = ResultCache(tmp_path / "cache")
        reports.append(run(["fixtures"], config, rules, RunOptions(cache=cache)))
        cache.close()
    first, second = reports
    assert second.stats["from_cache"] == second.stats["files"] == 20  # every per-file summary came from the cache
    assert second.findings == first.findings
    assert [(f.rule_id, f.path, f.line, f.col, f.message) for f in second.findings if f.rule_id != "SSOT000"] == EXPECTED
