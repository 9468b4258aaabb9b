"""``imports`` for libcst trees: what the import statements a fix edits bind and name."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from ssot_lint.analysis.imports import ImportRef, resolve_relative


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for Name/Attribute chains; None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def import_refs(statement: cst.Import | cst.ImportFrom, module: str, is_package: bool) -> Iterator[ImportRef]:
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            aliased = alias.asname is not None and isinstance(alias.asname.name, cst.Name)
            bound = alias.asname.name.value if aliased else name.split(".")[0]  # type: ignore[union-attr]
            yield ImportRef(name, None, bound, alias, statement, plain=alias.asname is None)
        return
    target = dotted_name(statement.module) if statement.module is not None else None
    absolute = resolve_relative(module, is_package, len(statement.relative), target)
    if isinstance(statement.names, cst.ImportStar):
        yield ImportRef(absolute, "*", None, statement.names, statement)
        return
    for alias in statement.names:
        name = dotted_name(alias.name)
        if name is None:
            continue
        bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
        yield ImportRef(absolute, name, bound, alias, statement)
