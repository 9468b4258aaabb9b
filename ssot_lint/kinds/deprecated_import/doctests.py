"""Doctests that read a name: a rewrite that drops or rebinds an import's binding leaves the text
of a doctest as it was (review11), so ``>>> old.mod.X`` in a docstring would fail with a
NameError under ``pytest --doctest-modules`` once ``import old.mod`` became ``import new.mod``.

A doctest line is a line of a string literal (any string, to be conservative: docstrings are
where doctest looks first, but ``__test__`` dicts hold plain strings) that starts, once
stripped, with ``>>> `` or ``... ``. The doctest's text is never rewritten: the fix is refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `check` imports this module, and libcst is for fixes only
    import libcst as cst

    from ssot_lint.kinds.deprecated_import.fix import ImportFixPlan

PROMPTS = (">>> ", "... ")
# A doctest line that is one import statement: it binds its own names, through ``sys.modules``,
# and reads no binding of the module (``>>> from old.mod import X``). A ``;`` may add a read.
_IMPORT_LINE = re.compile(r"(?:from\s+[\w. ]+\s+import\b|import\s)[^;]*")


def doctest_line(text: str, first_line: int, name: str, *, attribute: bool = False) -> int | None:
    """The line of the first doctest line in ``text`` (a string literal's value, which starts at
    ``first_line``) that spells ``name`` as a word (followed by ``.`` when ``attribute``: read
    through, as a module is); None when there is none."""
    if ">>> " not in text and "... " not in text:
        return None
    after = r"\s*\." if attribute else ""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w){after}")
    for offset, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped.startswith(PROMPTS) and word.search(stripped, 4) and not _IMPORT_LINE.fullmatch(stripped[4:].strip()):
            return first_line + offset
    return None


def string_value(node: cst.SimpleString) -> str:
    """The text of a string literal as doctest reads it (the source text when it cannot be
    evaluated to a ``str``, as a bytes literal)."""
    try:
        value = node.evaluated_value
    except (SyntaxError, ValueError):  # pragma: no cover - libcst parsed it, so it evaluates
        return node.value
    return value if isinstance(value, str) else node.value


def plan_doctest_line(plan: ImportFixPlan, name: str, *, attribute: bool = False) -> int | None:
    """The first line of a doctest in the file ``plan`` fixes that reads ``name`` (see
    ``doctest_line``), among the strings its survey walked."""
    for string in plan.survey.doctest_strings:
        at = doctest_line(string_value(string), plan.line(string), name, attribute=attribute)
        if at is not None:
            return at
    return None
