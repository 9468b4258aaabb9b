"""ssot-lint init: the survey on the sample, the starter rule file, the baseline, never overwriting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ssot_lint
from ssot_lint.api import survey
from tests.helpers import REPO, run_cli, write_project

CORE = "netra_backend.app.websocket_core"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "fixtures", root)
    return root


def test_init_on_the_sample_proposes_the_websocket_family_and_the_declared_deprecations(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["init", ".", "--format", "json", "--no-cache"], sample, monkeypatch)
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert (data["files"], data["parse_errors"]) == (20, 1)
    assert [(f["stem"], f["count"], f["canonical"]) for f in data["families"]] == [("*WebSocket*Manager", 3, f"{CORE}.websocket_manager:WebSocketManager")]
    assert sorted(m["target"] for m in data["families"][0]["members"]) == [
        f"{CORE}.handlers:IsolatedWebSocketManager",
        f"{CORE}.unified_manager:UnifiedWebSocketManager",
        f"{CORE}.websocket_manager:WebSocketManager",
    ]
    assert [(d["target"], d["imports"], d["replacement"]) for d in data["deprecations"]] == [
        (f"{CORE}.unified_manager", 2, f"{CORE}.websocket_manager"),
        (f"{CORE}.websocket_manager_factory", 2, f"{CORE}.websocket_manager"),
        (f"{CORE}.websocket_manager_factory:create_websocket_manager", 0, f"{CORE}.websocket_manager:WebSocketManager"),
    ]
    assert data["project_wide"] == {"unresolved-import": 2, "shim-module": 3, "import-cycle": 1}
    assert [(e["key"], e["value"], e["count"], len(e["variants"])) for e in data["events"]] == [("event_type", "agent_started", 2, 2)]
    assert data["written"]["rules"] == "ssot-rules.toml" and data["written"]["config"] == "ssot-lint.toml"
    rules = (sample / "ssot-rules.toml").read_text()
    # Both legacy modules name the canonical module as their replacement, but each defines names
    # it does not: mapping them wholesale would break their importers (issue #13), so no
    # deprecated-import rule is proposed, and the starter says why.
    assert "[rule.replace]" not in rules
    assert (
        f"#   {CORE}.websocket_manager_factory -> {CORE}.websocket_manager: WebSocketManagerFactory, create_websocket_manager are not defined in "
        f"{CORE}.websocket_manager: rewriting the imports of {CORE}.websocket_manager_factory would break them"
    ) in rules
    assert [d["unsafe"] for d in data["deprecations"]][:2] == [
        f"UnifiedWebSocketManager is not defined in {CORE}.websocket_manager: rewriting the imports of {CORE}.unified_manager would break them",
        f"WebSocketManagerFactory, create_websocket_manager are not defined in {CORE}.websocket_manager: rewriting the imports of {CORE}.websocket_manager_factory would break them",
    ]
    assert 'name = "WebSocket(?![a-z])\\\\w*Manager$"' in rules and "max = 3" in rules
    assert (sample / "ssot-lint.toml").read_text() == '# Written by `ssot-lint init`.\nrule-files = ["ssot-rules.toml"]\n'


def test_the_starter_passes_test_rules_and_with_baseline_check_passes_at_once(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["init", "--baseline", "--no-cache"], sample, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert "ssot-lint: init: recorded 11 findings in .ssot-baseline.json" in result.stderr
    assert result.stdout.startswith("SSOT debt survey: 19 files scanned, 1 parse error\n")
    tested = run_cli(["test-rules"], sample, monkeypatch)
    assert (tested.exit_code, tested.stdout.splitlines()[-1]) == (0, "13 passed, 0 failed")
    checked = run_cli(["check", "--no-cache"], sample, monkeypatch)
    assert checked.exit_code == 0, checked.stdout
    assert "0 new findings, 11 baselined" in checked.stdout
    # a new import of a declared-deprecated module is a new finding at once
    (sample / "netra_backend/app/services/late.py").write_text(
        "from netra_backend.app.websocket_core import unified_manager\n\n\ndef f():\n    return unified_manager\n"
    )
    again = run_cli(["check", "--no-cache", "-q"], sample, monkeypatch)
    assert again.exit_code == 1
    assert [line.split(" ")[:2] for line in again.stdout.splitlines()] == [
        ["netra_backend/app/services/late.py:1:46:", "DD1"],
    ]


def test_init_never_overwrites(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (sample / "ssot-rules.toml").write_text("# mine\n")
    result = run_cli(["init", "--no-cache"], sample, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == "ssot-lint: error: ssot-rules.toml already exists; not overwritten (choose another file with --output)\n"
    assert (sample / "ssot-rules.toml").read_text() == "# mine\n"
    assert not (sample / "ssot-lint.toml").exists()
    other = run_cli(["init", "--output", "rules/starter.toml", "--no-cache"], sample, monkeypatch)
    assert other.exit_code == 0, other.stderr
    assert (sample / "rules/starter.toml").is_file()
    assert (sample / "ssot-lint.toml").read_text().endswith('rule-files = ["rules/starter.toml"]\n')


def test_an_existing_config_is_left_alone_and_the_user_told_what_to_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": "X = 1\n"}, config='fail-on = "error"\n')
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert (project / "ssot-lint.toml").read_text() == 'fail-on = "error"\n'
    assert "ssot-lint: init: add 'ssot-rules.toml' to rule-files in ssot-lint.toml" in result.stderr
    # with nothing to find, the starter still loads and its examples pass
    tested = run_cli(["test-rules", "ssot-rules.toml"], project, monkeypatch)
    assert tested.exit_code == 0, tested.stdout


def test_bad_path_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file.py").write_text("")
    result = run_cli(["init", "file.py"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (2, "ssot-lint: error: not a directory: file.py\n")


def test_survey_from_python_and_no_write(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = survey(sample, cache=False)
    assert [f.stem for f in found.families] == ["*WebSocket*Manager"]
    assert found.ranked()[0] == (3, "class family", "*WebSocket*Manager (3 classes in 3 modules)")
    assert ssot_lint.api.init(sample, write=False, cache=False).written is None
    assert sorted(p.name for p in sample.iterdir()) == ["netra_backend"]
    printed = run_cli(["init", "--no-write", "--no-cache"], sample, monkeypatch)
    assert printed.exit_code == 0 and printed.stderr == ""
    assert sorted(p.name for p in sample.iterdir()) == ["netra_backend"]
    # Nothing at all, the result cache included (a .ssot-lint/ left in the surveyed tree).
    assert run_cli(["init", "--no-write"], sample, monkeypatch).stdout == printed.stdout
    assert sorted(p.name for p in sample.iterdir()) == ["netra_backend"]


def test_families_pick_the_distinctive_stem_and_leave_test_doubles_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/a.py": "class PaymentGatewayClient: ...\nclass BaseClient: ...\n",
        "svc/b.py": "class StripePaymentGatewayClient: ...\nclass HttpClient: ...\n",
        "svc/c.py": "class LegacyPaymentGatewayClient: ...\nclass PaymentGatewayClientFactory: ...\n",
        "svc/use.py": "from svc.b import StripePaymentGatewayClient\nfrom svc.b import StripePaymentGatewayClient as S\n",
        "tests/test_pay.py": "class MockPaymentGatewayClient: ...\nclass FakePaymentGatewayClient: ...\n",
    }
    project = write_project(tmp_path / "p", files)
    found = survey(project, cache=False)
    assert [(f.stem, sorted(m.qualname for m in f.members), f.canonical) for f in found.families] == [
        ("*PaymentGateway*Client", ["LegacyPaymentGatewayClient", "PaymentGatewayClient", "StripePaymentGatewayClient"], "svc.b:StripePaymentGatewayClient")
    ]
    result = run_cli(["init", "--baseline", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert run_cli(["check", "--no-cache"], project, monkeypatch).exit_code == 0
    data = json.loads(run_cli(["init", "--no-write", "--format", "json", "--no-cache"], project, monkeypatch).stdout)
    assert "written" not in data


def test_a_mapping_that_a_fix_can_apply_is_proposed_and_fix_works_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/orders.py": "class Order: ...\nclass OrderLine: ...\n",
        "shop/legacy_orders.py": (
            "import warnings\nfrom shop.orders import Order, OrderLine\n\n"
            "warnings.warn('shop.legacy_orders is deprecated; use shop.orders instead', DeprecationWarning, stacklevel=2)\n"
        ),
        "shop/api.py": "from shop.legacy_orders import Order\n\n\ndef make():\n    return Order()\n",
    }
    project = write_project(tmp_path / "p", files)
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    rules = (project / "ssot-rules.toml").read_text()
    assert '[rule.replace]\n"shop.legacy_orders" = "shop.orders"\n' in rules
    assert run_cli(["test-rules"], project, monkeypatch).exit_code == 0
    fixed = run_cli(["fix", "--select", "DD2", "--no-cache"], project, monkeypatch)
    assert fixed.exit_code == 0, fixed.stderr
    assert (project / "shop/api.py").read_text() == "from shop.orders import Order\n\n\ndef make():\n    return Order()\n"
    assert run_cli(["check", "--no-cache", "-q", "--select", "DD"], project, monkeypatch).stdout == ""


def test_modules_no_import_can_name_are_not_used_in_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's first module by name is a migration (``0001_initial.py``): an example that
    imports it would not parse, and init refuses to write a starter whose examples fail."""
    files = {
        "app/__init__.py": "",
        "app/migrations/__init__.py": "",
        "app/migrations/0001_initial.py": "class Migration: ...\n",
        "app/models.py": "class Order: ...\n",
    }
    project = write_project(tmp_path / "p", files)
    result = run_cli(["init", "--baseline", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    rules = (project / "ssot-rules.toml").read_text()
    assert "0001_initial" not in rules and '"app/models.py" = "class Real: ...\\n"' in rules
    assert run_cli(["test-rules"], project, monkeypatch).exit_code == 0
    assert run_cli(["check", "--no-cache"], project, monkeypatch).exit_code == 0


def test_a_family_whose_canonical_lives_in_a_package_init_with_namesakes_passes_its_own_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found on Django 5.2.8 (`init` refused its own starter): the example cut for a family is the
    # canonical's file; alone, `pkg/fields/__init__.py` is named `fields`, so the canonical
    # `pkg.fields:IntegerField` was missing from it and every member, the canonical included, was
    # a finding. The example now carries the canonical's packages.
    files = {
        "pkg/__init__.py": "",
        "pkg/fields/__init__.py": "class Field: ...\nclass IntegerField(Field): ...\nclass BigIntegerField(IntegerField): ...\nclass SmallIntegerField(IntegerField): ...\n",
        "pkg/forms/__init__.py": "class IntegerField: ...\nclass PositiveIntegerField: ...\n",
        "use.py": "from pkg.fields import IntegerField\nfrom pkg.fields import IntegerField as I2\nfrom pkg.fields import BigIntegerField\n",
    }
    project = write_project(tmp_path / "p", files)
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    starter = (project / "ssot-rules.toml").read_text()
    assert 'canonical = ["pkg.fields:IntegerField"]' in starter and "max = 5" in starter
    assert '"pkg/__init__.py" = "", "pkg/fields/__init__.py" = "class IntegerField: ...\\nclass BigIntegerField: ...' in starter
    tested = run_cli(["test-rules"], project, monkeypatch)
    assert (tested.exit_code, tested.stdout.splitlines()[-1]) == (0, "13 passed, 0 failed")


def test_a_renamed_replacement_is_not_made_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found on Django 5.2.8: "DjangoDivFormRenderer is deprecated. Use DjangoTemplates instead."
    # became `"...:DjangoDivFormRenderer" = "...:DjangoTemplates"` in a deprecated-import rule, a
    # *safe* fix (a mapping is its author's promise), while the declaration promises no drop-in.
    # The starter leaves renamed members to declared-deprecation, whose fix is unsafe for them.
    warn = "import warnings\n\n\ndef {old}():\n    warnings.warn('{old} is deprecated. Use {new} instead.', DeprecationWarning, stacklevel=2)\n    return {new}()\n\n\ndef {new}():\n    return 1\n"
    files = {
        "lib/__init__.py": "",
        "lib/calc.py": warn.format(old="old_total", new="total"),
        "app.py": "from lib.calc import old_total\n\nprint(old_total())\n",
    }
    project = write_project(tmp_path / "p", files)
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    rules = (project / "ssot-rules.toml").read_text()
    assert 'kind = "deprecated-import"' not in rules
    renamed = "renamed: the declaration says what to use instead, not that it takes the same arguments (declared-deprecation's fix applies it as unsafe)"
    assert f"#   lib.calc:old_total -> lib.calc:total: {renamed}" in rules
    fixed = run_cli(["fix", "--no-cache"], project, monkeypatch)
    assert (project / "app.py").read_text() == files["app.py"]  # nothing safe to apply
    assert "app.py:1:22: DD1 unsafe fix not applied: lib.calc:old_total is replaced by lib.calc:total, under another name" in fixed.stderr


def test_the_warning_helper_a_deprecated_module_imports_is_not_a_name_it_provides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SymPy: `from sympy.utilities.exceptions import sympy_deprecation_warning` in a deprecated
    # module made every mapping of it "break" importers of sympy_deprecation_warning.
    files = {
        "lib/__init__.py": "",
        "lib/exceptions.py": "import warnings\n\n\ndef lib_deprecation_warning(message):\n    warnings.warn(message, DeprecationWarning, stacklevel=3)\n",
        "lib/oldmod.py": 'from lib.exceptions import lib_deprecation_warning\n\nlib_deprecation_warning("lib.oldmod is deprecated. Use lib.newmod instead.")\n\nfrom lib.newmod import *  # noqa\n',
        "lib/newmod.py": "def f():\n    return 1\n",
        "app.py": "from lib.oldmod import f\n",
    }
    project = write_project(tmp_path / "p", files)
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert '[rule.replace]\n"lib.oldmod" = "lib.newmod"\n' in (project / "ssot-rules.toml").read_text()
    fixed = run_cli(["fix", "--select", "DD2", "--no-cache"], project, monkeypatch)
    assert (fixed.exit_code, (project / "app.py").read_text()) == (0, "from lib.newmod import f\n")


def test_the_next_step_hint_starts_in_the_project_surveyed(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From elsewhere, 'ssot-lint test-rules' would test the working directory's rules, not the
    ones just written."""
    tail = " (add --baseline to 'init', or run 'ssot-lint baseline', to fail only on new findings)"
    away = run_cli(["init", "--no-cache", "sample"], sample.parent, monkeypatch)
    assert away.exit_code == 0, away.stderr
    assert away.stderr.splitlines() == [
        "ssot-lint: init: wrote sample/ssot-rules.toml (6 rules)",
        "ssot-lint: init: wrote sample/ssot-lint.toml",
        "ssot-lint: init: next: 'cd sample && ssot-lint test-rules' runs the rules' examples; 'cd sample && ssot-lint check' runs them" + tail,
    ]
    (sample / "ssot-rules.toml").unlink()
    (sample / "ssot-lint.toml").unlink()
    here = run_cli(["init", "--no-cache"], sample, monkeypatch)
    assert here.stderr.splitlines()[-1] == "ssot-lint: init: next: 'ssot-lint test-rules' runs the rules' examples; 'ssot-lint check' runs them" + tail


def test_init_in_a_configured_project_leaves_out_what_its_rules_cover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Twin is in every module of app/ (a convention to the survey); the configured rule counts it.
    files = {"app/__init__.py": "", **{f"app/{m}.py": "class Twin: ...\n" for m in "abcd"}}
    project = write_project(tmp_path / "p", files, '[[rule]]\nid = "PI1"\nkind = "duplicate-definition"\nname = "^Twin$"\n')
    assert run_cli(["check", "--no-cache", "-q"], project, monkeypatch).exit_code == 1  # 3 findings
    result = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[2] == "No SSOT debt found beyond what the configured rules check (`ssot-lint check` reports their findings)."
    assert out[-1] == "Configured rules (1; the starter leaves out what they check): PI1 (duplicate-definition)"
    assert result.stderr.splitlines()[:3] == [
        "ssot-lint: init: wrote ssot-rules.toml (4 rules)",
        "ssot-lint: init: left out DUP1 (duplicate-definition): rule PI1 (rules.toml:1) already checks it",
        "ssot-lint: init: add 'ssot-rules.toml' to rule-files in ssot-lint.toml",
    ]
    starter = (project / "ssot-rules.toml").read_text()
    assert "#   DUP1 (duplicate-definition): rule PI1 (rules.toml:1) already checks it\n" in starter
    # no second duplicate-definition rule; ids numbered past the configured PI1, so both files load
    assert [line for line in starter.splitlines() if line.startswith(("id =", "kind ="))] == [
        'id = "DD1"',
        'kind = "declared-deprecation"',
        'id = "PI2"',
        'kind = "unresolved-import"',
        'id = "PI3"',
        'kind = "shim-module"',
        'id = "PI4"',
        'kind = "import-cycle"',
    ]
    (project / "ssot-lint.toml").write_text('rule-files = ["rules.toml", "ssot-rules.toml"]\n')
    assert run_cli(["test-rules"], project, monkeypatch).stdout.splitlines()[-1] == "8 passed, 0 failed"
    # Once the starter is configured too, a second init has nothing to add, and writes nothing.
    again = run_cli(["init", "--no-cache", "--output", "more.toml"], project, monkeypatch)
    assert (again.exit_code, again.stderr.splitlines()[-1]) == (
        0,
        "ssot-lint: init: nothing written: the rules the config loads already cover every rule the starter would propose",
    )
    assert len(again.stderr.splitlines()) == 6 and not (project / "more.toml").exists()


def test_init_where_no_python_file_is_in_scope_says_so_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review15c 07-minor-cli-errors 4: it printed "No SSOT debt found." and wrote a config and rules.
    write_project(tmp_path, {"docs/index.md": "notes\n"})
    warning = "ssot-lint: warning: no files to survey in docs: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
    result = run_cli(["init", "docs", "--no-cache"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, warning + "; nothing written\n")  # as `check` warns "no files to check", exit 0
    assert result.stdout.splitlines()[:3] == ["SSOT debt survey: 0 files scanned, 0 parse errors", "", "Nothing to survey: no Python file is in scope."]
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["index.md"]
    result = run_cli(["init", "docs", "--no-cache", "--no-write", "--format", "json"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr, result.json()["files"]) == (0, warning + "\n", 0)
