"""Whether a module imports modules by name (``importlib.import_module(name)``,
``__import__(name)``, a loader's ``exec_module``/``load_module``, ``runpy``, ``exec``): it may
then import any module of the project, the one importing it included, which no import statement
says. A package whose ``__init__`` does so (loading its plugins by name) may import a module of
its own while that module's imports run, so fix verification cannot take it to have finished
first (``fix.import_runs``).

A text test, so the fact stays exact without reading function bodies (which the outline leaves
out): the first line spelling, as a whole word, ``importlib`` (every alias of ``import_module``
and every ``getattr(importlib, ...)`` spells it where it is imported), ``import_module``,
``__import__``, ``load_module``, ``exec_module``, ``runpy`` or ``exec`` anywhere, in a comment or
a string too (conservative: only a verdict's safety rests on it). Read for packages only (the
question is about the packages above a module): over Home Assistant's 1,359 ``__init__`` files,
one pass costs ~50 ms. A package that calls another module's helper importing by name at
import time is found on demand, by fix verification alone (``fix.by_name_helpers``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

# The words, as whole words not after a ``.`` (``importlib``, ``exec``), or after one (``loader.exec_module``).
_ANYWHERE = ("importlib", "import_module", "__import__", "load_module", "exec_module", "runpy", "exec")
_AFTER_DOT = frozenset(("import_module", "load_module", "exec_module"))
# Searched for as literals, the character before each match tested in Python: a pattern that
# starts with a lookbehind has no literal prefix for the regex engine to skip ahead to, and tried
# a match at every character (0.21 s over Home Assistant's 1,359 ``__init__`` files; 0.05 s so).
_WORDS = re.compile("(?:" + "|".join(_ANYWHERE) + r")(?!\w)")


def dynamic_import_line(text: str, starts: Sequence[int]) -> int:
    """The first line (1-based) of ``text`` spelling what may import by name; 0: none.
    ``starts``: the offsets where the text's lines start."""
    for found in _WORDS.finditer(text):
        at = found.start()
        before = text[at - 1] if at else ""
        if before == "." and found.group() not in _AFTER_DOT or before == "_" or before.isalnum():
            continue
        return bisect_right(starts, at)
    return 0
