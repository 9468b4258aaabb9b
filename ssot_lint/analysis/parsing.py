"""Turning a file's bytes into text and syntax trees: decoding as Python does, CPython's ``ast``
(what rules check), libcst's tree (what fixes edit), the limits that keep both safe, and the
big-stack thread they run on. Every failure is a ``SourceError`` saying exactly why."""

from __future__ import annotations

import ast
import codecs
import io
import os
import re
import symtable
import sys
import threading
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ssot_lint.analysis.syntax import cpython_parse
from ssot_lint.lifetime import DaemonWorker
from ssot_lint.model import PARSE_ERROR_ID, Finding

if TYPE_CHECKING:  # libcst is imported only when a libcst tree is asked for
    import libcst as cst

T = TypeVar("T")


class SourceError(Exception):
    """The file cannot be turned into text or a syntax tree; ``line``/``col`` are 1-based."""

    def __init__(self, reason: str, line: int = 1, col: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.col = col

    def finding(self) -> Finding:
        return Finding(PARSE_ERROR_ID, self.line, self.col, self.line, self.col, self.reason, "error", anchor=self.reason)


def decode_source(data: bytes) -> str:
    """Decode as Python does: BOM, then a PEP 263 coding cookie, else UTF-8."""
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes (binary file?)", data[: data.index(b"\x00")].count(b"\n") + 1)
    # Most files have neither a BOM nor a cookie on their first two lines (the only places
    # ``detect_encoding`` looks): UTF-8, whose decoder lets no lone surrogate through. A file
    # that does not decode so takes the full way below, which says why.
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    if not data.startswith(codecs.BOM_UTF8) and b"coding" not in (data[:second] if second >= 0 else data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return decode_declared(data)


def decode_declared(data: bytes) -> str:
    """``decode_source`` without its shortcut for plain UTF-8 (what the shortcut must equal)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"cannot decode: {exc.msg}", exc.lineno or 1) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"cannot decode as {encoding}: invalid byte 0x{data[exc.start]:02x}", line) from None
    except UnicodeError as exc:  # codecs that fail without a position: 'undefined', 'punycode'
        raise SourceError(f"cannot decode as {encoding}: {exc}") from None
    except LookupError as exc:  # 'rot13', 'zlib', ...: codecs that exist but do not make text
        raise SourceError(f"cannot decode: {exc}") from None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # 'unicode_escape', 'utf-7' ... can decode to lone surrogates
        line = text.count("\n", 0, exc.start) + 1
        raise SourceError(f"cannot decode as {encoding}: it yields a lone surrogate (U+{ord(text[exc.start]):04X})", line) from None
    if text.startswith("\ufeff"):  # utf-8-sig leaves no BOM, but a cookie-less utf-16 might
        text = text[1:]
    return text


# libcst holds ~500 bytes of tree per byte of source (2 MB of source: 1.1 GB), so larger files
# are reported instead of risking the machine's memory.
MAX_PARSE_BYTES = 1_000_000
# libcst's parser is superlinear in the depth of an expression, whatever makes it deep: operator
# chains (1,000 terms: 0.3 s; 10,000: 4 minutes), attribute/call/subscript chains (10,000 `[0]`:
# over 5 minutes), `not`/lambda/conditional chains (10,000: 20-90 s). Flat expressions (a tuple
# of 100,000 items, an `and` of 10,000 names) are linear and never refused.
MAX_EXPRESSION_DEPTH = 1_500
# When CPython rejects a file, libcst still gets a try (its grammar may know newer syntax than this
# interpreter), but only when no bracket level holds a run of more tokens than an expression of
# MAX_EXPRESSION_DEPTH needs, and brackets nest no deeper than CPython's limit in every version.
MAX_TOKEN_RUN = 2 * MAX_EXPRESSION_DEPTH
CPYTHON_MAX_BRACKET_DEPTH = 200
# Deep nesting overflows the default thread stack inside libcst's native parser (a segfault, not an
# exception) and the default recursion limit in its visitors; analysis runs on a thread with room.
ANALYSIS_STACK_BYTES = 512 * 1024 * 1024
ANALYSIS_RECURSION_LIMIT = 30_000


def deepest_expression(tree: ast.AST) -> tuple[int, int]:
    """How many expressions nest inside each other at most (``a + b + c`` is 3: ``(a + b) + c``,
    then ``a``), and the line of the statement-level expression on that path."""
    best, line = 0, 1
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 1)]
    while stack:
        node, depth, start = stack.pop()
        if isinstance(node, ast.expr):
            start = node.lineno if depth == 0 else start
            depth += 1
            if depth > best:
                best, line = depth, start
        elif isinstance(node, (ast.stmt, ast.mod)):
            depth = 0  # keywords, arguments, comprehensions ... keep their expression's depth
        stack.extend((child, depth, start) for child in ast.iter_child_nodes(node))
    return best, line


@dataclass
class TokenShape:
    """What the tokenizer shows about a file's worst statement, without parsing it."""

    bracket_depth: int = 0
    bracket_line: int = 1
    longest_run: int = 0  # tokens in one bracket level with no comma between them
    run_line: int = 1


def token_shape(text: str) -> TokenShape:
    shape = TokenShape()
    runs = [0]  # per open bracket level: tokens since its last comma
    starts = [1]
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            if token.type == tokenize.NEWLINE:
                runs, starts = [0], [token.start[0] + 1]
                continue
            if token.string in (",", ";"):
                runs[-1], starts[-1] = 0, token.start[0]
                continue
            if runs[-1] == 0:
                starts[-1] = token.start[0]
            runs[-1] += 1
            if runs[-1] > shape.longest_run:
                shape.longest_run, shape.run_line = runs[-1], starts[-1]
            if token.string in ("(", "[", "{"):
                runs.append(0)
                starts.append(token.start[0])
                if len(runs) - 1 > shape.bracket_depth:
                    shape.bracket_depth, shape.bracket_line = len(runs) - 1, token.start[0]
            elif token.string in (")", "]", "}") and len(runs) > 1:
                runs.pop()
                starts.pop()
    except (tokenize.TokenError, SyntaxError):
        pass  # judged on the tokens before the error
    return shape


def check_size(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_PARSE_BYTES:
        raise SourceError(f"not analyzed: {size:,} bytes is over the parse limit of {MAX_PARSE_BYTES:,} (libcst memory use)")


def parse_tree(text: str) -> ast.Module:
    """CPython's syntax tree, which rules check, or a SourceError saying exactly why not."""
    check_size(text)
    try:
        return cpython_parse(text)
    except (SyntaxError, ValueError) as error:
        reported = _cpython_error(error)
        if not _IMPLEMENTATION_LIMIT.search(reported.reason) and _libcst_accepts(text):
            # Invalid Python that libcst's lenient grammar takes (`except A, e:`), or syntax newer
            # than this interpreter (PEP 701 f-strings before 3.12): rules read CPython's tree.
            version = ".".join(map(str, sys.version_info[:2]))
            reported.reason += f" (Python {version} rejects it, libcst parses it: if it is newer syntax, run ssot-lint on a newer Python)"
        raise reported from None
    except (MemoryError, RecursionError) as error:  # CPython's parser stack overflowed
        raise _too_deep(text, error) from None


# CPython's limits rather than its grammar: no newer version accepts these (libcst has no such
# limits, so "libcst parses it" says nothing about newer syntax there).
_IMPLEMENTATION_LIMIT = re.compile(
    r"too many nested parenthes[ie]s|too many levels of indentation|too many statically nested blocks|nested too deeply|"
    r"Exceeds the limit \(\d+ digits\)|too many expressions in star-unpacking|more than 255 arguments"
)


def parses(text: str) -> bool:
    """Whether CPython's parser accepts ``text``. ``symtable`` runs the parser without building
    the Python ``ast`` objects (1.75x faster than ``ast.parse``); it also rejects some code the
    compiler would (``nonlocal`` at module level), so only its acceptance is taken as final."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            symtable.symtable(text, "<file>", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _libcst_accepts(text: str) -> bool:
    shape = token_shape(text)
    if shape.bracket_depth > CPYTHON_MAX_BRACKET_DEPTH or shape.longest_run > MAX_TOKEN_RUN:
        return False  # libcst could take minutes to decide
    try:
        _libcst_parse(text)
    except SourceError:
        return False
    return True


def _too_deep(text: str, error: BaseException) -> SourceError:
    shape = token_shape(text)
    line = shape.run_line if shape.longest_run >= shape.bracket_depth else shape.bracket_line
    return SourceError(f"not analyzed: too deeply nested or chained for CPython's parser ({type(error).__name__})", line)


def parse(text: str, tree: ast.Module | None = None) -> cst.Module:
    """A libcst tree (what fixes edit), or a SourceError saying exactly why not. Only text CPython
    parses gets one, as only that is checked. ``tree``: CPython's tree of ``text``, if at hand."""
    tree = tree if tree is not None else parse_tree(text)
    depth, line = deepest_expression(tree)
    if depth > MAX_EXPRESSION_DEPTH:
        raise SourceError(f"not analyzed: an expression nests {depth:,} deep (libcst's parser is impractically slow past {MAX_EXPRESSION_DEPTH:,})", line)
    return _libcst_parse(text)


def _cpython_error(error: SyntaxError | ValueError) -> SourceError:
    if isinstance(error, SyntaxError):
        return SourceError(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1)
    return SourceError(f"syntax error: {error}")


_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")


def _libcst_parse(text: str) -> cst.Module:
    import libcst as cst

    try:
        return cst.parse_module(text)
    except Exception as exc:  # libcst raises assorted errors on input its grammar rejects
        if isinstance(exc, cst.ParserSyntaxError):
            # The native parser's raw_line/raw_column can be off (column 0, or the next line);
            # its message carries the position it means: 1-based line, 0-based column.
            position = _LIBCST_POSITION.search(exc.message)
            line, col = (int(position[1]), int(position[2]) + 1) if position else (exc.raw_line, exc.raw_column + 1)
            raise SourceError(f"libcst cannot parse this file although CPython can: {exc.message}", line, col) from None
        if isinstance(exc, RecursionError):
            raise SourceError("too deeply nested for the parser (RecursionError)") from None
        raise SourceError(f"parser failed: {type(exc).__name__}: {exc}") from None


_big_stack: tuple[int, DaemonWorker] | None = None


def on_analysis_thread(fn: Callable[..., T], *args: object) -> T:
    """Run ``fn`` on this process's analysis thread (created once per process, also after fork):
    libcst parses, visits and rewrites run there, never on a default-sized stack. Called on that
    thread (a fix that analyzes another file), ``fn`` runs right there: waiting for the thread
    from the thread itself would never end."""
    global _big_stack
    if threading.current_thread().name.startswith("ssot-analysis") and _big_stack is not None and _big_stack[0] == os.getpid():
        return fn(*args)
    if _big_stack is None or _big_stack[0] != os.getpid():
        previous = threading.stack_size(ANALYSIS_STACK_BYTES)
        try:
            # Not joined at exit: the language server ends without waiting for a check running there.
            executor = DaemonWorker("ssot-analysis")
            executor.submit(sys.setrecursionlimit, max(sys.getrecursionlimit(), ANALYSIS_RECURSION_LIMIT)).result()
        finally:
            threading.stack_size(previous)
        _big_stack = (os.getpid(), executor)
    return _big_stack[1].submit(fn, *args).result()
