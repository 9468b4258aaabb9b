"""The project-wide kinds' own VALID/INVALID examples run as tests, and their options are validated."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ssot_lint.kinds import available_kinds
from ssot_lint.kinds.base import Example, Rule
from ssot_lint.kinds.examples import run_example
from ssot_lint.kinds.import_cycle import ImportCycle
from ssot_lint.kinds.required_events import RequiredEvents
from ssot_lint.kinds.shim_module import ShimModule
from ssot_lint.kinds.unresolved_import import UnresolvedImport
from tests.helpers import run_cli, write_project
from tests.integrity_helpers import build

KINDS = (UnresolvedImport, ShimModule, ImportCycle, RequiredEvents)
CASES = [
    pytest.param(kind, example, id=f"{kind.kind}-{label}-{n}")
    for kind in KINDS
    for label, examples in (("valid", kind.VALID), ("invalid", kind.INVALID))
    for n, example in enumerate(examples)
]


@pytest.mark.parametrize(("kind", "example"), CASES)
def test_kind_example(kind: type[Rule], example: Example) -> None:
    options = {k.replace("-", "_"): v for k, v in kind.EXAMPLE_OPTIONS.items()}
    outcome = run_example(build(kind, origin="<builtin>", line=0, **options), example)
    assert outcome.passed, outcome.explain()


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.kind)
def test_registered_and_documented(kind: type[Rule]) -> None:
    assert available_kinds()[kind.kind] is kind
    doc = sys.modules[kind.__module__].__doc__ or ""
    assert doc.startswith(kind.kind + ":")
    for option in kind.options:
        assert f"``{option}``" in doc, option
    for field in kind.message_fields:
        assert f"``{{{field}}}``" in doc, field


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ('kind = "import-cycle"\nmax-cycles = 0\n', "rules.toml:4: rule X1: 'max-cycles' and 'search-budget' must be at least 1"),
        ('kind = "required-events"\nevents = []\n', "rules.toml:4: rule X1: 'events' needs at least one event name"),
        ('kind = "required-events"\n', "rules.toml:1: rule X1: kind required-events requires 'events'"),
        ('kind = "shim-module"\nallow = "a.b"\ninclude-init = "yes"\n', "rules.toml:5: rule X1: include-init: expected true or false"),
        ('kind = "unresolved-import"\nsrc = ["x"]\n', "rules.toml:4: rule X1: unknown key 'src' for kind unresolved-import"),
    ],
)
def test_bad_options_are_one_line_errors_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str, error: str) -> None:
    write_project(tmp_path, {"ssot-lint.toml": 'rule-files = ["rules.toml"]\n', "rules.toml": '[[rule]]\nid = "X1"\n' + rule, "a.py": ""})
    result = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"ssot-lint: error: {error}")
