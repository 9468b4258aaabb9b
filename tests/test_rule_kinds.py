"""Rule kinds on small projects through the real CLI: exact counts, lines and columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import locations, run_cli, write_project

DEPRECATED = """
[[rule]]
id = "D1"
kind = "deprecated-import"
calls = ["old.factory:make"]
[rule.replace]
"old.pkg" = "new.pkg"
"old.factory" = "new.pkg"
"shop.core:Manager" = "shop.core.manager:Manager"
"""


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], rules: str, *args: str) -> dict:
    write_project(tmp_path, files, rules)
    result = run_cli(["check", "-o", "json", "--no-cache", *args], tmp_path, monkeypatch)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def test_deprecated_import_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = '''
        """Module docs: import old.pkg is deprecated; from old.pkg import x."""
        import old.pkg
        import old.pkg.sub as s
        import os, old.pkg.deep
        from old.pkg import a, b
        from old import pkg
        from old import other
        from shop.core import (
            Other,  # stays
            Manager as M,
        )
        from shop import core
        from old.pkg import *
        text = "from old.pkg import a"  # import old.pkg
        def f():
            try:
                from old.pkg.x import y
            except ImportError:
                pass
        import old.pkgs
    '''
    report = check(tmp_path, monkeypatch, {"app/mod.py": code}, DEPRECATED)
    assert locations(report) == [
        ("app/mod.py", 2, 8),
        ("app/mod.py", 3, 8),
        ("app/mod.py", 4, 12),
        ("app/mod.py", 5, 6),
        ("app/mod.py", 6, 17),
        ("app/mod.py", 10, 5),
        ("app/mod.py", 13, 6),
        ("app/mod.py", 17, 14),
    ]
    messages = {f["line"]: f["message"] for f in report["findings"]}
    assert messages[10] == "shop.core:Manager is deprecated; import shop.core.manager:Manager"
    assert messages[2] == "old.pkg is deprecated; import new.pkg"


def test_one_finding_per_target_per_statement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, {"m.py": "from old import pkg, factory\nfrom old.pkg import a, b, c\n"}, DEPRECATED)
    assert [(f["line"], f["col"], f["message"].split()[0]) for f in report["findings"]] == [
        (1, 17, "old.pkg"),
        (1, 22, "old.factory"),
        (2, 6, "old.pkg"),
    ]


def test_relative_imports_resolve_against_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "old/__init__.py": "",
        "old/pkg/__init__.py": "from . import helpers\n",  # old.pkg.helpers: inside the deprecated package
        "old/pkg/helpers.py": "from .. import pkg\nfrom ..pkg import thing\nfrom ... import nothing\n",
        "old/other.py": "from .pkg import x\nfrom .factory import make\nfrom . import factory as f\nf.make()\n",
    }
    report = check(tmp_path, monkeypatch, files, DEPRECATED)
    assert [(p, line) for p, line, _ in locations(report)] == [
        ("old/other.py", 1),
        ("old/other.py", 2),  # importing the callable by name is the module finding; only calls are call findings
        ("old/other.py", 3),
        ("old/other.py", 4),  # f.make() through the aliased module
        ("old/pkg/__init__.py", 1),
        ("old/pkg/helpers.py", 1),
        ("old/pkg/helpers.py", 2),
    ]


def test_deprecated_calls_through_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "from old.factory import make as mk\nimport old.factory\n\nmk()\nold.factory.make(1)\nmake()\nother.make()\n"
    report = check(tmp_path, monkeypatch, {"m.py": code}, DEPRECATED.replace('"old.factory" = "new.pkg"\n', ""))
    assert [(f["line"], f["col"]) for f in report["findings"]] == [(4, 1), (5, 1)]
    assert report["findings"][0]["message"] == "old.factory:make is deprecated; import (no replacement)"


EVENTS = """
[[rule]]
id = "E1"
kind = "event-schema"
events = ["agent_started"]
required = ["event_type", "timestamp", "user_id", "data"]
allowed = ["event_type", "timestamp", "user_id", "data"]
rename = { type = "event_type", time = "timestamp" }
value-types = { timestamp = "number", data = "dict" }
"""


def test_event_schema_problems_are_listed_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        'a = {"type": "agent_started", "time": "t", "extra": 1, "user_id": u}\n'
        'b = {"event_type": "agent_started", "timestamp": 1, "user_id": u, "data": []}\n'
        'c = {"event_type": "agent\\x5fstarted", "type": 1}\n'
        'd = {"type": "agent_started", "event_type": "agent_started", "timestamp": -2, "user_id": u, "data": {}}\n'
        'e = {"event_type": "agent_started", key: 1}\n'
        'f = dict(event_type="agent_started", timestamp=1.0, user_id=u, data={}, **kw)\n'
        'g = {"event_type": "agent_" "started"}\n'
    )
    report = check(tmp_path, monkeypatch, {"m.py": code}, EVENTS)
    got = [(f["line"], f["col"], f["severity"], f["message"]) for f in report["findings"]]
    assert got == [
        (
            1,
            5,
            "error",
            "non-canonical event dict: legacy key 'type' (use 'event_type'); legacy key 'time' (use 'timestamp'); "
            "'time' must be a number, not a string; 'extra' is not allowed at top level (move it into 'data'); missing 'data'",
        ),
        (2, 5, "error", "non-canonical event dict: 'data' must be a dict, not a list"),
        (4, 5, "error", "non-canonical event dict: legacy key 'type' (use 'event_type')"),
        (5, 5, "info", "non-canonical event dict: cannot be verified (** spread or computed key)"),
        (6, 5, "info", "non-canonical event dict: cannot be verified (** spread or computed key)"),
    ]


def test_event_schema_without_event_list_checks_every_discriminated_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = EVENTS.replace('events = ["agent_started"]\n', "")
    report = check(tmp_path, monkeypatch, {"m.py": 'a = {"type": "anything", "event_type": "x"}\nb = {"kind": "x"}\nc = {"type": name}\n'}, rules)
    assert [(f["line"], f["col"]) for f in report["findings"]] == [(1, 5)]


SINGLE = """
[[rule]]
id = "S1"
kind = "single-implementation"
name = "Manager$"
bases = ["core.proto.ManagerProtocol", "Base"]
methods = ["send"]
canonical = ["core.impl:Manager"]
max = 1
"""


def test_single_implementation_selectors_and_canonical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "core/__init__.py": "",
        "core/proto.py": "class ManagerProtocol: ...\n",
        "core/impl.py": "from core.proto import ManagerProtocol\nclass Manager(ManagerProtocol):\n    def send(self): ...\n",
        "core/other.py": (
            "import core.proto as p\n"
            "class FastManager(p.ManagerProtocol):\n    def send(self): ...\n"  # member (dotted base via alias)
            "class SlowManager(p.ManagerProtocol):\n    pass\n"  # no send(): not a member
            "class Wrapper:\n    class InnerManager(Base):\n        def send(self): ...\n"  # nested, by base name
            "class ManagerProtocolManager(Unrelated):\n    def send(self): ...\n"  # wrong base
            "Alias = FastManager\n"
        ),
    }
    report = check(tmp_path, monkeypatch, files, SINGLE)
    assert locations(report) == [("core/other.py", 2, 7), ("core/other.py", 7, 11)]
    assert report["findings"][1]["message"] == "Wrapper.InnerManager duplicates core.impl:Manager (3 implementations, max 1)"
    summary = report["rules"][0]
    assert (summary["count"], summary["max"], summary["ok"]) == (3, 1, False)
    assert summary["details"]["canonical_found"] == ["core.impl:Manager"]


def test_single_implementation_within_ceiling_has_no_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"a.py": "class AManager(Base):\n    def send(self): ...\n", "b.py": "class BManager(Base):\n    def send(self): ...\n"}
    report = check(tmp_path, monkeypatch, files, SINGLE.replace("max = 1", "max = 2"))
    assert report["findings"] == [] and report["rules"][0]["count"] == 2 and report["rules"][0]["ok"]


def test_single_implementation_canonical_alias_stands_for_the_real_implementation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = """
        [[rule]]
        id = "WS"
        kind = "single-implementation"
        name = "(?i)websocket.*manager$"
        canonical = ["ws.manager:WebSocketManager"]
    """
    files = {
        "ws/__init__.py": "from .unified import UnifiedWebSocketManager\n",
        "ws/unified.py": "class UnifiedWebSocketManager: ...\n",
        "ws/manager.py": "from ws.unified import UnifiedWebSocketManager\n\nWebSocketManager = UnifiedWebSocketManager\n",
        "ws/legacy.py": "class LegacyWebSocketManager: ...\n",
    }
    report = check(tmp_path, monkeypatch, files, rules)
    assert [(f["path"], f["line"], f["message"]) for f in report["findings"]] == [
        ("ws/legacy.py", 1, "LegacyWebSocketManager duplicates ws.manager:WebSocketManager (2 implementations, max 1)"),
    ]
    details = report["rules"][0]["details"]
    assert details["canonical_found"] == ["ws.unified:UnifiedWebSocketManager"]
    assert details["canonical_aliases"] == {"ws.manager:WebSocketManager": "ws.unified:UnifiedWebSocketManager"}
    # Through a package re-export and a second alias, or to a class of the alias's own module.
    files["ws/manager.py"] = "from ws import UnifiedWebSocketManager as _Impl\n\nManager = _Impl\nWebSocketManager = Manager\n"
    details = check(tmp_path, monkeypatch, files, rules)["rules"][0]["details"]
    assert details["canonical_found"] == ["ws.unified:UnifiedWebSocketManager"]
    files["ws/manager.py"] = "class RealWebSocketManager: ...\nWebSocketManager = RealWebSocketManager\n"
    report = check(tmp_path, monkeypatch, files, rules)
    assert report["rules"][0]["details"]["canonical_found"] == ["ws.manager:RealWebSocketManager"]
    assert sorted(f["path"] for f in report["findings"]) == ["ws/legacy.py", "ws/unified.py"]


def test_single_implementation_bases_match_subscripted_and_dotted_subscripted_bases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = """
        [[rule]]
        id = "CO"
        kind = "single-implementation"
        bases = ["homeassistant.helpers.update_coordinator.DataUpdateCoordinator"]
        max = 0
    """
    files = {
        "homeassistant/__init__.py": "",
        "homeassistant/helpers/__init__.py": "",
        "homeassistant/helpers/update_coordinator.py": "class DataUpdateCoordinator: ...\n",
        "homeassistant/components/a.py": (
            "from typing import Any\n"
            "from homeassistant.helpers import update_coordinator\n"
            "from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n"
            "class Plain(DataUpdateCoordinator): ...\n"
            "class Generic(DataUpdateCoordinator[dict[str, Any]]): ...\n"
            "class Dotted(update_coordinator.DataUpdateCoordinator[dict[str, int]]): ...\n"
            "class Twice(DataUpdateCoordinator[int][None]): ...\n"
            "class Other(dict[str, DataUpdateCoordinator]): ...\n"
        ),
    }
    report = check(tmp_path, monkeypatch, files, rules)
    assert [(f["line"], f["col"]) for f in report["findings"]] == [(4, 7), (5, 7), (6, 7), (7, 7)]
    assert report["rules"][0]["count"] == 4


DUPLICATE = """
[[rule]]
id = "DD"
kind = "duplicate-definition"
name = "^Mock"
functions = true
min-count = 3
"""


def test_duplicate_definition_counts_modules_and_names_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "a.py": "class MockA: ...\ndef MockB(): ...\n",
        "b.py": "if True:\n    class MockA: ...\ndef MockB(): ...\n",
        "c.py": "# c\n# c\nclass MockA: ...\nclass MockA: ...\n",
        "d.py": "def f():\n    class MockB: ...\nclass Real: ...\n",
    }
    report = check(tmp_path, monkeypatch, files, DUPLICATE)
    assert locations(report) == [("b.py", 2, 11), ("c.py", 3, 7)]
    assert report["findings"][0]["message"] == "MockA is defined in 3 modules (also at a.py:1, c.py:3)"


def test_select_and_ignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"m.py": 'import old.pkg\ne = {"type": "agent_started"}\n'}
    report = check(tmp_path, monkeypatch, files, DEPRECATED + EVENTS, "--select", "E")
    assert [f["rule"] for f in report["findings"]] == ["E1"] and [r["id"] for r in report["rules"]] == ["E1"]
    report = check(tmp_path, monkeypatch, files, DEPRECATED + EVENTS, "--ignore", "E1")
    assert [f["rule"] for f in report["findings"]] == ["D1"]


def test_fail_on_controls_the_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"m.py": 'e = {"event_type": "agent_started", **x}\n'}, EVENTS)
    assert run_cli(["check", "--no-cache"], tmp_path, monkeypatch).exit_code == 0  # info only
    assert run_cli(["check", "--no-cache", "--fail-on", "info"], tmp_path, monkeypatch).exit_code == 1
