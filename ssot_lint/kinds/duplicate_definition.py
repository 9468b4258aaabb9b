"""duplicate-definition: the same top-level class (or function) name defined in several modules.

Top-level means the module body, including module-level ``if`` / ``try`` / ``with`` blocks (a
conditional definition is still a definition). A name defined in at least ``min-count`` modules
(default 2) yields one finding per extra definition: the first definition by path order is left
alone, every other one is flagged and names the other locations. A stub (``x.pyi``) describes the
module beside it (``x.py``): its definitions count only where that module has none of the name.

Options: ``name`` (regex the name must match), ``exclude-names``, ``min-count``, ``functions``
(also compare top-level functions; default false).

Message fields: ``{name}``, ``{count}`` (modules defining it), ``{others}`` (the other locations).
"""

from __future__ import annotations

import ast
import os
import re
from collections import defaultdict
from typing import Any

from ssot_lint.analysis.prefilter import Literals
from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule, names_in_text
from ssot_lint.model import FileRef, Finding

_SHOWN_OTHERS = 5


class DuplicateDefinition(Rule):
    kind = "duplicate-definition"
    summary = "The same top-level class (or function) name defined in more than one module."
    category = "Duplication"
    options = {
        "name": Option("regex", "regex the defined name must match (default: every name)"),
        "exclude-names": Option("regex", "names matching this are ignored"),
        "min-count": Option("int", "how many modules make a duplicate", default=2, schema={"type": "integer", "minimum": 2}),
        "functions": Option("bool", "also compare top-level functions", default=False),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    name: re.Pattern[str] | None
    exclude_names: re.Pattern[str] | None
    min_count: int
    functions: bool
    message_fields = ("name", "count", "others")
    default_message = "{name} is defined in {count} modules (also at {others})"
    EXAMPLE_OPTIONS = {"name": "Mock"}
    VALID = [
        Example({"a.py": "class MockManager: ...\n", "b.py": "class Other: ...\n"}, 0),
        Example({"a.py": "class MockManager: ...\nclass MockManager: ...\n"}, 0),
        Example({"a.py": "class MockManager: ...\n", "b.py": "def f():\n    class MockManager: ...\n"}, 0),
        Example({"pkg/a.py": "class MockManager: ...\n", "pkg/a.pyi": "class MockManager: ...\n"}, 0),
    ]
    INVALID = [
        Example(
            {
                "a.py": "class MockManager: ...\n",
                "b.py": "import x\nclass MockManager: ...\n",
                "c.py": "try:\n    class MockManager: ...\nexcept E:\n    pass\n",
            },
            2,
            (2, 2),
        ),
    ]

    def configure(self) -> None:
        if self.min_count < 2:
            raise OptionError("'min-count' must be at least 2")
        self._name_literals = Literals(self.name) if self.name is not None else None

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        if self._name_literals is not None and not self._name_literals.present(text):
            return False  # every selected name contains these literals, and names are in the text
        names = names_in_text(text, classes=True, functions=self.functions)
        return any(self.selects(n) for n in names)

    def selects(self, name: str) -> bool:
        return (self.name is None or self.name.search(name) is not None) and not (self.exclude_names is not None and self.exclude_names.search(name))

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        found: dict[str, tuple[int, int, int, int, str]] = {}
        # Module-level code, including module-level if/try/with blocks, not def or class bodies.
        # Without a name filter every top-level definition counts: the outline holds them all (their
        # bodies left out); with one, the statements around the names selected are fewer.
        if self.name is None:
            body = ctx.outline()
        else:
            body = ctx.statements_near([n for n in names_in_text(ctx.text, classes=True, functions=self.functions) if self.selects(n)])
        for node, _ in statements(body, into_definitions=False):
            if isinstance(node, ast.ClassDef) or (self.functions and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))):
                if self.selects(node.name) and node.name not in found:
                    found[node.name] = (*ctx.lines.name_span(node), "class" if isinstance(node, ast.ClassDef) else "def")
        return [], (tuple(sorted(found.items())) or None)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        by_name = definitions(facts)
        findings: list[Finding] = []
        duplicated: dict[str, int] = {}
        for name, places in sorted(by_name.items()):
            if len(places) < self.min_count:
                continue
            places.sort(key=lambda p: (p[0].path, p[1][0]))
            duplicated[name] = len(places)
            for ref, (line, col, end_line, end_col, kind) in places[1:]:
                others = [f"{r.path}:{w[0]}" for r, w in places if r is not ref]
                shown = ", ".join(others[:_SHOWN_OTHERS]) + (f" and {len(others) - _SHOWN_OTHERS} more" if len(others) > _SHOWN_OTHERS else "")
                message = self.format(name=name, count=len(places), others=shown)
                findings.append(Finding(self.id, line, col, end_line, end_col, message, self.severity, ref.path, f"{kind} {name}", line))
        return findings, None, {"duplicated_names": duplicated}


Place = tuple[FileRef, tuple[int, int, int, int, str]]  # (file, (line, col, end line, end col, "class" or "def"))


def definitions(facts: list[tuple[FileRef, Any]]) -> dict[str, list[Place]]:
    """Each name's definitions, one per module (the kind's per-file facts), a stub's left out
    where the module beside it has the name. ``ssot-lint init`` counts with this too."""
    by_name: dict[str, list[Place]] = defaultdict(list)
    for ref, fact in facts:
        for name, where in fact:
            by_name[name].append((ref, where))
    for name, places in by_name.items():
        implemented = {os.path.splitext(r.path)[0] for r, _ in places if r.path.endswith(".py")}
        by_name[name] = [(r, w) for r, w in places if not (r.path.endswith(".pyi") and os.path.splitext(r.path)[0] in implemented)]
    return by_name
