"""isolate27: one kind's failing fix refuses its own findings, not the whole file (ruff's way: one
broken fix does not take the others down). A rule whose fix raises contributes no edit to the
file, and each finding of its there is left with the failure as the reason; the other rules'
fixes of the same file are applied and verified as ever. Where the failure comes in a later round
of fixing the fixed text, the file is fixed again from its own text without that rule, so no edit
of a rule that failed on the file is written. A libcst RecursionError still refuses the file."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from ssot_lint import api
from ssot_lint import kinds as kind_registry
from ssot_lint.kinds.base import FixContext, FixOutcome, Rule
from ssot_lint.model import SAFE, FileRef
from ssot_lint.server.actions import Buffer, code_actions
from tests.helpers import run_cli, write_project

DI_RULE = (
    '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nmessage = "{target} is deprecated"\nreplace = { "shop.core:Manager" = "shop.core.manager:Manager" }\n'
)
BRK_RULE = '[[rule]]\nid = "BRK1"\nkind = "broken-fix"\n'
FILES = {
    "shop/__init__.py": "",
    "shop/core/__init__.py": "from .manager import Manager\nclass Other: ...\n",
    "shop/core/manager.py": "class Manager: ...\n",
    "app.py": "from shop.core import Manager\n\nprint(Manager, legacy_flag)\n",
}
MOVED = "from shop.core.manager import Manager\n\nprint(Manager, legacy_flag)\n"
FAILED = "BRK1's fix failed (RuntimeError: {}); this is a bug in its rule kind, please report it"


class BrokenFix(Rule):
    """A test kind: flags every read of ``legacy_flag`` as safely fixable; its fix renames them
    to ``new_flag`` (with ``RENAMES``, else it edits nothing), and raises ``RuntimeError`` where
    ``FAILS_ON`` is in the text it is given."""

    kind = "broken-fix"
    summary = "test kind whose fix raises"
    default_message = "legacy_flag is read"
    fixable = True
    FAILS_ON = ""  # "": always
    RENAMES = True

    def check(self, ctx: Any) -> tuple[list[Any], None]:
        names = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Name) and n.id == "legacy_flag"]
        return [self.finding(ctx, n, self.format(), applicability=SAFE) for n in names], None

    def fix(self, module: Any, ref: FileRef, context: FixContext) -> FixOutcome:
        import libcst as cst

        if self.FAILS_ON in module.code:
            raise RuntimeError("boom" if not self.FAILS_ON else f"{self.FAILS_ON} in the text")

        class Rename(cst.CSTTransformer):
            def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
                return updated.with_changes(value="new_flag") if updated.value == "legacy_flag" else updated

        if not self.RENAMES:
            return FixOutcome(module)
        renamed = module.visit(Rename())
        return FixOutcome(renamed, fixed=module.code.count("legacy_flag"))


def broken_kind(monkeypatch: pytest.MonkeyPatch, fails_on: str = "", renames: bool = True) -> None:
    """``broken-fix`` installed as a plugin kind (inherited by the forked workers)."""
    monkeypatch.setattr(BrokenFix, "FAILS_ON", fails_on)
    monkeypatch.setattr(BrokenFix, "RENAMES", renames)
    monkeypatch.setattr(kind_registry, "plugin_kinds", lambda observer=None: {"broken-fix": BrokenFix})


def test_the_broken_rule_leaves_its_finding_with_the_reason_and_the_other_rule_fixes_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_kind(monkeypatch)
    root = write_project(tmp_path, FILES, DI_RULE + BRK_RULE)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    assert (root / "app.py").read_text() == MOVED
    assert result.stderr.splitlines() == [
        "ssot-lint: warning: app.py: " + FAILED.format("boom"),
        "1 file changed, 1 finding fixed, 1 finding left:",
        "  app.py:3:16: BRK1 not fixed: " + FAILED.format("boom"),
    ]
    again = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "app.py").read_text() == MOVED
    assert again.stderr.splitlines()[1:] == ["0 files changed, 0 findings fixed, 1 finding left:", "  app.py:3:16: BRK1 not fixed: " + FAILED.format("boom")]


@pytest.mark.parametrize("brk_first", [True, False], ids=["no-edit-before", "own-edit-before"])
def test_a_failure_in_a_later_round_writes_no_edit_of_the_broken_rule_and_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, brk_first: bool
) -> None:
    """Round 1 applies DI1's rewrite (and, in ``own-edit-before``, BRK1's rename); round 2, fixing
    that text, finds BRK1's fix failing on it (on DI1's rewrite, on its own rename). Without an
    edit of BRK1 in it, the round-1 text stands; with one, the file is fixed again without BRK1:
    its rename, which it cannot fix again, is not written, DI1's rewrite is."""
    fails_on = "shop.core.manager" if brk_first else "new_flag"
    broken_kind(monkeypatch, fails_on, renames=not brk_first)
    root = write_project(tmp_path, FILES, BRK_RULE + DI_RULE if brk_first else DI_RULE + BRK_RULE)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    assert (root / "app.py").read_text() == MOVED
    why = FAILED.format(f"{fails_on} in the text")
    assert result.stderr.splitlines() == [
        "ssot-lint: warning: app.py: " + why,
        "1 file changed, 1 finding fixed, 1 finding left:",
        "  app.py:3:16: BRK1 not fixed: " + why,
    ]


def test_a_recursion_error_still_refuses_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_kind(monkeypatch)

    def too_deep(self: Rule, module: Any, ref: FileRef, context: FixContext) -> FixOutcome:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(BrokenFix, "fix", too_deep)
    root = write_project(tmp_path, FILES, DI_RULE + BRK_RULE)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    assert (root / "app.py").read_text() == FILES["app.py"]
    why = "not fixed: too deeply nested to fix (RecursionError)"
    assert result.stderr.splitlines() == [
        f"ssot-lint: warning: app.py: {why}",
        "0 files changed, 0 findings fixed, 2 findings left:",
        f"  app.py:1:23: DI1 {why}",
        f"  app.py:3:16: BRK1 {why}",
    ]


def test_check_labels_both_findings_as_their_checks_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` runs no fix (only the import rewrites' verification): the broken fix changes
    nothing it reports; ``check --fix`` fixes as ``fix`` does."""
    broken_kind(monkeypatch)
    root = write_project(tmp_path, FILES, DI_RULE + BRK_RULE)
    result = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(f["rule"], f["line"], f["col"], f["fixable"], f["applicability"]) for f in report["findings"]] == [
        ("DI1", 1, 23, True, "safe"),
        ("BRK1", 3, 16, True, "safe"),
    ]
    fixed = run_cli(["check", "--fix", "--no-cache", "-q"], root, monkeypatch)
    assert fixed.exit_code == 1
    assert fixed.stderr.splitlines() == [
        "ssot-lint: warning: app.py: " + FAILED.format("boom"),
        "ssot-lint: fix: 1 file changed, 1 finding fixed, 1 finding left",
    ]
    assert fixed.stdout.splitlines() == ["app.py:3:16: BRK1 [*] error: legacy_flag is read"]
    assert (root / "app.py").read_text() == MOVED


def test_one_text_is_fixed_by_the_other_rules_and_says_which_rule_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_kind(monkeypatch)
    root = write_project(tmp_path, FILES, DI_RULE + BRK_RULE)
    monkeypatch.chdir(root)
    fixed = api.fix_source(root / "app.py", FILES["app.py"], config=root / "ssot-lint.toml")
    assert (fixed.code, fixed.fixed, fixed.refused) == (MOVED, 1, "")
    assert fixed.failed == (("BRK1", FAILED.format("boom")),)
    assert fixed.reasons == ()  # BRK1's finding has its reason in `failed`; DI1's was fixed


def test_fix_stdin_lists_the_broken_rules_finding_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ssot_lint.cli import main

    broken_kind(monkeypatch)
    root = write_project(tmp_path, FILES, DI_RULE + BRK_RULE)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["fix", "--no-cache", "--stdin-filename", "app.py", "-"], input=FILES["app.py"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout == MOVED
    assert result.stderr.splitlines() == ["1 finding fixed, 1 finding left:", "  app.py:3:16: BRK1 not fixed: " + FAILED.format("boom")]


def test_the_editor_offers_the_other_rules_fixes_and_logs_the_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_kind(monkeypatch)
    root = write_project(tmp_path, FILES, DI_RULE + BRK_RULE)
    monkeypatch.chdir(root)
    project = api.load_project(root / "ssot-lint.toml")
    path, text = str(root / "app.py"), FILES["app.py"]
    findings = api.check_source(path, text, config=project)
    assert [(f.rule_id, f.applicability) for f in findings] == [("DI1", SAFE), ("BRK1", SAFE)]
    logged: list[str] = []
    actions = code_actions(project, Buffer(path, text, "file:///app.py", 1), findings, ((1, 1), (3, 30)), None, "utf-16", False, logged.append, {})
    assert [a.title for a in actions] == [
        "ssot-lint: fix DI1",
        "ssot-lint: suppress DI1 on this line (# ssot: ignore[DI1])",
        "ssot-lint: suppress BRK1 on this line (# ssot: ignore[BRK1])",
        "ssot-lint: fix all (1 finding)",
    ]
    assert logged == [f"{path}: BRK1 not fixed: " + FAILED.format("boom")] * 2  # its own quick fix, and fix all
