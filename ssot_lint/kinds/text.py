"""What a rule kind reads of a file's text before anything is parsed: the words its prefilter
looks for (``word_pattern``), the names a file may define (``names_in_text``, a superset found by
regular expressions), and code with its whitespace normalised (anchors). Plugins import them
from ``kinds.base``. And the CamelCase tokens of a name (``camel_tokens``), with what they
tell: whether one name abbreviates another (``abbreviates``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ssot_lint.analysis.prefilter import Words


def word_pattern(tokens: Iterable[str]) -> Words | None:
    """A pattern matching any of ``tokens`` as a whole identifier; None when there are none."""
    unique = set(tokens)
    return Words(unique) if unique else None


_WS = re.compile(r"\s+")


def normalise_code(code: str) -> str:
    return _WS.sub(" ", code).strip()


# `class` / `def` followed by the name, allowing backslash continuations in between: every
# ClassDef / FunctionDef in the source is spelled this way, so the names found are a superset.
# The keyword must not end a longer word; that is checked after the match (see _keyword_names)
# because a leading look-behind would stop `re` from scanning for the literal keyword quickly.
_CLASS_NAME = re.compile(r"class[\s\\]+([^\W\d]\w*)")
_DEF_NAME = re.compile(r"def[\s\\]+([^\W\d]\w*)")
# Any `NAME =` (not `==`): a superset of the targets of plain assignments.
_ASSIGNED_NAME = re.compile(r"(?<![\w.])([^\W\d]\w*)[\s\\]*=(?!=)")
# A module-level statement starts a line (form feeds are allowed before it), or follows a `;` or
# a backslash continuation: a superset of the targets of module-level plain assignments. Lines
# start after "\n" (the text gets one in front), not at `^`: a pattern that begins with one of a
# few characters lets `re` skip ahead to them, 2.7x faster.
_TOP_LEVEL_ASSIGNED_NAME = re.compile(r"(?:\n\f*|;[\s\\]*|\\\n[\s\\]*)([^\W\d]\w*)[\s\\]*=(?!=)")


def names_in_text(text: str, classes: bool = True, functions: bool = False, assignments: bool = False, top_level_assignments: bool = False) -> set[str]:
    """Names that may be defined in ``text`` (a superset; strings and comments included).
    ``top_level_assignments`` is ``assignments`` restricted to where module-level ones can be."""
    found: set[str] = set()
    if top_level_assignments and not assignments:
        found.update(_TOP_LEVEL_ASSIGNED_NAME.findall("\n" + text))
    if classes:
        found.update(_keyword_names(_CLASS_NAME, text))
    if functions:
        found.update(_keyword_names(_DEF_NAME, text))
    if assignments:
        found.update(_ASSIGNED_NAME.findall(text))
    return found


def _keyword_names(pattern: re.Pattern[str], text: str) -> Iterator[str]:
    """What ``(?<!\\w)`` + ``pattern`` would find: a match right after a word character is
    skipped and the search resumes one character later, exactly as the look-behind would."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            pos = start + 1
            continue
        yield match.group(1)
        pos = match.end()


_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z][a-z]+|[A-Z]+|[a-z]+|\d+")


def camel_tokens(name: str) -> list[str]:
    """``UnifiedWebSocketManager`` -> Unified, Web, Socket, Manager (``HTTPServer``: HTTP, Server)."""
    return _CAMEL.findall(name)


def abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` is an abbreviation of ``long``: shorter, starting with the same letter,
    its letters in ``long`` in order (case aside), and not a run of ``long``'s whole tokens
    (``Eq``/``Equality``, ``Perm``/``Permutation``, ``CNOT``/``CNotGate``, ``D``/``Distance``;
    not ``Manager``/``WebSocketManager`` nor ``SparseMatrix``/``MutableSparseMatrix``, which
    name the class by part of its name, as a rename leaves behind)."""
    if not short or len(short) >= len(long) or short[0].lower() != long[0].lower():
        return False
    rest = iter(long.lower())
    if not all(letter in rest for letter in short.lower()):
        return False
    part, whole = camel_tokens(short), camel_tokens(long)
    return not any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))
