"""calls28: deprecated-import's ``calls`` through a package that re-exports the callable
(review28b 05, networkx 3.4.2: ``nx.d_separated(...)``).

A call is flagged wherever it reaches the deprecated callable through an import: ``pkg.old_a(g)``
where ``pkg`` re-exports ``old_a`` by a star import or explicitly, as well as ``dsep.old_a(g)``
and ``old_a(g)``. The file records the call's qualified name; the project's module index
resolves it after aggregation, and a resolution that is not certain is no finding. ``rules
--check`` warns of a ``calls`` entry naming a function its module does not define.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_lint import api
from tests.helpers import run_cli, write_project

RULES = """\
[[rule]]
id = "R1"
kind = "deprecated-import"
replace = { "pkg.nothing" = "pkg.dsep" }
calls = { "pkg.dsep:old_a" = "pkg.dsep:is_sep", "pkg.explicit:old_e" = "", "pkg.dsep:no_such_function" = "" }
"""

USER = """\
import pkg
from pkg import dsep
from pkg.dsep import old_a


def f(g):
    pkg.old_a(g)  # line 7: through the star re-export
    pkg.old_e(g)  # line 8: through an explicit re-export
    dsep.old_a(g)  # line 9
    old_a(g)  # line 10
"""

FILES = {
    "pkg/__init__.py": "from pkg.dsep import *\nfrom pkg.explicit import old_e\n",
    "pkg/dsep.py": '__all__ = ["is_sep", "old_a"]\ndef is_sep(g): ...\ndef old_a(g): ...\n',
    "pkg/explicit.py": "def old_e(g): ...\n",
    "user.py": USER,
}

OLD_A = "R1 error: pkg.dsep:old_a is deprecated; import pkg.dsep:is_sep"
OLD_E = "R1 error: pkg.explicit:old_e is deprecated; import (no replacement)"


def findings(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    result = run_cli(["check", "--no-cache", "-q", *args], root, monkeypatch)
    return [line for line in result.stdout.splitlines() if ":" in line.split(" ")[0]]


def test_calls_through_star_and_explicit_reexports_are_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", FILES, RULES)
    assert findings(root, monkeypatch) == [
        f"user.py:7:5: {OLD_A}",
        f"user.py:8:5: {OLD_E}",
        f"user.py:9:5: {OLD_A}",
        f"user.py:10:5: {OLD_A}",
    ]
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [r["count"] for r in report["rules"] if r["id"] == "R1"] == [4]
    assert {f["applicability"] for f in report["findings"]} == {None}  # calls are left for a human
    # The same from the cache (the facts are cached; the resolution runs again) and in workers.
    for _ in range(2):
        cached = run_cli(["check", "-q", "--jobs", "2"], root, monkeypatch)
        assert [line for line in cached.stdout.splitlines() if line.startswith("user.py")] == [
            f"user.py:7:5: {OLD_A}",
            f"user.py:8:5: {OLD_E}",
            f"user.py:9:5: {OLD_A}",
            f"user.py:10:5: {OLD_A}",
        ]


def test_calls_through_a_package_attribute_chain_and_an_imported_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # networkx: `import networkx as nx` then `nx.algorithms.d_separated(...)` and `nx.d_separated(...)`,
    # where networkx star-imports networkx.algorithms, which star-imports the defining module.
    files = {
        "nx/__init__.py": "from nx import algorithms\nfrom nx.algorithms import *\n",
        "nx/algorithms/__init__.py": "from nx.algorithms.d_separation import *\n",
        "nx/algorithms/d_separation.py": '__all__ = ["d_separated", "is_d_separator"]\ndef d_separated(g): ...\ndef is_d_separator(g): ...\n',
        "user.py": (
            "import nx\nimport nx as networkx\nfrom nx import d_separated as dsep\n\n\n"
            "def f(g):\n    nx.d_separated(g)\n    networkx.algorithms.d_separated(g)\n    dsep(g)\n    nx.is_d_separator(g)\n"
        ),
    }
    rules = '[[rule]]\nid = "NX"\nkind = "deprecated-import"\nreplace = { "nx.gone" = "nx" }\ncalls = ["nx.algorithms.d_separation:d_separated"]\n'
    root = write_project(tmp_path / "p", files, rules)
    message = "NX error: nx.algorithms.d_separation:d_separated is deprecated; import (no replacement)"
    assert findings(root, monkeypatch) == [f"user.py:7:5: {message}", f"user.py:8:5: {message}", f"user.py:9:5: {message}"]


UNCERTAIN = {
    # bound twice: which one a call finds cannot be told
    "twice/__init__.py": "from pkg.dsep import old_a\nfrom other import old_a\n",
    # only under a condition
    "cond/__init__.py": "import sys\nif sys.version_info > (3,):\n    from pkg.dsep import old_a\n",
    # a star import from outside the project
    "outside/__init__.py": "from somewhere_else import *\n",
    # a __getattr__ serves the name
    "lazy/__init__.py": "def __getattr__(name):\n    from pkg import dsep\n    return getattr(dsep, name)\n",
    # another function of the same name
    "own/__init__.py": "def old_a(g): ...\n",
    # a dynamic __all__
    "dyn/__init__.py": "from dyn.impl import *\n",
    "dyn/impl.py": "from pkg.dsep import old_a\n__all__ = [n for n in dir() if not n.startswith('_')]\n",
    "other.py": "def old_a(g): ...\n",
}


def test_a_resolution_that_is_not_certain_is_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users = "import twice, cond, outside, lazy, own, dyn, requests\n\n\ndef f(g):\n" + "".join(
        f"    {m}.old_a(g)\n" for m in ("twice", "cond", "outside", "lazy", "own", "dyn", "requests")
    )
    root = write_project(tmp_path / "p", {**FILES, **UNCERTAIN, "user.py": users}, RULES)
    assert findings(root, monkeypatch) == []
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [r["count"] for r in report["rules"] if r["id"] == "R1"] == [0]


def test_a_suppressed_call_through_a_reexport_and_the_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = USER.replace("pkg.old_a(g)  # line 7: through the star re-export", "pkg.old_a(g)  # ssot: ignore[R1]")
    root = write_project(tmp_path / "p", {**FILES, "user.py": user}, RULES)
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(f["line"], f["message"].split(" is ")[0]) for f in report["findings"]] == [
        (8, "pkg.explicit:old_e"),
        (9, "pkg.dsep:old_a"),
        (10, "pkg.dsep:old_a"),
    ]
    assert [(r["count"], r["suppressed"]) for r in report["rules"] if r["id"] == "R1"] == [(3, 1)]
    assert run_cli(["baseline", "--no-cache"], root, monkeypatch).exit_code == 0
    after = run_cli(["check", "--no-cache"], root, monkeypatch)
    assert after.exit_code == 0
    assert "0 new findings, 1 suppressed, 3 baselined" in after.stdout.splitlines()[-1]


def test_the_language_server_path_and_a_partial_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", FILES, RULES)
    monkeypatch.chdir(root)
    found = api.check_source("user.py", USER)
    assert [(f.line, f.message) for f in found] == [
        (7, OLD_A.split(": ", 1)[1]),
        (8, OLD_E.split(": ", 1)[1]),
        (9, OLD_A.split(": ", 1)[1]),
        (10, OLD_A.split(": ", 1)[1]),
    ]
    assert [line.split(":")[1] for line in findings(root, monkeypatch, "user.py")] == ["7", "8", "9", "10"]


def test_rule_examples_resolve_calls_through_their_own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An example with several files resolves as `check` does; a file alone shows no re-export.
    files = "".join(f"{json.dumps(path)} = {json.dumps(code)}\n" for path, code in FILES.items())
    alone = json.dumps("import pkg\n\npkg.old_a(1)\n")
    rules = f"{RULES}\n[[rule.example]]\nexpect = 4\nlines = [7, 8, 9, 10]\n[rule.example.files]\n{files}\n[[rule.example]]\nexpect = 0\ncode = {alone}\n"
    root = write_project(tmp_path / "p", {"empty.py": ""}, rules)
    result = run_cli(["test-rules"], root, monkeypatch)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_rules_check_warns_of_a_calls_entry_its_module_does_not_define(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", FILES, RULES)
    checked = run_cli(["rules", "--check", "--no-cache"], root, monkeypatch)
    assert (checked.exit_code, checked.stdout.splitlines()) == (
        1,
        [
            "rules.toml:5: R1 calls pkg.dsep:no_such_function, which does not exist: no_such_function is not defined in pkg.dsep; no call of it is flagged",
            "1 mapping checked, 1 warning",
        ],
    )


def test_rules_check_warns_of_a_calls_replacement_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = RULES.replace('"pkg.dsep:is_sep"', '"pkg.dsep:is_gone"').replace(', "pkg.dsep:no_such_function" = ""', "")
    root = write_project(tmp_path / "p", FILES, rules)
    checked = run_cli(["rules", "--check", "--no-cache"], root, monkeypatch)
    assert (checked.exit_code, checked.stdout.splitlines()) == (
        1,
        [
            "rules.toml:5: R1 maps calls of pkg.dsep:old_a to pkg.dsep:is_gone, which does not exist: is_gone is not defined in pkg.dsep;"
            " every finding of such a call advises it",
            "1 mapping checked, 1 warning",
        ],
    )


def test_fix_leaves_a_call_through_a_reexport_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", FILES, RULES)
    fixed = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "user.py").read_text() == USER
    assert fixed.exit_code == 1
    assert [line.strip() for line in fixed.stderr.splitlines() if line.strip().startswith(("user.py:7", "user.py:8"))] == [
        "user.py:7:5: R1 not fixable: a deprecated call; replace it with pkg.dsep:is_sep by hand (its arguments may differ)",
        "user.py:8:5: R1 not fixable: a deprecated call; no replacement is configured",
    ]


def test_of_two_callables_of_one_name_the_call_is_the_one_it_resolves_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = RULES.replace('"pkg.explicit:old_e" = ""', '"pkg.explicit:old_e" = "", "pkg.other:old_a" = ""')
    files = {**FILES, "pkg/other.py": "def old_a(g): ...\n", "use2.py": "import pkg\nfrom pkg import other\n\npkg.old_a(1)\nother.old_a(1)\n"}
    root = write_project(tmp_path / "p", files, rules)
    assert [line for line in findings(root, monkeypatch) if line.startswith("use2.py")] == [
        f"use2.py:4:1: {OLD_A}",
        "use2.py:5:1: R1 error: pkg.other:old_a is deprecated; import (no replacement)",
    ]


def test_the_finding_follows_the_reexport_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The file's facts come from the cache unchanged; the resolution reads the package as it is now.
    root = write_project(tmp_path / "p", FILES, RULES)
    first = run_cli(["check", "-q"], root, monkeypatch)
    assert [line.split(":")[1] for line in first.stdout.splitlines() if line.startswith("user.py")] == ["7", "8", "9", "10"]
    (root / "pkg/__init__.py").write_text("from pkg.dsep import is_sep\nfrom pkg.explicit import old_e\n")
    second = run_cli(["check", "-q"], root, monkeypatch)
    assert [line.split(":")[1] for line in second.stdout.splitlines() if line.startswith("user.py")] == ["8", "9", "10"]
