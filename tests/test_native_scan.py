"""The statement scan in C (``ssot_lint/analysis/_scan.c``) gives exactly what the Python code in
``chunks.py`` gives: the blanked code, the statement starts, offsets and heads, and None where an
f-string is not followed; the outline ``outline`` would build from them; and the line starts
``source_lines`` would find. The Python code is the reference; these tests compare the two over this
interpreter's standard library (an eighth of it also with CRLF and CR line breaks), hand-picked edge
cases, and generated texts made of the characters the scan reacts to."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.analysis import chunks
from ssot_lint.analysis.outline import python_outline
from ssot_lint.analysis.prefilter import python_spelled, spelled, spells_any


def _native():  # type: ignore[no-untyped-def]
    try:
        from ssot_lint.analysis import _scan
    except ImportError:
        if sysconfig.get_config_var("CC"):
            pytest.fail("a C compiler is configured for this Python, but ssot_lint.analysis._scan was not built")
        pytest.skip("no C compiler: the Python scan runs")
    return _scan


def _same(text: str) -> None:
    native = _native()
    reference = chunks.python_scan(text)
    found = native.scan(text)
    if found is NotImplemented:  # nested too deep for the C code: scan() runs the Python code
        assert chunks.scan(text) == reference
    else:
        assert found == (None if reference is None else (reference.code, reference.starts, reference.offsets, reference.heads))
    for strings in (True, False):
        blanked = native.blank(text, strings)
        if blanked is not NotImplemented:
            assert blanked == chunks.python_blank(text, strings), (text, strings)
    if reference is not None:
        starts = native.line_starts(text)
        cuts: list[tuple[int, int]] = []
        assert native.outline(text, reference.code, reference.offsets, reference.heads) == (python_outline(text, reference, starts, cuts), cuts)
    assert native.line_starts(text) == [0, *(match.end() for match in re.finditer(r"\r\n|\r|\n", text))]


def _standard_library() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(path for path in root.rglob("*.py") if "site-packages" not in path.parts and "dist-packages" not in path.parts)


def test_the_c_scan_equals_the_python_scan_over_the_standard_library_with_each_line_break() -> None:
    _native()
    files = _standard_library()
    assert len(files) > 500  # the interpreter's own library, whatever its version
    for index, path in enumerate(files):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        _same(text)
        if index % 8 == 0:  # the other line breaks on a sample: the generated texts mix all three
            _same(text.replace("\n", "\r\n"))
            _same(text.replace("\n", "\r"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x",
        "\n",
        "@",
        "def",
        "class C: pass\n",
        '"""unterminated\\',  # a triple-quoted body ending at a backslash: the regex falls back to `""`
        "'''a\\'''\\",
        '"a\\\r\nb"\nx = 1\n',
        "x = 1 \\\ny = 2\nz = 3\n",
        "x = (1,\n2)\ny = [\n]\nz = {}\n",
        "if x:\n    pass\nelse:\n    pass\nelif_ = 1\nelsewhere = 2\n",
        "@dec\n@dec2(\n1)\ndef f(): pass\nasync def g(): pass\nclassy = 1\n",
        "@dec\nx = 1\n",
        "# comment é\nx = 'é' # ünïcode\ny = 1\n",
        "x = '😀'\n\u00a0y = 1\n\x0cz = 2\n\x1cw = 3\n\u2028v = 4\n",
        "é = 1\nélif = 2\n",
        'f"{x}" f"{"nested"}" rf"{x!r:>{width}}" F"""{\nx\n}""" fr\'\\N{BULLET}\'\n',
        'f"{x:{"bad"}}"\nx = 1\n',
        "rf'\\N{{'\n",  # a named escape only where the string is not raw: here a literal `{`
        "f'\\N{BULLET}' rf'\\N{x}'\n",
        'f"{x\n}"\n',
        'f"{x!=y}" f"{a:{b}{c}}" f"{{}}" f"}}" f"}"\n',
        "bf'x' ub'x' xf'{' rb'''\\'''' elif'x'\n",
        "t'{x}'\nT'{y!s}'\n",
        "f\"{'a' # c\n}\"\n",
        'f"{"""x"""}" f"{\'\'}" f"{"x"\n',
        "x = 1\r\ny = 2\rz = (\r\n3)\r",
        'f"{' * 300 + "1" + '}"' * 300 + "\nx = 1\n",  # deeper than the C code follows
    ],
)
def test_the_c_scan_equals_the_python_scan_on_edge_cases(text: str) -> None:
    _same(text)


_PIECES = st.sampled_from(
    [
        "\n", "\r\n", "\r", " ", "\t", "\\", "#", "'", '"', "'''", '"""', "f", "rf", "F", "fr", "b", "r", "t", "u",
        "{", "}", "{{", "}}", "(", ")", "[", "]", ":", "!", "=", "!=", "N{", "@", "def ", "class ", "async ",
        "else", "elif", "except", "finally", "x", "_", "1", "é", "😀", "\u00a0", "\x0c", "\u2028", ";",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_c_scan_equals_the_python_scan_on_generated_texts(text: str) -> None:
    _same(text)


def test_the_c_scan_says_when_it_does_not_follow_a_nesting_that_deep() -> None:
    native = _native()
    deep = "x = " + 'f"{' * 300 + "1" + '}"' * 300 + "\n"
    if sys.version_info >= (3, 12):
        assert native.scan(deep) is NotImplemented
        assert chunks.scan(deep) == chunks.python_scan(deep) is not None
    else:  # before PEP 701 an f-string's fields are not followed: nothing nests
        assert native.scan(deep) is not NotImplemented


def test_the_c_outline_refuses_a_scan_of_another_text() -> None:
    native = _native()
    with pytest.raises(ValueError, match="the scan does not belong to this text"):
        native.outline("a = 1\nb = 2\nc = 3\n", "a = 1\nb = 2\nc = 3\n", [0, 6, 12, 99], [-1, -1, -1, -1])
    with pytest.raises(ValueError, match="the scan does not belong to this text"):
        native.outline("a = 1\n", "a = 2\n\n", [0], [-1])


def test_ssot_lint_pure_python_turns_the_c_scan_off() -> None:
    _native()
    probe = "from ssot_lint.analysis import native; print(native.compiled is None)"
    environment = {**os.environ, "SSOT_LINT_PURE_PYTHON": "1"}
    assert subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True).stdout == "True\n"
    environment.pop("SSOT_LINT_PURE_PYTHON")
    assert subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True).stdout == "False\n"


def test_a_check_gives_the_same_report_with_the_python_scan(tmp_path: Path) -> None:
    """The fallback's wiring: the shipped sample checked with and without the C code."""
    _native()
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "ssot_lint", "check", "--no-cache", "-o", "json", "fixtures"]
    reports = []
    for pure in ("1", ""):
        environment = {**os.environ, "SSOT_LINT_PURE_PYTHON": pure}
        done = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True)
        assert done.returncode == 1, done.stderr  # the sample is full of findings on purpose
        reports.append(done.stdout)
    assert reports[0] == reports[1]
    assert '"id": "PI001"' in reports[0]


_NEEDLE_PIECES = st.sampled_from(["a", "b", "ab", "ba", "aab", "é", "ÿ", "€", "😀", "\n", " ", "import", "imp", "x" * 17, "ax" * 9])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_NEEDLE_PIECES, max_size=40).map("".join), st.lists(st.lists(_NEEDLE_PIECES, max_size=4).map("".join), max_size=12))
def test_the_c_needle_search_equals_a_substring_test_per_needle(text: str, needles: list[str]) -> None:
    native = _native()
    words = tuple(needles)
    # Texts of each string kind (the C code answers for Latin-1 ones), needles longer than the
    # text, empty, repeated, overlapping, one character long, matching across a 16-byte block.
    expected = [index for index, needle in enumerate(needles) if needle in text]
    assert python_spelled(text, words) == spelled(text, words) == expected
    assert spells_any(text, words) is bool(expected)
    found = native.spelled(text, words)
    if max(text, default="a") <= "\xff":
        assert found == expected and native.spelled(text, words, True) is bool(expected)
    else:
        assert found is NotImplemented


def test_the_c_needle_search_over_the_standard_library() -> None:
    native = _native()
    words = ("import", "typing", "zeroconf", "__getattr__", "warn", "Warning(", "deprecat", "é", "xpect", "ssert", "a", "\t", "")
    searched = 0
    for path in _standard_library()[::3]:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        found = native.spelled(text, words)
        if found is not NotImplemented:
            searched += 1
            assert found == python_spelled(text, words), path
    assert searched > 100


def test_the_c_needle_search_needs_str_needles() -> None:
    native = _native()
    with pytest.raises(TypeError, match="the needles must be str"):
        native.spelled("text", ("a", 1))
