"""CI output formats on real runs: SARIF (against the official schema), GitHub annotations,
GitLab Code Quality, JUnit and the Markdown step summary — all written in one run."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from ssot_lint.report.github import escape_data, escape_property
from tests.helpers import REPO, run_cli, write_project
from tests.test_sample import EXPECTED

# OASIS's SARIF 2.1.0 schema (errata01), kept here so that the test runs wherever the suite does.
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
FORMATS = ("sarif", "github", "gitlab", "junit", "markdown")
CORE = "fixtures/netra_backend/app/websocket_core"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The sample checked once, with text to stdout and every CI format to a file."""
    out = tmp_path_factory.mktemp("formats")
    mp = pytest.MonkeyPatch()
    try:
        args = ["check", "fixtures", "--select", "WS", "--no-cache", "--no-baseline", "-q", "-o", "text"] + [
            a for f in FORMATS for a in ("-o", f"{f}:{out / f}")
        ]
        result = run_cli(args, REPO, mp)
    finally:
        mp.undo()
    assert result.exit_code == 1, result.stderr
    return {"text": result.stdout, **{f: (out / f).read_text(encoding="utf-8") for f in FORMATS}}


def test_text_and_every_file_format_come_from_one_run(outputs: dict[str, str]) -> None:
    assert len(outputs["text"].splitlines()) == len(EXPECTED)
    assert len(json.loads(outputs["sarif"])["runs"][0]["results"]) == len(EXPECTED)
    assert len(json.loads(outputs["gitlab"])) == len(EXPECTED)


def test_sarif_validates_against_the_official_schema(outputs: dict[str, str]) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    sarif = json.loads(outputs["sarif"])
    assert list(validator.iter_errors(sarif)) == []
    broken = copy.deepcopy(sarif)
    broken["runs"][0]["results"][0]["level"] = "fatal"  # the validator does look at results
    assert not validator.is_valid(broken)


def test_sarif_content(outputs: dict[str, str]) -> None:
    sarif = json.loads(outputs["sarif"])
    assert sarif["version"] == "2.1.0"
    driver = sarif["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == ("ssot-lint", "0.1.0", "https://github.com/ssot-lint/ssot-lint")
    assert [r["id"] for r in driver["rules"]] == ["WS001", "WS002", "WS003", "WS004", "SSOT000", "SSOT001"]
    ws004 = driver["rules"][3]
    assert ws004["defaultConfiguration"] == {"level": "warning"}
    assert ws004["fullDescription"]["text"] == "Test doubles of the WebSocket manager belong in one shared test-framework module."
    results = sarif["runs"][0]["results"]
    assert [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
        )
        for r in results
    ] == EXPECTED
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    handlers = results[11]  # IsolatedWebSocketManager, WS001
    assert handlers["level"] == "error"
    assert handlers["locations"][0]["physicalLocation"]["region"] == {"startLine": 8, "startColumn": 7, "endLine": 8, "endColumn": 31}
    assert results[3]["level"] == "note"  # the info finding (** spread)
    prints = [r["partialFingerprints"]["ssotLint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_fingerprints_survive_moving_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.pkg" = "new.pkg" }\n'
    project = write_project(tmp_path, {"a.py": "import old.pkg\nimport old.pkg\n"}, rules)

    def prints() -> list[tuple[int, str]]:
        sarif = run_cli(["check", "--no-cache", "-o", "sarif"], project, monkeypatch).json()
        return [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"]["ssotLint/v1"]) for r in sarif["runs"][0]["results"]]

    before = prints()
    (project / "a.py").write_text("import os\n\n\nimport old.pkg\nimport old.pkg\n")
    after = prints()
    assert [line for line, _ in after] == [4, 5]
    assert [p for _, p in after] == [p for _, p in before] and before[0][1] != before[1][1]


def test_github_annotations(outputs: dict[str, str]) -> None:
    lines = outputs["github"].splitlines()
    assert (
        lines[0]
        == "::error file=fixtures/netra_backend/app/routes/broken.py,line=5,col=11,endLine=5,endColumn=11,title=SSOT000 (parse-error)::syntax error: invalid syntax"
    )
    assert lines[11] == (
        f"::error file={CORE}/handlers.py,line=8,col=7,endLine=8,endColumn=31,title=WS001 (single-implementation)::IsolatedWebSocketManager"
        " is one of 3 WebSocket manager implementations (max 1); consolidate into netra_backend.app.websocket_core.websocket_manager:WebSocketManager"
    )
    assert lines[3].startswith("::notice file=fixtures/netra_backend/app/services/agent_service.py,line=38,col=12,")
    assert lines[14].startswith("::warning file=fixtures/netra_backend/tests/test_tool_events.py,line=4,col=7,")
    # 14 errors: more than GitHub shows per step, so say where the rest are
    assert lines[15] == "ssot-lint: 15 findings; GitHub shows at most 10 error and 10 warning annotations per step (use SARIF for all)"
    assert len(lines) == 16


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    assert escape_data("%0A") == "%250A"  # '%' first, so escapes are never double-decoded


def test_github_escaping_in_a_real_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = (
        '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nseverity = "warning"\n'
        'message = "100% deprecated:\\n{target}, use {replacement}"\nreplace = { "old.pkg" = "new.pkg" }\n'
    )
    project = write_project(tmp_path, {"we,ird:name.py": "import old.pkg\n"}, rules)
    result = run_cli(["check", "--no-cache", "-o", "github"], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout == (
        "::warning file=we%2Cird%3Aname.py,line=1,col=8,endLine=1,endColumn=15,title=D1 (deprecated-import)::100%25 deprecated:%0Aold.pkg, use new.pkg\n"
    )


def test_gitlab_code_quality_fingerprints_are_unique_even_for_identical_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nseverity = "info"\nreplace = { "old.pkg" = "new.pkg" }\n'
    project = write_project(tmp_path, {"a.py": "import old.pkg\nimport old.pkg\n", "b.py": "import old.pkg\n"}, rules)
    issues = json.loads(run_cli(["check", "--no-cache", "-o", "gitlab"], project, monkeypatch).stdout)
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues] == [
        ("D1", "a.py", 1, "info"),
        ("D1", "a.py", 2, "info"),
        ("D1", "b.py", 1, "info"),
    ]
    assert issues[0]["description"] == issues[1]["description"] == "D1: old.pkg is deprecated; import new.pkg"
    assert len({i["fingerprint"] for i in issues}) == 3
    assert all(len(i["fingerprint"]) == 32 for i in issues)


def test_gitlab_sample(outputs: dict[str, str]) -> None:
    issues = json.loads(outputs["gitlab"])
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues] == [(p, line, r) for p, line, _, r in EXPECTED]
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    assert [i["severity"] for i in issues if i["check_name"] == "WS004"] == ["minor"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # The category follows the rule's kind (it was always "Style").
    assert {i["check_name"]: i["categories"] for i in issues} == {
        "SSOT000": ["Bug Risk"],
        "WS001": ["Duplication"],
        "WS002": ["Compatibility"],
        "WS003": ["Compatibility"],
        "WS004": ["Duplication"],
    }


def test_every_kind_has_a_gitlab_category() -> None:
    from ssot_lint.kinds import find_kind, kind_names
    from ssot_lint.kinds.base import CATEGORIES

    assert {name: find_kind(name).category for name in kind_names()} == {  # type: ignore[union-attr]
        "declared-deprecation": "Compatibility",
        "deprecated-import": "Compatibility",
        "duplicate-definition": "Duplication",
        "event-schema": "Compatibility",
        "import-cycle": "Complexity",
        "required-events": "Bug Risk",
        "shim-module": "Duplication",
        "single-implementation": "Duplication",
        "unresolved-import": "Bug Risk",
    }
    assert all(find_kind(name).category in CATEGORIES for name in kind_names())  # type: ignore[union-attr]


def test_junit_parses_with_one_testcase_per_rule(outputs: dict[str, str]) -> None:
    root = ET.fromstring(outputs["junit"])
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    # One <failure> per failing test case (viewers show only the first), carrying every finding.
    assert [(c.get("name"), len(c.findall("failure"))) for c in cases] == [("WS001", 1), ("WS002", 1), ("WS003", 1), ("WS004", 1), ("SSOT000", 1)]
    assert (suites[0].get("tests"), suites[0].get("failures"), suites[0].get("errors")) == ("5", "5", "0")
    first = cases[0].find("failure")
    assert first is not None and (first.get("type"), first.get("message")) == ("error", "WS001: 2 findings; count 3, max 1")
    assert first.text is not None and first.text.splitlines() == [
        f"{CORE}/handlers.py:8:7: WS001 error: IsolatedWebSocketManager is one of 3 WebSocket manager implementations (max 1); "
        "consolidate into netra_backend.app.websocket_core.websocket_manager:WebSocketManager",
        f"{CORE}/unified_manager.py:4:7: WS001 error: UnifiedWebSocketManager is one of 3 WebSocket manager implementations (max 1); "
        "consolidate into netra_backend.app.websocket_core.websocket_manager:WebSocketManager",
    ]
    events = cases[2].find("failure")
    assert events is not None and events.get("message") == "WS003: 4 findings"
    assert events.text is not None and len(events.text.splitlines()) == 4
    parse = cases[4].find("failure")
    assert parse is not None and parse.get("message") == "SSOT000: 1 finding; syntax error: invalid syntax"


def test_junit_is_in_step_with_fail_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Findings below --fail-on are shown (system-out), not failures: an exit code 0 has no failing case.
    rules = (
        '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nseverity = "info"\nreplace = { "old.pkg" = "new.pkg" }\n'
        '[[rule]]\nid = "D2"\nkind = "deprecated-import"\nseverity = "warning"\nreplace = { "legacy" = "modern" }\n'
    )
    project = write_project(tmp_path, {"a.py": "import old.pkg\nimport legacy\n"}, rules)
    for fail_on, code, failing in (("warning", 1, ["D2"]), ("error", 0, []), ("info", 1, ["D1", "D2"])):
        result = run_cli(["check", "--no-cache", "-o", "junit", "--fail-on", fail_on], project, monkeypatch)
        assert result.exit_code == code
        suite = ET.fromstring(result.stdout).find("testsuite")
        assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", str(len(failing)))
        cases = {c.get("name"): c for c in suite.findall("testcase")}
        assert [name for name, case in cases.items() if case.find("failure") is not None] == failing
        shown = {name: (case.find("failure") if name in failing else case.find("system-out")) for name, case in cases.items()}
        assert {name: element.text for name, element in shown.items() if element is not None} == {
            "D1": "a.py:1:8: D1 info: old.pkg is deprecated; import new.pkg",
            "D2": "a.py:2:8: D2 warning: legacy is deprecated; import modern",
        }


def test_junit_passing_rules_are_testcases_without_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.pkg" = "new.pkg" }\n'
    project = write_project(tmp_path, {"a.py": "import new.pkg\n"}, rules)
    result = run_cli(["check", "--no-cache", "-o", "junit"], project, monkeypatch)
    assert result.exit_code == 0
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("1", "0")
    assert [(c.get("name"), c.findall("failure")) for c in suite.findall("testcase")] == [("D1", [])]


def test_markdown_step_summary(outputs: dict[str, str]) -> None:
    lines = outputs["markdown"].splitlines()
    assert lines[0] == "## ssot-lint: failed (15 findings)"
    assert lines[2:9] == [
        "| Rule | Kind | Severity | Count | Max | Suppressed | Status |",
        "|---|---|---|---:|---:|---:|---|",
        "| `WS001` | single-implementation | error | 3 | 1 | 0 | **FAIL** |",
        "| `WS002` | deprecated-import | error | 7 | - | 0 | **FAIL** |",
        "| `WS003` | event-schema | error | 4 | - | 0 | **FAIL** |",
        "| `WS004` | duplicate-definition | warning | 1 | - | 0 | **FAIL** |",
        "| `SSOT000` | parse-error | error | 1 | - | 0 | **FAIL** |",
    ]
    assert (
        "**Totals:** 19 files scanned, 1 parse error, 15 findings; 11 files not parsed in full, as no rule reads all of them (--check-syntax parses every file)"
        in lines
    )
    top = lines.index("| File | Findings |")
    assert lines[top + 2 : top + 5] == [
        "| `fixtures/netra_backend/app/services/agent_service.py` | 4 |",
        "| `fixtures/netra_backend/app/services/notifier.py` | 4 |",
        f"| `{CORE}/handlers.py` | 4 |",
    ]


def test_markdown_with_a_baseline_says_what_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.pkg" = "new.pkg" }\n'
    project = write_project(tmp_path, {"c.py": "import old.pkg\n"}, rules)
    run_cli(["baseline", "--no-cache"], project, monkeypatch)
    (project / "a|b.py").write_text("import old.pkg\n")
    result = run_cli(["check", "--no-cache", "-o", "markdown"], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "## ssot-lint: failed (1 new finding)",
        "",
        "| Rule | Kind | Severity | Count | Max | Suppressed | Baselined | Status |",
        "|---|---|---|---:|---:|---:|---:|---|",
        "| `D1` | deprecated-import | error | 2 | - | 0 | 1 | **FAIL** |",
        "",
        "**Totals:** 2 files scanned, 0 parse errors, 1 new finding, 1 baselined, 0 fixed since the baseline",
        "",
        "### Files with the most new findings",
        "",
        "| File | Findings |",
        "|---|---:|",
        "| `a\\|b.py` | 1 |",
    ]


def test_unknown_format_lists_the_known_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path, {"a.py": ""}, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "a" = "b" }\n')
    result = run_cli(["check", "-o", "checkstyle"], project, monkeypatch)
    assert result.exit_code == 2
    assert "unknown format 'checkstyle' (known: text, json, sarif, github, gitlab, junit, markdown)" in result.stderr


def test_junit_stays_well_formed_with_markup_and_control_characters() -> None:
    from ssot_lint.model import Finding, Report, RuleSummary
    from ssot_lint.report import FormatOptions, junit

    finding = Finding("D1", 1, 1, 1, 2, 'bad \x01 <&> "q"', "error", "a&b.py")
    report = Report("0.1.0", 1, 0, [RuleSummary("D1", "deprecated-import", "error", 1, None, False)], [finding])
    failure = ET.fromstring(junit.render(report, FormatOptions())).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'D1: 1 finding; bad \ufffd <&> "q"'
    assert failure.text == 'a&b.py:1:1: D1 error: bad \ufffd <&> "q"'
