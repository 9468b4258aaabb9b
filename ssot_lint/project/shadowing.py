"""Files the interpreter cannot all import by their names: a module a package of the same name
shadows, a directory a plain module of the same name hides, and (``Clash.kind`` ``ambiguous``,
built by ``project.module_index``) one name given by files in several places."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssot_lint.model import FileRef
from ssot_lint.project.module_paths import location, parents


@dataclass(frozen=True)
class Clash:
    """Files the interpreter cannot all import by their names.

    ``shadowed``: ``refs[0]`` can never be imported, because ``refs[1]`` (a package of the same
    name, or a plain module named like a directory above it) is found first. ``ambiguous``:
    ``refs`` (one per place, in path order) all name ``module``.
    """

    kind: str
    module: str
    refs: tuple[FileRef, ...]


def shadowing(groups: Mapping[str, Sequence[tuple[FileRef, object]]]) -> tuple[set[str], list[Clash]]:
    """The paths of files no import can reach, and one clash per shadowing."""
    hidden: set[str] = set()
    clashes: list[Clash] = []
    for module, entries in groups.items():
        packages = {location(ref): ref for ref, _ in entries if ref.is_package}
        for ref, _ in entries:
            winner = packages.get(location(ref))
            if not ref.is_package and winner is not None:
                hidden.add(ref.path)
                if not ref.path.endswith(".pyi"):
                    clashes.append(Clash("shadowed", module, (ref, winner)))
    # A plain module hides a directory of the same name beside it: `core/database.py` makes
    # `core/database/x.py` (no `__init__.py` in between) unreachable. One clash per directory.
    plain = {
        (module, location(ref)): ref
        for module, entries in groups.items()
        for ref, _ in entries
        if not ref.is_package and ref.path not in hidden and ref.path.endswith(".py")
    }
    if plain:
        reported: set[str] = set()
        for module, entries in groups.items():
            for ref, _ in entries:
                for parent in parents(module):
                    here = location(ref)
                    depth = module.count(".") - parent.count(".")
                    directory = "/".join(here.split("/")[:-depth])
                    winner = plain.get((parent, directory))
                    if winner is not None and ref.path not in hidden:
                        hidden.add(ref.path)
                        if directory not in reported:
                            reported.add(directory)
                            clashes.append(Clash("shadowed", module, (ref, winner)))
                        break
    return hidden, clashes
