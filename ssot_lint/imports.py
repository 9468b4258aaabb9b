"""What an import statement binds and which absolute modules it names.

Relative imports are resolved against the importing file's package, so every rule that looks
at imports sees absolute dotted names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import libcst as cst


@dataclass(frozen=True)
class ImportRef:
    """One imported thing.

    For ``import a.b as x``: module ``a.b``, name None, bound ``x``.
    For ``import a.b``: module ``a.b``, name None, bound ``a`` (Python binds the top package).
    For ``from a import b as c``: module ``a``, name ``b``, bound ``c``. ``from a import *``: name ``*``.
    ``module`` is None when a relative import climbs above the top-level package.
    """

    module: str | None
    name: str | None
    bound: str | None
    node: cst.CSTNode
    statement: cst.Import | cst.ImportFrom

    @property
    def dotted(self) -> str | None:
        """The full dotted name imported (``a.b`` for ``from a import b``)."""
        if self.module is None:
            return None
        if self.name is None or self.name == "*":
            return self.module
        return f"{self.module}.{self.name}"


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for Name/Attribute chains; None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str | None:
    """Absolute module for ``from <level dots><target> import ...`` written in ``module``."""
    if level == 0:
        return target
    parts = module.split(".") if module else []
    package = parts if is_package else parts[:-1]
    climb = level - 1
    if climb > len(package) or (climb == len(package) and not target):
        return None
    base = package[: len(package) - climb]
    if target:
        base = base + target.split(".")
    return ".".join(base) if base else None


def import_refs(statement: cst.Import | cst.ImportFrom, module: str, is_package: bool) -> Iterator[ImportRef]:
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name.split(".")[0]
            yield ImportRef(name, None, bound, alias, statement)
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


class ImportCollector(cst.CSTVisitor):
    """Collects every import statement of a module, at any depth (functions, try, if)."""

    def __init__(self, module: str, is_package: bool) -> None:
        super().__init__()
        self.module = module
        self.is_package = is_package
        self.refs: list[ImportRef] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return self._small_statements(node.body)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> bool:
        return self._small_statements(node.body)

    def _small_statements(self, body: Sequence[cst.BaseSmallStatement]) -> bool:
        # Imports are small statements, and nothing inside a small statement (only expressions)
        # can hold another: collecting here and not descending skips most of the tree.
        for small in body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                self.refs.extend(import_refs(small, self.module, self.is_package))
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        self.refs.extend(import_refs(node, self.module, self.is_package))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.refs.extend(import_refs(node, self.module, self.is_package))
        return False


def bindings(refs: list[ImportRef]) -> dict[str, str]:
    """Local name -> the absolute dotted name it refers to (later imports win, as at run time)."""
    bound: dict[str, str] = {}
    for ref in refs:
        if ref.bound is None or ref.module is None:
            continue
        if isinstance(ref.statement, cst.Import) and ref.node.asname is None:  # type: ignore[union-attr]
            bound[ref.bound] = ref.bound  # `import a.b` binds `a` to package a
        else:
            bound[ref.bound] = ref.dotted  # type: ignore[assignment]
    return bound


def qualify(expr: cst.BaseExpression, bound: dict[str, str]) -> str | None:
    """The absolute dotted name an expression like ``m.f`` refers to through imports."""
    written = dotted_name(expr)
    if written is None:
        return None
    head, _, rest = written.partition(".")
    if head not in bound:
        return None
    return bound[head] + ("." + rest if rest else "")
