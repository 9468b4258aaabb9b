"""Unified diffs of a file before and after fixing, with hunks only around the changed lines.

``difflib.unified_diff`` matches lines with ``SequenceMatcher``, whose "autojunk" heuristic
ignores every line that makes up more than 1% of a long file: on a file whose lines repeat (a
generated table, a long list of ``pass``), a two-line fix came out as a diff of the whole file.
Turning the heuristic off makes ``SequenceMatcher`` quadratic in the repeats instead. A fix
changes few lines of a file, which is the case Myers' O(ND) algorithm is made for (D, the lines
changed, small): the lines common to both ends are cut off first, the middle is matched with
Myers, and only past a budget of differences (nothing a fix produces) does ``SequenceMatcher``
take over. The hunks are formatted as ``difflib`` formats them (and as ``patch`` reads them).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

MAX_DIFFERENCES = 2000  # Myers' work grows with (lines) x (differences): past this, difflib


def _myers(a: Sequence[int], b: Sequence[int], limit: int) -> list[tuple[int, int, int]] | None:
    """Matching blocks ``(i, j, n)`` of a shortest edit script (None past ``limit`` differences)."""
    n, m = len(a), len(b)
    offset = n + m + 1
    v = [0] * (2 * offset + 1)  # v[offset + k]: the furthest x reached on diagonal k = x - y
    trace: list[list[int]] = []  # after step d: v for k in [-d, d] (index k + d)
    for d in range(min(n + m, limit) + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]  # down: an insertion
            else:
                x = v[offset + k - 1] + 1  # right: a deletion
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            v[offset + k] = x
            if x >= n and y >= m:
                trace.append(v[offset - d : offset + d + 1])
                return _backtrack(trace, n, m)
        trace.append(v[offset - d : offset + d + 1])
    return None


def _backtrack(trace: list[list[int]], n: int, m: int) -> list[tuple[int, int, int]]:
    """Walk the recorded frontiers back from (n, m) to (0, 0), collecting the diagonal runs."""
    blocks: list[tuple[int, int, int]] = []
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        before = trace[d - 1]  # v after step d - 1: index k + d - 1
        k = x - y
        down = k == -d or (k != d and before[k - 1 + d - 1] < before[k + 1 + d - 1])
        prev_k = k + 1 if down else k - 1
        prev_x = before[prev_k + d - 1]
        prev_y = prev_x - prev_k
        mid_x = prev_x if down else prev_x + 1  # where the snake ending at (x, y) starts
        if x > mid_x:
            blocks.append((mid_x, mid_x - k, x - mid_x))
        x, y = prev_x, prev_y
    if x > 0:
        blocks.append((0, 0, x))
    blocks.reverse()
    return blocks


class _Matcher(difflib.SequenceMatcher):
    """A ``SequenceMatcher`` whose matching blocks come from ``matching_blocks``."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._blocks = matching_blocks(a, b)

    def get_matching_blocks(self) -> list[difflib.Match]:
        return [difflib.Match(*block) for block in self._blocks]


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Runs of equal lines ``(i, j, n)`` in order, ending with ``(len(a), len(b), 0)``."""
    n, m = len(a), len(b)
    head = 0
    while head < min(n, m) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(n, m) - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    ids: dict[str, int] = {}
    middle_a = [ids.setdefault(line, len(ids)) for line in a[head : n - tail]]
    middle_b = [ids.setdefault(line, len(ids)) for line in b[head : m - tail]]
    inner = _myers(middle_a, middle_b, MAX_DIFFERENCES)
    if inner is None:
        fallback = difflib.SequenceMatcher(None, middle_a, middle_b)
        inner = [tuple(block) for block in fallback.get_matching_blocks()[:-1]]  # type: ignore[misc]
    blocks = [(0, 0, head)] if head else []
    blocks += [(i + head, j + head, size) for i, j, size in inner if size]
    if tail:
        blocks.append((n - tail, m - tail, tail))
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:  # adjacent runs become one, as SequenceMatcher returns them
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    merged.append((n, m, 0))
    return merged


def _range(start: int, length: int) -> str:
    """``start[,length]`` of a unified hunk header, as difflib writes it."""
    beginning = start + 1
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1  # an empty range names the line before it
    return f"{beginning},{length}"


def unified_diff(a: Sequence[str], b: Sequence[str], from_file: str, to_file: str, context: int = 3) -> Iterator[str]:
    """``difflib.unified_diff(a, b, from_file, to_file, n=context)`` (lines with their line
    endings), with hunks only around the lines that changed."""
    started = False
    for group in _Matcher(a, b).get_grouped_opcodes(context):
        if not started:
            started = True
            yield f"--- {from_file}\n"
            yield f"+++ {to_file}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2] - first[1])} +{_range(first[3], last[4] - first[3])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in b[j1:j2])
