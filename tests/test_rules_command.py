"""Docs at the prompt: `ssot-lint rules --kinds` and `ssot-lint rules --explain KIND` work anywhere
(no config, even a broken one), and the [[rule]] that --explain prints loads and passes its example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.kinds import BUILTIN_KINDS, builtin_kind
from ssot_lint.kinds.base import OPTION_TYPES, option_attribute
from tests.helpers import REPO, run_cli

BROKEN_CONFIG = "rule-files = [\n"  # not TOML: any command that reads the config fails with exit 2


@pytest.fixture
def nowhere(tmp_path: Path) -> Path:
    """A directory whose config cannot be read: what passes here reads no config."""
    (tmp_path / "ssot-lint.toml").write_text(BROKEN_CONFIG)
    return tmp_path


def skeleton_of(stdout: str) -> str:
    return stdout[stdout.index("\n[[rule]]\n") + 1 :]


def test_kinds_lists_every_kind_with_its_fix_and_summary(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--kinds"], nowhere, monkeypatch)
    assert result.exit_code == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0].split() == ["kind", "fix", "what", "it", "finds"]
    expected = [f"{name}  {'yes' if builtin_kind(name).fixable else 'no'}  {builtin_kind(name).summary}" for name in BUILTIN_KINDS]
    assert [" ".join(line.split()) for line in lines[1:]] == [" ".join(e.split()) for e in expected]
    assert [line.split()[:2] for line in lines[1:]][2:4] == [["deprecated-import", "yes"], ["event-schema", "yes"]]


def test_explain_a_kind_without_any_config(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--explain", "import-cycle"], nowhere, monkeypatch)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "import-cycle: Cycles among project modules through imports that run at import time."
    assert lines[1] == "fix: none; findings are fixed by hand"
    assert "  include-function-imports  bool, default false: also follow imports inside functions" in lines
    assert "  max-cycles                int, default 5: the most imports to break reported per group of mutually dependent modules" in lines
    assert "message fields: " + ", ".join("{" + f + "}" for f in builtin_kind("import-cycle").message_fields) in lines
    skeleton = skeleton_of(result.stdout).splitlines()
    assert skeleton[:3] == ["[[rule]]", 'id = "X001"', 'kind = "import-cycle"']
    assert "# include-function-imports = false  # also follow imports inside functions" in skeleton


def test_explain_a_required_option_and_a_fixable_kind(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--explain", "deprecated-import"], nowhere, monkeypatch)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "fix: `ssot-lint fix` rewrites its findings where that is safe"
    # the option names are padded to the longest (allow-kind-change)
    assert "  replace            str-map, required: deprecated -> canonical ('module' or 'module:Member')" in result.stdout.splitlines()
    assert 'replace = { "old.pkg" = "new.pkg", "shop.core:Manager" = "shop.core.manager:Manager" }' in result.stdout


@pytest.mark.parametrize("name", list(BUILTIN_KINDS))
def test_the_printed_rule_loads_and_its_example_passes(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kind = builtin_kind(name)
    result = run_cli(["rules", "--explain", name], tmp_path, monkeypatch)
    path = tmp_path / "pasted.toml"
    path.write_text(skeleton_of(result.stdout))
    (rule,) = load_rule_files([path]).rules
    assert rule.kind == name and rule.id == "X001"
    for option, value in kind.EXAMPLE_OPTIONS.items():  # the options its examples are written against
        loaded, expected = getattr(rule, option_attribute(option)), OPTION_TYPES[kind.options[option].type](value)
        assert loaded == expected or (isinstance(loaded, re.Pattern) and loaded.pattern == expected.pattern)
    tested = run_cli(["test-rules", str(path)], tmp_path, monkeypatch)
    assert (tested.exit_code, tested.stdout) == (0, "1 passed, 0 failed\n"), tested.stdout


def test_explain_a_rule_id_still_explains_the_loaded_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--explain", "WS002"], REPO, monkeypatch)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == ["WS002 (deprecated-import, error)", "defined at rules/websocket-ssot.toml:25"]


def test_explain_what_is_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--explain", "no-such"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "ssot-lint: error: --explain: no loaded rule has id 'no-such', and no rule kind is named so (kinds: " + ", ".join(sorted(BUILTIN_KINDS)) + ")\n"
    )


def test_kinds_and_explain_together_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["rules", "--kinds", "--explain", "import-cycle"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and "--kinds, --explain and --check cannot be combined" in result.stderr
