"""The fix engine and its command line: safe writes (encoding, BOM, newlines, mode, atomicity,
files changed on disk), --diff, --select, the summary and exit codes, check --fix."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from ssot_lint.fix import engine as fixer
from ssot_lint.fix.apply import FileChanged, write_atomic

RULES = """
[[rule]]
id = "DI1"
kind = "deprecated-import"
message = "{target} is deprecated"
replace = { "shop.core:Manager" = "shop.core.manager:Manager", "old.pkg" = "new.pkg" }
calls = { "old.factory:make" = "" }

[[rule]]
id = "EV1"
kind = "event-schema"
message = "bad event: {problems}"
discriminator = ["event_type"]
events = ["agent_started"]
required = ["event_type", "user_id", "data"]
allowed = ["event_type", "user_id", "data"]
rename = { user = "user_id" }

[[rule]]
id = "DUP"
kind = "duplicate-definition"
message = "{name} defined twice"
severity = "warning"
name = "^Twin$"
"""


# The replacements exist in every project, so that the import rewrites are verified (safe).
REPLACEMENTS = {
    "shop/__init__.py": "",
    "shop/core/__init__.py": "from .manager import Manager\nclass Other: ...\n",
    "shop/core/manager.py": "class Manager: ...\n",
}


def project(root: Path, files: dict[str, bytes | str]) -> Path:
    (root / "pyproject.toml").write_text('[tool.ssot-lint]\nrule-files = ["rules.toml"]\n')
    (root / "rules.toml").write_text(RULES)
    for name, content in {**REPLACEMENTS, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


SPLIT_BEFORE = "from shop.core import Manager, Other\n"
SPLIT_AFTER = "from shop.core import Other\nfrom shop.core.manager import Manager\n"


def test_fix_writes_and_summarises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"a.py": SPLIT_BEFORE, "b.py": 'e = {"event_type": "agent_started", "user": u, "data": {}}\n', "c.py": "x = 1\n"})
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "--unsafe-fixes")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "2 files changed, 2 findings fixed (1 by unsafe fixes), 0 findings left:",
        "  b.py:1:5: EV1 unsafe fix applied: reshaping an event changes the data the program sends and reads",
    ]
    assert (tmp_path / "a.py").read_text() == SPLIT_AFTER
    assert (tmp_path / "b.py").read_text() == 'e = {"event_type": "agent_started", "user_id": u, "data": {}}\n'
    assert (tmp_path / "c.py").read_text() == "x = 1\n"


def test_exit_1_and_reasons_when_findings_remain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(
        tmp_path,
        {
            "a.py": SPLIT_BEFORE + "from old.factory import make\nmake()\n",
            "b.py": 'e = {"event_type": "agent_started", "user": u}\n',
            "t1.py": "class Twin: ...\n",
            "t2.py": "class Twin: ...\n",
        },
    )
    result = run(tmp_path, monkeypatch, "fix", "--no-cache")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "1 file changed, 1 finding fixed, 3 findings left:",
        "  a.py:4:1: DI1 not fixable: a deprecated call; no replacement is configured",
        "  b.py:1:5: EV1 not fixable: missing 'data' (a value is never invented)",
        "  DUP: 1 finding left, no autofix for duplicate-definition rules (`ssot-lint check --select DUP` lists them)",
    ]
    # a second run: nothing changes, the same findings are left
    again = run(tmp_path, monkeypatch, "fix", "--no-cache")
    assert again.exit_code == 1
    assert again.stderr.splitlines()[0] == "0 files changed, 0 findings fixed, 3 findings left:"


def test_fail_on_decides_which_leftovers_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"a.py": SPLIT_BEFORE, "t1.py": "class Twin: ...\n", "t2.py": "class Twin: ...\n"})
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "--fail-on", "error")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 1 finding left:"


def test_diff_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"pkg/a.py": SPLIT_BEFORE, "b.py": "x = 1\n"})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = run(tmp_path, monkeypatch, "fix", "--diff", "--no-cache")
    assert result.exit_code == 1  # a file would change
    assert result.stdout == (
        "--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -1 +1,2 @@\n"
        "-from shop.core import Manager, Other\n+from shop.core import Other\n+from shop.core.manager import Manager\n"
    )
    assert result.stderr == "1 file would change, 1 finding would be fixed, 0 findings would be left.\n"
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_diff_marks_missing_final_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"a.py": SPLIT_BEFORE.rstrip("\n")})
    result = run(tmp_path, monkeypatch, "fix", "--diff", "--no-cache")
    assert result.stdout.endswith("+from shop.core.manager import Manager\n\\ No newline at end of file\n")


def test_select_limits_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    event = 'e = {"event_type": "agent_started", "user": u, "data": {}}\n'
    project(tmp_path, {"a.py": SPLIT_BEFORE + event})
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "--select", "EV")
    assert (result.exit_code, (tmp_path / "a.py").read_text()) == (1, SPLIT_BEFORE + event)  # an event fix is unsafe
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "--select", "EV", "--unsafe-fixes")
    assert result.exit_code == 0
    assert (tmp_path / "a.py").read_text() == SPLIT_BEFORE + event.replace('"user"', '"user_id"')
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "--ignore", "EV1", "--unsafe-fixes")
    assert (tmp_path / "a.py").read_text() == SPLIT_AFTER + event.replace('"user"', '"user_id"')


def test_crlf_bom_and_latin1_cookie_are_preserved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crlf = b"import os\r\nfrom shop.core import Manager, Other\r\nx = 1\r\n"
    bom = b"\xef\xbb\xbf" + "# caf\u00e9\nfrom shop.core import Manager, Other\n".encode()
    latin1 = "# -*- coding: latin-1 -*-\ns = 'caf\u00e9'\nfrom shop.core import Manager, Other\n".encode("latin-1")
    project(tmp_path, {"crlf.py": crlf, "bom.py": bom, "latin1.py": latin1})
    result = run(tmp_path, monkeypatch, "fix", "--no-cache")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "crlf.py").read_bytes() == b"import os\r\nfrom shop.core import Other\r\nfrom shop.core.manager import Manager\r\nx = 1\r\n"
    assert (tmp_path / "bom.py").read_bytes() == b"\xef\xbb\xbf# caf\xc3\xa9\nfrom shop.core import Other\nfrom shop.core.manager import Manager\n"
    assert (tmp_path / "latin1.py").read_bytes() == (
        b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\nfrom shop.core import Other\nfrom shop.core.manager import Manager\n"
    )


def test_mode_kept_no_temporary_left_symlink_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"real/a.py": SPLIT_BEFORE})
    target = tmp_path / "real" / "a.py"
    os.chmod(target, 0o640)
    (tmp_path / "link.py").symlink_to(target)
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "link.py")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.py").is_symlink()
    assert target.read_text() == SPLIT_AFTER
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["a.py"]


def test_write_atomic_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"edited meanwhile\n")
    with pytest.raises(FileChanged):
        write_atomic(str(path), b"what was read\n", b"fixed\n")
    assert path.read_bytes() == b"edited meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_file_changed_while_fixing_is_skipped_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"a.py": SPLIT_BEFORE, "b.py": SPLIT_BEFORE})
    real_fix = fixer.fix_source

    def fix_while_someone_edits(data, ref, rules, context):  # type: ignore[no-untyped-def]
        outcome = real_fix(data, ref, rules, context)
        if ref.path == "a.py":
            (tmp_path / "a.py").write_text("# someone else's edit\n" + SPLIT_BEFORE)
        return outcome

    monkeypatch.setattr(fixer, "fix_source", fix_while_someone_edits)
    result = run(tmp_path, monkeypatch, "fix", "--no-cache")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ssot-lint: warning: a.py: skipped: it changed on disk while being fixed",
        "1 file changed, 1 finding fixed, 1 finding left:",
        "  a.py:1:23: DI1 skipped: it changed on disk while being fixed",
    ]
    assert (tmp_path / "a.py").read_text() == "# someone else's edit\n" + SPLIT_BEFORE
    assert (tmp_path / "b.py").read_text() == SPLIT_AFTER


def test_fix_that_would_not_compile_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = SPLIT_BEFORE + "return 1\n"  # libcst parses it; CPython does not compile it
    project(tmp_path, {"a.py": source})
    result = run(tmp_path, monkeypatch, "fix", "--no-cache")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == "ssot-lint: warning: a.py: not fixed: the file does not compile, before the fix either: 'return' outside function (a.py, line 3)"
    )
    assert (tmp_path / "a.py").read_text() == source


def test_check_fix_fixes_then_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"a.py": SPLIT_BEFORE, "b.py": 'e = {"event_type": "agent_started", "user": u}\n'})
    result = run(tmp_path, monkeypatch, "check", "--fix", "--no-cache", "-q")
    assert result.exit_code == 1
    assert result.stderr == "ssot-lint: fix: 1 file changed, 1 finding fixed, 1 finding left\n"
    assert result.stdout.splitlines() == ["b.py:1:5: EV1 error: bad event: legacy key 'user' (use 'user_id'); missing 'data'"]  # an event fix is unsafe
    assert (tmp_path / "a.py").read_text() == SPLIT_AFTER


def test_fix_without_rules_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ssot-lint.toml").write_text("")
    result = CliRunner().invoke(main, ["fix"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "ssot-lint: error: no rules loaded: set 'rule-files' in the config or pass --rules FILE (`ssot-lint init` proposes rules from the code)\n"
    )


def test_a_failing_kind_fix_costs_its_findings_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssot_lint.kinds.event_schema.check import EventSchema

    def broken(self, module, ref, context):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    monkeypatch.setattr(EventSchema, "fix", broken)
    project(tmp_path, {"a.py": 'e = {"event_type": "agent_started", "user": u, "data": {}}\n', "b.py": SPLIT_BEFORE})
    result = run(tmp_path, monkeypatch, "fix", "--no-cache", "--unsafe-fixes")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ssot-lint: warning: a.py: EV1's fix failed (ValueError: boom); this is a bug in its rule kind, please report it",
        "1 file changed, 1 finding fixed, 1 finding left:",
        "  a.py:1:5: EV1 not fixed: EV1's fix failed (ValueError: boom); this is a bug in its rule kind, please report it",
    ]
    assert (tmp_path / "b.py").read_text() == SPLIT_AFTER
