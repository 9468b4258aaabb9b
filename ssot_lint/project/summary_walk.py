"""How a file becomes its ``ModuleSummary`` (``project.module_summary``): one walk of CPython's
syntax tree of the module body (never libcst's: the project-wide kinds look at nearly every file),
reading only what the outline keeps, so it is as cacheable as any other per-file result.

Module-level definitions are every name a module binds outside function and class bodies: classes,
functions, assignment targets (tuples and lists unpacked, annotated declarations, augmented
assignments, ``for`` / ``with`` / walrus / ``match`` capture targets, ``type`` aliases), names a
function declares ``global``, and names bound by imports. Definitions inside module-level ``if``,
``try`` (e.g. ``except ImportError`` fallbacks), ``with`` and loops count: they are definitions on some
path, and a linter that cannot run the code must not call them missing.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.getattr_forward import forwarded_to
from ssot_lint.analysis.imports import resolve_relative
from ssot_lint.analysis.native import load
from ssot_lint.analysis.simple_imports import IMPORT_ONLY, ImportRecord, import_node, in_source_order
from ssot_lint.analysis.source_lines import Span
from ssot_lint.analysis.syntax import NESTED
from ssot_lint.project.attribute_stores import attribute_stores
from ssot_lint.project.dunder_all import DunderAll, is_all
from ssot_lint.project.dynamic_imports import by_name_line
from ssot_lint.project.effects import BUILTIN_DECORATORS, PURE_TOPS, first_class_with_effects, first_line, has_effects, may_be_left_out, pure_source, warns
from ssot_lint.project.first_span import first_span
from ssot_lint.project.import_conditions import (
    NOTHING_TESTED,
    TestedDeprecations,
    expects_import_error,
    guards_import_error,
    is_main_test,
    tested_deprecations,
)
from ssot_lint.project.namespace_uses import ANY_ATTRIBUTE
from ssot_lint.project.rebinds import WORDS, global_rebinds, namespace_writes
from ssot_lint.project.reexports import alias_of, reexport_only
from ssot_lint.project.type_checking import class_shadows, star_rebinds, type_checking_test, typing_spellings

if TYPE_CHECKING:  # the kinds package imports this module: importing it back would be a cycle
    from ssot_lint.kinds.base import FileContext

from ssot_lint.project.module_summary import AliasFact, ImportFact, ModuleSummary

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Children the walk reaches as statements of their own, not as parts of their parent's expressions.
_NESTED = (ast.stmt, ast.excepthandler, ast.match_case)
_TYPE_ALIAS = getattr(ast, "TypeAlias", ())  # `type X = ...`: Python 3.12+
_TRY_STAR = getattr(ast, "TryStar", ast.Try)  # `except*`: Python 3.11+
_TYPING = ("typing", "typing_extensions")  # as ``type_checking.typing_spellings`` reads them


_MEMO_KEY = "module_summary"
# An ImportFact from the tuple of its fields, without the Python frame of the named tuple's own
# ``__new__`` (a summary builds one per imported name: 125,810 on Home Assistant).
_fact = partial(tuple.__new__, ImportFact)
# ``_record``'s loop over the names in C, for the common case (_import_facts.c); None: not built.
_native = load("ssot_lint.project._import_facts")
_NO_SPELLINGS: frozenset[str] = frozenset()


def summarise(ctx: FileContext) -> ModuleSummary:
    """The file's summary, computed once per file however many rules ask for it."""
    summary = ctx.memo.get(_MEMO_KEY)
    if summary is None:
        summary = ctx.memo[_MEMO_KEY] = _Summariser(ctx).run()
    return summary


class _Summariser:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.lines = ctx.lines
        self.defined: set[str] = set()
        self.classes: set[str] = set()
        self.functions: set[str] = set()
        self.dunder_all = DunderAll()
        self.imports: list[ImportFact] = []
        self.has_getattr = False
        self.getattr_bindings = 0  # module-level statements binding __getattr__: one def is read
        self.hook: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # the module-level __getattr__ (ModuleSummary.forwards)
        self.effects = 0
        self.warns = 0  # the first line of a module-level warning call (ModuleSummary.warns)
        # Top-level classes whose body may be the outline's `...`, before the first statement
        # found to have effects: read from the text once the walk is done.
        self.bare_classes: list[tuple[ast.ClassDef, frozenset[str], frozenset[str]]] = []  # with `pure`, `objects` as they stood
        self.deleted: set[str] = set()
        self.rebinds: dict[str, str] = {}
        # The names through which a decorator named like a pure one is one (``effects.pure_source``):
        # builtins the module has not bound, and names it imported from the standard library or a
        # known third-party module and has not bound otherwise since.
        self.pure: set[str] = set(BUILTIN_DECORATORS)
        # Module-level names last bound by `from m import n`: maybe an object whose attribute read runs code.
        self.objects: set[str] = set()
        self.top = ctx.ref.module.partition(".")[0] if ctx.ref.module else None  # a project module named like the stdlib's
        self.bound_at: set[str] = set()  # names a module-level statement other than an import binds
        self.at: tuple[ast.AST, bool] = (ast.Pass(), False)  # the statement being read, and whether it is conditional
        self.tested: TestedDeprecations | None = None
        # Only `:=` binds module-level names inside expressions: only the statements on whose
        # lines one is written need their expressions read (the lines, sorted).
        self.walrus = ctx.lines_with([":="]) if ":=" in ctx.text else []
        self.never_true: set[str] = set()  # the spellings of typing.TYPE_CHECKING bound (type_checking)
        self.maybe_true: set[int] = set()  # the `if TYPE_CHECKING:` in a class body binding the name (by id)
        self.attribute_stores: list[tuple[int, int]] = []  # a package's module-level `x.a = ...` statements (lines)

    def run(self) -> ModuleSummary:
        # Every statement the summary reads (see analysis/outline.py), the top-level imports the
        # outline left out read from the text instead (analysis/simple_imports.py).
        body, read = self.ctx.outline_parts()
        self._walk(in_source_order(body, read) if read else body)
        # Every bare class comes before the first statement found to have effects.
        if self.bare_classes:
            more = [record[0] for record in read]  # a class's text ends where the next statement starts
            self.effects = first_class_with_effects(self.bare_classes, body, self.ctx.text, self.lines.starts, more) or self.effects
        text = self.ctx.text
        spells_global = "global" in text
        # What a write to the module's own namespace spells (see project.rebinds), tested cheaply
        # first: `globals(` spells `global`, `sys.modules[` needs sys imported.
        writes = (spells_global and "globals(" in text) or "vars(" in text or (any(f.module == "sys" for f in self.imports) and "modules[" in text)
        return ModuleSummary(
            defined=frozenset(self.defined),
            classes=frozenset(self.classes),
            all_names=tuple(self.dunder_all.names) if self.dunder_all.names is not None else None,
            all_dynamic=self.dunder_all.dynamic,
            imports=tuple(self.imports),
            has_getattr=self.has_getattr,
            reexport_only=reexport_only(body),
            aliases=tuple(self._aliases(body)),
            first_span=first_span(body, self.lines),
            functions=frozenset(self.functions),
            effects=self.effects,
            deleted=frozenset(self.deleted),
            rebinds=tuple((name, where, False) for name, where in self.rebinds.items())
            + (global_rebinds(body, text, self.lines.starts) if spells_global else ())
            + (namespace_writes(self.ctx.statements_near(WORDS), self.ctx.lines_with(WORDS)) if writes else ()),
            dynamic_imports=by_name_line(text, self.lines.starts, self.ctx.outline, self.top) if self.ctx.ref.is_package else 0,
            warns=self.warns,
            # (the whole outline: an import the outline left out may rebind a name the stores read)
            stored_into=self._stored_into(self.ctx.outline()) if self.attribute_stores else (),
            # (one unconditional def of it, and no ``exec`` that may bind names besides)
            forwards=forwarded_to(self.hook, self.ctx.ref, [(f.bound, f.module, f.name) for f in self.imports])
            if self.hook is not None and self.getattr_bindings == 1 and "exec(" not in text
            else "",
        )

    def _stored_into(self, body: list[ast.stmt]) -> tuple[tuple[str, str], ...]:
        """``ModuleSummary.stored_into``: the stores ``attribute_stores`` finds in the statements
        read (never the whole file: only those are parsed) on the lines of a module-level
        assignment to an attribute (not in a function, which runs when called)."""
        spans = self.attribute_stores
        found = attribute_stores(self.ctx, body)
        return tuple(sorted({(obj, name) for obj, name, line in found if name != ANY_ATTRIBUTE and any(a <= line <= b for a, b in spans)}))

    def _walk(self, body: Sequence[ast.stmt | ImportRecord]) -> None:
        """Every statement in source order, knowing whether it runs in a def, in a class body,
        under ``if TYPE_CHECKING``, under ``if __name__ == "__main__"``, where an import error is
        expected (a top-level import read from the text: an ``ImportRecord``). Iterative: blocks
        nest as deep as the file likes."""
        stack: list[tuple[Any, bool, bool, bool, bool, bool, bool, bool]] = [(s, False, False, False, False, False, False, False) for s in reversed(body)]
        while stack:
            node, in_function, in_class, checking, main, expected, guarded, conditional = stack.pop()
            module_level = not (in_function or in_class)
            if type(node) is tuple or isinstance(node, (ast.Import, ast.ImportFrom)):
                self._record(node, in_function, checking, module_level, (main, expected, guarded), conditional)
                continue
            if isinstance(node, ast.Global):
                self.defined.update(node.names)
            elif isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                if module_level:
                    self.at = (node, conditional)
                    self._define(node)
                    if not (checking or main or self.effects):
                        self._effects(node)
                in_function |= isinstance(node, _FUNCTIONS)
                in_class |= isinstance(node, ast.ClassDef)
                if self.never_true and isinstance(node, ast.ClassDef):  # a class's own TYPE_CHECKING
                    self.maybe_true.update(map(id, class_shadows(node.body, self.never_true)))
            elif module_level:
                self.at = (node, conditional)
                self._bind_statement(node)
                if self.walrus and self._may_hold_walrus(node):
                    self._walrus(node)
                if not (checking or main or self.effects):
                    self._effects(node)
                if not (checking or main or self.warns) and warns(node):
                    self.warns = first_line(node)
            fields = NESTED.get(type(node))
            if fields is None:  # most statements: nothing nested
                continue
            body_checking = else_checking = checking
            body_main = main
            if isinstance(node, ast.If):
                if (negated := type_checking_test(node.test, self.never_true)) is not None and id(node) not in self.maybe_true:
                    body_checking |= not negated
                    else_checking |= negated
                body_main |= module_level and is_main_test(node.test)
            branches = isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Match))  # their blocks may not run
            # A statement before it in a `try` or `with` block may raise, and be caught or suppressed.
            catches = isinstance(node, (ast.Try, _TRY_STAR, ast.With, ast.AsyncWith))
            body_expected = expected or expects_import_error(node)
            body_guarded = guarded or guards_import_error(node)
            nested = [
                (
                    child,
                    in_function,
                    in_class,
                    else_checking if field == "orelse" else body_checking,
                    body_main if field == "body" else main,
                    body_expected if field == "body" else expected,
                    body_guarded if field == "body" else guarded,
                    conditional or branches or field == "handlers" or (catches and field != "finalbody"),
                )
                for field in fields
                for child in getattr(node, field)
            ]
            stack += reversed(nested)

    def _effects(self, node: ast.AST) -> None:
        if has_effects(node, self.pure, self.objects):
            self.effects = first_line(node)
        elif may_be_left_out(node):
            self.bare_classes.append((node, frozenset(self.pure), frozenset(self.objects)))

    def _define(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self._add(node.name)
        if isinstance(node, ast.ClassDef):
            self.classes.add(node.name)
        else:
            self.functions.add(node.name)
            self.has_getattr |= node.name == "__getattr__"
            if node.name == "__getattr__":  # one under a condition is not read
                self.hook = None if self.at[1] else node

    # -- bindings ---------------------------------------------------------------------------
    def _bind_statement(self, node: ast.AST) -> None:
        """What a module-level statement (or ``match`` case) binds and does to ``__all__``."""
        if self.ctx.ref.is_package and isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(part, ast.Attribute) for target in targets for part in ast.walk(target)):
                self.attribute_stores.append((node.lineno, node.end_lineno or node.lineno))
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target)
            if isinstance(node.value, ast.Constant) and node.value.value is False:  # `TYPE_CHECKING = False`
                self.never_true.update(t.id for t in node.targets if isinstance(t, ast.Name) and t.id == "TYPE_CHECKING")
            # `__getattr__ = partial(...)` (Home Assistant's deprecation helper): PEP 562, however bound.
            self.has_getattr |= any(isinstance(t, ast.Name) and t.id == "__getattr__" for t in node.targets)
            if any(is_all(t) for t in node.targets):
                self.dunder_all.assign(node.value, extend=False)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            self._bind(node.target)
            self.has_getattr |= isinstance(node.target, ast.Name) and node.target.id == "__getattr__" and node.value is not None
            if is_all(node.target) and node.value is not None:
                self.dunder_all.assign(node.value, extend=isinstance(node, ast.AugAssign))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._bind(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars)
        elif isinstance(node, ast.match_case):
            for pattern in ast.walk(node.pattern):
                if isinstance(pattern, (ast.MatchAs, ast.MatchStar)) and pattern.name is not None:
                    self._add(pattern.name)
        elif isinstance(node, _TYPE_ALIAS):
            self._add(node.name.id)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.dunder_all.call(node.value)
        elif isinstance(node, ast.Delete):
            self.deleted.update(t.id for t in node.targets if isinstance(t, ast.Name))

    def _may_hold_walrus(self, node: ast.AST) -> bool:
        """Whether a ``:=`` is written on a line of ``node`` (a ``match`` case: always)."""
        first = getattr(node, "lineno", None)
        if first is None:
            return True
        found = bisect_left(self.walrus, first)
        return found < len(self.walrus) and self.walrus[found] <= node.end_lineno  # type: ignore[attr-defined]

    def _walrus(self, statement: ast.AST) -> None:
        """Names ``:=`` binds in a module-level statement's own expressions (not in lambdas, which
        are function scopes; the decorators, defaults and bases of defs and classes are not read)."""
        pending = [child for child in ast.iter_child_nodes(statement) if not isinstance(child, _NESTED)]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.NamedExpr):
                self._bind(node.target)
            if not isinstance(node, ast.Lambda):
                pending += ast.iter_child_nodes(node)

    def _bind(self, target: ast.expr) -> None:
        pending = [target]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.Name):
                self._add(node.id)
            elif isinstance(node, (ast.Tuple, ast.List)):
                pending += node.elts
            elif isinstance(node, ast.Starred):
                pending.append(node.value)

    def _add(self, name: str) -> None:
        """A module-level statement (``self.at``) binds ``name``: a rebinding when another did
        before, or when it may not run."""
        self.defined.add(name)
        self.getattr_bindings += name == "__getattr__"
        if self.never_true:
            typing_spellings(self.never_true, name)
        self.pure.discard(name)
        self.objects.discard(name)
        node, conditional = self.at
        if (name in self.bound_at or conditional) and name not in self.rebinds and not (name.startswith("__") and name.endswith("__")):
            line = first_line(node.pattern if isinstance(node, ast.match_case) else node)  # a match case has no line of its own
            self.rebinds[name] = f"at line {line}, under a condition" if conditional else f"at line {line}"
        self.bound_at.add(name)

    # -- imports, aliases, spans --------------------------------------------------------------
    def _record(
        self,
        node: ast.Import | ast.ImportFrom | ImportRecord,
        in_function: bool,
        checking: bool,
        module_level: bool,
        flags: tuple[bool, bool, bool],
        conditional: bool,
    ) -> None:
        """One ImportFact per imported name; ``flags``: main block, expected to fail, guarded.
        Once per import statement by the hundred thousand: the C code (``_import_facts.c``) does
        it where it can; it refuses, changing nothing, what the loop here follows through
        ``typing_spellings``, ``star_rebinds``, a ``__getattr__``, a tested deprecation or a text
        that is not ASCII. The loop reads the names from the node (as
        ``imports.imported_names`` reads them) and builds each fact as the tuple it is."""
        if self.tested is None:  # asked only once there is an import (it may parse the whole file)
            self.tested = tested_deprecations(self.ctx)
        tested = self.tested if self.tested is not NOTHING_TESTED else None
        plain = True
        module: str | None = None  # `import a.b`: each name is a module of its own
        level = 0
        if isinstance(node, tuple):  # read from the text (simple_imports)
            if node[4] != IMPORT_ONLY:
                plain, level = False, node[4]
                module = resolve_relative(self.ctx.ref.module, self.ctx.ref.is_package, level, node[5])
        elif isinstance(node, ast.ImportFrom):
            plain = False
            level = node.level
            module = resolve_relative(self.ctx.ref.module, self.ctx.ref.is_package, level, node.module)
        main, expected, guarded = flags
        lines = self.lines
        ascii_text = lines.ascii  # then a column is the byte offset + 1 (``SourceLines.column``), inline: once per name
        if _native is not None and ascii_text and tested is None:
            heads = {s.partition(".")[0] for s in self.never_true} if self.never_true else _NO_SPELLINGS
            rest = (in_function, checking, main, expected, guarded, False, conditional)
            state = (self.top, module_level, checking, heads, self.pure, self.objects, PURE_TOPS, ImportFact, rest, self.imports)
            if _native.import_facts(node, plain, module, level, lines.text, lines.starts, *state):
                return
        if isinstance(node, tuple):
            node = import_node(node)
        span = lines.span
        statement = span(node)
        line = node.lineno
        module_span = None if plain else lines.module_span(statement)
        stdlib_of: dict[str | None, bool] = {}
        append = self.imports.append
        for alias in node.names:
            name: str | None
            bound: str | None
            if plain:
                module = alias.name
                name, bound = None, alias.asname or module.partition(".")[0]
            else:
                name = alias.name
                bound = None if name == "*" else alias.asname or name
            # (a parsed node always has its end: no check per name)
            where: Span = (alias.lineno, alias.col_offset + 1, alias.end_lineno, alias.end_col_offset + 1) if ascii_text else span(alias)  # type: ignore[assignment, operator]
            warned = tested is not None and tested.covers(line, bound)
            if not module_level:
                bound = None
            elif bound is None:  # a star import
                if not checking:
                    star_rebinds(self.never_true, module)  # it may bind TYPE_CHECKING
            else:
                if self.never_true or module in _TYPING:  # else typing_spellings has nothing to do
                    typing_spellings(self.never_true, bound, module, name)
                if checking:
                    self.pure.discard(bound)
                    self.objects.discard(bound)
                else:
                    # From the standard library: a pure-named decorator is the pure one, and an
                    # attribute read runs nothing; else the name may be a project's own object.
                    stdlib = stdlib_of.get(module)
                    if stdlib is None:
                        stdlib = stdlib_of[module] = module is not None and level == 0 and module.partition(".")[0] != self.top and pure_source(module)
                    if stdlib:
                        self.pure.add(bound)
                        self.objects.discard(bound)
                    else:
                        self.pure.discard(bound)
                        if name is not None:
                            self.objects.add(bound)
                        else:
                            self.objects.discard(bound)
                if bound == "__getattr__":  # `from .lazy import __getattr__`
                    self.has_getattr = True
                    self.getattr_bindings += 1
            append(_fact((module, name, bound, where, module_span or where, statement, in_function, checking, main, expected, guarded, warned, conditional)))

    def _aliases(self, body: list[ast.stmt]) -> list[AliasFact]:
        found = []
        for statement in body:
            alias = alias_of(statement)
            if alias is not None:
                name, target = alias
                found.append(AliasFact(name.id, target, self.lines.span(name)))
        return found
