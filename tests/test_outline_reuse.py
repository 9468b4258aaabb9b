"""Rules that read only what the outline holds take it from there instead of parsing again:
``ctx.imports()`` once the outline is parsed, and single-implementation with ``bases`` alone
(class headers), unless a class is defined in a body the outline leaves out."""

from __future__ import annotations

import pytest

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.analysis.file_context import FileContext
from ssot_lint.config.rulefile import load_rule_docs
from ssot_lint.config.tomlfile import parse_toml
from ssot_lint.kinds import builtin_kinds
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef
from ssot_lint.run.module_summaries import SUMMARY_RULE
from tests.integrity_helpers import build

REF = FileRef("pkg/coordinator.py", "pkg.coordinator")
RULES = b"""
[[rule]]
id = "C1"
kind = "single-implementation"
bases = ["pkg.update.Coordinator"]
max = 0

[[rule]]
id = "U1"
kind = "unresolved-import"
"""

COORDINATOR = '''"""A coordinator."""
from pkg.update import Coordinator


class Mine(Coordinator[dict]):
    """Polls."""

    def poll(self):
        return {"a": MineCoordinator}


class Other(Coordinator):
    def f(self):
        return 1 +
'''


def rules() -> list:
    return list(load_rule_docs([parse_toml(RULES, "rules.toml")]).rules)


def test_members_are_read_from_the_outline_without_parsing_the_class_bodies() -> None:
    # Other's body does not parse: only the outline (which leaves it out) was parsed, so the file
    # yields its facts and both members, and is not syntax-checked.
    result = analyze_source(COORDINATOR.encode(), REF, rules())
    assert result.parse_error is None
    assert [member[0] for member in result.facts["C1"][0]] == ["Mine", "Other"]
    assert [member[1:] for member in result.facts["C1"][0]] == [(5, 7, 5, 11, 5), (12, 7, 12, 12, 12)]
    assert result.syntax_checked is False


def test_a_class_in_a_body_the_outline_leaves_out_is_read_from_the_statements() -> None:
    text = COORDINATOR.replace("        return 1 +\n", "        class Inner(Coordinator):\n            pass\n")
    ctx = FileContext(REF, text)
    assert ctx.outline_near(["Coordinator", "import"], "class") is None
    result = analyze_source(text.encode(), REF, rules())
    assert [member[0] for member in result.facts["C1"][0]] == ["Mine", "Other", "Other.f.Inner"]


def test_outline_near_gives_the_statements_statements_near_gives() -> None:
    text = COORDINATOR.replace("        return 1 +\n", "        return 1\n") + "\nX = {'a': 1}\n\n\ndef g():\n" + "    x = 2\n" * 40
    by_outline = FileContext(REF, text).outline_near(["Coordinator"], "class")
    by_chunks = FileContext(REF, text).statements_near(["Coordinator"])
    assert by_outline is not None
    assert [(s.lineno, type(s).__name__) for s in by_outline] == [(s.lineno, type(s).__name__) for s in by_chunks]
    assert [s.lineno for s in by_outline] == [2, 5, 12]
    assert [s.end_lineno for s in by_outline] == [2, 5, 12]  # the class bodies are left out
    assert [s.end_lineno for s in by_chunks] == [2, 9, 14]


def test_imports_are_read_from_the_outline_once_it_is_parsed() -> None:
    text = 'import os\n\n\ndef f():\n    from pkg import late\n    return late\n\n\ndef g():\n    return "import"\n'
    ctx = FileContext(REF, text)
    ctx.outline()
    refs = ctx.imports()
    assert [(r.module, r.name, r.statement.lineno) for r in refs] == [("os", None, 1), ("pkg", "late", 5)]
    assert ctx._parsed == {} and not ctx.parsed_whole  # no chunk parsed again, nor the whole file
    fresh = FileContext(REF, text)
    assert [(r.module, r.name, r.statement.lineno) for r in fresh.imports()] == [("os", None, 1), ("pkg", "late", 5)]


def test_a_file_whose_outline_does_not_parse_is_read_as_before() -> None:
    # A broken header far from the class: the outline does not parse, so the rule reads the
    # statements around its words, as without the outline, and the file yields its member.
    text = COORDINATOR.replace("        return 1 +\n", "        return 1\n") + "\n\ndef filler():\n" + "    x = 1\n" * 40 + "\n\ndef broken(:\n    pass\n"
    ctx = FileContext(REF, text)
    assert ctx.outline_near(["Coordinator", "import"], "class") is None
    assert not ctx.parsed_whole
    only = [rule for rule in rules() if rule.id == "C1"]
    result = analyze_source(text.encode(), REF, only)
    assert result.parse_error is None
    assert [member[0] for member in result.facts["C1"][0]] == ["Mine", "Other"]


def _example_rule(kind: type[Rule]) -> Rule:
    return build(kind, **{name.replace("-", "_"): value for name, value in kind.EXAMPLE_OPTIONS.items()})


@pytest.mark.parametrize("rule", [*(_example_rule(kind) for kind in builtin_kinds()), SUMMARY_RULE], ids=lambda rule: rule.kind)
def test_a_rule_declares_reading_the_outline_exactly_when_its_check_summarises_the_module(rule: Rule) -> None:
    # ``Rule.reads_outline`` lets the other rules take the file's imports from the outline the
    # summary parses: a kind that summarises every file without saying so makes them parse again.
    text = '"""Doc."""\nimport os\n\n\ndef f():\n    import json\n    return json, os\n'
    ctx = FileContext(REF, text)
    if rule.needs_parse(text, REF):
        rule.check(ctx)
    assert ("module_summary" in ctx.memo) is rule.reads_outline
