"""``# ssot: ignore[...]`` comments: where they apply, what they count, and unused ones."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ssot_lint.ci.suppressions import scan
from ssot_lint.model import Suppression
from tests.helpers import REPO, locations, run_cli, write_project

SCHEMA = json.loads((REPO / "ssot_lint" / "schemas" / "report.schema.json").read_text())

RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.pkg" = "new.pkg", "shop.core:Manager" = "shop.manager:Manager" }

[[rule]]
id = "S1"
kind = "single-implementation"
name = "Service$"
"""

A = """\
import old.pkg  # ssot: ignore[D1]
import old.pkg.sub  # ssot: ignore[S1, D1]
from shop.core import (  # ssot: ignore[D1]
    Other,
    Manager,
)
from shop.core import (
    Other,  # ssot: ignore[D1]
    Manager,
)
import old.pkg.other  # ssot: ignore
s = "# ssot: ignore[D1]"; import old.pkg.x
import old.pkg.y  # ssot: ignore[D9]
import os  # ssot: ignore[D1]
"""
FILES = {"a.py": A, "b.py": "class AService: ...\n", "c.py": "class BService: ...  # ssot: ignore[S1]\n"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, FILES, RULES)


def test_suppressed_where_the_comment_is_on_the_line_or_the_statement_start(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--no-cache", "-o", "json"], project, monkeypatch)
    assert result.exit_code == 1
    report = result.json()
    jsonschema.validate(report, SCHEMA)
    assert locations(report) == [
        ("a.py", 9, 5),  # the comment sits on line 8: neither the flagged line nor the statement's first
        ("a.py", 12, 34),  # '# ssot: ignore[D1]' inside a string is not a comment
        ("a.py", 13, 8),  # D9 is not D1
        ("b.py", 1, 7),  # AService; BService's finding in c.py is suppressed
    ]
    # lines 1 (on the line), 2 (one of several ids), 5 (statement starts on 3), 11 (bare) and c.py
    assert report["suppressed"] == 5
    assert {r["id"]: (r["count"], r["suppressed"]) for r in report["rules"]} == {"D1": (3, 4), "S1": (2, 1)}


def test_text_summary_counts_suppressed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert result.stdout.splitlines()[-1] == "3 files scanned, 0 parse errors, 4 findings, 5 suppressed"


def test_unused_and_unknown_suppressions_are_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["check", "--no-cache", "--report-unused-suppressions", "-o", "json"], project, monkeypatch)
    assert result.exit_code == 1
    unused = [(f["path"], f["line"], f["col"], f["message"]) for f in result.json()["findings"] if f["rule"] == "SSOT001"]
    assert unused == [
        ("a.py", 2, 21, "unused suppression: no S1 finding on this line or statement"),
        ("a.py", 8, 13, "unused suppression: no D1 finding on this line or statement"),
        ("a.py", 13, 19, "unknown rule id 'D9' in suppression comment"),
        ("a.py", 14, 12, "unused suppression: no D1 finding on this line or statement"),
    ]
    jsonschema.validate(result.json(), SCHEMA)


def test_unused_is_not_claimed_for_rules_the_run_could_not_judge(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # --per-file skips project-wide S1, so its comments may still matter: only D1 and unknown ids are judged.
    args = ["check", "--no-cache", "--per-file", "--report-unused-suppressions", "a.py", "c.py", "-o", "json"]
    per_file = run_cli(args, project, monkeypatch)
    assert [(f["line"], f["col"]) for f in per_file.json()["findings"] if f["rule"] == "SSOT001"] == [(8, 13), (13, 19), (14, 12)]
    assert "skipped project-wide rules S1" in per_file.stderr
    # --select D1: S1 is known but did not run; D9 is unknown all the same.
    selected = run_cli(["check", "--no-cache", "--select", "D1", "--report-unused-suppressions", "-o", "json"], project, monkeypatch)
    assert [(f["line"], f["col"]) for f in selected.json()["findings"] if f["rule"] == "SSOT001"] == [(8, 13), (13, 19), (14, 12)]


def test_a_bare_ignore_that_silences_nothing_is_unused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path, {"a.py": "import os  # ssot: ignore\nimport old.pkg  # ssot: ignore\n"}, RULES)
    result = run_cli(["check", "--no-cache", "--report-unused-suppressions"], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "a.py:1:12: SSOT001 warning: unused suppression: no finding on this line or statement to silence"
    assert result.stdout.splitlines()[-1] == "1 file scanned, 0 parse errors, 1 finding, 1 suppressed"
    # without the flag the same project passes: nothing else is found
    assert run_cli(["check", "--no-cache"], project, monkeypatch).exit_code == 0


def test_scan_reads_only_comments_and_flags_malformed_ones() -> None:
    text = 'x = "ssot: ignore[A]"  # ssot: ignore[A,B]\n# ssot:ignore\ny = 1  # note  # ssot: ignore[A\nz  # ssot: ignore[]\n'
    assert scan(text) == (
        Suppression(1, 24, 43, ("A", "B"), "", "# ssot: ignore[A,B]"),
        Suppression(2, 1, 14, (), "", "# ssot:ignore"),
        Suppression(3, 8, 32, (), "malformed suppression comment: missing ']'", "# note  # ssot: ignore[A"),
        Suppression(4, 4, 20, (), "malformed suppression comment: names no rule id", "# ssot: ignore[]"),
    )
    assert scan("def f(:\n    pass  # ssot: ignore[A]\n") == (Suppression(2, 11, 28, ("A",), "", "# ssot: ignore[A]"),)
    assert scan("x = 1  # ssot: ignored\n") == ()


def test_a_malformed_comment_silences_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path, {"a.py": "import old.pkg  # ssot: ignore[D1\n"}, RULES)
    result = run_cli(["check", "--no-cache", "--report-unused-suppressions"], project, monkeypatch)
    assert result.stdout.splitlines()[:2] == [
        "a.py:1:8: D1 error: old.pkg is deprecated; import new.pkg",
        "a.py:1:17: SSOT001 warning: malformed suppression comment: missing ']'",
    ]


@pytest.mark.parametrize(
    ("comment", "ids", "problem"),
    [
        ("# ssot: ignore", (), ""),
        ("# ssot:ignore", (), ""),
        ("# ssot: ignore  # kept for the old API", (), ""),
        ("# ssot: ignore[D1]", ("D1",), ""),
        ("# ssot: ignore[ D1 , S-2 ]", ("D1", "S-2"), ""),
        ("# ssot: ignore[D1] kept for the old API", ("D1",), ""),
        ("# type: ignore  # ssot: ignore[D1]", ("D1",), ""),
        ("# ssot:ignore R9", (), "rule ids go in brackets right after 'ignore' (# ssot: ignore[R9])"),
        ("# ssot: ignore: D1", (), "rule ids go in brackets right after 'ignore' (# ssot: ignore[D1])"),
        ("# ssot: ignore=D1", (), "rule ids go in brackets right after 'ignore' (# ssot: ignore[D1])"),
        ("# ssot: ignore(D1)", (), "rule ids go in brackets right after 'ignore' (# ssot: ignore[D1])"),
        ("# ssot: ignore legacy code", (), "text after a bare 'ignore' (give a reason after another '#', or name rules: ignore[ID])"),
        ("# ssot: ignore [D1]", (), "no space between 'ignore' and '[' (# ssot: ignore[ID])"),
        ("# ssot: IGNORE[D1]", (), "write 'ignore' in lower case ('ssot: IGNORE')"),
        ("# ssot: ignore[D1", (), "missing ']'"),
        ("# ssot: ignore[]", (), "names no rule id"),
        ("# ssot: ignore[D1 S1]", (), "rule ids separated by ' ' (separate them with ',')"),
        ("# ssot: ignore[D1;S1]", (), "rule ids separated by ';' (separate them with ',')"),
        ("# ssot: ignore[D1|S1]", (), "rule ids separated by '|' (separate them with ',')"),
        ("# ssot: ignore[D1,,S1]", (), "empty entry in the rule id list (separate ids with ',')"),
        ("# ssot: ignore[D1,]", (), "empty entry in the rule id list (separate ids with ',')"),
        ("# ssot: ignore[old.pkg]", (), "malformed rule id 'old.pkg'"),
        ("# ssot: ignore[D1]S1", (), "unexpected 'S' after ']' (put a reason after a space or a '#')"),
    ],
)
def test_which_spellings_are_suppressions(comment: str, ids: tuple[str, ...], problem: str) -> None:
    """The grammar docs/suppressions.md states: anything else near it is malformed, and silences nothing."""
    (found,) = scan(f"x = 1  {comment}\n")
    assert (found.rule_ids, found.problem) == (ids, "malformed suppression comment: " + problem if problem else "")


def test_not_suppressions_at_all() -> None:
    assert scan("x = 1  # ssot: ignored\ny = 2  # ssot: ignore-next-line\nz = 3  # the ssot: rules\n") == ()


def test_an_id_list_without_brackets_silences_nothing_and_is_ssot001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: a bare 'ignore' followed by anything silenced every rule on the line.
    project = write_project(tmp_path, {"a.py": "import old.pkg  # ssot:ignore R9\nimport old.pkg.a  # ssot: ignore[D1 S1]\n"}, RULES)
    plain = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert plain.exit_code == 1
    assert plain.stdout.splitlines()[:2] == [
        "a.py:1:8: D1 error: old.pkg is deprecated; import new.pkg",
        "a.py:2:8: D1 error: old.pkg is deprecated; import new.pkg",
    ]
    reported = run_cli(["check", "--no-cache", "--report-unused-suppressions", "-o", "json"], project, monkeypatch)
    assert [(f["rule"], f["line"], f["col"], f["message"]) for f in reported.json()["findings"]] == [
        ("D1", 1, 8, "old.pkg is deprecated; import new.pkg"),
        ("SSOT001", 1, 17, "malformed suppression comment: rule ids go in brackets right after 'ignore' (# ssot: ignore[R9])"),
        ("D1", 2, 8, "old.pkg is deprecated; import new.pkg"),
        ("SSOT001", 2, 19, "malformed suppression comment: rule ids separated by ' ' (separate them with ',')"),
    ]
    assert reported.json()["suppressed"] == 0
    # SSOT001 has its own row in the summary, as every rule does (issue #18, item 8)
    assert [(r["id"], r["kind"], r["severity"], r["count"], r["ok"]) for r in reported.json()["rules"]] == [
        ("D1", "deprecated-import", "error", 2, False),
        ("S1", "single-implementation", "error", 0, True),
        ("SSOT001", "unused-suppression", "warning", 2, False),
    ]
