"""CI (``.ci/run``) keeps its gates: ruff lint, ruff format, mypy and ssot-lint's own SELF001 rule
run after the README's install and before the tests, each through ``gate``, which names the gate
that failed and stops CI. Dropping or disarming one must fail here, not pass silently."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.helpers import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CI = REPO / ".ci" / "run"
INSTALL = 'python3 -m venv .venv && . .venv/bin/activate && pip install -q -e ".[test]" && ssot-lint check fixtures'
TESTS = ". .venv/bin/activate && python -m pytest"
GATES = {
    "ruff lint": "ruff check .",
    "ruff format": "ruff format --check .",
    "mypy": "mypy ssot_lint",
    "SELF001 import cycles": "ssot-lint check --select SELF ssot_lint",
}


def commands() -> list[str]:
    """The script's lines without comments and indentation (commented-out lines are gone)."""
    lines = (line.strip() for line in CI.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_every_gate_runs_after_the_readme_install_and_before_the_tests() -> None:
    lines = commands()
    install, tests = lines.index(INSTALL), lines.index(TESTS)
    for name, command in GATES.items():
        line = f'gate "{name}" {command}'
        assert lines.count(line) == 1, f".ci/run does not run the {name} gate as `{line}`"
        assert install < lines.index(line) < tests, f"the {name} gate must run after the README's install and before the tests"


def test_the_gates_tools_come_from_the_dev_extra_installed_before_them() -> None:
    lines = commands()
    installs = [i for i, line in enumerate(lines) if 'pip install -q -e ".[dev]"' in line]
    first_gate = min(i for i, line in enumerate(lines) if line.startswith("gate "))
    assert installs and lines.index(INSTALL) < installs[0] < first_gate
    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    names = {re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0] for requirement in extras["dev"]}
    assert {"ruff", "mypy"} <= names


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_failing_gate_stops_ci_and_says_which_gate_failed() -> None:
    definition = re.search(r"^gate\(\) \{\n.*?^\}\n", CI.read_text(encoding="utf-8"), re.M | re.S)
    assert definition is not None, ".ci/run defines no gate() function"
    run = [definition.group(0) + 'gate "mypy" false; echo after', definition.group(0) + 'gate "mypy" true; echo after']
    failed, passed = (subprocess.run(["bash", "-c", script], capture_output=True, text=True) for script in run)
    assert (failed.returncode, failed.stdout, failed.stderr) == (1, "", "CI gate failed: mypy (false)\n")
    assert (passed.returncode, passed.stdout, passed.stderr) == (0, "after\n", "")
