"""Issue #13, review12 (/tmp/rv12b-2): tests that assert a deprecation warning by other means than
``pytest.warns`` — ``catch_warnings(record=True)``, ``pytest.raises(DeprecationWarning)`` /
``assertRaises(DeprecationWarning)`` under ``simplefilter("error")``, pytest's ``recwarn`` fixture
— import the deprecated module on purpose. ``fix`` rewrote all four as safe and the tests went
from 4 passed to 4 failed. The program test runs the test file with pytest before and after."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

OLD = "import warnings\n\nwarnings.warn('old.mod is deprecated; use new.mod instead', DeprecationWarning, stacklevel=2)\nfrom new.mod import X\n"
PACKAGES = {"new/__init__.py": "", "new/mod.py": "X = 1\n", "old/__init__.py": "", "old/mod.py": OLD}
RULES = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n\n[[rule]]\nid = "D2"\nkind = "deprecated-import"\nreplace = { "old.mod" = "new.mod" }\n'
REVIEWED = """\
import sys
import unittest
import warnings

import pytest


def test_record():
    sys.modules.pop("old.mod", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from old.mod import X
    assert X == 1
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)


def test_raises():
    sys.modules.pop("old.mod", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning):
            from old.mod import X


def test_recwarn(recwarn):
    sys.modules.pop("old.mod", None)
    warnings.simplefilter("always")
    from old.mod import X
    assert recwarn.pop(DeprecationWarning)


class T(unittest.TestCase):
    def test_assert_raises(self):
        sys.modules.pop("old.mod", None)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with self.assertRaises(DeprecationWarning):
                from old.mod import X
"""


def pytest_summary(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    return done.stdout.strip().splitlines()[-1].split(" in ")[0]


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int, str]]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    return [(f["path"], f["line"], f["col"], f["rule"]) for f in report["findings"]]


def test_the_reviewed_tests_still_pass_after_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {**PACKAGES, "tests/test_old.py": REVIEWED, "app.py": "from old.mod import X\n"}, RULES)
    assert pytest_summary(root) == "4 passed"
    # only the application's import is debt, for both kinds
    assert findings(root, monkeypatch) == [("app.py", 1, 6, "D2"), ("app.py", 1, 6, "DD1")]
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert (root / "app.py").read_text() == "from new.mod import X\n"
    assert (root / "tests/test_old.py").read_text() == REVIEWED
    assert pytest_summary(root) == "4 passed"


# One shape per test, each in a function `t` whose import is on line 7.
HEADER = "import unittest\nimport warnings\n\nimport pytest\n"


@pytest.mark.parametrize(
    "body, counted",
    [
        pytest.param("def t():\n    with warnings.catch_warnings(record=True) as w:\n        from old.mod import X\n", False, id="catch-record"),
        pytest.param("def t():\n    with warnings.catch_warnings(record=False):\n        from old.mod import X\n", True, id="catch-record-false"),
        pytest.param("def t():\n    with warnings.catch_warnings():\n        from old.mod import X\n", True, id="catch-silences"),
        pytest.param("def t():\n    with pytest.raises(DeprecationWarning):\n        from old.mod import X\n", False, id="pytest-raises"),
        pytest.param("def t():\n    with pytest.raises((ValueError, FutureWarning)):\n        from old.mod import X\n", False, id="raises-tuple"),
        pytest.param("def t():\n    with pytest.raises(expected_exception=UserWarning):\n        from old.mod import X\n", False, id="raises-keyword"),
        pytest.param("def t():\n    with pytest.raises(ValueError):\n        from old.mod import X\n", True, id="raises-error"),
        pytest.param("def t(self):\n    with self.assertRaises(DeprecationWarning):\n        from old.mod import X\n", False, id="assert-raises"),
        pytest.param(
            "def t(self):\n    with self.assertRaisesRegex(DeprecationWarning, 'old'):\n        from old.mod import X\n", False, id="assert-raises-regex"
        ),
        pytest.param(
            "def t(self):\n    with self.assertRaisesMessage(RemovedInDjango60Warning, 'old'):\n        from old.mod import X\n", False, id="raises-message"
        ),
        pytest.param("def t(self):\n    with self.assertRaises(KeyError):\n        from old.mod import X\n", True, id="assert-raises-error"),
        pytest.param("def t(recwarn):\n    warnings.simplefilter('always')\n    from old.mod import X\n", False, id="recwarn"),
        pytest.param("def t(*, recwarn):\n    pass\n    from old.mod import X\n", False, id="recwarn-keyword-only"),
        pytest.param("def t(rec):\n    pass\n    from old.mod import X\n", True, id="no-recwarn"),
    ],
)
def test_each_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, counted: bool) -> None:
    source = HEADER + body
    assert source.splitlines()[6].endswith("from old.mod import X")
    root = write_project(tmp_path, {**PACKAGES, "tests/test_a.py": source}, RULES)
    col = source.splitlines()[6].index("old.mod") + 1
    expected = [("tests/test_a.py", 7, col, "D2"), ("tests/test_a.py", 7, col, "DD1")] if counted else []
    assert findings(root, monkeypatch) == expected
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert (root / "tests/test_a.py").read_text() == (source.replace("old.mod", "new.mod") if counted else source)


def test_a_name_used_only_in_a_recwarn_test_is_a_tested_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # as with pytest.warns: the import at the top is there for the test of the deprecation
    source = "from old.mod import X\n\n\ndef test_x(recwarn):\n    assert X == 1\n\n\ndef test_y():\n    pass\n"
    root = write_project(tmp_path, {**PACKAGES, "tests/test_a.py": source}, RULES)
    assert findings(root, monkeypatch) == []
    used_outside = source.replace("    pass\n", "    assert X\n")
    (root / "tests/test_a.py").write_text(used_outside)
    assert findings(root, monkeypatch) == [("tests/test_a.py", 1, 6, "D2"), ("tests/test_a.py", 1, 6, "DD1")]


# -- event-schema's "still reads" note (/tmp/rv12b-4): reads through helpers and copies, and
# where the event escapes. The fix is unsafe either way; the note is what a user reads first.
EVENT_RULE = (
    '[[rule]]\nid = "EV1"\nkind = "event-schema"\nevents = ["agent_started"]\n'
    'allowed = ["event_type", "timestamp", "user_id", "data"]\nrename = { type = "event_type", time = "timestamp", user = "user_id" }\n'
)
WHY = "EV1 unsafe fix not applied: reshaping an event changes the data the program sends and reads"
APP = """\
import json
from typing import TypedDict


class AgentStarted(TypedDict):
    type: str
    time: float
    agent: str


def kind_of(e):
    return e["type"]


def agent_of(e):
    return e.get("agent")


def make():
    ev = {"type": "agent_started", "time": 1.5, "user": "u", "agent": "a1"}
    copy = dict(**ev)
    merged = ev | {"extra": 1}
    print(kind_of(ev), agent_of(ev), copy["type"], merged["agent"])
    print(json.dumps(ev, sort_keys=True) == '{"agent": "a1", "time": 1.5, "type": "agent_started", "user": "u"}')
    typed: AgentStarted = ev
    print(typed["agent"])
    t, a = ev["type"], ev["agent"]
    for k, v in ev.items():
        if k == "agent":
            print("agent", v)
    match ev:
        case {"type": who}:
            print("matched", who)
    getter = lambda d: d["time"]
    print(getter(ev))
    return ev


make()
"""


def event_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> str:
    write_project(tmp_path, {"app.py": code}, EVENT_RULE)
    result = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == code  # unsafe: not applied
    (note,) = [line.strip() for line in result.stderr.splitlines() if "EV1 unsafe" in line]
    return note


def test_the_reviewed_note_names_every_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # before: 'type' at 21, 23 (the `dict(**ev)` copy and ev["type"]), 'agent' at 21, 27 ... and
    # not kind_of's e["type"] at line 12, where the fixed program raised KeyError: 'type'
    assert event_note(tmp_path, monkeypatch, APP) == (
        f"app.py:20:10: {WHY}; the file still reads "
        "'agent' at app.py:16 (agent_of, called with ev at line 23), 'agent' at app.py:23, 'agent' at app.py:26, 'agent' at app.py:27, "
        "'time' at app.py:34 (getter, called with ev at line 35), "
        "'type' at app.py:12 (kind_of, called with ev at line 23), 'type' at app.py:23, 'type' at app.py:27, 'type' at app.py:32; "
        "ev is passed to json.dumps at line 24, ev is iterated at line 28, ev is returned at line 36: its reads are not known"
    )


@pytest.mark.parametrize(
    "copy",
    [
        "c = ev",
        "c = dict(ev)",
        "c = dict(**ev)",
        "c = {**ev, 'x': 1}",
        "c = ev | {'x': 1}",
        "c = ev.copy()",
        "c = copy.copy(ev)",
        "c: dict = copy.deepcopy(ev)",
    ],
)
def test_a_copy_is_read_as_the_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy: str) -> None:
    code = f"import copy\n\nev = {{'type': 'agent_started', 'agent': 'a'}}\n{copy}\nd = c\nprint(d['type'], 'type' in c)\n"
    assert event_note(tmp_path, monkeypatch, code) == f"app.py:3:6: {WHY}; the file still reads 'type' at app.py:6, 'type' at app.py:6"


def test_a_helper_called_by_keyword_and_one_level_deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "def inner(x):\n    return x['time']\n\n\n"
        "def helper(a, *, event):\n    a.get('type')\n    inner(event)\n    return event.get('user')\n\n\n"
        "ev = {'type': 'agent_started', 'time': 1, 'user': 'u'}\n"
        "helper(None, event=ev)\n"
    )
    # inner is two levels down: not followed, but named as where helper passes the event on
    # (event20); helper's `a` is not the event
    assert event_note(tmp_path, monkeypatch, code) == (
        f"app.py:11:6: {WHY}; the file still reads 'user' at app.py:8 (helper, called with ev at line 12); "
        "ev is passed on by helper at line 7: its reads are not known"
    )


def test_an_event_bound_to_no_name_and_reads_through_other_names_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "ev = {'type': 'agent_started'}\nother = {'type': 1}\nprint(other['type'])\nsend = print\nsend(ev)\n"
    assert event_note(tmp_path, monkeypatch, code) == f"app.py:1:6: {WHY}; ev is passed to send at line 5: its reads are not known"
