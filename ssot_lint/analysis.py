"""Per-file analysis: (file bytes, module name, rules) -> FileResult. Pure, so it can be cached
by content hash and run in worker processes."""

from __future__ import annotations

import ast
import io
import os
import sys
import threading
import tokenize
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

import libcst as cst

from ssot_lint.kinds.base import FileContext, Rule
from ssot_lint.model import PARSE_ERROR_ID, FileRef, FileResult, Finding
from ssot_lint.suppressions import scan as scan_suppressions


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
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"cannot decode: {exc.msg}", exc.lineno or 1) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"cannot decode as {encoding}: invalid byte 0x{data[exc.start]:02x}", line) from None
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r} in coding cookie") from None
    if text.startswith("\ufeff"):  # utf-8-sig leaves no BOM, but a cookie-less utf-16 might
        text = text[1:]
    return text


# libcst holds ~500 bytes of tree per byte of source (2 MB of source: 1.1 GB), so larger files
# are reported instead of risking the machine's memory.
MAX_PARSE_BYTES = 1_000_000
# libcst's parser is superlinear on long operator chains (1,000 terms: 0.3 s; 10,000: 4 minutes).
MAX_OPERATOR_CHAIN = 1_500
# Deep nesting overflows the default thread stack inside libcst's native parser (a segfault, not an
# exception) and the default recursion limit in its visitors; analysis runs on a thread with room.
ANALYSIS_STACK_BYTES = 512 * 1024 * 1024
ANALYSIS_RECURSION_LIMIT = 30_000


def longest_operator_chain(tree: ast.AST) -> tuple[int, int]:
    """The longest run of chained binary/boolean/comparison operators, and the line it starts on."""
    best, line = 0, 1
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, chain = stack.pop()
        if isinstance(node, ast.BinOp):
            chain += 1
        elif isinstance(node, ast.BoolOp):
            chain = len(node.values) - 1
        elif isinstance(node, ast.Compare):
            chain = len(node.ops)
        else:
            chain = 0
        if chain > best:
            best, line = chain, getattr(node, "lineno", line)
        for child in ast.iter_child_nodes(node):
            stack.append((child, chain if isinstance(node, ast.BinOp) and child is node.left else 0))  # type: ignore[attr-defined]
    return best, line


def parse(text: str) -> cst.Module:
    """A libcst tree, or a SourceError saying exactly why not (CPython's parser locates errors)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_PARSE_BYTES:
        raise SourceError(f"not analysed: {size:,} bytes is over the parse limit of {MAX_PARSE_BYTES:,} (libcst memory use)")
    cpython_error: SyntaxError | None = None
    try:
        chain, line = longest_operator_chain(ast.parse(text))
        if chain > MAX_OPERATOR_CHAIN:
            raise SourceError(f"not analysed: an expression chains {chain:,} operators (libcst's parser is impractically slow past {MAX_OPERATOR_CHAIN:,})", line)
    except SyntaxError as error:
        cpython_error = error  # libcst may still accept it (e.g. nesting deeper than CPython allows)
    except (RecursionError, MemoryError, ValueError):
        pass
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        if cpython_error is not None:
            raise SourceError(f"syntax error: {cpython_error.msg}", cpython_error.lineno or 1, cpython_error.offset or 1) from None
        raise SourceError(f"libcst cannot parse this file although CPython can: {exc.message}", exc.raw_line, exc.raw_column + 1) from None
    except RecursionError:
        raise SourceError("too deeply nested for the parser (RecursionError)") from None
    except Exception as exc:  # libcst raises assorted errors on input its grammar rejects
        raise SourceError(f"parser failed: {type(exc).__name__}: {exc}") from None


_big_stack: tuple[int, ThreadPoolExecutor] | None = None


def _on_big_stack(fn: Callable[..., FileResult], *args: object) -> FileResult:
    """Run ``fn`` on this process's analysis thread (created once per process, also after fork)."""
    global _big_stack
    if _big_stack is None or _big_stack[0] != os.getpid():
        previous = threading.stack_size(ANALYSIS_STACK_BYTES)
        try:
            executor = ThreadPoolExecutor(1, thread_name_prefix="ssot-analysis")
            executor.submit(sys.setrecursionlimit, max(sys.getrecursionlimit(), ANALYSIS_RECURSION_LIMIT)).result()
        finally:
            threading.stack_size(previous)
        _big_stack = (os.getpid(), executor)
    return _big_stack[1].submit(fn, *args).result()


def analyze_source(data: bytes, ref: FileRef, rules: Sequence[Rule]) -> FileResult:
    """Run ``rules`` on one file. Rules see ``ref.module`` and ``ref.is_package``, never the path,
    so the result depends only on (bytes, module, rules)."""
    return _on_big_stack(_analyze, data, ref, rules)


def _analyze(data: bytes, ref: FileRef, rules: Sequence[Rule]) -> FileResult:
    try:
        text = decode_source(data)
    except SourceError as error:
        return FileResult(parse_error=error.finding())
    # Suppression comments are collected in every file, parsed or not: project-wide findings
    # land in files no rule parsed, and unused comments are reported wherever they are.
    suppressions = scan_suppressions(text)
    selected = [rule for rule in rules if rule.needs_parse(text, ref)]
    if not selected:
        return FileResult(suppressions=suppressions)
    try:
        module = parse(text)
    except SourceError as error:
        return FileResult(parse_error=error.finding(), suppressions=suppressions)
    ctx = FileContext(module, ref, text)
    findings: list[Finding] = []
    facts = {}
    try:
        for rule in selected:
            rule_findings, fact = rule.check(ctx)
            findings.extend(rule_findings)
            if fact is not None:
                facts[rule.id] = fact
    except RecursionError:  # past ANALYSIS_RECURSION_LIMIT: report, do not crash
        error = SourceError("too deeply nested to analyse (RecursionError)")
        return FileResult(parse_error=error.finding(), parsed=True, suppressions=suppressions)
    findings.sort(key=Finding.sort_key)
    return FileResult(tuple(findings), facts, None, parsed=True, suppressions=suppressions)


