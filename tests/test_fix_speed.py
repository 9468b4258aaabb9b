"""What makes ``fix`` fast on a large project (issue #13: 10-22 minutes on SymPy with whole
packages mapped) without changing what it decides: each libcst step that walks or prints a
whole tree is done once, not again for what is already known.

- the text of a tree parsed from it is not printed again (``known_code``), and only for that
  very tree: a later rule's tree is printed;
- positions are computed as far into the module as the nodes asked for lie (``LazyPositions``),
  the very ranges libcst's whole-tree pass gives;
- comments are counted by Python's tokenizer, the same multiset libcst's tree holds;
- a deprecated-import fix that edits nothing returns the tree it was given.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from ssot_lint.analysis.cst_positions import LazyPositions
from ssot_lint.analysis.file_context import FileContext, known_code
from ssot_lint.fix.apply import comments, fix_source
from ssot_lint.fix.cstedit import comments_in
from ssot_lint.model import FileRef
from tests.helpers import run_cli, write_project

SOURCES = [
    "# header\n\nimport a  # one\nfrom b import (\n    c,  # two\n    d,\n)\n",
    "x = 1 # a\r\ny = '#no'  # b\r\n",
    "def f():\n\tif x:  # tab\n\t\treturn 1 \\\n\t\t\t+ 2  # after a continuation\n",
    "x = (1,  # in brackets\n     2)\n\x0c# after a form feed\nimport a\n",
    "s = f'{x!r:#>10}'  # real\nt = '''\n# not a comment\n'''\n",
    "class A:\n    import m.n as o\n\n    def g(self):\n        from . import p\n        return o.q\n    # dedented\n# last, no newline",
    "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n",
    "",
    "\n\n# only comments\n",
]


class _Every(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


@pytest.mark.parametrize("source", SOURCES)
def test_lazy_positions_are_libcst_positions_in_any_order(source: str) -> None:
    module = cst.parse_module(source)
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    visitor = _Every()
    module.visit(visitor)
    assert visitor.nodes[0] is module
    for order in (visitor.nodes, visitor.nodes[::-1], visitor.nodes[1::2] + visitor.nodes[::2]):
        asked: list[str] = []
        lazy = LazyPositions(module, lambda: asked.append("whole") or whole)
        assert [lazy[node] for node in order] == [whole[node] for node in order]
        # Only the module node itself lies in no top-level part: then, once, the whole-tree pass.
        assert asked == ["whole"]


def test_lazy_positions_print_no_further_than_the_node_asked_for() -> None:
    module = cst.parse_module("import a\nimport b\n\n\ndef f():\n    return 1\n")
    lazy = LazyPositions(module, lambda: pytest.fail("the whole tree was printed"))
    first = module.body[0]
    assert (lazy[first].start.line, lazy[first].end.line) == (1, 1)
    assert first in lazy._computed and module.body[1] not in lazy._computed
    second = module.body[1]
    assert lazy[second].start.line == 2
    assert module.body[2] not in lazy._computed  # the function is not printed yet


@pytest.mark.parametrize("source", SOURCES)
def test_comments_by_the_tokenizer_are_the_comments_of_libcst_tree(source: str) -> None:
    module = cst.parse_module(source)
    assert comments(source, module) == Counter(comments_in(module))


def test_comments_fall_back_to_the_tree_when_the_tokenizer_fails() -> None:
    # The tokenizer needs the text the tree was parsed from; given text it cannot read, the
    # tree's own comments are counted.
    module = cst.parse_module("x = 1  # kept\n")
    assert comments('s = """never closed\n', module) == Counter(["# kept"])


def test_a_known_text_is_taken_for_its_own_tree_only() -> None:
    ref = FileRef("m.py", "m", False)
    parsed = cst.parse_module("import a\n")
    other = parsed.with_changes(body=[*parsed.body, *cst.parse_module("import b\n").body])
    with known_code(parsed, "import a\n"):
        assert FileContext.of_module(parsed, ref).text == "import a\n"
        # Another tree (a later rule's, after an earlier rule changed it) is printed.
        assert FileContext.of_module(other, ref).text == "import a\nimport b\n"
    # Outside the block nothing is known: the tree is printed.
    assert FileContext.of_module(parsed, ref).text == "import a\n"
    context = FileContext.of_module(other, ref)
    assert context.position(other.body[1])[:2] == (2, 1)


RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old" = "new" }

[[rule]]
id = "D2"
kind = "deprecated-import"
replace = { "mid" = "new" }
"""

FILES = {
    "new.py": "def f(): ...\ndef g(): ...\n",
    "old.py": "from new import f, g\n",
    "mid.py": "from new import f, g\n",
    "app.py": "# note\nfrom old import f  # keep\nfrom mid import g\n\n\ndef h():\n    from old import Gone\n    return f, g\n",
}


def test_two_rules_in_one_file_each_see_the_file_as_the_other_left_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # D1 runs on the parsed tree (its text known), D2 on D1's output (printed); the second pass
    # on the reparsed text. Each rule's findings are positioned in the fixed text.
    write_project(tmp_path, FILES, RULES)
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == (
        "# note\nfrom new import f  # keep\nfrom new import g\n\n\ndef h():\n    from old import Gone\n    return f, g\n"
    )
    assert result.stderr.splitlines() == [
        "1 file changed, 2 findings fixed, 1 finding left:",
        "  app.py:7:10: D1 not fixable: Gone is not defined in new",
    ]


def test_a_fix_that_edits_nothing_returns_the_tree_it_was_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The import cannot move (new lacks the name): no edit, so no tree is rebuilt and the bytes
    # are the file's own.
    write_project(tmp_path, FILES, RULES)
    data = b"from old import Gone  # why\n"
    ref = FileRef("app.py", "app", False)
    from ssot_lint.api import load_project
    from ssot_lint.run.options import RunOptions
    from ssot_lint.run.verification import fix_context

    project = load_project(tmp_path / "ssot-lint.toml")
    context = fix_context(project.config, RunOptions(), None, False)
    rule = project.rules.rules[0]
    module = cst.parse_module(data.decode())
    with known_code(module, data.decode()):
        outcome = rule.fix(module, ref, context)
    assert outcome.module is module
    assert [(u.line, u.col, u.reason) for u in outcome.unfixed] == [(1, 6, "not fixable: Gone is not defined in new")]
    fixed = fix_source(data, ref, [rule], context)
    assert (fixed.data, fixed.fixed, fixed.reasons) == (data, 0, {("D1", 1, 6): "not fixable: Gone is not defined in new"})


NESTED = """\
import old
from old import f


def g():
    try:
        from old import f
    except ImportError:
        from old import f
    else:
        import old
    finally:
        pass
    with open(__file__) as handle:
        if handle:
            from old import f
        elif f(lambda: (yield)):
            from old import f; x = 1
        else:
            while True: from old import f
    match handle:
        case _:
            for _ in (1,):
                class A:
                    from old import f
    return f
"""


def test_the_rewriter_reaches_imports_in_every_kind_of_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rewriter enters statements only (not expressions): every block holding an import is
    # still reached, and the lines around them are kept as written.
    write_project(tmp_path, {"new.py": "def f(): ...\n", "old.py": "from new import f\n", "app.py": NESTED}, RULES.split("\n\n[[rule]]")[0])
    result = run_cli(["fix", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == NESTED.replace("from old import", "from new import").replace("import old\n", "import new\n")
    assert result.stderr.splitlines()[0] == "1 file changed, 9 findings fixed, 0 findings left."
