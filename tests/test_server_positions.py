"""Positions between findings and LSP, minimal text edits, and where a suppression comment can go
(the pure parts of the language server and its code actions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssot_lint.ci.add_suppression import add_suppression
from ssot_lint.model import Finding
from ssot_lint.server.edits import text_edit
from ssot_lint.server.positions import Lines
from tests.lsp_client import apply_edits


def test_finding_columns_become_code_units_of_the_agreed_encoding() -> None:
    lines = Lines("a\n𝒳é = x\n")
    # Column 4 (1-based, characters) on line 2 is the '=' after two characters and a space.
    assert lines.from_finding(2, 4, "utf-16") == (1, 4)  # 𝒳 is two UTF-16 units
    assert lines.from_finding(2, 4, "utf-8") == (1, 7)  # 4 + 2 bytes
    assert lines.from_finding(2, 4, "utf-32") == (1, 3)
    for encoding in ("utf-8", "utf-16", "utf-32"):
        assert lines.to_finding(*lines.from_finding(2, 4, encoding), encoding) == (2, 4)


def test_lines_break_only_where_lsp_and_python_break_them() -> None:
    text = "s = 'a\u2028b\x0cc'\r\nt = 1\rend"
    lines = Lines(text)
    assert len(lines) == 3
    assert [lines.line(i) for i in range(3)] == ["s = 'a\u2028b\x0cc'", "t = 1", "end"]
    assert lines.from_finding(2, 1) == (1, 0) and lines.from_finding(3, 4) == (2, 3)


def test_out_of_range_positions_are_clamped() -> None:
    lines = Lines("ab\ncd")
    assert lines.from_finding(1, 99) == (0, 2)  # past the end of the line: its end
    assert lines.from_finding(9, 1) == (1, 2)  # past the last line: the end of the text
    assert lines.to_offset(0, 99) == 2 and lines.to_offset(7, 0) == 5


@given(st.text(alphabet=st.sampled_from(["a", "é", "𝒳", "\n", "\r", "\u2028", " "]), max_size=40), st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_offsets_round_trip_through_lsp_positions(text: str, encoding: str) -> None:
    lines = Lines(text)
    for offset in range(len(text) + 1):
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            continue  # between the two characters of one line break: not a position
        assert lines.to_offset(*lines.position(offset, encoding), encoding) == offset


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("from a import B\n", "from c import B\n", ((0, 5), (0, 6), "c")),
        ("x\r\ny\r\n", "x\r\nz\r\ny\r\n", ((1, 0), (1, 0), "z\r\n")),
        ("x\r\n", "x\n", ((0, 1), (1, 0), "\n")),  # never half of a \r\n
        ("same", "same", ((0, 4), (0, 4), "")),
    ],
)
def test_text_edit_spans_only_what_changed(old: str, new: str, expected: tuple[tuple[int, int], tuple[int, int], str]) -> None:
    edit = text_edit(old, new, "utf-16")
    assert ((edit.range.start.line, edit.range.start.character), (edit.range.end.line, edit.range.end.character), edit.new_text) == expected
    assert apply_edits(old, [edit]) == new


@given(st.text(alphabet="ab\r\n𝒳", max_size=12), st.text(alphabet="ab\r\n𝒳", max_size=12), st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_any_text_edit_applies_back_to_the_new_text(old: str, new: str, encoding: str) -> None:
    assert apply_edits(old, [text_edit(old, new, encoding)], encoding) == new


def finding(line: int, stmt_line: int = 0, rule: str = "WS002") -> Finding:
    return Finding(rule, line, 1, line, 5, "m", "error", "x.py", stmt_line=stmt_line or line)


def test_a_suppression_goes_at_the_end_of_the_findings_line() -> None:
    assert add_suppression("import a\nfrom old import X\n", finding(2)) == "import a\nfrom old import X  # ssot: ignore[WS002]\n"
    assert add_suppression("from old import X\r\n", finding(1)) == "from old import X  # ssot: ignore[WS002]\r\n"
    assert add_suppression("from old import X", finding(1)) == "from old import X  # ssot: ignore[WS002]"


def test_an_existing_suppression_list_gets_the_id() -> None:
    text = "from old import X  # noqa: F401  # ssot: ignore[WS001]\n"
    assert add_suppression(text, finding(1)) == "from old import X  # noqa: F401  # ssot: ignore[WS001, WS002]\n"


def test_a_line_that_cannot_take_a_comment_falls_back_to_the_other_covered_line() -> None:
    # The finding is on line 2, its statement starts on line 1, which ends in a backslash: only
    # line 2 can hold the comment.
    continued = "x = 1 + \\\n    old.call()\n"
    assert add_suppression(continued, finding(2, 1)) == "x = 1 + \\\n    old.call()  # ssot: ignore[WS002]\n"
    # A statement whose first line ends inside a triple-quoted string: its last line, where the
    # finding (an event dict's key, say) is, takes it.
    in_string = 'e = {"type": """agent\nstarted""", "x": 1}\n'
    assert add_suppression(in_string, finding(2, 1)) == 'e = {"type": """agent\nstarted""", "x": 1}  # ssot: ignore[WS002]\n'
    # When both covered lines are that line, nothing is offered.
    assert add_suppression(in_string, finding(1)) is None
    assert add_suppression("from old import \\\n    X\n", finding(1)) is None


def test_no_suppression_where_none_would_be_a_real_comment() -> None:
    text = 's = """\nfrom old import X\n"""\n'
    assert add_suppression(text, finding(2)) is None  # inside a string: not a comment
    assert add_suppression("x = 1 \\\n+ 2\n", finding(1)) is None  # after a backslash: a syntax change
