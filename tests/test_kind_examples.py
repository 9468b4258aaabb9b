"""Every rule kind's own VALID/INVALID examples are tests (as in Fixit)."""

from __future__ import annotations

import re
import typing

import pytest

from ssot_lint.kinds import available_kinds, builtin_kinds
from ssot_lint.kinds.base import Example, Rule, option_attribute
from ssot_lint.kinds.examples import run_example
from tests.integrity_helpers import build as build_rule

CASES = [
    pytest.param(kind, example, id=f"{kind.kind}-{label}-{n}")
    for kind in builtin_kinds()
    for label, examples in (("valid", kind.VALID), ("invalid", kind.INVALID))
    for n, example in enumerate(examples)
]


def build(kind: type[Rule]) -> Rule:
    return build_rule(kind, "T001", origin="<builtin>", line=0, **{name.replace("-", "_"): value for name, value in kind.EXAMPLE_OPTIONS.items()})


@pytest.mark.parametrize(("kind", "example"), CASES)
def test_kind_example(kind: type[Rule], example: Example) -> None:
    outcome = run_example(build(kind), example)
    assert outcome.passed, outcome.explain()


@pytest.mark.parametrize("kind", builtin_kinds(), ids=lambda k: k.kind)
def test_every_kind_is_registered_documents_itself_and_has_both_kinds_of_example(kind: type[Rule]) -> None:
    import sys

    assert available_kinds()[kind.kind] is kind
    assert kind.VALID and kind.INVALID
    assert all(example.expect == 0 for example in kind.VALID)
    assert all(example.expect > 0 for example in kind.INVALID)
    doc = sys.modules[kind.__module__].__doc__ or ""
    assert doc.startswith(kind.kind + ":")
    for option in kind.options:
        assert f"``{option}``" in doc, f"option {option} of {kind.kind} is not documented"
    for field in kind.message_fields:
        assert f"``{{{field}}}``" in doc, f"message field {{{field}}} of {kind.kind} is not documented"


# What Rule.__init__ stores for each option type (the converters in kinds.base.OPTION_TYPES).
OPTION_ANNOTATIONS: dict[str, object] = {
    "str": str,
    "str-list": tuple[str, ...],
    "glob-list": tuple[str, ...],
    "regex": re.Pattern[str],
    "int": int,
    "fraction": float,
    "bool": bool,
    "str-map": dict[str, str],
}


@pytest.mark.parametrize("kind", builtin_kinds(), ids=lambda k: k.kind)
def test_every_option_is_declared_as_a_typed_attribute(kind: type[Rule]) -> None:
    """mypy checks a kind's code against these declarations, and a plugin author reads in them
    what a kind gets: so each must exist, under option_attribute's name, with the type the
    option's converter returns (``| None`` when the option may be absent)."""
    hints = typing.get_type_hints(kind)
    rule = build(kind)
    for name, option in kind.options.items():
        attribute = option_attribute(name)
        assert attribute in hints, f"{kind.kind}: option {name!r} is not declared as the attribute {attribute!r}"
        if option.type == "any":  # configure() checks the shape; the declaration says which
            continue
        absent = option.default is None and not option.required
        expected = OPTION_ANNOTATIONS[option.type]
        assert hints[attribute] == (expected | None if absent else expected), f"{kind.kind}: {attribute} is declared {hints[attribute]}"
        value = getattr(rule, attribute)
        if value is not None or not absent:
            assert isinstance(value, typing.get_origin(expected) or expected), f"{kind.kind}: {attribute} is {value!r}"


def test_examples_runner_detects_a_wrong_expectation() -> None:
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport

    wrong = Example.of("import old.pkg\n", 0)
    assert not run_example(build(DeprecatedImport), wrong).passed
    wrong_line = Example.of("import os\nimport old.pkg\n", 1, lines=[1])
    assert not run_example(build(DeprecatedImport), wrong_line).passed


def test_a_plugin_named_like_a_built_in_kind_is_listed_as_the_kind_rules_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import ssot_lint.kinds as kinds
    from ssot_lint.kinds.import_cycle import ImportCycle

    class Impostor(ImportCycle):
        summary = "a plugin reusing a built-in kind's name"

    class Other(ImportCycle):
        kind = "other-plugin"

    monkeypatch.setattr(kinds, "plugin_kinds", lambda observer=None: {"import-cycle": Impostor, "other-plugin": Other})
    listed = kinds.available_kinds()
    assert listed["import-cycle"] is kinds.find_kind("import-cycle") is ImportCycle
    assert list(listed)[-1:] == ["other-plugin"] and listed["other-plugin"] is Other
