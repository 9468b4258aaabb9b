"""The pytest plugin (``pytest --ssot``), run by pytest's own ``pytester`` on a generated project:
one item per rule with exact counts, the baseline, switching it on and off, the result cache,
config errors, and the docs' three-line test over the API."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli, write_project

pytest_plugins = ["pytester"]

RULES = """
[[rule]]
id = "MGR001"
kind = "single-implementation"
message = "{name} is one of {count} managers (max {max})"
name = "Manager$"
canonical = ["app.core:Manager"]

[[rule]]
id = "IMP001"
kind = "deprecated-import"
message = "{target} is deprecated; import {replacement}"
replace = { "app.legacy" = "app.core" }

[[rule]]
id = "IMP002"
kind = "deprecated-import"
replace = { "app.older" = "app.core" }
"""

FILES = {
    "app/__init__.py": "",
    "app/core.py": "class Manager: ...\n",
    "app/legacy.py": "class LegacyManager: ...\n",
    "app/other.py": "class OtherManager: ...\n",
    "app/users.py": "import os\nfrom app.legacy import LegacyManager\nfrom app.legacy import thing\n",
    "app/broken.py": "from app.legacy import x\ndef f(:\n",
    "tests/test_plain.py": "def test_plain():\n    assert True\n",
}


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    root = write_project(pytester.path, FILES, RULES)
    (root / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    return root


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {k: v for k, v in result.parseoutcomes().items() if k in ("passed", "failed", "deselected", "errors")}


def test_one_failing_item_per_violated_rule_with_exact_counts(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider")
    assert outcomes(result) == {"passed": 2, "failed": 3}
    result.stdout.fnmatch_lines(
        [
            "*collected 5 items",
            "rules.toml::MGR001 FAILED*",
            "rules.toml::IMP001 FAILED*",
            "rules.toml::IMP002 PASSED*",
            "ssot-lint.toml::SSOT000 FAILED*",
            "tests/test_plain.py::test_plain PASSED*",
        ]
    )
    text = result.stdout.str()
    assert section(text, "ssot-lint MGR001") == [
        "MGR001 (single-implementation, error): count 3, max 1",
        "app/legacy.py:1:7: MGR001 error: LegacyManager is one of 3 managers (max 1)",
        "app/other.py:1:7: MGR001 error: OtherManager is one of 3 managers (max 1)",
    ]
    assert section(text, "ssot-lint IMP001") == [
        "IMP001 (deprecated-import, error): count 2, max -",
        "app/users.py:2:6: IMP001 error: app.legacy is deprecated; import app.core",
        "app/users.py:3:6: IMP001 error: app.legacy is deprecated; import app.core",
    ]
    assert section(text, "ssot-lint SSOT000 (files that could not be analyzed)") == [
        "SSOT000: 1 file could not be analyzed",
        "app/broken.py:2:7: SSOT000 error: syntax error: invalid syntax",
    ]
    result.stdout.fnmatch_lines(["ssot-lint: 7 files, 0 from the result cache, 7 analyzed; 5 findings"])


def section(text: str, title: str) -> list[str]:
    """The lines of one failure section (under its ``____ title ____`` header)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"_+ {re.escape(title)} _+", line))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("_", "=", "ssot-lint: ")))
    return lines[start + 1 : end]


def test_the_baseline_makes_the_items_pass_and_only_new_findings_fail(pytester: pytest.Pytester, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(["baseline"], project, monkeypatch).exit_code == 0
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    assert outcomes(result) == {"passed": 5}
    result.stdout.fnmatch_lines(["ssot-lint: 7 files, * from the result cache, * analyzed; 0 new findings, 5 baselined"])

    (project / "app/more.py").write_text("from app.legacy import other\n")
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    assert outcomes(result) == {"passed": 4, "failed": 1}
    assert section(result.stdout.str(), "ssot-lint IMP001") == [
        "IMP001 (deprecated-import, error): count 3, max -, 2 baselined, 1 new",
        "app/more.py:1:6: IMP001 error: app.legacy is deprecated; import app.core",
    ]
    # A fourth manager breaks the ceiling the baseline recorded (3): the rule fails on its count.
    (project / "app/fourth.py").write_text("class FourthManager: ...\n")
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider", "-k", "MGR001")
    lines = section(result.stdout.str(), "ssot-lint MGR001")
    assert lines[0] == "MGR001 (single-implementation, error): count 4, max 1, 2 baselined, 1 new"
    assert lines[-1] == "MGR001: 4 found, more than the 3 that .ssot-baseline.json allows (max 1); counts may only go down"


def test_off_unless_asked_on_by_ini_and_disabled_by_no_ssot(pytester: pytest.Pytester, project: Path) -> None:
    assert outcomes(pytester.runpytest("-p", "no:cacheprovider")) == {"passed": 1}
    (project / "pytest.ini").write_text("[pytest]\ntestpaths = tests\nssot = true\n")
    assert outcomes(pytester.runpytest("-p", "no:cacheprovider")) == {"passed": 2, "failed": 3}
    assert outcomes(pytester.runpytest("-p", "no:cacheprovider", "-m", "not ssot")) == {"passed": 1, "deselected": 4}
    disabled = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:ssot")
    assert outcomes(disabled) == {"passed": 1}
    # (pytest's warning about the ini's `ssot` key names where pytest is installed: in a clone
    # named ssot-lint, that path says ssot-lint too)
    shown = [line for line in disabled.stdout.lines if "ssot-lint" in line.replace("ssot-lint.toml", "") and "_pytest" not in line]
    assert shown == []


def test_the_second_run_reads_the_result_cache(pytester: pytest.Pytester, project: Path) -> None:
    first = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    first.stdout.fnmatch_lines(["ssot-lint: 7 files, 0 from the result cache, 7 analyzed; 5 findings"])
    second = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    second.stdout.fnmatch_lines(["ssot-lint: 7 files, 7 from the result cache, 0 analyzed; 5 findings"])
    assert outcomes(second) == outcomes(first) == {"passed": 2, "failed": 3}
    (project / "app/users.py").write_text("import os\n")
    third = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    third.stdout.fnmatch_lines(["ssot-lint: 7 files, 6 from the result cache, 1 analyzed; 3 findings"])
    for name in ("legacy", "other"):
        (project / f"app/{name}.py").write_text("x = 1\n")
    fourth = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    fourth.stdout.fnmatch_lines(["ssot-lint: 7 files, 5 from the result cache, 2 analyzed; 1 finding"])


def test_a_broken_rule_file_is_one_failing_item_and_the_tests_still_run(pytester: pytest.Pytester, project: Path) -> None:
    (project / "rules.toml").write_text(RULES.replace('kind = "deprecated-import"\nmessage', 'kind = "deprecated-imports"\nmessage'))
    result = pytester.runpytest("--ssot", "-v", "-p", "no:cacheprovider")
    assert outcomes(result) == {"passed": 1, "failed": 1}
    result.stdout.fnmatch_lines(["ssot-lint::config FAILED*", "tests/test_plain.py::test_plain PASSED*"])
    lines = section(result.stdout.str(), "ssot-lint config")
    assert len(lines) == 1 and lines[0].startswith("rules.toml:11: rule IMP001: unknown kind 'deprecated-imports' (known: ")
    assert "Traceback" not in result.stdout.str()


def test_a_config_given_on_the_command_line_or_in_the_ini_file(pytester: pytest.Pytester, project: Path) -> None:
    (project / "ssot-lint.toml").rename(project / "lint.toml")
    missing = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    assert outcomes(missing) == {"passed": 1, "failed": 1}
    assert section(missing.stdout.str(), "ssot-lint config")[0].endswith("no rules loaded: set 'rule-files' in the ssot-lint config")
    assert outcomes(pytester.runpytest("--ssot", "--ssot-config", "lint.toml", "-p", "no:cacheprovider")) == {"passed": 2, "failed": 3}
    # A path typed on the command line that is not there: a usage error, as pytest's own `-c`.
    typo = pytester.runpytest("--ssot", "--ssot-config", "lint.tmol", "-p", "no:cacheprovider")
    assert typo.ret == pytest.ExitCode.USAGE_ERROR
    assert "ERROR: --ssot-config lint.tmol: no such file" in typo.stderr.lines and "Traceback" not in typo.stderr.str()
    (project / "pytest.ini").write_text("[pytest]\ntestpaths = tests\nssot = true\nssot_config = lint.toml\n")
    assert outcomes(pytester.runpytest("-p", "no:cacheprovider")) == {"passed": 2, "failed": 3}
    # The same in the ini file, and an ini value that is no boolean: one line naming the option.
    for ini, error in (
        ("ssot = true\nssot_config = lint.tmol", "ERROR: ini option ssot_config = lint.tmol (relative to the ini file's directory): no such file"),
        ("ssot = maybe", "ERROR: ini option ssot = maybe: must be true or false"),
    ):
        (project / "pytest.ini").write_text(f"[pytest]\ntestpaths = tests\n{ini}\n")
        wrong = pytester.runpytest("-p", "no:cacheprovider")
        assert wrong.ret == pytest.ExitCode.USAGE_ERROR and error in wrong.stderr.lines and "Traceback" not in wrong.stderr.str()


def test_the_docs_three_line_test_runs_against_the_api(pytester: pytest.Pytester) -> None:
    """docs/pytest.md's test over the API, on the shipped sample (3 WebSocket managers, max 1)."""
    block = re.search(r"```python\n(.*?)```", (REPO / "docs" / "pytest.md").read_text(), re.S)
    assert block is not None
    code = textwrap.dedent(block.group(1))
    assert len([line for line in code.splitlines() if line.strip()]) == 3
    write_project(pytester.path, {"tests/test_ssot.py": code})
    pytester.copy_example(str(REPO / "fixtures"))  # the sample codebase
    (pytester.path / "rules").mkdir()
    (pytester.path / "rules" / "websocket-ssot.toml").write_text((REPO / "rules" / "websocket-ssot.toml").read_text())
    (pytester.path / "ssot-lint.toml").write_text('rule-files = ["rules/*.toml"]\n')
    result = pytester.runpytest("tests", "-p", "no:cacheprovider")
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["*assert 3 <= 1*"])
    (pytester.path / "netra_backend/app/websocket_core/handlers.py").write_text("")
    (pytester.path / "netra_backend/app/websocket_core/unified_manager.py").write_text("")
    assert outcomes(pytester.runpytest("tests", "-p", "no:cacheprovider")) == {"passed": 1}


def test_check_source_and_the_plugin_report_the_applicability_check_does(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssot_lint import api
    from tests.test_fix_safety import EVENT_RULES, PROJECT, rules

    # One file: a verified import rewrite (safe), one the replacement lacks the name for (no
    # fix), and an event whose reshaping is unsafe.
    app = 'from old.mod import A\nfrom old.mod import Factory\nEVENT = {"type": "agent_started", "user_id": 1, "agent": "x"}\n'
    root = write_project(pytester.path, {**PROJECT, "app.py": app}, rules('"old.mod" = "new.mod"') + EVENT_RULES)
    report = run_cli(["check", "--no-cache", "-o", "json", "app.py"], root, monkeypatch).json()
    expected = [(1, 6, "D1", "safe"), (2, 6, "D1", None), (3, 9, "EV1", "unsafe")]
    assert [(f["line"], f["col"], f["rule"], f["applicability"]) for f in report["findings"]] == expected
    buffer = api.check_source("app.py", app, config=root / "ssot-lint.toml")
    assert [(f.line, f.col, f.rule_id, f.applicability or None) for f in buffer] == expected
    text = run_cli(["check", "--no-cache", "app.py"], root, monkeypatch).stdout.splitlines()
    assert text[:3] == [
        "app.py:1:6: D1 [*] error: old.mod is deprecated; import new.mod",
        "app.py:2:6: D1 error: old.mod is deprecated; import new.mod",
        "app.py:3:9: EV1 error: non-canonical event dict: legacy key 'type' (use 'event_type'); 'agent' is not allowed at top level (move it into 'data')",
    ]
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    assert section(result.stdout.str(), "ssot-lint D1") == ["D1 (deprecated-import, error): count 2, max -", *text[:2]]
    assert section(result.stdout.str(), "ssot-lint EV1") == ["EV1 (event-schema, error): count 1, max -", text[2]]


def test_under_xdist_each_worker_that_checked_reports_its_summary_line(pytester: pytest.Pytester, project: Path) -> None:
    # The check runs in the workers; the controller, which prints the terminal summary, did not
    # run it and had nothing to say. (pytest-xdist is in the test extras; a venv made before
    # it was added skips this.)
    pytest.importorskip("xdist")
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider", "-n", "2")
    assert outcomes(result) == {"passed": 2, "failed": 3}
    # Each worker that got an ssot item checked (the two may read each other's results from the
    # cache, or not, by timing): one line per distinct summary, naming its workers.
    shown = [line for line in result.stdout.lines if line.startswith("ssot-lint: ")]
    pattern = re.compile(r"ssot-lint: 7 files, [0-7] from the result cache, [0-7] analyzed; 5 findings \(xdist (gw0|gw1|gw0, gw1)\)")
    assert shown and all(pattern.fullmatch(line) for line in shown), result.stdout.str()


def test_items_another_plugin_drops_without_deselecting_them_run_anyway_with_a_warning(pytester: pytest.Pytester, project: Path) -> None:
    # As SQLAlchemy's pytest plugin does: keep only the tests inside classes (review18b 07).
    (project / "tests/conftest.py").write_text(
        "import pytest\n\ndef pytest_collection_modifyitems(session, config, items):\n    items[:] = [i for i in items if i.getparent(pytest.Class) is not None]\n"
    )
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    assert outcomes(result) == {"passed": 1, "failed": 3}
    result.stdout.fnmatch_lines(
        [
            "*PytestWarning: ssot-lint: another plugin removed 4 ssot item(s) from the collection without deselecting them "
            "(rules.toml::MGR001, rules.toml::IMP001, rules.toml::IMP002, ssot-lint.toml::SSOT000); they run anyway (-m 'not ssot' deselects them, -p no:ssot turns the plugin off)"
        ]
    )
    # What -m deselects stays deselected, and nothing is said.
    deselected = pytester.runpytest("--ssot", "-p", "no:cacheprovider", "-m", "not ssot")
    assert outcomes(deselected) == {"deselected": 4}
    assert "another plugin removed" not in deselected.stdout.str()


# What pytest-run-parallel 0.10 does at collection (its ``_handle_collected_item``): an item with
# no ``obj`` warns unless it has ``_parallel_custom_item``. pydantic runs it with
# ``filterwarnings = error``, which turned the warning into an INTERNALERROR (review27a).
RUN_PARALLEL_LIKE = """
import warnings
import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    for item in session.items:
        if getattr(item, "obj", None) is None and not hasattr(item, "_parallel_custom_item"):
            warnings.warn(f"Encountered pytest item with type {type(item)} with no 'obj' attribute")
"""


def test_the_items_pass_a_thread_pool_plugins_collection_check_under_filterwarnings_error(pytester: pytest.Pytester, project: Path) -> None:
    (project / "conftest.py").write_text(RUN_PARALLEL_LIKE)
    (project / "pytest.ini").write_text("[pytest]\ntestpaths = tests\nfilterwarnings = error\n")
    result = pytester.runpytest("--ssot", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert outcomes(result) == {"passed": 2, "failed": 3}
    assert "INTERNALERROR" not in result.stdout.str()
