"""Rule kinds: one module each. Third-party kinds register under the ``ssot_lint.kinds`` entry point."""

from __future__ import annotations

from ssot_lint.errors import ConfigError
from ssot_lint.kinds.base import Rule
from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
from ssot_lint.kinds.duplicate_definition import DuplicateDefinition
from ssot_lint.kinds.event_schema.check import EventSchema
from ssot_lint.kinds.import_cycle import ImportCycle
from ssot_lint.kinds.required_events import RequiredEvents
from ssot_lint.kinds.shim_module import ShimModule
from ssot_lint.kinds.single_implementation import SingleImplementation
from ssot_lint.kinds.unresolved_import import UnresolvedImport
from ssot_lint.replay import record as recording

BUILTIN_KINDS: tuple[type[Rule], ...] = (
    SingleImplementation,
    DuplicateDefinition,
    DeprecatedImport,
    EventSchema,
    UnresolvedImport,
    ShimModule,
    ImportCycle,
    RequiredEvents,
)


def available_kinds() -> dict[str, type[Rule]]:
    """Every kind by name: the built-in ones, then plugins (which may replace one)."""
    return {**{kind.kind: kind for kind in BUILTIN_KINDS}, **plugin_kinds()}


def plugin_kinds() -> dict[str, type[Rule]]:
    # importlib.metadata costs ~30 ms at start-up (a third of a cached run): rule files that use
    # only built-in kinds never ask for it (see rulefile).
    from importlib.metadata import entry_points

    recording.refuse()  # a plugin may read anything: what replay checks is not enough
    kinds: dict[str, type[Rule]] = {}
    for entry in entry_points(group="ssot_lint.kinds"):
        try:
            kind = entry.load()
        except Exception as exc:  # a broken plugin must not hide the built-in kinds
            raise ConfigError(f"cannot load rule kind plugin {entry.name!r}: {exc}") from None
        kinds[kind.kind] = kind
    return kinds
