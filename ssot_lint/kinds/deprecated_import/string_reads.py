"""Strings that read an import's binding, as ``check`` sees them on CPython's ``ast``: the text
of a doctest or of a string annotation is never rewritten, so a rewrite that drops or rebinds a
name such a string reads is refused by the fix (``doctests``, ``unit.decide_unit``), and
``check`` must not call it fixable."""

from __future__ import annotations

import ast
import re

from ssot_lint.kinds.base import FileContext
from ssot_lint.kinds.deprecated_import.doctests import doctest_line
from ssot_lint.kinds.deprecated_import.name_reads import near, per_name


def doctest_reads(ctx: FileContext, name: str, *, attribute: bool) -> bool:
    """Whether a doctest in the file reads ``name`` (through it, when ``attribute``), as the
    fix's ``doctests.plan_doctest_line`` decides on libcst's strings. Once per file and name."""
    return per_name(ctx, f"doctest reads {attribute}", name, lambda: _doctest_reads(ctx, name, attribute))


def _doctest_reads(ctx: FileContext, name: str, attribute: bool) -> bool:
    if not name:
        return False
    strings = ((node.value, node.lineno) for node in near(ctx, name) if isinstance(node, ast.Constant))
    return any(isinstance(text, str) and doctest_line(text, line, name, attribute=attribute) is not None for text, line in strings)


def annotation_reads(ctx: FileContext, name: str) -> bool:
    """Whether a string inside an annotation (of a parameter, a return, an annotated
    assignment) spells ``name`` as a word, as the fix's ``unit.decide_unit`` refuses for. Once
    per file and name."""
    return per_name(ctx, "annotation reads", name, lambda: _annotation_reads(ctx, name))


def _annotation_reads(ctx: FileContext, name: str) -> bool:
    if not name:
        return False
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    for statement in ctx.statements_near([name]):
        for node in ast.walk(statement):
            if isinstance(node, (ast.arg, ast.AnnAssign)):
                annotation = node.annotation
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                annotation = node.returns
            else:
                continue
            if annotation is not None and any(isinstance(c, ast.Constant) and isinstance(c.value, str) and word.search(c.value) for c in ast.walk(annotation)):
                return True
    return False
