"""CLI surface: rules listing, explain, statistics, quiet, several outputs, error handling."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli, write_project

RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
severity = "warning"
paths = ["app/**"]
replace = { "old.pkg" = "new.pkg" }

[[rule.example]]
code = "import old.pkg"
path = "app/x.py"
expect = 1

[[rule]]
id = "D2"
kind = "deprecated-import"
replace = { "legacy" = "modern" }

[[rule.example]]
code = "import legacy_not"
expect = 0
"""
FILES = {"app/a.py": "import old.pkg\nimport legacy\nimport legacy.x\n", "lib/b.py": "import old.pkg\n"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, FILES, RULES)


def test_rules_lists_id_kind_severity_scope_message(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules"], project, monkeypatch)
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["id", "kind", "severity", "scope", "message"]
    assert rows[1][:4] == ["D1", "deprecated-import", "warning", "app/**"]
    assert rows[2][:6] == ["D2", "deprecated-import", "error", "all", "files", "{target}"]


def test_explain_shows_options_docs_and_examples(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--explain", "D1"], project, monkeypatch)
    assert result.exit_code == 0
    assert result.stdout.startswith("D1 (deprecated-import, warning)\ndefined at rules.toml:2\n")
    assert "  replace = {'old.pkg': 'new.pkg'}" in result.stdout
    assert "kind deprecated-import:\n  deprecated-import: imports of deprecated module paths" in result.stdout
    assert "example 1: expect 1 finding\n  # app/x.py\n  import old.pkg\n" in result.stdout


def test_scope_statistics_and_quiet(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--no-cache", "--statistics"], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["     2  D2         deprecated-import", "     1  D1         deprecated-import"]
    quiet = run_cli(["check", "--no-cache", "-q"], project, monkeypatch)
    assert quiet.stdout.splitlines() == [
        "app/a.py:1:8: D1 warning: old.pkg is deprecated; import new.pkg",
        "app/a.py:2:8: D2 error: legacy is deprecated; import modern",
        "app/a.py:3:8: D2 error: legacy is deprecated; import modern",
    ]  # lib/b.py is outside D1's paths


def test_several_outputs_in_one_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--no-cache", "-q", "-o", "text", "-o", "json:out/report.json"], project, monkeypatch)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert len(json.loads((project / "out" / "report.json").read_text())["findings"]) == 3


def test_two_formats_on_stdout_is_a_usage_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "-o", "text", "-o", "json"], project, monkeypatch)
    assert result.exit_code == 2 and "only one format can go to stdout" in result.stderr


def test_internal_errors_are_one_line_and_exit_2(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssot_lint.run.engine

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ssot_lint.run.engine, "run", explode)
    result = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.startswith("ssot-lint: internal error: RuntimeError: boom (please report it at ")
    assert len(result.stderr.splitlines()) == 1


def test_test_rules_reports_failing_examples(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(["test-rules"], project, monkeypatch).stdout.splitlines()[-1] == "2 passed, 0 failed"
    (project / "rules.toml").write_text(RULES.replace('code = "import legacy_not"', 'code = "import legacy.sub"'))
    result = run_cli(["test-rules"], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "FAIL rules.toml:19: D2: expected 0 findings; got 1: example.py:1:8 D2 legacy is deprecated; import modern",
        "1 passed, 1 failed",
    ]


SCOPED = """
[[rule]]
id = "EV001"
kind = "deprecated-import"
paths = ["django/"]
replace = { "old" = "new" }

[[rule.example]]
code = "import old"
expect = 1

[[rule]]
id = "EV002"
kind = "deprecated-import"
exclude = ["tests/", "*_test.py"]
replace = { "old" = "new" }

[[rule.example]]
files = { "tests/a_test.py" = "import old", "b_test.py" = "import old", "app.py" = "x = 1" }
expect = 1

[[rule.example]]
path = "django/x.py"
code = "import old"
expect = 1
"""


def test_an_example_outside_the_rules_paths_or_excluded_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "rules.toml").write_text(SCOPED)
    result = run_cli(["test-rules"], project, monkeypatch)
    assert (result.exit_code, result.stdout.splitlines()) == (
        1,
        [
            "FAIL rules.toml:8: EV001: expected 1 finding; got 0: none (the example's path example.py is outside the rule's paths; give the example a path = \"django/…\")",
            "FAIL rules.toml:18: EV002: expected 1 finding; got 0: none (the example's paths b_test.py, tests/a_test.py are excluded by the rule's exclude; "
            "give the example a path it does not match)",
            "1 passed, 2 failed",
        ],
    )


def test_an_example_that_does_not_parse_fails_even_where_the_rule_reads_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rule parses only statements that spell `import`: alone, it would see no syntax error.
    (project / "rules.toml").write_text(RULES.replace('code = "import legacy_not"', 'code = "def f(:\\n    return 1\\n"'))
    result = run_cli(["test-rules"], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "FAIL rules.toml:19: D2: expected 0 findings; got 1: example.py:1:7 SSOT000 syntax error: invalid syntax",
        "1 passed, 1 failed",
    ]


def test_unwritable_output_is_a_usage_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "blocker").write_text("a file, not a directory")
    result = run_cli(["check", "--no-cache", "-o", "json:blocker/report.json"], project, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.startswith("ssot-lint: error: cannot write blocker/report.json: ")


def test_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssot_lint import __version__

    result = run_cli(["--version"], REPO, monkeypatch)
    assert result.stdout.strip() == f"ssot-lint, version {__version__}"


def test_text_paths_are_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Text is for a terminal: from a subfolder its paths open with a click. JSON and the baseline
    # stay root-relative (a finding at a rule file too), so they do not depend on where one stands.
    rules = RULES + '\n[[rule]]\nid = "E1"\nkind = "required-events"\nevents = ["agent_failed"]\n'
    project = write_project(tmp_path, FILES, rules)
    sub = project / "app"
    text = run_cli(["check", "--no-cache", "-q"], sub, monkeypatch)
    assert text.stdout.splitlines() == [
        "a.py:1:8: D1 warning: old.pkg is deprecated; import new.pkg",
        "a.py:2:8: D2 error: legacy is deprecated; import modern",
        "a.py:3:8: D2 error: legacy is deprecated; import modern",
        "../rules.toml:23:1: E1 error: required event agent_failed is never emitted",
    ]
    elsewhere = run_cli(["check", "--no-cache", "-q", "--select", "D2", ".."], project / "lib", monkeypatch)
    assert elsewhere.stdout.splitlines() == [
        "../app/a.py:2:8: D2 error: legacy is deprecated; import modern",
        "../app/a.py:3:8: D2 error: legacy is deprecated; import modern",
    ]
    machine = run_cli(["check", "--no-cache", "-o", "json"], sub, monkeypatch).json()
    assert [(f["path"], f["line"]) for f in machine["findings"]] == [("app/a.py", 1), ("app/a.py", 2), ("app/a.py", 3), ("rules.toml", 23)]
    assert run_cli(["baseline", "--no-cache"], project, monkeypatch).exit_code == 0
    assert run_cli(["check", "--no-cache", "-o", "json"], sub, monkeypatch).json()["findings"] == []


def test_nothing_in_scope_is_said_not_silent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As ruff does ("No Python files found"): a warning, exit 0.
    project = write_project(tmp_path, {**FILES, "empty/notes.txt": "x\n", "build/gen.py": "import legacy\n"}, RULES)
    (project / "void").mkdir()
    warning = "ssot-lint: warning: no files to check in {}: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
    for args, where in ((["empty", "void"], "empty, void"), (["build"], "build")):
        result = run_cli(["check", "--no-cache", *args], project, monkeypatch)
        assert (result.exit_code, result.stderr.splitlines()) == (0, [warning.format(where)])
        assert result.stdout.splitlines()[-1] == "0 files scanned, 0 parse errors, 0 findings"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
def test_nothing_in_scope_but_symlinked_directories_says_they_are_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "project", {}, RULES)
    write_project(tmp_path / "elsewhere", {"pkg/a.py": "import legacy\n", "lib/b.py": "import legacy\n"})
    for name in ("pkg", "lib", "zlib"):
        os.symlink(tmp_path / "elsewhere" / name.lstrip("z"), project / name)
    os.symlink(tmp_path / "elsewhere" / "pkg", project / "build")  # excluded by default: not mentioned
    result = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert (result.exit_code, result.stderr) == (
        0,
        "ssot-lint: warning: no files to check in .: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore);"
        " symlinked directories are not followed: lib/, pkg/, zlib/\n",
    )
    (project / "zz").mkdir()
    os.symlink(tmp_path / "elsewhere" / "pkg", project / "zz" / "p4")
    result = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert result.stderr.endswith("; symlinked directories are not followed: lib/, pkg/, zlib/, … (4 in all)\n"), result.stderr


def test_a_rule_whose_paths_match_no_file_is_a_warning(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not an error (the rule may be written ahead of its code, as a rule-files glob may not),
    but said once per run, at the line of its ``paths``."""
    rules = (
        project / "rules.toml"
    ).read_text() + '\n[[rule]]\nid = "X1"\nkind = "deprecated-import"\nreplace = { "a" = "b" }\npaths = ["zzz/", "lib/", "!lib/c.py", "ap/"]\n'
    (project / "rules.toml").write_text(rules)
    result = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert (result.exit_code, result.stderr) == (1, "ssot-lint: warning: rules.toml:27: X1 paths match no file in scope: zzz/, ap/\n")
    assert rules.splitlines()[26] == 'paths = ["zzz/", "lib/", "!lib/c.py", "ap/"]'
    # A run over some paths does not know: no warning.
    assert run_cli(["check", "--no-cache", "lib"], project, monkeypatch).stderr == ""


def test_per_file_quiet_prints_findings_only(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the pre-commit hook runs, once per batch of files: no note, no table, no totals.
    rules = RULES + '\n[[rule]]\nid = "S1"\nkind = "single-implementation"\nname = "Service$"\n'
    (project / "rules.toml").write_text(rules)
    batches = {
        "app/a.py": [
            "app/a.py:1:8: D1 warning: old.pkg is deprecated; import new.pkg",
            "app/a.py:2:8: D2 error: legacy is deprecated; import modern",
            "app/a.py:3:8: D2 error: legacy is deprecated; import modern",
        ],
        "lib/b.py": [],  # outside D1's paths
    }
    for batch, lines in batches.items():
        result = run_cli(["check", "--no-cache", "--per-file", "--quiet", batch], project, monkeypatch)
        assert (result.stderr, result.stdout.splitlines()) == ("", lines)
    loud = run_cli(["check", "--no-cache", "--per-file", "app/a.py"], project, monkeypatch)
    assert loud.stderr == "ssot-lint: --per-file: skipped project-wide rules S1 (run the whole project for them)\n"


def test_tables_have_no_trailing_spaces(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rich pads a table's last column to its width: every row but the widest ended in spaces."""
    import re

    from ssot_lint import api
    from ssot_lint.report import FormatOptions
    from ssot_lint.report.text import render

    checked = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert checked.stdout.splitlines()[-5:-2] == [
        "rule  kind               severity  count  max  status",
        "D1    deprecated-import  warning       1    -  FAIL",
        "D2    deprecated-import  error         2    -  FAIL",
    ]
    for args in (["check", "--no-cache"], ["rules"], ["rules", "--kinds"]):
        lines = run_cli(args, project, monkeypatch).stdout.splitlines()
        assert len(lines) > 2 and [line for line in lines if line != line.rstrip()] == [], args
    monkeypatch.chdir(project)
    coloured = render(api.check().report, FormatOptions(color=True))
    assert "\x1b[" in coloured and not re.search(r"[ \t]+(?:\x1b\[[0-9;]*m)*$", coloured, re.M)


@pytest.mark.parametrize("command", [["check", "--no-cache"], ["rules"]])
def test_a_reader_that_goes_away_ends_the_run_quietly_with_sigpipes_status(project: Path, command: list[str]) -> None:
    # `ssot-lint ... | head -1`: head exits, the next write fails. Not an "internal error".
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-m", "ssot_lint", *command], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before anything is written: the first write is the broken one
    stderr = child.stderr.read().decode()
    assert (child.wait(timeout=120), stderr) == (141, "")
