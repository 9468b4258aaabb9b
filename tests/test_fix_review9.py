"""Issue #13, review9: what ``fix`` got wrong in the adversarial review's projects (/tmp/rv9-*).
Program tests run the project before and after the fix; the text cases check exactly what is
written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {} }}\n'

# ns/ has no __init__.py: without `src`, the tool names ns/foo/app.py `foo.app` (an inferred name);
# Python runs it as ns.foo.app.
NAMESPACE = {
    "ns/foo/__init__.py": "",
    "ns/foo/new.py": "class X:\n    pass\n",
    "ns/foo/old.py": "from .new import X\n",
    "ns/foo/sub/__init__.py": "",
    "ns/foo/sub/app.py": "from ..old import X\n\nprint(X.__module__)\n",
    "ns/foo/app.py": "from .old import X\n\nprint(X.__module__)\n",
    "ns/bar/__init__.py": "",
    "ns/bar/new.py": "class X:\n    pass\n",
}


def run_module(root: Path, module: str) -> str:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout + (done.stderr.splitlines()[-1] if done.returncode else "")


def test_a_relative_import_stays_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, NAMESPACE, RULE.format('"foo.old" = "foo.new"'))
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "2 files changed, 2 findings fixed, 0 findings left."
    assert (root / "ns/foo/app.py").read_text() == "from .new import X\n\nprint(X.__module__)\n"
    assert (root / "ns/foo/sub/app.py").read_text() == "from ..new import X\n\nprint(X.__module__)\n"
    assert run_module(root, "ns.foo.app") == "ns.foo.new\n"
    assert run_module(root, "ns.foo.sub.app") == "ns.foo.new\n"


def test_a_relative_import_reaches_elsewhere_in_its_top_level_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**NAMESPACE, "ns/foo/sub/new.py": "from ..new import X\n"}
    root = write_project(tmp_path, files, RULE.format('"foo.old:X" = "foo.sub.new:X"'))
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)  # unsafe: it imports foo.sub.new, new to foo.app
    assert (root / "ns/foo/app.py").read_text() == "from .sub.new import X\n\nprint(X.__module__)\n"
    assert (root / "ns/foo/sub/app.py").read_text() == "from .new import X\n\nprint(X.__module__)\n"
    assert (run_module(root, "ns.foo.app"), run_module(root, "ns.foo.sub.app")) == ("ns.foo.new\n", "ns.foo.new\n")


def test_a_relative_import_made_absolute_under_an_inferred_name_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # foo and bar are both named from ns/ (a folder without __init__.py): `from bar.new import X`
    # is what the index verifies, and it fails at run time (the package is ns.bar).
    root = write_project(tmp_path, NAMESPACE, RULE.format('"foo.old:X" = "bar.new:X"'))
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    reason = (
        "D1 unsafe fix not applied: the relative import would become the absolute `bar.new`, outside foo, whose name is only inferred "
        "(a package below a folder without __init__.py): the absolute name may not import; configure `src` to name it"
    )
    assert result.stderr.splitlines()[1:3] == [f"  ns/foo/app.py:1:18: {reason}", f"  ns/foo/sub/app.py:1:19: {reason}"]
    assert (root / "ns/foo/app.py").read_text() == NAMESPACE["ns/foo/app.py"]
    check = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch)
    assert '"applicability": "unsafe"' in check.stdout and '"applicability": "safe"' not in check.stdout
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert (root / "ns/foo/app.py").read_text() == "from bar.new import X\n\nprint(X.__module__)\n"
    assert run_module(root, "ns.foo.app") == "ModuleNotFoundError: No module named 'bar'"  # what the verdict warned of


def test_with_src_the_absolute_rewrite_of_a_relative_import_is_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**NAMESPACE, "ns/foo/old.py": "from ..bar.new import X\n"}  # named from the root: ns.foo.old
    root = write_project(tmp_path, files, RULE.format('"ns.foo.old:X" = "ns.bar.new:X"'), 'rule-files = ["rules.toml"]\nsrc = ["."]\n')
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "2 files changed, 2 findings fixed, 0 findings left."
    assert (root / "ns/foo/app.py").read_text() == "from ..bar.new import X\n\nprint(X.__module__)\n"
    assert run_module(root, "ns.foo.app") == "ns.bar.new\n"


# /tmp/rv9-9: pkg.legacy is mapped to pkg.new, pkg.old:X to pkg.new:Y.
TWICE = {
    "pkg/__init__.py": "",
    "pkg/new.py": "class Y:\n    pass\n\n\nclass Z:\n    pass\n",
    "pkg/legacy.py": "from pkg.new import *\n",
    "pkg/old.py": "from pkg.new import Y as X\n",
}
TWICE_RULE = RULE.format('"pkg.legacy" = "pkg.new", "pkg.old:X" = "pkg.new:Y"')


@pytest.mark.parametrize(
    "before, after",
    [
        (
            "import pkg.legacy\nimport pkg.old\nprint(pkg.legacy.Z.__name__, pkg.old.X.__name__)\n",
            "import pkg.new\nimport pkg.old\nprint(pkg.new.Z.__name__, pkg.new.Y.__name__)\n",
        ),
        (
            "import pkg.new\ntry:\n    import pkg.legacy\nexcept ImportError:\n    pass\nprint(pkg.legacy.Y.__name__)\n",
            "import pkg.new\ntry:\n    pass\nexcept ImportError:\n    pass\nprint(pkg.new.Y.__name__)\n",
        ),
        ("import pkg.new\nif True:\n    import pkg.legacy\nprint(pkg.new.Z.__name__)\n", "import pkg.new\nif True:\n    pass\nprint(pkg.new.Z.__name__)\n"),
    ],
    ids=["reference-rewrite-beside-a-module-rewrite", "in-try", "in-if"],
)
def test_a_fix_writes_no_import_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str) -> None:
    root = write_project(tmp_path, {**TWICE, "pkg/app.py": before}, TWICE_RULE)
    printed = run_module(root, "pkg.app")
    run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "pkg/app.py").read_text() == after
    assert run_module(root, "pkg.app") == printed
    again = run_cli(["fix", "--no-cache", "--diff"], root, monkeypatch)
    assert again.stdout == ""


EVENT_RULE = """\
[[rule]]
id = "EV1"
kind = "event-schema"
events = ["agent_started"]
allowed = ["event_type", "timestamp", "user_id", "data"]
rename = { type = "event_type", time = "timestamp", user = "user_id" }
"""
# /tmp/rv9-7: an event inside another event's data; reads through names bound to other events.
EVENTS = """\
def reader(e):
    return e["type"]

e1 = {"type": "agent_started", "agent": 1}
e2 = {"type": "agent_started", "agent": 2}
e6 = {"event_type": "agent_started", "data": {"type": "agent_started", "user": 1}, "agent": 6}
print(reader({"type": "agent_started", "agent": 0}))
print(e1.pop("type"), "agent" in e2, e6)
"""


def test_a_nested_event_is_reshaped_on_its_own_and_no_key_moves_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {"app.py": EVENTS}, EVENT_RULE)
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    why = "reshaping an event changes the data the program sends and reads"
    assert result.stderr.splitlines() == [
        "1 file changed, 4 findings fixed (4 by unsafe fixes), 1 finding left:",
        "  app.py:6:6: EV1 not fixable: keys cannot move into 'data': it holds an event of its own, whose keys are checked again",
        # bound to e1 and e2: only the reads through that name; passed on as it is: every read in the file
        f"  app.py:4:6: EV1 unsafe fix applied: {why}; the file still reads 'type' at app.py:8",
        f"  app.py:5:6: EV1 unsafe fix applied: {why}; the file still reads 'agent' at app.py:8",
        f"  app.py:6:46: EV1 unsafe fix applied: {why}; the file still reads 'type' at app.py:2, 'type' at app.py:8",
        f"  app.py:7:14: EV1 unsafe fix applied: {why}; the file still reads 'agent' at app.py:8, 'type' at app.py:2, 'type' at app.py:8",
    ]
    assert (root / "app.py").read_text().splitlines()[5] == (
        'e6 = {"event_type": "agent_started", "data": {"event_type": "agent_started", "user_id": 1}, "agent": 6}'
    )
    again = run_cli(["fix", "--no-cache", "--unsafe-fixes", "--diff"], root, monkeypatch)
    assert again.stdout == ""
