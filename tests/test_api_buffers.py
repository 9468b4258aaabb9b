"""The API for editors: checking with unsaved buffers in place of files, a buffer against the
baseline, fixing a buffer, which files the project covers, a rule's explanation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ssot_lint
from ssot_lint.api import absolute_path, source_bytes
from tests.helpers import run_cli, sample_project

# The package re-exports websocket_manager's class: its rewrite is a safe fix.
DEPRECATED = "from netra_backend.app.websocket_core import WebSocketManager\n"
CANONICAL = "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager\n"
SERVICE = "netra_backend/app/services/agent_service.py"


def ws_findings(result: ssot_lint.CheckResult, rule: str) -> list[tuple[str, int, int]]:
    return [(f.path, f.line, f.col) for f in result.findings if f.rule_id == rule]


def test_buffers_replace_the_files_on_disk_and_add_unsaved_ones(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    config = project / "ssot-lint.toml"
    on_disk = ssot_lint.check(config=config, cache=False)
    assert (SERVICE, 13, 66) in ws_findings(on_disk, "WS002")
    assert on_disk.counts()["WS002"] == 7
    before = (project / SERVICE).read_bytes()

    # The buffer of agent_service.py has lost its deprecated import; new.py exists only in the editor.
    edited = before.decode().replace("    from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n", "    pass\n")
    buffers = {project / SERVICE: edited, project / "netra_backend/app/services/new.py": "\n" + DEPRECATED}
    result = ssot_lint.check(config=config, cache=False, buffers=buffers)
    assert (SERVICE, 13, 66) not in ws_findings(result, "WS002")
    assert ("netra_backend/app/services/new.py", 2, 46) in ws_findings(result, "WS002")
    assert result.counts()["WS002"] == 7  # one gone, one new
    assert result.report.stats["buffers"] == 2
    assert (project / SERVICE).read_bytes() == before  # nothing written
    assert not (project / "netra_backend/app/services/new.py").exists()


def test_a_buffer_outside_the_checked_scope_is_not_added(tmp_path: Path) -> None:
    project = sample_project(tmp_path, extra_config='extend-exclude = ["netra_backend/scratch/"]\n')
    config = project / "ssot-lint.toml"
    buffers = {project / "netra_backend/scratch/new.py": DEPRECATED, tmp_path / "elsewhere.py": DEPRECATED}
    result = ssot_lint.check(config=config, cache=False, buffers=buffers)
    assert result.counts()["WS002"] == 7
    assert not any("new.py" in f.path or "elsewhere" in f.path for f in result.findings)


def test_buffers_use_the_result_cache_by_content(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    config = project / "ssot-lint.toml"
    buffers = {project / "netra_backend/app/services/new.py": DEPRECATED}
    first = ssot_lint.check(config=config, buffers=buffers)
    second = ssot_lint.check(config=config, buffers=buffers)
    assert first.counts() == second.counts()
    assert (first.report.stats["buffers"], first.report.stats["analyzed"]) == (1, 21)
    assert (second.report.stats["from_cache"], second.report.stats["analyzed"]) == (21, 0)  # the buffer's result too
    edited = ssot_lint.check(config=config, buffers={project / "netra_backend/app/services/new.py": "\n" + DEPRECATED})
    assert (edited.report.stats["from_cache"], edited.report.stats["analyzed"]) == (20, 1)


def test_check_source_applies_the_baseline_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(tmp_path)
    assert run_cli(["baseline", "--no-cache"], project, monkeypatch).exit_code == 0
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    text = (project / SERVICE).read_text()
    everything = ssot_lint.check_source(project / SERVICE, text, config=loaded)
    assert [(f.rule_id, f.line) for f in everything] == [("WS002", 13), ("WS003", 29), ("WS003", 38), ("WS003", 42)]
    assert ssot_lint.check_source(project / SERVICE, text, config=loaded, baseline=True) == []
    # A new violation above the baselined ones: only it is reported, and lines moving keep the rest baselined.
    added = ssot_lint.check_source(project / SERVICE, "from netra_backend.app.websocket_core import WebSocketManager\n" + text, config=loaded, baseline=True)
    assert [(f.rule_id, f.line, f.col) for f in added] == [("WS002", 1, 46)]


def test_fix_source_returns_the_fixed_text_and_writes_nothing(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    path = project / "netra_backend/app/services/new.py"
    fixed = ssot_lint.fix_source(path, "import os\n" + DEPRECATED, config=loaded)
    assert (fixed.code, fixed.fixed, fixed.refused) == ("import os\n" + CANONICAL, 1, "")
    assert not path.exists()
    as_bytes = ssot_lint.fix_source(path, DEPRECATED.encode(), config=loaded)
    assert as_bytes.code == CANONICAL.encode()
    untouched = ssot_lint.fix_source(path, "import os\n", config=loaded)
    assert (untouched.code, untouched.fixed) == ("import os\n", 0)
    only_events = ssot_lint.fix_source(path, DEPRECATED, config=loaded, select=["WS003"])
    assert (only_events.code, only_events.fixed) == (DEPRECATED, 0)
    # A text that does not compile is never "fixed" into another one.
    broken = DEPRECATED + "x = (\n"
    assert ssot_lint.fix_source(path, broken, config=loaded).code == broken


def test_a_buffer_is_encoded_as_its_coding_cookie_says() -> None:
    latin = "# -*- coding: latin-1 -*-\ns = 'café'\n"
    assert source_bytes(latin) == latin.encode("latin-1")
    assert source_bytes("s = 'café'\n") == "s = 'café'\n".encode()
    assert source_bytes("# coding: ascii\ns = 'café'\n") == "# coding: ascii\ns = 'café'\n".encode()  # cannot be ascii: kept as UTF-8
    assert source_bytes(b"\xff") == b"\xff"


LATIN = "# -*- coding: latin-1 -*-\n"


def test_a_text_its_coding_cookie_cannot_encode_is_one_parse_error_and_never_fixed(tmp_path: Path) -> None:
    # review17a 05: the text was encoded as UTF-8 and read back as latin-1, so the fix of the
    # import also rewrote '€' into three characters (and the finding's column was off by two).
    project = sample_project(tmp_path)
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    path = project / "netra_backend/app/services/new.py"
    text = LATIN + "s = '€'\n" + DEPRECATED
    found = ssot_lint.check_source(path, text, config=loaded)
    assert [(f.rule_id, f.line, f.col, f.message) for f in found] == [
        ("SSOT000", 2, 6, "cannot encode as iso-8859-1, as its coding cookie declares: '€' (U+20AC)")
    ]
    fixed = ssot_lint.fix_source(path, text, config=loaded)
    assert (fixed.code, fixed.fixed, fixed.refused) == (text, 0, "line 2: cannot encode as iso-8859-1, as its coding cookie declares: '€' (U+20AC)")
    # What latin-1 can encode is checked and fixed as before, only the import changing.
    fine = LATIN + "s = 'café'\n" + DEPRECATED
    assert [(f.rule_id, f.line, f.col) for f in ssot_lint.check_source(path, fine, config=loaded)] == [("WS002", 3, 46)]
    assert ssot_lint.fix_source(path, fine, config=loaded).code == LATIN + "s = 'café'\n" + CANONICAL


def test_a_lone_surrogate_is_its_buffer_s_parse_error_and_spoils_no_other_check(tmp_path: Path) -> None:
    # review17a 04: a pasted half of a surrogate pair raised UnicodeEncodeError in every check of
    # the project while the buffer was open (it is one of the others' `buffers`).
    project = sample_project(tmp_path)
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    bad = project / "netra_backend/app/services/bad.py"
    path = project / "netra_backend/app/services/new.py"
    surrogate = "x = 1\ns = '\ud800'\n"
    found = ssot_lint.check_source(bad, surrogate, config=loaded)
    assert [(f.rule_id, f.line, f.col, f.message) for f in found] == [("SSOT000", 2, 6, "cannot encode as utf-8: a lone surrogate (U+D800)")]
    assert ssot_lint.fix_source(bad, surrogate + DEPRECATED, config=loaded).refused == "line 2: cannot encode as utf-8: a lone surrogate (U+D800)"
    others = {bad: surrogate}
    assert [(f.rule_id, f.line, f.applicability) for f in ssot_lint.check_source(path, DEPRECATED, config=loaded, buffers=others)] == [("WS002", 1, "safe")]
    assert ssot_lint.fix_source(path, DEPRECATED, config=loaded, buffers=others).code == CANONICAL
    with_it = ssot_lint.check(config=loaded, cache=False, buffers=others)
    assert [(f.line, f.message) for f in with_it.findings if f.path.endswith("bad.py")] == [(2, "cannot decode as utf-8: invalid byte 0xed")]


def test_a_fixed_text_keeps_its_byte_order_mark(tmp_path: Path) -> None:
    # review17a 07: the fixed text lost a leading U+FEFF, which `fix` on the file keeps.
    project = sample_project(tmp_path)
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    path = project / "netra_backend/app/services/new.py"
    assert ssot_lint.fix_source(path, "\ufeff" + DEPRECATED, config=loaded).code == "\ufeff" + CANONICAL


def test_project_includes_what_a_walk_of_the_root_covers(tmp_path: Path) -> None:
    project = sample_project(tmp_path, extra_config='extend-exclude = ["netra_backend/tests/"]\n')
    (project / ".gitignore").write_text("generated/\n")
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    assert loaded.includes(project / SERVICE)
    assert loaded.includes(project / "netra_backend/app/not_yet_saved.py")
    assert not loaded.includes(project / "netra_backend/tests/test_agent_events.py")  # excluded
    assert not loaded.includes(project / "generated/models.py")  # gitignored directory
    assert not loaded.includes(project / "notes.txt")  # not included
    assert not loaded.includes(tmp_path / "outside.py")
    assert not loaded.includes(project / ".venv/lib/site.py")


def test_paths_through_a_symlinked_directory_name_the_same_file(tmp_path: Path) -> None:
    project = sample_project(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(project, target_is_directory=True)
    assert absolute_path(link / SERVICE) == str(project / SERVICE)
    loaded = ssot_lint.load_project(project / "ssot-lint.toml")
    findings = ssot_lint.check_source(link / SERVICE, (project / SERVICE).read_text(), config=loaded)
    assert {f.path for f in findings} == {SERVICE}
    result = ssot_lint.check(config=loaded, cache=False, buffers={link / SERVICE: ""})
    assert SERVICE not in {f.path for f in result.findings}


def test_explain_gives_the_rule_in_full_or_a_clear_error(tmp_path: Path) -> None:
    loaded = ssot_lint.load_project(sample_project(tmp_path) / "ssot-lint.toml")
    text = loaded.explain("WS002")
    assert text.startswith("WS002 (deprecated-import, error)\ndefined at ")
    assert "kind deprecated-import:" in text
    with pytest.raises(ssot_lint.ConfigError, match="no loaded rule has id 'NOPE'"):
        loaded.explain("NOPE")


def test_absolute_path_keeps_a_symlinked_file_as_named(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text("")
    (tmp_path / "alias.py").symlink_to(target)
    assert absolute_path(tmp_path / "alias.py") == os.path.join(os.path.realpath(tmp_path), "alias.py")
