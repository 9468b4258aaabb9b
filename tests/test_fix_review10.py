"""Issue #13, review10: what ``fix`` got wrong in the adversarial review's projects (/tmp/rv10-*).
Text cases check exactly what is written; program tests run the project before and after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {} }}\n'
SPLIT = {"pkg/__init__.py": "", "pkg/a.py": "A = 1\n", "pkg/b.py": "B = 2\n", "pkg/old.py": "from pkg.a import A\nfrom pkg.b import B\nC = 3\n"}
SPLIT_RULE = RULE.format('"pkg.old:A" = "pkg.a:A", "pkg.old:B" = "pkg.b:B"')


def run_module(root: Path, module: str) -> str:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout + (done.stderr.splitlines()[-1] if done.returncode else "")


def fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str, files: dict[str, str] = SPLIT, rule: str = SPLIT_RULE) -> str:
    root = write_project(tmp_path, {**files, "pkg/app.py": app}, rule)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "left:" not in result.stderr, result.stderr
    return (root / "pkg/app.py").read_text()


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param(
            "from pkg.old import A, B, C  # noqa: F401\n",
            "from pkg.old import C  # noqa: F401\nfrom pkg.a import A  # noqa: F401\nfrom pkg.b import B  # noqa: F401\n",
            id="one-line",
        ),
        pytest.param(
            "from pkg.old import (\n    A as A2, B as B2, C,  # noqa: F401\n)\n",
            "from pkg.old import (\n    C,  # noqa: F401\n)\nfrom pkg.a import A as A2  # noqa: F401\nfrom pkg.b import B as B2  # noqa: F401\n",
            id="parenthesised",
        ),
        pytest.param(
            # the last name of the line leaves, another one stays: the line keeps its end
            "from pkg.old import (\n    C, A,  # noqa: F401\n    B,\n)\n",
            "from pkg.old import (\n    C,  # noqa: F401\n)\nfrom pkg.a import A  # noqa: F401\nfrom pkg.b import B\n",
            id="last-of-line-leaves",
        ),
        pytest.param(
            "from pkg.old import A as A3, \\\n    B as B3  # type: ignore[attr-defined]\n",
            "from pkg.a import A as A3\nfrom pkg.b import B as B3  # type: ignore[attr-defined]\n",
            id="backslash",
        ),
        pytest.param(
            "from pkg.old import (A,\n    B)  # pyright: ignore[reportUnusedImport]\n",
            "from pkg.a import A\nfrom pkg.b import B  # pyright: ignore[reportUnusedImport]\n",
            id="after-closing-parenthesis",
        ),
        pytest.param(
            # another comment is kept once: where it was when its line keeps a name, else with the first
            "from pkg.old import A, B, C  # why\nfrom pkg.old import (\n    A as A4, B as B4,  # because\n)\n",
            "from pkg.old import C  # why\nfrom pkg.a import A\nfrom pkg.b import B\nfrom pkg.a import (\n    A as A4,  # because\n)\nfrom pkg.b import B as B4\n",
            id="no-pragma",
        ),
    ],
)
def test_a_pragma_ending_a_line_goes_with_every_name_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str) -> None:
    assert fixed(tmp_path, monkeypatch, before) == after


def test_an_explicit_re_export_is_no_duplicate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `B as B` re-exports B for mypy --no-implicit-reexport and pyright: dropping it as a copy of
    # `from pkg.b import B` would break `from pkg.app import B` under them. Both stay; the
    # parentheses left around one name go.
    before = "from pkg.a import A\nfrom pkg.old import (A,\n    B)  # noqa: F401\nfrom pkg.old import B as B\n"
    after = "from pkg.a import A\nfrom pkg.b import B  # noqa: F401\nfrom pkg.b import B as B\n"
    assert fixed(tmp_path, monkeypatch, before) == after


def test_a_plain_duplicate_still_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = "from pkg.b import B as B\nfrom pkg.old import B as B, C\nfrom pkg.old import (B)\n"
    assert fixed(tmp_path, monkeypatch, before) == "from pkg.b import B as B\nfrom pkg.old import C\nfrom pkg.b import (B)\n"  # as written


CHAIN = {
    "pkg/__init__.py": "from pkg.legacy2 import Z\n",
    "pkg/legacy2.py": "import pkg.new\nfrom pkg.new2 import Z\n",
    "pkg/new2.py": "Z = 1\n",
    "pkg/base.py": "X = 1\n",
    "pkg/old.py": "from pkg.base import X\n",
    "pkg/new.py": 'from pkg.base import X\nprint("pkg.new runs")\n',
    "pkg/b.py": 'print("b starts")\nfrom pkg.old import X\n',
}
B_REASON = "that pkg.b imported pkg.new before cannot be verified (pkg may import it, not for sure first), whose import-time code does more than define names"


@pytest.mark.parametrize(
    "rules",
    [
        pytest.param(RULE.format('"pkg.old" = "pkg.new", "pkg.legacy2" = "pkg.new2"'), id="one-rule"),
        # another rule, limited to the package: it may rewrite the link all the same
        pytest.param(
            RULE.format('"pkg.old" = "pkg.new"') + RULE.replace("D1", "D2").format('"pkg.legacy2" = "pkg.new2"') + 'paths = ["pkg/__init__.py"]\n',
            id="two-rules",
        ),
    ],
)
def test_what_runs_already_is_not_judged_through_an_import_the_run_may_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str) -> None:
    # The package runs pkg.new only through pkg.legacy2, which the same run points at pkg.new2:
    # b's rewrite makes b run pkg.new itself once that happens (after "b starts", not before).
    root = write_project(tmp_path, CHAIN, rules)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert f"  pkg/b.py:2:6: D1 unsafe fix not applied: {B_REASON}" in result.stderr.splitlines()
    assert (root / "pkg/b.py").read_text() == CHAIN["pkg/b.py"]
    before = run_module(root, "pkg.b")
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert f"  pkg/b.py:2:6: D1 unsafe fix applied: {B_REASON}" in result.stderr.splitlines()
    assert (before, run_module(root, "pkg.b")) == ("pkg.new runs\nb starts\n", "b starts\npkg.new runs\n")  # why it is unsafe


EVENT_RULE = '[[rule]]\nid = "E1"\nkind = "event-schema"\nevents = ["started"]\nallowed = ["event_type", "data"]\nrename = { type = "event_type" }\n'
EVENTS = """\
def agent(log):
    log.append("agent")
    return 1


log = []
h = {"type": "started", "agent": x if (x := 4) else 0, "data": {"x": x}}
j = {"type": "started", "agent": agent(log), "data": {"n": log.pop() if log else None}}
k = {"type": "started", "data": {"x": x}, "agent": x + 1}
i = {"type": "started", "agent": x, "n": f"{x}", "data": {"x": 1}}
f = {"type": "started", "data": {
    "k": 1,  # k comment
}, "agent": 2}
print(h, j)
print(k, i, f)
"""
EVENTS_FIXED = """\
def agent(log):
    log.append("agent")
    return 1


log = []
h = {"event_type": "started", "agent": x if (x := 4) else 0, "data": {"x": x}}
j = {"event_type": "started", "agent": agent(log), "data": {"n": log.pop() if log else None}}
k = {"event_type": "started", "data": {"x": x, "agent": x + 1}}
i = {"event_type": "started", "data": {"x": 1, "agent": x, "n": f"{x}"}}
f = {"event_type": "started", "data": {
    "k": 1,  # k comment
    "agent": 2,
}}
print(h, j)
print(k, i, f)
"""


def test_an_event_fix_keeps_the_order_values_are_evaluated_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # h: `agent` moved after `data` would read x before `:=` binds it (NameError); j: the call
    # would run after `log.pop()`. k's `x + 1` stays after `x`; i's values have no effects.
    root = write_project(tmp_path, {"app.py": EVENTS}, EVENT_RULE)
    before = subprocess.run([sys.executable, "app.py"], cwd=root, capture_output=True, text=True, timeout=60, check=True).stdout
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert (root / "app.py").read_text() == EVENTS_FIXED
    why = "not fixable: 'agent' cannot move into 'data': its value would be evaluated in another order among values that may have effects"
    assert [line for line in result.stderr.splitlines() if "not fixable" in line] == [f"  app.py:7:5: E1 {why}", f"  app.py:8:5: E1 {why}"]
    after = subprocess.run([sys.executable, "app.py"], cwd=root, capture_output=True, text=True, timeout=60, check=True).stdout
    # the events left alone hold what they held; the program runs (before the change: NameError)
    assert after.splitlines()[0] == before.splitlines()[0].replace("'type'", "'event_type'")
