"""Load TOML rule files into rule objects, with ``file:line`` errors for every mistake."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
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
# A rule's keys that change no count: history keeps a rule's trend when only these are edited.
NOT_COUNTING = ("description", "message", "severity", "example")


@dataclass
class RuleSet:
    rules: list[Rule]
    loaded: list[Rule] | None = None  # every rule the files define, before --select/--ignore
    selected: tuple[str, ...] = ()  # the --select/--ignore codes that narrowed ``loaded`` to ``rules``
    ignored: tuple[str, ...] = ()

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
        for code in ignore:  # it would ignore nothing: a file that does not parse is always reported
            if PARSE_ERROR_ID.startswith(code) and not any(r.id.startswith(code) for r in self.rules):
                raise ConfigError(
                    f"--ignore {code}: parse errors cannot be ignored: {PARSE_ERROR_ID}, a file that does not parse, is reported by the rules "
                    "that run, not a rule of its own (fix the file, or leave it out with the config's 'extend-exclude')"
                )
        kept = [r for r in self.rules if (not select or any(r.id.startswith(s) for s in select)) and not any(r.id.startswith(i) for i in ignore)]
        return RuleSet(kept, self.known, (*self.selected, *select), (*self.ignored, *ignore))

    def empty_message(self) -> str:
        """Why this rule set is empty: no rule loaded, or a selection that matched none of them
        (``--select SSOT000``, ``--select WS --ignore WS``)."""
        if not self.known:
            return "no rules loaded: set 'rule-files' in the config or pass --rules FILE (`ssot-lint init` proposes rules from the code)"
        typed = [f"--{flag} {','.join(codes)}" for flag, codes in (("select", self.selected), ("ignore", self.ignored)) if codes]
        ids = sorted(r.id for r in self.known)
        loaded = ", ".join(ids) if len(ids) <= 8 else ", ".join(ids[:8]) + f", … ({len(ids)} in all)"
        parse_errors = any(PARSE_ERROR_ID.startswith(code) for code in self.selected)
        note = f"; {PARSE_ERROR_ID}, a file that does not parse, is reported by the rules that run, not a rule of its own" if parse_errors else ""
        return f"{' '.join(typed) or 'the selection'} leaves no rule to run (loaded: {loaded}{note})"


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
    paths: Iterable[Path],
    display: dict[Path, str] | None = None,
    observer: Observer = NULL_OBSERVER,
    inline: InlineRules | None = None,
    root: Path | None = None,
) -> RuleSet:
    """Rules from files (then ``inline``); ``display`` names them in errors, ``root`` (the project
    root) makes the paths of findings reported at a rule file root-relative, like every other finding's."""

    def load(path: Path) -> TomlDoc:
        doc = load_toml(path, (display or {}).get(path), observer)
        return dataclasses.replace(doc, report_path=_relative(path, root)) if root is not None else doc

    paths = _each_once(paths)
    if inline is not None and root is not None and inline.doc.path:
        inline = dataclasses.replace(inline, doc=dataclasses.replace(inline.doc, report_path=_relative(Path(inline.doc.path).resolve(), root)))
    return load_rule_docs((load(path) for path in paths), observer, inline)


def _each_once(paths: Iterable[Path]) -> list[Path]:
    """``paths`` without those naming, once resolved, a file named before: ``--rules`` for the
    file the config lists (passed naturally after ``init`` wrote the config), or a glob and a
    name in ``rule-files`` that match one file, would otherwise define each of its ids twice."""
    seen: set[Path] = set()
    kept: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            kept.append(path)
    return kept


def _relative(path: Path, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def load_rule_docs(docs: Iterable[TomlDoc], observer: Observer = NULL_OBSERVER, inline: InlineRules | None = None) -> RuleSet:
    """Rules from parsed rule files (read from disk, or from a commit by history), then the
    config's inline rules; ids are unique across all of them."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    written: dict[str, TomlDoc] = {}  # rule id -> its file, for the lines of errors in link()
    for doc, found in _sources(docs, inline, observer):
        for rule in found:
            if rule.id in seen:
                raise ConfigError(f"duplicate rule id {rule.id!r} (first defined at {seen[rule.id]})", doc.path, rule.meta.line)
            seen[rule.id] = f"{doc.path}:{rule.meta.line}"
            written[rule.id] = doc
            rules.append(rule)
    for rule in rules:
        try:
            rule.link(rules)
        except OptionError as exc:
            at = exc.rule or rule
            places = ", ".join(f"{other.meta.origin}:{_option_line(written[other.id], other, key, entry)}" for other, key, entry in exc.refers)
            message = f"rule {at.id}: {exc}" + (f" ({places})" if places else "")
            raise ConfigError(message, at.meta.origin, _option_line(written[at.id], at, exc.key, exc.entry)) from None
    return RuleSet(rules)


def _option_line(doc: TomlDoc, rule: Rule, key: str | None, entry: str | None) -> int:
    """The line of option ``key`` (entry ``entry`` of a table option) of ``rule`` in ``doc``;
    the rule's ``[[rule]]`` line when ``key`` is None."""
    table, index = doc.table_at(rule.meta.line)
    if key is None or not table:
        return rule.meta.line
    return doc.entry_line(table, index, key, entry) if entry is not None else doc.line_of(table, key, index)


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
    known_keys = set(COMMON_KEYS)

    def fail(message: str, key: str | None = None, entry: str | None = None) -> ConfigError:
        line = doc.entry_line(name, index, key, entry) if key is not None and entry is not None else doc.line_of(name, key, index)
        return ConfigError(message + _slip_hint(doc, index, table, known_keys, line, name), doc.path, line)

    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise fail("every rule needs an 'id' of letters, digits, '_' or '-' (starting with a letter)", "id")
    if rule_id in RESERVED_IDS:
        raise fail(f"rule id {rule_id} is reserved for ssot-lint's own findings (SSOT000: unreadable files, SSOT001: unused suppressions)", "id")
    kind_name = table.get("kind")
    if kind_name is None:
        raise fail(f"rule {rule_id} has no 'kind' (known: {', '.join(kind_names(observer))})")
    kind = find_kind(kind_name, observer)
    if kind is None:
        raise fail(f"rule {rule_id}: unknown kind {kind_name!r} (known: {', '.join(kind_names(observer))})", "kind")
    known_keys.update(kind.options)
    severity = table.get("severity", "error")
    if severity not in SEVERITIES:
        raise fail(f"rule {rule_id}: severity must be one of {', '.join(SEVERITIES)}", "severity")
    message = table.get("message", kind.default_message)
    if not isinstance(message, str):
        raise fail(f"rule {rule_id}: 'message' must be a string", "message")
    try:
        kind.check_message(message)
    except OptionError as exc:
        raise fail(f"rule {rule_id}: {exc}", "message") from None
    scope: dict[str, tuple[str, ...]] = {}
    for key in ("paths", "exclude"):
        try:
            scope[key] = OPTION_TYPES["glob-list"](table.get(key, []))
        except OptionError as exc:
            raise fail(f"rule {rule_id}: {key}: {exc}", key) from None
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
            raise fail(f"rule {rule_id}: {key}: {exc}", key, exc.entry) from None
    for key, spec in kind.options.items():
        if spec.required and key not in options:
            raise fail(f"rule {rule_id}: kind {kind_name} requires {key!r}")

    examples = tuple(_examples(doc, index, rule_id, table.get("example", []), name, known_keys))
    digest = hashlib.sha256(json.dumps(table, sort_keys=True, default=str).encode()).hexdigest()[:16]
    counting = {key: value for key, value in table.items() if key not in NOT_COUNTING}
    counts_digest = hashlib.sha256(json.dumps(counting, sort_keys=True, default=str).encode()).hexdigest()[:16]
    meta = RuleMeta(
        rule_id,
        message,
        severity,
        description,
        scope["paths"],
        scope["exclude"],
        examples,
        doc.path,
        doc.line_of(name, None, index),
        digest,
        doc.report_path,
        counts_digest,
        paths_line=doc.line_of(name, "paths", index) if scope["paths"] else 0,
    )
    try:
        return kind(meta, options)
    except OptionError as exc:
        raise fail(f"rule {rule_id}: {exc}", *_option_at_fault(exc, table, kind.options)) from None


def _option_at_fault(exc: OptionError, table: dict[str, Any], options: Iterable[str]) -> tuple[str | None, str | None]:
    """The option (and the entry of a table option) a kind's ``configure`` error is about: the one
    it names (``exc.key``), else the one option written in the rule that the message names
    (``'calls' ...``, ``canonical ...``, ``value-types.x: ...``), else the one option whose value
    holds a text the message quotes (``malformed reference 'a:B:C'``). None: the rule itself."""
    if exc.key is not None:
        return exc.key, exc.entry
    text = str(exc)
    written = [name for name in options if name in table]
    named = [name for name in written if f"'{name}'" in text or re.match(re.escape(name) + r"[\s.:]", text)]
    quoted = re.findall(r"'([^']*)'", text)
    if len(named) > 1:
        return None, None
    candidates = named or written
    found: list[tuple[str, str | None]] = []
    for name in candidates:
        value = table[name]
        if isinstance(value, dict):
            entries = [k for k, v in value.items() if k in quoted or (isinstance(v, str) and v in quoted)]
            found += [(name, entry) for entry in entries[:1]]
        elif (isinstance(value, str) and value in quoted) or (isinstance(value, list) and any(v in quoted for v in value if isinstance(v, str))):
            found.append((name, None))
    if named:
        return found[0] if found else (named[0], None)
    return found[0] if len(found) == 1 else (None, None)


def _slip_hint(doc: TomlDoc, index: int, table: dict[str, Any], known_keys: set[str], at: int, name: str = "rule") -> str:
    """A hint when a key of the rule sits under a sub-table header written before it
    (``calls = ...`` after ``[rule.replace]`` is ``replace.calls`` in TOML)."""
    for key, value in table.items():
        if not isinstance(value, dict) or key == "example":
            continue
        for inner, line in doc.subtable_keys(name, index, key).items():
            if inner in known_keys and inner != key:
                where = "" if line == at else f"line {line}: "
                return (
                    f" ({where}{inner!r} belongs to [{name}.{key}], as TOML reads every key after a table header into that table; move it above [{name}.{key}])"
                )
    return ""


def _examples(doc: TomlDoc, index: int, rule_id: str, raw: Any, name: str = "rule", rule_keys: frozenset[str] | set[str] = frozenset()) -> Iterable[Example]:
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
                slip = (
                    f"; {key!r} belongs to [[{name}.example]], as TOML reads every key after a table header into that table: move it above"
                    if key in rule_keys
                    else ""
                )
                raise fail(f"unknown key {key!r} (known: {', '.join(EXAMPLE_KEYS)}){slip}", key)
        expect = example.get("expect")
        if isinstance(expect, bool) or not isinstance(expect, int) or expect < 0:
            raise fail("'expect' must be the number of findings (0 for a valid example)", "expect")
        # One of `code` (with `path`, its file's path) and `files`: given both, one would be dropped.
        if "code" in example and "files" in example:
            raise fail("give 'code' or 'files', not both")
        if "path" in example and "files" in example:
            raise fail("'path' names the file of 'code'; with 'files', each key is a path", "path")
        if "path" in example and not isinstance(example["path"], str):
            raise fail("'path' must be a string (the file's path)", "path")
        if "code" in example and isinstance(example["code"], str):
            files = {example.get("path", "example.py"): example["code"]}
        elif isinstance(example.get("files"), dict) and all(isinstance(v, str) for v in example["files"].values()):
            files = dict(example["files"])
            if not files:
                raise fail("'files' is empty: give at least one path = code", "files")
        else:
            raise fail("needs 'code' (a string) or 'files' (a table of path = code)", "code")
        lines = example.get("lines")
        if lines is not None and (not isinstance(lines, list) or not all(isinstance(x, int) for x in lines)):
            raise fail("'lines' must be a list of line numbers", "lines")
        yield Example(files, expect, tuple(lines) if lines is not None else None, line)
