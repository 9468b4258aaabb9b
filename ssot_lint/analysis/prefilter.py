"""Fast text prefilters: cheap substring tests that run before a rule's exact (slower) regex.

Each helper here answers "could this text contain a match?" and may only say no when no match
exists: a literal that every match contains must occur in the text, so its absence proves
there is no match. ``str.__contains__`` scans at memory speed, while Python's ``re`` walks most
patterns character by character, so the exact regex runs only on the few files that pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from ssot_lint.analysis.native import compiled as native

try:  # the regex parser is private; without it we just skip the literal shortcut
    from re import _parser as _sre_parse  # type: ignore[attr-defined]  # Python >= 3.11
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse

_CASE_FLAGS = re.IGNORECASE | re.ASCII | re.UNICODE


def spelled(text: str, needles: tuple[str, ...]) -> list[int]:
    """The indices of the ``needles`` written in ``text`` (``needle in text``), ascending, found
    by the C code (``analysis.native``) where it was built: several times faster than CPython's
    search for each, which took 20-40 ms a word over Home Assistant."""
    if native is not None:
        found = native.spelled(text, needles)
        if found is not NotImplemented:
            return found
    return python_spelled(text, needles)


def spells_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of the ``needles`` (see ``spelled``)."""
    if native is not None:
        found = native.spelled(text, needles, True)
        if found is not NotImplemented:
            return found
    return any(needle in text for needle in needles)


def python_spelled(text: str, needles: tuple[str, ...]) -> list[int]:
    """``spelled`` in Python: the reference the C code follows."""
    return [index for index, needle in enumerate(needles) if needle in text]


class TextPattern(Protocol):
    def search(self, text: str) -> object: ...


class Words:
    """Whole-identifier search for any of ``tokens``, behind a plain substring test."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens = tuple(sorted(set(tokens)))
        # Each token leads, with its look-behind after it, so the regex engine can skip ahead to
        # the tokens' first characters instead of trying every position (5x faster on large files).
        self.pattern = re.compile("(?:" + "|".join(f"{re.escape(t)}(?<!\\w{re.escape(t)})" for t in self.tokens) + r")(?!\w)")

    def search(self, text: str) -> re.Match[str] | None:
        # A whole-word occurrence is also a substring occurrence.
        if not spells_any(text, self.tokens):
            return None
        return self.pattern.search(text)

    def __repr__(self) -> str:
        return f"Words({list(self.tokens)!r})"


class Substrings:
    """Search for any of ``tokens`` anywhere (inside longer words too)."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens = tuple(sorted(set(tokens)))

    def search(self, text: str) -> str | None:
        found = spelled(text, self.tokens)
        return self.tokens[found[0]] if found else None

    def __repr__(self) -> str:
        return f"Substrings({list(self.tokens)!r})"


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Literal strings that occur, consecutively, in every match of ``pattern``.

    Only the top-level sequence (and plain groups in it) is read; anything optional, repeated
    or alternative ends a literal run and contributes nothing, so the result is always safe.
    Inline flag groups such as ``(?i:...)`` are skipped because they change case matching.
    """
    if not isinstance(pattern.pattern, str):
        return ()
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unexpected parser shape only loses the shortcut
        return ()
    literals: list[str] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            literals.append("".join(run))
            run.clear()

    def walk(items: object) -> None:
        for op, arg in items:  # type: ignore[attr-defined]
            if op is _sre_parse.LITERAL:
                run.append(chr(arg))
            elif op is _sre_parse.SUBPATTERN and arg[1] == 0 and arg[2] == 0:  # (group, add_flags, del_flags, body)
                walk(arg[3])
            else:
                end_run()

    try:
        walk(parsed)
    except Exception:  # noqa: BLE001
        return ()
    end_run()
    return tuple(dict.fromkeys(literals))


@lru_cache(maxsize=2)
def _lowered(text: str) -> str:
    # Several rules test the same text in a row; str hashes are cached, so this is cheap.
    return text.lower()


class Literals:
    """Whether a text contains every required literal of a regex, matched with the regex's own
    case rules. For ASCII text and literals, ``re.IGNORECASE`` equality is exactly equality of
    ``str.lower()``; anything else is asked of the regex engine itself."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.flags = pattern.flags & _CASE_FLAGS
        self.literals = required_literals(pattern)
        self.ignore_case = bool(self.flags & re.IGNORECASE)
        self._lower = tuple(lit.lower() for lit in self.literals)
        self._exact = tuple(re.compile(re.escape(lit), self.flags) for lit in self.literals)

    def present(self, text: str) -> bool:
        if not self.literals:
            return True
        if not self.ignore_case:
            return all(lit in text for lit in self.literals)
        if text.isascii():
            lowered = _lowered(text)
            return all(low in lowered if lit.isascii() else exact.search(text) is not None for lit, low, exact in zip(self.literals, self._lower, self._exact))
        return all(exact.search(text) is not None for exact in self._exact)
