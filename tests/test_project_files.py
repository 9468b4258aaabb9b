"""The project's files for one-file API calls (an editor's buffers) are walked once and reused
while nothing the walk looked at changes: a file added, removed or renamed, or a ``.gitignore``
edited, makes the next call walk again, so a buffer is never judged against a stale project."""

from __future__ import annotations

import os
import time
from pathlib import Path

import ssot_lint
from ssot_lint.config.settings import load_config
from ssot_lint.run.project_files import project_files
from tests.helpers import write_project

RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.mod" = "new.mod" }\n'


def settle() -> None:
    time.sleep(0.25)  # past the window in which a change could hide behind an equal timestamp


def modules(config) -> list[str]:  # type: ignore[no-untyped-def]
    return [source.ref.module for source in project_files(config).files]


def test_the_walk_is_reused_until_a_file_is_added_removed_or_ignored(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": ""}, RULES)
    settle()
    config = load_config(tmp_path / "ssot-lint.toml")
    first = project_files(config)
    assert project_files(config) is first  # nothing changed: the same walk
    assert modules(config) == ["pkg", "pkg.a"]
    (tmp_path / "pkg" / "b.py").write_text("")
    assert modules(config) == ["pkg", "pkg.a", "pkg.b"]
    settle()
    (tmp_path / "pkg" / "a.py").unlink()
    assert modules(config) == ["pkg", "pkg.b"]
    settle()
    (tmp_path / ".gitignore").write_text("pkg/b.py\n")
    assert modules(config) == ["pkg"]
    settle()
    assert project_files(config) is project_files(config)


def test_a_walk_of_files_changed_just_now_is_not_kept(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/__init__.py": ""}, RULES)
    # Stamped later than the walk starts, whatever the machine's load: always "just now".
    future = time.time_ns() + 60_000_000_000
    os.utime(tmp_path / "pkg", ns=(future, future))
    config = load_config(tmp_path / "ssot-lint.toml")
    assert project_files(config) is not project_files(config)  # too recent to trust a timestamp


def test_check_source_sees_a_replacement_created_between_two_calls(tmp_path: Path) -> None:
    write_project(tmp_path, {"old/__init__.py": "", "old/mod.py": "class X: ...\n", "new/__init__.py": ""}, RULES)
    settle()
    project = ssot_lint.load_project(tmp_path / "ssot-lint.toml")
    buffer = "from old.mod import X\n"
    [before] = ssot_lint.check_source(tmp_path / "app.py", buffer, config=project)
    assert before.applicability == ""  # new.mod does not exist: not fixable
    (tmp_path / "new" / "mod.py").write_text("class X: ...\n")
    (tmp_path / "old" / "mod.py").write_text("from new.mod import X\n")
    [after] = ssot_lint.check_source(tmp_path / "app.py", buffer, config=project)
    assert after.applicability == "safe"


def test_a_config_changed_in_place_walks_again(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": ""}, RULES)
    settle()
    config = load_config(tmp_path / "ssot-lint.toml")
    assert modules(config) == ["pkg", "pkg.a"]
    config.values["extend-exclude"] = ["pkg/a.py"]  # an API caller's Config is mutable
    assert modules(config) == ["pkg"]
