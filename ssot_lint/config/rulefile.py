"""Load TOML rule files into rule objects, with ``file:line`` errors for every mistake."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssot_lint import __version__
from ssot_lint.config.tomlfile import TomlDoc, load_toml
from ssot_lint.errors import ConfigError
from ssot_lint.kinds import find_kind, kind_names
from ssot_lint.kinds.base import OPTION_TYPES, Example, OptionError, Rule, RuleMeta
from ssot_lint.model import PARSE_ERROR_ID, RESERVED_IDS, SEVERITIES
from ssot_lint.observer import NULL_OBSERVER, Observer

RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
COMMON_KEYS = ("id", "kind", "message", "severity", "description", "paths", "exclude", "example")
EXAMPLE_KEYS = ("code", "files", "path", "expect", "lines")


@dataclass
class RuleSet:
    rules: list[Rule]
    loaded: list[Rule] | None = None  # every rule the files define, before --select/--ignore

    @property
    def known(self) -> list[Rule]:
        return self.rules if self.loaded is None else self.loaded

    @property
    def digest(self) -> str:
        """Changes whenever any rule's definition or the tool version changes."""
        h = hashlib.sha256(__version__.encode())
        for rule in sorted(self.rules, key=lambda r: r.id):
            h.update(rule.meta.digest.encode())
        return h.hexdigest()[:16]

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> RuleSet:
        """Keep rules whose id starts with a selected prefix and with no ignored one."""
        select, ignore = [s for s in select if s], [s for s in ignore if s]
        ids = [r.id for r in self.rules] + [PARSE_ERROR_ID]
        for code in select + ignore:
            if not any(i.startswith(code) for i in ids):
                raise ConfigError(f"--select/--ignore: no loaded rule matches {code!r}")
        kept = [r for r in self.rules if (not select or any(r.id.startswith(s) for s in select)) and not any(r.id.startswith(i) for i in ignore)]
        return RuleSet(kept, self.known)


@dataclass(frozen=True)
class InlineRules:
    """The ``[[rule]]`` tables of a config file: in its table ``table`` (``tool.ssot-lint`` in
    ``pyproject.toml``; ``""``, the top level, in ``ssot-lint.toml``), whose contents are ``data``."""

    doc: TomlDoc
    table: str
    data: dict[str, Any]


def inline_rules_of(doc: TomlDoc, pyproject: bool) -> InlineRules | None:
    """The ``[[rule]]`` tables of a config file (``[tool.ssot-lint]`` in a ``pyproject.toml``), if any."""
    table = "tool.ssot-lint" if pyproject else ""
    data: Any = doc.data
    for part in table.split(".") if table else ():
        data = data.get(part) if isinstance(data, dict) else None
    return InlineRules(doc, table, data) if isinstance(data, dict) and "rule" in data else None


def load_rule_files(
    paths: Iterable[Path], display: dict[Path, str] | None = None, observer: Observer = NULL_OBSERVER, inline: InlineRules | None = None
) -> RuleSet:
    return load_rule_docs((load_toml(path, (display or {}).get(path), observer) for path in paths), observer, inline)


def load_rule_docs(docs: Iterable[TomlDoc], observer: Observer = NULL_OBSERVER, inline: InlineRules | None = None) -> RuleSet:
    """Rules from parsed rule files (read from disk, or from a commit by history), then the
    config's inline rules; ids are unique across all of them."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for doc, found in _sources(docs, inline, observer):
        for rule in found:
            if rule.id in seen:
                raise ConfigError(f"duplicate rule id {rule.id!r} (first defined at {seen[rule.id]})", doc.path, rule.meta.line)
            seen[rule.id] = f"{doc.path}:{rule.meta.line}"
            rules.append(rule)
    return RuleSet(rules)


def _sources(docs: Iterable[TomlDoc], inline: InlineRules | None, observer: Observer) -> Iterator[tuple[TomlDoc, list[Rule]]]:
    for doc in docs:
        for key in doc.data:
            if key != "rule":
                raise doc.error(f"unknown top-level key {key!r} (rule files hold [[rule]] tables)", "", key)
        yield doc, _rules_of(doc, doc.data, "", observer)
    if inline is not None:
        yield inline.doc, _rules_of(inline.doc, inline.data, inline.table, observer)


def _rules_of(doc: TomlDoc, data: dict[str, Any], parent: str, observer: Observer) -> list[Rule]:
    """The rules of the ``rule`` array in table ``parent`` of ``doc`` (``data`` is that table)."""
    name = f"{parent}.rule" if parent else "rule"
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise doc.error(f"'rule' must be an array of tables ([[{name}]])", parent, "rule")
    return [_build_rule(doc, index, table, observer, name) for index, table in enumerate(tables)]


def _build_rule(doc: TomlDoc, index: int, table: dict[str, Any], observer: Observer, name: str = "rule") -> Rule:
    def fail(message: str, key: str | None = None) -> ConfigError:
        return doc.error(message, name, key, index)

    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise fail("every rule needs an 'id' of letters, digits, '_' or '-' (starting with a letter)", "id")
    if rule_id in RESERVED_IDS:
        raise fail(f"rule id {rule_id} is reserved for ssot-lint's own findings (SSOT000: unreadable files, SSOT001: unused suppressions)", "id")
    kind_name = table.get("kind")
    kind = find_kind(kind_name, observer)
    if kind is None:
        raise fail(f"rule {rule_id}: unknown kind {kind_name!r} (known: {', '.join(kind_names(observer))})", "kind")
    severity = table.get("severity", "error")
    if severity not in SEVERITIES:
        raise fail(f"rule {rule_id}: severity must be one of {', '.join(SEVERITIES)}", "severity")
    message = table.get("message", kind.default_message)
    if not isinstance(message, str):
        raise fail(f"rule {rule_id}: 'message' must be a string", "message")
    try:
        kind.check_message(message)
        paths = OPTION_TYPES["str-list"](table.get("paths", []))
        exclude = OPTION_TYPES["str-list"](table.get("exclude", []))
    except OptionError as exc:
        raise fail(f"rule {rule_id}: {exc}", "message") from None
    description = table.get("description", "")
    if not isinstance(description, str):
        raise fail(f"rule {rule_id}: 'description' must be a string", "description")

    options: dict[str, Any] = {}
    for key, value in table.items():
        if key in COMMON_KEYS:
            continue
        if key not in kind.options:
            known = ", ".join(sorted(set(COMMON_KEYS) | set(kind.options)))
            raise fail(f"rule {rule_id}: unknown key {key!r} for kind {kind_name} (known: {known})", key)
        try:
            options[key] = OPTION_TYPES[kind.options[key].type](value)
        except OptionError as exc:
            raise fail(f"rule {rule_id}: {key}: {exc}", key) from None
    for key, spec in kind.options.items():
        if spec.required and key not in options:
            raise fail(f"rule {rule_id}: kind {kind_name} requires {key!r}")

    examples = tuple(_examples(doc, index, rule_id, table.get("example", []), name))
    digest = hashlib.sha256(json.dumps(table, sort_keys=True, default=str).encode()).hexdigest()[:16]
    meta = RuleMeta(rule_id, message, severity, description, paths, exclude, examples, doc.path, doc.line_of(name, None, index), digest)
    try:
        return kind(meta, options)
    except OptionError as exc:
        raise fail(f"rule {rule_id}: {exc}") from None


def _examples(doc: TomlDoc, index: int, rule_id: str, raw: Any, name: str = "rule") -> Iterable[Example]:
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise doc.error(f"rule {rule_id}: example: must be an array of tables ([[{name}.example]])", name, "example", index)
    first, last = doc.table_range(name, index)
    header = re.compile(r"^\s*\[\[\s*" + r"\s*\.\s*".join(f"[\"']?{re.escape(part)}[\"']?" for part in f"{name}.example".split(".")) + r"\s*\]\]")
    headers = [i for i in range(first, last) if header.match(doc.lines[i])]
    for n, example in enumerate(raw):
        line = headers[n] + 1 if n < len(headers) else doc.line_of(name, None, index)

        def fail(message: str, key: str | None = None, line: int = line) -> ConfigError:
            # Point at the key inside this [[rule.example]] table when it is written there.
            at = line
            if key is not None and n < len(headers):
                for i in range(line, len(doc.lines)):
                    if doc.lines[i].lstrip().startswith("["):
                        break
                    if re.match(r"^\s*" + re.escape(key) + r"\s*=", doc.lines[i]):
                        at = i + 1
                        break
            return ConfigError(f"rule {rule_id}: example: {message}", doc.path, at)

        for key in example:
            if key not in EXAMPLE_KEYS:
                raise fail(f"unknown key {key!r} (known: {', '.join(EXAMPLE_KEYS)})", key)
        expect = example.get("expect")
        if isinstance(expect, bool) or not isinstance(expect, int) or expect < 0:
            raise fail("'expect' must be the number of findings (0 for a valid example)", "expect")
        if "code" in example and isinstance(example["code"], str):
            files = {example.get("path", "example.py"): example["code"]}
        elif isinstance(example.get("files"), dict) and all(isinstance(v, str) for v in example["files"].values()):
            files = dict(example["files"])
        else:
            raise fail("needs 'code' (a string) or 'files' (a table of path = code)", "code")
        lines = example.get("lines")
        if lines is not None and (not isinstance(lines, list) or not all(isinstance(x, int) for x in lines)):
            raise fail("'lines' must be a list of line numbers", "lines")
        yield Example(files, expect, tuple(lines) if lines is not None else None, line)
