"""``pytest --ssot`` run from a subfolder (review28b 03, networkx): a failing rule lists its
findings with paths as ``ssot-lint check`` prints them from the same folder, and every ssot
item's node id, as pytest prints it, can be given back to pytest to run that item alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project
from tests.test_pytest_plugin import outcomes, section

pytest_plugins = ["pytester"]

RULES = """
[[rule]]
id = "R1"
kind = "deprecated-import"
replace = { "pkg.old" = "pkg.new" }

[[rule]]
id = "R2"
kind = "deprecated-import"
replace = { "pkg.older" = "pkg.new" }
"""

FILES = {
    "pkg/__init__.py": "",
    "pkg/old.py": "",
    "pkg/new.py": "",
    "pkg/sub/__init__.py": "",
    "pkg/sub/user.py": "from pkg.old import x\n",
    "pkg/sub/tests/test_a.py": "def test_ok():\n    assert True\n",
}

R1_FAILURE_FROM_SUB = ["R1 (deprecated-import, error): count 1, max -", "user.py:1:6: R1 error: pkg.old is deprecated; import pkg.new"]


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    return write_project(pytester.path, FILES, RULES)


def test_from_a_subfolder_the_failure_shows_paths_as_check_prints_them_there(pytester: pytest.Pytester, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = project / "pkg" / "sub"
    check = run_cli(["check", "-q", "--no-cache"], sub, monkeypatch)
    assert check.stdout.splitlines()[0] == R1_FAILURE_FROM_SUB[1]
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider", "tests")
    assert outcomes(result) == {"passed": 3, "failed": 1}
    assert section(result.stdout.str(), "ssot-lint R1") == R1_FAILURE_FROM_SUB
    # pytest's own summary names the item from here too: a path that exists from this folder.
    result.stdout.fnmatch_lines(["FAILED ../../rules.toml::R1 - R1 (deprecated-import, error): count 1, max -"])


def test_from_a_subfolder_the_printed_node_id_runs_that_item_alone(pytester: pytest.Pytester, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No pytest ini file: pytest's rootdir is the subfolder, and the rule file lies outside it.
    monkeypatch.chdir(project / "pkg" / "sub")
    result = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", "../../rules.toml::R1")
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["../../rules.toml::R1 FAILED*"])
    assert section(result.stdout.str(), "ssot-lint R1") == R1_FAILURE_FROM_SUB
    # With a pytest ini file at the project root (rootdir there), from the same subfolder.
    (project / "pytest.ini").write_text("[pytest]\n")
    result = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", "tests")
    result.stdout.fnmatch_lines(
        ["../../rules.toml::R1 FAILED*", "../../rules.toml::R2 PASSED*", "../../ssot-lint.toml::SSOT000 PASSED*", "tests/test_a.py::test_ok PASSED*"]
    )
    again = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", "../../rules.toml::R1")
    assert outcomes(again) == {"failed": 1}
    assert section(again.stdout.str(), "ssot-lint R1") == R1_FAILURE_FROM_SUB


def test_from_the_root_a_rule_file_or_an_item_given_to_pytest_runs_only_those(pytester: pytest.Pytester, project: Path) -> None:
    one = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", "rules.toml::R1")
    assert outcomes(one) == {"failed": 1}
    one.stdout.fnmatch_lines(["rules.toml::R1 FAILED*"])
    assert section(one.stdout.str(), "ssot-lint R1")[1] == "pkg/sub/user.py:1:6: R1 error: pkg.old is deprecated; import pkg.new"
    whole_file = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", "rules.toml")
    assert outcomes(whole_file) == {"failed": 1, "passed": 1}
    whole_file.stdout.fnmatch_lines(["rules.toml::R1 FAILED*", "rules.toml::R2 PASSED*"])
    parse = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", "ssot-lint.toml::SSOT000", "pkg/sub/tests")
    assert outcomes(parse) == {"passed": 2}
    parse.stdout.fnmatch_lines(["ssot-lint.toml::SSOT000 PASSED*", "pkg/sub/tests/test_a.py::test_ok PASSED*"])
    # Without --ssot the plugin is off and the rule file is no test file.
    off = pytester.runpytest("-p", "no:cacheprovider", "rules.toml::R1")
    assert off.ret == pytest.ExitCode.USAGE_ERROR
    assert off.stderr.lines[0] == f"ERROR: not found: {project / 'rules.toml'}::R1"


def test_a_walk_over_the_rule_files_collects_each_item_once_ahead_of_the_tests(pytester: pytest.Pytester, project: Path) -> None:
    # pytest given the root itself walks into rules.toml and ssot-lint.toml.
    result = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider", ".")
    assert outcomes(result) == {"passed": 3, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "*collected 4 items",
            "rules.toml::R1 FAILED*",
            "rules.toml::R2 PASSED*",
            "ssot-lint.toml::SSOT000 PASSED*",
            "pkg/sub/tests/test_a.py::test_ok PASSED*",
        ]
    )
    assert outcomes(pytester.runpytest("--ssot", "-p", "no:cacheprovider", ".", "-k", "R2")) == {"passed": 1, "deselected": 3}
