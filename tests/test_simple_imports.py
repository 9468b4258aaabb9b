"""The top-level imports the outline leaves out and reads from the text (``_simple_imports.c``):
every record is the node CPython makes of the statement, what the reader does not follow stays
in the outline, and the module summaries and import lists are the same as with every import in
the outline."""

from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.analysis import outline as outline_module
from ssot_lint.analysis.chunks import scan
from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.native import compiled
from ssot_lint.analysis.outline import outline
from ssot_lint.analysis.parsing import SourceError
from ssot_lint.analysis.simple_imports import ImportRecord, import_node, with_imports
from ssot_lint.analysis.source_lines import SourceLines
from ssot_lint.analysis.syntax import cpython_parse
from ssot_lint.model import FileRef
from ssot_lint.project.summary_walk import summarise


def _native() -> None:
    if compiled is None:
        if sysconfig.get_config_var("CC"):
            pytest.fail("a C compiler is configured for this Python, but ssot_lint.analysis._scan was not built")
        pytest.skip("no C compiler: nothing is read from the text")


def _read(text: str) -> tuple[str, list[ImportRecord]]:
    found = scan(text)
    assert found is not None
    records: list[ImportRecord] = []
    return outline(text, found, SourceLines(text).starts, None, records), records


def _same_nodes(text: str) -> int:
    """Every record read from ``text`` is CPython's node of its statement; the outline keeps the
    rest of the text, line for line. The number of records."""
    kept, records = _read(text)
    assert len(SourceLines(kept).starts) == len(SourceLines(text).starts)  # as many line breaks
    tree = cpython_parse(text)
    by_line = {statement.lineno: statement for statement in tree.body}
    for record in records:
        expected = by_line[record[0]]
        assert ast.dump(import_node(record), include_attributes=True) == ast.dump(expected, include_attributes=True)
    # What the outline holds, with the records' nodes in their places, is every top-level
    # statement on its own line, and every top-level import.
    whole = with_imports(cpython_parse(kept).body, records)
    assert [(type(s).__name__, s.lineno) for s in whole] == [(type(s).__name__, s.lineno) for s in tree.body]
    imports = [ast.dump(s, include_attributes=True) for s in whole if isinstance(s, (ast.Import, ast.ImportFrom))]
    assert imports == [ast.dump(s, include_attributes=True) for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    return len(records)


def _standard_library() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and "dist-packages" not in p.parts)


def test_every_import_read_from_the_standard_library_is_the_node_cpython_makes() -> None:
    _native()
    read = 0
    for index, path in enumerate(_standard_library()):
        text = path.read_bytes().decode("utf-8", "replace")
        try:
            cpython_parse(text)
        except SyntaxError:
            continue
        if scan(text) is not None:
            read += _same_nodes(text)
            if index % 10 == 0:  # the other line breaks on a sample (a lone CR before a read import)
                _same_nodes(text.replace("\n", "\r"))
                _same_nodes(text.replace("\n", "\r\n"))
    assert read > 5_000  # 6,750 on 3.11's


@pytest.mark.parametrize(
    ("code", "read"),
    [
        ('"""doc"""\nx = 1\nimport os, a.b as c\nimport  q  as  r  # comment\n', 2),
        ("x = 1\ny = 2\nfrom a import (b,  # c\n  d as e,\n)\nfrom .. import *\nfrom .m.n import x as y, z\n", 3),
        ("x = 1\ny = 2\nfrom x import (y)\nfrom x import(y)\nfrom ...pkg import (\n    a\n    as\n    b\n)\n", 3),
        ("x = 1\ny = 2\r\nimport os\r\nfrom a import (b,\r\n c)\rimport d\r", 3),
        ("x = 1\ry = 2\rimport a\rz = 3\r", 1),  # the lone CR before it stays one line break
        ("x = 1\ry = 2\rimport a  \n\t\nimport b \r\nz = 3\n", 2),  # blanks left out between a CR and a LF
        ("x = 1\ny = 2\nimport os\n\n\n# a comment\n\nimport sys\n", 2),
        # Left in the outline: what the reader does not follow, each parsed by CPython as before.
        ("x = 1\ny = 2\nfrom __future__ import annotations\n", 0),
        ("x = 1\ny = 2\nimport a; import b\nimport c \\\n    as d\nimport a . b\nfrom . . m import x\n", 0),
        ("x = 1\ny = 2\nfrom .import x\nfrom.m import x\nimport é\nimport os  # é\n", 0),
        ("x = 1\ny = 2\nimport match, case, type, _\nfrom m import print as type\n", 2),  # soft keywords are names
        ("x = 1\ny = 2\nif x:\n    import os\ntry:\n    import a\nexcept ImportError:\n    pass\n", 0),  # not top-level statements of their own
        ("import a\nimport b\nimport c\n", 1),  # the first two statements stay whole (first_span)
    ],
)
def test_imports_read_from_edge_cases_are_the_nodes_cpython_makes(code: str, read: int) -> None:
    _native()
    assert _same_nodes(code) == read


@pytest.mark.parametrize(
    "code",
    [
        "x = 1\ny = 2\nimport os  # \x00\n",
        "x = 1\ny = 2\nimport if\n",
        "x = 1\ny = 2\nfrom m import (a,,)\n",
        "x = 1\ny = 2\nimport a,\n",
        "x = 1\ny = 2\nfrom m import ()\n",
    ],
)
def test_a_broken_import_stays_in_the_outline_and_fails_its_parse_there(code: str) -> None:
    _native()
    kept, records = _read(code)
    assert records == [] and kept == code


_PIECES = st.sampled_from(
    [
        "import", "from", " ", "  ", "\t", "\x0c", ".", "...", "a", "b1", "_c", "as", "if", "match", ",", "(", ")", "*",
        "\n", "\r\n", "\r", "#c", "\\\n", ";", "é", "__future__", "'s'", "x = 1",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.sampled_from(["import ", "from ", "from .", "from a import ", ""]), st.lists(_PIECES, max_size=24).map("".join)).map("".join))
def test_the_reader_takes_only_statements_cpython_parses_to_the_same_node(body: str) -> None:
    """Whatever the text, each statement read is one CPython parses alone (a statement it
    rejects is never left out of the outline), into the node its record gives."""
    _native()
    text = "x = 1\ny = 2\n" + body + "\n"
    if scan(text) is None:
        return
    _, records = _read(text)
    starts = SourceLines(text).starts
    for record in records:
        statement = text[starts[record[0] - 1] : starts[record[2]] if record[2] < len(starts) else len(text)]
        node = cpython_parse(statement).body[0]
        ast.increment_lineno(node, record[0] - 1)
        assert ast.dump(import_node(record), include_attributes=True) == ast.dump(node, include_attributes=True)


def _summaries_and_imports(text: str, ref: FileRef, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, int]:
    """The module summary, the file's imports and outline with imports read from the text, and
    with every import in the outline (the reader turned off); the number of imports read."""
    results = []
    read = 0
    for reading in (True, False):
        if not reading:
            plain = outline_module.outline
            monkeypatch.setattr("ssot_lint.analysis.file_context.outline", lambda t, f, s, cuts=None, imports=None: plain(t, f, s, cuts))
        ctx = FileContext(ref, text)
        ctx.outline_read = True
        try:
            summary = summarise(ctx)
        except SourceError:
            summary = None
        dumped = [ast.dump(s, include_attributes=True) for s in ctx.outline()] if summary is not None else []
        near = ctx.outline_near(["import", "class"], "class") if summary is not None else None
        imports = [
            (r.module, r.name, r.bound, r.plain, ast.dump(r.node, include_attributes=True), ast.dump(r.statement, include_attributes=True))
            for r in (ctx.imports() if summary is not None else [])
        ]
        read += len(ctx.outline_parts()[1]) if summary is not None else 0
        results.append((summary, imports, dumped, near and [ast.dump(s, include_attributes=True) for s in near]))
        monkeypatch.undo()
    return results[0], results[1], read


def test_summaries_and_imports_are_the_same_with_imports_read_from_the_text_over_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    _native()
    root = Path(sysconfig.get_paths()["stdlib"])
    compared = read_in_all = 0
    for path in _standard_library()[::3]:  # a third of it: each file is analyzed twice
        parts = list(path.relative_to(root).with_suffix("").parts)
        package = parts[-1] == "__init__"
        ref = FileRef(str(path), ".".join(parts[:-1] if package else parts) or "x", package)
        read, whole, count = _summaries_and_imports(path.read_bytes().decode("utf-8", "replace"), ref, monkeypatch)
        assert read == whole, path
        compared += 1
        read_in_all += count
    assert compared > 300 and read_in_all > 1_500


@pytest.mark.parametrize(
    "code",
    [
        # The order of imports and statements matters to the summary: a pure decorator's name
        # rebound by a later import, a class's effects read with the names as they stood.
        """
        '''doc'''
        from typing import TYPE_CHECKING
        import functools
        @functools.cache
        def f(): ...
        from mylib import cache
        @cache
        class C:
            x = cache()
        from functools import cache
        if TYPE_CHECKING:
            from os import path
        import importlib
        for name in ("a", "b"):
            importlib.import_module(name)
        from .lazy import __getattr__
        import typing as t
        """,
        """
        x = 1
        y = 2
        from . import sibling
        from .sibling import thing as other
        __all__ = ["thing", "other"]
        from m import *
        import sys
        sys.modules[__name__] = other
        """,
        # An import that rebinds a builtin an attribute store reads (ModuleSummary.stored_into).
        """
        '''doc'''
        x = 1
        from helpers import sorted
        import sys
        from os import path
        sys.y = sorted(vars(sys))
        """,
    ],
)
def test_summaries_are_the_same_with_imports_read_from_the_text(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _native()
    for ref in (FileRef("pkg/__init__.py", "pkg", True), FileRef("pkg/mod.py", "pkg.mod")):
        read, whole, count = _summaries_and_imports(textwrap.dedent(code).lstrip("\n"), ref, monkeypatch)
        assert read == whole and count >= 3
