"""When an import runs, read from the statements around it: under ``if __name__ == "__main__"``
(only as a script), where its failure is expected, or where a test expects it to warn (under
``if TYPE_CHECKING``, never: ``type_checking``)."""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.analysis.prefilter import spelled
from ssot_lint.analysis.syntax import statements

if TYPE_CHECKING:
    from ssot_lint.analysis.file_context import FileContext
    from ssot_lint.analysis.source_lines import SourceLines

_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))  # `except*`: Python 3.11+


def string_value(node: ast.expr) -> str | None:
    """The value of a (non-bytes, non-f) string literal."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(a, ast.Name) and a.id == "__name__" and string_value(b) == "__main__" for a, b in (sides, sides[::-1]))


_IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError")
_BROADER = ("Exception", "BaseException")  # also catch an ImportError
# Context managers that expect (or swallow) the exception given as their first argument:
# pytest.raises, unittest's assertRaises / assertRaisesRegex, Django's assertRaisesMessage,
# contextlib.suppress.
_EXPECTING = ("raises", "assertRaises", "assertRaisesRegex", "assertRaisesMessage", "suppress")
# What a handler calls (or raises) to skip the test when an import fails: importorskip by hand.
_SKIPS = ("skip", "skipTest", "SkipTest", "importorskip")


def _names_import_error(node: ast.expr | None, names: tuple[str, ...] = _IMPORT_ERRORS) -> bool:
    """``ImportError``, ``builtins.ModuleNotFoundError``, or a tuple holding one (any of
    ``names``)."""
    if isinstance(node, ast.Tuple):
        return any(_names_import_error(element, names) for element in node.elts)
    name = dotted_name(node) if node is not None else None
    return name is not None and name.rsplit(".", 1)[-1] in names


def _skips(handler: ast.ExceptHandler) -> bool:
    for node in ast.walk(handler):
        target = node.func if isinstance(node, ast.Call) else node.exc if isinstance(node, ast.Raise) else None
        if isinstance(target, ast.Call):
            target = target.func
        name = dotted_name(target) if target is not None else None
        if name is not None and name.rsplit(".", 1)[-1] in _SKIPS:
            return True
    return False


def expects_import_error(node: ast.AST) -> bool:
    """Whether the body of ``node`` is code whose import errors are expected and handled:
    ``with pytest.raises(ImportError):`` (also ``ModuleNotFoundError``, a tuple holding one,
    ``self.assertRaises`` / ``assertRaisesRegex`` / ``assertRaisesMessage``, ``contextlib.suppress``), or a ``try`` whose
    ``except ImportError`` handler skips the test (``pytest.skip``, ``self.skipTest``, ``raise
    unittest.SkipTest``: ``pytest.importorskip`` written by hand). A ``try`` / ``except
    ImportError`` that falls back to other code is not (see ``guards_import_error``)."""
    if isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and call.args:
                name = dotted_name(call.func)
                if name is not None and name.rsplit(".", 1)[-1] in _EXPECTING and _names_import_error(call.args[0]):
                    return True
        return False
    if isinstance(node, _TRY):
        return any(_names_import_error(handler.type) and _skips(handler) for handler in node.handlers)
    return False


def guards_import_error(node: ast.AST) -> bool:
    """Whether ``node`` is a ``try`` whose handlers catch an ``ImportError`` (``except
    ImportError``, ``ModuleNotFoundError``, ``Exception``, ``BaseException``, a bare ``except``):
    the code in its body may import a module that is not there, by design (an optional compiled
    speed-up, a ``local_settings`` left out of the repository)."""
    if not isinstance(node, _TRY):
        return False
    return any(handler.type is None or _names_import_error(handler.type, _IMPORT_ERRORS + _BROADER) for handler in node.handlers)


# Context managers in whose body a test expects a warning: any whose name says it "warns"
# (pytest.warns, unittest's assertWarns / assertWarnsRegex, Django's assertWarnsMessage, SymPy's
# warns_deprecated_sympy), pytest.deprecated_call, and a project's own helpers named for
# expecting or asserting a warning or deprecation: ``expect``/``assert`` first (after any ``_``),
# ``warn`` or ``deprecat`` later (SQLAlchemy's expect_deprecated, expect_deprecated_20,
# expect_warnings, a test class's _expect_warning; assertWarning), unless it expects *no*
# warning (expect_no_warnings). A name that only silences warnings (catch_warnings,
# ignore_warnings) does not say "warns".
# (The helpers' prefix keeps its case but for the first letter, as the text test below reads it.)
_EXPECTS = re.compile(r"(?i:warns|deprecated_call)|^_*(?:[eE]xpect|[aA]ssert)(?!(?i:.*no_?warn))(?i:.*(?:warn|deprecat))")
# Context managers that expect the exception given first: with a warning category there (under
# ``simplefilter("error")``), the test asserts the warning is raised.
_RAISES = ("raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "assertRaisesMessage", "failUnlessRaises")
# pytest's fixture that records the warnings of the test taking it (``recwarn.pop(Warning)``).
_RECWARN = "recwarn"
# What the text of such code spells: one of the words (found fast), then its pattern (the call's
# parenthesis: prose says "warns" too; ``catch_warnings(record``; ``raises(...Warning``; the
# fixture's name as a word). A superset of what ``expects_warning`` accepts. The words are
# literals that every match of the pattern holds, so they only spare a search: the second
# pattern, an alternation, has no literal prefix for the regex engine to skip ahead to, and
# ``warn`` alone let it read ~9% of Home Assistant's files (``_LOGGER.warning``): 0.2-0.3 s.
# The helpers' pattern starts with a literal, matched with its case (``xpect``: expect and
# Expect), and only its tail ignores case: an alternation first, or a pattern ignoring case
# throughout, has the regex engine try every position (on Django and SQLAlchemy: 0.14 s for
# both literal-first patterns, 1.6 s ignoring case throughout, 6 s as one alternation).
_EXPECTS_SPELLINGS = (
    (("arns", "deprecated_call"), re.compile(r"(?:warns|deprecated_call)\w*\(", re.IGNORECASE)),
    (("xpect",), re.compile(r"xpect\w*?(?i:warn|deprecat)\w*\(")),
    (("ssert",), re.compile(r"ssert\w*?(?i:warn|deprecat)\w*\(")),
    (("catch_warnings(", "recwarn"), re.compile(r"catch_warnings\([^)]*record|recwarn\b")),
    (("aises",), re.compile(r"aises\w*\([^)]*Warning")),
)
_SPELLED_WORDS = tuple(word for words, _ in _EXPECTS_SPELLINGS for word in words)
# The words on the lines whose statements are read for blocks (``catch_warnings`` and
# ``recwarn`` spell ``warn``; ``expect_deprecated`` and ``assertDeprecated`` spell ``eprecat``,
# ``assertWarning`` ``Warn``).
_EXPECTS_WORDS = ("arns", "deprecated_call", "warn", "aises", "eprecat", "Warn")


_BLOCKS = (ast.With, ast.AsyncWith, ast.FunctionDef, ast.AsyncFunctionDef)  # what ``expects_warning`` may accept


def expects_warning(node: ast.AST) -> bool:
    """Whether ``node`` is code that a test expects to warn, so what it uses of a deprecated
    module or name it uses on purpose, to test the deprecation (``with
    pytest.warns(DeprecationWarning): import old``). Such a use is no debt, and rewriting it
    breaks the test. ``node`` is: a ``with`` whose context manager says it warns (see
    ``_EXPECTS``); a ``with pytest.raises(W)`` / ``self.assertRaises(W)`` /
    ``assertRaisesRegex(W, ...)`` where ``W`` is a warning category (a name ending in
    ``Warning``, or a tuple holding one: the test turned warnings into errors); a ``with
    warnings.catch_warnings(record=True)`` (the test records the warnings of its body: whatever
    it imports there may be what it asserts on); or a function taking pytest's ``recwarn``
    fixture (its whole body)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = node.args
        return any(a.arg == _RECWARN for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs))
    if not isinstance(node, (ast.With, ast.AsyncWith)):
        return False
    for item in node.items:
        call = item.context_expr
        name = dotted_name(call.func) if isinstance(call, ast.Call) else None
        if name is None:
            continue
        last = name.rsplit(".", 1)[-1]
        if _EXPECTS.search(last):
            return True
        assert isinstance(call, ast.Call)
        if last in _RAISES and _names_warning(call.args[0] if call.args else _keyword(call, "expected_exception")):
            return True
        if last == "catch_warnings" and _records(_keyword(call, "record")):
            return True
    return False


def expects_warning_from(node: ast.Call) -> bool:
    """Whether ``node`` is a call that expects a warning from a callable in its arguments, so
    what its arguments use they use to test the deprecation: a helper ``expects_warning``
    accepts as a context manager (``_EXPECTS``: NumPy's ``self.assert_deprecated(lambda:
    old())``, ``assert_warns(DeprecationWarning, old, 1)``, ``pytest.deprecated_call(old)``)
    passed a lambda or a name that is not a warning category (the callable itself)."""
    name = dotted_name(node.func)
    if name is None or not _EXPECTS.search(name.rsplit(".", 1)[-1]):
        return False
    return any(isinstance(a, ast.Lambda) or (isinstance(a, (ast.Name, ast.Attribute)) and not _names_warning(a)) for a in node.args)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _names_warning(node: ast.expr | None) -> bool:
    """``DeprecationWarning``, ``django.utils.deprecation.RemovedInDjango60Warning``, or a
    tuple holding one."""
    if isinstance(node, ast.Tuple):
        return any(_names_warning(element) for element in node.elts)
    name = dotted_name(node) if node is not None else None
    return name is not None and name.endswith("Warning")


def _records(value: ast.expr | None) -> bool:
    """Whether ``catch_warnings``'s ``record=`` may be true (anything but a literal false)."""
    return value is not None and not (isinstance(value, ast.Constant) and not value.value)


class TestedDeprecations:
    """What a file's tests use on purpose to test a deprecation: the blocks that expect a warning
    (first and last lines; see ``expects_warning``), and the names whose every use is inside one
    of them (``from old import X`` at the top of a test module, ``X()`` only under
    ``pytest.warns``). A name is judged when first asked about (``covers``), from the loads on
    the lines that spell it: the callers ask about the names their imports bind, a few per file,
    and walking every node of a test module for them all was ~0.4 s of Django's summaries."""

    __slots__ = ("blocks", "_uses", "_judged")

    def __init__(self, blocks: tuple[tuple[int, int], ...] = (), uses: _BlockUses | None = None) -> None:
        self.blocks = blocks
        self._uses = uses
        self._judged: dict[str, bool] = {}

    def covers(self, line: int, bound: str | None = None) -> bool:
        """Whether an import (or use) at ``line`` binding ``bound`` is such a deliberate use."""
        return any(first <= line <= last for first, last in self.blocks) or (bound is not None and self.tested_name(bound))

    def tested_name(self, name: str) -> bool:
        """Whether the file loads ``name`` inside a block and nowhere else (nor declares it
        ``global`` or ``nonlocal``: rebound elsewhere, it is not provably a test's own name)."""
        judged = self._judged.get(name)
        if judged is None:
            judged = self._judged[name] = self._uses is not None and self._uses.only_inside(name, self)
        return judged


NOTHING_TESTED = TestedDeprecations()
_MEMO_KEY = "tested-deprecations"


def tested_deprecations(ctx: FileContext) -> TestedDeprecations:
    """The file's ``TestedDeprecations``, computed once per file (the summary and the kinds ask).
    Only a file whose text spells such code (``_EXPECTS_SPELLINGS``: a call named for warnings,
    ``catch_warnings(record``, ``raises(...Warning``, ``recwarn``) is read further; the names need
    every use in the file, so a file with such a block is parsed whole."""
    found = ctx.memo.get(_MEMO_KEY)
    if found is None:
        found = ctx.memo[_MEMO_KEY] = _tested(ctx) if _calls_expecting(ctx.text) else NOTHING_TESTED
    return found


def _calls_expecting(text: str) -> bool:
    written = {_SPELLED_WORDS[index] for index in spelled(text, _SPELLED_WORDS)}  # one call for every spelling's words
    return bool(written) and any(not written.isdisjoint(words) and pattern.search(text) is not None for words, pattern in _EXPECTS_SPELLINGS)


def _tested(ctx: FileContext) -> TestedDeprecations:
    near = list(statements(ctx.statements_near(_EXPECTS_WORDS), True))
    blocks = [(node.lineno, node.end_lineno or node.lineno) for node, _ in near if isinstance(node, _BLOCKS) and expects_warning(node)]
    # The call form: the lines of a call given the callable that should warn (a simple
    # statement's, or a ``with`` header's; a block's body comes as statements of its own). Only
    # statements spanning a line with one of the words are walked: a class spanning them all
    # costs its decorators, its 400 other test methods nothing.
    words = ctx.lines_with(_EXPECTS_WORDS)
    for node, _ in near:
        # A def's or class's first line is its first decorator's (``lineno`` is the ``def``'s).
        decorators = getattr(node, "decorator_list", None)
        at = bisect_left(words, decorators[0].lineno if decorators else node.lineno)
        if at == len(words) or words[at] > (node.end_lineno or node.lineno):
            continue
        for part in _own_expressions(node):
            for call in ast.walk(part):
                if isinstance(call, ast.Call) and expects_warning_from(call):
                    blocks.append((call.lineno, call.end_lineno or call.lineno))
    blocks.sort()
    if not blocks:
        return NOTHING_TESTED
    # Parsed whole here, as the names' judgement may need any line: a syntax error anywhere in
    # the file is then reported, whichever names are asked about later.
    return TestedDeprecations(tuple(blocks), _BlockUses(ctx.lines, ctx.tree, tuple(blocks)))


def _own_expressions(node: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that are not statements nested in it (nor a def's or class's)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [*node.decorator_list]
    return [c for c in ast.iter_child_nodes(node) if not isinstance(c, (ast.stmt, ast.excepthandler, ast.match_case))]


class _BlockUses:
    """The loads of one file's names, inside its blocks and elsewhere, found by walking only the
    parts of its tree on the lines that matter (``loads_on``). It holds no ``FileContext``: the
    context's memo holds it, and a cycle would keep every file's tree until a collection."""

    def __init__(self, lines: SourceLines, tree: ast.Module, blocks: tuple[tuple[int, int], ...]) -> None:
        self.lines = lines
        self.tree = tree
        self.blocks = blocks
        self._inside: set[str] | None = None
        self._non_ascii: list[int] | None = None

    def only_inside(self, name: str, tested: TestedDeprecations) -> bool:
        if self._inside is None:
            lines = sorted({line for first, last in self.blocks for line in range(first, last + 1)})
            self._inside = {n.id for n in loads_on(self.tree, lines) if isinstance(n, ast.Name) and tested.covers(n.lineno)}
        if name not in self._inside:
            return False
        # A load of ``name`` is written on its line: as ``name`` itself, or with a character
        # outside ASCII that Python's NFKC normalisation of identifiers may turn into it.
        lines = sorted({*self._lines_spelling(name), *self._non_ascii_lines()})
        for node in loads_on(self.tree, lines):
            if isinstance(node, ast.Name):
                if node.id == name and not tested.covers(node.lineno):
                    return False
            elif name in node.names:
                return False
        return True

    def _lines_spelling(self, name: str) -> Iterator[int]:
        text, starts = self.lines.text, self.lines.starts
        at = text.find(name)
        while at != -1:
            yield bisect_right(starts, at)
            at = text.find(name, at + len(name))

    def _non_ascii_lines(self) -> list[int]:
        if self._non_ascii is None:
            text, starts = self.lines.text, self.lines.starts
            self._non_ascii = [] if text.isascii() else [bisect_right(starts, match.start()) for match in _NON_ASCII.finditer(text)]
        return self._non_ascii


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def loads_on(tree: ast.AST, lines: list[int]) -> Iterator[ast.Name | ast.Global | ast.Nonlocal]:
    """The names loaded (``ast.Name`` nodes in a load) and the ``global`` and ``nonlocal``
    statements of ``tree`` whose lines hold one of ``lines`` (sorted), and maybe others: only the
    subtrees spanning one of the lines are entered. A definition spans its decorators too (its
    own line is the ``def``'s); an f-string is entered whole, whatever its parts' positions say."""
    if not lines:
        return
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, whole = stack.pop()
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                yield node
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            yield node
            continue
        whole = whole or isinstance(node, ast.JoinedStr)
        for field in node._fields:  # ast.iter_child_nodes, without its two generators
            value = getattr(node, field, None)
            for child in value if isinstance(value, list) else (value,):
                if not isinstance(child, ast.AST):
                    continue
                start: int | None = getattr(child, "lineno", None)
                if start is not None and not whole:
                    decorators = getattr(child, "decorator_list", None)
                    if decorators:
                        start = min(start, *(d.lineno for d in decorators))
                    nearest = bisect_left(lines, start)
                    if nearest == len(lines) or lines[nearest] > (child.end_lineno or start):  # type: ignore[attr-defined]
                        continue
                stack.append((child, whole))
