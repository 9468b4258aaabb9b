"""Formatting for ``ssot-lint rules``: the rule list, one rule explained, the kinds and one kind
explained (its documentation and a ready-to-paste ``[[rule]]``)."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from ssot_lint.config.tomlfile import toml_string, toml_value
from ssot_lint.kinds.base import Example, Option, Rule, option_attribute
from ssot_lint.model import SEVERITIES
from ssot_lint.report import plural, without_trailing_spaces


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], color: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=160, highlight=False)
    table = Table(box=None, header_style="bold", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return without_trailing_spaces(buffer.getvalue())


def rules_table(rules: list[Rule], color: bool) -> str:
    rows = []
    for rule in rules:
        scope = ", ".join(rule.meta.paths) or "all files"
        if rule.meta.exclude:
            scope += " except " + ", ".join(rule.meta.exclude)
        rows.append((rule.id, rule.kind, rule.severity, scope, rule.message))
    return _table(("id", "kind", "severity", "scope", "message"), rows, color)


def kinds_table(kinds: Sequence[type[Rule]], color: bool) -> str:
    """One row per rule kind: its name, whether ``fix`` repairs its findings, what it finds."""
    return _table(("kind", "fix", "what it finds"), [(k.kind, "yes" if k.fixable else "no", k.summary.strip()) for k in kinds], color)


def _kind_doc(kind: type[Rule]) -> list[str]:
    doc = sys.modules[kind.__module__].__doc__ or kind.summary
    return ["  " + line if line else "" for line in doc.strip().splitlines()]


def explain_rule(rule: Rule) -> str:
    lines = [
        f"{rule.id} ({rule.kind}, {rule.severity})",
        f"defined at {rule.meta.origin}:{rule.meta.line}",
        f"message: {rule.message}",
    ]
    if rule.meta.description:
        lines.append(f"description: {rule.meta.description}")
    if rule.meta.paths or rule.meta.exclude:
        lines.append(f"paths: {list(rule.meta.paths)}  exclude: {list(rule.meta.exclude)}")
    lines.append("options:")
    for name in rule.options:
        value = getattr(rule, option_attribute(name))
        shown = value.pattern if hasattr(value, "pattern") else value
        lines.append(f"  {name} = {shown!r}")
    lines.append("")
    lines.append(f"kind {rule.kind}:")
    lines.extend(_kind_doc(type(rule)))
    for number, example in enumerate(rule.meta.examples, 1):
        lines.append("")
        lines.append(f"example {number}: expect {plural(example.expect, 'finding')}" + (f" on lines {list(example.lines)}" if example.lines else ""))
        for path, code in example.files.items():
            lines.append(f"  # {path}")
            lines.extend("  " + line for line in code.splitlines())
    return "\n".join(lines) + "\n"


def explain_kind(kind: type[Rule]) -> str:
    """A kind's documentation, options and a ``[[rule]]`` of that kind to paste into a rule file."""
    lines = [f"{kind.kind}: {kind.summary.strip()}"]
    lines.append("fix: " + ("`ssot-lint fix` rewrites its findings where that is safe" if kind.fixable else "none; findings are fixed by hand"))
    lines.append("")
    lines.extend(_kind_doc(kind))
    lines.append("")
    if kind.options:
        lines.append("options:")
        width = max(len(name) for name in kind.options)
        for name, option in kind.options.items():
            lines.append(f"  {name.ljust(width)}  {option.type}, {_requirement(option)}: {option.doc}")
    else:
        lines.append("options: none (only the keys every rule has)")
    fields = ", ".join("{" + f + "}" for f in kind.message_fields) or "none"
    lines.append(f"message fields: {fields}")
    lines.append("")
    lines.append("A rule of this kind, with the options its own examples use (in pyproject.toml, write [[tool.ssot-lint.rule]]):")
    lines.append("")
    return "\n".join(lines) + "\n" + rule_skeleton(kind)


def _requirement(option: Option) -> str:
    if option.required:
        return "required"
    return "optional" if option.default is None else f"default {toml_value(option.default)}"


_PLACEHOLDERS = {"str": '"..."', "regex": '"..."', "str-list": '["..."]', "glob-list": '["..."]', "int": "0", "bool": "false", "str-map": '{ "..." = "..." }'}


def rule_skeleton(kind: type[Rule], rule_id: str = "X001") -> str:
    """A ``[[rule]]`` of ``kind`` that loads as it is: the options the kind's examples are written
    against, the others commented out with their defaults, and one of its examples as the rule's
    own test (so ``ssot-lint test-rules`` passes on the pasted rule)."""
    lines = ["[[rule]]", f"id = {toml_string(rule_id)}", f"kind = {toml_string(kind.kind)}"]
    lines.append(f"# message = {toml_string(kind.default_message)}")
    lines.append(f"# severity = {toml_string('error')}  # {', '.join(reversed(SEVERITIES))}")
    lines.append('# paths = ["src/"]  # gitignore-style globs of the files it applies to (default: all); exclude = [...] removes some')
    for name, option in kind.options.items():
        if name in kind.EXAMPLE_OPTIONS:
            lines.append(f"{name} = {toml_value(kind.EXAMPLE_OPTIONS[name])}  # {option.doc}")
        elif option.default is not None and not option.required:
            lines.append(f"# {name} = {toml_value(option.default)}  # {option.doc}")
        else:
            lines.append(f"# {name} = {_PLACEHOLDERS.get(option.type, '...')}  # {option.doc}" + (" (required)" if option.required else ""))
    example = next(iter(kind.INVALID or kind.VALID), None)
    if example is not None:
        lines.extend(["", *_example_lines(example)])
    return "\n".join(lines) + "\n"


def _example_lines(example: Example) -> list[str]:
    lines = ["[[rule.example]]"]
    if len(example.files) == 1 and "example.py" in example.files:
        lines.append(f"code = {toml_value(example.files['example.py'])}")
    else:
        lines.append(f"files = {toml_value(dict(example.files))}")
    lines.append(f"expect = {example.expect}")
    if example.lines:
        lines.append(f"lines = {toml_value(list(example.lines))}")
    return lines
