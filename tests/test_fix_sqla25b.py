"""sqla25b: the SQLAlchemy 2.0.36 review's discovery findings (``/tmp/review20a/repro``).

1. A deprecation decorator called as ``deprecated(VERSION, MESSAGE)`` (SQLAlchemy's
   ``util.deprecated("1.4", "The ... is deprecated")``, astropy's ``deprecated(since, message)``):
   after a version, the second positional argument is the text. Before: "(no message)".
2. init's event shapes leave test code out, as its class names and families do: SQLAlchemy's 10
   shapes were all fixture rows in ``test/``.
3. A family's regex is bounded at CamelCase tokens: ``*Compile*State`` no longer takes in
   ``CompilerState`` (Compiler + State); the survey's count is the written rule's count.
4. "Please use the correct X name" names X as the replacement (SQLAlchemy's
   ``SingleonThreadPool``), when X resolves in the project.
5. A convention's place is one that holds most of its definitions (or "N folders"), and names
   set aside in example code (``examples/``) say so rather than "for a loader to find".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ssot_lint import api
from ssot_lint.survey.families import stem_regex
from tests.helpers import run_cli, write_project

# -- 1. deprecated(VERSION, MESSAGE) ---------------------------------------------------------------

DECORATOR = (
    "import functools\nimport warnings\n\n\n"
    "def deprecated(version, message=None):\n"
    "    def decorate(fn):\n        @functools.wraps(fn)\n        def wrapper(*a, **kw):\n"
    "            warnings.warn(message, DeprecationWarning, stacklevel=2)\n            return fn(*a, **kw)\n"
    "        return wrapper\n    return decorate\n"
)
POSITIONAL = {
    "pkg/__init__.py": "",
    "pkg/util/__init__.py": DECORATOR,
    "pkg/api.py": (
        "from pkg.util import deprecated\n\n\ndef new_thing():\n    return 1\n\n\n"
        '@deprecated("1.4", "old_thing() is deprecated; use pkg.api.new_thing instead")\n'
        "def old_thing():\n    return new_thing()\n"
    ),
    "app.py": "from pkg.api import old_thing\n",
}
DD1 = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\ndecorators = ["pkg.util.deprecated"]\n'


def test_the_message_after_a_version_is_the_text_and_names_the_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", POSITIONAL, DD1)
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(f["path"], f["line"], f["col"], f["message"], f["applicability"]) for f in report["findings"]] == [
        (
            "app.py",
            1,
            21,
            'function pkg.api:old_thing is deprecated (pkg/api.py:9: "old_thing() is deprecated; use pkg.api.new_thing instead"); use pkg.api:new_thing',
            "unsafe",  # another definition than the deprecated one
        )
    ]


WRITTEN = '"1.4", "old_thing() is deprecated; use pkg.api.new_thing instead"'


@pytest.mark.parametrize(
    ("arguments", "text", "replacement", "reason"),
    [
        # SQLAlchemy's util.deprecated_cls("1.4", "The MapperOption class is deprecated ..."), with Sphinx roles
        (
            '"1.4", "The :class:`.OldThing` object is deprecated; use :func:`pkg.api.new_thing`"',
            "The :class:`.OldThing` object is deprecated; use :func:`pkg.api.new_thing`",
            "pkg.api:new_thing",
            None,
        ),
        # a message= keyword still wins over the second argument
        ('"1.4", "positional", message="keyword"', "keyword", None, "the declaration names no replacement"),
        # a second version (since, removal) is no text either
        ('"1.4", "2.0"', "(no message)", None, "the declaration names no replacement"),
        # a first argument that is no version is the text; the second is then not read
        ('"old_thing is going", "1.4"', "old_thing is going", None, "the declaration names no replacement"),
        ('"1.4"', "(no message)", None, "the declaration names no replacement"),
    ],
)
def test_what_a_decorator_s_positional_arguments_say(
    arguments: str, text: str, replacement: str | None, reason: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {**POSITIONAL, "pkg/api.py": POSITIONAL["pkg/api.py"].replace(WRITTEN, arguments)}
    root = write_project(tmp_path / "p", files, DD1)
    details = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()["rules"][0]["details"]
    assert [(d["target"], d["text"], d["replacement"], d["no_replacement_because"]) for d in details["declarations"]] == [
        ("pkg.api:old_thing", text, replacement, reason)
    ]


# -- 2. event shapes outside tests ------------------------------------------------------------------

ROWS = (
    'ROWS = [\n    {"type": "engineer", "name": "e1"},\n    {"type": "engineer", "name": "e2", "person_id": 2},\n    {"type": "engineer", "name": "e3"},\n]\n'
)


def test_event_shapes_leave_test_code_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"app/__init__.py": "", "app/models.py": "class Person:\n    pass\n", "tests/test_bulk.py": ROWS, "app/test_rows.py": ROWS}
    root = write_project(tmp_path / "p", files)
    result = run_cli(["init", "--no-cache", "--no-write"], root, monkeypatch)
    assert result.exit_code == 0
    assert "event shape" not in result.stdout and "Event-like" not in result.stdout
    assert api.survey(root).events == []


def test_event_shapes_outside_tests_are_still_surveyed(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/rows.py": ROWS, "tests/test_bulk.py": ROWS}
    events = api.survey(write_project(tmp_path / "p", files)).events
    assert [(e.key, e.value, e.count, e.places) for e in events] == [("type", "engineer", 3, [("app/rows.py", 2), ("app/rows.py", 3), ("app/rows.py", 4)])]


# -- 3. a family's regex is bounded at CamelCase tokens ---------------------------------------------

COMPILE = {
    "app/__init__.py": "",
    "app/base.py": "class CompileState:\n    pass\n\n\nclass ORMCompileState(CompileState):\n    pass\n",
    "app/select.py": "from app.base import CompileState\n\n\nclass SelectCompileState(CompileState):\n    pass\n",
    "app/dml.py": "from app.base import CompileState\n\n\nclass DMLCompileState(CompileState):\n    pass\n",
    "app/compiler.py": "import enum\n\n\nclass CompilerState(enum.IntEnum):\n    COMPILING = 0\n\n\nclass CompilerWarningState:\n    pass\n",
    "main.py": "from app.base import ORMCompileState\nfrom app.select import SelectCompileState\nfrom app.dml import DMLCompileState\n",
    **{f"app/m_{m}.py": "X = 1\n" for m in "abcdef"},
}


def test_a_family_takes_in_no_class_whose_tokens_only_start_like_its_stem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", COMPILE)
    found = api.survey(root).families
    assert [(f.stem, f.name, sorted(m.qualname for m in f.members)) for f in found] == [
        ("*Compile*State", "Compile(?![a-z])\\w*State$", ["CompileState", "DMLCompileState", "ORMCompileState", "SelectCompileState"])
    ]
    assert run_cli(["init", "--no-cache"], root, monkeypatch).exit_code == 0
    rules = (root / "ssot-rules.toml").read_text()
    assert 'name = "Compile(?![a-z])\\\\w*State$"' in rules and "max = 4\n" in rules
    # the written rule counts what the survey counted
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(r["id"], r["count"], r["max"], r["ok"]) for r in report["rules"] if r["kind"] == "single-implementation"] == [("FAM1", 4, 4, True)]


@pytest.mark.parametrize(
    ("core", "role", "members", "others"),
    [
        (
            ["Compile"],
            "State",
            ["CompileState", "ORMCompileState", "Compile_State", "CompileXState", "Compile2State"],
            ["CompilerState", "CompilerWarningState"],
        ),
        # a run of capitals may be several acronyms (PG + JSON, JSON + B); a lower-case letter continues a word
        (["JSON"], "Type", ["JSONType", "JSONIndexType", "AsyncpgJSONPathType", "_PGJSONIndexType", "JSONBType", "JSON_Type"], ["JSONsType", "JSONishType"]),
        # a lower-case role (AsyncAdapt_dbapi_connection) starts after a non-letter
        (
            ["Async", "Adapt"],
            "connection",
            ["AsyncAdapt_dbapi_connection", "AsyncAdaptFallback_dbapi_connection"],
            ["AsyncAdapt_dbapi_reconnection", "AsyncAdapterconnection"],
        ),
        (["Web", "Socket"], "Manager", ["WebSocketManager", "UnifiedWebSocketManager", "WebSocketPoolManager"], ["WebSocketsManager", "WebSocketManagers"]),
        # a core that ends with the role is the name's end
        (["Socket", "Manager"], "Manager", ["WebSocketManager", "SocketManager"], ["SocketManagerX", "SocketManagers"]),
    ],
)
def test_a_stem_s_regex_matches_what_its_tokens_say(core: list[str], role: str, members: list[str], others: list[str]) -> None:
    pattern = re.compile(stem_regex(core, role))
    assert [name for name in members + others if pattern.search(name)] == members


# -- 4. "Please use the correct X name" -------------------------------------------------------------

TYPO = {
    "pkg/__init__.py": (
        "import warnings\n\nfrom pkg.pool import SingletonThreadPool\n\n\n"
        "def __getattr__(name):\n"
        '    if name == "SingleonThreadPool":\n'
        "        warnings.warn(\n"
        '            "SingleonThreadPool was a typo in the v2 series. "\n'
        '            "Please use the correct SingletonThreadPool name.",\n'
        "            DeprecationWarning,\n        )\n        return SingletonThreadPool\n"
        "    raise AttributeError(name)\n"
    ),
    "pkg/pool.py": "class SingletonThreadPool:\n    pass\n",
    "app.py": "from pkg import SingleonThreadPool\n",
}


def test_use_the_correct_name_names_the_replacement(tmp_path: Path) -> None:
    found = api.survey(write_project(tmp_path / "p", TYPO)).deprecations
    assert [(d.target, d.replacement, d.reason) for d in found] == [("pkg:SingleonThreadPool", "pkg.pool:SingletonThreadPool", "")]


def test_use_the_correct_name_that_is_no_project_name_says_so(tmp_path: Path) -> None:
    files = {
        **TYPO,
        "pkg/pool.py": "class OtherPool:\n    pass\n",
        "pkg/__init__.py": TYPO["pkg/__init__.py"].replace("from pkg.pool import SingletonThreadPool\n", ""),
    }
    found = api.survey(write_project(tmp_path / "p", files)).deprecations
    assert [(d.target, d.replacement, d.reason) for d in found] == [("pkg:SingleonThreadPool", "", "SingletonThreadPool is not defined in the project")]


# -- 5. a convention's place; example code --------------------------------------------------------


def _examples(folders: dict[str, int]) -> dict[str, str]:
    """Example scripts that each define their own ``Base`` (as SQLAlchemy's ``examples/*/`` do)."""
    files = {"lib/__init__.py": "", "lib/core.py": "class Engine:\n    pass\n"}
    for folder, n in folders.items():
        for i in range(n):
            files[f"{folder}/script_{i}.py"] = "class Base:\n    pass\n"
    return files


def test_a_convention_s_place_holds_most_of_its_definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 3 definitions in examples/asyncio/, 3 in examples/sharding/, 3 in examples/generic/: no
    # one folder name is representative; their parent is
    root = write_project(tmp_path / "p", _examples({"examples/asyncio": 3, "examples/sharding": 3, "examples/generic": 3}))
    result = run_cli(["init", "--no-cache", "--no-write"], root, monkeypatch)
    assert "\nSet aside as example code (defined by nearly every module of the example folders they are in: each example its own program): 1\n" in result.stdout
    assert "\n       9  Base (examples/*/*.py)\n" in result.stdout
    assert "for a loader to find" not in result.stdout
    data = run_cli(["init", "--no-cache", "--no-write", "--format", "json"], root, monkeypatch).json()
    assert data["conventions"] == [{"what": "Base", "modules": 9, "where": "examples/*/*.py", "example_code": True}]
    # the starter's DUP1 says why it does not count the name
    assert run_cli(["init", "--no-cache"], root, monkeypatch).exit_code == 0
    rules = (root / "ssot-rules.toml").read_text()
    assert " Not counted: 1 name each example in an examples folder defines (Base). " in rules
    assert "looks up by convention" not in rules and 'exclude-names = "^(?:Base)$"' in rules


def test_scattered_places_are_counted_and_a_loader_s_convention_keeps_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", _examples({"a/plugins": 3, "b/hooks": 3, "c/extras": 3}))
    result = run_cli(["init", "--no-cache", "--no-write"], root, monkeypatch)
    assert "\nSet aside as conventions (defined by nearly every module of the folders they are in, for a loader to find): 1\n" in result.stdout
    assert "\n       9  Base (3 folders)\n" in result.stdout
    assert "example code" not in result.stdout
