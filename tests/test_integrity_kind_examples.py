"""The project-wide kinds' options are validated: a bad one is a one-line error at its file and line.

(Their VALID/INVALID examples and documentation are checked with every kind's, in test_kind_examples.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ('kind = "import-cycle"\nmax-cycles = 0\n', "rules.toml:4: rule X1: 'max-cycles' and 'search-budget' must be at least 1"),
        ('kind = "required-events"\nevents = []\n', "rules.toml:4: rule X1: 'events' needs at least one event name"),
        ('kind = "required-events"\n', "rules.toml:1: rule X1: kind required-events requires 'events'"),
        ('kind = "shim-module"\nallow = "a.b"\ninclude-init = "yes"\n', "rules.toml:5: rule X1: include-init: expected true or false"),
        (
            'kind = "unresolved-import"\nsrc = ["x"]\n',
            "rules.toml:4: rule X1: unknown key 'src' for kind unresolved-import (known: description, example, exclude, id, kind, message, paths, severity)",
        ),
    ],
)
def test_bad_options_are_one_line_errors_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str, error: str) -> None:
    write_project(tmp_path, {"ssot-lint.toml": 'rule-files = ["rules.toml"]\n', "rules.toml": '[[rule]]\nid = "X1"\n' + rule, "a.py": ""})
    result = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (2, f"ssot-lint: error: {error}\n")
