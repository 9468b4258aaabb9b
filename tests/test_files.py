"""Reading files: decoding as Python does, every file accounted for, discovery and module names."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ssot_lint.analysis.parsing import SourceError, decode_declared, decode_source
from ssot_lint.config.settings import Config
from ssot_lint.run.discovery import discover
from tests.helpers import run_cli, write_project

RULE = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.pkg" = "new.pkg" }
"""


def report_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes], *args: str) -> dict:
    write_project(tmp_path, {}, RULE)
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    result = run_cli(["check", "-o", "json", "--no-cache", *args], tmp_path, monkeypatch)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def test_encodings_are_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "bom.py": b"\xef\xbb\xbfimport old.pkg\n",
        "latin1.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nimport old.pkg\n".encode("latin-1"),
        "crlf.py": b"x = 1\r\nimport old.pkg\r\n",
    }
    report = report_for(tmp_path, monkeypatch, files)
    assert [(f["path"], f["line"], f["col"]) for f in report["findings"]] == [("bom.py", 1, 8), ("crlf.py", 2, 8), ("latin1.py", 3, 8)]
    assert report["files"] == {"scanned": 3, "parse_errors": 0, "not_parsed": 0}


def test_undecodable_and_binary_files_are_findings_not_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "bad_utf8.py": b"import os\nx = '\xff'\nimport old.pkg\n",
        "bad_cookie.py": b"# coding: klingon\nimport old.pkg\n",
        "nul.py": b"import old.pkg\n\x00\n",
        "bad_latin1_cookie.py": b"\xef\xbb\xbf# coding: latin-1\nimport old.pkg\n",
        "ok.py": b"import os\n",
    }
    report = report_for(tmp_path, monkeypatch, files)
    got = [(f["path"], f["line"], f["rule"], f["message"][:31] if "encoding problem" in f["message"] else f["message"]) for f in report["findings"]]
    assert got == [
        ("bad_cookie.py", 1, "SSOT000", "cannot decode: unknown encoding: klingon"),
        ("bad_latin1_cookie.py", 1, "SSOT000", "cannot decode: encoding problem"),  # CPython's wording varies after this
        ("bad_utf8.py", 2, "SSOT000", "cannot decode as utf-8: invalid byte 0xff"),
        ("nul.py", 2, "SSOT000", "file contains NUL bytes (binary file?)"),
    ]
    assert report["files"] == {"scanned": 1, "parse_errors": 4, "not_parsed": 1}


def test_unreadable_file_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() == 0:
        target = tmp_path / "gone.py"
        (tmp_path).mkdir(exist_ok=True)
        os.symlink(tmp_path / "missing-target.py", target)  # root reads anything; a dangling link cannot be read
    else:
        target = tmp_path / "locked.py"
        target.write_text("import old.pkg\n")
        target.chmod(0)
    report = report_for(tmp_path, monkeypatch, {})
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [(target.name, "SSOT000")]
    assert report["findings"][0]["message"].startswith("cannot read file: ")
    assert report["files"] == {"scanned": 0, "parse_errors": 1, "not_parsed": 0}


def test_syntax_error_is_located_by_cpython(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = report_for(tmp_path, monkeypatch, {"broken.py": b"import old.pkg\n\ndef f(:\n    pass\n"})
    assert [(f["line"], f["col"], f["message"]) for f in report["findings"]] == [(3, 7, "syntax error: invalid syntax")]


def test_files_no_rule_could_match_are_counted_but_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.config.rulefile import load_rule_files
    from ssot_lint.model import FileRef

    write_project(tmp_path, {}, RULE)
    rules = load_rule_files([tmp_path / "rules.toml"]).rules
    assert not analyze_source(b"import os\n", FileRef("a.py", "a"), rules).parsed
    assert analyze_source(b"from old import pkg\n", FileRef("a.py", "a"), rules).parsed
    # The word alone is not enough: `import pkg` cannot import old.pkg (nor can `from x import pkg`).
    assert not analyze_source(b"import pkg\nfrom x import pkg\n", FileRef("a.py", "a"), rules).parsed
    assert analyze_source(b"from . import pkg\n", FileRef("old/a.py", "old.a"), rules).parsed
    report = report_for(tmp_path, monkeypatch, {"a.py": b"import os\n", "b.py": b"x = (\n"})
    assert report["files"] == {"scanned": 2, "parse_errors": 0, "not_parsed": 2}


def _config(root: Path, **values: object) -> Config:
    return Config(root=root, values=dict(values))


def test_discovery_respects_gitignore_include_and_exclude(tmp_path: Path) -> None:
    for name in ("a.py", "b.pyi", "c.txt", "gen/x.py", "keep/gen.py", "sub/.gitignore", "sub/skip.py", "sub/y.py", ".venv/lib.py", "dir.py/inner.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".gitignore").write_text("gen/\n")
    (tmp_path / "sub" / ".gitignore").write_text("skip.py\n")
    found = [f.ref.path for f in discover([str(tmp_path)], _config(tmp_path))]
    assert found == ["a.py", "b.pyi", "dir.py/inner.py", "keep/gen.py", "sub/y.py"]
    found = [f.ref.path for f in discover([str(tmp_path)], _config(tmp_path, **{"respect-gitignore": False, "extend-exclude": ["keep/"]}))]
    assert found == ["a.py", "b.pyi", "dir.py/inner.py", "gen/x.py", "sub/skip.py", "sub/y.py"]


def test_a_gitignore_line_git_cannot_use_is_skipped_as_git_skips_it(tmp_path: Path) -> None:
    # `git check-ignore` ignores a pattern ending in a lone backslash; pathspec raises on it (and
    # `re` on an empty range), which was an internal error ending the run; a POSIX class made
    # `re` warn on stderr. Such lines are skipped; the file's other lines still apply.
    for name in ("a.py", "gen/x.py", "b\\"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".gitignore").write_text("b\\\n[z-a]\n[[:alpha:]]\ngen/\n")
    assert [f.ref.path for f in discover([str(tmp_path)], _config(tmp_path))] == ["a.py"]


def test_git_info_exclude_is_honoured_like_gitignore(tmp_path: Path) -> None:
    # The repository's own exclude file: patterns relative to the work tree's top, below every
    # .gitignore (a .gitignore can re-include what it excludes), and off with respect-gitignore.
    repo = tmp_path / "repo"
    for name in ("project/a.py", "project/local/x.py", "project/scratch.py", "project/sub/scratch.py", "project/sub/keep/scratch.py"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("")
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("# git ls-files --others --exclude-from=.git/info/exclude\n/project/local/\nscratch.py\n")
    (repo / "project" / "sub" / "keep" / ".gitignore").write_text("!scratch.py\n")
    project = repo / "project"
    found = [f.ref.path for f in discover([str(project)], _config(project))]
    assert found == ["a.py", "sub/keep/scratch.py"]
    found = [f.ref.path for f in discover([str(project)], _config(project, **{"respect-gitignore": False}))]
    assert found == ["a.py", "local/x.py", "scratch.py", "sub/keep/scratch.py", "sub/scratch.py"]
    # A linked work tree (`git worktree add`): .git is a file naming its git directory, whose
    # `commondir` leads to the main repository, where info/exclude lives.
    linked = tmp_path / "linked"
    (linked / "scratch.py").parent.mkdir(parents=True)
    (linked / "scratch.py").write_text("")
    (linked / "a.py").write_text("")
    (repo / ".git" / "worktrees" / "linked").mkdir(parents=True)
    (repo / ".git" / "worktrees" / "linked" / "commondir").write_text("../..\n")
    (linked / ".git").write_text(f"gitdir: {repo / '.git' / 'worktrees' / 'linked'}\n")
    assert [f.ref.path for f in discover([str(linked)], _config(linked))] == ["a.py"]


def test_module_names_from_init_chains_and_src_roots(tmp_path: Path) -> None:
    for name in ("src/pkg/__init__.py", "src/pkg/sub/__init__.py", "src/pkg/sub/mod.py", "src/ns/mod.py", "top.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    auto = {f.ref.path: (f.ref.module, f.ref.is_package) for f in discover([str(tmp_path)], _config(tmp_path))}
    assert auto == {
        "src/ns/mod.py": ("src.ns.mod", False),  # the project root is on the path: src and ns are namespace packages
        "src/pkg/__init__.py": ("pkg", True),
        "src/pkg/sub/__init__.py": ("pkg.sub", True),
        "src/pkg/sub/mod.py": ("pkg.sub.mod", False),
        "top.py": ("top", False),
    }
    configured = {f.ref.path: f.ref.module for f in discover([str(tmp_path)], _config(tmp_path, src=["src"]))}
    assert configured["src/ns/mod.py"] == "ns.mod"  # a namespace package, named through the source root
    assert configured["top.py"] == "top"


def test_explicit_files_are_checked_and_exclusions_still_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"script": "import old.pkg\n", "build/x.py": "import old.pkg\n"}, RULE)
    result = run_cli(["check", "-o", "json", "--no-cache", "script", "build/x.py"], tmp_path, monkeypatch)
    assert [f["path"] for f in result.json()["findings"]] == ["script"]


def test_check_syntax_parses_every_file_and_the_report_counts_those_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Rules parse what they read: a syntax error in a file no rule reads, or far from what one
    # reads, is not reported, and the report says how many files were not parsed in full.
    files = {
        "a.py": b"import old.pkg\n",  # read and parsed whole (it yields a finding)
        "quiet.py": b"x = 1\n",  # no rule reads it
        "broken_elsewhere.py": b"def f(:\n    pass\n",  # no rule reads it: its error is not seen
        "far.py": b"import new.pkg\n" + b"".join(b"x%d = %d\n" % (i, i) for i in range(40)) + b"def g(:\n    pass\n",  # only the import is read
    }
    plain = report_for(tmp_path, monkeypatch, files)
    assert plain["files"] == {"scanned": 4, "parse_errors": 0, "not_parsed": 3}
    assert [(f["path"], f["rule"]) for f in plain["findings"]] == [("a.py", "D1")]
    text = run_cli(["check", "--no-cache"], tmp_path, monkeypatch).stdout.splitlines()[-1]
    assert text == "4 files scanned, 0 parse errors, 1 finding; 3 files not parsed in full, as no rule reads all of them (--check-syntax parses every file)"
    # --check-syntax: every file in scope parsed whole, independent of the rules loaded.
    full = report_for(tmp_path, monkeypatch, files, "--check-syntax")
    assert full["files"] == {"scanned": 2, "parse_errors": 2, "not_parsed": 0}
    assert [(f["path"], f["line"], f["col"], f["rule"], f["message"]) for f in full["findings"]] == [
        ("a.py", 1, 8, "D1", "old.pkg is deprecated; import new.pkg"),
        ("broken_elsewhere.py", 1, 7, "SSOT000", "syntax error: invalid syntax"),
        ("far.py", 42, 7, "SSOT000", "syntax error: invalid syntax"),
    ]
    text = run_cli(["check", "--no-cache", "--check-syntax"], tmp_path, monkeypatch).stdout.splitlines()[-1]
    assert text == "2 files scanned, 2 parse errors, 3 findings"
    # The flag is part of each file's cache key: a cached run without it does not answer for it.
    assert run_cli(["check", "-o", "json"], tmp_path, monkeypatch).json()["files"]["parse_errors"] == 0
    assert run_cli(["check", "-o", "json", "--check-syntax"], tmp_path, monkeypatch).json()["files"]["parse_errors"] == 2
    assert run_cli(["check", "-o", "json"], tmp_path, monkeypatch).json()["files"]["parse_errors"] == 0


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\n",
        b"x = '\xc3\xa9'\n",
        b"\xef\xbb\xbfx = '\xc3\xa9'\n",  # a BOM
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
        b"#!/usr/bin/env python\n# coding: cp1252\nx = '\x80'\n",
        b"x = 1\n# coding: latin-1\nx = '\xe9'\n",  # a cookie on the second line of code: not one
        b"x = 1\ny = 2\n# coding: latin-1\nz = '\xe9'\n",  # on the third line: not one
        b"x = '\xe9'\n",  # not UTF-8 on the first line
        b"x = 1\ny = 2\nz = '\xff'\n",  # not UTF-8 further down
        b"\xef\xbb\xbf# coding: latin-1\n",  # a BOM and another cookie
        b"# coding: utf-16\nx = 1\n",
        b"# coding: rot13\n",
        b"# coding: no-such-codec\n",
        b"# coding: unicode_escape\nx = '\\ud800'\n",  # decodes to a lone surrogate
        b"x = '\xed\xa0\x80'\n",  # an encoded surrogate, which UTF-8 refuses
        b"",
        b"no line break",
        b"\n\n\n",
    ],
)
def test_the_utf8_shortcut_decodes_as_the_declared_encoding_does(data: bytes) -> None:
    def outcome(decode: Callable[[bytes], str]) -> tuple[str, str | None]:
        try:
            return "text", decode(data)
        except SourceError as error:
            return "error", f"{error.line}: {error.reason}"

    assert outcome(decode_source) == outcome(decode_declared)
