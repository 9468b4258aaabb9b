"""Helpers for the project-wide kinds' tests: run one rule on a dict of files, or the real CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ssot_lint.cli import main
from ssot_lint.examples import run_example
from ssot_lint.kinds.base import OPTION_TYPES, Example, Rule, RuleMeta

REPO = Path(__file__).resolve().parent.parent


def build(kind: type[Rule], rule_id: str = "T1", origin: str = "rules/t.toml", line: int = 7, **options: Any) -> Rule:
    converted = {name.replace("_", "-"): value for name, value in options.items()}
    converted = {name: OPTION_TYPES[kind.options[name].type](value) for name, value in converted.items()}
    return kind(RuleMeta(rule_id, kind.default_message, origin=origin, line=line), converted)


def findings(rule: Rule, files: dict[str, str]) -> list[tuple[str, int, int, str]]:
    """(path, line, col, message) of the rule's findings on ``files`` (modules named as if every
    directory were a package; a directory without ``__init__.py`` is a namespace package)."""
    outcome = run_example(rule, Example({p: textwrap.dedent(c).lstrip("\n") for p, c in files.items()}, 0))
    return [(f.path, f.line, f.col, f.message) for f in outcome.findings]


def places(rule: Rule, files: dict[str, str]) -> list[tuple[str, int, int]]:
    return [f[:3] for f in findings(rule, files)]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def cli_result(args: list[str], cwd: Path, monkeypatch: Any) -> Any:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args, catch_exceptions=False)


def cli(args: list[str], cwd: Path, monkeypatch: Any) -> tuple[int, str]:
    result = cli_result(args, cwd, monkeypatch)
    return result.exit_code, result.stdout


def cli_json(args: list[str], cwd: Path, monkeypatch: Any) -> tuple[int, dict[str, Any]]:
    code, out = cli([*args, "-o", "json", "--no-cache"], cwd, monkeypatch)
    return code, json.loads(out)
