"""One text checked against the project in milliseconds (review17a 03): ``api.check_source`` and
``api.fix_source`` read each project file at most once per call, keep what they derived from an
unchanged file between calls (``run.file_memo``), see a file changed on disk or in a buffer, and
verify N findings of one text in time linear in N."""

from __future__ import annotations

import ast
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ssot_lint import api
from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.syntax import nodes_near
from ssot_lint.fix.import_statements import ImporterStatements
from ssot_lint.model import FileRef
from ssot_lint.project.module_summary import ImportFact
from ssot_lint.run import cache, parallel
from tests.helpers import python_calls, write_project

RULES = """
[[rule]]
id = "DI1"
kind = "deprecated-import"
replace = { "pkg.old" = "pkg.new" }
"""
BUFFER = "from pkg.old import X\nprint(X)\n"
NOT_DEFINED = "X is not defined in pkg.new"


def project(root: Path, others: int = 20) -> Path:
    files = {"pkg/__init__.py": "", "pkg/new.py": "X = 1\n", "pkg/old.py": "from pkg.new import X\n"}
    files.update({f"pkg/g{i}.py": f"import os\nclass Helper{i}: ...\ndef f{i}(value):\n    return value.attr{i}\n" for i in range(others)})
    return write_project(root, files, RULES)


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file's signature is trusted at once (files a test has just written are otherwise
    kept between calls only two seconds after they were written: ``run.cache.trustworthy``)."""
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many times each file is opened (``run.reading`` opens with ``os.open``), all of them in
    this process: no worker processes, as in the language server."""
    monkeypatch.setattr(parallel, "_workers_forbidden", True)
    counts: Counter[str] = Counter()
    real = os.open

    def counting(path: Any, *args: Any, **kwargs: Any) -> int:
        counts[os.fspath(path)] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting)
    yield counts


def reads(counts: Counter[str], root: Path) -> dict[str, int]:
    return {os.path.relpath(path, root): n for path, n in counts.items() if path.startswith(str(root)) and path.endswith(".py")}


def shown(findings: list[Any]) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule_id, f.line, f.col, f.applicability, f.message) for f in findings]


SAFE = [("DI1", 1, 6, "safe", "pkg.old is deprecated; import pkg.new")]


def test_one_call_reads_each_project_file_at_most_once(tmp_path: Path, opened: Counter[str]) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE
    counted = reads(opened, root)
    # Every module is searched for words (a store into X, reads of pkg.old as an attribute ...):
    # each file was read once per word (13 times each for the review's 3,000 files).
    assert len(counted) == 23
    assert max(counted.values()) == 1


def test_the_second_call_reads_no_unchanged_file(tmp_path: Path, opened: Counter[str], trusted: None) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    first = shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded))
    opened.clear()
    assert shown(api.check_source(root / "pkg/app.py", BUFFER + "# typing\n", config=loaded)) == first == SAFE
    assert reads(opened, root) == {}
    fixed = api.fix_source(root / "pkg/app.py", BUFFER, config=loaded)
    assert (fixed.code, fixed.fixed) == ("from pkg.new import X\nprint(X)\n", 1)
    assert reads(opened, root) == {}


def test_a_file_changed_on_disk_is_seen(tmp_path: Path, opened: Counter[str], trusted: None) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE
    new = root / "pkg/new.py"
    new.write_text("Y = 1\n")  # the same size: only the times tell
    stat = new.stat()
    os.utime(new, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    opened.clear()
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == [("DI1", 1, 6, "", "pkg.old is deprecated; import pkg.new")]
    assert reads(opened, root) == {"pkg/new.py": 1}  # the one file changed
    refused = api.fix_source(root / "pkg/app.py", BUFFER, config=loaded)
    assert (refused.fixed, [reason[3] for reason in refused.reasons]) == (0, [f"not fixable: {NOT_DEFINED}"])
    new.write_text("X = 1\nY = 2\n")
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE


def test_a_file_removed_and_added_on_disk_is_seen(tmp_path: Path, trusted: None) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE
    (root / "pkg/new.py").unlink()
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded))[0][3] == ""
    (root / "pkg/new.py").write_text("X = 1\n")
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE


def test_a_buffer_is_seen_in_place_of_its_file_and_its_file_again_without_it(tmp_path: Path, opened: Counter[str], trusted: None) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE
    opened.clear()
    buffers = {root / "pkg/new.py": "Y = 1\n"}
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded, buffers=buffers))[0][3] == ""
    buffers = {root / "pkg/new.py": "Y = 1\nX = 2\n"}  # the buffer edited
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded, buffers=buffers)) == SAFE
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded)) == SAFE  # closed: the file again
    assert reads(opened, root) == {}


def test_an_unsaved_module_is_a_module_on_every_call(tmp_path: Path, trusted: None) -> None:
    root = project(tmp_path)
    (root / "pkg/new.py").unlink()
    loaded = api.load_project(root / "ssot-lint.toml")
    buffers = {root / "pkg/new.py": "X = 1\n"}
    for _ in range(2):  # the walk with the buffer's file added is kept, and stays right
        assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded, buffers=buffers)) == SAFE
    assert shown(api.check_source(root / "pkg/app.py", BUFFER, config=loaded))[0][3] == ""


def test_n_findings_in_one_text_cost_about_n_times_one(tmp_path: Path) -> None:
    root = project(tmp_path, others=0)
    loaded = api.load_project(root / "ssot-lint.toml")

    def text(n: int) -> str:
        return "".join(f"from pkg.old import X as X{i}\n" for i in range(n))

    assert [f[3] for f in shown(api.check_source(root / "pkg/app.py", text(40), config=loaded))] == ["safe"] * 40
    cost = {n: python_calls(lambda n=n: api.check_source(root / "pkg/app.py", text(n), config=loaded)) for n in (100, 200)}
    # Each verification walked every import statement of the text, and each finding of check's
    # every top-level statement: twice the findings cost four times as much.
    assert cost[200] < 2.3 * cost[100], cost
    fixed = {n: python_calls(lambda n=n: api.fix_source(root / "pkg/app.py", text(n), config=loaded)) for n in (100, 200)}
    assert fixed[200] < 2.3 * fixed[100], fixed


NEAR = '''\
import os
@decorator(
    X)
def f(a): return X
a = 1; b = X
c = (
    X,
)
class K:
    """X"""
    y = X.z
'''


def test_nodes_near_finds_in_a_file_parsed_whole_what_it_finds_walking_every_statement() -> None:
    text = NEAR * 20  # 20 copies: more statements than it looks through one by one
    ctx = FileContext(FileRef("m.py", "m"), text)
    tree = ctx.tree
    lines = ctx.lines_with(["X"])
    for kind in (ast.Name, ast.Constant, ast.Attribute, ast.FunctionDef):
        everything = nodes_near(ast.Module(body=tree.body, type_ignores=[]), kind, lines)
        assert ctx.nodes_near(kind, ["X"]) == everything
    assert len(ctx.nodes_near(ast.Name, ["X"])) == 20 * 8


def fact(line: int, module: str, conditional: bool = False) -> ImportFact:
    span = (line, 0, line, 10)
    return ImportFact(module, None, module, span, span, span, False, False, conditional=conditional)


def test_an_importers_statements_by_line_answer_as_going_through_them_did() -> None:
    # Lines 1-9 import; the file's first statement with effects is at line 6.
    modules = ["a", "b", "a", "c", "d", "b", "e", "a", "f"]
    facts = [(fact(line, module), 6) for line, module in enumerate(modules, start=1)]
    statements = ImporterStatements(facts, lambda f: [f.module, "top"] if f.module != "e" else ["e"])
    for line in range(0, 11):
        targets = {at: [m, "top"] if m != "e" else ["e"] for at, m in enumerate(modules, start=1)}
        before = {t for at, ts in targets.items() if at < line for t in ts}
        early = {t for at, ts in targets.items() if at != line and (at < line or at < 6) for t in ts}
        late = {t for at, ts in targets.items() if at > line and at >= 6 for t in ts}
        after = [list(dict.fromkeys(ts)) for at, ts in sorted(targets.items()) if line < at < 6]
        assert set(statements.before(line)) == before and len(statements.before(line)) == len(before)
        assert set(statements.others(line)) == early and len(statements.others(line)) == len(early)
        assert set(statements.others(line, late=True)) == late
        assert statements.later_statements(line) == after


def test_what_a_file_reads_through_a_name_is_worked_out_once_for_every_import_binding_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, others=0)
    loaded = api.load_project(root / "ssot-lint.toml")
    asked: list[tuple[Any, ...]] = []
    near = FileContext.nodes_near

    def counting(self: FileContext, kind: Any, words: Any) -> Any:
        asked.append((kind, tuple(words)))
        return near(self, kind, words)

    monkeypatch.setattr(FileContext, "nodes_near", counting)
    rule = loaded.rules.rules[0]
    counts = {}
    for n in (10, 20):
        # Each `import pkg.old` binds pkg: where the file reads pkg was walked once per import.
        text = "".join(f"import pkg.old\nprint(pkg.old.X, {i})\n" for i in range(n))
        asked.clear()
        result = analyze_source(text.encode(), FileRef("pkg/app.py", "pkg.app"), [rule])
        assert [(f.line, f.applicability) for f in result.findings] == [(2 * i + 1, "unsafe") for i in range(n)]
        counts[n] = len(asked)
    assert counts[10] == counts[20] == 2  # references through a package; one walk for every question about pkg (name_reads.near)
