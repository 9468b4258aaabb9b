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
one regex pass costs ~10 ms. A package that calls another module's helper importing by name at
import time is found on demand, by fix verification alone (``fix.by_name_helpers``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

_SPELLINGS = re.compile(
    r"(?<![\w.])(?:importlib|import_module|__import__|load_module|exec_module|runpy|exec)(?!\w)|(?<=\.)(?:import_module|load_module|exec_module)(?!\w)"
)


def dynamic_import_line(text: str, starts: Sequence[int]) -> int:
    """The first line (1-based) of ``text`` spelling what may import by name; 0: none.
    ``starts``: the offsets where the text's lines start."""
    found = _SPELLINGS.search(text)
    return bisect_right(starts, found.start()) if found is not None else 0
