"""Per-file analysis: (file bytes, module name, rules) -> FileResult. Pure, so it can be cached
by content hash and run in worker processes."""

from __future__ import annotations

import ast
import io
import tokenize
from typing import Sequence

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


def parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise _explain_rejection(text, exc) from None
    except RecursionError:
        raise SourceError("too deeply nested for the parser (RecursionError)") from None
    except Exception as exc:  # libcst raises assorted errors on input its grammar rejects
        raise SourceError(f"parser failed: {type(exc).__name__}: {exc}") from None


def _explain_rejection(text: str, exc: cst.ParserSyntaxError) -> SourceError:
    """libcst's native parser locates errors loosely; CPython's own parser says exactly where.
    When CPython accepts what libcst rejects, say so: the file is still not analysed."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return SourceError(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1)
    except (RecursionError, MemoryError, ValueError):
        pass
    return SourceError(f"libcst cannot parse this file although CPython can: {exc.message}", exc.raw_line, exc.raw_column + 1)


def analyze_source(data: bytes, ref: FileRef, rules: Sequence[Rule]) -> FileResult:
    """Run ``rules`` on one file. Rules see ``ref.module`` and ``ref.is_package``, never the path,
    so the result depends only on (bytes, module, rules)."""
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
    ctx = FileContext(module, ref)
    findings: list[Finding] = []
    facts = {}
    try:
        for rule in selected:
            rule_findings, fact = rule.check(ctx)
            findings.extend(rule_findings)
            if fact is not None:
                facts[rule.id] = fact
    except RecursionError:
        error = SourceError("too deeply nested to analyse (RecursionError)")
        return FileResult(parse_error=error.finding(), parsed=True, suppressions=suppressions)
    findings.sort(key=Finding.sort_key)
    return FileResult(tuple(findings), facts, None, parsed=True, suppressions=suppressions)


