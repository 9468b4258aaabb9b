"""What one module defines, exports and imports: the per-file half of the project-wide analyses.

``summarise(ctx)`` turns a parsed file into a ``ModuleSummary`` of plain, picklable values. It reads
only the syntax tree, the module name and whether the file is a package, so it is as cacheable as any
other per-file result; the project-wide index (``module_index``) is built from these summaries in
the aggregation step.

Module-level definitions are every name a module binds outside function and class bodies: classes,
functions, assignment targets (tuples and lists unpacked, annotated declarations, augmented
assignments, ``for`` / ``with`` / walrus / ``match`` capture targets, ``type`` aliases), names a
function declares ``global``, and names bound by imports. Definitions inside module-level ``if``,
``try`` (e.g. ``except ImportError`` fallbacks), ``with`` and loops count: they are definitions on some
path, and a linter that cannot run the code must not call them missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.fast_positions import locate
from ssot_lint.model import cache_value
from ssot_lint.cst_imports import dotted_name, import_refs
from ssot_lint.reexports import alias_of, is_docstring, reexport_statement

if TYPE_CHECKING:  # the kinds package imports this module: importing it back would be a cycle
    from ssot_lint.kinds.base import FileContext

Span = tuple[int, int, int, int]  # line, col, end_line, end_col (1-based, end exclusive)


@cache_value
@dataclass(frozen=True, slots=True)
class ImportFact:
    """One imported name (see ``imports.ImportRef``), with where it is and when it runs.

    ``module`` is absolute (None: a relative import that climbs above the top-level package);
    ``name`` is None for ``import a.b``, ``"*"`` for a star import; ``bound`` is the module-level
    name it binds (None inside functions and class bodies). ``span`` is the imported name's
    location, ``module_span`` the module part's (``a.b`` in ``from a.b import c``), ``statement``
    the whole statement's. ``in_function``: inside a def or lambda, so it runs only when called
    (imports in class bodies run at import time). ``type_checking``: under ``if TYPE_CHECKING``.
    """

    module: str | None
    name: str | None
    bound: str | None
    span: Span
    module_span: Span
    statement: Span
    in_function: bool
    type_checking: bool

    @property
    def star(self) -> bool:
        return self.name == "*"


@cache_value
@dataclass(frozen=True, slots=True)
class AliasFact:
    """A module-level ``A = B`` / ``A = pkg.B`` (or ``A: T = B``) statement directly in the module body."""

    name: str
    target: str
    span: Span


@cache_value
@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """Everything the project-wide kinds need from one module.

    ``defined``: names bound at module level by anything but an import (imports are in
    ``imports``, module-level ones bind ``bound``). ``all_names``: the literal ``__all__`` (None
    when the module has none); ``all_dynamic``: ``__all__`` is built in a way we cannot read, so
    the module exports an unknown set. ``has_getattr``: a module-level ``__getattr__`` (PEP 562)
    makes every attribute resolvable. ``reexport_only``: the body holds nothing but imports,
    ``__all__``, simple aliases, docstrings, ``pass`` and ``warnings.warn`` calls (also inside
    ``if`` / ``try``). ``first_span``: the first statement after the module docstring.
    """

    defined: frozenset[str]
    classes: frozenset[str]
    all_names: tuple[str, ...] | None
    all_dynamic: bool
    imports: tuple[ImportFact, ...]
    has_getattr: bool
    reexport_only: bool
    aliases: tuple[AliasFact, ...]
    first_span: Span

    def bindings(self) -> dict[str, ImportFact]:
        """Module-level names bound by imports -> the (last) import binding them."""
        return {i.bound: i for i in self.imports if i.bound is not None}


_MEMO_KEY = "module_summary"


def summarise(ctx: FileContext) -> ModuleSummary:
    """The file's summary, computed once per file however many rules ask for it."""
    summary = ctx.memo.get(_MEMO_KEY)
    if summary is None:
        summary = ctx.memo[_MEMO_KEY] = _Summariser(ctx).run()
    return summary


def _string(node: cst.BaseExpression | None) -> str | None:
    """The value of a (non-bytes, non-f) string literal."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _is_type_checking(test: cst.BaseExpression) -> bool:
    name = dotted_name(test)
    return name is not None and name.rsplit(".", 1)[-1] == "TYPE_CHECKING"


class _Summariser(cst.CSTVisitor):
    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.function_depth = 0
        self.class_depth = 0
        self.type_checking = 0
        self.defined: set[str] = set()
        self.classes: set[str] = set()
        self.all_names: list[str] | None = None
        self.all_dynamic = False
        self.imports: list[tuple[cst.Import | cst.ImportFrom, bool, bool, bool]] = []  # node, in function, type checking, module level
        self.has_getattr = False
        self.spans: dict[int, Span] = {}
        self.walrus = ":=" in (ctx.text or ctx.module.code)
        self._skipped: cst.CSTNode | None = None  # the node whose children on_visit just skipped

    def run(self) -> ModuleSummary:
        module = self.ctx.module
        module.visit(self)
        body = list(module.body)
        flat = [small for s in body for small in (s.body if isinstance(s, cst.SimpleStatementLine) else [s])]
        self.spans = locate(self.ctx.text or module.code, [node for node, *_ in self.imports], flat)
        start = 1 if body and is_docstring(body[0]) else 0
        return ModuleSummary(
            defined=frozenset(self.defined),
            classes=frozenset(self.classes),
            all_names=tuple(self.all_names) if self.all_names is not None else None,
            all_dynamic=self.all_dynamic,
            imports=tuple(fact for entry in self.imports for fact in self._facts(*entry)),
            has_getattr=self.has_getattr,
            reexport_only=all(reexport_statement(s) for s in body),
            aliases=tuple(self._aliases(body)),
            first_span=self._statement_span(body[start]) if len(body) > start else (1, 1, 1, 1),
        )

    def where(self, node: cst.CSTNode) -> Span:
        """The node's span: from CPython's parser when it was paired, else from libcst."""
        span = self.spans.get(id(node))
        return span if span is not None else self.ctx.position(node)

    def _statement_span(self, statement: cst.BaseStatement) -> Span:
        if not isinstance(statement, cst.SimpleStatementLine) or id(statement.body[0]) not in self.spans:
            return self.ctx.position(statement)
        first, last = self.where(statement.body[0]), self.where(statement.body[-1])
        return first[0], first[1], last[2], last[3]

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Expressions hold no imports and bind names only through `:=` at module level: skipping
        # them saves most of the walk, and deep ones (long implicit string concatenations) never
        # reach the recursion limit.
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)) or (
            isinstance(node, cst.BaseExpression) and not (self.walrus and self.module_level)
        ):
            self._skipped = node
            return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        # libcst calls on_leave even for a node whose on_visit returned False; its leave_ method
        # (e.g. leave_Lambda) must not run without its visit_ method.
        if original_node is self._skipped:
            self._skipped = None
            return
        super().on_leave(original_node)

    @property
    def module_level(self) -> bool:
        return self.function_depth == 0 and self.class_depth == 0

    # -- scopes -----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.module_level:
            self.defined.add(node.name.value)
            self.has_getattr |= node.name.value == "__getattr__"
        self.function_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.function_depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.function_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.function_depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.module_level:
            self.defined.add(node.name.value)
            self.classes.add(node.name.value)
        self.class_depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.class_depth -= 1

    def visit_If(self, node: cst.If) -> bool:
        negated = isinstance(node.test, cst.UnaryOperation) and isinstance(node.test.operator, cst.Not)
        test = node.test.expression if negated else node.test  # type: ignore[attr-defined]
        if not _is_type_checking(test):
            return True
        node.test.visit(self)
        for block, checking in ((node.body, not negated), (node.orelse, negated)):
            if block is None:
                continue
            self.type_checking += checking
            block.visit(self)
            self.type_checking -= checking
        return False

    # -- bindings ---------------------------------------------------------------------------
    def visit_Global(self, node: cst.Global) -> None:
        self.defined.update(item.name.value for item in node.names)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.module_level:
            for target in node.targets:
                self._bind(target.target)
            if any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets):
                self._set_all(node.value, extend=False)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.module_level:
            self._bind(node.target)
            if isinstance(node.target, cst.Name) and node.target.value == "__all__" and node.value is not None:
                self._set_all(node.value, extend=False)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self.module_level:
            self._bind(node.target)
            if isinstance(node.target, cst.Name) and node.target.value == "__all__":
                self._set_all(node.value, extend=True)

    def visit_Expr(self, node: cst.Expr) -> None:
        # __all__.extend([...]) / __all__.append("x") / __all__.remove(...) as statements
        call = node.value
        if not isinstance(call, cst.Call) or not self.module_level:
            return
        func = dotted_name(call.func)
        if func not in ("__all__.extend", "__all__.append", "__all__.remove"):
            return
        if func == "__all__.append" and len(call.args) == 1 and _string(call.args[0].value) is not None:
            self._add_all([_string(call.args[0].value)])  # type: ignore[list-item]
        elif func == "__all__.extend" and len(call.args) == 1:
            self._set_all(call.args[0].value, extend=True)
        elif func != "__all__.remove":  # removing only narrows the exports: keeping the name is safe
            self.all_dynamic = True

    def visit_For(self, node: cst.For) -> None:
        if self.module_level:
            self._bind(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self.module_level and node.asname is not None:
            self._bind(node.asname.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if self.module_level:
            self._bind(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if self.module_level and node.name is not None:
            self.defined.add(node.name.value)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if self.module_level and node.name is not None:
            self.defined.add(node.name.value)

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        if self.module_level:
            self.defined.add(node.name.value)

    def _bind(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.defined.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

    def _set_all(self, value: cst.BaseExpression, extend: bool) -> None:
        names = _literal_strings(value)
        if names is None:
            self.all_dynamic = True
            return
        if not extend:
            self.all_names = []
        self._add_all(names)

    def _add_all(self, names: list[str]) -> None:
        if self.all_names is None:
            self.all_names = []
        self.all_names.extend(n for n in names if n not in self.all_names)

    # -- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        self._record(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._record(node)
        return False

    def _record(self, node: cst.Import | cst.ImportFrom) -> None:
        self.imports.append((node, self.function_depth > 0, self.type_checking > 0, self.module_level))

    def _facts(self, node: cst.Import | cst.ImportFrom, in_function: bool, type_checking: bool, module_level: bool) -> list[ImportFact]:
        statement = self.where(node)
        module_span = self._module_span(node) if isinstance(node, cst.ImportFrom) else None
        facts = []
        for ref in import_refs(node, self.ctx.ref.module, self.ctx.ref.is_package):
            span = self.where(ref.node)
            bound = ref.bound if module_level else None
            facts.append(ImportFact(ref.module, ref.name, bound, span, module_span or span, statement, in_function, type_checking))
        return facts

    def _module_span(self, node: cst.ImportFrom) -> Span:
        """Where ``..pkg.mod`` is written in ``from ..pkg.mod import x`` (dots included)."""
        parts: list[cst.CSTNode] = [*node.relative, *([node.module] if node.module is not None else [])]
        if id(parts[-1] if node.module is not None else parts[0]) in self.spans:
            return self.spans[id(parts[-1] if node.module is not None else parts[0])]
        start, end = self.ctx.position(parts[0]), self.ctx.position(parts[-1])
        return start[0], start[1], end[2], end[3]

    # -- aliases ----------------------------------------------------------------------------
    def _aliases(self, body: list[cst.BaseStatement]) -> list[AliasFact]:
        found = []
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                alias = alias_of(small)
                if alias is not None:
                    name_node, target = alias
                    found.append(AliasFact(name_node.value, target, self.where(name_node)))
        return found


def _literal_strings(node: cst.BaseExpression) -> list[str] | None:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        names = [_string(e.value) if isinstance(e, cst.Element) else None for e in node.elements]
        return None if any(n is None for n in names) else names  # type: ignore[return-value]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = _literal_strings(node.left), _literal_strings(node.right)
        return None if left is None or right is None else left + right
    return None
