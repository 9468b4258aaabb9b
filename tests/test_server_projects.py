"""Which saved files the server reloads its projects for (``Projects.reads``): the files loading
a project looked at, not what a later walk of the project lists."""

from __future__ import annotations

from pathlib import Path

from pygls.uris import from_fs_path

from ssot_lint.run.discovery import discover
from ssot_lint.server.projects import Projects
from tests.test_server_editor20 import DI1, project


def uri(path: Path) -> str:
    return from_fs_path(str(path)) or ""


def test_a_walk_of_the_project_after_loading_adds_no_file_its_config_reads(tmp_path: Path) -> None:
    root = project(tmp_path, DI1)
    (root / "docs").mkdir()
    (root / "docs/pyproject.toml").write_text('[project]\nname = "docs"\n')
    projects = Projects()
    loaded = projects.for_file(str(root / "pkg/app.py")).project
    assert loaded is not None
    # A buffer check verifying a fix walks the whole project with the project's config.
    assert len(discover([str(root)], loaded.config)) == 7
    assert not projects.reads([uri(root / "docs/pyproject.toml")])
    assert not projects.reads([uri(root / "pkg/app.py")])
    # What loading read still counts: the config, its rule file, the configs looked for on the way up.
    assert projects.reads([uri(root / "ssot-lint.toml")])
    assert projects.reads([uri(root / "rules.toml")])
    assert projects.reads([uri(root / "pkg/pyproject.toml")])
