"""Text prefilters: fast, and never wrong (a file a rule could flag is always parsed)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.prefilter import Literals, Words, required_literals
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.kinds.text import _CLASS_NAME, _keyword_names, names_in_text
from ssot_lint.model import FileRef

REPO = Path(__file__).resolve().parent.parent
RULES = {r.id: r for r in load_rule_files([REPO / "rules" / "websocket-ssot.toml"]).rules}
SERVICE = FileRef("netra_backend/app/services/x.py", "netra_backend.app.services.x")


def test_required_literals() -> None:
    cases = {
        "(?i)websocket.*manager": ("websocket", "manager"),
        "(?i)^mock.*websocket": ("mock", "websocket"),
        "ab(cd)ef": ("abcdef",),
        "x{2}yy": ("yy",),
        "(?i:ab)cd": ("cd",),  # a flag group changes case matching: skipped
        "^(Test|Mock)|(Factory|Protocol)$": (),
    }
    assert {p: required_literals(re.compile(p)) for p in cases} == cases


# Pieces that make matches likely, plus the two non-ASCII letters that IGNORECASE folds to ASCII.
PIECES = st.lists(st.sampled_from(["web", "WEB", "socket", "Socket", "manager", "MANAGER", "mock", "ſ", "K", "k", "s", " ", "_", "1"]), max_size=12).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(PIECES, st.sampled_from(["(?i)websocket.*manager", "(?i)^mock.*websocket", "Web.Socket", "(?a)(?i)sock"]))
def test_literals_never_reject_a_text_the_regex_matches(text: str, pattern: str) -> None:
    regex = re.compile(pattern)
    if any(regex.search(text[i:j]) for i in range(len(text)) for j in range(i, len(text) + 1)):
        assert Literals(regex).present(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("class def x_1\\\n.é")), max_size=30))
def test_keyword_names_equal_the_lookbehind_regex(text: str) -> None:
    assert list(_keyword_names(_CLASS_NAME, text)) == re.findall(r"(?<!\w)class[\s\\]+([^\W\d]\w*)", text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ab", "abc", "_", "x", " ", "1", "é"]), max_size=12).map("".join))
def test_words_equal_the_word_regex(text: str) -> None:
    words = Words(["ab", "abc"])
    assert (words.search(text) is None) == (re.search(r"(?<!\w)(?:ab|abc)(?!\w)", text) is None)


def test_top_level_assignments_only_where_module_level_statements_can_start() -> None:
    text = "X = 1\ndef f():\n    local_name = 2\na = 1; After = b\nc = 1; \\\n   Continued = d\n\fFeed = 1\nx == y\n"
    assert names_in_text(text, classes=False, top_level_assignments=True) == {"X", "a", "After", "c", "Continued", "Feed"}


def findings(code: str, rule: str, ref: FileRef = SERVICE) -> tuple[bool, list[tuple[str, int, int]]]:
    result = analyze_source(code.encode(), ref, [RULES[rule]])
    return result.parsed, [(f.rule_id, f.line, f.col) for f in result.findings]


def test_star_import_of_a_deprecated_member_is_found() -> None:
    # `import *` does not spell the member's name: the prefilter once let this file through unparsed.
    assert findings("from netra_backend.app.websocket_core import *\n", "WS002") == (True, [("WS002", 1, 46)])


def test_canonical_import_of_the_member_is_not_parsed() -> None:
    code = "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager\n"
    assert findings(code, "WS002") == (False, [])


def test_relative_imports_inside_the_deprecated_package_are_parsed() -> None:
    inside = FileRef("netra_backend/app/websocket_core/x.py", "netra_backend.app.websocket_core.x")
    assert findings("from . import *\n", "WS002", inside) == (True, [("WS002", 1, 15)])


def test_event_names_outside_string_literals_skip_the_parse() -> None:
    assert findings("def on_agent_started(event_type):\n    return event_type\n", "WS003") == (False, [])
    assert findings('e = {"type": "agent_started", "time": 1}\n', "WS003") == (True, [("WS003", 1, 5)])


def test_a_local_variable_named_like_a_manager_skips_the_parse() -> None:
    assert findings("def f(m):\n    websocket_manager = m\n    return websocket_manager\n", "WS001") == (False, [])
    parsed, found = findings("class UnifiedWebSocketManager:\n    pass\n", "WS001")
    assert parsed and found == []  # a member: reported by the project-wide count, not per file
