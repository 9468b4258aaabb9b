"""``ssot-lint rules --check``: each import mapping of the rules verified against the project as
``fix`` will verify each rewrite (issue #13): one warning per mapping the fix refuses, at its
line in the rule file, with exact text; nothing for what it cannot verify; exit 1 on a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint import api
from tests.helpers import run_cli, write_project

PROJECT = {
    "old/__init__.py": "",
    "old/mod.py": "from new.mod import VALUE\nclass A: ...\nclass B: ...\nclass Factory: ...\ndef create_manager(): ...\ndef make_manager(): ...\n_private = 2\n",
    "new/__init__.py": "",
    "new/mod.py": "from new.impl import *\nclass A: ...\nclass Manager: ...\ndef create_manager(): ...\n",
    "new/impl.py": "__all__ = ['VALUE']\nVALUE = 1\n",
}

RULES = """\
# Mappings as a user writes them: some the fix can follow, some it will refuse.
[[rule]]
id = "D1"
kind = "deprecated-import"

[rule.replace]
"old.mod" = "new.mod"
"old.mod:make_manager" = "new.mod:Manager"
"old.mod:Factory" = "new.mod:Gone"
"old.gone" = "new.mod"
"collections:OrderedDict" = "new.mod:A"
"old.mod:A" = "json:JSONDecoder"

[[rule]]
id = "D2"
kind = "deprecated-import"
replace = { "old.mod:create_manager" = "new.mod:Manager", "old" = "new.missing" }
allow-kind-change = ["old.mod:create_manager"]
"""


def test_one_warning_per_mapping_the_fix_refuses_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, PROJECT, RULES)
    result = run_cli(["rules", "--check"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "rules.toml:7: D1 maps old.mod to new.mod, which lacks 1 of the 5 public names old.mod defines or re-exports (B; B is not defined in new.mod); imports of them are not rewritten",
        "rules.toml:8: D1 maps old.mod:make_manager (function) to new.mod:Manager (class); fix refuses it unless allow-kind-change lists it",
        "rules.toml:9: D1 maps old.mod:Factory to new.mod:Gone, which does not exist: Gone is not defined in new.mod; no import of old.mod:Factory is rewritten",
        "rules.toml:17: D2 maps old to new.missing, which does not exist: module new.missing does not exist (missing is not a module of new); no import of old is rewritten",
        "8 mappings checked, 4 warnings",
    ]


def test_the_warnings_are_the_fixs_own_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What --check says of a mapping is what fix then says of each import of it.
    write_project(tmp_path, {**PROJECT, "app.py": "from old.mod import B, make_manager, Factory, VALUE\n"}, RULES)
    fixed = run_cli(["fix", "--no-cache", "--diff", "--select", "D1"], tmp_path, monkeypatch)
    assert fixed.stderr.splitlines()[1:4] == [
        "  app.py:1:6: D1 not fixable: B is not defined in new.mod",
        "  app.py:1:24: D1 not fixable: old.mod.make_manager is a function but new.mod.Manager is a class",
        "  app.py:1:38: D1 not fixable: Gone is not defined in new.mod",
    ]


def test_mappings_the_fix_can_follow_give_no_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.mod:A" = "new.mod:A", "old.mod:VALUE" = "new.mod:VALUE", "old.mod:create_manager" = "json:loads" }\n'
    write_project(tmp_path, PROJECT, rules)
    result = run_cli(["rules", "--check"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "3 mappings checked, 0 warnings\n", "")


def test_a_module_mapped_to_a_class_and_rules_inline_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[project]\nname = "x"\n\n[tool.ssot-lint]\n\n[[tool.ssot-lint.rule]]\nid = "P1"\nkind = "deprecated-import"\n\n[tool.ssot-lint.rule.replace]\n"old.mod" = "new.mod:Manager"\n'
    write_project(tmp_path, PROJECT)
    (tmp_path / "pyproject.toml").write_text(config)
    result = run_cli(["rules", "--check"], tmp_path, monkeypatch)
    assert result.stdout.splitlines() == [
        "pyproject.toml:11: P1 maps old.mod (module) to new.mod:Manager (class); fix refuses it unless allow-kind-change lists it",
        "1 mapping checked, 1 warning",
    ]
    assert result.exit_code == 1


def test_the_api_returns_the_same_warnings(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT, RULES)
    checked = api.check_mappings(config=tmp_path / "ssot-lint.toml", select=["D2"], cache=False)
    assert checked.checked == 2
    assert [(Path(w.path).resolve(), w.line, w.rule_id) for w in checked.warnings] == [((tmp_path / "rules.toml").resolve(), 17, "D2")]


def test_check_with_another_mode_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, PROJECT, RULES)
    result = run_cli(["rules", "--check", "--explain", "D1"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and "--kinds, --explain and --check cannot be combined" in result.stderr


def test_the_api_leaves_no_workers_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A language server checks buffer after buffer in one process: the workers the verifier kept
    # for its rounds of summaries are stopped when a call returns, not at garbage collection.
    import multiprocessing

    from ssot_lint.run import per_file

    monkeypatch.setattr(per_file, "_FILES_PER_WORKER", 1)  # workers for every round, however small
    monkeypatch.setattr(per_file, "_SPAWN_MIN", 1)
    write_project(tmp_path, PROJECT, RULES)
    before = set(multiprocessing.active_children())
    checked = api.check_mappings(config=tmp_path / "ssot-lint.toml", select=["D1"], cache=False, jobs=2)
    assert checked.checked == 6
    assert set(multiprocessing.active_children()) - before == set()
    [finding] = api.check_source(tmp_path / "app.py", "from old.mod import VALUE\n", config=tmp_path / "ssot-lint.toml")
    assert (finding.rule_id, finding.applicability) == ("D1", "safe")
    assert set(multiprocessing.active_children()) - before == set()
