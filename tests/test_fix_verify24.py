"""``check`` on Django spent minutes verifying its deprecated-import fixes (issue #17, verify24):
the verifier asks which modules spell a word, may bind it by an import or star-import a module
of that name (``run.spelling``), about 200 words of 2,800 files, and each word was tested against
each file's text again (an import list found anew for each word). Past a few words each file's
words are now gathered once and every later word is looked up in them; the answers are those of
the per-word text tests (``run.word_tests``), which these tests compare them with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.model import FileRef
from ssot_lint.run import file_memo
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.spelling import Spellings
from ssot_lint.run.word_tests import SpellingTest, binds_by_import, import_bound_words, spells, star_import_lines, star_imports
from tests.helpers import python_calls

TESTS: dict[str, Callable[[bytes | None, str], bool]] = {"spells": spells, "bound": binds_by_import, "star": star_imports}
WORDS = ["pkg", "old", "é", "x", "as", "import", "old2", "ol", "sub", "from"]
# Past 32 words of one test, each file's words are gathered: these take the asked words past it.
PADDING = [f"w{i}" for i in range(40)]
TOKENS = [
    "import",
    "from",
    " ",
    "\t",
    "\n",
    "\r\n",
    ".",
    "..",
    "pkg",
    "old",
    "old2",
    "é",
    "as",
    "*",
    "(",
    ")",
    ",",
    "#",
    "\\\n",
    "x",
    "'",
    '"',
    ";",
    "sub",
    "_",
]


def spellings(tmp_path: Path, texts: list[str | None]) -> Spellings:
    """A project of one module per text (None: a file that cannot be read), held as buffers."""
    files = {f"m{i}": SourceFile(str(tmp_path / f"m{i}.py"), FileRef(f"m{i}.py", f"m{i}")) for i in range(len(texts))}
    buffers = {files[f"m{i}"].abspath: text.encode() for i, text in enumerate(texts) if text is not None}
    texts_read = file_memo.FileTexts(buffers, memo=file_memo._Memo())
    return Spellings(texts_read, files.keys, lambda module: [files[module]])


def expected(texts: list[str | None], test: str, words: list[str]) -> dict[str, list[str]]:
    """Each word's modules as the per-word text test finds them, file by file."""
    function = TESTS[test]
    return {w: [f"m{i}" for i, text in enumerate(texts) if function(None if text is None else text.encode(), w)] for w in words}


def asked(found: Spellings, test: str, words: list[str]) -> dict[str, list[str]]:
    return found.spelling(words, SpellingTest(bound=test == "bound", star=test == "star"))


CASES = [
    "import pkg.old as o\nfrom pkg import (\n    old,  # why )\n    sub,\n)\n",
    "from .. import old\nfrom . import x as y\nimport a.old\nimport a.old2 \\\n    as z\n",
    "from pkg.sub import *\nfrom   pkg.old import (*)\nx = 'from pkg.old2 import *'\n",
    "import é\nfrom x.é import *\n# import as\nold = 1; import x; from sub import  *\n",
    "from x import old as\\\n as\r\nimport pkg.é.old\r\nfrom é import *\r\n",
    "pkg.old.x = 1\nprint(old, sub)\n",
    "",
    None,
]


def test_the_gathered_words_answer_as_each_word_tested_on_each_file(tmp_path: Path) -> None:
    for test in TESTS:
        found = spellings(tmp_path, CASES)
        few = asked(found, test, WORDS)  # the first words: each tested on each file
        assert few == expected(CASES, test, WORDS), test
        many = spellings(tmp_path, CASES)
        asked(many, test, PADDING)
        assert asked(many, test, WORDS) == expected(CASES, test, WORDS), test  # looked up in what was gathered
    # The text test's own answers (a superset of what the imports bind), for the record.
    assert expected(CASES, "bound", ["old", "old2", "pkg", "é", "x", "as", "sub"]) == {
        "old": ["m0", "m1", "m4", "m7"],  # in a bracketed list past a comment; `from .. import old`; `import old as`
        "old2": ["m1", "m7"],  # `import a.old2 \` then `as z`: before `as`
        "pkg": ["m0", "m4", "m7"],
        "é": ["m3", "m7"],
        "x": ["m1", "m3", "m7"],  # not `from x import`: before the keyword
        "as": ["m0", "m1", "m3", "m4", "m7"],  # a word of the list, as the text test reads it
        "sub": ["m0", "m7"],
    }
    assert expected(CASES, "star", ["old", "sub", "é", "old2"]) == {
        "old": ["m2", "m7"],
        "sub": ["m2", "m3", "m7"],
        "é": ["m3", "m4", "m7"],
        "old2": ["m2", "m7"],
    }  # in a string too


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join), min_size=1, max_size=4))
def test_the_gathered_words_answer_as_the_text_tests_on_any_text(tmp_path: Path, texts: list[str]) -> None:
    for test in TESTS:
        many = spellings(tmp_path, [*texts, None])
        asked(many, test, PADDING)
        assert asked(many, test, WORDS) == expected([*texts, None], test, WORDS), (test, texts)
    for text in texts:
        data = text.encode()
        assert {w for w in WORDS if binds_by_import(data, w)} == {w for w in WORDS if w.encode() in (import_bound_words(data) or ())}
        lines = star_import_lines(data)
        assert lines is not None
        assert [w for w in WORDS if star_imports(data, w)] == [w for w in WORDS if star_imports(lines, w)]


def test_words_asked_one_at_a_time_cost_about_one_lookup_each(tmp_path: Path) -> None:
    # The verifier asks a word or a few at a time (Django: 434 calls, about 200 words of 2,800
    # files): each new word tested each file's text again, 10 times the words cost 10 times.
    texts = [f"import pkg.old{i} as o{i}\nfrom pkg import *\nprint(o{i}.x, sub{i})\n" for i in range(60)]

    def ask(n: int) -> Callable[[], None]:
        def work() -> None:
            found = spellings(tmp_path, texts)
            for i in range(n):
                for test in TESTS:
                    asked(found, test, [f"o{i}"])

        return work

    cost = {n: python_calls(ask(n)) for n in (40, 400)}
    assert cost[400] < 3 * cost[40], cost
