"""chunks.statement_starts, and analysis that parses only the statements around a rule's words."""

from __future__ import annotations

import dataclasses
from unittest import mock

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.chunks import Scan, scan, statement_starts
from ssot_lint.analysis.file_context import FileContext
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.model import FileRef
from tests.helpers import REPO

RULES = load_rule_files([REPO / "rules" / "websocket-ssot.toml"]).rules
REF = FileRef("pkg/mod.py", "pkg.mod")

TRICKY = '''"""doc
class Fake:
"""
import os
@dec(
  1)
class A:
    x = """
y = 1
"""
def f(a,
b): pass
x = 1; \\\\
z = 2
if x:
    pass
else:
    pass
# comment
s = "a # b ( "
t = 'it''s'
class B: pass
'''


def start_lines(text: str) -> list[int]:
    return statement_starts(text) or []


def test_statement_starts_skip_strings_brackets_continuations_clauses_and_decorated_defs() -> None:
    # 2 and 9 are in strings, 6 in brackets, 8 after a decorator, 12 in brackets, 14 after a
    # backslash, 17 an else clause, 19 a comment
    assert start_lines(TRICKY) == [1, 4, 5, 11, 13, 15, 20, 21, 22]


def test_an_unterminated_string_or_bracket_ends_the_starts() -> None:
    assert start_lines('x = """\nclass A: pass\n') == [1]
    assert start_lines("x = f(\nclass A: pass\n") == [1]


def test_only_the_statements_around_the_words_are_parsed() -> None:
    text = "import os\n\n" + "".join(f"def f{i}():\n    return {i}\n" for i in range(50)) + 'E = {"type": "agent_started"}\n'
    ctx = FileContext(REF, text)
    body = ctx.statements_near(['"agent_started"'])
    assert [type(s).__name__ for s in body] == ["Assign"] and body[0].lineno == 103
    assert ctx.partly_parsed and len(ctx.statements_near(["import"])) == 1


def test_code_in_a_string_at_column_zero_is_never_a_statement() -> None:
    text = 'import os\nDOC = """\nclass UnifiedWebSocketManager:\n    pass\nE = {"type": "agent_started", "time": "x"}\n"""\n'
    assert analyze_source(text.encode(), REF, RULES).findings == ()
    assert analyze_source(text.encode(), REF, RULES).facts == {}


def test_a_dict_at_column_zero_inside_a_call_belongs_to_the_call_statement() -> None:
    text = 'x = 1\nsend(\n{"type": "agent_started"},\n)\n'
    (finding,) = analyze_source(text.encode(), REF, RULES).findings
    assert (finding.rule_id, finding.line, finding.stmt_line) == ("WS003", 3, 2)


def test_a_chunk_that_does_not_parse_alone_falls_back_to_the_whole_file() -> None:
    text = 'x = 1\nE = {\n"type": "agent_started",\n}\n'
    right = scan(text)
    assert right is not None
    wrong = Scan(right.code, [1, 3], [0, text.index('"type"')], [-1, -1])  # a start inside the dict: that chunk cannot parse alone
    with mock.patch("ssot_lint.analysis.file_context.scan", return_value=wrong):
        ctx = FileContext(REF, text)
        body = ctx.statements_near(['"agent_started"'])
    assert [s.lineno for s in body] == [1, 2] and not ctx.partly_parsed


def test_a_syntax_error_elsewhere_is_reported_only_where_something_was_found() -> None:
    finding = "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
    broken = "def f(:\n    pass\n" + "".join(f"v{i} = {i}\n" for i in range(30))  # the chunks must be a small part
    # a deprecated import: the file must parse whole, so its syntax error is the result
    result = analyze_source((finding + broken).encode(), REF, RULES)
    assert result.findings == () and result.parse_error is not None and result.parse_error.line == 2, result
    # a canonical event (nothing found): only its statement was parsed, the rest is not judged
    canonical = 'E = {"event_type": "agent_started", "timestamp": 1.5, "user_id": "u", "thread_id": "t", "data": {}}\n'
    result = analyze_source((canonical + broken).encode(), REF, RULES)
    assert result.parse_error is None and result.findings == () and result.parsed


def test_results_do_not_depend_on_chunking_for_the_sample() -> None:
    for path in sorted((REPO / "fixtures").rglob("*.py")):
        ref = FileRef(path.relative_to(REPO).as_posix(), path.stem)
        data = path.read_bytes()
        chunked = analyze_source(data, ref, RULES)
        with mock.patch("ssot_lint.analysis.file_context.scan", return_value=None):
            whole = analyze_source(data, ref, RULES)
        # the same results; only whether every line was parsed (syntax_checked) may differ
        assert dataclasses.replace(whole, syntax_checked=chunked.syntax_checked) == chunked, path


def test_the_whole_file_check_follows_the_parser_not_the_compiler() -> None:
    # symtable (the fast whole-file check) also rejects what only the compiler would; ast decides
    finding = "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
    rest = "nonlocal x\n" + "".join(f"v{i} = {i}\n" for i in range(30))
    result = analyze_source((finding + rest).encode(), REF, RULES)
    assert result.parse_error is None and [(f.rule_id, f.line) for f in result.findings] == [("WS002", 1)]


def test_line_starts_are_the_same_with_and_without_carriage_returns() -> None:
    from ssot_lint.analysis.source_lines import SourceLines

    for text in ["", "a", "a\n", "a\nb", "\n\n", "x = 1\ny\n\n", "é\nü\n"]:
        assert SourceLines(text).starts == SourceLines(text.replace("\n", "\r\n")).starts[:1] + [
            start - i - 1 for i, start in enumerate(SourceLines(text.replace("\n", "\r\n")).starts[1:])
        ]
    assert SourceLines("a\rb\r\nc\nd").starts == [0, 2, 5, 7]


def test_an_empty_word_matches_no_line() -> None:
    # a rule option such as `events = [""]` must not send the line search into an endless loop
    ctx = FileContext(REF, "x = 1\ny = 2\n")
    assert ctx.lines_with(["", "y"]) == [2]
