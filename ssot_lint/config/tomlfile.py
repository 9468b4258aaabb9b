"""Read TOML files and find the line a key sits on, so config errors can say ``file:line``.

``tomllib`` reports syntax errors with a position but returns plain dicts without any, so
semantic errors (a wrong type, an unknown key) are located by scanning the text for the
table header and key. The scan only ever narrows an error message; it never changes values.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from ssot_lint.errors import ConfigError
from ssot_lint.observer import NULL_OBSERVER, Observer

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_SYNTAX_POS = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class TomlDoc:
    path: str
    data: dict[str, Any]
    lines: tuple[str, ...]
    report_path: str = ""  # the file relative to the project root, for findings (``path`` is for messages)

    def table_range(self, name: str, index: int | None = None) -> tuple[int, int]:
        """0-based [start, end) line range of table ``name`` (its ``index``-th entry for arrays).

        Sub-tables (``[name.sub]``, ``[[name.example]]``) belong to the range.
        """
        starts = []
        for i, text in enumerate(self.lines):
            m = _HEADER.match(text)
            if m and _normalise(m.group(2)) == name:
                starts.append(i)
        if not starts:
            return (0, len(self.lines)) if name == "" else (0, 0)
        start = starts[index or 0] if (index or 0) < len(starts) else starts[-1]
        end = len(self.lines)
        for i in range(start + 1, len(self.lines)):
            m = _HEADER.match(self.lines[i])
            if m:
                header = _normalise(m.group(2))
                if header == name or not header.startswith(name + "."):
                    end = i
                    break
        return start, end

    def line_of(self, table: str, key: str | None = None, index: int | None = None) -> int:
        """1-based line of ``key`` inside ``table`` (or of the table header when not found)."""
        start, end = self.table_range(table, index)
        if key is not None:
            pattern = re.compile(r"^\s*(?:\w[\w.-]*\s*\.\s*)?[\"']?" + re.escape(key) + r"[\"']?\s*=")
            subtable = f"{table}.{key}" if table else key
            for i in range(start, end):
                header = _HEADER.match(self.lines[i])
                if pattern.match(self.lines[i]) or (header and _normalise(header.group(2)) == subtable):
                    return i + 1
        return start + 1 if end > start else 1

    def entry_line(self, table: str, index: int | None, key: str, entry: str) -> int:
        """1-based line of ``entry`` inside the table-valued ``key`` of ``table`` (written as a
        ``[table.key]`` sub-table, a dotted key or an inline table); else the line of ``key``."""
        start, end = self.table_range(table, index)
        quoted = r"(?:\"" + re.escape(entry) + r"\"|'" + re.escape(entry) + r"'|" + re.escape(entry) + r")"
        own = re.compile(r"^\s*" + quoted + r"\s*=")
        dotted = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*\.\s*" + quoted + r"\s*=")
        inside = False
        for i in range(start, end):
            header = _HEADER.match(self.lines[i])
            if header:
                inside = _normalise(header.group(2)) == f"{table}.{key}"
            elif (inside and own.match(self.lines[i])) or (not inside and dotted.match(self.lines[i])):
                return i + 1
        return self.line_of(table, key, index)

    def subtable_keys(self, table: str, index: int | None, key: str) -> dict[str, int]:
        """The keys written in the ``[table.key]`` sub-table (not inline), with their 1-based lines."""
        start, end = self.table_range(table, index)
        found: dict[str, int] = {}
        inside = False
        for i in range(start, end):
            header = _HEADER.match(self.lines[i])
            if header:
                inside = _normalise(header.group(2)) == f"{table}.{key}"
                continue
            m = _KEY.match(self.lines[i]) if inside else None
            if m:
                found.setdefault(m.group(1) or m.group(2) or m.group(3), i + 1)
        return found

    def table_at(self, line: int) -> tuple[str, int | None]:
        """The table whose header is on 1-based ``line``, and its index among the headers of
        that name (for arrays of tables); ("", None) when no header is there."""
        header = _HEADER.match(self.lines[line - 1]) if 0 < line <= len(self.lines) else None
        if header is None:
            return "", None
        name = _normalise(header.group(2))
        before = [i for i in range(line - 1) if (m := _HEADER.match(self.lines[i])) and _normalise(m.group(2)) == name]
        return name, len(before) if header.group(1) == "[[" else None

    def error(self, message: str, table: str, key: str | None = None, index: int | None = None) -> ConfigError:
        return ConfigError(message, self.path, self.line_of(table, key, index))


_KEY = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([\w-]+))\s*[=.]""")


def _normalise(header: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in header.split("."))


def shown_path(path: Path) -> str:
    """``path`` as the user would type it from the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class EntryLines:
    """Where an entry of a rule's table-valued option (a ``replace`` mapping) is written: each
    rule file is read again once, and the line of ``entry`` in the rule whose header is on
    ``header`` is found; ``header`` itself when the file cannot be read again or has no rule
    header there (a rule from Python, a file changed since)."""

    def __init__(self) -> None:
        self._docs: dict[str, TomlDoc | None] = {}

    def of(self, origin: str, header: int, option: str, entry: str) -> int:
        if origin not in self._docs:
            try:
                self._docs[origin] = load_toml(Path(origin), origin)
            except ConfigError:
                self._docs[origin] = None
        doc = self._docs[origin]
        table, index = doc.table_at(header) if doc is not None else ("", None)
        return doc.entry_line(table, index, option, entry) if doc is not None and table else header


def load_toml(path: Path, display: str | None = None, observer: Observer = NULL_OBSERVER) -> TomlDoc:
    shown = display or str(path)
    observer.note(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", shown) from None
    return parse_toml(raw, shown)


def parse_toml(raw: bytes, shown: str) -> TomlDoc:
    """Parse TOML bytes read from anywhere (a file, a git blob); ``shown`` names them in errors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 (byte {exc.start})", shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _SYNTAX_POS.search(message)
        line = int(m.group(1)) if m else None
        if line is None and message.endswith("(at end of document)"):  # an array or string left open
            line = max(1, len(text.splitlines()))
            message = message.removesuffix("(at end of document)") + "(at the end of the file)"
        raise ConfigError("invalid TOML: " + _SYNTAX_POS.sub("", message).strip(), shown, line) from None
    return TomlDoc(shown, data, tuple(text.splitlines()))


# -- writing ----------------------------------------------------------------------------------------
# The standard library reads TOML but does not write it; these write the few values rule files hold
# (strings, integers, booleans, lists and tables of them) for ``rules --explain KIND`` and the docs.
def toml_string(text: str) -> str:
    """A TOML string: a literal string when that avoids escaping backslashes, else a basic one."""
    if "\\" in text and "'" not in text and "\n" not in text and not any(ord(c) < 32 for c in text):
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are a subset of TOML's


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_value(value: Any) -> str:
    """``value`` as a TOML value on one line (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")
