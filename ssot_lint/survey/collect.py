"""The survey's own per-file facts: every class (at any depth, as ``single-implementation``
counts them) and every dict literal whose discriminator-like key holds a string.

``SurveyFacts`` is a rule kind used only by ``ssot-lint init`` (no rule file names it); it runs
in the same engine pass as the kinds whose facts the survey reads, and its results are cached
like any rule's.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.base import FileContext, Rule, RuleMeta
from ssot_lint.model import FileRef, Finding, cache_value

DISCRIMINATORS = ("type", "event_type", "kind", "event")
_QUOTED = tuple(q + key + q for key in DISCRIMINATORS for q in ("'", '"'))


@cache_value
@dataclass(frozen=True, slots=True)
class ClassFact:
    qualname: str
    line: int


@cache_value
@dataclass(frozen=True, slots=True)
class ShapeFact:
    """A dict literal with a discriminator key: its key, value, string keys and whether it
    also has keys we cannot read (``**spread``, computed)."""

    key: str
    value: str
    keys: tuple[str, ...]
    open: bool
    line: int


class SurveyFacts(Rule):
    kind = "survey-facts"
    summary = "What `ssot-lint init` reads of each file (classes, event-like dicts); not for rule files."
    default_message = ""
    sees_unparsed = False

    @classmethod
    def create(cls, rule_id: str = "SURVEY") -> SurveyFacts:
        return cls(RuleMeta(rule_id, ""), {})

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        return "class" in text or any(q in text for q in _QUOTED)

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        classes = []
        if "class" in ctx.text:
            for node, scope in statements(ctx.statements_near(["class"]), into_definitions=True):
                if isinstance(node, ast.ClassDef):
                    classes.append(ClassFact(".".join([*(s.name for s in scope), node.name]), node.lineno))
        shapes = []
        for literal, _ in ctx.nodes_near(ast.Dict, _QUOTED):
            shape = _shape(literal)
            if shape is not None:
                shapes.append(shape)
        if not classes and not shapes:
            return [], None
        return [], (tuple(classes), tuple(shapes))

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        return [], 0, {}


def _shape(node: ast.Dict) -> ShapeFact | None:
    keys: list[str] = []
    found: tuple[str, str] | None = None
    open_ = False
    for key, value in zip(node.keys, node.values):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            open_ = True
            continue
        keys.append(key.value)
        if found is None and key.value in DISCRIMINATORS and isinstance(value, ast.Constant) and isinstance(value.value, str):
            found = (key.value, value.value)
    if found is None or not found[1].isidentifier():
        return None
    return ShapeFact(found[0], found[1], tuple(sorted(set(keys))), open_, node.lineno)
