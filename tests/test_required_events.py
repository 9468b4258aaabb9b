"""required-events: events nothing emits, reported at the rule in its rule file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.required_events import RequiredEvents
from ssot_lint.model import FileRef
from tests.helpers import write_project
from tests.integrity_helpers import REPO, build, cli, cli_json, findings

EVENTS = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"]


def rule(**options: object) -> RequiredEvents:
    return build(RequiredEvents, origin="rules/events.toml", line=12, events=EVENTS, **options)  # type: ignore[return-value]


def test_every_way_of_emitting_counts() -> None:
    files = {
        "a.py": 'e = {"event_type": "agent_started", "data": {}}\nlegacy = {"type": "agent_thinking"}\n',
        "b.py": 'x = dict(event_type="tool_executing")\nemit("tool_completed", payload)\n',
        "c.py": 'self.ws.bus.emit_event(event_type="agent_completed")\n',
    }
    assert findings(rule(emitters=["emit", "*.emit_event"]), files) == []


def test_missing_events_are_findings_at_the_rule_with_details() -> None:
    files = {
        "a.py": 'e = {"event_type": "agent_started"}\n',
        "b.py": '"""agent_thinking is documented here only."""\n# {"event_type": "tool_executing"}\nNAME = "tool_completed"\nemit(NAME)\nemit(f"agent_completed")\n',
    }
    assert findings(rule(emitters=["emit"]), files) == [  # same place: ordered by message
        ("rules/events.toml", 12, 1, "required event agent_completed is never emitted"),
        ("rules/events.toml", 12, 1, "required event agent_thinking is never emitted"),
        ("rules/events.toml", 12, 1, "required event tool_completed is never emitted"),
        ("rules/events.toml", 12, 1, "required event tool_executing is never emitted"),
    ]


def test_emitter_patterns_match_last_name_or_dotted_name() -> None:
    only = ["agent_started"]
    cases = {
        "emit": ['emit("agent_started")', 'self.bus.emit("agent_started")', 'get_bus().emit("agent_started")'],
        "*.emit_event": ['self.ws.emit_event("agent_started")', 'get().emit_event("agent_started")'],
        "bus.send*": ['bus.send_event("agent_started")', 'bus.send("agent_started")'],
        "?.emit": ['get_bus().emit("agent_started")'],
    }
    for pattern, calls in cases.items():
        for call in calls:
            r = build(RequiredEvents, events=only, emitters=[pattern])
            assert findings(r, {"a.py": call + "\n"}) == [], (pattern, call)
    misses = {"emit": 'emit_later("agent_started")', "*.emit_event": 'emit_event("agent_started")', "bus.send*": 'other.send("agent_started")'}
    for pattern, call in misses.items():
        r = build(RequiredEvents, events=only, emitters=[pattern])
        assert len(findings(r, {"a.py": call + "\n"})) == 1, (pattern, call)
    no_emitters = build(RequiredEvents, events=only)
    assert len(findings(no_emitters, {"a.py": 'emit("agent_started")\n'})) == 1


def test_discriminator_option_and_first_present_key() -> None:
    r = build(RequiredEvents, events=["agent_started"], discriminator=["kind"])
    assert findings(r, {"a.py": 'e = {"kind": "agent_started"}\n'}) == []
    assert len(findings(r, {"a.py": 'e = {"event_type": "agent_started"}\n'})) == 1
    # The first present discriminator decides: here event_type names another event.
    both = build(RequiredEvents, events=["agent_started"])
    assert len(findings(both, {"a.py": 'e = {"type": "agent_started", "event_type": "other"}\n'})) == 1


def test_files_without_an_event_name_are_not_parsed() -> None:
    r = build(RequiredEvents, events=["agent_started"], emitters=["emit"])
    ref = FileRef("a.py", "a")
    assert analyze_source(b'emit("other")\n', ref, [r]).parsed is False
    result = analyze_source(b'emit("agent_started")\nemit("agent_started")\n', ref, [r])
    assert result.parsed and result.facts == {"T1": (("agent_started", 2),)}


def test_scope_limits_where_emissions_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "ssot-lint.toml": 'rule-files = ["rules/events.toml"]\n',
            "rules/events.toml": '# events\n\n[[rule]]\nid = "EV1"\nkind = "required-events"\npaths = ["app/"]\nevents = ["agent_started", "agent_failed"]\n',
            "app/service.py": 'e = {"event_type": "agent_started"}\n',
            "app/broken.py": 'bad = {"event_type": "agent_failed"\n',
            "tests/test_x.py": 'e = {"event_type": "agent_failed"}\n',  # out of the rule's scope
        },
    )
    code, out = cli(["check", "--no-cache", "--no-color"], tmp_path, monkeypatch)
    assert code == 1
    assert out.splitlines()[:2] == [
        "app/broken.py:1:7: SSOT000 error: syntax error: '{' was never closed",
        "rules/events.toml:3:1: EV1 error: required event agent_failed is never emitted",
    ]
    code, report = cli_json(["check"], tmp_path, monkeypatch)
    jsonschema.validate(report, json.loads((REPO / "ssot_lint" / "schemas" / "report.schema.json").read_text()))
    assert report["rules"][0]["details"] == {"emitted": {"agent_started": 1}, "missing": ["agent_failed"]}
    assert [(f["rule"], f["path"], f["line"], f["col"]) for f in report["findings"]] == [
        ("SSOT000", "app/broken.py", 1, 7),
        ("EV1", "rules/events.toml", 3, 1),
    ]
