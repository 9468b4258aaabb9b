"""What the deprecated-import fix walks of libcst's tree (``fixspeed2``): only the top-level
statements whose lines spell a word the plan reads (``import``, a name a deprecated import
binds, the head of a flagged reference, a replacement's top-level package) are surveyed, and the
rewrite enters only those holding an edit. A statement that spells none of them holds nothing
the plan reads; the plan, and so the fixed text, is the one a whole-tree survey gives."""

from __future__ import annotations

import ast
import sysconfig
from collections.abc import Mapping
from pathlib import Path

import libcst as cst
import pytest
from libcst._position import CodeRange
from libcst.metadata import MetadataWrapper, PositionProvider

from ssot_lint.analysis.cst_parts import StatementOrder, part_spans
from ssot_lint.analysis.cst_positions import LazyPositions
from ssot_lint.analysis.file_context import FileContext, known_code
from ssot_lint.analysis.source_lines import SourceLines
from ssot_lint.fix.apply import fix_source
from ssot_lint.kinds.deprecated_import import fix as import_fix
from ssot_lint.kinds.deprecated_import import survey as import_survey
from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
from ssot_lint.kinds.deprecated_import.survey import survey
from ssot_lint.model import FileRef
from tests.helpers import write_project

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    "# c\n\n@d\n# x\n@e(\n  1)\ndef f():\n    pass\n\n# y\nx = 1; y = (2,\n 3)  # t\nif x: pass\n",
    "import a\nclass A:\n    '''doc\n    '''\n\n\n\x0c\nasync def g(): ...\n",
    "try:\n    import a\nexcept ImportError:\n    a = None\nelse:\n    pass\n# footer\n",
    "x = 1 \\\n  + 2\nmatch x:\n    case 1:\n        pass\n",
    "",
]


def real_files() -> list[Path]:
    """Real code: ssot-lint's own fix and analysis packages, and a sample of the standard library."""
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    return sorted((REPO / "ssot_lint" / "fix").glob("*.py")) + stdlib[::25]


def _expected_spans(source: str) -> list[tuple[int, int]]:
    module = cst.parse_module(source)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    spans = []
    for part in module.body:
        decorators = getattr(part, "decorators", ())
        first = positions[decorators[0]] if decorators else positions[part]
        spans.append((first.start.line, positions[part].end.line))
    return spans


@pytest.mark.parametrize("source", SOURCES)
def test_part_spans_are_the_lines_libcst_positions_each_statement_on(source: str) -> None:
    assert part_spans(cst.parse_module(source), ast.parse(source)) == _expected_spans(source)


def test_part_spans_on_real_code() -> None:
    checked = 0
    for path in real_files():
        source = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        assert part_spans(cst.parse_module(source), tree) == _expected_spans(source), path
        checked += 1
    assert checked >= 20


def test_statement_order_is_the_order_libcst_meets_statements_in() -> None:
    # Every statement at any depth, nested blocks of every kind, each paired with its kind.
    source = SOURCES[0] + SOURCES[2] + "for a in b:\n    x\nelse:\n    y\nwhile c: d; e\nwith f: g\n" + SOURCES[3]
    module = cst.parse_module(source)
    met: list[cst.CSTNode] = []

    class Statements(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                met.append(node)
            return True

    module.visit(Statements())
    order = StatementOrder(ast.parse(source))
    assert len(met) == len(order.statements) == 21
    assert all(order.pair(node, statement) for node, statement in zip(met, order.statements))
    assert [type(s).__name__ for s in order.statements[:4]] == ["FunctionDef", "Pass", "Assign", "Assign"]
    assert order.ends[:4] == [2, 2, 3, 4]
    assert order.spelling([4, 8]) == [True, True] + [False] * 19  # a line between its decorators, its body line
    assert not order.pair(met[0], order.statements[1])


RULE = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old" = "new", "collections:OrderedDict" = "newdicts:OrderedDict" }
"""

APP = """\
import collections
from old import f, g as h


class Unrelated:
    def method(self):
        return other()


def uses():
    return f(), h


def annotated(x: "f") -> None:
    return collections.OrderedDict()


def other():
    return 1
"""

FILES = {"new.py": "def f(): ...\ndef g(): ...\n", "old.py": "from new import f, g\n", "newdicts.py": "class OrderedDict(dict): ...\n", "app.py": APP}


def _plan(tmp_path: Path, unsafe: bool = False) -> tuple[import_fix.ImportFixPlan, cst.Module]:
    from ssot_lint.api import load_project
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import fix_context

    write_project(tmp_path, FILES, RULE)
    project = load_project(tmp_path / "ssot-lint.toml")
    context = fix_context(project.config, RunOptions(), None, unsafe)
    module = cst.parse_module(APP)
    with known_code(module, APP):
        ctx = FileContext.of_module(module, FileRef("app.py", "app", False))
        rule = project.rules.rules[0]
        assert isinstance(rule, DeprecatedImport)
        return import_fix.ImportFixPlan(rule, ctx, context), module


def test_only_the_statements_spelling_a_read_word_are_surveyed(tmp_path: Path) -> None:
    plan, module = _plan(tmp_path)
    # `Unrelated` and `other` spell neither `import`, `f`, `h`, `collections` nor `new`/`newdicts`.
    assert plan.survey.pruned
    assert set(plan.survey.tops.values()) == {module.body[0], module.body[1], module.body[3], module.body[4]}
    assert sorted(plan.survey.names) == ["None", "annotated", "f", "h", "uses", "x"]
    assert [written for _, written in plan.survey.chains] == ["collections.OrderedDict"]
    assert [s.value for s in plan.survey.annotation_strings] == ['"f"']


def test_nested_statements_spelling_no_read_word_are_not_surveyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan, module = _plan(tmp_path)
    uses = module.body[3]
    assert isinstance(uses, cst.FunctionDef)
    # In `Unrelated`, nothing; in `uses`, its one statement spells `f` and `h`.
    assert [node.value for node in plan.survey.names["f"]] == ["f"]
    assert "other" not in plan.survey.names and "self" not in plan.survey.names


def test_a_survey_whose_statements_do_not_pair_up_is_done_again_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CPython's statements of another text: libcst's do not pair up with them, so the pruned
    # survey is not trusted.
    monkeypatch.setattr(import_survey, "StatementOrder", lambda tree: StatementOrder(ast.parse("x = 1\n")))
    plan, module = _plan(tmp_path)
    assert not plan.survey.pruned and not plan.survey.mismatched
    assert "other" in plan.survey.names and "self" in plan.survey.names


def test_a_survey_missing_a_deprecated_binding_is_done_again_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pruned by words that miss `f` and `h` (which CPython's tree says a deprecated import
    # binds), the survey is not trusted: the whole module is surveyed instead.
    monkeypatch.setattr(import_survey, "read_words", lambda rule, imports: {"import"})
    plan, module = _plan(tmp_path)
    assert not plan.survey.pruned
    assert set(plan.survey.tops.values()) == set(module.body)
    assert "other" in plan.survey.names


def test_the_rewrite_enters_only_the_statements_holding_an_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entered: list[cst.CSTNode] = []
    original = import_fix.ImportRewriter.on_visit

    def on_visit(self: import_fix.ImportRewriter, node: cst.CSTNode) -> bool:
        entered.append(node)
        return original(self, node)

    monkeypatch.setattr(import_fix.ImportRewriter, "on_visit", on_visit)
    plan, module = _plan(tmp_path, unsafe=True)
    plan.decide()
    plan.resolve()
    with known_code(module, APP):
        outcome = plan.outcome()
    fixed = outcome.module.code
    assert fixed == APP.replace("import collections\n", "import newdicts\n").replace("from old import f, g as h", "from new import f, g as h").replace(
        "collections.OrderedDict()", "newdicts.OrderedDict()"
    )
    inside = [node for node in entered if node in (module.body[2], module.body[3], module.body[5])]
    assert inside == [module.body[2], module.body[3], module.body[5]]  # visited (kept whole), not entered
    assert sum(isinstance(node, cst.IndentedBlock) for node in entered) == 1  # annotated's body only


def test_fixing_with_and_without_pruning_writes_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssot_lint.api import load_project
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import fix_context

    write_project(tmp_path, FILES, RULE)
    project = load_project(tmp_path / "ssot-lint.toml")
    context = fix_context(project.config, RunOptions(), None, True)
    ref = FileRef("app.py", "app", False)
    pruned = fix_source(APP.encode(), ref, project.rules.rules, context)
    monkeypatch.setattr(import_survey, "lines_naming", lambda text, starts, words: None)
    whole = fix_source(APP.encode(), ref, project.rules.rules, context)
    assert pruned == whole
    assert pruned.fixed == 2 and b"newdicts.OrderedDict()" in pruned.data


# -- positions: a placed node's top-level statement printed alone ----------------------------------

POSITION_SOURCES = [
    *SOURCES,
    "x = 1\r\n\r\n# c\r\ndef f():\r\n    return 2\r\n",
    "a = 1\n\x0c\n# after a form feed line\nb = 2\n",
    "@\\\n  d\ndef f(): ...\nx = 1\n",  # the decorator's name on the next line: not where CPython says
    "import a\n\n\n# comment\n\n@d\n\n# between\n@e\nclass C:\n    x = 1\n# footer\n",
    'x = """\nline\n"""\ny = 2  # end',
]


def _placed(source: str) -> tuple[cst.Module, Mapping[cst.CSTNode, CodeRange], dict[cst.CSTNode, cst.CSTNode], list[cst.CSTNode]]:
    module = cst.parse_module(source)
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    tops: dict[cst.CSTNode, cst.CSTNode] = {}
    nodes: list[cst.CSTNode] = []

    class Every(cst.CSTVisitor):
        def __init__(self, top: cst.CSTNode) -> None:
            super().__init__()
            self.top = top

        def on_visit(self, node: cst.CSTNode) -> bool:
            tops[node] = self.top
            nodes.append(node)
            return True

    for part in module.body:
        part.visit(Every(part))
    return module, whole, tops, nodes


def _lazy(module: cst.Module, source: str, whole: object) -> LazyPositions:
    return LazyPositions(module, lambda: whole, source, lambda: ast.parse(source), SourceLines(source).starts)


@pytest.mark.parametrize("source", POSITION_SOURCES)
def test_positions_of_a_statement_printed_alone_are_libcst_positions(source: str) -> None:
    module, whole, tops, nodes = _placed(source)
    for order in (nodes[::-1], nodes, nodes[1::2] + nodes[::2]):
        lazy = _lazy(module, source, whole)
        lazy.place(tops)
        assert [lazy[node] for node in order] == [whole[node] for node in order]


def test_positions_of_statements_printed_alone_on_real_code() -> None:
    checked = 0
    for path in real_files():
        source = path.read_text(encoding="utf-8")
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        module, whole, tops, nodes = _placed(source)
        lazy = _lazy(module, source, whole)
        lazy.place(tops)
        assert [lazy[node] for node in nodes[::-1]] == [whole[node] for node in nodes[::-1]], path
        assert sum(lazy._alone.values()) == len(module.body), path  # each printed alone, from CPython's line
        checked += 1
    assert checked >= 20


def test_a_placed_node_prints_only_its_own_statement() -> None:
    source = POSITION_SOURCES[-2]
    module, whole, tops, _ = _placed(source)
    lazy = _lazy(module, source, whole)
    lazy.place(tops)
    assert (lazy[module.body[-1]].start.line, lazy[module.body[-1]].end.line) == (10, 11)  # the class, from its decorators' lines
    assert module.body[0] not in lazy._computed  # the import before it was not printed
    assert lazy[module.body[0]].start.line == 1


def test_a_statement_not_where_cpython_says_is_positioned_by_printing_what_comes_before() -> None:
    # `@\` puts the decorator's name a line below its `@`: printed alone from CPython's line, the
    # text would not be the file's there, so the parts before it are printed instead.
    source = POSITION_SOURCES[-3]
    module, whole, tops, _ = _placed(source)
    lazy = _lazy(module, source, whole)
    lazy.place(tops)
    assert lazy[module.body[0]] == whole[module.body[0]]
    assert lazy[module.body[1]] == whole[module.body[1]]
    assert lazy._alone == {module.body[0]: False, module.body[1]: True}


def test_nested_statements_printed_alone_give_libcst_positions_on_real_code() -> None:
    # The survey (every statement kept) says, for each node it records, the innermost statement
    # holding it, CPython's line for it and the indentation there: printed alone from there,
    # every such node's range is libcst's.
    alone = 0
    for path in [*real_files(), None]:
        source = path.read_text(encoding="utf-8") if path is not None else NESTED_SOURCE
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        module = cst.parse_module(source)
        whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        order = StatementOrder(tree)
        found = survey(module, order, [True] * len(order.statements))
        assert not found.mismatched and len(found.units) == len(found.tops)
        lazy = _lazy(module, source, whole)
        lazy.place(found.tops, found.units)
        marked = list(found.tops)[::-1]
        assert [lazy[node] for node in marked] == [whole[node] for node in marked], path
        alone += sum(lazy._alone.values())
        assert all(isinstance(part, cst.If) for part, printed in lazy._alone.items() if not printed), path  # an `elif`
    assert alone > 1000


NESTED_SOURCE = """\
class A:
\tdef f(self):
\t\t# a comment
\t\timport a.b

\t\t@d
\t\tdef g(): return a.b.c
\t\tif x:
\t\t\tpass
\t\telif a.b:
\t\t\tfrom . import (
\t\t\t  e)
\t\treturn g
"""


def test_a_nested_import_is_positioned_by_printing_its_line_alone() -> None:
    module = cst.parse_module(NESTED_SOURCE)
    order = StatementOrder(ast.parse(NESTED_SOURCE))
    found = survey(module, order, [True] * len(order.statements))
    (first, second) = found.statements
    lazy = _lazy(module, NESTED_SOURCE, None)
    lazy.place(found.tops, found.units)
    start = lazy[first.node].start
    assert (start.line, start.column) == (4, 2)
    assert lazy._alone == {first.container: True}  # neither the class nor the method was printed
    assert module.body[0] not in lazy._computed
    assert (lazy[second.node].start.line, lazy[second.node].end.line) == (11, 12)
    assert lazy._alone[second.container] is True


def test_a_text_cpython_rejects_is_positioned_by_printing_what_comes_before() -> None:
    source = "import a\ntry:\n    pass\nexcept A, e:\n    pass\nimport b\n"  # libcst takes it, CPython does not
    module, whole, tops, _ = _placed(source)

    def rejected() -> ast.Module:
        from ssot_lint.analysis.parsing import parse_tree

        return parse_tree(source)

    lazy = LazyPositions(module, lambda: whole, source, rejected, SourceLines(source).starts)
    lazy.place(tops)
    assert lazy[module.body[2]] == whole[module.body[2]]
    assert lazy._alone == {module.body[2]: False}
