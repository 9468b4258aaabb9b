"""The baseline ratchet: identities survive moves, new findings fail, fixed ones are reported
and tightened away, ceilings only go down, and a damaged baseline is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import REPO, Result, locations, run_cli, write_project

SCHEMA = json.loads((REPO / "ssot_lint" / "schemas" / "report.schema.json").read_text())

RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
message = "{target} is deprecated"
replace = { "old.pkg" = "new.pkg" }

[[rule]]
id = "S1"
kind = "single-implementation"
name = "Service$"
canonical = ["core:Service", "extra:Service"]
"""
FILES = {
    "a.py": "import os\nimport old.pkg\n",
    "b.py": "from old.pkg import thing\n",
    "core.py": "class Service: ...\n",
    "svc.py": "class OtherService: ...\n",
}
ENTRIES = [
    '    {"path": "a.py", "rule": "D1", "anchor": "import old.pkg"},',
    '    {"path": "b.py", "rule": "D1", "anchor": "from old.pkg import thing"},',
    '    {"path": "svc.py", "rule": "S1", "anchor": "class OtherService"}',
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path, FILES, RULES)
    written = run_cli(["baseline", "--no-cache"], root, monkeypatch)
    assert written.exit_code == 0, written.stderr
    assert written.stdout == "ssot-lint: recorded 3 findings; .ssot-baseline.json holds 3 findings, S1 ceiling 2\n"
    return root


def check(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    return run_cli(["check", "--no-cache", *args], root, monkeypatch)


def entry_lines(root: Path) -> list[str]:
    lines = (root / ".ssot-baseline.json").read_text().splitlines()
    return lines[lines.index('  "entries": [') + 1 : lines.index("  ]")]


def test_baseline_file_is_sorted_one_entry_per_line(project: Path) -> None:
    text = (project / ".ssot-baseline.json").read_text()
    data = json.loads(text)
    assert data["ssot_lint_baseline"] == 1 and data["tool_version"] == "0.1.0"
    assert sorted(data["rules"]) == ["D1", "S1"] and len(data["ruleset"]) == 16
    assert data["ceilings"] == {"S1": 2}
    assert entry_lines(project) == ENTRIES
    assert '"line"' not in text  # identities carry no line numbers


def test_check_with_baseline_passes_and_counts(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check(project, monkeypatch)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "4 files scanned, 0 parse errors, 0 new findings, 3 baselined, 0 fixed since the baseline"
    everything = check(project, monkeypatch, "--no-baseline", "-o", "json")
    assert everything.exit_code == 1
    assert locations(everything.json()) == [("a.py", 2, 8), ("b.py", 1, 6), ("svc.py", 1, 7)]
    assert everything.json()["baseline"] is None


def test_moving_code_keeps_a_finding_baselined(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "a.py").write_text('"""Docs."""\n\nimport sys\n\n\ndef f():\n    pass\n\nimport os\nimport old.pkg\n')
    (project / "svc.py").write_text("import x\n\n\nclass OtherService(x.Base):\n    pass\n")
    result = check(project, monkeypatch, "-o", "json")
    assert result.exit_code == 0
    assert result.json()["findings"] == []
    assert result.json()["baseline"]["baselined"] == 3 and result.json()["baseline"]["fixed"] == 0


def test_a_new_violation_fails_and_only_it_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An identical second import in the same file is new too: identity counts occurrences.
    (project / "a.py").write_text("import os\nimport old.pkg\n\nimport old.pkg\n")
    result = check(project, monkeypatch, "-o", "json")
    assert result.exit_code == 1
    report = result.json()
    jsonschema.validate(report, SCHEMA)
    assert locations(report) == [("a.py", 4, 8)]
    assert report["baseline"] == {
        "path": ".ssot-baseline.json",
        "baselined": 3,
        "fixed": 0,
        "stale_ceilings": [],
        "breaches": [],
        "changed_rules": [],
    }
    assert {r["id"]: (r["count"], r["baselined"], r["ok"]) for r in report["rules"]} == {"D1": (3, 2, False), "S1": (2, 1, True)}


def test_a_fix_is_reported_and_tighten_removes_exactly_it(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "b.py").write_text("from new.pkg import thing\n")
    result = check(project, monkeypatch)
    assert result.exit_code == 0
    assert "1 baselined finding is fixed: run 'ssot-lint baseline --tighten' to lock that in" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("0 new findings, 2 baselined, 1 fixed since the baseline")
    strict = check(project, monkeypatch, "--strict")
    assert strict.exit_code == 1
    assert "--strict: .ssot-baseline.json has stale entries" in strict.stderr

    tightened = run_cli(["baseline", "--tighten", "--no-cache"], project, monkeypatch)
    assert tightened.exit_code == 0
    assert tightened.stdout == "ssot-lint: removed 1 fixed finding; .ssot-baseline.json holds 2 findings, S1 ceiling 2\n"
    assert entry_lines(project) == [ENTRIES[0], ENTRIES[2]]
    assert check(project, monkeypatch, "--strict").exit_code == 0
    # the fixed violation coming back is new now
    (project / "b.py").write_text("from old.pkg import thing\n")
    assert locations(check(project, monkeypatch, "-o", "json").json()) == [("b.py", 1, 6)]


def test_tighten_never_adds(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "b.py").write_text("import old.pkg.sub\n")  # one fixed, one new in the same file
    result = run_cli(["baseline", "--tighten", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0
    assert entry_lines(project) == [ENTRIES[0], ENTRIES[2]]
    assert locations(check(project, monkeypatch, "-o", "json").json()) == [("b.py", 1, 8)]


def test_ceiling_counts_may_only_go_down(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A second canonical class is no finding, yet the family grows past what the baseline allows.
    (project / "extra.py").write_text("class Service: ...\n")
    result = check(project, monkeypatch)
    assert result.exit_code == 1
    assert "S1: 3 found, more than the 2 that .ssot-baseline.json allows (max 1); counts may only go down" in result.stdout
    assert "S1    single-implementation  error         3    1          1  FAIL" in result.stdout
    # Shrinking the family makes the ceiling stale; tighten lowers it, and then it holds at the new level.
    (project / "extra.py").unlink()
    (project / "svc.py").write_text("class OtherService: ...\nclass ThirdService: ...\n")
    assert check(project, monkeypatch).exit_code == 1  # ThirdService is new
    (project / "svc.py").write_text("")
    (project / "b2.py").write_text("class OtherService: ...\n")  # moved to another file: a new identity
    assert locations(check(project, monkeypatch, "-o", "json").json()) == [("b2.py", 1, 7)]
    (project / "b2.py").unlink()
    assert check(project, monkeypatch).exit_code == 0
    stale = check(project, monkeypatch, "--strict", "-o", "json")
    assert stale.exit_code == 1 and stale.json()["baseline"]["stale_ceilings"] == ["S1"] and stale.json()["baseline"]["fixed"] == 1
    run_cli(["baseline", "--tighten", "--no-cache"], project, monkeypatch)
    assert json.loads((project / ".ssot-baseline.json").read_text())["ceilings"] == {}
    assert check(project, monkeypatch, "--strict").exit_code == 0


def test_partial_runs_judge_only_what_they_saw(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "a.py").write_text("import os\n")  # fixed, but neither run below looks at a.py
    assert check(project, monkeypatch, "--strict", "b.py").exit_code == 0
    assert check(project, monkeypatch, "--strict", "--per-file", "b.py", "svc.py").exit_code == 0
    # a partial run never judges the project-wide S1: its entry stays, though svc.py alone is no family
    run_cli(["baseline", "--no-cache", "svc.py", "b.py"], project, monkeypatch)
    assert entry_lines(project) == ENTRIES
    run_cli(["baseline", "--tighten", "--no-cache", "b.py"], project, monkeypatch)
    assert entry_lines(project) == ENTRIES
    run_cli(["baseline", "--tighten", "--no-cache"], project, monkeypatch)
    assert entry_lines(project) == ['    {"path": "b.py", "rule": "D1", "anchor": "from old.pkg import thing"},', ENTRIES[2]]


def test_changed_rules_are_named_not_flooded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "rules.toml").write_text(RULES.replace('message = "{target} is deprecated"', 'message = "{target} is gone; use {replacement}"'))
    result = check(project, monkeypatch)
    assert result.exit_code == 0
    assert "0 new findings, 3 baselined" in result.stdout
    assert result.stderr == (
        "ssot-lint: warning: .ssot-baseline.json was written for other rule definitions (changed D1); their findings may show"
        " as new or fixed: run 'ssot-lint baseline' to accept them\n"
    )


def test_entries_of_a_removed_rule_are_fixed_not_kept_forever(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "rules.toml").write_text(RULES[: RULES.index('[[rule]]\nid = "S1"')])
    assert check(project, monkeypatch, "--strict", "b.py").exit_code == 0  # a run that does not see svc.py leaves its entry alone
    assert check(project, monkeypatch, "--strict", "svc.py").exit_code == 1
    result = check(project, monkeypatch, "--strict", "-o", "json")
    assert result.exit_code == 1
    assert result.json()["baseline"]["fixed"] == 1 and result.json()["baseline"]["stale_ceilings"] == ["S1"]
    assert result.json()["baseline"]["changed_rules"] == ["removed S1"]
    run_cli(["baseline", "--tighten", "--no-cache"], project, monkeypatch)
    data = json.loads((project / ".ssot-baseline.json").read_text())
    assert (data["ceilings"], entry_lines(project)) == ({}, [ENTRIES[0], ENTRIES[1].rstrip(",")])


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('{"entries": [\n', ".ssot-baseline.json:2: baseline is not valid JSON: Expecting value at column 1"),
        ("[]", ".ssot-baseline.json: malformed baseline: expected a JSON object"),
        ('{"ssot_lint_baseline": 1}', ".ssot-baseline.json: malformed baseline: missing key 'tool_version'"),
        ("ENTRIES_NOT_A_LIST", ".ssot-baseline.json: malformed baseline: 'entries' must be an array"),
        ("RULE_NOT_A_STRING", ".ssot-baseline.json:14: malformed baseline: entries[1] needs 'rule' (a string)"),
        ("BAD_COUNT", ".ssot-baseline.json:13: malformed baseline: entries[0]: 'count' must be a positive integer"),
        ("FORMAT_2", ".ssot-baseline.json: malformed baseline: format 2 is not supported (this ssot-lint writes format 1)"),
    ],
)
def test_a_malformed_baseline_is_a_usage_error_naming_the_file(project: Path, monkeypatch: pytest.MonkeyPatch, content: str, error: str) -> None:
    path = project / ".ssot-baseline.json"
    good = path.read_text()
    edits = {
        "ENTRIES_NOT_A_LIST": good.replace('"entries": [', '"entries": {"a": [').replace("\n  ]\n}", "\n  ]}\n}"),
        "RULE_NOT_A_STRING": good.replace('"rule": "D1", "anchor": "from', '"rule": 1, "anchor": "from'),
        "BAD_COUNT": good.replace('"anchor": "import old.pkg"}', '"anchor": "import old.pkg", "count": 0}'),
        "FORMAT_2": good.replace('"ssot_lint_baseline": 1', '"ssot_lint_baseline": 2'),
    }
    path.write_text(edits.get(content, content))
    for command in (["check", "--no-cache"], ["baseline", "--no-cache"], ["baseline", "--tighten", "--no-cache"]):
        result = run_cli(command, project, monkeypatch)
        assert result.exit_code == 2
        assert result.stderr == f"ssot-lint: error: {error} (fix it, or delete it and run 'ssot-lint baseline')\n"
    assert check(project, monkeypatch, "--no-baseline").exit_code == 1  # --no-baseline does not read it


def test_tighten_without_a_baseline_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, RULES)
    result = run_cli(["baseline", "--tighten", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == "ssot-lint: error: .ssot-baseline.json: no baseline to tighten; run 'ssot-lint baseline' first\n"


def test_baseline_path_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, RULES, config='rule-files = ["rules.toml"]\nbaseline = "ci/ssot-baseline.json"\n')
    assert run_cli(["baseline", "--no-cache"], root, monkeypatch).exit_code == 0
    assert json.loads((root / "ci" / "ssot-baseline.json").read_text())["ceilings"] == {"S1": 2}
    assert not (root / ".ssot-baseline.json").exists()
    (root / "sub").mkdir()
    assert run_cli(["check", "--no-cache"], root / "sub", monkeypatch).exit_code == 0  # found from a subdirectory too


def test_fix_exits_as_check_would_after_it_baselined_findings_do_not_fail(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # new.pkg is not in the project: D1's rewrites are unverified (unsafe), so `fix` leaves all 3.
    fixed = run_cli(["fix", "--no-cache"], project, monkeypatch)
    assert (fixed.exit_code, check(project, monkeypatch).exit_code) == (0, 0)
    assert fixed.stderr.splitlines()[0] == "0 files changed, 0 findings fixed, 3 findings left:"
    assert "3 findings left are in the baseline (.ssot-baseline.json): `check` does not fail on them" in fixed.stderr.splitlines()
    # A third Service: a count above what the baseline allows fails `fix` as it fails `check`.
    (project / "svc2.py").write_text("class ThirdService: ...\n")
    fixed = run_cli(["fix", "--no-cache"], project, monkeypatch)
    assert (fixed.exit_code, check(project, monkeypatch).exit_code) == (1, 1)
    without = run_cli(["fix", "--no-cache", "--diff"], project, monkeypatch)
    assert "in the baseline" in without.stderr and without.exit_code == 1


FAMILY = """
[[rule]]
id = "F1"
kind = "single-implementation"
name = "Manager$"
max = 3
"""


def test_a_family_at_its_ceiling_is_recorded_and_only_a_new_member_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `init` proposes max = today's count: the family has no findings when the baseline is written.
    root = write_project(tmp_path, {f"m{i}.py": f"class M{i}Manager: ...\n" for i in (1, 2, 3)}, FAMILY)
    written = run_cli(["baseline", "--no-cache"], root, monkeypatch)
    assert written.stdout == "ssot-lint: recorded 0 findings; .ssot-baseline.json holds 0 findings, F1 family of 3 (at or under its max)\n"
    assert entry_lines(root) == [
        '    {"path": "m1.py", "rule": "F1", "anchor": "class M1Manager", "member": true},',
        '    {"path": "m2.py", "rule": "F1", "anchor": "class M2Manager", "member": true},',
        '    {"path": "m3.py", "rule": "F1", "anchor": "class M3Manager", "member": true}',
    ]
    # Members are no findings: nothing counts as fixed, no ceiling is stale.
    quiet = check(root, monkeypatch, "-o", "json")
    assert quiet.exit_code == 0 and quiet.json()["baseline"]["fixed"] == 0 and quiet.json()["baseline"]["stale_ceilings"] == []
    # One more: only it is new, and the family is over what the baseline allows.
    (root / "m4.py").write_text("class M4Manager: ...\n")
    grown = check(root, monkeypatch, "-o", "json")
    assert grown.exit_code == 1
    assert locations(grown.json()) == [("m4.py", 1, 7)]
    assert grown.json()["baseline"]["baselined"] == 3
    assert grown.json()["baseline"]["breaches"] == [{"rule": "F1", "count": 4, "allowed": 3, "max": 3}]
    assert "F1: 4 found, more than its max 3; counts may only go down" in check(root, monkeypatch).stdout.splitlines()
    members = next(r for r in grown.json()["rules"] if r["id"] == "F1")["details"]["members"]
    assert [(m["path"], m["line"], m["anchor"]) for m in members] == [(f"m{i}.py", 1, f"class M{i}Manager") for i in (1, 2, 3, 4)]
    # A member gone: tighten drops it and keeps the rest.
    (root / "m4.py").unlink()
    (root / "m3.py").unlink()
    tightened = run_cli(["baseline", "--tighten", "--no-cache"], root, monkeypatch)
    assert tightened.stdout == "ssot-lint: removed 0 fixed findings; .ssot-baseline.json holds 0 findings, F1 family of 2 (at or under its max)\n"
    assert [line.split('"anchor": ')[1] for line in entry_lines(root)] == ['"class M1Manager", "member": true},', '"class M2Manager", "member": true}']


def test_a_member_entry_must_say_true(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {"m1.py": "class M1Manager: ...\n"}, FAMILY)
    assert run_cli(["baseline", "--no-cache"], root, monkeypatch).exit_code == 0
    path = root / ".ssot-baseline.json"
    path.write_text(path.read_text().replace('"member": true', '"member": 1'))
    result = check(root, monkeypatch)
    assert result.exit_code == 2
    assert "malformed baseline: entries[0]: 'member' must be true (or left out)" in result.stderr


@pytest.mark.parametrize("what", ["a directory", "not a regular file", "a dangling symlink"])
def test_a_baseline_path_that_is_no_file_is_a_usage_error_not_no_baseline(project: Path, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    import os

    path = project / ".ssot-baseline.json"
    path.unlink()
    {"a directory": path.mkdir, "not a regular file": lambda: os.mkfifo(path), "a dangling symlink": lambda: path.symlink_to(project / "gone.json")}[what]()
    error = f"ssot-lint: error: .ssot-baseline.json: cannot read the baseline: it is {what} (config key 'baseline')\n"
    for command in (["check", "--no-cache"], ["baseline", "--no-cache"], ["fix", "--no-cache", "--diff"]):
        result = run_cli(command, project, monkeypatch)
        assert (result.exit_code, result.stderr) == (2, error), command
    assert check(project, monkeypatch, "--no-baseline").exit_code == 1  # --no-baseline does not read it
