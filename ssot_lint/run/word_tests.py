"""Text tests on a file's bytes that pick which files a verification question must read: whether
a file may bind a word by an import, star-import a module of that name, store into an attribute
of that name, spell it as a word or after a ``.``, name a module of that last name, and which
words it spells as attributes. Each is a superset of what the file's syntax tree shows (strings
and comments match too), and an unreadable file (None) matches everything: a file left out by
them cannot hold what is asked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ssot_lint.analysis.chunks import fstring_end


@dataclass(frozen=True, slots=True)
class SpellingTest:
    """Which of these text tests ``spelling`` asks of each word (``run.modules.ProjectModules``,
    ``run.spelling.Spellings`` and ``fix.fixed_text.FixedText`` answer it alike): the file passes
    when its text may spell the word so. One is set at the most; none: as a whole word anywhere,
    in code, strings or comments (``spells``).

    - ``attribute``: after a ``.``, outside comments and strings, on a line that does not start an
      import statement: as an attribute read in code (``attribute_words``);
    - ``bound``: where an import may bind it (``binds_by_import``);
    - ``star``: as the last name of a module the file may star-import (``star_imports``);
    - ``store``: where a store into an attribute of that name may be written (``stores_into``),
      among the files spelling it as an attribute;
    - ``dotted``: after a ``.``, in code, strings or comments alike (``spells_after_dot``);
    - ``named``: where it may name a module of that last name (``names_module``)."""

    attribute: bool = False
    bound: bool = False
    star: bool = False
    store: bool = False
    dotted: bool = False
    named: bool = False


# The tests callers ask for, made once: ``spelling(words, ATTRIBUTE)``.
WHOLE_WORD = SpellingTest()
ATTRIBUTE = SpellingTest(attribute=True)
BOUND = SpellingTest(bound=True)
STAR = SpellingTest(star=True)
STORE = SpellingTest(store=True)
DOTTED = SpellingTest(dotted=True)
NAMED = SpellingTest(named=True)

# A word read as an attribute (``.word``), or (no group) what spells dotted names that are no
# attribute reads: a line that starts an import statement, a comment, a string (the fields of
# f-strings too: ``_fstring_attributes`` reads those). One pass over a file finds the one and
# skips the others. Between the `.` and the word may stand spaces, a line continuation, and in
# brackets a line break and a comment (``(pkg.  # why`` ... ``old)``).
_STRINGS = (
    rb'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
    rb"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",
    rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"',
    rb"'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
)
_SPLIT = rb"(?:[ \t\f]|\\\r?\n|\r?\n|#[^\n]*)*"
_ATTRIBUTES = re.compile(b"|".join((rb"(?m)^[ \t]*(?:from|import)\b[^\n]*", rb"#[^\n]*", *_STRINGS, rb"\." + _SPLIT + rb"([A-Za-z_]\w*)")))
# An f-string's opening (prefix and quote), and an attribute read anywhere in its text.
_FSTRING = re.compile(r"(?<![\w\x80-\xff])(?:[fF][rR]?|[rR][fF])(\"\"\"|'''|\"|')")
_LOOSE_ATTRIBUTE = re.compile(r"\." + _SPLIT.decode() + r"([A-Za-z_]\w*)")


# What follows an `import` keyword to the end of its statement: a parenthesized list (comments in
# it may hold a `)`), or the rest of the line with its backslash continuations.
_IMPORT_LIST = re.compile(rb"(?<![\w.])import\b((?:[ \t]*\((?:[^)#]|#[^\n]*)*\)?)|(?:[^\n;#\\]|\\\r?\n)*)")


def binds_by_import(data: bytes | None, word: str) -> bool:
    """Whether ``data`` (a file's bytes; None: unreadable, which binds every word) may bind
    ``word`` by an import: it stands in what follows an ``import`` keyword not after a ``.``
    (``import pkg``, ``import pkg.sub``, ``from a import pkg``) or before ``as`` (``import a.pkg as
    p``). A text test, a superset of what the file's imports bind (in strings and comments too)."""
    if data is None:
        return True
    spelt = word.encode()
    if spelt not in data:
        return False
    word_re = re.escape(spelt)
    bound = re.compile(rb"(?<![\w\x80-\xff.])" + word_re + rb"(?![\w\x80-\xff])|(?<![\w\x80-\xff])" + word_re + rb"(?:[ \t]|\\\r?\n)+as\b")
    return any(spelt in found and bound.search(found) for found in _IMPORT_LIST.findall(data))


# Past a word an import may bind: blanks and line continuations, then ``as``.
_AS = re.compile(rb"(?:[ \t]|\\\r?\n)+as\b")


def import_bound_words(data: bytes | None) -> frozenset[bytes] | None:
    """The whole words (``whole_words``) for which ``binds_by_import`` holds, gathered in one
    pass over ``data`` (None: unreadable, which binds every word): those in what follows an
    ``import`` keyword not after a ``.``, or before ``as``."""
    if data is None:
        return None
    found: set[bytes] = set()
    for listed in _IMPORT_LIST.findall(data):
        for word in _WHOLE.finditer(listed):
            at = word.start()
            if at == 0 or listed[at - 1] != 46 or _AS.match(listed, word.end()):  # 46: `.`
                found.add(word.group())
    return frozenset(found)


def star_imports(data: bytes | None, word: str) -> bool:
    """Whether ``data`` (a file's bytes; None: unreadable, which star-imports everything) may
    star-import a module whose last name is ``word``: ``from ...word import *``. A text test,
    a superset (in strings and comments too)."""
    if data is None:
        return True
    spelt = word.encode()
    if spelt not in data or b"*" not in data:
        return False
    return re.search(rb"(?<![\w.])from[ \t]+[\w. \t]*?(?<![\w\x80-\xff])" + re.escape(spelt) + rb"[ \t]+import[ \t]*\(?[ \t]*\*", data) is not None


def star_import_lines(data: bytes | None) -> bytes | None:
    """The lines of ``data`` (None: unreadable) that may star-import a module, joined: every
    match of ``star_imports`` lies on one line, holding ``import`` and ``*``, so testing a word
    on them alone gives the answer testing it on the whole text gives."""
    if data is None:
        return None
    if b"*" not in data:
        return b""
    return b"\n".join(line for line in data.split(b"\n") if b"*" in line and b"import" in line)


_BLANK = frozenset(b" \t\r\n\\")


def stores_into(data: bytes | None, word: str) -> bool:
    """Whether ``data`` (a file's bytes; None: unreadable, which stores everywhere) may store
    into an attribute named ``word``: ``.word`` followed, past closing brackets, by ``=`` or an
    augmented ``op=``, ``in``, ``,`` or ``:`` (``x.word = ``, ``(x).word, y = ``, ``for x.word
    in``, ``with f() as x.word:``, ``x.word: T = ``), or after a ``del`` on its line. A text
    test, a superset (in strings and comments too) of the stores a tree shows."""
    if data is None:
        return True
    spelt = word.encode()
    if spelt not in data:
        return False
    word_re = re.escape(spelt)
    # The word first (a literal: fast), then what stands before it (a `.`, past spaces and line
    # continuations) by hand: a pattern starting at the `.` is tried at every `.` of the file.
    after = re.compile(word_re + rb"(?![\w\x80-\xff])(?:\s|\\|[)\]])*(?:(?:[-+*/%@&|^]|//|\*\*|<<|>>)?=(?!=)|in(?![\w\x80-\xff])|[,:])")
    for found in after.finditer(data):
        at = found.start() - 1
        while at >= 0 and data[at] in _BLANK:
            at -= 1
        if at >= 0 and data[at] == 46 and (at == 0 or data[at - 1] != 46):  # `.`, not `..` (`from .. import`)
            return True
    # `del x, c.word` on its line, or in brackets over several (`del (\n    c.word\n)`).
    dele = re.compile(rb"(?<![\w\x80-\xff.])del(?![\w\x80-\xff])(?:[^\n;]*|[ \t]*[(\[][^)\]]*)\.(?:\s|\\)*" + word_re + rb"(?![\w\x80-\xff])")
    return b"del" in data and dele.search(data) is not None


def spells_after_dot(data: bytes | None, word: str) -> bool:
    """Whether ``data`` (a file's bytes; None: unreadable, which spells every word) may spell
    ``word`` as a whole word after a ``.``, past blanks, line breaks and continuations, and
    comments (``x.word``, ``(x.  # why`` ... ``word)``), anywhere: in code, strings (``"pkg.word"``)
    and comments alike. A superset of what a syntax tree shows read as an attribute of that
    name (every ``ast.Attribute`` spells its ``.`` and name so), and of the dotted module names
    spelt in strings (``sys.modules["pkg.word"]``): a word on a line after one holding a ``#``
    (a comment may stand between) counts too."""
    if data is None:
        return True
    spelt = word.encode()
    if spelt not in data:
        return False
    # The word first (a pattern starting with a literal is searched for fast), then what stands
    # before it by hand, as ``stores_into``.
    for found in re.finditer(re.escape(spelt) + rb"(?![\w\x80-\xff])", data):
        at, lines = found.start() - 1, 0
        if at >= 0 and data[at] in _WORD:
            continue  # inside a longer word
        while at >= 0 and data[at] in _GAP:
            lines += data[at] in b"\r\n"
            at -= 1
        if at >= 0 and data[at] == 46:  # `.`
            return True
        if lines and b"#" in data[data.rfind(b"\n", 0, at + 1) + 1 : at + 1]:
            return True  # after a comment, which may follow a `.`
    return False


_GAP = frozenset(b" \t\f\r\n\\")  # what may stand between an attribute's `.` and its name, comments aside


def names_module(data: bytes | None, word: str) -> bool:
    """Whether ``data`` (a file's bytes; None: unreadable, which names every module) may name a
    module whose last name is ``word`` other than in an import that binds it (``binds_by_import``
    tells those) or through a star import: ``word`` after a ``.`` (as ``spells_after_dot``) in
    code, strings or comments (``pkg.word.X = 1``, ``import_module("pkg.word")``,
    ``sys.modules["pkg.word"]``), but not in the module path of a line that is one import
    statement (``from pkg.word import X``, ``import pkg.word``: neither binds a name to
    ``pkg.word`` itself); right after a quote (``import_module("word")``); or anywhere in a file
    that may star-import (``from pkg import *`` may bind ``word``, ``from . import *`` too). A
    superset of the spellings ``project.attribute_stores`` resolves to that module."""
    if data is None:
        return True
    spelt = word.encode()
    if spelt not in data:
        return False
    if b"*" in data and _STAR_IMPORT.search(data) is not None and spells(data, word):
        return True
    # The word first (a pattern starting with a literal is searched for fast), its start by hand.
    for found in re.finditer(re.escape(spelt) + rb"(?![\w\x80-\xff])", data):
        at = found.start() - 1
        if at >= 0 and data[at] in _WORD:
            continue  # inside a longer word
        if at >= 0 and data[at] in _QUOTES:
            return True
        crossed = False
        while at >= 0 and data[at] in _GAP:
            crossed = crossed or data[at] in _BREAKS
            at -= 1
        dot = at >= 0 and data[at] == 46  # `.`
        if not (dot or crossed):
            continue  # the common case: a name in code
        ends = [end for end in (data.find(b"\n", at), data.find(b"\r", at)) if end != -1]
        line = data[max(data.rfind(b"\n", 0, at + 1), data.rfind(b"\r", 0, at + 1)) + 1 : min(ends, default=len(data))]
        if crossed and b"#" in line:
            return True  # after a comment, which may follow a `.`
        if dot and (b";" in line or _IMPORT_LINE.match(line) is None):
            return True
    return False


_QUOTES, _BREAKS = frozenset(b"\"'"), frozenset(b"\r\n")
_WORD = frozenset(b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") | frozenset(range(0x80, 0x100))
# A star import (``from pkg import *``, past blanks, a bracket or continuations): a superset.
_STAR_IMPORT = re.compile(rb"import(?:[ \t\f(]|\\\r?\n|\\\r)*\*")
# A line that starts an import statement: ``import``, or ``from`` a module path ``import`` (a line
# starting ``from pkg.word)`` continues a ``yield from`` or ``raise ... from``: code).
_IMPORT_LINE = re.compile(rb"[ \t\f]*(?:import(?![\w\x80-\xff])|from[ \t\f]+[\w\x80-\xff. \t\f]*(?<![\w\x80-\xff])import(?![\w\x80-\xff]))")


def spells(data: bytes | None, word: str) -> bool:
    """Whether ``data`` (a file's bytes; None: unreadable, which spells every word) spells
    ``word`` as a whole word (see ``ProjectModules.spelling``)."""
    if data is None:
        return True
    spelt = word.encode()
    return spelt in data and re.search(rb"(?<![\w\x80-\xff])" + re.escape(spelt) + rb"(?![\w\x80-\xff])", data) is not None


_WHOLE = re.compile(rb"[\w\x80-\xff]+")


def whole_words(data: bytes | None) -> frozenset[bytes]:
    """The whole words ``data`` (a file's bytes) spells: its runs of word characters and non-ASCII
    bytes. Whether it ``spells`` a word made of them is whether the word is one, and a file asked
    about thousands of words (one for each import of a buffer) is gone through once instead of
    once for each."""
    return frozenset(_WHOLE.findall(data)) if data is not None else frozenset()


def one_whole_word(word: str) -> bool:
    """Whether ``word`` is made of what ``whole_words`` gathers alone (see ``spells``)."""
    return _WHOLE.fullmatch(word.encode()) is not None


def attribute_words(data: bytes | None) -> set[str | None]:
    """The words ``data`` (a file's bytes) spells as attributes (see ``ProjectModules.spelling``);
    {None} when it cannot be read."""
    if data is None:
        return {None}
    found: set[str | None] = {word.decode() for word in _ATTRIBUTES.findall(data) if word}
    if b'f"' in data or b"f'" in data or b'F"' in data or b"F'" in data:
        found |= _fstring_attributes(data.decode("latin-1"))  # one byte, one character: offsets kept
    return found


def _fstring_attributes(text: str) -> set[str | None]:
    """The words the f-strings of ``text`` spell as attributes (``f"{pkg.old.X}"``), read loosely:
    anywhere in each (its literal parts too), and to the end of the text when its end is not found
    (a superset, as ``spelling`` may give)."""
    found: set[str | None] = set()
    position = 0
    while (start := _FSTRING.search(text, position)) is not None:
        end = fstring_end(text, start.end(), start.group(1), "r" in start.group().lower()) or len(text)
        found.update(_LOOSE_ATTRIBUTE.findall(text, start.end(), end))
        position = max(end, start.end())
    return found
