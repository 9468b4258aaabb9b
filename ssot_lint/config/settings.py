"""Project configuration: ``ssot-lint.toml`` or ``[tool.ssot-lint]`` in ``pyproject.toml``,
found by walking up from the working directory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssot_lint.config.rulefile import InlineRules, inline_rules_of
from ssot_lint.config.tomlfile import TomlDoc, load_toml, shown_path
from ssot_lint.errors import ConfigError, not_a_file
from ssot_lint.kinds.options import OPTION_TYPES, Option, OptionError
from ssot_lint.model import SEVERITIES
from ssot_lint.observer import NULL_OBSERVER, Observer

DEFAULT_EXCLUDE = (
    ".git/",
    ".hg/",
    ".svn/",
    ".tox/",
    ".nox/",
    ".venv/",
    "venv/",
    ".eggs/",
    "__pypackages__/",
    "_build/",
    "build/",
    "dist/",
    "node_modules/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".ssot-lint/",
    "site-packages/",
)


def _severity(value: Any) -> str:
    if value not in SEVERITIES:
        raise OptionError(f"expected one of {', '.join(SEVERITIES)}")
    return value


# One table, so an unknown key is always caught; the JSON Schema of the config
# (``ssot_lint.config.schema``) is generated from it, and a test keeps the table of keys in
# docs/configuration.md to the same keys. Types are the rule options' (``OPTION_TYPES``), plus
# ``severity``.
CONFIG_TYPES: dict[str, Callable[[Any], Any]] = {**OPTION_TYPES, "severity": _severity}
CONFIG_KEYS: dict[str, Option] = {
    "rule-files": Option("str-list", "globs of rule files to load; a glob that matches no file is an error", default=()),
    "include": Option("glob-list", "files to analyze (gitignore-style globs)", default=("*.py", "*.pyi")),
    "exclude": Option("glob-list", "replaces the default exclusions (gitignore-style globs)", default=DEFAULT_EXCLUDE),
    "extend-exclude": Option("glob-list", "adds to the exclusions", default=()),
    "respect-gitignore": Option("bool", "honour .gitignore files (nested ones too)", default=True),
    "src": Option("str-list", "source roots for module names; without it, names follow __init__.py chains", default=()),
    "fail-on": Option("severity", "lowest severity that makes the exit code 1", default="warning"),
    "cache-dir": Option("str", "the result cache directory, relative to the project root", default=".ssot-lint/cache"),
    "baseline": Option("str", "the baseline file check applies when it exists, relative to the project root", default=".ssot-baseline.json"),
}
# Not a setting: the config's own [[rule]] tables (``[[tool.ssot-lint.rule]]`` in pyproject.toml),
# loaded with the rule files' rules by ``ssot_lint.config.rulefile``.
INLINE_RULES_KEY = "rule"


@dataclass
class Config:
    root: Path
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    doc: TomlDoc | None = None
    table: str = ""
    observer: Observer = field(default=NULL_OBSERVER, repr=False, compare=False)  # told of every path the run looks at

    def get(self, key: str) -> Any:
        return self.values[key] if key in self.values else CONFIG_KEYS[key].default

    @property
    def inline_rules(self) -> InlineRules | None:
        """The config's own ``[[rule]]`` tables, when it has any."""
        return inline_rules_of(self.doc, pyproject=self.table != "") if self.doc is not None else None

    @property
    def rule_files(self) -> list[Path]:
        """The configured rule-file globs, expanded relative to the project root."""
        found: list[Path] = []
        for pattern in self.get("rule-files"):
            if any(c in pattern for c in "*?["):
                _note_glob_directory(self.root, pattern, self.observer)
                matches = sorted(self.root.glob(pattern))
            else:
                matches = [self.root / pattern]
                problem = not_a_file(matches[0])
                if problem not in (None, "not found"):
                    raise ConfigError(f"rule-files: {pattern!r} {problem}", self.display_path, self._line("rule-files"))
            if not matches or not all(m.is_file() for m in matches):
                raise ConfigError(f"rule-files: {pattern!r} matches no file", self.display_path, self._line("rule-files"))
            found.extend(matches)
        return found

    @property
    def src_roots(self) -> list[Path]:
        return [(self.root / s).resolve() for s in self.get("src")]

    @property
    def display_path(self) -> str | None:
        return self.doc.path if self.doc else (str(self.path) if self.path else None)

    def _line(self, key: str) -> int | None:
        return self.doc.line_of(self.table, key) if self.doc else None


def _note_glob_directory(root: Path, pattern: str, observer: Observer) -> None:
    """A replayed run must see a rule file added to a globbed directory: note the directory
    (its listing changes), or refuse replay when wildcards span directories."""
    head, _, _ = pattern.replace("\\", "/").rpartition("/")
    if any(c in head for c in "*?["):
        observer.refuse()
    else:
        observer.note(root / head)


def find_config(start: Path, observer: Observer = NULL_OBSERVER) -> Path | None:
    for directory in [start, *start.parents]:
        candidate = directory / "ssot-lint.toml"
        observer.note(candidate)
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        observer.note(pyproject)
        if pyproject.is_file():
            # A pyproject.toml that does not parse cannot be known to lack [tool.ssot-lint]: passing
            # over it would silently use another config (or none), so it is an error, as in ruff.
            doc = load_toml(pyproject, shown_path(pyproject))
            if isinstance(doc.data.get("tool"), dict) and "ssot-lint" in doc.data["tool"]:
                return pyproject
    return None


def load_config(path: Path | None = None, cwd: Path | None = None, observer: Observer = NULL_OBSERVER) -> Config:
    """Load the given config file, or the nearest one above ``cwd``; defaults when there is none."""
    cwd = (cwd or Path.cwd()).resolve()
    if path is not None:
        observer.note(path)
    problem = not_a_file(path) if path is not None else None
    if problem is not None:
        raise ConfigError(f"config file {problem}: {path}")
    path = path or find_config(cwd, observer)
    if path is None:
        return Config(root=cwd, observer=observer)
    doc = load_toml(path, shown_path(path), observer)  # shown as rule files are: inline rules are located in it
    if path.name == "pyproject.toml":
        table_name = "tool.ssot-lint"
        table = doc.data.get("tool", {}).get("ssot-lint", {})
    else:
        table_name = ""
        table = doc.data
    if not isinstance(table, dict):
        raise doc.error("[tool.ssot-lint] must be a table", table_name)
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key == INLINE_RULES_KEY:
            continue  # checked where rules are loaded, with the rule files' rules
        if key not in CONFIG_KEYS:
            known = ", ".join(sorted([*CONFIG_KEYS, INLINE_RULES_KEY]))
            raise doc.error(f"unknown config key {key!r} (known: {known})", table_name, key)
        try:
            values[key] = CONFIG_TYPES[CONFIG_KEYS[key].type](raw)
        except OptionError as exc:
            raise doc.error(f"{key}: {exc}", table_name, key) from None
    root = path.parent.resolve()
    for src in values.get("src", ()):
        observer.note(root / src)
        if not (root / src).is_dir():
            what = "is not a directory" if (root / src).exists() else "does not exist"
            raise doc.error(f"src: {src!r} {what} (entries are source roots, relative to {path.name}'s directory)", table_name, "src")
    return Config(root=root, path=path, values=values, doc=doc, table=table_name, observer=observer)
