"""The summary walk's import facts in C (``project/_import_facts.c``) against its Python loop
(``summary_walk._Summariser._record``): the same module summaries, over the standard library and
over the cases the C code refuses."""

from __future__ import annotations

import sysconfig
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.model import FileRef
from ssot_lint.project import summary_walk
from ssot_lint.project.module_summary import ModuleSummary


def _native() -> ModuleType:
    if summary_walk._native is None:
        if sysconfig.get_config_var("CC"):
            pytest.fail("a C compiler is configured for this Python, but ssot_lint.project._import_facts was not built")
        pytest.skip("no C compiler: the Python loop runs")
    return summary_walk._native


class _Counting:
    """The compiled module, counting the statements it took and the ones it refused."""

    def __init__(self, native: ModuleType) -> None:
        self.native = native
        self.taken = self.refused = 0

    def import_facts(self, *args: Any) -> bool:
        taken: bool = self.native.import_facts(*args)
        self.taken += taken
        self.refused += not taken
        return taken


def _summaries(text: str, ref: FileRef, monkeypatch: pytest.MonkeyPatch, counting: _Counting) -> tuple[ModuleSummary, ModuleSummary]:
    monkeypatch.setattr(summary_walk, "_native", counting)
    with_c = summary_walk.summarise(FileContext(ref, text))
    monkeypatch.setattr(summary_walk, "_native", None)
    python = summary_walk.summarise(FileContext(ref, text))
    return with_c, python


def _module_of(path: Path, root: Path) -> FileRef:
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts[-1] == "__init__"
    if package:
        parts.pop()
    return FileRef(str(path), ".".join(parts) or "__init__", package)


def test_the_c_facts_equal_the_python_facts_over_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting(_native())
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and "dist-packages" not in p.parts)
    assert len(files) > 500
    compared = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")  # a few test files are Latin-1
        ref = _module_of(path, root)
        try:
            with_c, python = _summaries(text, ref, monkeypatch, counting)
        except Exception as error:  # a file this Python cannot parse (lib2to3's test data): no summary either way
            if type(error).__name__ != "SourceError":
                raise
            continue
        assert with_c == python, path
        compared += 1
    assert compared > 500
    # Both paths ran: most statements in C, the refused ones (TYPE_CHECKING, typing, non-ASCII
    # files are not even offered) in Python.
    print(counting.taken, counting.refused, compared)
    assert counting.taken > 20 * counting.refused > 0, (counting.taken, counting.refused)


@pytest.mark.parametrize(
    "code",
    [
        "import os.path, json as j\nfrom collections import abc, OrderedDict as OD\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from os import path\nimport os\nfrom x import *\n",
        "import typing as t\nif t.TYPE_CHECKING:\n    import json\nfrom m import t\nif t.TYPE_CHECKING:\n    import csv\n",
        "from typing_extensions import TYPE_CHECKING as TC, Any\nfrom m import *\nif TC:\n    import a\n",
        "from typing import Any, cast\nimport typing_extensions\n",
        "from .lazy import __getattr__\nfrom . import sibling\nfrom .. import up\nfrom ..pkg.mod import name as other\n",
        "from json import dumps\nimport json.decoder\n",  # a project module named like the standard library's
        "def f():\n    import os\n    from json import loads\nclass C:\n    from os import sep\n",
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\nif __name__ == '__main__':\n    import sys\n",
        "from functools import cache\n@cache\ndef f(): ...\nfrom project.decorators import cache\n@cache\nclass C: ...\n",
        "import  os . path  as  p ;from\\\n  json   import (\n    loads,\n    dumps as d,\n)\n",
        "# é\nimport os\nfrom json import loads\n",  # not ASCII: not offered to the C code
    ],
)
def test_the_c_facts_equal_the_python_facts_on_edge_cases(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting(_native())
    for ref in (FileRef("json/x.py", "json.x"), FileRef("pkg/sub/__init__.py", "pkg.sub", True), FileRef("top.py", "top")):
        with_c, python = _summaries(textwrap.dedent(code), ref, monkeypatch, counting)
        assert with_c == python
        assert with_c.imports  # every case imports something


def test_the_c_code_refuses_what_it_does_not_follow_and_changes_nothing_then() -> None:
    native = _native()
    import ast

    def call(code: str, heads: frozenset[str] = frozenset(), checking: bool = False) -> tuple[bool, set[str], set[str], list[object]]:
        node = ast.parse(code).body[0]
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        plain = isinstance(node, ast.Import)
        pure, objects, into = {"property"}, {"kept"}, []  # type: ignore[var-annotated]
        module = None if plain else node.module  # type: ignore[union-attr]
        starts = [0, *(i + 1 for i, c in enumerate(code) if c == "\n")]
        rest = (False, checking, False, False, False, False, False)
        taken = native.import_facts(
            node, plain, module, 0, code, starts, None, True, checking, heads, pure, objects, summary_walk.PURE_TOPS, summary_walk.ImportFact, rest, into
        )
        return taken, pure, objects, into

    for code, heads in [
        ("from typing import TYPE_CHECKING", frozenset()),
        ("import os, typing", frozenset()),
        ("from m import a, __getattr__", frozenset()),
        ("from m import *", frozenset({"TYPE_CHECKING"})),
        ("import os, TYPE_CHECKING", frozenset({"TYPE_CHECKING"})),
        ("from\\\n os import path", frozenset()),  # the module's span is not on the first line
        ("from os import (path)  # é", frozenset()),  # not ASCII
    ]:
        assert call(code, heads) == (False, {"property"}, {"kept"}, []), code
    taken, pure, objects, into = call("from  os\timport path as p, sep;x = 1\n")
    assert (taken, pure, objects) == (True, {"property", "p", "sep"}, {"kept"})
    assert [(f.module, f.name, f.bound, f.span, f.module_span, f.statement) for f in into] == [  # type: ignore[attr-defined]
        ("os", "path", "p", (1, 17, 1, 26), (1, 7, 1, 9), (1, 1, 1, 31)),
        ("os", "sep", "sep", (1, 28, 1, 31), (1, 7, 1, 9), (1, 1, 1, 31)),
    ]
    taken, pure, objects, into = call("from m import property, kept\n")
    assert (taken, pure, objects) == (True, set(), {"kept", "property"})
    assert call("import kept.sub\n", checking=True)[:3] == (True, {"property"}, set())
