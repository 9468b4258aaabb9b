"""A module's outline: its text with the parts the project-wide summaries never read left out,
so that CPython parses a third of a typical module instead of all of it.

Built from ``chunks.scan`` (no parsing), the outline keeps every line number and every column of
what it keeps. Left out:

- the body of a top-level ``def`` or ``class`` (decorated or not) whose code holds neither
  ``import`` nor ``global``, other than ``def __getattr__`` (where it forwards names is read,
  ``analysis.getattr_forward``): the header, up to its ``:``, is kept and the body becomes ``...``;
- then also the parameters and return annotation of such a ``def`` when no ``(`` is written in
  them (so nothing there is called: ``project.effects`` reads a signature only for calls):
  ``def name(): ...`` stays, with its decorators. Signatures are a fifth of a typical outline
  (Home Assistant: 1.9 of 9.4 MB);
- the value of a top-level ``NAME = value`` (or ``NAME: T = value``) that cannot be a name or an
  attribute chain (it holds a ``[``, a ``{`` or a call) and holds no ``:=``, where ``NAME`` is
  no dunder: it becomes ``...``;
- with the C scan, a top-level statement that is one import written the plain way: it is read
  from the text instead (``analysis.simple_imports``), imports being half of a typical outline.

The first two statements (a docstring and the first statement after it) are always kept whole.
What is left out binds no module-level name, imports nothing and declares nothing global, and
is never an alias, ``__all__`` or a re-export: everything ``project.module_summary`` reads is in
the outline (or read from the text, the imports), as it is in the whole tree. A syntax error in
what is left out is not seen (the file is then reported only where a rule reads it, or with
``check --check-syntax``); an import is read only when it is one CPython parses, into the node
CPython makes of it.

An outline that does not parse means the scan misread the text (or the header is broken): the
caller parses the whole file instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ssot_lint.analysis.chunks import Scan, _word
from ssot_lint.analysis.native import compiled as native
from ssot_lint.analysis.simple_imports import ImportRecord

_HEADER = re.compile(r"(?:async[ \t\f]+)?def\b|class\b")
_HEADER_TOKENS = re.compile(r"[()\[\]{}:;]")
_GETATTR = re.compile(r"def[ \t\f]+__getattr__\b")
_DEF_NAME = re.compile(r"(?:async[ \t\f]+)?def[ \t\f]+\w+[ \t\f]*\(")
_TARGET = re.compile(r"(?!__)[^\W\d]\w*[ \t\f]*(?=[:=])")
_VALUE_TOKENS = re.compile(r"[()\[\]{}:;=]")
# A value holding a subscript, a display or a call is no name or attribute chain.
_NOT_A_NAME = re.compile(r"[\[{]|[\w)\]}\"][ \t\f]*\(")
_KEPT_WHOLE = 2  # the docstring and the statement after it (ModuleSummary.first_span)


def outline(text: str, found: Scan, line_starts: list[int], cuts: list[tuple[int, int]] | None = None, imports: list[ImportRecord] | None = None) -> str:
    """The outline of ``text`` (see the module docstring), with the text's line numbers.
    ``cuts`` (if given) receives the ``(start, end)`` offsets of each part left out. Built by the
    C code (``analysis.native``) when it was built, by ``python_outline`` otherwise. With
    ``imports`` and the C code, the top-level statements that are one simple import are left out
    too and read into it (``analysis.simple_imports``; ``cuts`` does not list them)."""
    if native is None:
        return python_outline(text, found, line_starts, cuts)
    if imports is None:
        result, found_cuts = native.outline(text, found.code, found.offsets, found.heads)
    else:
        result, found_cuts = native.outline(text, found.code, found.offsets, found.heads, found.starts, imports)
    if cuts is not None:
        cuts += found_cuts
    return result


def python_outline(text: str, found: Scan, line_starts: list[int], cuts: list[tuple[int, int]] | None = None) -> str:
    """``outline`` in Python: the reference the C code follows."""
    code, offsets, heads = found.code, found.offsets, found.heads
    pieces: list[str] = []
    # Line 1 always starts a chunk; when it holds only comments and blank lines, it is no statement.
    kept = _KEPT_WHOLE + (len(offsets) > 1 and not code[: offsets[1]].strip())
    copied = 0  # text before this offset is in pieces (as itself, or as the outline of it)
    for index, start in enumerate(offsets):
        if index < kept:
            continue
        end = offsets[index + 1] if index + 1 < len(offsets) else len(text)
        head = heads[index]
        cut = _header_end(code, head, end) if head >= 0 else _value_start(text, code, start, end)
        if cut is None:
            continue
        parameters = _quiet_parameters(code, head, cut) if head >= 0 else None
        if parameters is not None:
            pieces += (text[copied:parameters], "(): ...")
            cut = parameters
        else:
            pieces += (text[copied:cut], " ...")
        if cuts is not None:
            cuts.append((cut, end))
        # The line breaks left out, so that what follows keeps its line numbers.
        pieces.append("\n" * (bisect_right(line_starts, end) - bisect_right(line_starts, cut)))
        copied = end
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


def _header_end(code: str, keyword: int, end: int) -> int | None:
    """The offset after the ``:`` ending a def's or class's header, when its body may be left out."""
    if _HEADER.match(code, keyword) is None or _spells_import_or_global(code, keyword, end) or _GETATTR.match(code, keyword):
        return None
    depth = 0
    for match in _HEADER_TOKENS.finditer(code, keyword, end):
        token = match.group()
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
        elif depth == 0:
            colon = match.end()
            return colon if token == ":" and not code.startswith("=", colon) else None
    return None


def _quiet_parameters(code: str, keyword: int, colon: int) -> int | None:
    """The offset of the ``(`` opening a def's parameters when no other ``(`` is written from
    there to its header's ``:`` (``colon``, just after it): no default or annotation calls."""
    found = _DEF_NAME.match(code, keyword, colon)
    if found is None or code.find("(", found.end(), colon) >= 0:
        return None  # a class, type parameters (`def f[T](...)`), a continued line, or maybe a call
    return found.end() - 1


def _spells_import_or_global(code: str, start: int, end: int) -> bool:
    """Whether ``code[start:end]`` holds ``import`` or ``global`` as a whole word. Each word is
    looked for by ``str.find`` (a C-level search that skips ahead), the characters around a
    match tested after: a regex led by the words stopped at every ``i`` and ``g`` of the body, and
    took three times as long (Home Assistant, Django, SymPy: 0.45 -> 0.15 s over 98,077 bodies)."""
    for word in ("import", "global"):
        at = code.find(word, start, end)
        while at >= 0:
            after = at + 6
            if (after == end or not _word(code[after])) and not (at and _word(code[at - 1])):
                return True
            at = code.find(word, at + 1, end)
    return False


def _value_start(text: str, code: str, start: int, end: int) -> int | None:
    """The offset after the ``=`` of ``NAME = value`` / ``NAME: T = value``, when the value may be left out."""
    target = _TARGET.match(code, start, end)
    if target is None or ":=" in text[start:end]:
        return None
    depth, value = 0, None
    for match in _VALUE_TOKENS.finditer(code, target.end(), end):
        token = match.group()
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
        elif depth != 0:
            continue
        elif value is not None:
            return None  # a second `=`, a `;` or a `:` after the value starts: keep it whole
        elif token == ":" and match.start() == target.end():
            continue  # the annotation's colon
        elif token == "=" and not code.startswith("=", match.end()) and code[match.start() - 1] not in "=<>!":
            value = match.end()
        else:
            return None
    if value is None or _NOT_A_NAME.search(code, value, end) is None:
        return None
    return value
