"""Which deprecated defs deprecate one signature of their name, not the function (PEP 702): part
of the per-file half of ``declared-deprecation``. NumPy's stubs deprecate ``reshape``'s
``newshape=`` keyword by one ``@overload``: a parameter, which declares nothing."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

Def = ast.FunctionDef | ast.AsyncFunctionDef
_OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})


def deprecated_signatures(defs: Sequence[Def], qualified: Callable[[ast.expr], str | None], is_deprecated: Callable[[Def], bool]) -> set[int]:
    """Ids of the deprecated ``defs`` (module-level, in source order; ``qualified`` names a
    decorator as the module binds it) that deprecate one
    signature: an ``@overload`` beside an overload that is not deprecated, or a def beside a
    same-name def that is not (one per Python version). When every overload is, the function is:
    the first declares it, once. The implementation of overloads (a def not decorated
    ``@overload``) always speaks for the function."""
    by_name: dict[str, list[Def]] = {}
    for node in defs:
        by_name.setdefault(node.name, []).append(node)
    found: set[int] = set()
    for group in by_name.values():
        if len(group) < 2:
            continue
        overloads = [node for node in group if any(qualified(d) in _OVERLOAD for d in node.decorator_list)]
        signatures = overloads or group  # with overloads, the implementation is no signature
        deprecated = [node for node in signatures if is_deprecated(node)]
        if len(deprecated) < len(signatures):
            found.update(id(node) for node in deprecated)
        else:
            found.update(id(node) for node in deprecated[1:])  # declared once, by the first
    return found
