"""The public Python API: what the CLI reports, as values; and the package's own shape (no import
cycles, a config import that loads no rule kind)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ssot_lint
from tests.helpers import REPO, run_cli, sample_project


def test_check_on_the_sample_returns_the_clis_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = ssot_lint.check(["fixtures"], cache=False)
    assert result.exit_status == 1
    # A partial run: PI004's finding is about its whole scope (at its rule, in rules/), which is
    # fixtures/ (its `paths`): all of it is in PATH, so it is reported; one file of it is not.
    assert len(result.findings) == 22
    assert result.counts() == {"PI001": 2, "PI002": 3, "PI003": 1, "PI004": 1, "WS001": 3, "WS002": 7, "WS003": 4, "WS004": 1, "SELF001": 0, "SSOT000": 1}
    assert [(f.path, f.line, f.rule_id) for f in result.findings if f.rule_id == "PI004"] == [("rules/project-integrity.toml", 52, "PI004")]
    one = ssot_lint.check(["fixtures/netra_backend/app/services/notifier.py"], cache=False)
    assert [f.rule_id for f in one.findings] == ["WS002", "WS002", "WS002", "WS003"]
    first = result.findings[0]
    assert (first.path, first.line, first.col, first.rule_id) == ("fixtures/netra_backend/app/routes/broken.py", 5, 11, "SSOT000")
    cli = run_cli(["check", "fixtures", "--no-cache", "-o", "json"], REPO, monkeypatch).json()
    assert [(f["path"], f["line"], f["col"], f["rule"]) for f in cli["findings"]] == [(f.path, f.line, f.col, f.rule_id) for f in result.findings]


def test_check_applies_the_baseline_and_reports_its_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(tmp_path)
    assert run_cli(["baseline", "--no-cache"], project, monkeypatch).exit_code == 0
    result = ssot_lint.check(config=project / "ssot-lint.toml", cache=False)
    assert (result.exit_status, result.new, result.baselined, result.fixed) == (0, 0, 15, 0)
    unbaselined = ssot_lint.check(config=project / "ssot-lint.toml", cache=False, baseline=False)
    assert (unbaselined.exit_status, unbaselined.new, unbaselined.baselined) == (1, 15, 0)


def test_check_source_checks_a_buffer_with_the_per_file_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    rules = ssot_lint.load_rules([REPO / "rules" / "websocket-ssot.toml"])
    code = "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
    findings = ssot_lint.check_source("fixtures/netra_backend/app/services/new.py", code, rules)
    assert [(f.path, f.line, f.col, f.rule_id) for f in findings] == [("fixtures/netra_backend/app/services/new.py", 1, 62, "WS002")]
    assert ssot_lint.check_source("fixtures/netra_backend/app/services/new.py", code + "# ssot: ignore[WS002]\n", rules) != []
    silenced = code.rstrip("\n") + "  # ssot: ignore[WS002]\n"
    assert ssot_lint.check_source("fixtures/netra_backend/app/services/new.py", silenced, rules) == []
    broken = ssot_lint.check_source("fixtures/x.py", code + "def f(:\n", rules)  # a file a rule reads must parse
    assert [(f.rule_id, f.line, f.col) for f in broken] == [("SSOT000", 2, 7)]


def test_the_public_names_are_exported() -> None:
    from importlib import import_module

    assert sorted(ssot_lint.__all__) == sorted(["__version__", *ssot_lint._EXPORTS])  # the two lists name the same things
    for name, module in ssot_lint._EXPORTS.items():
        assert getattr(ssot_lint, name) is getattr(import_module(module), name), name
    with pytest.raises(AttributeError):
        _ = ssot_lint.no_such_name  # type: ignore[attr-defined]


def test_the_public_fix_stays_the_function_after_the_fix_engine_is_imported(tmp_path: Path) -> None:
    # ssot_lint/fix/ is also a package: importing it used to turn ssot_lint.fix into that module.
    script = (
        "import ssot_lint\n"
        "first = ssot_lint.fix(['fixtures'], write=False, cache=False)\n"
        "import ssot_lint.fix.engine\n"
        "from ssot_lint.fix.engine import fix_paths\n"
        "second = ssot_lint.fix(['fixtures'], write=False, cache=False)\n"
        "print(first.fixed, second.fixed, ssot_lint.fix.__module__, sys.modules['ssot_lint.fix'].__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", "import sys\n" + script], cwd=REPO, capture_output=True, text=True)
    assert (out.returncode, out.stdout, out.stderr) == (0, "1 1 ssot_lint.api.fixing ssot_lint.fix\n", "")


def test_the_api_package_exports_every_public_name_of_its_modules() -> None:
    """``ssot_lint.api`` is a package with one module per concept; every name a shell or a script
    uses is importable from the package, and the names ``ssot_lint`` exports are the same objects."""
    import ssot_lint.api as api
    from ssot_lint.api import checking, fixing, project, source, starter

    for module in (checking, fixing, project, source, starter):
        defined = [name for name, value in vars(module).items() if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__]
        assert defined and not set(defined) - set(api.__all__) - {
            "buffer_ref",
            "resolve_project",
            "require_rules",
            "partial_run",
            "judged_against_project",
            "compiled_named",
        }
    for name in api.__all__:
        assert getattr(api, name) is not None
    assert api.check is ssot_lint.check and api.fix is ssot_lint.fix and callable(api.init)  # functions, not the modules holding them
    for name in ssot_lint.__all__:
        if ssot_lint._EXPORTS.get(name) == "ssot_lint.api":
            assert getattr(ssot_lint, name) is getattr(api, name)
    assert all(module.__file__ and len(open(module.__file__).read().splitlines()) <= 400 for module in (api, checking, fixing, project, source, starter))


def test_importing_the_config_loads_no_rule_kind() -> None:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import ssot_lint.config.settings, ssot_lint.config.rulefile"], capture_output=True, text=True
    )
    loaded = [line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "ssot_lint" in line]
    assert "ssot_lint.config.settings" in loaded
    contract = ("ssot_lint.kinds.base", "ssot_lint.kinds.fixes", "ssot_lint.kinds.options", "ssot_lint.kinds.text")  # base and what it is made of: no kind
    kinds = [m for m in loaded if m.startswith("ssot_lint.kinds.") and m not in contract]
    assert kinds == []


def test_ssot_lint_has_no_import_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's own SELF001 rule (import-cycle over ssot_lint/, imports in functions included)."""
    result = run_cli(["check", "--select", "SELF", "--no-cache", "-o", "json", "ssot_lint"], REPO, monkeypatch)
    report = result.json()
    assert result.exit_code == 0 and report["findings"] == []
    assert [(r["id"], r["count"], r["details"]["complete"]) for r in report["rules"]] == [("SELF001", 0, True)]
