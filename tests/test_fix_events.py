"""Golden before/after cases for the event-schema fix, with the same contract checks as the
import goldens: re-parses, idempotent, and ``check`` afterwards reports exactly what was left."""

from __future__ import annotations

import pytest

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.base import OptionError, RuleMeta
from ssot_lint.kinds.event_schema.check import EventSchema
from tests.fix_contract import REF, fix_checked

OPTIONS = {
    "events": ["agent_started", "tool_executing"],
    "required": ["event_type", "timestamp", "user_id", "data"],
    "allowed": ["event_type", "timestamp", "user_id", "thread_id", "data"],
    "rename": {"type": "event_type", "time": "timestamp", "user": "user_id"},
    "value-types": {"timestamp": "number"},
}


def fix(before: str, options: dict | None = None) -> tuple[str, int, list[tuple[int, int, str]]]:
    return fix_checked(EventSchema(RuleMeta("EV", "{problems}"), options or OPTIONS), before)


GOLDEN = [
    pytest.param(
        'def legacy(u):\n    return {\n        "type": "agent_started",\n        "time": 1.5,\n        "user": u,\n        "agent_name": "x",\n        "run": 7,\n    }\n',
        'def legacy(u):\n    return {\n        "event_type": "agent_started",\n        "timestamp": 1.5,\n        "user_id": u,\n        "data": {"agent_name": "x", "run": 7},\n    }\n',
        1,
        id="rename-and-create-data-in-place-of-the-first-moved-key",
    ),
    pytest.param(
        "e = {'type': 'agent_started', 'time': 1, 'user': u, 'data': {}}\n",
        "e = {'event_type': 'agent_started', 'timestamp': 1, 'user_id': u, 'data': {}}\n",
        1,
        id="rename-keeps-quote-style",
    ),
    pytest.param(
        'e = {"event_type": "tool_executing", "tool": "search", "timestamp": 1, "user_id": u, "data": {"ok": True}}\n',
        'e = {"event_type": "tool_executing", "timestamp": 1, "user_id": u, "data": {"ok": True, "tool": "search"}}\n',
        1,
        id="merge-into-existing-data-one-line",
    ),
    pytest.param(
        'e = {"event_type": "tool_executing", "tool": "search", "timestamp": 1, "user_id": u, "data": {}}\n',
        'e = {"event_type": "tool_executing", "timestamp": 1, "user_id": u, "data": {"tool": "search"}}\n',
        1,
        id="merge-into-empty-data",
    ),
    pytest.param(
        'e = {\n    "event_type": "tool_executing",\n    "timestamp": 1,\n    "user_id": u,\n    "tool": "search",\n    "data": {\n        "ok": True,  # checked\n        "nested": {"a": 1},\n    },\n}\n',
        'e = {\n    "event_type": "tool_executing",\n    "timestamp": 1,\n    "user_id": u,\n    "data": {\n        "ok": True,  # checked\n        "nested": {"a": 1},\n        "tool": "search",\n    },\n}\n',
        1,
        id="merge-into-nested-multiline-data",
    ),
    pytest.param(
        'e = {\n    "event_type": "tool_executing",\n    "timestamp": 1,\n    "user_id": u,\n    "data": {"ok": True},\n    "tool": "search"\n}\n',
        'e = {\n    "event_type": "tool_executing",\n    "timestamp": 1,\n    "user_id": u,\n    "data": {"ok": True, "tool": "search"}\n}\n',
        1,
        id="moved-last-key-without-trailing-comma",
    ),
    pytest.param(
        "e = dict(type='agent_started', time=1, user_id=u, tool='s', run=2)\n",
        "e = dict(event_type='agent_started', timestamp=1, user_id=u, data={\"tool\": 's', \"run\": 2})\n",
        1,
        id="dict-call-rename-and-create-data",
    ),
    pytest.param(
        "e = dict(event_type='tool_executing', tool='s', timestamp=1, user_id=u, data={'ok': True},)\n",
        "e = dict(event_type='tool_executing', timestamp=1, user_id=u, data={'ok': True, \"tool\": 's'},)\n",
        1,
        id="dict-call-merge-into-data",
    ),
    pytest.param(
        'outer = {"event_type": "agent_started", "timestamp": 1, "user_id": u, "data": {"inner": {"type": "tool_executing", "timestamp": 2, "user_id": u, "data": {}}}}\n',
        'outer = {"event_type": "agent_started", "timestamp": 1, "user_id": u, "data": {"inner": {"event_type": "tool_executing", "timestamp": 2, "user_id": u, "data": {}}}}\n',
        1,
        id="event-nested-in-data",
    ),
    pytest.param(
        'x = {"type": "heartbeat", "time": "now", "junk": 1}\n', 'x = {"type": "heartbeat", "time": "now", "junk": 1}\n', 0, id="not-an-event-untouched"
    ),
    # A key written with an escape or as concatenated literals is read by its value (tester7:
    # it was "a ** spread or computed key"): moved into data as written.
    pytest.param(
        'e = {"event_type": "tool_executing", "timestamp": 1, "user_id": u, "data": {}, "to\\x6fl": "s", "r" "un": 2}\n',
        'e = {"event_type": "tool_executing", "timestamp": 1, "user_id": u, "data": {"to\\x6fl": "s", "r" "un": 2}}\n',
        1,
        id="escaped-and-concatenated-keys-move",
    ),
]


@pytest.mark.parametrize("before, after, fixed", GOLDEN)
def test_golden(before: str, after: str, fixed: int) -> None:
    assert fix(before) == (after, fixed, [])


LEFT = [
    pytest.param(
        'e = {"type": "agent_started", "time": "2023", "user": u}\n',
        'e = {"event_type": "agent_started", "timestamp": "2023", "user_id": u}\n',
        "not fixable: 'timestamp' must be a number, not a string (a value is never converted); missing 'data' (a value is never invented)",
        id="types-never-converted-values-never-invented",
    ),
    pytest.param(
        'e = {"event_type": "agent_started", "extra": 1, "timestamp": 1, "user_id": u, "data": payload}\n',
        'e = {"event_type": "agent_started", "extra": 1, "timestamp": 1, "user_id": u, "data": payload}\n',
        "not fixable: 'data' is not a dict literal, so keys cannot be merged into it",
        id="data-not-a-dict-literal",
    ),
    pytest.param(
        'e = {"event_type": "agent_started", "extra": 1, "time": 1, "user_id": u, "data": {**d}}\n',
        'e = {"event_type": "agent_started", "extra": 1, "timestamp": 1, "user_id": u, "data": {**d}}\n',
        "not fixable: 'data' has a ** spread or computed key, so keys cannot be merged into it",
        id="data-with-spread-renames-still-applied",
    ),
    pytest.param(
        'e = {"event_type": "agent_started", "ok": 1, "timestamp": 1, "user_id": u, "data": {"ok": 2}}\n',
        'e = {"event_type": "agent_started", "ok": 1, "timestamp": 1, "user_id": u, "data": {"ok": 2}}\n',
        "not fixable: 'ok' cannot move: 'data' already has that key",
        id="key-already-in-data",
    ),
    pytest.param(
        'e = {\n    "event_type": "agent_started",\n    "agent": 1,  # who\n    "timestamp": 1,\n    "user_id": u,\n    "data": {},\n}\n',
        'e = {\n    "event_type": "agent_started",\n    "agent": 1,  # who\n    "timestamp": 1,\n    "user_id": u,\n    "data": {},\n}\n',
        "not fixable: 'agent' cannot move: a comment is attached to it",
        id="comment-attached-to-moved-key",
    ),
    pytest.param(
        'e = {"event_type": "agent_started", "type": "agent_started", "timestamp": 1, "user_id": u, "data": {}}\n',
        'e = {"event_type": "agent_started", "type": "agent_started", "timestamp": 1, "user_id": u, "data": {}}\n',
        "not fixable: 'type' cannot become 'event_type': both are present",
        id="legacy-and-canonical-both-present",
    ),
    pytest.param(
        'e = {"event_type": "agent_started", **base, "extra": 1}\n',
        'e = {"event_type": "agent_started", **base, "extra": 1}\n',
        "not fixable: a ** spread or computed key hides the dict's shape",
        id="spread",
    ),
    pytest.param(
        'e = {"event_type": "agent_started", "extra": 1, "timestamp": 1, "user_id": u, "data": {}, "extra": 2}\n',
        'e = {"event_type": "agent_started", "extra": 1, "timestamp": 1, "user_id": u, "data": {}, "extra": 2}\n',
        "not fixable: the dict repeats the key 'extra' (which value wins would change)",
        id="repeated-key",
    ),
    pytest.param(
        'e = dict(base, event_type="agent_started", extra=1)\n',
        'e = dict(base, event_type="agent_started", extra=1)\n',
        "not fixable: a ** spread or computed key hides the dict's shape",
        id="dict-call-positional",
    ),
]


@pytest.mark.parametrize("before, after, reason", LEFT)
def test_left_with_reason(before: str, after: str, reason: str) -> None:
    assert fix(before) == (after, 0, [(1, 5, reason)])


def test_discriminator_is_never_renamed_away() -> None:
    # a rule-file error since event20: the fix refused every event the rule flagged
    options = {**OPTIONS, "discriminator": ["type"], "rename": {"type": "kind"}, "allowed": None, "required": ["timestamp"]}
    with pytest.raises(OptionError, match=r"^rename: the discriminator key 'type' is renamed to 'kind', which is no discriminator"):
        EventSchema(RuleMeta("EV", "{problems}"), options)


def test_crlf_and_fix_positions_of_several_events() -> None:
    before = 'a = {"type": "agent_started", "time": 1, "user": u, "data": {}}\r\nb = {"event_type": "agent_started"}\r\n'
    after, fixed, left = fix(before)
    assert after == 'a = {"event_type": "agent_started", "timestamp": 1, "user_id": u, "data": {}}\r\nb = {"event_type": "agent_started"}\r\n'
    assert fixed == 1
    assert left == [
        (
            2,
            5,
            "not fixable: missing 'timestamp' (a value is never invented); missing 'user_id' (a value is never invented); missing 'data' (a value is never invented)",
        )
    ]


PAYLOAD = {**OPTIONS, "required": ["event_type", "timestamp", "user_id", "payload"], "allowed": ["event_type", "timestamp", "user_id", "payload"]}


def test_data_key_names_the_nested_dict_in_messages_and_fix() -> None:
    rule = EventSchema(RuleMeta("EV", "{problems}"), {**PAYLOAD, "data-key": "payload"})
    before = 'e = {"event_type": "agent_started", "timestamp": 1, "user_id": u, "tool": "s", "payload": {"a": 1}}\n'
    (finding,) = analyze_source(before.encode(), REF, [rule]).findings
    assert finding.message == "'tool' is not allowed at top level (move it into 'payload')"
    assert fix_checked(rule, before) == (before.replace('"tool": "s", ', "").replace('{"a": 1}', '{"a": 1, "tool": "s"}'), 1, [])
    created = 'e = dict(event_type="agent_started", timestamp=1, user_id=u, tool="s")\n'
    assert fix_checked(rule, created)[0] == 'e = dict(event_type="agent_started", timestamp=1, user_id=u, payload={"tool": "s"})\n'


def test_a_data_key_that_cannot_be_a_keyword_blocks_moves_in_dict_calls() -> None:
    rule = EventSchema(RuleMeta("EV", "{problems}"), {**PAYLOAD, "allowed": [*PAYLOAD["allowed"], "event-data"], "data-key": "event-data"})
    before = 'e = dict(event_type="agent_started", timestamp=1, user_id=u, payload={}, tool="s")\n'
    assert fix_checked(rule, before)[1:] == (0, [(1, 5, "not fixable: keys cannot move into 'event-data': it is not a valid keyword argument name")])


def test_default_data_key_is_data() -> None:
    rule = EventSchema(RuleMeta("EV", "{problems}"), OPTIONS)
    (finding,) = analyze_source(b'e = {"event_type": "agent_started", "timestamp": 1, "user_id": u, "data": {}, "payload": {}}\n', REF, [rule]).findings
    assert finding.message == "'payload' is not allowed at top level (move it into 'data')"


def test_a_key_spelling_the_discriminator_with_an_escape_cannot_be_verified() -> None:
    # Only a discriminator key must be written verbatim (the text prefilter reads it).
    source = 'e = {"event_type": "tool_executing", "timestamp": 1, "user_id": u, "data": {}, "event_typ\\x65": "x"}\n'
    result = analyze_source(source.encode(), REF, [EventSchema(RuleMeta("EV", "{problems}"), OPTIONS)])
    assert [(f.line, f.severity, f.message) for f in result.findings] == [(1, "info", "cannot be verified (** spread or computed key)")]
    assert fix(source) == (source, 0, [(1, 5, "not fixable: a ** spread or computed key hides the dict's shape")])


def test_an_event_the_fix_reshapes_in_part_is_reported_with_an_unsafe_fix() -> None:
    # The fix renames a legacy key even when a missing key stays a finding, so check must not
    # call such an event unfixable; one with only a missing key has no fix.
    rule = EventSchema(RuleMeta("EV", "{problems}"), OPTIONS)
    partly = 'e = {"type": "agent_started", "timestamp": 1, "user_id": u}\n'
    (finding,) = analyze_source(partly.encode(), REF, [rule]).findings
    assert (finding.message, finding.applicability) == ("legacy key 'type' (use 'event_type'); missing 'data'", "unsafe")
    after = partly.replace('"type"', '"event_type"')
    assert fix(partly) == (after, 0, [(1, 5, "not fixable: missing 'data' (a value is never invented)")])
    (left,) = analyze_source(after.encode(), REF, [rule]).findings
    assert (left.message, left.applicability) == ("missing 'data'", "")
