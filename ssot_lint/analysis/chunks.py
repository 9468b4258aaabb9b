"""Where a module's top-level statements start, found without parsing, so a rule that knows which
lines its matches must touch gets only the statements around those lines parsed.

A line starts a top-level statement when it begins at column 0 with code (not a comment, not a
closing bracket, not an ``else``/``elif``/``except``/``finally`` clause, not a ``def``/``class``
under a decorator), outside every string literal and bracket, and does not follow a backslash
continuation. One pass blanks every string literal and comment (``code``: the same length and line
breaks as the text, a string's first character replaced by ``"`` and the rest by spaces), so
quotes, ``#``, brackets and backslashes inside them never count and offsets stay the text's.
From Python 3.12 on, f-string replacement fields may reuse the string's quotes and span lines
(PEP 701): f-strings are then followed field by field, as the tokenizer does.

The scan is also written in C (``_scan.c``, see ``analysis.native``): ``blank`` and ``scan`` run it
when it was built, the Python code here otherwise. Both give the same values; the Python code is
the reference, and the C code names the function of it each part mirrors.

Callers parse each chosen range on its own and fall back to parsing the whole file when a range
does not parse: a wrong start could only come from code the scanner misreads, and code that does
not parse alone is exactly what would show it. The scanner errs towards fewer starts (bigger
ranges), which is always safe.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass

from ssot_lint.analysis.native import compiled as _native

# A comment, or a string literal from its opening quote (prefixes do not change where a string
# ends: a backslash always escapes the next character for the tokenizer, even in raw strings).
# An unterminated string runs to the end of its line (single-quoted) or of the text. Runs of
# ordinary characters are taken whole (`+`), not one alternation per character: 25% faster, and
# each loop can only stop where the literal ends, so nothing backtracks.
_COMMENT = r"""\#[^\r\n]*"""
_STRINGS = (
    r'''"""(?:[^"\\]+|\\[\s\S]|"(?!""))*(?:"""|\Z)'''
    r"""|'''(?:[^'\\]+|\\[\s\S]|'(?!''))*(?:'''|\Z)"""
    r"""|"(?:[^"\\\r\n]+|\\(?:\r\n|[\s\S]))*"?"""
    r"""|'(?:[^'\\\r\n]+|\\(?:\r\n|[\s\S]))*'?"""
)
_SKIPPED = re.compile(_COMMENT + "|" + _STRINGS)
_STRING = re.compile(_STRINGS)
# PEP 701 (3.12) f-strings, and PEP 750 (3.14) t-strings, whose fields the regexes cannot follow:
# a string whose prefix holds one of these letters is followed field by field.
_NESTABLE = sys.version_info >= (3, 12)
_FIELD_LETTERS = "fFtT" if sys.version_info >= (3, 14) else "fF"
_PREFIX_LETTERS = _FIELD_LETTERS + "rR"  # the last letter of a prefix that may hold one (`rf"`)
_PREFIXED_QUOTE = re.compile(f"[{_PREFIX_LETTERS}][\"']")  # one pass, not one substring search per letter and quote
# In an f-string's literal part: what can end it or open a field. In a field: what nests.
_LITERAL_STOP = {q: re.compile(r"[\\{}\r\n" + q + "]") for q in "\"'"}
_FIELD_STOP = re.compile(r"[()\[\]{}'\"#:!\r\n]")
_SPEC_STOP = re.compile(r"[\\{}'\"\r\n]")
_STRING_PREFIX = re.compile(r"[rRbBuUfFtT]{1,2}\Z")
# A line break and the first character of a line that can start a statement (a lone CR breaks
# lines too). Starting with a character set lets the regex engine skip ahead: 4x faster than `^`.
_LINE_START = re.compile(r"[\r\n][^\s#)\]}]")
_LF_LINE_START = re.compile(r"\n[^\s#)\]}]")  # without CRs: a literal first character, 2x faster still
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_DEFINITION = re.compile(r"(?:def|class|async)\b")


def _continued(code: str, offset: int) -> bool:
    """Whether the line before ``offset`` ends with a backslash."""
    end = offset
    if end and code[end - 1] == "\n":
        end -= 1
    if end and code[end - 1] == "\r":
        end -= 1
    return end > 0 and code[end - 1] == "\\"


def _spaces(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _blanked(skipped: str) -> str:
    """A comment as spaces; a string as ``"`` and spaces (a line that starts with a string still
    starts with code); the line breaks either holds kept."""
    mark = "" if skipped[0] == "#" else '"'
    rest = skipped[len(mark) :]
    if "\n" not in rest and "\r" not in rest:
        return mark + " " * len(rest)
    return mark + _NOT_LINE_BREAK.sub(_spaces, rest)


def _blank_match(match: re.Match[str]) -> str:
    return _blanked(match.group())


def _blank_comment(match: re.Match[str]) -> str:
    found = match.group()
    return _blanked(found) if found[0] == "#" else found


def blank(text: str, strings: bool = True) -> str | None:
    """``text`` with its strings and comments blanked, or its comments alone without ``strings``;
    None when an f-string is not followed to its end (``python_blank``)."""
    if _native is not None:
        found = _native.blank(text, strings)
        if found is not NotImplemented:
            return found
    return python_blank(text, strings)


def python_blank(text: str, strings: bool = True) -> str | None:
    """``text`` with its strings and comments blanked (see the module docstring), or its comments
    alone without ``strings``; None when an f-string is not followed to its end (unterminated, or
    a shape the scan does not know)."""
    if not _NESTABLE or _PREFIXED_QUOTE.search(text) is None:
        return _SKIPPED.sub(_blank_match if strings else _blank_comment, text)
    parts: list[str] = []
    position = 0
    while (match := _SKIPPED.search(text, position)) is not None:
        start, end = match.start(), match.end()
        if start and text[start - 1] in _PREFIX_LETTERS and text[start] != "#":
            prefix = _prefix_before(text, start)
            if any(letter in prefix for letter in _FIELD_LETTERS):
                quote = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
                found = fstring_end(text, start + len(quote), quote, "r" in prefix.lower())
                if found is None:
                    return None
                start, end = start - len(prefix), found
        parts += (text[position:start], _blanked(text[start:end]) if strings or text[start] == "#" else text[start:end])
        position = end
    parts.append(text[position:])
    return "".join(parts)


def without_comments(data: bytes) -> bytes:
    """A Cython source's bytes (``.pyx``, read as text by the text tests: its code is not
    analysed) with its comments blanked: a word in a comment does nothing. Cython writes comments
    and strings as Python does. Unchanged when an f-string is not followed (more words, never
    fewer)."""
    text = data.decode("utf-8", "surrogateescape")
    code = blank(text, strings=False)
    return data if code is None else code.encode("utf-8", "surrogateescape")


def _prefix_before(text: str, quote: int) -> str:
    """The string prefix (``f``, ``rb`` ...) written before the quote at ``quote``; "" when the
    letters there are the end of a name (``elif"x"``)."""
    found = _STRING_PREFIX.search(text, max(0, quote - 2), quote)
    if found is None or (found.start() and _word(text[found.start() - 1])):
        return ""
    return found.group()


def fstring_end(text: str, at: int, quote: str, raw: bool) -> int | None:
    """The offset after the f-string whose literal part starts at ``at`` (``quote``: its quote,
    one character or three; ``raw``: an ``rf`` string), read field by field as the tokenizer
    does; None when it does not end or has a shape this does not follow. Fix verification reads
    f-string fields with it too (``run.modules``)."""
    q, triple = quote[0], len(quote) == 3
    stop = _LITERAL_STOP[q]
    while (match := stop.search(text, at)) is not None:
        i, c = match.start(), match.group()
        if c == "\\":
            if not raw and text.startswith("N{", i + 1):  # a named escape, not a field
                close = text.find("}", i)
                if close == -1:
                    return None
                at = close + 1
            else:
                at = i + (3 if text.startswith("\r\n", i + 1) else 2)
        elif c == "{":
            if text.startswith("{{", i):
                at = i + 2
            else:
                field = _field_end(text, i + 1)
                if field is None:
                    return None
                at = field
        elif c == "}":
            if not text.startswith("}}", i):
                return None
            at = i + 2
        elif c in "\r\n":
            if not triple:
                return None  # unterminated
            at = i + 1
        elif not triple:
            return i + 1
        elif text.startswith(quote, i):
            return i + 3
        else:
            at = i + 1
    return None


def _field_end(text: str, at: int) -> int | None:
    """The offset after the ``}`` closing the replacement field whose expression starts at ``at``."""
    depth = 0
    while (match := _FIELD_STOP.search(text, at)) is not None:
        i, c = match.start(), match.group()
        at = i + 1
        if c in "([{":
            depth += 1
        elif c in ")]":
            depth -= 1
            if depth < 0:
                return None
        elif c == "}":
            if depth == 0:
                return at
            depth -= 1
        elif c in "'\"":
            letters = _prefix_before(text, i)
            if any(letter in letters for letter in _FIELD_LETTERS):
                triple = text.startswith(c * 3, i)
                end = fstring_end(text, i + (3 if triple else 1), c * 3 if triple else c, "r" in letters.lower())
            else:
                literal = _STRING.match(text, i)
                end = literal.end() if literal is not None and literal.end() - i >= 2 and text[literal.end() - 1] == c else None
            if end is None:
                return None
            at = end
        elif c == "#":
            newline = _NOT_LINE_BREAK.match(text, i)
            at = newline.end() if newline is not None else i + 1
        elif c == "!" and text.startswith("=", at):
            at += 1  # `!=`, not a conversion
        elif c == ":" and depth == 0:
            return _spec_end(text, at)
    return None


def _spec_end(text: str, at: int) -> int | None:
    """The offset after the ``}`` ending a format spec (which may hold nested fields)."""
    while (match := _SPEC_STOP.search(text, at)) is not None:
        i, c = match.start(), match.group()
        if c == "{":
            field = _field_end(text, i + 1)
            if field is None:
                return None
            at = field
        elif c == "}":
            return i + 1
        else:
            return None  # a quote, backslash or line break in a spec: not a shape to guess at
    return None


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class Scan:
    """The top-level statements of a text, found without parsing. ``code``: the text with strings
    and comments blanked (same offsets). ``starts``: the 1-based lines where statements start
    (ascending, 1 first); ``offsets``: where in the text. ``heads``: for each statement that is a
    ``def`` / ``class`` (decorated or not), the offset of its keyword; -1 for every other one."""

    code: str
    starts: list[int]
    offsets: list[int]
    heads: list[int]


def scan(text: str) -> Scan | None:
    """The top-level statements of ``text``; None when the text cannot be split safely."""
    if _native is not None:
        found = _native.scan(text)
        if found is None:
            return None
        if found is not NotImplemented:
            return Scan(*found)
    return python_scan(text)


def python_scan(text: str) -> Scan | None:
    """``scan`` in Python: the reference the C code follows."""
    code = python_blank(text)
    if code is None:
        return None
    starts, offsets, heads = [1], [0], [0 if _DEFINITION.match(code) else -1]
    depth, position, line = 0, 0, 1
    in_decorator = code.startswith("@")
    plain = "\r" not in code  # only `\n` breaks lines
    count, clause, definition = code.count, _CLAUSE.match, _DEFINITION.match
    # One step per line at column 0, so each is inlined: ~30% of the loop is function calls.
    for match in (_LF_LINE_START if plain else _LINE_START).finditer(code):
        offset = match.start() + 1
        depth += (
            count("(", position, offset)
            - count(")", position, offset)
            + count("[", position, offset)
            - count("]", position, offset)
            + count("{", position, offset)
            - count("}", position, offset)
        )
        line += count("\n", position, offset) if plain else count("\n", position, offset) + count("\r", position, offset) - count("\r\n", position, offset)
        position = offset
        if depth != 0 or (offset > 1 and code[offset - 2] == "\\" if plain else _continued(code, offset)) or clause(code, offset):
            continue
        if in_decorator:
            if definition(code, offset):
                in_decorator = False
                heads[-1] = offset
            continue  # a decorated statement starts at its first decorator
        in_decorator = code[offset] == "@"
        starts.append(line)
        offsets.append(offset)
        heads.append(offset if definition(code, offset) else -1)
    return Scan(code, starts, offsets, heads)


def statement_starts(text: str) -> list[int] | None:
    """Lines (1-based, ascending, 1 first) where top-level statements start; None when the text
    cannot be split safely."""
    found = scan(text)
    return found.starts if found is not None else None


class Chunks:
    """The top-level statements of a text grouped into ranges of lines (1-based, end exclusive)."""

    def __init__(self, lines: list[int]) -> None:
        self.lines = lines

    def index_of(self, line: int) -> int:
        return bisect_right(self.lines, line) - 1

    def span(self, index: int, last_line: int) -> tuple[int, int]:
        return self.lines[index], self.lines[index + 1] if index + 1 < len(self.lines) else last_line + 1
