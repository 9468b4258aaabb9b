"""The outline (``analysis/outline.py``): module summaries and top-level definitions read from it
equal those read from the whole tree, and what it leaves out is exactly what they never read."""

from __future__ import annotations

import ast
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.chunks import blank, scan
from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.outline import outline
from ssot_lint.analysis.source_lines import SourceLines
from ssot_lint.config.rulefile import load_rule_docs
from ssot_lint.config.tomlfile import parse_toml
from ssot_lint.model import FileRef
from ssot_lint.project.summary_walk import _Summariser

EXAMPLES = int(os.environ.get("SSOT_LINT_PROPERTY_EXAMPLES", "60"))
REF = FileRef("pkg/mod.py", "pkg.mod")


def outline_of(text: str) -> str:
    found = scan(text)
    assert found is not None
    return outline(text, found, SourceLines(text).starts)


def summaries(text: str) -> tuple[object, object]:
    """The summary from the outline, and from the whole tree."""
    by_outline = _Summariser(FileContext(REF, text)).run()
    whole = FileContext(REF, text)
    _ = whole.tree
    return by_outline, _Summariser(whole).run()


SAMPLE = '''# a comment before the docstring
"""Doc."""
import os
X = {"a": 1,
     "b": 2}
Y = os.path
@register(lambda f: f)
class A(Base):
    x = 1

    def m(self):
        return """
class Fake:
"""
def f(a,
      b) -> dict[str, int]:
    return {}
def g():
    import json
    return json
'''


def test_the_outline_leaves_out_bodies_and_constant_tables_and_keeps_line_numbers() -> None:
    assert outline_of(SAMPLE).splitlines() == [
        "# a comment before the docstring",
        '"""Doc."""',
        "import os",
        "X = ...",  # a display: no name, no alias
        "",
        "Y = os.path",  # may be an alias: kept
        "@register(lambda f: f)",  # the decorator's lambda colon is not the header's
        "class A(Base): ...",
        *[""] * 6,
        "def f(): ...",  # no call in its signature: the parameters go too
        "",
        "",
        "def g():",  # holds an import: kept whole
        "    import json",
        "    return json",
    ]
    by_outline, whole = summaries(SAMPLE)
    assert by_outline == whole
    assert whole.classes == {"A"} and {"X", "Y", "f", "g"} <= whole.defined  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("def f(a=make()):", "def f(a=make()): ..."),  # a default calls: effects read it
        ("def f(a: Annotated[int, Gt(0)]) -> int:", "def f(a: Annotated[int, Gt(0)]) -> int: ..."),
        ("def f(a=(1, 2)):", "def f(a=(1, 2)): ..."),  # any `(` keeps it: it may be a call
        ('def f(a="("):', "def f(): ..."),  # a string's `(` is no call
        ("async def f(a: int,\n  b: str) -> None:", "async def f(): ...\n"),
        ("def \\\n  f(a):", "def \\\n  f(a): ..."),  # a continued header is kept as it is
        ("class C(Base):", "class C(Base): ..."),
    ],
)
def test_a_def_signature_is_left_out_only_when_nothing_in_it_calls(header: str, kept: str) -> None:
    text = '"""Doc."""\nimport os\n' + header + "\n    return 1\nZ = 1\n"
    assert outline_of(text) == '"""Doc."""\nimport os\n' + kept + "\n\nZ = 1\n"  # the body's line kept as a line break
    by_outline, whole = summaries(text)
    assert by_outline == whole


@pytest.mark.parametrize(
    "statement",
    [
        "__all__ = [name for name in dir()]",  # dunder targets are kept: __all__ is read
        "X = Y = make()",  # a second `=`
        "X = make(); Z = 1",  # a second statement
        "X = (a).b",  # grouping parentheses: may be an alias
        "X = [y := 1]",  # a walrus binds a module-level name
        "X: int",  # no value
        "X += make()",  # augmented
        "X = lambda a=make(): a",  # `=` inside a lambda
    ],
)
def test_assignments_whose_value_may_be_read_are_kept_whole(statement: str) -> None:
    text = '"""Doc."""\nimport os\n' + statement + "\n"
    assert outline_of(text) == text
    assert summaries(text)[0] == summaries(text)[1]


def test_a_broken_header_makes_the_file_parse_whole_and_report_its_error() -> None:
    rules = load_rule_docs([parse_toml(b'[[rule]]\nid = "U1"\nkind = "unresolved-import"\n', "rules.toml")]).rules
    text = '"""Doc."""\nimport os\ndef route(:\n    return 1\n'
    result = analyze_source(text.encode(), REF, rules)
    assert result.parse_error is not None and (result.parse_error.line, result.facts) == (3, {})


def test_facts_alone_do_not_make_the_whole_file_parse() -> None:
    """A deliberate choice: a syntax error in a body no rule reads is not reported for a file
    whose only results are project-wide facts (``check --check-syntax`` parses every file)."""
    rules = load_rule_docs([parse_toml(b'[[rule]]\nid = "U1"\nkind = "unresolved-import"\n', "rules.toml")]).rules
    text = '"""Doc."""\nimport os\ndef f():\n    return )\n'
    result = analyze_source(text.encode(), REF, rules)
    assert result.parse_error is None and result.facts["U1"].imports[0].module == "os" and not result.syntax_checked


# -- generated modules ------------------------------------------------------------------------
PIECES = [
    "import os\n",
    "from . import sibling\n",
    "X = {'a': [1, 2],\n     'b': call(3)}\n",
    "T: dict[str, int] = dict(a=1)\n",
    "Alias = os.path\n",
    "__all__ = ['X', 'f']\n",
    "__all__ += ['g']\n",
    "if (n := 3):\n    pass\n",
    "@dec(lambda x: x)\ndef f(a: int = 1) -> int:\n    return a\n",
    "async def g():\n    global G\n    G = 1\n",
    "class C(Base, metaclass=M):\n    import json\n    def m(self):\n        from os import path\n",
    "class D:\n    '''doc\nclass Fake:\n'''\n    x = 1\n",
    "def h(): return 1; y = 2\n",
    "S = '''\ndef not_code(): pass\n'''\n",
    "'a string statement'.join(x)\n",
    "try:\n    from fast import speedups\nexcept ImportError:\n    speedups = None\n",
    "def __getattr__(name):\n    return name\n",
    "V = f'{X!r:>{10}}' + call()\n",
    "# a comment\n",
    "\n",
    "class E:\n    x = register()\n",  # a class without bases whose body calls: read from the text
    "@dataclass\nclass F:\n    y: int = field(default=0)\n    def m(self, z=()):\n        return call()\n",
    "with suppress(ImportError):\n    import fast\n",
    "for n in range(2):\n    pass\n",
    "globals()['Z'] = 1\n",  # a namespace write (project.rebinds.namespace_writes), and reads
    "def setup():\n    globals().update(Z=2)\n    return vars().get('Z')\n",
    "N = globals().get('X', 0)\n",
    "import sys\nsetattr(sys.modules[__name__], 'Z', 3)\n",
    "TYPE_CHECKING = True\nif TYPE_CHECKING:\n    import fast\n",  # no typing.TYPE_CHECKING: it runs
]
if sys.version_info >= (3, 12):  # PEP 701: a field may reuse the string's quotes and span lines
    PIECES += ['W = f"{X["a"]}" + call()\n', 'def k():\n    return f"{\n  1 + 1\n}"\n', 'Q = f"{f"{1}"}"[0]\n']
    PIECES += ["type Pair[K] = tuple[K, K]\n", "class P[T: (int, str)]:\n    pass\n", "def gen[T](x: T) -> T:\n    return x\n"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_generated_modules_summarise_the_same_from_the_outline(body: str) -> None:
    for text in (body, '"""Doc."""\n' + body, "# c\n\n" + body):
        ast.parse(text)  # the pieces are valid on this Python
        by_outline, whole = summaries(text)
        assert by_outline == whole, text
        assert ast.parse(outline_of(text))  # and the outline parses


def test_fstring_fields_are_followed_on_python_3_12() -> None:
    text = 'x = f"{d["k"]}"\nclass A: pass\n'
    code = blank(text)
    if sys.version_info >= (3, 12):
        assert code is not None and code.splitlines()[0] == 'x = "' + " " * 10  # the whole f-string blanked
        assert scan(text).starts == [1, 2]  # type: ignore[union-attr]
    else:  # before 3.12 this is no Python: the regexes see two strings and a name, as the tokenizer did
        assert code is not None
