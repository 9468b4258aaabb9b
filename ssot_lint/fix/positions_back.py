"""Positions in a text some fixes already changed, mapped back to the text before them.

``fix.apply`` runs each rule on the tree the previous rule left, and each later round on the
previous round's text; a rule places its notes on unsafe fixes (``FixNote``) in the text it was
given. The summary and the ``--diff`` headers promise them "positioned as before the fix", as
``check`` reported the findings: so a note from an intermediate text is carried back. The two
texts are matched line by line, then character by character inside the lines that differ (a
split import statement); a position in text both share maps exactly, one inside text a fix wrote
maps to where that text replaced the original."""

from __future__ import annotations

import bisect
import difflib


def _starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    return starts


class PositionsBack:
    """Maps (line, col) in ``after`` (1-based, columns in characters, as libcst gives them) to
    the same place in ``before``."""

    def __init__(self, before: str, after: str) -> None:
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
        self._old_starts, self._new_starts = _starts(old), _starts(new)
        self._old_lines = old
        # Runs of shared text: (offset in after, offset in before, length), by offset in after.
        runs: list[tuple[int, int, int]] = []
        old_end, new_end = len(before), len(after)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            b = self._old_starts[i1] if i1 < len(old) else old_end
            a = self._new_starts[j1] if j1 < len(new) else new_end
            if tag == "equal":
                runs.append((a, b, sum(len(line) for line in new[j1:j2])))
            elif tag == "replace":
                chars = difflib.SequenceMatcher(None, "".join(old[i1:i2]), "".join(new[j1:j2]), autojunk=False)
                runs.extend((a + m.b, b + m.a, m.size) for m in chars.get_matching_blocks() if m.size)
            else:  # text only one side has: a position there maps to where it was inserted
                runs.append((a, b, 0))
        self._runs = sorted(runs)
        self._keys = [run[0] for run in self._runs]

    def back(self, line: int, col: int) -> tuple[int, int]:
        if not 0 < line <= len(self._new_starts):
            return line, col
        offset = self._new_starts[line - 1] + col - 1
        index = bisect.bisect_right(self._keys, offset) - 1
        if index < 0:
            return line, col
        a, b, size = self._runs[index]
        before = b + (offset - a) if offset < a + size else b + size
        old_line = max(bisect.bisect_right(self._old_starts, before) - 1, 0)
        return old_line + 1, before - self._old_starts[old_line] + 1 if self._old_starts else col
