"""The shipped example: the README's first command on fixtures/ with rules/websocket-ssot.toml
(``--select WS``: the project-integrity rules on the same sample are tested in
test_project_integrity_sample.py)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tests.helpers import REPO, locations, run_cli

SCHEMA = json.loads((REPO / "ssot_lint" / "schemas" / "report.schema.json").read_text())
CORE = "fixtures/netra_backend/app/websocket_core"
SERVICES = "fixtures/netra_backend/app/services"

EXPECTED = [
    ("fixtures/netra_backend/app/routes/broken.py", 5, 11, "SSOT000"),
    (f"{SERVICES}/agent_service.py", 13, 66, "WS002"),  # inside `if TYPE_CHECKING:` (the legacy class)
    (f"{SERVICES}/agent_service.py", 29, 12, "WS003"),  # legacy shape
    (f"{SERVICES}/agent_service.py", 38, 12, "WS003"),  # ** spread: info
    (f"{SERVICES}/agent_service.py", 42, 12, "WS003"),  # dict(...) with a string timestamp
    (f"{SERVICES}/notifier.py", 4, 5, "WS002"),  # member inside a parenthesised import
    (f"{SERVICES}/notifier.py", 6, 8, "WS002"),  # `import ... as factory`
    (f"{SERVICES}/notifier.py", 10, 15, "WS002"),  # factory.create_websocket_manager()
    (f"{SERVICES}/notifier.py", 15, 11, "WS003"),  # 'tool' at top level
    (f"{CORE}/handlers.py", 3, 30, "WS002"),  # from .unified_manager import UnifiedWebSocketManager
    (f"{CORE}/handlers.py", 4, 15, "WS002"),  # from . import websocket_manager_factory
    (f"{CORE}/handlers.py", 8, 7, "WS001"),  # IsolatedWebSocketManager
    (f"{CORE}/handlers.py", 13, 12, "WS002"),  # websocket_manager_factory.create_websocket_manager()
    (f"{CORE}/unified_manager.py", 4, 7, "WS001"),  # UnifiedWebSocketManager
    ("fixtures/netra_backend/tests/test_tool_events.py", 4, 7, "WS004"),  # second MockWebSocketManager
]


@pytest.fixture(scope="module")
def report() -> dict:
    from click.testing import CliRunner

    from ssot_lint.cli import main

    mp = pytest.MonkeyPatch()
    mp.chdir(REPO)
    try:
        outcome = CliRunner().invoke(main, ["check", "fixtures", "--select", "WS", "-o", "json", "--no-cache"], catch_exceptions=False)
    finally:
        mp.undo()
    assert outcome.exit_code == 1, outcome.stderr
    return json.loads(outcome.stdout)


def test_sample_findings_exactly(report: dict) -> None:
    got = [(f["path"], f["line"], f["col"], f["rule"]) for f in report["findings"]]
    assert got == EXPECTED


def test_sample_traps_are_not_flagged(report: dict) -> None:
    paths_lines = {(p, line) for p, line, _ in locations(report)}
    # docstring (lines 3-4) and comment (line 15) mentioning deprecated paths in agent_service.py
    assert not {(f"{SERVICES}/agent_service.py", n) for n in (3, 4, 15)} & paths_lines
    # the canonical event dicts (agent_service.py:20, notifier.py:16) and a non-golden legacy dict (line 46)
    assert not {(f"{SERVICES}/agent_service.py", 20), (f"{SERVICES}/agent_service.py", 46), (f"{SERVICES}/notifier.py", 16)} & paths_lines
    # the canonical class, the factory (excluded by name), the alias
    assert not any(p.endswith("websocket_manager.py") or p.endswith("websocket_manager_factory.py") for p, _ in paths_lines)


def test_sample_summary(report: dict) -> None:
    assert report["files"] == {
        "scanned": 19,
        "parse_errors": 1,
        "not_parsed": 11,
    }  # the WS rules parse 8 files in full (a family fact alone, as in the canonical module, does not make a file parse whole)
    rules = {r["id"]: r for r in report["rules"]}
    assert (rules["WS001"]["count"], rules["WS001"]["max"], rules["WS001"]["ok"]) == (3, 1, False)
    assert rules["WS001"]["details"]["canonical_found"] == ["netra_backend.app.websocket_core.websocket_manager:WebSocketManager"]
    assert rules["WS001"]["details"]["aliases"] == [
        {"path": f"{CORE}/websocket_manager.py", "line": 25, "name": "WebSocketConnectionManager", "target": "WebSocketManager"}
    ]
    # one row per rule, then one for SSOT000 because a file did not parse
    assert [(r["id"], r["count"]) for r in report["rules"]] == [("WS001", 3), ("WS002", 7), ("WS003", 4), ("WS004", 1), ("SSOT000", 1)]
    severities = {(f["path"], f["line"]): f["severity"] for f in report["findings"]}
    assert severities[(f"{SERVICES}/agent_service.py", 38)] == "info"


def test_json_report_validates_against_shipped_schema(report: dict) -> None:
    jsonschema.validate(report, SCHEMA)


def test_schema_rejects_a_broken_report(report: dict) -> None:
    broken = dict(report, files={"scanned": "13"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_text_output_lines_and_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "fixtures", "--select", "WS", "--no-cache"], REPO, monkeypatch)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "fixtures/netra_backend/app/routes/broken.py:5:11: SSOT000 error: syntax error: invalid syntax"
    assert lines[1] == (
        # No [*]: websocket_manager's WebSocketManager is another class than UnifiedWebSocketManager.
        f"{SERVICES}/agent_service.py:13:66: WS002 error: netra_backend.app.websocket_core.unified_manager:UnifiedWebSocketManager"
        " is deprecated; import netra_backend.app.websocket_core.websocket_manager:WebSocketManager"
    )
    assert "\x1b[" not in result.stdout  # no colour when piped
    assert (
        lines[-1]
        == "19 files scanned, 1 parse error, 15 findings; 11 files not parsed in full, as no rule reads all of them (--check-syntax parses every file)"
    )
    assert lines[-2] == "[*] 1 fixable with `ssot-lint fix` (4 more with `ssot-lint fix --unsafe-fixes`)"
    assert lines[-3].split() == ["SSOT000", "parse-error", "error", "1", "-", "FAIL"]
    assert any(line.split()[:2] == ["WS001", "single-implementation"] and line.split()[-1] == "FAIL" for line in lines)


def test_shipped_rule_files_pass_their_own_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((REPO / "rules").glob("*.toml"))
    written = sum(f.read_text().count("[[rule.example]]") for f in files)
    result = run_cli(["test-rules", *map(str, files)], REPO, monkeypatch)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == f"{written} passed, 0 failed"


def test_files_in_scope_are_all_accounted_for(report: dict) -> None:
    in_scope = [p for p in (REPO / "fixtures").rglob("*.py")]
    assert report["files"]["scanned"] + report["files"]["parse_errors"] == len(in_scope)


def test_one_count_per_rule_in_every_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table, --statistics, JSON and Markdown show the same number per rule: findings, or for
    a ceiling kind what `max` bounds (WS001: 3 implementations, 2 of them flagged), plus SSOT000."""
    args = ["check", "fixtures", "--select", "WS", "--no-cache"]
    expected = {"WS001": 3, "WS002": 7, "WS003": 4, "WS004": 1, "SSOT000": 1}
    table = run_cli(args, REPO, monkeypatch).stdout.splitlines()
    start = table.index(next(line for line in table if line.startswith("rule ")))
    assert {row.split()[0]: int(row.split()[3]) for row in table[start + 1 : -2]} == expected  # then the [*] hint and the totals
    statistics = run_cli([*args, "--statistics"], REPO, monkeypatch).stdout.splitlines()
    assert statistics == [
        "     7  WS002      deprecated-import",
        "     4  WS003      event-schema",
        "     3  WS001      single-implementation",
        "     1  SSOT000    parse-error",
        "     1  WS004      duplicate-definition",
    ]
    machine = run_cli([*args, "-o", "json"], REPO, monkeypatch).json()
    assert {r["id"]: r["count"] for r in machine["rules"]} == expected
    assert sum(1 for f in machine["findings"] if f["rule"] == "WS001") == 2
    markdown = run_cli([*args, "-o", "markdown"], REPO, monkeypatch).stdout.splitlines()
    assert {row.split("|")[1].strip(" `"): int(row.split("|")[4]) for row in markdown if row.startswith("| `") and row.count("|") > 4} == expected
    # Every text line says its finding's severity, after the rule id (and the [*] of a fixable one).
    lines = [line.replace(" [*]", "", 1) for line in table[:start] if line]
    assert {tuple(line.split(" ")[1:3]) for line in lines} == {
        ("SSOT000", "error:"),
        ("WS001", "error:"),
        ("WS002", "error:"),
        ("WS003", "error:"),
        ("WS003", "info:"),
        ("WS004", "warning:"),
    }
