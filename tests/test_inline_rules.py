"""Rules written in the config itself: ``[[tool.ssot-lint.rule]]`` in pyproject.toml, ``[[rule]]``
in ssot-lint.toml. They load like rule files' rules, fail at their own line, and share one id
space with the rule files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ssot_lint import api
from tests.helpers import REPO, run_cli, write_project

PYPROJECT = """\
[project]
name = "sample"

[tool.ssot-lint]
extend-exclude = ["build/"]

[[tool.ssot-lint.rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.pkg" = "new.pkg" }

[[tool.ssot-lint.rule.example]]
code = "import old.pkg\\n"
expect = 1
lines = [1]

[[tool.ssot-lint.rule]]
id = "R1"
kind = "required-events"
events = ["agent_started"]
"""


def pyproject_project(root: Path, text: str = PYPROJECT, files: dict[str, str] | None = None) -> Path:
    write_project(root, files or {"app.py": "import old.pkg\nimport new.pkg\n"})
    (root / "pyproject.toml").write_text(text)
    return root


def error_line(root: Path, monkeypatch: pytest.MonkeyPatch, args: list[str] | None = None) -> str:
    result = run_cli(args or ["check", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_pyproject_inline_rules_are_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = pyproject_project(tmp_path / "p")
    result = run_cli(["check", "--no-cache", "-q"], root, monkeypatch)
    assert result.exit_code == 1
    # The required-events finding sits where its rule is written: line 17 of pyproject.toml.
    assert result.stdout.splitlines() == [
        "app.py:1:8: D1 error: old.pkg is deprecated; import new.pkg",
        "pyproject.toml:17:1: R1 error: required event agent_started is never emitted",
    ]
    project = api.load_project(cwd=root)
    assert [(r.id, r.meta.origin, r.meta.line) for r in project.rules.rules] == [("D1", "pyproject.toml", 7), ("R1", "pyproject.toml", 17)]
    assert [e.line for e in project.rules.rules[0].meta.examples] == [12]


def test_inline_rules_examples_run_with_test_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = pyproject_project(tmp_path / "p", PYPROJECT.replace("expect = 1\n", "expect = 2\n"))
    result = run_cli(["test-rules"], root, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("FAIL pyproject.toml:12: D1: ")
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed"
    assert "warning: pyproject.toml:17: rule R1 has no examples" in result.stderr


def test_explain_names_the_config_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = pyproject_project(tmp_path / "p")
    result = run_cli(["rules", "--explain", "D1"], root, monkeypatch)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == ["D1 (deprecated-import, error)", "defined at pyproject.toml:7"]


def test_ssot_lint_toml_takes_rule_tables_beside_its_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = 'fail-on = "error"\n\n[[rule]]\nid = "D1"\nkind = "deprecated-import"\nseverity = "warning"\nreplace = { "old.pkg" = "new.pkg" }\n'
    root = write_project(tmp_path / "p", {"app.py": "import old.pkg\n"}, config=config)
    result = run_cli(["check", "--no-cache", "-q"], root, monkeypatch)
    assert (result.exit_code, result.stdout) == (0, "app.py:1:8: D1 warning: old.pkg is deprecated; import new.pkg\n")  # a warning, fail-on error


def test_inline_rules_come_after_the_rule_files_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "F1"\nkind = "deprecated-import"\nreplace = { "other" = "new.pkg" }\n'
    root = pyproject_project(tmp_path / "p", PYPROJECT.replace('extend-exclude = ["build/"]', 'rule-files = ["rules.toml"]'))
    (root / "rules.toml").write_text(rules)
    assert [r.id for r in api.load_project(cwd=root).rules.rules] == ["F1", "D1", "R1"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ('replace = { "old.pkg" = "new.pkg" }\n', 'replace = { "old.pkg" = "new.pkg" }\nbogus = 1\n'),
            "pyproject.toml:11: rule D1: unknown key 'bogus' for kind deprecated-import",
        ),
        (('kind = "deprecated-import"', 'kind = "no-such-kind"'), "pyproject.toml:9: rule D1: unknown kind 'no-such-kind'"),
        (('events = ["agent_started"]', "events = 3"), "pyproject.toml:20: rule R1: events: expected a list of strings"),
        (("expect = 1\n", 'expect = "one"\n'), "pyproject.toml:14: rule D1: example: 'expect' must be the number of findings"),
        (('id = "R1"', 'id = "D1"'), "pyproject.toml:17: duplicate rule id 'D1' (first defined at pyproject.toml:7)"),
        (("[tool.ssot-lint]\n", '[tool."ssot-lint"]\n'), None),  # quoted keys are the same table: no error
    ],
    ids=["unknown-key", "unknown-kind", "wrong-type", "example", "duplicate", "quoted-header"],
)
def test_inline_rule_errors_name_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str], expected: str | None) -> None:
    old, new = edit
    assert old in PYPROJECT
    root = pyproject_project(tmp_path / "p", PYPROJECT.replace(old, new, 1))
    if expected is None:
        assert run_cli(["check", "--no-cache", "-q"], root, monkeypatch).exit_code == 1
        return
    assert error_line(root, monkeypatch).startswith(f"ssot-lint: error: {expected}")


def test_a_rule_key_that_is_not_an_array_of_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = pyproject_project(tmp_path / "p", '[tool.ssot-lint]\nsrc = ["."]\nrule = 3\n')
    assert error_line(root, monkeypatch) == "ssot-lint: error: pyproject.toml:3: 'rule' must be an array of tables ([[tool.ssot-lint.rule]])"


def test_ids_are_unique_across_inline_and_file_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = pyproject_project(tmp_path / "p", PYPROJECT.replace('extend-exclude = ["build/"]', 'rule-files = ["rules/*.toml"]'))
    (root / "rules").mkdir()
    (root / "rules" / "a.toml").write_text('\n[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "x" = "y" }\n')
    assert error_line(root, monkeypatch) == "ssot-lint: error: pyproject.toml:7: duplicate rule id 'D1' (first defined at rules/a.toml:2)"
    # --rules FILE counts too.
    (root / "extra.toml").write_text('[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "x" = "y" }\n')
    (root / "rules" / "a.toml").unlink()
    (root / "pyproject.toml").write_text(PYPROJECT)
    line = error_line(root, monkeypatch, ["check", "--no-cache", "--rules", "extra.toml"])
    assert line == "ssot-lint: error: pyproject.toml:17: duplicate rule id 'R1' (first defined at extra.toml:1)"


def test_a_config_with_only_inline_rules_needs_no_rule_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = pyproject_project(tmp_path / "p")
    assert run_cli(["test-rules"], root, monkeypatch).stdout.splitlines()[-1] == "1 passed, 0 failed"
    assert run_cli(["rules"], root, monkeypatch).stdout.split()[5:7] == ["D1", "deprecated-import"]


def test_the_checkouts_own_self_rule_is_inline() -> None:
    """SELF001 moved from .ci/self-rules.toml into pyproject.toml's [tool.ssot-lint]."""
    assert not (REPO / ".ci" / "self-rules.toml").exists()
    project = api.load_project(REPO / "pyproject.toml")
    (rule,) = [r for r in project.rules.rules if r.id == "SELF001"]
    assert rule.kind == "import-cycle" and rule.meta.paths == ("ssot_lint/",) and rule.meta.origin.endswith("pyproject.toml")
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert text[rule.meta.line - 1] == "[[tool.ssot-lint.rule]]"
    assert len(rule.meta.examples) == 1 and rule.meta.examples[0].expect == 1
    # docs/configuration.md shows it as it is written there.
    shown = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8").split("[[tool.ssot-lint.rule]]\n", 1)[1].split("```", 1)[0]
    assert "[[tool.ssot-lint.rule]]\n" + shown in "\n".join(text) + "\n"


def test_old_shaped_config_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A config without inline rules loads as before; 'rule' is listed among the known keys."""
    root = write_project(tmp_path / "p", {"a.py": ""}, config=textwrap.dedent('rule-files = []\nrules = ["x"]\n'))
    line = error_line(root, monkeypatch)
    assert line.startswith("ssot-lint: error: ssot-lint.toml:2: unknown config key 'rules' (known: baseline, cache-dir, ")
    assert ", rule, rule-files, src)" in line


def test_history_rules_at_commit_reads_each_commits_inline_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`history --rules-at-commit` takes the config's inline rules as they were at each commit,
    as it takes the rule files: none is dropped, and a change to one counts."""
    from tests.git_history_repo import build_repo
    from tests.test_history import invoke

    inline = '[tool.ssot-lint]\n\n[[tool.ssot-lint.rule]]\nid = "DI001"\nkind = "deprecated-import"\nreplace = { "app.old" = "app.new" }\n'
    steps: list[tuple[str, dict[str, str | None]]] = [
        ("start", {"pyproject.toml": inline, "app/__init__.py": "", "app/a.py": "import app.old\nimport app.other\n"}),
        ("one more deprecated path", {"pyproject.toml": inline.replace('"app.old" = "app.new"', '"app.old" = "app.new", "app.other" = "app.new"')}),
        ("a bad inline rule", {"pyproject.toml": inline.replace('kind = "deprecated-import"', 'kind = "nope"')}),
    ]
    repo = tmp_path / "repo"
    build_repo(repo, steps)
    code, out, err = invoke(repo, monkeypatch, "trend", "--rules-at-commit", "--format", "json")
    assert code == 2  # nothing recorded yet
    code, out, err = invoke(repo, monkeypatch, "history", "--rules-at-commit", "--no-color")
    assert code == 0, err
    assert "rules not loaded" in out and ":pyproject.toml:5: rule DI001: unknown kind 'nope'" in out
    code, out, err = invoke(repo, monkeypatch, "trend", "--rules-at-commit", "--format", "json")
    shown = json.loads(out)["snapshots"]
    assert [s["rules"].get("DI001", {}).get("count") for s in shown] == [1, 2, None]
    assert [s["complete"] for s in shown] == [True, True, False]
