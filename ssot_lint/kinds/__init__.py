"""Rule kinds: one module (or package) each, imported only when a rule of that kind is loaded.

Third-party kinds register under the ``ssot_lint.kinds`` entry point. The registry names modules
instead of importing them, so ``import ssot_lint.config`` (or a rule file that uses one kind)
does not load every kind.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ssot_lint.errors import ConfigError
from ssot_lint.observer import NULL_OBSERVER, Observer

if TYPE_CHECKING:
    from ssot_lint.kinds.base import Rule

# kind name -> "module:Class" below ssot_lint.kinds
BUILTIN_KINDS: dict[str, str] = {
    "single-implementation": "single_implementation:SingleImplementation",
    "duplicate-definition": "duplicate_definition:DuplicateDefinition",
    "deprecated-import": "deprecated_import:DeprecatedImport",
    "event-schema": "event_schema:EventSchema",
    "unresolved-import": "unresolved_import:UnresolvedImport",
    "shim-module": "shim_module:ShimModule",
    "import-cycle": "import_cycle:ImportCycle",
    "required-events": "required_events:RequiredEvents",
    "declared-deprecation": "declared_deprecation:DeclaredDeprecation",
}


def builtin_kind(name: str) -> type[Rule]:
    module, _, cls = BUILTIN_KINDS[name].partition(":")
    kind: type[Rule] = getattr(import_module(f"ssot_lint.kinds.{module}"), cls)
    return kind


def builtin_kinds() -> list[type[Rule]]:
    """Every built-in kind class, in registry order (imports them all: for docs and tests)."""
    return [builtin_kind(name) for name in BUILTIN_KINDS]


def find_kind(name: object, observer: Observer = NULL_OBSERVER) -> type[Rule] | None:
    """The class of kind ``name``: a built-in one, else a plugin's (looked up only then)."""
    if isinstance(name, str) and name in BUILTIN_KINDS:
        return builtin_kind(name)
    return plugin_kinds(observer).get(name) if isinstance(name, str) else None


def kind_names(observer: Observer = NULL_OBSERVER) -> list[str]:
    return sorted({*BUILTIN_KINDS, *plugin_kinds(observer)})


def available_kinds() -> dict[str, type[Rule]]:
    """Every kind by name: the built-in ones, then plugins. A plugin named like a built-in kind
    is left out, as ``find_kind`` (what rules load) leaves it out."""
    builtin = {kind.kind: kind for kind in builtin_kinds()}
    return {**builtin, **{name: kind for name, kind in plugin_kinds().items() if name not in builtin}}


def plugin_kinds(observer: Observer = NULL_OBSERVER) -> dict[str, type[Rule]]:
    # importlib.metadata costs ~30 ms at start-up (a third of a cached run): rule files that use
    # only built-in kinds never ask for it (see rulefile).
    from importlib.metadata import entry_points

    observer.refuse()  # a plugin may read anything: what replay checks is not enough
    kinds: dict[str, type[Rule]] = {}
    for entry in entry_points(group="ssot_lint.kinds"):
        try:
            kind = entry.load()
        except Exception as exc:  # a broken plugin must not hide the built-in kinds
            raise ConfigError(f"cannot load rule kind plugin {entry.name!r}: {exc}") from None
        kinds[kind.kind] = kind
    return kinds
