"""The replacement a declaration's text names, resolved through the module index. No guessing:
a text that names no candidate, or candidates that resolve to nothing or to more than one thing,
gives no replacement and says why.

Recognised phrasings (case-insensitive; the reference may be quoted or in backticks):
``use X instead`` / ``use X``, ``from A import B``, ``import X instead``, ``moved to X``,
``renamed to X``, ``replaced by|with X``, ``in favo(u)r of X``, ``superseded by X``,
``switch|migrate to X``, ``NEW: from A import B``.

A reference resolves when it is a project module (``pkg.mod``), a name a project module provides
(``pkg.mod.Name``, ``pkg.mod:Name``), either of those relative to the deprecated module's package
(``websocket_manager.WebSocketManager``), or a bare name that the deprecated module itself imports
or that exactly one other project module defines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ssot_lint.project.module_index import ModuleIndex

_REF = r"[`'\"]{0,2}(?P<ref>[A-Za-z_][\w.:]*\w)(?:\(\))?[`'\"]{0,2}"
_FROM = re.compile(r"\bfrom\s+(?P<module>[A-Za-z_][\w.]*)\s+import\s+(?P<names>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)")
_PHRASES = [
    re.compile(p + _REF, re.IGNORECASE)
    for p in (
        r"\buse\s+",
        r"\bimport\s+(?=\S+\s+instead)",
        r"\bmoved\s+(?:in)?to\s+",
        r"\brenamed\s+(?:to|as)\s+",
        r"\breplaced\s+(?:by|with)\s+",
        r"\bin\s+favou?r\s+of\s+",
        r"\bsuperseded\s+by\s+",
        r"\b(?:switch|migrate)\s+to\s+",
    )
]
# Words a phrase may capture that are never a reference ("use the new API", "moved to a module").
_STOP = frozenset(
    """a an the it its this that these those them instead of in to from with and or by for new old any another
    other which what when where is are be was were not no one either both""".split()
)


@dataclass(frozen=True)
class Replacement:
    """A resolved replacement (``target``: ``pkg.mod`` or ``pkg.mod:Name``; ``is_module``) or,
    when ``target`` is empty, why there is none (``reason``). ``written``: what the text says."""

    target: str = ""
    is_module: bool = False
    written: str = ""
    reason: str = ""


def candidates(text: str) -> list[str]:
    """The references the text names as a replacement, in order, without duplicates."""
    found: list[str] = []
    for match in _FROM.finditer(text):  # several names: several candidates (so: ambiguous)
        found += [f"{match['module']}:{name.strip()}" for name in match["names"].split(",")]
    if not found:
        for phrase in _PHRASES:
            for match in phrase.finditer(text):
                ref = match["ref"].rstrip(".:")
                if ref.lower() not in _STOP:
                    found.append(ref)
    return list(dict.fromkeys(found))


def resolve(index: ModuleIndex, text: str, module: str, is_package: bool, deprecated: str) -> Replacement:
    """The replacement ``text`` (declared in ``module`` for ``deprecated``: the module, or
    ``module:Name``) names, resolved in ``index``."""
    refs = candidates(text)
    if not refs:
        return Replacement(reason="the declaration names no replacement")
    resolved: dict[str, tuple[str, bool, str]] = {}
    problems: list[str] = []
    for ref in refs:
        targets, problem = _resolve_one(index, ref, module, is_package, deprecated == module)
        if problem:
            problems.append(problem)
        for target, is_module in targets:
            resolved.setdefault(target, (target, is_module, ref))
    resolved.pop(deprecated, None)
    if len(resolved) == 1:
        target, is_module, ref = next(iter(resolved.values()))
        return Replacement(target, is_module, ref)
    if len(resolved) > 1:
        return Replacement(reason="ambiguous replacement: " + " or ".join(sorted(resolved)), written=", ".join(refs))
    return Replacement(reason="; ".join(problems) or "the replacement is not a project module or name", written=", ".join(refs))


def _resolve_one(index: ModuleIndex, ref: str, module: str, is_package: bool, module_deprecated: bool) -> tuple[list[tuple[str, bool]], str]:
    """(targets, problem): the project modules or names ``ref`` may mean."""
    if ":" in ref:
        mod, _, name = ref.partition(":")
        if index.exists(mod) and index.resolves(mod, name):
            return [(f"{mod}:{name}", False)], ""
        return [], f"{ref} is not a project name"
    if "." not in ref:
        return _bare(index, ref, module, module_deprecated)
    package = module if is_package else module.rpartition(".")[0]
    for base in ("", package):
        dotted = f"{base}.{ref}" if base else ref
        found = _dotted(index, dotted)
        if found is not None:
            return [found], ""
    return [], f"{ref} is not a project module or name"


def _dotted(index: ModuleIndex, dotted: str) -> tuple[str, bool] | None:
    if index.exists(dotted):
        return dotted, True
    owner = index.file_module(dotted)
    if owner is None or owner == dotted:
        return None
    name = dotted[len(owner) + 1 :]
    if "." not in name and index.resolves(owner, name):
        return f"{owner}:{name}", False
    return None


def _bare(index: ModuleIndex, name: str, module: str, module_deprecated: bool) -> tuple[list[tuple[str, bool]], str]:
    """A bare name: what the deprecated module imports under it, else the one project module
    that defines it (or the one module of that name beside the deprecated one)."""
    for summary in index.summaries(module):
        if summary is not None and name in summary.defined and not module_deprecated:
            return [(f"{module}:{name}", False)], ""  # defined beside the deprecated name: that one
        bound = index.bindings(summary).get(name) if summary is not None else None
        if bound is not None and bound.module is not None and index.in_project(bound.module):
            if bound.name is None:
                return [(bound.module, True)], ""
            sub = f"{bound.module}.{bound.name}"
            return [(sub, True) if index.exists(sub) else (f"{bound.module}:{bound.name}", False)], ""
    definers = sorted(
        m for m, entries in index.entries.items() if not (module_deprecated and m == module) and any(s is not None and name in s.defined for _, s in entries)
    )
    if len(definers) == 1:
        return [(f"{definers[0]}:{name}", False)], ""
    if len(definers) > 1:
        return [(f"{m}:{name}", False) for m in definers], ""
    sibling = f"{module.rpartition('.')[0]}.{name}" if "." in module else name
    if index.exists(sibling):
        return [(sibling, True)], ""
    return [], f"{name} is not defined in the project"
