"""A rule option: its declaration, the value types a rule file may give (``OPTION_TYPES``), and
the error a malformed value raises (the loader attaches the rule file's name and line).

Part of the contract a plugin implements; ``kinds.base`` re-exports everything here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ssot_lint.config.globs import pattern_error

if TYPE_CHECKING:
    from ssot_lint.kinds.base import Rule


@dataclass(frozen=True)
class Option:
    """A declared rule option. ``type`` is one of the converters in ``OPTION_TYPES``; ``schema``
    (JSON Schema) narrows what the generated schema of rule files accepts where the type alone
    says too little (an ``any`` value, a table whose values come from a fixed set)."""

    type: str
    doc: str
    required: bool = False
    default: Any = None
    schema: dict[str, Any] | None = None


class OptionError(ValueError):
    """An option value is malformed; the loader attaches the file and line.

    ``key`` names the option at fault (and ``entry`` the key inside a table option) when the
    message alone does not: the error then points at that line of the rule file.

    Raised by ``Rule.link`` (rules judged together), ``rule`` names the rule at fault when it is
    another one than the rule being linked (the rule whose mapping closes a cycle), and
    ``refers`` the other rules' options the message names, as ``(rule, key, entry)``: the loader
    appends where each is written (``... by rule APP001 (rules.toml:4)``)."""

    def __init__(
        self,
        message: str,
        key: str | None = None,
        entry: str | None = None,
        *,
        rule: Rule | None = None,
        refers: tuple[tuple[Rule, str | None, str | None], ...] = (),
    ) -> None:
        super().__init__(message)
        self.key = key
        self.entry = entry
        self.rule = rule
        self.refers = refers


def _as_str(value: Any) -> str:
    if not isinstance(value, str):
        raise OptionError(f"expected a string, got {type(value).__name__}")
    return value


def _as_str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise OptionError("expected a list of strings")
    return tuple(value)


def _as_glob_list(value: Any) -> tuple[str, ...]:
    patterns = _as_str_list(value)
    for pattern in patterns:
        error = pattern_error(pattern)
        if error is not None:
            raise OptionError(f"{pattern!r}: {error}")
    return patterns


def _as_regex(value: Any) -> re.Pattern[str]:
    """A regex searched in names: one that matches the empty string (``""``, a stray ``|``,
    ``x*``) is found in every name, which as a filter selects or drops everything silently."""
    if _as_str(value) == "":
        raise OptionError("an empty regex matches every name")
    try:
        pattern = re.compile(value)
    except re.error as exc:
        raise OptionError(f"invalid regex {value!r}: {exc}") from None
    if all(pattern.search(probe) for probe in ("", "x", "Manager")):
        raise OptionError(f"{value!r} matches every name (it matches the empty string)")
    return pattern


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OptionError("expected a non-negative integer")
    return value


def _as_fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise OptionError("expected a number above 0 and at most 1 (a fraction, e.g. 0.5)")
    return float(value)


def _as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise OptionError("expected true or false")
    return value


def _as_str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise OptionError("expected a table of strings")
    if not value:  # a required one loads a rule that finds nothing; an optional one, leave it out
        raise OptionError("an empty table maps nothing")
    for key, item in value.items():
        if not isinstance(item, str):
            raise OptionError(f"expected a table of strings ({key!r} is {'a table' if isinstance(item, dict) else type(item).__name__})", entry=key)
    return dict(value)


OPTION_TYPES: dict[str, Callable[[Any], Any]] = {
    "str": _as_str,
    "str-list": _as_str_list,
    "glob-list": _as_glob_list,
    "regex": _as_regex,
    "int": _as_int,
    "fraction": _as_fraction,
    "bool": _as_bool,
    "str-map": _as_str_map,
    "any": lambda value: value,  # the kind's configure() validates the shape
}


def option_attribute(name: str) -> str:
    """The attribute an option is stored under: ``exclude-names`` -> ``exclude_names``, ``max`` -> ``max_``."""
    attribute = name.replace("-", "_")
    return attribute + "_" if attribute in ("max", "type") else attribute
