"""Relative imports in a package whose name is only inferred, matched under the name the project
root gives it too: ``from .old import X`` in ``mpl_toolkits/axes_grid1/x.py`` (no
``mpl_toolkits/__init__.py``, no ``src``: the file is ``axes_grid1.x``) imports
``axes_grid1.old``, which a rule may name ``mpl_toolkits.axes_grid1.old``. The module index knows
both names as one module (``ModuleIndex.canonical``); the check and the fix match both."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ssot_lint.analysis.imports import ImportRef, relative_failure
from ssot_lint.model import FileRef
from ssot_lint.project.module_paths import root_prefix


def rooted_refs(refs: list[ImportRef], importer: FileRef, match: Callable[[ImportRef], Any]) -> list[ImportRef]:
    """``refs`` (imported in ``importer``, ast or libcst statements alike), each relative one that
    ``match`` finds nothing for under the file's own name taken under its root-relative one
    instead when ``match`` finds something there. Only one that stays inside the file's
    top-level package, so resolves the same under both names: its module is the prefix and its
    own. One that climbs above it (``from ..old`` in ``sub/x.py`` of a folder without
    ``__init__.py``) works only if the folder is a package, which the name says it is not."""
    prefix = root_prefix(importer)
    if not prefix:
        return refs
    found: list[ImportRef] = []
    for ref in refs:
        level = _level(ref.statement)
        if ref.module is not None and level and relative_failure(importer.module, importer.is_package, level) is None and match(ref) is None:
            rooted = dataclasses.replace(ref, module=prefix + ref.module)
            if match(rooted) is not None:
                ref = rooted
        found.append(ref)
    return found


def _level(statement: Any) -> int:
    """The dots of a relative ``from`` import (``ast`` or libcst), 0 for any other import."""
    return getattr(statement, "level", 0) or len(getattr(statement, "relative", ()))
