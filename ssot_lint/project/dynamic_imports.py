"""Whether a module imports modules by name (``importlib.import_module(name)``,
``__import__(name)``): it may then import any module of the project, the one importing it
included, which no import statement says. A package whose ``__init__`` does so (loading its
plugins by name) may import a module of its own while that module's imports run, so fix
verification cannot take it to have finished first (``fix.import_runs``).

A text test, so the fact stays exact without reading function bodies (which the outline leaves
out): the first line spelling ``import_module(`` or ``__import__(`` anywhere, in a comment or a
string too (conservative: only a verdict's safety rests on it). Read for packages only (the
question is about the packages above a module): on Home Assistant's 7,978 files, two passes over
every text cost 50 ms of the summary walk's ~10 s of CPU; over its 1,359 ``__init__`` files, 9 ms."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

_SPELLINGS = ("import_module(", "__import__(")


def dynamic_import_line(text: str, starts: Sequence[int]) -> int:
    """The first line (1-based) of ``text`` spelling a call that imports by name; 0: none.
    ``starts``: the offsets where the text's lines start."""
    found = [at for spelling in _SPELLINGS if (at := text.find(spelling)) != -1]
    return bisect_right(starts, min(found)) if found else 0
