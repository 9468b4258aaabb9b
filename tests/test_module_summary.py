"""The per-file module summary: what a module defines, exports and imports."""

from __future__ import annotations

import ast
import pickle
import sys
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.parsing import SourceError
from ssot_lint.model import FileRef
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.project.summary_walk import summarise


def summary_of(code: str, module: str = "pkg.mod", is_package: bool = False) -> ModuleSummary:
    return summarise(FileContext(FileRef("x.py", module, is_package), textwrap.dedent(code).lstrip("\n")))


def test_module_level_definitions_of_every_kind_and_only_module_level() -> None:
    # `type` aliases are Python 3.12 syntax: on older Pythons CPython cannot parse the file.
    type_alias = "type Alias = int\n" if sys.version_info >= (3, 12) else ""
    summary = summary_of(
        """
        import os.path
        from typing import TYPE_CHECKING
        a, (b, *c) = 1, (2, 3)
        d: int
        e: int = 1
        f += 1
        for g in []:
            pass
        with open("x") as (h, i):
            pass
        if (j := 3):
            pass
        try:
            from ujson import loads
        except ImportError:
            def loads(s): ...
        if TYPE_CHECKING:
            from typing import Protocol
        def fn():
            global k
            local = 1
            import inner
        class K:
            attribute = 1
            import in_class
        lam = lambda: (hidden := 1)
        match os:
            case [first, *rest]:
                pass
        """
        + type_alias
    )
    assert summary.defined == frozenset("a b c d e f g h i j loads fn k K lam first rest".split()) | ({"Alias"} if type_alias else set())
    assert summary.classes == frozenset({"K"})
    assert summary.bindings().keys() == {"os", "TYPE_CHECKING", "loads", "Protocol"}
    by_name = {i.name or i.module: i for i in summary.imports}
    assert not by_name["TYPE_CHECKING"].type_checking and not by_name["loads"].type_checking
    protocol = by_name["Protocol"]
    assert protocol.type_checking and not protocol.in_function and protocol.span == (18, 24, 18, 32)
    assert by_name["inner"].in_function and by_name["inner"].bound is None
    assert not by_name["in_class"].in_function and by_name["in_class"].bound is None  # class bodies run at import
    assert summary.has_getattr is False and summary.reexport_only is False


def test_all_literals_extensions_and_dynamic_all() -> None:
    summary = summary_of('__all__ = ["A", "B"]\n__all__ += ("C",)\n__all__.append("D")\n__all__.extend(["E"] + ["F"])\n')
    assert summary.all_names == ("A", "B", "C", "D", "E", "F") and not summary.all_dynamic
    dynamic = summary_of("from .x import __all__ as _x\n__all__ = ['A'] + _x\n")
    assert dynamic.all_dynamic and dynamic.all_names is None
    assert summary_of("X = 1\n").all_names is None
    # A removed name is no longer star-exported (a fix must not count on it); an unknown one makes __all__ unknown.
    assert summary_of('__all__ = ["A", "B"]\n__all__.remove("A")\n').all_names == ("B",)
    assert summary_of('__all__ = ["A", "B"]\n__all__.remove(NAME)\n').all_dynamic


def test_type_checking_negated_and_attribute_forms() -> None:
    summary = summary_of(
        """
        import typing
        if not typing.TYPE_CHECKING:
            from runtime import A
        else:
            from checking import B
        """
    )
    flags = {i.module: i.type_checking for i in summary.imports}
    assert flags == {"typing": False, "runtime": False, "checking": True}


def test_relative_imports_are_resolved_with_spans_of_name_and_module() -> None:
    summary = summary_of("from ..core import (\n    Thing as T,\n)\nfrom . import sibling\n", module="pkg.sub.mod")
    thing, sibling = summary.imports
    assert (thing.module, thing.name, thing.bound) == ("pkg.core", "Thing", "T")
    assert thing.span == (2, 5, 2, 15) and thing.module_span == (1, 6, 1, 12) and thing.statement == (1, 1, 3, 2)
    assert (sibling.module, sibling.name) == ("pkg.sub", "sibling") and sibling.module_span == (4, 6, 4, 7)
    in_package = summary_of("from . import sub\n", module="pkg", is_package=True)
    assert in_package.imports[0].module == "pkg"


def test_reexport_only_modules_and_aliases() -> None:
    shim = summary_of(
        '''
        """Compat."""
        import warnings
        from .real import Manager
        try:
            from .fast import speedup
        except ImportError:
            speedup = None
        OldManager = Manager
        __all__ = ["Manager", "OldManager"]
        warnings.warn("moved", DeprecationWarning)
        '''
    )
    assert shim.reexport_only
    assert shim.first_span == (2, 1, 2, 16)
    assert [(a.name, a.target, a.span) for a in shim.aliases] == [("OldManager", "Manager", (8, 1, 8, 11))]
    assert not summary_of("from .real import Manager\nmanager = Manager()\n").reexport_only
    assert not summary_of("from .real import Manager\ndef f(): ...\n").reexport_only
    assert summary_of("def __getattr__(name): ...\n").has_getattr
    # None, True and False read as names (as libcst's did): never aliases themselves, but heads of them.
    assert summary_of("X = None\n").aliases == () and summary_of("X = None\n").reexport_only
    assert [a.target for a in summary_of("NoneType = None.__class__\n").aliases] == ["None.__class__"]


def test_deep_expressions_and_long_elif_chains_need_no_recursion() -> None:
    """Parsed with room for CPython's parser (as on the analysis thread), summarised at the default
    recursion limit: 2,000 levels is twice that limit and within what CPython 3.12 can parse."""
    code = (
        "__all__ = "
        + " + ".join(f'["a{i}"]' for i in range(2_000))
        + "\nif (w := a):\n    import x\n"
        + "".join(f"elif b{i}:\n    import y{i}\n" for i in range(2_000))
    )
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(50_000)
    try:
        tree = ast.parse(code)
    finally:
        sys.setrecursionlimit(limit)
    summary = summarise(FileContext(FileRef("x.py", "m"), code, tree))
    assert summary.all_names is not None and len(summary.all_names) == 2_000 and "w" in summary.defined
    assert len(summary.imports) == 2_001 and summary.reexport_only


def test_summary_is_computed_once_per_file_and_pickles() -> None:
    ctx = FileContext(FileRef("x.py", "m"), "from a import b\n")
    first = summarise(ctx)
    assert summarise(ctx) is first
    assert pickle.loads(pickle.dumps(first)) == first


TRICKY = (
    '"""Ünïcode docstring: ☃."""\r\n'
    "import os; import sys as système\r\n"
    "from . import (\r\n    a,  # comment\r\n    b as bee,\r\n)\r\n"
    "from .. core . sub import thing\r\n"
    "from \\\r\n    pkg.mod \\\r\n    import other\r\n"
    "x = 'é'; Alias = pkg.Thing\r\n"
    "class Ünï: ...\r\n"
    "Ali: type = Ünï\r\n"
    "def f():\r\n    from pkg import *\r\n"
)


# A compound statement first: CPython's span of the `if` would take in the trailing `;`.
COMPOUND_FIRST = '"""Doc."""\nif X:\n    from . import a ;\nelse:\n    a = None;\n'


def libcst_spans(code: str) -> tuple[list[tuple[tuple[int, ...], ...]], dict[str, tuple[int, ...]], tuple[int, ...]]:
    """What the summary's spans are pinned to: libcst's positions of the same nodes (per imported
    name: its span, module span, statement span; alias names; the first statement after the docstring)."""
    module = cst.parse_module(code)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)

    def at(first: cst.CSTNode, last: cst.CSTNode | None = None) -> tuple[int, ...]:
        start, end = positions[first].start, positions[last or first].end
        return start.line, start.column + 1, end.line, end.column + 1

    statements = [node for node in positions if isinstance(node, (cst.Import, cst.ImportFrom))]
    statements.sort(key=lambda node: (positions[node].start.line, positions[node].start.column))
    imports = []
    for statement in statements:
        names = [statement.names] if isinstance(statement.names, cst.ImportStar) else list(statement.names)
        parts = [*statement.relative, statement.module] if isinstance(statement, cst.ImportFrom) else []
        for name in names:
            module_part = at(parts[0], [p for p in parts if p is not None][-1]) if parts else at(name)
            imports.append((at(name), module_part, at(statement)))
    aliases = {}
    for line in module.body:
        for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            target = small.targets[0].target if isinstance(small, cst.Assign) else getattr(small, "target", None)
            if isinstance(target, cst.Name):
                aliases[target.value] = at(target)
    return imports, aliases, at(module.body[1])


@pytest.mark.parametrize(("code", "alias_names"), [(TRICKY, ["Alias", "Ali"]), (COMPOUND_FIRST, [])])
def test_spans_agree_with_libcst_positions(code: str, alias_names: list[str]) -> None:
    summary = summarise(FileContext(FileRef("x.py", "pkg.sub.mod"), code))
    imports, aliases, first = libcst_spans(code)
    assert [(i.span, i.module_span, i.statement) for i in summary.imports] == imports
    assert [(a.name, a.span) for a in summary.aliases] == [(name, aliases[name]) for name in alias_names]  # `x = 'é'` is no alias
    assert summary.first_span == first


def test_tricky_spans() -> None:
    summary = summarise(FileContext(FileRef("x.py", "pkg.sub.mod"), TRICKY))
    star = [i for i in summary.imports if i.star][0]
    assert star.span == (15, 21, 15, 22) and star.in_function
    assert [i.module_span for i in summary.imports if i.name == "thing"] == [(7, 6, 7, 19)]
    assert [(a.name, a.span) for a in summary.aliases] == [("Alias", (11, 10, 11, 15)), ("Ali", (13, 1, 13, 4))]
    assert summary.first_span == (2, 1, 2, 33)
    assert summarise(FileContext(FileRef("x.py", "pkg.sub.mod"), COMPOUND_FIRST)).first_span == (2, 1, 5, 13)


def test_syntax_the_running_python_cannot_parse() -> None:
    ctx = FileContext(FileRef("x.py", "pkg.mod"), "type Point = tuple[float, float]\nfrom .x import y\n")
    if sys.version_info < (3, 12):
        with pytest.raises(SourceError):
            summarise(ctx)
        return
    summary = summarise(ctx)
    assert summary.defined == frozenset({"Point"}) and summary.imports[0].span == (2, 16, 2, 17)
    assert summary.first_span == (1, 1, 1, 33)


def test_lambdas_and_nested_scopes_do_not_unbalance_the_walk() -> None:
    summary = summary_of(
        """
        def first():
            key = lambda item: item[0]
            return sorted([], key=lambda x: (y := x))
        class K:
            f = lambda self: 1
        handler = lambda event: event
        def last(): ...
        LAST = 1
        """
    )
    assert summary.defined == frozenset({"first", "K", "handler", "last", "LAST"})


FROM_IMPORTS = [
    "from a.b import c",
    "from\t..a import (b,\n  c)",
    "from . import x",
    "from ...pkg.sub   import y as z",
    "from a import b  # import c",
    "from a \\\n    import b",  # a continuation: the general search
    "from (a) import b",  # not Python: no plain match, the general search finds what it finds
    "x = 'é'; from é.f import g",
]


@pytest.mark.parametrize("code", FROM_IMPORTS)
def test_module_span_of_a_plain_from_import_is_the_general_searchs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssot_lint.analysis import source_lines

    lines = source_lines.SourceLines(code + "\n")
    start = code.index("from")
    statement = (*lines.position(start), *lines.position(len(code)))
    fast = lines.module_span(statement)
    monkeypatch.setattr(source_lines, "_PLAIN_FROM", source_lines.re.compile(r"(?!)"))  # never matches
    assert fast == lines.module_span(statement)


def test_import_facts_pickle_through_the_result_caches_unpickler() -> None:
    from ssot_lint.model import FileResult
    from ssot_lint.run.cache import load_value

    summary = summary_of("import os.path as p\nfrom .x import *\ndef f():\n    from y import z\n", module="pkg.mod")
    result = FileResult(facts={"U1": summary, "C1": summary.imports})
    loaded = load_value(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded == result and type(loaded.facts["C1"][0]).__name__ == "ImportFact"  # type: ignore[union-attr]
    assert loaded.facts["C1"] is loaded.facts["U1"].imports  # type: ignore[union-attr]  # one object, as sent
    assert [(i.module, i.name, i.bound, i.star, i.in_function) for i in summary.imports] == [
        ("os.path", None, "p", False, False),
        ("pkg.x", "*", None, True, False),
        ("y", "z", None, False, True),
    ]


def test_walrus_targets_wherever_the_colon_equals_is_written() -> None:
    """``:=`` is looked for only in statements on whose lines one is written: on a continuation
    line, in an ``elif`` test, a ``match`` subject or a case guard, it still binds."""
    summary = summary_of(
        textwrap.dedent(
            """
            x = [
                1,
                (later := 2),
            ]
            if a:
                pass
            elif (in_elif := 3):
                pass
            match (subject := 4):
                case 5 if (guard := 6):
                    pass
            s = ":= in a string only"
            """
        )
    )
    assert {"later", "in_elif", "subject", "guard"} <= summary.defined
