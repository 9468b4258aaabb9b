"""event20 (review17b, /tmp/review17b/repro): the event-schema fix's note, listing what in the same
file may break once an event is reshaped, said nothing where the fixed program failed: a later
write to ``data`` replaced the keys moved into it, a key read through a constant (``msg[TYPE]``),
an event leaving its name other than through a call or ``return ev``, a local helper passing it
on; and it listed another function's variable of the same name. A discriminator renamed to a key
that is no discriminator is a rule-file error (the fix always refused it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project
from tests.test_config_errors import check_error

RULE = '[[rule]]\nid = "EV1"\nkind = "event-schema"\nevents = ["update", "result"]\nrename = { type = "event_type" }\nallowed = ["event_type", "success", "data"]\n'
WHY = "EV1 unsafe fix applied: reshaping an event changes the data the program sends and reads"


def notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> list[str]:
    """The notes of ``fix --unsafe-fixes`` on ``app/mod.py``, without the common prefix."""
    write_project(tmp_path, {"app/__init__.py": "", "app/mod.py": code}, RULE)
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)
    prefix = f": {WHY}"
    found = [line.strip() for line in result.stderr.splitlines() if prefix in line]
    return [line.replace(prefix, " ~") for line in found]


# -- 1. a later write to the key the fix moves keys into -------------------------------------------
DATA_OVERWRITTEN = """\
def update_event(domain, key, ok, payload):
    event_msg = {
        "type": "update",
        "domain": domain,
        "key": key,
    }
    if ok:
        event_msg["success"] = True
        event_msg["data"] = payload   # replaces the dict the fix moves domain/key into
    return event_msg
"""


def test_the_reviewed_store_into_data_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Home Assistant system_health: 'domain' and 'key' moved into data, then data replaced
    assert notes(tmp_path, monkeypatch, DATA_OVERWRITTEN) == [
        "app/mod.py:2:17 ~; the file still replaces 'data' at app/mod.py:9; event_msg is returned at line 10: its reads are not known"
    ]


@pytest.mark.parametrize(
    ("statement", "tail"),
    [
        ('ev["data"] = payload', "; the file still replaces 'data' at app/mod.py:3"),
        ("ev.update(data=payload)", "; the file still replaces 'data' at app/mod.py:3"),
        ('ev.update({"data": payload}, success=True)', "; the file still replaces 'data' at app/mod.py:3"),
        ('ev |= {"data": payload}', "; the file still replaces 'data' at app/mod.py:3"),
        ('del ev["data"]', "; the file still deletes 'data' at app/mod.py:3"),
        ('ev.setdefault("data", payload)', "; the file still reads 'data' at app/mod.py:3"),
        ('print(ev["data"], "event_type" in ev)', "; the file still reads 'data' at app/mod.py:3, 'event_type' at app/mod.py:3"),
        ("ev.update(payload)", "; the file still writes a computed key at app/mod.py:3"),
        ('ev["type"] = "other"', "; the file still writes 'type' at app/mod.py:3"),  # was "still reads"
        ('ev["success"] = True', ""),  # a key the fix neither renames nor moves nor writes
    ],
)
def test_each_access_to_a_destination_of_the_fix_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statement: str, tail: str) -> None:
    code = f'def make(domain, payload):\n    ev = {{"type": "update", "domain": domain}}\n    {statement}\n'
    assert notes(tmp_path, monkeypatch, code) == [f"app/mod.py:2:10 ~{tail}"]


def test_an_event_bound_to_no_name_lists_the_accesses_to_data_through_any_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = 'def make(send, other, domain):\n    send({"type": "update", "domain": domain})\n    other["data"] = 1\n    return other.get("event_type")\n'
    assert notes(tmp_path, monkeypatch, code) == ["app/mod.py:2:10 ~; the file still reads 'event_type' at app/mod.py:4, replaces 'data' at app/mod.py:3"]


# -- 2. keys read through a constant, or computed ------------------------------------------------
KEY_CONSTANT = """\
TYPE = "type"   # Home Assistant style: keys read through constants (msg[ID], msg[TYPE])


def handle(success):
    msg = {"type": "result", "success": success}
    if msg[TYPE] == "result":
        return "ok"
    return msg.get(TYPE)
"""


def test_the_reviewed_reads_through_a_constant_are_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert notes(tmp_path, monkeypatch, KEY_CONSTANT) == ["app/mod.py:5:11 ~; the file still reads 'type' at app/mod.py:6, 'type' at app/mod.py:8"]


def test_a_key_given_by_anything_but_a_literal_or_a_constant_is_a_computed_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        'TYPE = "type"\nOTHER = "type"\nOTHER = "kind"\n\n\n'  # OTHER is bound twice: which value a read sees is not known
        "def handle(k, obj):\n"
        '    msg = {"type": "result", "success": True}\n'
        "    print(msg[TYPE], TYPE in msg, msg.get(OTHER), msg[k], msg[obj.TYPE], msg[0])\n"
        "    msg[k] = 1\n"
    )
    assert notes(tmp_path, monkeypatch, code) == [
        "app/mod.py:7:11 ~; the file still reads 'type' at app/mod.py:8, 'type' at app/mod.py:8, "
        "a computed key at app/mod.py:8, a computed key at app/mod.py:8, a computed key at app/mod.py:8, writes a computed key at app/mod.py:9"
    ]


def test_a_constant_shadowed_in_a_function_is_not_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = 'TYPE = "type"\n\n\ndef handle(TYPE):\n    msg = {"type": "result", "success": True}\n    return msg[TYPE]\n'
    assert notes(tmp_path, monkeypatch, code) == ["app/mod.py:5:11 ~; the file still reads a computed key at app/mod.py:6"]


# -- 3. an event that leaves its name any way not understood is an escape -------------------------
ESCAPES = """\
class Hub:
    def send(self, success):
        msg = {"type": "result", "success": success}
        self.last = msg                      # stored in an attribute
        return self.last["type"]


def as_tuple(success):
    res = {"type": "result", "success": success}
    return res, 200                          # returned inside a tuple


def boxed(success):
    out = {"type": "result", "success": success}
    queue = [out]                            # put in a list display
    return queue[0]["type"]


def wrapped(success):
    upd = {"type": "update", "success": success}
    env = {"payload": upd}                   # a value of another dict
    return env["payload"]["type"]


def unpacked(success):
    evt = {"type": "result", "success": success}
    first, _ = evt, None                     # tuple assignment
    return first["type"]


def chosen(success):
    note = {"type": "result", "success": success}
    pick = note if success else {}           # conditional expression
    return pick.get("type")


BASE_ERROR = {"type": "result", "success": False}   # Home Assistant's BASE_ERROR_MESSAGE pattern


def error_message(code):
    return {**BASE_ERROR, "error": code}     # spread into a dict that is returned
"""


def test_the_reviewed_escapes_are_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = ": its reads are not known"
    assert notes(tmp_path, monkeypatch, ESCAPES) == [
        f"app/mod.py:3:15 ~; msg escapes at line 4{unknown}",
        f"app/mod.py:9:11 ~; res escapes at line 10{unknown}",
        f"app/mod.py:14:11 ~; out escapes at line 15{unknown}",
        f"app/mod.py:20:11 ~; upd escapes at line 21{unknown}",
        f"app/mod.py:26:11 ~; evt escapes at line 27{unknown}",
        "app/mod.py:32:12 ~; the file still reads 'type' at app/mod.py:34",  # `x if c else y` may be the event: followed
        f"app/mod.py:37:14 ~; BASE_ERROR is returned at line 41{unknown}",  # a copy returned
    ]


@pytest.mark.parametrize(
    ("statements", "tail"),
    [
        ('match [ev]:\n        case [{"type": t}]:\n            pass', "; ev escapes at line 3"),
        ('print(f"{ev}")', "; ev escapes at line 3"),
        ("x, y = ev, 1", "; ev escapes at line 3"),
        ("other.all = {**ev}", "; ev escapes at line 3"),
        ("if ev == other:\n        pass", "; ev escapes at line 3"),
        ("other.send(ev.copy())", "; ev is passed to other.send at line 3"),
        ("for k in dict(ev):\n        pass", "; ev is iterated at line 3"),
        ("match ev:\n        case {**rest}:\n            pass", "; ev escapes at line 3"),
        ("ev.clear()", "; ev escapes at line 3"),
        ("class K(flag=ev):\n        pass", "; ev escapes at line 3"),  # a class keyword is no call's argument
    ],
)
def test_any_use_not_understood_is_an_escape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statements: str, tail: str) -> None:
    code = f'def make(other):\n    ev = {{"type": "result", "success": True}}\n    {statements}\n'
    assert notes(tmp_path, monkeypatch, code) == [f"app/mod.py:2:10 ~{tail}: its reads are not known"]


@pytest.mark.parametrize(
    ("statements", "tail"),
    [
        ("if ev and ev is not other:\n        pass", ""),  # its truth and identity do not change
        ('pick = ev or other\n    print(pick["type"])', "; the file still reads 'type' at app/mod.py:4"),
        ('match ev:\n        case {"type": "result"}:\n            pass\n        case _:\n            pass', "; the file still reads 'type' at app/mod.py:4"),
    ],
)
def test_uses_understood_are_no_escape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statements: str, tail: str) -> None:
    code = f'def make(other):\n    ev = {{"type": "result", "success": True}}\n    {statements}\n'
    assert notes(tmp_path, monkeypatch, code) == [f"app/mod.py:2:10 ~{tail}"]


# -- 4. a local helper that passes the event on -------------------------------------------------
HELPER_PASSES_ON = """\
import json


def kind_of(x):
    return x["type"]


def outer(m):
    return kind_of(m)          # the helper passes the event on to another helper


def relay(m):
    return json.loads(json.dumps(m))    # ... or out of sight


def run():
    ev = {"type": "result", "success": True}
    return outer(ev)


def run2():
    res = {"type": "result", "success": True}
    return relay(res)["type"]
"""


def test_the_reviewed_helpers_passing_the_event_on_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert notes(tmp_path, monkeypatch, HELPER_PASSES_ON) == [
        "app/mod.py:17:10 ~; ev is passed on by outer at line 9: its reads are not known",
        "app/mod.py:22:11 ~; res is passed on by relay at line 13: its reads are not known",
    ]


def test_what_a_helper_reads_stores_and_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "def helper(hub, m):\n"
        "    c = dict(m)\n"
        '    print(c["type"], m.get("data"))\n'
        "    hub.last = m\n"
        "    for k in m:\n"
        "        pass\n"
        "    return m\n\n\n"
        'ev = {"type": "result", "success": True}\n'
        "helper(None, ev)\n"
    )
    assert notes(tmp_path, monkeypatch, code) == [
        "app/mod.py:10:6 ~; the file still reads 'type' at app/mod.py:3 (helper, called with ev at line 11); "
        "ev is passed on by helper at line 4, ev is iterated by helper at line 5, ev is passed on by helper at line 7: its reads are not known"
    ]


# -- 5. a discriminator renamed to a key that is no discriminator --------------------------------
def test_a_discriminator_renamed_to_no_discriminator_is_a_rule_file_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "EV2"\nkind = "event-schema"\ndiscriminator = ["type"]\nevents = ["result"]\nrename = { type = "event_type" }\n'
    expected = (
        "ssot-lint: error: rules.toml:6: rule EV2: rename: the discriminator key 'type' is renamed to 'event_type', which is no "
        "discriminator, so an event fixed would no longer be one (add 'event_type' to 'discriminator')"
    )
    assert check_error(tmp_path, monkeypatch, rules) == expected
    assert check_error(tmp_path / "fix", monkeypatch, rules, args=["fix", "--unsafe-fixes"]) == expected


def test_the_default_discriminator_renamed_away_names_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "EV2"\nkind = "event-schema"\nrename = { type = "kind" }\n'
    assert check_error(tmp_path, monkeypatch, rules) == (
        "ssot-lint: error: rules.toml:4: rule EV2: rename: the discriminator key 'type' (by default, 'discriminator' is ['event_type', 'type']) "
        "is renamed to 'kind', which is no discriminator, so an event fixed would no longer be one (add 'kind' to 'discriminator')"
    )


# -- 6. a named event's reads and escapes are those of its own scope -----------------------------
OTHER_SCOPES = """\
import json


def handle_request(msg):
    # the incoming request, another dict that happens to be called msg too
    if msg["type"] == "ping":
        return json.dumps(msg)
    return msg


def reply(send, ok):
    msg = {"type": "result", "success": ok}
    send(msg)
"""


def test_the_reviewed_other_functions_variable_is_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert notes(tmp_path, monkeypatch, OTHER_SCOPES) == ["app/mod.py:12:11 ~; msg is passed to send at line 13: its reads are not known"]


SCOPES = """\
EV = {"type": "result", "success": True}


def reads_global():
    return EV["type"]


def shadows(EV):
    return EV["type"]


def local():
    EV = {"kind": 1}
    return EV.get("type")


def make():
    ev = {"type": "result", "success": True}

    def inner():
        return ev["type"]

    return [e["type"] for e in [inner()]], (lambda ev: ev["type"])({})
"""


def test_reads_through_the_same_name_bound_in_another_scope_are_not_the_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a module-level event is read by a function that does not bind the name; a closure reads
    # its function's event; a parameter or local variable of the same name is another value
    assert notes(tmp_path, monkeypatch, SCOPES) == [
        "app/mod.py:1:6 ~; the file still reads 'type' at app/mod.py:5",
        "app/mod.py:18:10 ~; the file still reads 'type' at app/mod.py:21",
    ]


NONLOCAL_GLOBAL_CLASS = """\
EV = None


def setup():
    global EV
    EV = {"type": "result", "success": True}


def use():
    return EV["type"]


def make():
    ev = {"type": "result", "success": True}

    def later():
        nonlocal ev
        print(ev["type"])
        ev = {}

    class Box:
        ev = None
        kind = ev  # the class's ev

        def read(self):
            return ev["type"]  # the function's: a class body's names are not seen from its methods

    return [x for x in ev["type"]], [ev for _ in range(1)]
"""


def test_global_nonlocal_class_bodies_and_comprehensions_are_scoped_as_python_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert notes(tmp_path, monkeypatch, NONLOCAL_GLOBAL_CLASS) == [
        "app/mod.py:6:10 ~; the file still reads 'type' at app/mod.py:10",
        # a comprehension's first iterable is evaluated in the function; its element is not
        "app/mod.py:14:10 ~; the file still reads 'type' at app/mod.py:18, 'type' at app/mod.py:26, 'type' at app/mod.py:28; "
        "ev escapes at line 28: its reads are not known",
    ]
