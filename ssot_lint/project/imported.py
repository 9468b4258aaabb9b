"""What an import finds in the project, worked out once per imported ``(module, name)`` by
``ModuleIndex.imported`` and shared by the kinds that ask it (unresolved-import, shim-module,
import-cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ssot_lint.model import FileRef

if TYPE_CHECKING:
    from ssot_lint.project.module_index import ModuleIndex


class Imported(NamedTuple):
    """What ``from module import name`` (``import module``: ``name`` None) finds in the project,
    as one importing file sees it (``ModuleIndex.imported``).

    ``in_project``: the module's top-level package is one of the project's (nothing else is
    asked otherwise); ``missing``: the first module along ``module`` that provably does not exist;
    ``exists``, ``has_file``: the module exists (a file or a namespace directory), has a file;
    ``resolves``: ``name`` is found in the module (``resolves``; False for ``*`` and None); ``submodule``: ``module.name`` exists. ``fine``: no import of it can
    be unresolved, whatever the statement (a star import of a module with a file is never fine:
    its phantoms are asked per statement)."""

    in_project: bool
    missing: str | None
    exists: bool
    has_file: bool
    resolves: bool
    submodule: bool
    fine: bool


NOT_IN_PROJECT = Imported(False, None, False, False, False, False, True)


def imported_from(index: ModuleIndex, module: str, name: str | None, near: FileRef | None) -> Imported:
    """What ``from module import name`` finds from ``near`` (``ModuleIndex.imported`` keeps it)."""
    if not index.in_project(module, near):
        return NOT_IN_PROJECT
    missing = index.missing_module(module)
    exists = missing is None and index.exists(module)
    has_file = exists and module in index.entries
    named = name is not None and name != "*"
    resolves = named and index.resolves(module, name, near=near)  # type: ignore[arg-type]
    submodule = named and exists and not has_file and index.exists(f"{module}.{name}")
    if missing is not None:
        fine = False
    elif name is None or not exists:
        fine = True
    elif has_file:
        fine = resolves
    else:  # a namespace package: only its submodules can be imported from it
        fine = name == "*" or submodule or not index.knows_children_of(module)
    return Imported(True, missing, exists, has_file, resolves, submodule, fine)
