"""duplicate-definition's ``min-similarity``: same-named classes count as copies only when their
member names overlap (Jaccard), so homonyms (one name, different concepts) are not reported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.kinds.base import RuleMeta
from ssot_lint.kinds.duplicate_definition import DuplicateDefinition, copies, members, similarity
from ssot_lint.model import FileRef
from tests.helpers import locations, run_cli, write_project

RULE = """
[[rule]]
id = "DUP"
kind = "duplicate-definition"
min-count = 3
min-similarity = 0.5
"""

# Three classes named Manager for three concepts (Django's model, form and GDAL Field) ...
HOMONYMS = {
    "graph.py": "class Manager:\n    def __init__(self): ...\n    def add_node(self, n): ...\n    def edges(self): ...\n",
    "mail.py": "class Manager:\n    outbox = []\n    def __init__(self): ...\n    def send(self, m): ...\n",
    "jobs.py": "class Manager:\n    def __init__(self): ...\n    def schedule(self, job): ...\n",
}
# ... and three copies of one WebSocket manager, one of them grown a method.
COPY = "class Connection:\n    def __init__(self, ws): ...\n    def connect(self): ...\n    def send(self, event): ...\n    def close(self): ...\n"
COPIES = {
    "svc_a/ws.py": COPY,
    "svc_b/ws.py": COPY + "    def broadcast(self, event): ...\n",
    "svc_c/ws.py": "import json\n\n" + COPY,
}


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], rules: str = RULE) -> dict:
    write_project(tmp_path, files, rules)
    result = run_cli(["check", "-o", "json", "--no-cache"], tmp_path, monkeypatch)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def test_homonyms_are_not_reported_copies_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, {**HOMONYMS, **COPIES})
    assert locations(report) == [("svc_b/ws.py", 1, 7), ("svc_c/ws.py", 3, 7)]
    assert [f["message"] for f in report["findings"]] == [
        "Connection is defined in 3 modules with similar bodies (shares __init__, close, connect, send with svc_a/ws.py:1, 80% of their members;"
        " also at svc_c/ws.py:3)",
        "Connection is defined in 3 modules with similar bodies (shares __init__, close, connect, send with svc_a/ws.py:1, 100% of their members;"
        " also at svc_b/ws.py:1)",
    ]


def test_without_the_option_every_same_named_class_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, {**HOMONYMS, **COPIES}, RULE.replace("min-similarity = 0.5\n", ""))
    assert locations(report) == [("jobs.py", 1, 7), ("mail.py", 1, 7), ("svc_b/ws.py", 1, 7), ("svc_c/ws.py", 3, 7)]
    assert report["findings"][0]["message"] == "Manager is defined in 3 modules (also at graph.py:1, mail.py:1)"


def test_a_name_splits_into_clusters_of_similar_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Six modules define Client: three copies of an HTTP client, three of a queue client.
    http = "class Client:\n    base_url = ''\n    def get(self, path): ...\n    def post(self, path, body): ...\n"
    queue = "class Client:\n    def publish(self, topic, m): ...\n    def subscribe(self, topic): ...\n"
    files = {f"http{i}.py": http for i in range(3)} | {f"queue{i}.py": queue for i in range(3)}
    files["queue2.py"] = queue + "    def ack(self, m): ...\n"  # 2 of 3 shared: still a copy (0.67)
    report = check(tmp_path, monkeypatch, files)
    assert locations(report) == [("http1.py", 1, 7), ("http2.py", 1, 7), ("queue1.py", 1, 7), ("queue2.py", 1, 7)]
    messages = [f["message"] for f in report["findings"]]
    assert messages[0] == (
        "Client is defined in 3 modules with similar bodies (shares base_url, get, post with http0.py:1, 100% of their members; also at http2.py:1)"
    )
    assert messages[3] == (
        "Client is defined in 3 modules with similar bodies (shares publish, subscribe with queue0.py:1, 67% of their members; also at queue1.py:1)"
    )
    # A cluster of two (the third queue client rewritten) is under min-count: only the HTTP copies.
    files["queue2.py"] = "class Client:\n    def consume(self): ...\n    def subscribe(self, topic): ...\n    def close(self): ...\n"
    report = check(tmp_path, monkeypatch, files)
    assert locations(report) == [("http1.py", 1, 7), ("http2.py", 1, 7)]


def test_empty_bodies_are_copies_of_each_other_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "a.py": "class Settings: ...\n",
        "b.py": "class Settings:\n    pass\n",
        "c.py": 'class Settings:\n    """Settings."""\n',
        "d.py": "class Settings:\n    debug = False\n",
    }
    report = check(tmp_path, monkeypatch, files)
    assert locations(report) == [("b.py", 1, 7), ("c.py", 1, 7)]
    assert report["findings"][0]["message"] == "Settings is defined in 3 modules with similar bodies (empty bodies, as a.py:1; also at c.py:1)"
    del files["c.py"]  # two empty bodies and one with a member: no cluster of 3
    assert locations(check(tmp_path / "two", monkeypatch, files)) == []


def test_a_name_filter_reads_bodies_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, {**HOMONYMS, **COPIES}, RULE + 'name = "^(Manager|Connection)$"\n')
    assert locations(report) == [("svc_b/ws.py", 1, 7), ("svc_c/ws.py", 3, 7)]


def test_members_and_similarity() -> None:
    code = (
        "class C(Base):\n"
        '    """doc"""\n'
        "    a = b = 1\n"
        "    x, (y, *z) = 1, (2, 3)\n"
        "    n: int\n"
        "    k += 1\n"
        "    if DEBUG:\n"
        "        def debug(self): ...\n"
        "    else:\n"
        "        debug = None\n"
        "    class Meta: ...\n"
        "    async def run(self):\n"
        "        inner = 1\n"
        "    self.attr = 2\n"
    )
    node = ast.parse(code).body[0]
    assert isinstance(node, ast.ClassDef)
    assert members(node) == ("Meta", "a", "b", "debug", "k", "n", "run", "x", "y", "z")
    assert similarity((), ()) == 1.0
    assert similarity((), ("a",)) == 0.0
    assert similarity(("a", "b", "c"), ("b", "c", "d")) == 0.5
    # Django's dummy DatabaseOperations (quote_name only) against a real backend's 42 members: not a copy.
    assert similarity(("quote_name",), tuple(f"m{i}" for i in range(41)) + ("quote_name",)) == pytest.approx(1 / 42)


def test_clusters_chain_and_keep_path_order() -> None:
    refs = [FileRef(f"{n}.py", n) for n in "abcd"]
    places = [
        (refs[0], (1, 7, 1, 8, "class", ("p", "q"))),
        (refs[1], (1, 7, 1, 8, "class", ("x", "y"))),
        (refs[2], (1, 7, 1, 8, "class", ("p", "q", "r"))),  # 0.67 with a
        (refs[3], (1, 7, 1, 8, "class", ("q", "r"))),  # 0.67 with c, 0.33 with a: joins through c
    ]
    assert [[ref.path for ref, _ in group] for group in copies(places, 0.5)] == [["a.py", "c.py", "d.py"], ["b.py"]]
    assert [[ref.path for ref, _ in group] for group in copies(places, 0.7)] == [["a.py"], ["b.py"], ["c.py"], ["d.py"]]


def rule(options: dict) -> DuplicateDefinition:
    return DuplicateDefinition(RuleMeta("DUP", DuplicateDefinition.default_message), options)


BIG = (
    "import os\nimport sys\n\nVALUE = 1\n\n\nclass Manager(Base):\n    def connect(self):\n        return os.getcwd()\n\n    def send(self, m):\n        pass\n\n\n"
    + "def main():\n"
    + "".join(f"    print(sys.argv[{i}])\n" for i in range(20))
)


def test_without_the_option_no_class_body_is_parsed() -> None:
    ctx = FileContext(FileRef("m.py", "m"), BIG)
    _, fact = rule({}).check(ctx)
    assert fact == (("Manager", (7, 7, 7, 14, "class")),)
    # Only the outline was parsed: the class's body is `...` there, no statement chunk was parsed.
    assert ctx._parsed == {} and ctx._tree is None and ctx._outline is not None
    manager = ctx._outline[3]
    assert isinstance(manager, ast.ClassDef) and ast.unparse(manager.body) == "..."


def test_with_the_option_class_bodies_are_parsed_and_kept_in_the_fact() -> None:
    ctx = FileContext(FileRef("m.py", "m"), BIG)
    _, fact = rule({"min-similarity": 0.5}).check(ctx)
    assert fact == (("Manager", (7, 7, 7, 14, "class", ("connect", "send"))),)
    assert ctx._tree is None and ctx._outline is None and ctx._parsed  # the class's chunk, not the whole file


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("min-similarity = 0", "ssot-lint: error: rules.toml:6: rule DUP: min-similarity: expected a number above 0 and at most 1 (a fraction, e.g. 0.5)"),
        ("min-similarity = 1.5", "ssot-lint: error: rules.toml:6: rule DUP: min-similarity: expected a number above 0 and at most 1 (a fraction, e.g. 0.5)"),
        ('min-similarity = "half"', "ssot-lint: error: rules.toml:6: rule DUP: min-similarity: expected a number above 0 and at most 1 (a fraction, e.g. 0.5)"),
        (
            "min-similarity = 0.5\nfunctions = true",
            "ssot-lint: error: rules.toml:6: rule DUP: 'min-similarity' compares class bodies: it cannot be combined with 'functions = true'",
        ),
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, expected: str) -> None:
    write_project(tmp_path, {"a.py": "class A: ...\n"}, RULE.replace("min-similarity = 0.5", option))
    result = run_cli(["check"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == expected


def test_min_similarity_one_means_identical_member_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check(tmp_path, monkeypatch, COPIES, RULE.replace("0.5", "1"))
    assert locations(report) == []  # svc_b's copy grew a method
    report = check(tmp_path / "same", monkeypatch, {**COPIES, "svc_d/ws.py": COPY}, RULE.replace("0.5", "1"))
    assert locations(report) == [("svc_c/ws.py", 3, 7), ("svc_d/ws.py", 1, 7)]
