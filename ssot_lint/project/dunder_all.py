"""What a module's ``__all__`` lists, as its module-level statements build it: a literal list or
tuple (``+`` of literals too), ``+=``, ``__all__.extend/append/remove``; anything else makes it
dynamic (a star import of the module may then bind any name)."""

from __future__ import annotations

import ast

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.project.import_conditions import string_value


def is_all(target: ast.expr) -> bool:
    return isinstance(target, ast.Name) and target.id == "__all__"


def _literal_strings(node: ast.expr) -> list[str] | None:
    """The strings of ``["a"]``, ``("a",) + ["b"]`` ...; None when any part is not a literal."""
    names: list[str] = []
    pending = [node]
    while pending:  # iterative: a `+` chain nests as deep as it is long
        part = pending.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            pending += (part.right, part.left)
        elif isinstance(part, (ast.List, ast.Tuple, ast.Set)):
            strings = [string_value(element) for element in part.elts]
            if None in strings:
                return None
            names += strings  # type: ignore[arg-type]
        else:
            return None
    return names


class DunderAll:
    """``__all__`` as the statements read so far leave it (``names`` None: never bound)."""

    def __init__(self) -> None:
        self.names: list[str] | None = None
        self.dynamic = False

    def call(self, call: ast.Call) -> None:
        """``__all__.extend([...])`` / ``__all__.append("x")`` / ``__all__.remove(...)``."""
        func = dotted_name(call.func)
        if func not in ("__all__.extend", "__all__.append", "__all__.remove"):
            return
        # An argument counts by its value whatever `*` or `name=` precedes it, as libcst's
        # Arg.value did: `__all__` reads the same as before the move to ast.
        args = [a.value if isinstance(a, ast.Starred) else a for a in call.args] + [k.value for k in call.keywords]
        if func == "__all__.append" and len(args) == 1 and (name := string_value(args[0])) is not None:
            self._add([name])
        elif func == "__all__.extend" and len(args) == 1:
            self.assign(args[0], extend=True)
        elif func == "__all__.remove" and len(args) == 1 and (name := string_value(args[0])) is not None and self.names is not None:
            # A star import then no longer binds it: a fix must not count on it being there.
            self.names = [n for n in self.names if n != name]
        else:
            self.dynamic = True

    def assign(self, value: ast.expr, extend: bool) -> None:
        names = _literal_strings(value)
        if names is None:
            self.dynamic = True
            return
        if not extend:
            self.names = []
        self._add(names)

    def _add(self, names: list[str]) -> None:
        if self.names is None:
            self.names = []
        self.names.extend(n for n in names if n not in self.names)
