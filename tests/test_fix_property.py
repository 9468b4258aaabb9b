"""Properties of ``ssot-lint fix``: over the shipped sample (copied to a temporary directory with
the shipped rules), and over generated import statements and event dicts."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.cli import main
from ssot_lint.kinds.base import RuleMeta
from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
from ssot_lint.kinds.event_schema.check import EventSchema
from tests.fix_contract import fix_checked

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SSOT_LINT_FIX_EXAMPLES", "150"))  # raise it to hunt for bugs


def sample(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "pyproject.toml").write_text('[tool.ssot-lint]\nrule-files = ["rules/*.toml"]\n')
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "fixtures").rglob("*.py"))}


def parses(data: bytes) -> bool:
    try:
        cst.parse_module(data)
        compile(data, "<file>", "exec", dont_inherit=True)
    except Exception:
        return False
    return True


def test_fix_over_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    monkeypatch.chdir(root)
    runner = CliRunner()
    before = snapshot(root)
    # --unsafe-fixes: the event fixes too (each import rewrite here is verified: safe)
    first = runner.invoke(main, ["fix", "--no-cache", "--unsafe-fixes", "fixtures"])
    assert first.exit_code == 1  # the sample keeps findings no fix can remove
    after = snapshot(root)
    assert after != before
    # every file that parsed still parses (and compiles)
    assert [name for name, data in before.items() if parses(data) and not parses(after[name])] == []
    # nothing fixable is left: a dry run would change nothing, and every finding of a fixable
    # rule that `check` still reports is listed with the reason it cannot be fixed
    dry = runner.invoke(main, ["fix", "--no-cache", "--unsafe-fixes", "--diff", "fixtures"])
    assert dry.stdout == ""
    assert dry.stderr.startswith("0 files would change, 0 findings would be fixed")
    report = json.loads(runner.invoke(main, ["check", "--no-cache", "-o", "json", "fixtures"]).stdout)
    fixable = {r["id"] for r in report["rules"] if r["kind"] in ("deprecated-import", "event-schema")}
    left_lines = set(dry.stderr.splitlines()[1:])
    for finding in report["findings"]:
        if finding["rule"] in fixable:
            start = f"  {finding['path']}:{finding['line']}:{finding['col']}: {finding['rule']} not fixable: "
            assert any(line.startswith(start) for line in left_lines), start
    # a second fix is a no-op
    second = runner.invoke(main, ["fix", "--no-cache", "--unsafe-fixes", "fixtures"])
    assert second.stderr.startswith("0 files changed, 0 findings fixed")
    assert snapshot(root) == after


NOTIFIER_DIFF = '''\
--- a/fixtures/netra_backend/app/services/notifier.py
+++ b/fixtures/netra_backend/app/services/notifier.py
@@ -1,6 +1,6 @@
 """Notifier: a multi-line parenthesised import and an aliased module import."""
 
-from netra_backend.app.websocket_core import (
+from netra_backend.app.websocket_core.websocket_manager import (
     WebSocketManager,  # moved to websocket_manager
 )
 import netra_backend.app.websocket_core.websocket_manager_factory as factory
@@ -12,5 +12,5 @@
 
 
 def tool_events(user_id, thread_id):
-    yield {"event_type": "tool_executing", "timestamp": 1.0, "user_id": user_id, "thread_id": thread_id, "tool": "search", "data": {}}
+    yield {"event_type": "tool_executing", "timestamp": 1.0, "user_id": user_id, "thread_id": thread_id, "data": {"tool": "search"}}
     yield {"event_type": "tool_completed", "timestamp": 2.0, "user_id": user_id, "thread_id": thread_id, "data": {"ok": True}}
'''


def test_sample_notifier_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample(tmp_path)
    monkeypatch.chdir(root)
    # --select WS: the project-wide PI rules cannot judge one file (required events are emitted elsewhere)
    args = ["fix", "--no-cache", "--select", "WS", "--diff", "fixtures/netra_backend/app/services/notifier.py"]
    safe = CliRunner().invoke(main, args)
    assert safe.stdout == NOTIFIER_DIFF[: NOTIFIER_DIFF.index("@@ -12,5")]  # the event fix is unsafe
    assert safe.stderr.splitlines()[-2:] == [
        "  fixtures/netra_backend/app/services/notifier.py:15:11: WS003 unsafe fix not applied: reshaping an event changes the data the program sends and reads",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    result = CliRunner().invoke(main, [*args, "--unsafe-fixes"])
    assert result.exit_code == 1
    unsafe_header = "# ssot-lint: unsafe fix at fixtures/netra_backend/app/services/notifier.py:15:11 (WS003): reshaping an event changes the data the program sends and reads\n"
    assert result.stdout == unsafe_header + NOTIFIER_DIFF
    assert result.stderr.splitlines() == [
        "1 file would change, 2 findings would be fixed (1 by unsafe fixes), 2 findings would be left:",
        "  fixtures/netra_backend/app/services/notifier.py:6:8: WS002 not fixable: `factory.create_websocket_manager` (line 10)"
        " is a deprecated call; replace the call first",
        "  fixtures/netra_backend/app/services/notifier.py:10:15: WS002 not fixable: a deprecated call; replace it with"
        " netra_backend.app.websocket_core.websocket_manager:WebSocketManager by hand (its arguments may differ)",
        "  fixtures/netra_backend/app/services/notifier.py:15:11: WS003 unsafe fix applied: reshaping an event changes the data the program sends and reads",
    ]


# -- generated sources ----------------------------------------------------------------------------

IMPORT_RULE = DeprecatedImport(
    RuleMeta("DI", "{target}"),
    {
        "replace": {"old.pkg": "new.pkg", "shop.core:Manager": "shop.core.manager:Manager", "shop.core:Old": "shop.core.manager:New", "legacy": "modern.lib"},
        "calls": {"old.pkg.sub:make": ""},
    },
)
MODULES = ["old.pkg", "old.pkg.sub", "new.pkg", "shop.core", "shop.core.manager", "other"]
NAMES = ["Manager", "Other", "Old", "New", "sub", "a"]


@st.composite
def from_import(draw: st.DrawFn) -> str:
    module = draw(st.sampled_from(MODULES))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    parts = [n + (f" as {n.lower()}_" if draw(st.booleans()) else "") for n in names]
    if not draw(st.booleans()):
        return f"from {module} import {', '.join(parts)}"
    comments = [f"  # c{i}" if draw(st.booleans()) else "" for i in range(len(parts))]
    trailing = draw(st.booleans())
    body = "".join(f"    {p}{',' if i < len(parts) - 1 or trailing else ''}{c}\n" for i, (p, c) in enumerate(zip(parts, comments)))
    return f"from {module} import (\n{body})"


statement = st.one_of(
    from_import(),
    st.sampled_from(
        [
            "import old.pkg.sub",
            "import old.pkg.sub as s",
            "import legacy",
            "import new.pkg",
            "x = old.pkg.sub.f()",
            "y = legacy.run()",
            "sub.make()",
            "legacy = 1",
            "# a comment",
            "pass",
        ]
    ),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(statement, st.booleans()), min_size=1, max_size=6))
def test_generated_imports_keep_the_contract(lines: list[tuple[str, bool]]) -> None:
    source = ""
    for text, nested in lines:
        source += "if flag:\n" + "".join("    " + line + "\n" for line in text.splitlines()) + "    pass\n" if nested else text + "\n"
    fix_checked(IMPORT_RULE, source)


EVENT_RULE = EventSchema(
    RuleMeta("EV", "{problems}"),
    {
        "events": ["agent_started"],
        "required": ["event_type", "user_id", "data"],
        "allowed": ["event_type", "user_id", "data"],
        "rename": {"type": "event_type", "user": "user_id"},
        "value-types": {"user_id": "string"},
    },
)
KEYS = ["type", "event_type", "user", "user_id", "data", "extra", "tool"]
VALUES = ['"agent_started"', "1", "u", "{}", '{"k": 1}', '{"tool": 2}', "[\n        1,\n    ]"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES), st.booleans()), min_size=1, max_size=6, unique_by=lambda t: t[0]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_generated_events_keep_the_contract(entries: list[tuple[str, str, bool]], multiline: bool, trailing: bool, call: bool) -> None:
    entries = [("type", '"agent_started"', False)] + [e for e in entries if e[0] != "type"]
    if call:
        body = ", ".join(f"{k}={v}" for k, v, _ in entries)
        source = f"e = dict({body})\n"
    elif multiline:
        lines = [f'    "{k}": {v}{"," if i < len(entries) - 1 or trailing else ""}{"  # n" if c else ""}\n' for i, (k, v, c) in enumerate(entries)]
        source = "e = {\n" + "".join(lines) + "}\n"
    else:
        source = "e = {" + ", ".join(f'"{k}": {v}' for k, v, _ in entries) + ("," if trailing else "") + "}\n"
    fix_checked(EVENT_RULE, source)
