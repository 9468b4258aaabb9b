"""Many plain imports of a deprecated module in one text are checked and fixed in time linear
in their number (issue #13's note): each rewrite's question whether another statement reads the
module as an attribute (``fix.attribute_reads``) went through every other import of the text,
asking the rule where it sends it and whether a comment silences it (400 of them: 2.7 s), and
the fix's plan went through every chain and import binding the name for each of them."""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

import libcst as cst
import pytest

from ssot_lint import api
from ssot_lint.analysis.cst_parts import lines_naming
from ssot_lint.analysis.file_context import FileContext
from ssot_lint.api import source as source_module
from ssot_lint.api.source import _cookie_encoding, _encoded, source_bytes, unencodable
from ssot_lint.kinds.deprecated_import.fix import fix_imports
from ssot_lint.kinds.fixes import FixContext, FixOutcome
from ssot_lint.model import FileRef
from ssot_lint.run.word_tests import one_whole_word, spells, whole_words
from tests.helpers import python_calls, write_project

RULES = """
[[rule]]
id = "DI1"
kind = "deprecated-import"
replace = { "pkg.old" = "pkg.new" }
"""


def project(root: Path) -> Path:
    return write_project(root, {"pkg/__init__.py": "", "pkg/new.py": "X = 1\n", "pkg/old.py": "from pkg.new import X\n"}, RULES)


def plain(n: int) -> str:
    """``benchmarks/source_latency.py``'s plain case: ``import pkg.old`` and ``import pkg.old as
    oI`` in turn, each read through the name it binds."""
    return "".join("import pkg.old\nprint(pkg.old.X)\n" if i % 2 == 0 else f"import pkg.old as o{i}\nprint(o{i}.X)\n" for i in range(n))


def fixed(n: int) -> str:
    return "".join(
        "import pkg.new\nprint(pkg.new.X)\n" if i == 0 else "print(pkg.new.X)\n" if i % 2 == 0 else f"import pkg.new as o{i}\nprint(o{i}.X)\n" for i in range(n)
    )


def test_plain_imports_of_a_deprecated_module_are_each_fixed_safely(tmp_path: Path) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    found = api.check_source(root / "pkg/app.py", plain(40), config=loaded)
    assert [(f.rule_id, f.line, f.col, f.applicability, f.message) for f in found] == [
        ("DI1", 2 * i + 1, 8, "safe", "pkg.old is deprecated; import pkg.new") for i in range(40)
    ]
    result = api.fix_source(root / "pkg/app.py", plain(40), config=loaded)
    assert (result.code, result.fixed, result.reasons) == (fixed(40), 40, ())


def test_n_plain_imports_in_one_text_cost_about_n_times_one(tmp_path: Path) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    cost = {n: python_calls(lambda n=n: api.check_source(root / "pkg/app.py", plain(n), config=loaded)) for n in (100, 200)}
    # Each rewrite asked of every other import statement whether the fix rewrites it (twice:
    # whether it runs pkg.old before, whether it carries the reads of pkg.old): twice the
    # imports cost 3.5 times as much.
    assert cost[200] < 2.3 * cost[100], cost
    fixes = {n: python_calls(lambda n=n: api.fix_source(root / "pkg/app.py", plain(n), config=loaded)) for n in (100, 200)}
    assert fixes[200] < 2.3 * fixes[100], fixes


def test_the_lines_naming_many_words_are_those_one_expression_of_them_finds() -> None:
    # Past 32 words the text's words are looked up one by one instead of trying each word at
    # each place (N imports binding N names: N times N).
    text = "import a1 as a10\nx = a10.a1 + a100; _a1 = 'a1'\n# a2\nb.c\n\ndef a1x(): ...\n" * 3
    starts = [0, *(at + 1 for at, char in enumerate(text) if char == "\n")]
    few = ["a1", "b", "x", "import"]
    many = [*few, *(f"w{i}" for i in range(40))]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, many), key=len, reverse=True)) + r")(?!\w)")
    expected = sorted({bisect_right(starts, m.start()) for m in pattern.finditer(text)})
    assert lines_naming(text, starts, many) == expected == [1, 2, 4, 7, 8, 10, 13, 14, 16]
    assert lines_naming(text, starts, few) == expected
    assert lines_naming(text, starts, [*many, "a.b"]) == expected  # a word no run of word characters is: one expression


def test_the_plan_for_n_plain_imports_costs_about_n_times_one(tmp_path: Path) -> None:
    # What the fix decides before it verifies (no project here): each import binding `pkg` was
    # checked against every chain, every stored chain, every import binding the name and
    # every later import of the block: four times the imports cost 5.5 times as much.
    rule = api.load_project(project(tmp_path) / "ssot-lint.toml").rules.rules[0]
    cost = {}
    for n in (200, 800):
        text = plain(n)
        module = cst.parse_module(text)
        ctx = FileContext(FileRef("pkg/app.py", "pkg.app"), text, module=module)
        outcome: list[FixOutcome] = []
        cost[n] = python_calls(lambda ctx=ctx, module=module: outcome.append(fix_imports(rule, module, ctx, FixContext(unsafe=True))))
        assert (outcome[0].module.code, outcome[0].fixed, outcome[0].unsafe) == (fixed(n), n, n)
    assert cost[800] < 4.4 * cost[200], cost


def _old_source_bytes(code: str) -> bytes:
    """``api.source_bytes`` as it was, before ``_encoded``."""
    try:
        data = code.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = code.encode("utf-8", "surrogatepass")
    encoding = _cookie_encoding(data)
    if encoding in (None, "utf-8", "utf-8-sig"):
        return data
    try:
        return code.encode(encoding)
    except (UnicodeError, LookupError):
        return data


def _old_unencodable(code: str) -> tuple[str, int, int] | None:
    """``api.unencodable`` as it was (reason, line, column)."""
    encoding = _cookie_encoding(_old_source_bytes(code)) or "utf-8"
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        code.encode(codec, "surrogateescape")
    except UnicodeEncodeError as exc:
        char = code[exc.start]
        what = f"a lone surrogate (U+{ord(char):04X})" if 0xD800 <= ord(char) <= 0xDFFF else f"{char!r} (U+{ord(char):04X})"
        declared = "" if codec == "utf-8" else ", as its coding cookie declares"
        col = exc.start - (code.rfind("\n", 0, exc.start) + 1) + 1
        return f"cannot encode as {encoding}{declared}: {what}", code.count("\n", 0, exc.start) + 1, col
    except LookupError:
        return None
    return None


TEXTS = [
    "",
    "s = 'café'\n",
    "x = 1\ns = '\ud800'\n",  # a lone surrogate
    "s = '\udc80'\n",  # one surrogateescape stands for
    "\ufeffs = 'café'\n",  # a byte order mark
    "# coding: utf-8\ns = '\ud83d'\n",
    "# -*- coding: latin-1 -*-\ns = 'café'\n",
    "# -*- coding: latin-1 -*-\ns = '€'\n",  # latin-1 lacks it
    "# -*- coding: latin-1 -*-\ns = '\udce9'\n",
    "# coding: ascii\ns = 'café'\n",
    "# coding: no-such-codec\ns = 'café'\n",
    "# coding: utf-16\ns = 'x'\n",
]


def test_a_buffer_is_encoded_once_and_as_before(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for text in TEXTS:
        data, problem = _encoded(text)
        assert data == _old_source_bytes(text) == source_bytes(text), text
        assert (None if problem is None else (problem.reason, problem.line, problem.col)) == _old_unencodable(text), text
        assert (unencodable(text) is None) == (problem is None)
    assert _encoded(b"\xff") == (b"\xff", None)
    # A UTF-8 buffer's coding cookie is looked for once (it was twice, and the text encoded
    # three times: as the file's bytes, then again to find whether it can be).
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    looked: list[bytes] = []
    real = source_module._cookie_encoding
    monkeypatch.setattr(source_module, "_cookie_encoding", lambda data: looked.append(data) or real(data))
    assert [f.line for f in api.check_source(root / "pkg/app.py", plain(2), config=loaded)] == [1, 3]
    assert looked == [plain(2).encode()]
    looked.clear()
    assert api.fix_source(root / "pkg/app.py", plain(2), config=loaded).code == fixed(2)
    assert looked == [plain(2).encode()]


def test_whether_a_file_spells_a_word_is_the_same_from_its_whole_words() -> None:
    # Past 32 words asked of one file (run.spelling), its whole words are gathered once instead
    # of searching it once for each word.
    data = "import pkg.old as o1\nx = o10.o1 + _o1 # o1x\ns = 'café o1é' ; ö1 = d1_\n".encode()
    words = whole_words(data)
    assert words == {b"import", b"pkg", b"old", b"as", b"o1", b"x", b"o10", b"_o1", b"o1x", b"s", b"caf\xc3\xa9", b"o1\xc3\xa9", b"\xc3\xb61", b"d1_"}
    singles = ["o1", "o10", "o", "1", "_o1", "o1x", "café", "caf", "o1é", "ö1", "d1_", "d1", "pkg"]
    assert [w for w in singles if w.encode() in words] == ["o1", "o10", "_o1", "o1x", "café", "o1é", "ö1", "d1_", "pkg"]
    assert all(one_whole_word(w) and (w.encode() in words) == spells(data, w) for w in singles)
    assert not any(one_whole_word(w) for w in ["pkg.old", "old ", "", "o-1"])  # asked of the file itself, as before
