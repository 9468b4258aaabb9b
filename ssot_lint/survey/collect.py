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

from ssot_lint.analysis.imports import bindings, qualify
from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.base import FileContext, Rule, RuleMeta
from ssot_lint.model import FileRef, Finding, cache_value

DISCRIMINATORS = ("type", "event_type", "kind", "event")
_QUOTED = tuple(q + key + q for key in DISCRIMINATORS for q in ("'", '"'))


@cache_value
@dataclass(frozen=True, slots=True)
class ClassFact:
    """A class; ``type_only``: it exists for type checkers only (a ``typing.Protocol``, a
    structural type, or a class under ``if TYPE_CHECKING:``, never defined at run time), so it
    is no implementation of a concept."""

    qualname: str
    line: int
    type_only: bool = False


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
            body = ctx.statements_near(["class"])
            # The imports are read only where a spelling of Protocol or TYPE_CHECKING may need them.
            typing_names = _typing_names(ctx) if "Protocol" in ctx.text or "TYPE_CHECKING" in ctx.text else {}
            hidden = _under_type_checking(body, typing_names)
            for node, scope in statements(body, into_definitions=True):
                if isinstance(node, ast.ClassDef):
                    type_only = id(node) in hidden or any(_is_protocol(base, typing_names) for base in node.bases)
                    classes.append(ClassFact(".".join([*(s.name for s in scope), node.name]), node.lineno, type_only))
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


_TYPING = ("typing", "typing_extensions")


def _typing_names(ctx: FileContext) -> dict[str, str]:
    """The file's local names bound to ``typing`` or ``typing_extensions`` (or a name of them),
    as the absolute dotted names they stand for."""
    return {local: dotted for local, dotted in bindings(ctx.imports()).items() if dotted.partition(".")[0] in _TYPING}


def _typing_name(expr: ast.expr, typing_names: dict[str, str]) -> str | None:
    """``Protocol`` for ``typing.Protocol`` however the file spells it (``te.Protocol``, an
    ``as`` name); None for anything else, a project's own ``Protocol`` included."""
    while isinstance(expr, ast.Subscript):  # Protocol[T]: the class is the value
        expr = expr.value
    qualified = qualify(expr, typing_names)
    return qualified.partition(".")[2] if qualified is not None and qualified.partition(".")[0] in _TYPING else None


def _is_protocol(base: ast.expr, typing_names: dict[str, str]) -> bool:
    return _typing_name(base, typing_names) == "Protocol"


def _under_type_checking(body: list[ast.stmt], typing_names: dict[str, str]) -> set[int]:
    """The ids of the classes defined in the body of an ``if TYPE_CHECKING:`` (at any depth; not
    in its ``else``, which runs)."""
    hidden: set[int] = set()
    if not typing_names:
        return hidden
    for node, _ in statements(body, into_definitions=True):
        if isinstance(node, ast.If) and _typing_name(node.test, typing_names) == "TYPE_CHECKING":
            hidden.update(id(inner) for statement in node.body for inner in ast.walk(statement) if isinstance(inner, ast.ClassDef))
    return hidden


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
