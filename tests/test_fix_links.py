"""Symlinked, read-only and hard-linked files: what ``check`` reads and what ``fix`` writes.

A file symlink whose target is another file of the run is that file (analyzed, reported and
fixed once, under the real file's path); ``fix`` never writes through a symlink to a file
outside the project root, nor a file without a write bit, nor one with more than one hard link
(each left with the reason, exit code 1). See docs/robustness.md."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint import api
from ssot_lint.cli import main
from ssot_lint.fix.apply import NotWritable, write_atomic
from tests.helpers import run_cli, write_project

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks and hard links")

RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old" = "new" }\n'
BEFORE = "from old import X\nprint(X())\n"
AFTER = "from new import X\nprint(X())\n"
FILES = {"old.py": "from new import X\n", "new.py": "def X():\n    return 1\n", "real.py": BEFORE}
D1 = "D1 [*] error: old is deprecated; import new"


def linked(tmp_path: Path) -> Path:
    project = write_project(tmp_path / "project", FILES, RULES)
    os.symlink("real.py", project / "link.py")
    return project


def test_a_symlink_to_another_file_of_the_run_is_checked_once_under_the_real_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = linked(tmp_path)
    for args in (["."], ["link.py", "real.py"], ["real.py", "link.py"]):
        result = run_cli(["check", "--no-cache", "-q", *args], project, monkeypatch)
        assert (result.exit_code, result.stdout) == (1, f"real.py:1:6: {D1}\n"), args
    alone = run_cli(["check", "--no-cache", "-q", "link.py"], project, monkeypatch)  # its target is not in the run: the link is the file
    assert (alone.exit_code, alone.stdout) == (1, f"link.py:1:6: {D1}\n")


def test_a_symlink_to_another_file_of_the_run_is_fixed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = linked(tmp_path)
    diff = run_cli(["fix", "--no-cache", "--diff", "."], project, monkeypatch)
    assert diff.stdout == "--- a/real.py\n+++ b/real.py\n@@ -1,2 +1,2 @@\n-from old import X\n+from new import X\n print(X())\n"
    fixed = run_cli(["fix", "--no-cache", "."], project, monkeypatch)
    assert (fixed.exit_code, fixed.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (project / "real.py").read_text() == AFTER
    assert os.readlink(project / "link.py") == "real.py"


def test_fix_never_writes_through_a_symlink_to_a_file_outside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "project", FILES, RULES)
    outside = tmp_path / "elsewhere" / "ext.py"
    outside.parent.mkdir()
    outside.write_text(BEFORE)
    os.symlink(outside, project / "extlink.py")
    # check reads the link as Python imports it, and does not offer the fix fix would refuse
    check = run_cli(["check", "--no-cache", "-q", "."], project, monkeypatch)
    assert check.stdout == "extlink.py:1:6: D1 error: old is deprecated; import new\n" + f"real.py:1:6: {D1}\n"
    why = f"skipped: it is a symlink to a file outside the project ({outside}); fix that file where it lies"
    for args in (["--diff"], []):
        result = run_cli(["fix", "--no-cache", *args, "."], project, monkeypatch)
        assert result.exit_code == 1
        assert f"ssot-lint: warning: extlink.py: {why}\n" in result.stderr
        assert result.stderr.endswith(f"  extlink.py:1:6: D1 {why}\n")
    assert outside.read_text() == BEFORE
    assert (project / "real.py").read_text() == AFTER


def test_a_file_without_a_write_bit_is_left_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "project", FILES, RULES)
    os.chmod(project / "real.py", 0o444)  # root may write it anyway: the mode decides
    for args in (["--diff"], []):
        result = run_cli(["fix", "--no-cache", *args, "."], project, monkeypatch)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            "ssot-lint: warning: real.py: skipped: cannot write it: read-only\n"
            f"{'0 files would change, 0 findings would be fixed, 1 finding would be left' if args else '0 files changed, 0 findings fixed, 1 finding left'}:\n"
            "  real.py:1:6: D1 skipped: cannot write it: read-only\n"
        )
    assert (project / "real.py").read_text() == BEFORE
    assert stat.S_IMODE((project / "real.py").stat().st_mode) == 0o444


def test_a_hard_linked_file_is_left_with_its_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "project", FILES, RULES)
    copy = tmp_path / "store.py"  # another link to it, outside the project (a package store, a backup)
    os.link(project / "real.py", copy)
    result = run_cli(["fix", "--no-cache", "."], project, monkeypatch)
    why = "skipped: it has 2 hard links (writing it in place would change every linked copy, replacing it would split them)"
    assert (result.exit_code, result.stderr) == (
        1,
        f"ssot-lint: warning: real.py: {why}\n0 files changed, 0 findings fixed, 1 finding left:\n  real.py:1:6: D1 {why}\n",
    )
    assert (project / "real.py").stat().st_ino == copy.stat().st_ino
    assert (copy.read_text(), copy.stat().st_nlink) == (BEFORE, 2)


def test_write_atomic_refuses_a_read_only_or_hard_linked_file_even_when_it_became_so_late(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"before\n")
    path.chmod(0o400)
    with pytest.raises(NotWritable, match="^cannot write it: read-only$"):
        write_atomic(str(path), b"before\n", b"after\n")
    path.chmod(0o644)
    os.link(path, tmp_path / "b.py")
    with pytest.raises(NotWritable, match="^it has 2 hard links"):
        write_atomic(str(path), b"before\n", b"after\n")
    assert path.read_bytes() == b"before\n" and sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]


def vendored(tmp_path: Path) -> tuple[Path, Path]:
    """A project with ``vendlink`` -> a directory outside it holding ``mod.py`` (a deprecated import),
    and ``single.py`` -> a file in that directory."""
    project = write_project(tmp_path / "project", FILES, RULES)
    vend = tmp_path / "out" / "vend"
    vend.mkdir(parents=True)
    (vend / "mod.py").write_text(BEFORE)
    (vend / "single.py").write_text(BEFORE)
    os.symlink(vend, project / "vendlink")
    os.symlink(vend / "single.py", project / "single.py")
    return project, vend


def test_fix_never_writes_a_file_given_through_a_symlinked_directory_outside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, vend = vendored(tmp_path)
    why = f"skipped: it lies outside the project ({vend / 'mod.py'}); fix that file where it lies"
    shown = os.path.relpath(vend / "mod.py", project)
    check = run_cli(["check", "--no-cache", "-q", "vendlink/mod.py"], project, monkeypatch)
    assert (check.exit_code, check.stdout) == (1, f"{shown}:1:6: D1 error: old is deprecated; import new\n")  # read, but no [*]
    for args in (["--diff"], []):
        result = run_cli(["fix", "--no-cache", *args, "vendlink/mod.py"], project, monkeypatch)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"ssot-lint: warning: {shown}: {why}\n"
            f"{'0 files would change, 0 findings would be fixed, 1 finding would be left' if args else '0 files changed, 0 findings fixed, 1 finding left'}:\n"
            f"  {shown}:1:6: D1 {why}\n"
        )
    assert (vend / "mod.py").read_text() == BEFORE


def test_a_symlinked_directory_given_on_the_command_line_is_not_followed_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, vend = vendored(tmp_path)
    note = f"ssot-lint: warning: vendlink: a symlink to a directory outside the project ({vend}); symlinked directories are not followed: run ssot-lint in that directory's project\n"
    check = run_cli(["check", "--no-cache", "-q", "vendlink"], project, monkeypatch)
    assert (check.exit_code, check.stdout) == (0, "")
    assert check.stderr.startswith(note) and check.stderr.count("\n") == 2  # then: no files to check
    both = run_cli(["check", "--no-cache", "-q", "vendlink", "real.py"], project, monkeypatch)
    assert (both.exit_code, both.stdout, both.stderr) == (1, f"real.py:1:6: {D1}\n", note)
    fixed = run_cli(["fix", "--no-cache", "vendlink/", "real.py"], project, monkeypatch)
    assert (fixed.exit_code, fixed.stderr) == (0, note.replace("vendlink:", "vendlink/:") + "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert ((vend / "mod.py").read_text(), (project / "real.py").read_text()) == (BEFORE, AFTER)
    # a symlinked directory inside the project is the directory it names: checked, no note
    os.symlink("sub", project / "sublink")
    (project / "sub").mkdir()
    (project / "sub" / "a.py").write_text(BEFORE)
    inside = run_cli(["check", "--no-cache", "-q", "sublink"], project, monkeypatch)
    assert (inside.exit_code, inside.stdout, inside.stderr) == (1, f"sub/a.py:1:6: {D1}\n", "")


def test_stdin_refuses_what_fix_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, vend = vendored(tmp_path)
    (project / "ro.py").write_text(BEFORE)
    os.chmod(project / "ro.py", 0o444)
    (project / "hl.py").write_text(BEFORE)
    os.link(project / "hl.py", tmp_path / "store.py")
    reasons = {
        "single.py": f"it is a symlink to a file outside the project ({vend / 'single.py'}); fix that file where it lies",
        "vendlink/mod.py": f"it lies outside the project ({vend / 'mod.py'}); fix that file where it lies",
        "ro.py": "cannot write it: read-only",
        "hl.py": "it has 2 hard links (writing it in place would change every linked copy, replacing it would split them)",
    }
    monkeypatch.chdir(project)
    for name, why in reasons.items():
        outcome = CliRunner().invoke(main, ["fix", "--no-cache", "--stdin-filename", name, "-"], input=BEFORE.encode())
        if name.startswith("vendlink"):  # not a file of the project: given back as it came
            assert (outcome.exit_code, outcome.stdout) == (0, BEFORE)
            assert outcome.stderr.startswith(f"ssot-lint: note: {name} is not one of the project's files")
        else:
            assert (outcome.exit_code, outcome.stdout) == (1, BEFORE), name  # the text back unchanged
            assert outcome.stderr == (
                f"ssot-lint: warning: {name}: not fixed: {why}\n0 findings fixed, 1 finding left:\n  {name}:1:6: D1 not fixed: {why}\n"
            ), name
        # the language server's fixes go through the same function (a path that is none of the
        # project's files is left alone before any other question, as the CLI leaves it)
        refused = (
            why
            if not name.startswith("vendlink")
            else "not one of the project's files (outside its root, not included, excluded or ignored by git): not checked"
        )
        assert api.fix_source(name, BEFORE, config=project / "ssot-lint.toml") == api.SourceFixed(BEFORE, 0, refused), name
    fixed = api.fix_source("real.py", BEFORE, config=project / "ssot-lint.toml")
    assert (fixed.code, fixed.fixed, fixed.refused) == (AFTER, 1, "")
