"""Where a project name is defined, read from the module index: re-exports (imports, star
imports) and ``A = B`` aliases followed to the definition (part of ``declared-deprecation``'s
project-wide half; a name is judged deprecated where it is defined, whatever module it is imported from)."""

from __future__ import annotations

from collections.abc import Iterator

from ssot_lint.project.module_index import ModuleIndex


def defined(index: ModuleIndex, dotted: str) -> tuple[str, str] | None:
    """Where the project function ``dotted`` (``pkg.mod.name``) is defined, re-exports followed."""
    owner = index.file_module(dotted)
    if owner is None or owner == dotted or "." in dotted[len(owner) + 1 :]:
        return None
    return definition(index, owner, dotted[len(owner) + 1 :])


def defined_as(index: ModuleIndex, dotted: str) -> str:
    """``dotted`` as where it is defined in the project (itself when not a project name)."""
    found = defined(index, dotted) if index.in_project(dotted) else None
    return ".".join(found) if found is not None else dotted


def aliases(index: ModuleIndex, module: str, name: str) -> Iterator[str]:
    """``name = Other`` in ``module``: the qualified ``Other``."""
    for summary in index.summaries(module):
        for alias in summary.aliases if summary is not None else ():
            if alias.name == name:
                qualified = index.qualify(module, alias.target)
                if qualified is not None:
                    yield qualified


def definition(index: ModuleIndex, module: str, name: str, seen: set[tuple[str, str]] | None = None) -> tuple[str, str]:
    """Where ``from module import name`` finds a definition: re-exports (imports, star
    imports, ``A = B`` aliases) are followed; the name itself when nothing is known."""
    if seen is None:  # the outermost call: memoised on the index, which lives for one aggregation
        memo: dict[tuple[str, str], tuple[str, str]] = index.__dict__.setdefault("_definitions", {})
        found = memo.get((module, name))
        if found is None:
            found = memo[(module, name)] = definition(index, module, name, set())
        return found
    if (module, name) in seen:
        return module, name
    seen.add((module, name))
    for summary in index.summaries(module):
        if summary is None:
            continue
        alias = next((a for a in summary.aliases if a.name == name), None)
        if name in summary.defined and alias is None:
            return module, name
        if alias is not None:
            qualified = index.qualify(module, alias.target)
            owner = index.file_module(qualified) if qualified else None
            if qualified and owner and owner != qualified and "." not in qualified[len(owner) + 1 :]:
                return definition(index, owner, qualified[len(owner) + 1 :], seen)
            return module, name
        bound = index.bindings(summary).get(name)
        if bound is not None and bound.module is not None and bound.name not in (None, "*"):
            if index.exists(f"{bound.module}.{bound.name}"):
                return module, name  # a submodule: modules are judged as modules
            return definition(index, bound.module, bound.name, seen)
        for star_module in (i.module for i in summary.imports if i.star and i.module):
            source_module, source_name = definition(index, star_module, name, seen)
            if (source_module, source_name) != (star_module, name) or any(s is not None and name in s.defined for s in index.summaries(star_module)):
                return source_module, source_name
    return module, name
