"""What an import statement binds and which absolute modules it names (read from ``ast``).

Relative imports are resolved against the importing file's package, so every rule that looks
at imports sees absolute dotted names. ``cst_imports`` reads the same from a libcst tree, for fixes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportRef:
    """One imported thing.

    For ``import a.b as x``: module ``a.b``, name None, bound ``x``.
    For ``import a.b``: module ``a.b``, name None, bound ``a`` (Python binds the top package); ``plain``.
    For ``from a import b as c``: module ``a``, name ``b``, bound ``c``. ``from a import *``: name ``*``.
    ``module`` is None when a relative import climbs above the top-level package. ``node`` (the
    alias) and ``statement`` are nodes of whichever tree the import was read from.
    """

    module: str | None
    name: str | None
    bound: str | None
    node: Any
    statement: Any
    plain: bool = False

    @property
    def dotted(self) -> str | None:
        """The full dotted name imported (``a.b`` for ``from a import b``)."""
        if self.module is None:
            return None
        if self.name is None or self.name == "*":
            return self.module
        return f"{self.module}.{self.name}"


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


def relative_spelling(module: str, is_package: bool, target: str, prefix: str = "") -> tuple[int, str | None] | None:
    """``target`` (absolute) as a relative import written in ``module``: the number of dots and
    the rest (None: the package itself), as in ``from ..x.new import X``. None when ``target``
    lies outside ``module``'s top-level package, where no relative import reaches. A relative
    import resolves the same whatever the top-level package is really named (a name inferred
    from a namespace folder may be wrong), which is why a fix keeps relative imports relative.
    ``prefix``: what the module's name from the project root adds before it (``mpl_toolkits.``
    for ``axes_grid1.x``, ``module_paths.root_prefix``), so a target named so is spelled too."""
    parts = module.split(".") if module else []
    package = parts if is_package else parts[:-1]
    if prefix and package and target.startswith(prefix + package[0]) and target[len(prefix) + len(package[0]) :][:1] in ("", "."):
        target = target[len(prefix) :]
    wanted = target.split(".")
    if not package or wanted[0] != package[0]:
        return None
    common = 0
    while common < min(len(package), len(wanted)) and package[common] == wanted[common]:
        common += 1
    return len(package) - common + 1, ".".join(wanted[common:]) or None


def relative_failure(module: str, is_package: bool, level: int) -> str | None:
    """Why a relative import of ``level`` dots written in ``module`` fails as Python runs it
    (None when it does not): a module in no package has no parent to be relative to ("attempted
    relative import with no known parent package"), and no import climbs above the top-level
    package. ``resolve_relative`` still names the module such an import spells, so that a rule
    sees what it was meant to import; a fix must not make it work (``fix.verify``)."""
    depth = len(module.split(".")) - (0 if is_package else 1) if module else 0
    if level == 0 or level <= depth:
        return None
    if depth == 0:
        return f"the relative import fails as written ({module} is in no package), and the rewrite would make it work"
    return f"the relative import fails as written (it climbs above {module.partition('.')[0]}, the top-level package), and the rewrite would make it work"


def bindings(refs: list[ImportRef]) -> dict[str, str]:
    """Local name -> the absolute dotted name it refers to (later imports win, as at run time)."""
    bound: dict[str, str] = {}
    for ref in refs:
        if ref.bound is None or ref.module is None:
            continue
        bound[ref.bound] = ref.bound if ref.plain else ref.dotted  # type: ignore[assignment]  # `import a.b` binds package a
    return bound


def binding(bound: str, module: str, name: str | None) -> str:
    """The dotted name a local name refers to after an import bound it: ``import a.b`` binds
    ``a`` (the package), ``import a.b as c`` binds ``a.b``, ``from a import b`` binds ``a.b``."""
    if name is None:
        return bound if bound == module.split(".")[0] else module
    return f"{module}.{name}"


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for Name/Attribute chains; None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def qualify(expr: ast.expr, bound: dict[str, str]) -> str | None:
    """The absolute dotted name an expression like ``m.f`` refers to through imports."""
    written = dotted_name(expr)
    if written is None:
        return None
    head, _, rest = written.partition(".")
    if head not in bound:
        return None
    return bound[head] + ("." + rest if rest else "")


def imported_names(statement: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[tuple[str | None, str | None, str | None, ast.alias]]:
    """``(module, name, bound, alias)`` for each name ``statement`` imports (see ``ImportRef``):
    the plain values, for callers that make one record per name by the hundred thousand."""
    if isinstance(statement, ast.Import):
        return [(alias.name, None, alias.asname or alias.name.split(".")[0], alias) for alias in statement.names]
    absolute = resolve_relative(module, is_package, statement.level, statement.module)
    return [(absolute, "*", None, alias) if alias.name == "*" else (absolute, alias.name, alias.asname or alias.name, alias) for alias in statement.names]


def import_refs(statement: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[ImportRef]:
    plain = isinstance(statement, ast.Import)
    for imported, name, bound, alias in imported_names(statement, module, is_package):
        yield ImportRef(imported, name, bound, alias, statement, plain=plain and alias.asname is None)


def collect_imports(statements: list[ast.Import | ast.ImportFrom], module: str, is_package: bool) -> list[ImportRef]:
    """Every name ``statements`` (in source order) import."""
    return [ref for statement in statements for ref in import_refs(statement, module, is_package)]
