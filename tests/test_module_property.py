"""Properties of whole generated modules under the shipped rules (WS001-WS004).

``test_fix_property.py`` checks each fixable kind's ``Rule.fix`` on single statements; this file
generates modules that mix imports (absolute, relative, aliased, parenthesised, nested in
functions, ``try`` and ``if TYPE_CHECKING``), classes whose names do and do not match the rules,
and event dicts (canonical, legacy, with ``**`` spreads, ``dict(...)`` calls), then runs the
pipeline the commands run: ``analyze_source`` + ``aggregate`` (check) and ``fix_source`` (fix).

Raise ``SSOT_LINT_PROPERTY_EXAMPLES`` (default 60) to hunt for bugs.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from unittest import mock

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.config.rulefile import load_rule_files
from ssot_lint.fix.apply import FixRefused, fix_source
from ssot_lint.kinds.base import FixContext
from ssot_lint.model import FileRef
from ssot_lint.run.aggregation import aggregate

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SSOT_LINT_PROPERTY_EXAMPLES", "60"))
RULES = load_rule_files([REPO / "rules" / "websocket-ssot.toml"]).rules
FIXABLE = [rule for rule in RULES if rule.fixable]
FIXABLE_IDS = {rule.id for rule in FIXABLE}
# A module inside the legacy package, so relative imports resolve to deprecated paths.
REF = FileRef("netra_backend/app/websocket_core/handlers.py", "netra_backend.app.websocket_core.handlers")
# No project around the generated module: every rewrite is unverified, so the property is checked
# with unsafe fixes applied (and, below, without: nothing changes then but every finding is explained).
CONTEXT = FixContext(unsafe=True)
analyze_source(b"", REF, [])  # starts the analysis thread (and its recursion limit) before hypothesis looks

CORE = "netra_backend.app.websocket_core"
MODULES = [f"{CORE}.unified_manager", f"{CORE}.websocket_manager_factory", CORE, f"{CORE}.websocket_manager", "os", "typing"]
RELATIVE = [".unified_manager", ".websocket_manager_factory", ".", ".websocket_manager", "..", "...app.websocket_core"]
NAMES = ["UnifiedWebSocketManager", "WebSocketManager", "create_websocket_manager", "websocket_manager_factory", "Optional", "path"]
CLASSES = ["UnifiedWebSocketManager", "IsolatedWebSocketManager", "WebSocketManager", "MockWebSocketManager", "WebSocketManagerFactory", "Handler"]
EVENT_KEYS = ["type", "event_type", "time", "timestamp", "user", "user_id", "thread_id", "data", "agent_name", "run_id"]
EVENT_VALUES = {
    "type": '"agent_started"',
    "event_type": '"tool_executing"',
    "time": '"2024-01-01"',
    "timestamp": "1.5",
    "user": "u",
    "user_id": '"u"',
    "thread_id": '"t"',
    "data": "{}",
    "agent_name": '"a"',
    "run_id": "r",
}


@st.composite
def import_statement(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    parts = [n + (f" as {n.lower()}_alias" if draw(st.booleans()) else "") for n in names]
    form = draw(st.sampled_from(["import", "from", "relative", "parenthesised"]))
    if form == "import":
        module = draw(st.sampled_from(MODULES))
        return f"import {module}" + (" as mod_alias" if draw(st.booleans()) else "")
    source = draw(st.sampled_from(RELATIVE if form == "relative" else MODULES))
    if form != "parenthesised":
        return f"from {source} import {', '.join(parts)}"
    comments = [f"  # note {i}" if draw(st.booleans()) else "" for i in range(len(parts))]
    trailing = draw(st.booleans())
    body = "".join(f"    {p}{',' if i < len(parts) - 1 or trailing else ''}{c}\n" for i, (p, c) in enumerate(zip(parts, comments)))
    return f"from {source} import (\n{body})"


@st.composite
def class_def(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(CLASSES))
    base = draw(st.sampled_from(["", "(Base)", "(WebSocketManager)"]))
    body = draw(st.sampled_from(["    pass", "    def send(self):\n        return 1", '    """doc"""\n    x = 1']))
    return f"class {name}{base}:\n{body}"


@st.composite
def event_dict(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(EVENT_KEYS), min_size=1, max_size=6, unique=True))
    if draw(st.booleans()):
        keys = ["type"] + [k for k in keys if k != "type"]
    entries = [f'"{k}": {EVENT_VALUES[k]}' for k in keys]
    if draw(st.booleans()):
        entries.insert(draw(st.integers(0, len(entries))), "**base")
    style = draw(st.sampled_from(["inline", "multiline", "call"]))
    if style == "call":
        pairs = [f"{k}={EVENT_VALUES[k]}" for k in keys]
        return f"event = dict({', '.join(pairs)})"
    if style == "inline":
        return "event = {" + ", ".join(entries) + "}"
    trailing = draw(st.booleans())
    lines = [f"    {e}{',' if i < len(entries) - 1 or trailing else ''}{'  # why' if draw(st.booleans()) else ''}" for i, e in enumerate(entries)]
    return "event = {\n" + "\n".join(lines) + "\n}"


def indent(block: str) -> str:
    return "".join("    " + line + "\n" if line else "\n" for line in block.splitlines())


@st.composite
def placed(draw: st.DrawFn, block: st.SearchStrategy[str]) -> str:
    """A block at top level, or nested in a function, a try/except or an if TYPE_CHECKING."""
    text = draw(block)
    where = draw(st.sampled_from(["top", "def", "try", "if"]))
    if where == "def":
        return "def helper():\n" + indent(text) + "    return None\n"
    if where == "try":
        return "try:\n" + indent(text) + "except ImportError:\n    pass\n"
    if where == "if":
        return "if TYPE_CHECKING:\n" + indent(text)
    return text + "\n"


# Code at column 0 that is not code: inside a string, or inside a call's brackets. Only the
# statement scan of ``chunks`` keeps these from being parsed as statements of their own.
DECOYS = [
    'DOC = """\nclass UnifiedWebSocketManager:\n    pass\nfrom netra_backend.app.websocket_core.unified_manager import X\n'
    'event = {"type": "agent_started", "time": "t"}\n"""\n',
    'send(\n{"type": "agent_started", "time": "t"},\n)\n',
    "# class IsolatedWebSocketManager: a comment\n",
]
module_source = st.lists(
    st.one_of(placed(import_statement()), placed(class_def()), placed(event_dict()), st.sampled_from(["# a comment\n", "\n", "x = 1\n", *DECOYS])),
    min_size=1,
    max_size=8,
).map("".join)


def statement_spans(source: str) -> dict[int, int]:
    """First line -> last line of every simple statement and compound-statement header."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    positions = wrapper.resolve(PositionProvider)
    spans: dict[int, int] = {}
    for node, pos in positions.items():
        if isinstance(node, cst.SimpleStatementLine):
            spans[pos.start.line] = max(spans.get(pos.start.line, 0), pos.end.line)
    return spans


def edited_lines(source: str, findings: list) -> set[int]:
    """The lines a fix of ``findings`` may touch: each flagged statement, whole."""
    spans = statement_spans(source)
    allowed: set[int] = set()
    for f in findings:
        start = f.stmt_line or f.line
        allowed.update(range(start, max(spans.get(start, f.end_line), f.end_line) + 1))
    return allowed


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(module_source)
def test_generated_modules_keep_check_and_fix_contracts(source: str) -> None:
    data = source.encode()
    line_count = len(source.splitlines()) or 1
    # check: never raises, every finding inside the file
    result = analyze_source(data, REF, RULES)
    assert result.parse_error is None, result.parse_error
    # parsing only the statements around the rules' words changes nothing (but whether the whole
    # file was parsed, which is what syntax_checked records)
    with mock.patch("ssot_lint.analysis.file_context.scan", return_value=None):
        whole = analyze_source(data, REF, RULES)
    assert dataclasses.replace(whole, syntax_checked=result.syntax_checked) == result
    report = aggregate(RULES, [(REF, result)], "warning")
    for f in report.findings:
        assert 1 <= f.line <= f.end_line <= line_count and f.col >= 1, f
    # fix: parses, compiles, idempotent, nothing fixable left, only flagged statements touched
    try:
        fix = fix_source(data, REF, FIXABLE, CONTEXT)
    except FixRefused as refusal:
        raise AssertionError(f"fix refused a generated module: {refusal}") from None
    after = fix.data.decode()
    compile(after, "<fixed>", "exec", dont_inherit=True)
    again = fix_source(fix.data, REF, FIXABLE, CONTEXT)
    assert again.data == fix.data and again.fixed == 0
    remaining = [f for f in analyze_source(fix.data, REF, RULES).findings if f.rule_id in FIXABLE_IDS]
    assert all((f.rule_id, f.line, f.col) in fix.reasons for f in remaining), (remaining, fix.reasons)
    flagged = [f for f in result.findings if f.rule_id in FIXABLE_IDS]
    assert fix.fixed + len(remaining) == len(flagged)
    # safe fixes only: with no project, no rewrite is verified and every event fix is unsafe
    safe = fix_source(data, REF, FIXABLE, FixContext())
    assert (safe.data, safe.fixed) == (data, 0)
    assert all((f.rule_id, f.line, f.col) in safe.reasons for f in flagged), (flagged, safe.reasons)
    allowed = edited_lines(source, flagged)
    assert kept_outside(source.splitlines(keepends=True), after.splitlines(keepends=True), allowed), (sorted(allowed), source, after)


def kept_outside(before: list[str], after: list[str], allowed: set[int]) -> bool:
    """Whether ``after`` is ``before`` with only the ``allowed`` lines (1-based) replaced: every
    run of other lines appears, in order and unchanged, with replacements only where allowed
    lines were. Leftmost matching finds such an alignment whenever one exists."""
    runs: list[tuple[bool, list[str]]] = []
    for number, line in enumerate(before, 1):
        editable = number in allowed
        if runs and runs[-1][0] == editable:
            runs[-1][1].append(line)
        else:
            runs.append((editable, [line]))
    position, gap = 0, False
    for index, (editable, lines) in enumerate(runs):
        if editable:
            gap = True
            continue
        if index == len(runs) - 1:  # the last run ends the file
            start = len(after) - len(lines)
            return start >= position and (gap or start == position) and after[start:] == lines
        starts = range(position, len(after) - len(lines) + 1) if gap else [position]
        start = next((s for s in starts if after[s : s + len(lines)] == lines), None)
        if start is None:
            return False
        position, gap = start + len(lines), False
    return gap or position == len(after)


def test_kept_outside_catches_edits_outside_the_flagged_statements() -> None:
    before = ["a\n", "import old\n", "b\n", "c\n"]
    assert kept_outside(before, ["a\n", "import new\n", "import other\n", "b\n", "c\n"], {2})
    assert not kept_outside(before, ["a\n", "import new\n", "b\n", "C\n"], {2})  # line 4 changed
    assert not kept_outside(before, ["a\n", "import new\n", "c\n"], {2})  # line 3 dropped
    assert not kept_outside(before, ["x\n", "a\n", "import new\n", "b\n", "c\n"], {2})  # a line added before line 1
    assert not kept_outside(before, ["a\n", "import new\n", "b\n", "c\n", "d\n"], {2})  # a line added at the end
