"""Partial runs (`check PATH...`, `fix PATH...`, `ssot_lint.check(paths)`): exactly the findings a
whole-project run reports whose location is in PATH, project-wide rules judged against the whole
project; the baseline, `--strict`, unused suppressions and the exit code follow from that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ssot_lint
from ssot_lint.cli import main
from tests.helpers import REPO, Result, run_cli, write_project

RULES = """
[[rule]]
id = "F1"
kind = "single-implementation"
name = "Manager$"
canonical = ["app.core:Manager"]
message = "{name} is one of {count} managers (max {max})"

[[rule]]
id = "D1"
kind = "duplicate-definition"
name = "^Helper$"

[[rule]]
id = "U1"
kind = "unresolved-import"

[[rule]]
id = "C1"
kind = "import-cycle"

[[rule]]
id = "E1"
kind = "required-events"
events = ["started", "finished", "failed"]
emitters = ["emit"]
paths = ["app/emitter.py"]

[[rule]]
id = "DI1"
kind = "deprecated-import"
replace = { "app.old" = "app.core" }
"""

FILES = {
    "app/__init__.py": "",
    "app/core.py": "class Manager: ...\nclass Helper: ...\n",
    "app/a.py": "import app.b\nclass AManager: ...\n",  # a family member, and half of a cycle
    "app/b.py": "import app.a\n",  # the other half: the cycle is reported at its closing import
    "app/emitter.py": 'def emit(*a): ...\nemit("started")\nemit("finished")\n',  # 'failed' is emitted nowhere
    "app/user.py": "from app.core import Manager, Missing\nimport app.old\n",
    "app/old.py": "class Helper: ...\n",
    "lib/__init__.py": "",
    "lib/new.py": "class NewManager: ...\n",
}

# The whole project's findings: (path, line, col, rule, message).
WHOLE = [
    ("app/a.py", 2, 7, "F1", "AManager is one of 3 managers (max 1)"),
    ("app/b.py", 1, 1, "C1", "import cycle: app.a -> app.b -> app.a"),
    ("app/old.py", 1, 7, "D1", "Helper is defined in 2 modules (also at app/core.py:2)"),
    ("app/user.py", 1, 31, "U1", "unresolved import: Missing is not defined in app.core"),
    ("app/user.py", 2, 8, "DI1", "app.old is deprecated; import app.core"),
    ("lib/new.py", 1, 7, "F1", "NewManager is one of 3 managers (max 1)"),
    ("rules.toml", 22, 1, "E1", "required event failed is never emitted"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", FILES, RULES)


def cli(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    return run_cli(["check", "--no-cache", *args], root, monkeypatch)


def found(report: dict[str, Any]) -> list[tuple[str, int, int, str, str]]:
    return [(f["path"], f["line"], f["col"], f["rule"], f["message"]) for f in report["findings"]]


def counts(report: dict[str, Any]) -> dict[str, int]:
    return {r["id"]: r["count"] for r in report["rules"]}


def test_the_whole_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(project, monkeypatch, "-o", "json")
    assert (result.exit_code, found(result.json())) == (1, WHOLE)


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        # A family across files: the class in PATH is flagged with the whole family's size.
        (["app/a.py"], [WHOLE[0]]),
        (["lib/new.py"], [WHOLE[5]]),
        # An import of a module outside PATH resolves against it (only the name it lacks is missing).
        (["app/user.py"], [WHOLE[3], WHOLE[4]]),
        # The cycle through app/a.py is reported where it closes, in app/b.py.
        (["app/b.py"], [WHOLE[1]]),
        # E1's finding is about its whole scope (app/emitter.py emits 'failed' nowhere), so it sits
        # at its rule: a run that checks all of that scope reports it, no other run does.
        (["app/emitter.py"], [WHOLE[6]]),
        (["app/core.py"], []),
        (["app"], WHOLE[:5] + [WHOLE[6]]),
        (["lib", "app/old.py"], [WHOLE[2], WHOLE[5]]),
    ],
)
def test_a_partial_run_reports_the_whole_runs_findings_in_its_paths(
    project: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str], expected: list[tuple[str, int, int, str, str]]
) -> None:
    result = cli(project, monkeypatch, "-o", "json", *paths)
    assert found(result.json()) == expected
    assert result.exit_code == (1 if expected else 0)


def test_a_finding_at_a_rule_file_is_in_path_when_its_directory_is(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "rules.toml").rename(project / "app" / "rules.toml")
    (project / "ssot-lint.toml").write_text('rule-files = ["app/rules.toml"]\n')
    assert ("app/rules.toml", 22, 1, "E1", "required event failed is never emitted") in found(cli(project, monkeypatch, "-o", "json", "app").json())
    assert [f[3] for f in found(cli(project, monkeypatch, "-o", "json", "app/emitter.py").json())] == ["E1"]


def test_a_finding_at_a_rule_needs_the_rules_whole_scope_in_path(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # E1 over all of app/: one file of it, or an editor's buffer, is part of the scope, and must
    # not fail on an event the rest of the project does not emit; app/ (or the rule file) is all.
    (project / "rules.toml").write_text((project / "rules.toml").read_text().replace('paths = ["app/emitter.py"]', 'paths = ["app/"]'))
    e1 = ("rules.toml", 22, 1, "E1", "required event failed is never emitted")
    assert e1 in found(cli(project, monkeypatch, "-o", "json").json())
    assert e1 in found(cli(project, monkeypatch, "-o", "json", "app").json())
    assert e1 in found(cli(project, monkeypatch, "-o", "json", "rules.toml", "lib").json())
    assert [f[3] for f in found(cli(project, monkeypatch, "-o", "json", "app/emitter.py").json())] == []
    monkeypatch.chdir(project)
    stdin = CliRunner().invoke(main, ["check", "--no-cache", "-q", "--stdin-filename", "app/clean.py", "-"], input="x = 1\n")
    assert (stdin.exit_code, stdin.stdout) == (0, "")


def test_every_path_gives_the_whole_runs_findings_there(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = cli(project, monkeypatch, "-o", "json").json()["findings"]
    for path in [*FILES, "app", "lib"]:
        part = cli(project, monkeypatch, "-o", "json", path).json()["findings"]
        inside = [f for f in whole if f["path"] == path or f["path"].startswith(path + "/")]
        if path in ("app/emitter.py", "app"):  # E1's scope: its finding, at its rule, comes along
            inside += [f for f in whole if f["rule"] == "E1"]
        assert part == inside, path  # fingerprints included


def test_a_partial_runs_counts(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = cli(project, monkeypatch, "-o", "json", "app/a.py").json()
    # A ceiling counts what its max bounds: the whole family. Every other rule counts its findings in PATH.
    assert counts(report) == {"F1": 3, "D1": 0, "U1": 0, "C1": 0, "E1": 0, "DI1": 0}
    assert [(r["id"], r["ok"]) for r in report["rules"] if not r["ok"]] == [("F1", False)]
    assert report["files"] == {"scanned": 1, "parse_errors": 0, "not_parsed": 0}
    clean = cli(project, monkeypatch, "app/core.py")
    assert clean.exit_code == 0
    assert "F1    single-implementation  error         3    1  ok" in clean.stdout  # the canonical class: nothing to report here
    assert clean.stdout.splitlines()[-1] == "1 file scanned, 0 parse errors, 0 findings"


def test_a_new_member_in_path_is_reported_there_and_grows_the_family_everywhere(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "lib" / "extra.py").write_text("class ExtraManager: ...\n")
    assert found(cli(project, monkeypatch, "-o", "json", "lib/extra.py").json()) == [("lib/extra.py", 1, 7, "F1", "ExtraManager is one of 4 managers (max 1)")]
    assert found(cli(project, monkeypatch, "-o", "json", "app/a.py").json()) == [("app/a.py", 2, 7, "F1", "AManager is one of 4 managers (max 1)")]


def test_a_finding_that_lands_outside_path_is_not_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A duplicate definition is reported at every definition but the first in path order: a new
    # Helper in app/aaa.py moves the report to app/core.py, outside PATH. Only a whole run shows it.
    (project / "app" / "aaa.py").write_text("class Helper: ...\n")
    assert found(cli(project, monkeypatch, "-o", "json", "app/aaa.py").json()) == []
    whole = [f for f in found(cli(project, monkeypatch, "-o", "json").json()) if f[3] == "D1"]
    assert [f[:3] for f in whole] == [("app/core.py", 2, 7), ("app/old.py", 1, 7)]
    # Removing the name app/user.py imports from app/core.py: the finding is in app/user.py.
    (project / "app" / "aaa.py").unlink()
    (project / "app" / "core.py").write_text("class Helper: ...\n")
    assert found(cli(project, monkeypatch, "-o", "json", "app/core.py").json()) == []
    assert [f[4] for f in found(cli(project, monkeypatch, "-o", "json", "app/user.py").json()) if f[3] == "U1"] == [
        "unresolved import: Manager is not defined in app.core",
        "unresolved import: Missing is not defined in app.core",
    ]


def test_per_file_still_skips_the_project_wide_rules(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(project, monkeypatch, "--per-file", "-o", "json", "app/user.py", "app/a.py")
    assert found(result.json()) == [WHOLE[4]]
    assert result.stderr == "ssot-lint: --per-file: skipped project-wide rules F1, D1, U1, C1, E1 (run the whole project for them)\n"


def test_the_first_partial_run_analyzes_the_project_once_then_the_cache_serves_it(project: Path) -> None:
    config = project / "ssot-lint.toml"
    cache = project / ".cache"
    (project / "lib" / "broken.py").write_text("def (:\n")
    first = ssot_lint.check([project / "app" / "a.py"], config=config, cache_dir=cache)
    assert (first.report.stats["files"], first.report.stats["analyzed"]) == (10, 10)
    # --show-timings' counts are the run's; the report's are PATH's.
    assert (first.report.stats["parse_errors"], first.report.parse_errors, first.report.files_scanned) == (1, 0, 1)
    again = ssot_lint.check([project / "app" / "user.py"], config=config, cache_dir=cache)
    assert (again.report.stats["files"], again.report.stats["analyzed"], again.report.stats["from_cache"]) == (10, 0, 10)
    (project / "app" / "user.py").write_text("from app.core import Manager\n")
    edited = ssot_lint.check([project / "app" / "user.py"], config=config, cache_dir=cache)
    assert (edited.report.stats["analyzed"], [f.rule_id for f in edited.findings]) == (1, [])
    # Without a project-wide rule, a partial run reads only its paths.
    alone = ssot_lint.check([project / "app" / "user.py"], config=config, cache=False, select=["DI"])
    assert alone.report.stats["files"] == 1


def test_the_api_and_stdin_give_what_check_path_gives(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = ssot_lint.check(["app/user.py"], cache=False)
    assert [(f.path, f.line, f.col, f.rule_id) for f in result.findings] == [w[:4] for w in WHOLE[3:5]]
    assert result.exit_status == 1
    assert result.counts() == {"F1": 3, "D1": 0, "U1": 1, "C1": 0, "E1": 0, "DI1": 1}
    text = (project / "app" / "user.py").read_bytes()
    args = ["check", "--no-cache", "-o", "json", "--stdin-filename", "app/user.py", "-"]
    piped = CliRunner().invoke(main, args, input=text, catch_exceptions=False)
    assert piped.stdout == cli(project, monkeypatch, "-o", "json", "app/user.py").stdout


# -- the baseline, --strict and unused suppressions -----------------------------------------------


@pytest.fixture
def baselined(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert run_cli(["baseline", "--no-cache"], project, monkeypatch).exit_code == 0
    return project


def entries(root: Path) -> list[tuple[str, str]]:
    return [(e["path"], e["rule"]) for e in json.loads((root / ".ssot-baseline.json").read_text())["entries"]]


def test_a_partial_run_applies_the_baseline_to_its_paths(baselined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(baselined, monkeypatch, "--strict", "app/user.py")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "1 file scanned, 0 parse errors, 0 new findings, 2 baselined, 0 fixed since the baseline"


def test_strict_judges_project_wide_entries_in_path_only(baselined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (baselined / "app" / "user.py").write_text("from app.core import Manager\nimport app.old\n")  # the U1 finding is fixed
    stale = cli(baselined, monkeypatch, "--strict", "-o", "json", "app/user.py")
    assert (stale.exit_code, stale.json()["baseline"]["fixed"]) == (1, 1)
    assert cli(baselined, monkeypatch, "--strict", "app/a.py").exit_code == 0  # app/user.py's entry is not its business
    # A file gone from a directory given is gone, as in a whole run: its entries are fixed.
    (baselined / "lib" / "new.py").unlink()
    gone = cli(baselined, monkeypatch, "--strict", "-o", "json", "lib")
    assert (gone.exit_code, gone.json()["baseline"]["fixed"]) == (1, 1)
    # `baseline --tighten PATH` drops exactly the fixed entries in PATH.
    run_cli(["baseline", "--tighten", "--no-cache", "app/user.py"], baselined, monkeypatch)
    assert ("app/user.py", "U1") not in entries(baselined) and ("lib/new.py", "F1") in entries(baselined)


def test_a_ceiling_is_judged_by_whole_runs_only(baselined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert json.loads((baselined / ".ssot-baseline.json").read_text())["ceilings"] == {"F1": 3}
    (baselined / "lib" / "more.py").write_text("class MoreManager: ...\n")  # a fourth manager, outside PATH
    assert cli(baselined, monkeypatch, "app/a.py").exit_code == 0  # AManager is baselined; nothing new in PATH
    whole = cli(baselined, monkeypatch)
    assert whole.exit_code == 1 and "F1: 4 found, more than the 3 that .ssot-baseline.json allows (max 1)" in whole.stdout
    assert cli(baselined, monkeypatch, "-q", "lib/more.py").stdout == "lib/more.py:1:7: F1 error: MoreManager is one of 4 managers (max 1)\n"


def test_a_partial_baseline_records_the_project_wide_findings_in_path(baselined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = entries(baselined)
    (baselined / "lib" / "new.py").write_text("class NewManager: ...\nclass OtherManager: ...\n")
    (baselined / "app" / "user.py").write_text("import app.old\n")
    written = run_cli(["baseline", "--no-cache", "lib"], baselined, monkeypatch)
    assert written.stdout == "ssot-lint: recorded 2 findings; .ssot-baseline.json holds 8 findings, F1 ceiling 3\n"
    assert entries(baselined) == sorted([*before, ("lib/new.py", "F1")])  # app/user.py's fixed U1 entry stays: not in PATH


def test_unused_suppressions_of_project_wide_rules_are_judged_in_path(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "app" / "user.py").write_text("from app.core import Manager, Missing  # ssot: ignore[U1]\nimport app.core  # ssot: ignore[U1, F1]\n")
    args = ("--report-unused-suppressions", "-o", "json", "app/user.py")
    report = cli(project, monkeypatch, *args).json()
    assert [(f["line"], f["col"], f["rule"], f["message"]) for f in report["findings"]] == [
        (2, 18, "SSOT001", "unused suppression: no F1 finding on this line or statement"),
        (2, 18, "SSOT001", "unused suppression: no U1 finding on this line or statement"),
    ]  # line 1's comment silences the U1 finding there
    per_file = cli(project, monkeypatch, "--per-file", *args).json()
    assert per_file["findings"] == []  # --per-file does not run U1 or F1: it cannot call their comments unused


# -- fix PATH -----------------------------------------------------------------------------------


def test_fix_path_fixes_only_path_and_reports_what_is_left_there(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "lib" / "legacy.py").write_text("from app.core import Manager\nimport app.old\n")  # imports app.core already
    result = run_cli(["fix", "--no-cache", "app/user.py"], project, monkeypatch)
    assert (project / "app" / "user.py").read_text() == "from app.core import Manager, Missing\nimport app.core\n"
    assert (project / "lib" / "legacy.py").read_text() == "from app.core import Manager\nimport app.old\n"  # outside PATH: untouched
    assert result.exit_code == 1
    assert result.stderr == (
        "1 file changed, 1 finding fixed, 1 finding left:\n"
        "  U1: 1 finding left, no autofix for unresolved-import rules (`ssot-lint check --select U1` lists them)\n"
    )
    diff = run_cli(["fix", "--no-cache", "--diff", "app"], project, monkeypatch)
    assert "lib/legacy.py" not in diff.stdout and diff.stdout == ""
    assert (
        run_cli(["check", "--fix", "--no-cache", "-q", "lib"], project, monkeypatch).stdout
        == "lib/new.py:1:7: F1 error: NewManager is one of 3 managers (max 1)\n"
    )
    assert (project / "lib" / "legacy.py").read_text() == "from app.core import Manager\nimport app.core\n"


# -- the sample ---------------------------------------------------------------------------------


def test_the_samples_agent_service_gives_exactly_the_whole_runs_findings_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    path = "fixtures/netra_backend/app/services/agent_service.py"
    whole = ssot_lint.check(cache=False)
    part = ssot_lint.check([path], cache=False)
    expected = [(f.path, f.line, f.col, f.rule_id, f.message, f.fingerprint) for f in whole.findings if f.path == path]
    assert [(f.path, f.line, f.col, f.rule_id, f.message, f.fingerprint) for f in part.findings] == expected
    assert [(f.line, f.col, f.rule_id) for f in part.findings] == [(13, 66, "WS002"), (29, 12, "WS003"), (38, 12, "WS003"), (42, 12, "WS003")]
    # Not the event the project never emits (at PI004's rule): one file is part of its scope, and
    # an editor or pre-commit run on it must not fail on what the rest of the project lacks. Nor
    # the five events this one file does not emit.
    assert [f.message for f in whole.findings if f.rule_id == "PI004"] == ["required event agent_failed is never emitted"]


def test_files_not_parsed_in_full_are_counted_in_path(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "app" / "plain.py").write_text("x = 1\n")  # no rule of F1, DI1 reads it
    whole = cli(project, monkeypatch, "--select", "F1,DI1", "-o", "json").json()["files"]
    part = cli(project, monkeypatch, "--select", "F1,DI1", "-o", "json", "app/plain.py", "app/a.py").json()["files"]
    assert (whole, part) == ({"scanned": 10, "parse_errors": 0, "not_parsed": 6}, {"scanned": 2, "parse_errors": 0, "not_parsed": 1})


def test_fix_path_verifies_its_rewrites_against_modules_outside_path(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "app" / "old.py").write_text("from app.core import Helper\ndef gone(): ...\n")
    (project / "app" / "uses.py").write_text("from app.old import Helper\n")  # app.core, outside PATH, defines Helper
    (project / "app" / "lost.py").write_text("from app.old import gone\n")  # and not gone
    result = run_cli(["fix", "--no-cache", "--diff", "app/uses.py", "app/lost.py"], project, monkeypatch)
    assert result.stdout == "--- a/app/uses.py\n+++ b/app/uses.py\n@@ -1 +1 @@\n-from app.old import Helper\n+from app.core import Helper\n"
    assert result.stderr == (
        "1 file would change, 1 finding would be fixed, 1 finding would be left:\n  app/lost.py:1:6: DI1 not fixable: gone is not defined in app.core\n"
    )
