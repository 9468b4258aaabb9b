"""required-events: events nothing emits, reported at the rule in its rule file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.required_events import RequiredEvents
from ssot_lint.model import FileRef
from tests.helpers import run_cli, write_project
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


def test_emitters_that_carry_the_event_in_their_name() -> None:
    files = {
        "a.py": "emit_agent_started(run)\nself.notifier.emit_agent_thinking(run, text)\n",
        "b.py": "bus.on_tool_executing()\nbus.on_tool_completed_done()\nemit_agent_completed_later()\nemit_agent_complete()\n",
    }
    r = rule(emitters=["emit_{event}", "bus.on_{event}"])
    assert [f[3] for f in findings(r, files)] == ["required event agent_completed is never emitted", "required event tool_completed is never emitted"]
    # Wildcards around {event}; a dotted pattern matches the whole call name; plain patterns still work.
    r = rule(emitters=["emit_{event}*", "*.on_{event}_done", "send"])
    assert [f[3] for f in findings(r, {**files, "c.py": 'send("tool_executing")\n'})] == []
    # Counted per call, whatever the arguments; only the calls' names are read.
    result = analyze_source(b"emit_agent_started()\nemit_agent_started(x)\nemit_agent_started = 1\n", FileRef("a.py", "a"), [rule(emitters=["emit_{event}"])])
    assert result.facts == {"T1": (("agent_started", 2),)}


@pytest.mark.parametrize(
    ("emitters", "error"),
    [
        ('["emit", "emit_{evt}"]', "'emitters': 'emit_{evt}': unknown placeholder {evt} (only {event} is known)"),
        ('["on_{event}_{event}"]', "'emitters': 'on_{event}_{event}': {event} may appear once"),
        ('["emit_{event!r}"]', "'emitters': 'emit_{event!r}': {event} takes no conversion or format spec"),
        ('["emit_{event:>5}"]', "'emitters': 'emit_{event:>5}': {event} takes no conversion or format spec"),
        ('["emit_{event"]', "'emitters': 'emit_{event': expected '}' before end of string (write {event} for the event's place in the name)"),
        ('["emit_event}"]', "'emitters': 'emit_event}': Single '}' encountered in format string (write {event} for the event's place in the name)"),
    ],
)
def test_malformed_event_patterns_are_refused_at_load_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emitters: str, error: str) -> None:
    rules = f'[[rule]]\nid = "EV1"\nkind = "required-events"\nevents = ["agent_started"]\nemitters = {emitters}\n'
    write_project(tmp_path, {"ssot-lint.toml": 'rule-files = ["rules.toml"]\n', "rules.toml": rules, "a.py": ""})
    result = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"ssot-lint: error: rules.toml:5: rule EV1: {error}"]  # at the emitters line
