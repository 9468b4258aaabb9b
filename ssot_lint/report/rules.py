"""Formatting for ``ssot-lint rules``: the rule list and one rule explained."""

from __future__ import annotations

import io
import sys

from rich.console import Console
from rich.table import Table

from ssot_lint.kinds.base import Rule, option_attribute
from ssot_lint.report import plural


def rules_table(rules: list[Rule], color: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=160, highlight=False)
    table = Table(box=None, header_style="bold", show_edge=False)
    for column in ("id", "kind", "severity", "scope", "message"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        scope = ", ".join(rule.meta.paths) or "all files"
        if rule.meta.exclude:
            scope += " except " + ", ".join(rule.meta.exclude)
        table.add_row(rule.id, rule.kind, rule.severity, scope, rule.message)
    console.print(table)
    return buffer.getvalue()


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
    doc = sys.modules[type(rule).__module__].__doc__ or rule.summary
    lines.extend("  " + line if line else "" for line in doc.strip().splitlines())
    for number, example in enumerate(rule.meta.examples, 1):
        lines.append("")
        lines.append(f"example {number}: expect {plural(example.expect, 'finding')}" + (f" on lines {list(example.lines)}" if example.lines else ""))
        for path, code in example.files.items():
            lines.append(f"  # {path}")
            lines.extend("  " + line for line in code.splitlines())
    return "\n".join(lines) + "\n"
