"""Every rule kind's own VALID/INVALID examples are tests (as in Fixit)."""

from __future__ import annotations

import pytest

from ssot_lint.kinds import builtin_kinds
from ssot_lint.kinds.base import Example, Rule
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
def test_every_kind_documents_itself_and_has_both_kinds_of_example(kind: type[Rule]) -> None:
    import sys

    assert kind.VALID and kind.INVALID
    assert all(example.expect == 0 for example in kind.VALID)
    assert all(example.expect > 0 for example in kind.INVALID)
    doc = sys.modules[kind.__module__].__doc__ or ""
    assert doc.startswith(kind.kind + ":")
    for option in kind.options:
        assert f"``{option}``" in doc, f"option {option} of {kind.kind} is not documented"


def test_examples_runner_detects_a_wrong_expectation() -> None:
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport

    wrong = Example.of("import old.pkg\n", 0)
    assert not run_example(build(DeprecatedImport), wrong).passed
    wrong_line = Example.of("import os\nimport old.pkg\n", 1, lines=[1])
    assert not run_example(build(DeprecatedImport), wrong_line).passed
