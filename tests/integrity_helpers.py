"""Helpers for the project-wide kinds' tests: run one rule on a dict of files (the CLI helpers
are in tests.helpers)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ssot_lint.kinds.base import OPTION_TYPES, Example, Rule, RuleMeta
from ssot_lint.kinds.examples import run_example
from tests.helpers import REPO, run_cli

__all__ = ["REPO", "build", "cli", "cli_json", "findings", "places"]


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


def cli(args: list[str], cwd: Path, monkeypatch: Any) -> tuple[int, str]:
    result = run_cli(args, cwd, monkeypatch)
    return result.exit_code, result.stdout


def cli_json(args: list[str], cwd: Path, monkeypatch: Any) -> tuple[int, dict[str, Any]]:
    result = run_cli([*args, "-o", "json", "--no-cache"], cwd, monkeypatch)
    return result.exit_code, result.json()
