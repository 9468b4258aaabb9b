"""JSON Schema of the config (``ssot-lint.toml``, ``[tool.ssot-lint]``) and of rule files, generated
from what the loaders check: ``CONFIG_KEYS``, the keys every rule has, and each kind's option
declarations (``Option(type, doc, required, default, schema)``). Editors (Taplo, Even Better
TOML) use it for completion and checking as you type; ssot-lint itself never reads it, so it
cannot disagree with the loaders unless a test misses it (``tests/test_schema.py`` compares
them value by value).

The package ships the schema of the built-in kinds (``ssot_lint/schemas/*.schema.json``,
regenerated with ``python -m ssot_lint.config.schema``; ``--check`` says whether they are
current). ``ssot-lint schema config|rules`` prints it for the kinds installed, plugins included.

Draft 7, which the editors' validators support; each kind's options are allowed by an
``if kind == X then`` branch that also forbids every other key, so an option another kind takes
is an error in a rule of this one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ssot_lint.config.rulefile import COMMON_KEYS, EXAMPLE_KEYS, RULE_ID
from ssot_lint.config.settings import CONFIG_KEYS, INLINE_RULES_KEY
from ssot_lint.kinds.base import Option, Rule
from ssot_lint.model import RESERVED_IDS, SEVERITIES

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SCHEMA_FILES = {"config": "config.schema.json", "rules": "rules.schema.json"}

_STRING_LIST = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
# What each option type accepts, as the converters in kinds.base.OPTION_TYPES (and the config's
# ``severity``) check it. A type missing here stops the generator: it needs a schema first.
TYPE_SCHEMAS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "str-list": _STRING_LIST,
    "glob-list": _STRING_LIST,
    # Not "format": "regex": that means ECMA-262, and Python's (?i) is not one.
    "regex": {"type": "string", "minLength": 1},  # one that matches the empty string: only the loader tells
    "int": {"type": "integer", "minimum": 0},
    "fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "bool": {"type": "boolean"},
    "str-map": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1},
    "any": {},
    "severity": {"enum": list(SEVERITIES)},
}
_TYPE_WORDS = {
    "str": "a string",
    "str-list": "a list of strings (or one string)",
    "glob-list": "a list of gitignore-style globs (or one)",
    "regex": "a Python regular expression, searched",
    "int": "a non-negative integer",
    "fraction": "a number above 0 and at most 1",
    "bool": "true or false",
    "str-map": "a table of strings",
    "any": "a value the kind checks itself",
    "severity": f"one of {', '.join(SEVERITIES)}",
}

# The keys every rule has (rulefile.COMMON_KEYS), described; "kind" and "example" are filled in.
COMMON_KEY_SCHEMAS: dict[str, dict[str, Any]] = {
    "id": {
        "type": "string",
        "pattern": RULE_ID.pattern,
        "not": {"enum": list(RESERVED_IDS)},
        "description": f"Unique across all loaded rules: letters, digits, '_' and '-', starting with a letter ({' and '.join(RESERVED_IDS)} are reserved).",
    },
    "kind": {"description": "The rule kind: what the rule looks for and which options it takes (`ssot-lint rules --kinds`)."},
    "message": {"type": "string", "description": "Template of the finding's message; each kind fills its own {fields}."},
    "severity": {"enum": list(SEVERITIES), "default": "error", "description": "error (the default), warning or info."},
    "description": {"type": "string", "description": "Shown by `ssot-lint rules --explain ID`."},
    "paths": {**_STRING_LIST, "description": "gitignore-style globs of the files the rule applies to (default: all)."},
    "exclude": {**_STRING_LIST, "description": "gitignore-style globs of files the rule skips."},
    "example": {
        "type": "array",
        "items": {"$ref": "#/definitions/example"},
        "description": "The rule's own tests ([[rule.example]]), run by `ssot-lint test-rules`.",
    },
}

EXAMPLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A rule's own test: analyzing the code must yield exactly `expect` findings.",
    "properties": {
        "code": {"type": "string", "description": "The source of one file."},
        "files": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "minProperties": 1,
            "description": "Instead of `code`: several files, path = code.",
        },
        "path": {
            "type": "string",
            "default": "example.py",
            "description": "Where `code` pretends to live (with `code` only): its module name, and whether paths/exclude apply.",
        },
        "expect": {"type": "integer", "minimum": 0, "description": "The number of findings (0 for a valid example)."},
        "lines": {"type": "array", "items": {"type": "integer"}, "description": "The lines the findings must be on."},
    },
    "required": ["expect"],
    "oneOf": [{"required": ["code"]}, {"required": ["files"]}],  # not both: one would be dropped
    "dependencies": {"path": ["code"]},
    "additionalProperties": False,
}


def _json(value: Any) -> Any:
    """A default as JSON writes it (tuples become lists)."""
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def option_schema(option: Option) -> dict[str, Any]:
    """The JSON Schema of one option (or config key): its type's, narrowed by ``option.schema``."""
    if option.type not in TYPE_SCHEMAS:
        raise ValueError(f"option type {option.type!r} has no JSON Schema in {__name__}.TYPE_SCHEMAS")
    out: dict[str, Any] = dict(option.schema if option.schema is not None else TYPE_SCHEMAS[option.type])
    out["description"] = f"{option.doc}. Type: {_TYPE_WORDS[option.type]}{'; required' if option.required else ''}."
    if option.default is not None and not option.required:
        out["default"] = _json(option.default)
    return out


def _kind_branch(kind: type[Rule]) -> dict[str, Any]:
    properties: dict[str, Any] = {key: True for key in COMMON_KEYS}
    fields = ", ".join("{" + f + "}" for f in kind.message_fields) or "none"
    properties["message"] = {"type": "string", "default": kind.default_message, "description": f"Template of the finding's message; fields: {fields}."}
    properties.update({name: option_schema(option) for name, option in kind.options.items()})
    then: dict[str, Any] = {"properties": properties, "additionalProperties": False}
    required = [name for name, option in kind.options.items() if option.required]
    if required:
        then["required"] = required
    return {"if": {"properties": {"kind": {"const": kind.kind}}, "required": ["kind"]}, "then": then}


def _definitions(kinds: Iterable[type[Rule]]) -> dict[str, Any]:
    kinds = sorted(kinds, key=lambda k: k.kind)
    if set(COMMON_KEY_SCHEMAS) != set(COMMON_KEYS) or set(EXAMPLE_SCHEMA["properties"]) != set(EXAMPLE_KEYS):
        raise ValueError(f"{__name__}: the keys every rule (or example) has changed in the rule loader; describe them here")
    common = {key: dict(schema) for key, schema in COMMON_KEY_SCHEMAS.items()}
    common["kind"] = {**common["kind"], "enum": [k.kind for k in kinds]}
    rule = {
        "type": "object",
        "description": "A rule: an id, a kind, the kind's options; its examples in [[rule.example]].",
        "required": ["id", "kind"],
        "properties": common,
        "allOf": [_kind_branch(kind) for kind in kinds],
    }
    return {"rule": rule, "example": EXAMPLE_SCHEMA}


def _rules_array(where: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": "#/definitions/rule"}, "description": f"Rules ({where}), each a table of an id, a kind and its options."}


def rules_schema(kinds: Iterable[type[Rule]]) -> dict[str, Any]:
    """The schema of a rule file: ``[[rule]]`` tables and nothing else."""
    return {
        "$schema": DRAFT,
        "title": "ssot-lint rule file",
        "description": "[[rule]] tables; generated from the rule kinds' option declarations by ssot-lint.",
        "type": "object",
        "properties": {"rule": _rules_array("[[rule]]")},
        "additionalProperties": False,
        "definitions": _definitions(kinds),
    }


def config_schema(kinds: Iterable[type[Rule]]) -> dict[str, Any]:
    """The schema of ``ssot-lint.toml``, which is also that of ``[tool.ssot-lint]`` in ``pyproject.toml``."""
    properties: dict[str, Any] = {key: option_schema(option) for key, option in CONFIG_KEYS.items()}
    properties[INLINE_RULES_KEY] = _rules_array("[[rule]] in ssot-lint.toml, [[tool.ssot-lint.rule]] in pyproject.toml")
    return {
        "$schema": DRAFT,
        "title": "ssot-lint configuration",
        "description": "ssot-lint.toml, or the [tool.ssot-lint] table of pyproject.toml; generated from ssot-lint's config keys and rule kinds.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "definitions": _definitions(kinds),
    }


def schema_text(which: str, kinds: Iterable[type[Rule]]) -> str:
    """``which`` ("config" or "rules") as the JSON text that is shipped and printed."""
    schema = config_schema(kinds) if which == "config" else rules_schema(kinds)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def shipped(which: str) -> Path:
    """The schema file in the installed package (built-in kinds only)."""
    return SCHEMA_DIR / SCHEMA_FILES[which]


def stale() -> list[str]:
    """The shipped schema files that differ from what the built-in kinds generate now."""
    from ssot_lint.kinds import builtin_kinds

    kinds = builtin_kinds()
    problems = []
    for which in SCHEMA_FILES:
        path = shipped(which)
        if not path.is_file():
            problems.append(f"{path.name}: missing")
        elif path.read_text(encoding="utf-8") != schema_text(which, kinds):
            problems.append(f"{path.name}: out of date")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ssot_lint.config.schema", description="Write the JSON Schemas shipped in ssot_lint/schemas/.")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the stale files")
    args = parser.parse_args(argv)
    problems = stale()
    if args.check:
        for problem in problems:
            print(f"stale schema (run `python -m ssot_lint.config.schema`): {problem}", file=sys.stderr)
        return 1 if problems else 0
    from ssot_lint.kinds import builtin_kinds

    for which in SCHEMA_FILES:
        shipped(which).write_text(schema_text(which, builtin_kinds()), encoding="utf-8")
    for problem in problems:
        print(f"wrote {problem.split(':')[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
