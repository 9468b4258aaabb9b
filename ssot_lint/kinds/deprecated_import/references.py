"""References to deprecated members through an import of a package above them (#18 item 6):
``import collections`` ... ``collections.OrderedDict`` for a rule on ``collections:OrderedDict``.

Whether such a reference can be rewritten is decided here, on CPython's tree of the whole file,
so that ``check`` (the finding's applicability) and ``fix`` (the edit, on libcst's tree) decide
alike. A reference ``h.path.Member`` (``h`` bound by an import) becomes
``new.module.NewMember``, and ``import new.module`` is added right after the import that binds
``h``, unless the module body imports it so already, at or before that import, or after it
but before the reference (pydantic's ``import pydantic.types`` below ``import pydantic``: reused,
no statement added, so no new import cycle either). The rewrite is
planned only when it provably changes nothing but what the reference names:

- the replacement has the same shape (a member for a member, a module for a module) and lies in
  another module than this one;
- the reference is read, never assigned to or deleted, nor any chain of attributes read through
  it (``mod.X = 1`` for the reference ``mod``: that would patch another module);
- it holds no comment (a rewritten reference is written anew);
- ``h`` is bound only by imports in the module body itself (no assignment, parameter,
  ``global`` or import inside a block or function anywhere in the file), so every reference
  reaches that import; several imports may bind ``h`` only when all are ``import h...``;
- the replacement's top-level name is bound nowhere in the file but by plain ``import top...``
  statements in the module body, not read unbound (a builtin, say), and no star import could
  bind it.

A member renamed within its module (``pkg.vis:Old`` -> ``pkg.vis:New``) is read through the
very binding the reference reads: ``vis.Old`` becomes ``vis.New``, and no import is added or
dropped (review18b: an absolute ``pkg.sub.vis.New`` read at import time, in a module that
``pkg.sub`` imports while it initialises, fails, ``pkg.sub`` not yet being an attribute of
``pkg``). Elsewhere the absolute dotted read is unsafe, with the reason, when it reads a package
above this module (or this module) as an attribute at import time (module level, a class body,
a decorator: outside any function body) that the reference as written did not read: that
package may still be importing this module; and when ``h`` was imported relatively in a module
whose name is only inferred, as a relative import made absolute is (``rewrite.made_absolute``).

The planned rewrite then needs what an import rewrite needs (``fix.verify``): the replacement
exists and is the same kind of thing (safe), or cannot be verified, lying outside the project
(unsafe). Once every read of ``h`` in the file is rewritten, the import binding it goes, as
ruff's unused-import fix removes an import, unless the file is a package's ``__init__`` (other
modules may import ``h`` from it) or ``h`` is named in ``__all__``, in a string annotation or in
a doctest (whose text is not rewritten: it would read ``h`` unbound).
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.analysis.source_lines import Span
from ssot_lint.fix.verdicts import WHOLE, Need
from ssot_lint.kinds.base import FileContext, Target
from ssot_lint.kinds.deprecated_import.doctests import doctest_line

Reference = tuple[ast.Attribute, Target, Target, int]  # node, deprecated target, replacement, statement line
_PLAIN, _IMPORT = "a plain import", "an import"  # `import a.b` (binds a); any other import


@dataclass(frozen=True)
class ReferencePlan:
    """How one deprecated reference is rewritten, or why it is not (``reason``).

    ``span``: the reference (``collections.OrderedDict``); ``expression``: what it becomes;
    ``head``: the name it starts with; ``anchor``: the start of the module-level import statement
    binding ``head``, after which ``adds`` (a module, ``import adds``) is inserted when it is not
    None; ``needs``: what verification must confirm."""

    span: Span
    old: Target
    new: Target
    written: str
    head: str
    expression: str = ""
    anchor: tuple[int, int] | None = None
    adds: str | None = None
    needs: tuple[Need, ...] = ()
    reason: str = ""
    unsafe: str = ""  # why the rewrite is unsafe whatever verification finds
    keeps_head: bool = False  # the rewritten reference still reads ``head`` (`vis.Old` -> `vis.New`)


@dataclass
class _Binding:
    kind: str  # _PLAIN, _IMPORT, or what else binds the name (assignment, parameter ...)
    line: int
    statement: ast.stmt | None = None  # the import statement
    dotted: str = ""  # what a plain import imports (`a.b`)


class FileBindings:
    """Every binding of every name in a file (any scope), the names read, and the statements of
    the module body."""

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, list[_Binding]] = {}
        self.loads: Counter[str] = Counter()
        self.top = {id(statement) for statement in tree.body}
        self.star: ast.ImportFrom | None = None
        self.annotation_strings: list[str] = []
        self.all_names: set[str] = set()
        self.doctest_strings: list[tuple[str, int]] = []  # strings holding a doctest line, where each starts
        for node in ast.walk(tree):
            self._see(node)
        for binding in self.names.values():
            binding.sort(key=lambda b: b.line)

    def _bind(self, name: str | None, kind: str, node: ast.AST, statement: ast.stmt | None = None, dotted: str = "") -> None:
        if name:
            self.names.setdefault(name, []).append(_Binding(kind, getattr(node, "lineno", 0), statement, dotted))

    def _see(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.loads[node.id] += 1
            else:
                self._bind(node.id, "an assignment", node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    self.star = self.star or node  # type: ignore[assignment]  # only `from x import *` spells it
                elif isinstance(node, ast.Import) and alias.asname is None:
                    self._bind(alias.name.split(".")[0], _PLAIN, node, node, alias.name)
                else:
                    self._bind(alias.asname or alias.name, _IMPORT, node, node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._bind(node.name, "a definition", node)
            self._annotations([node.returns] if not isinstance(node, ast.ClassDef) else [])
        elif isinstance(node, ast.arg):
            self._bind(node.arg, "a parameter", node)
            self._annotations([node.annotation])
        elif isinstance(node, ast.ExceptHandler):
            self._bind(node.name, "an except clause", node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                self._bind(name, "a global statement" if isinstance(node, ast.Global) else "a nonlocal statement", node)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)):
            self._bind(node.name, "a match pattern", node)
        elif isinstance(node, ast.MatchMapping):
            self._bind(node.rest, "a match pattern", node)
        elif isinstance(node, ast.AnnAssign):
            self._annotations([node.annotation])
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            self._all(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (">>> " in node.value or "... " in node.value):
            self.doctest_strings.append((node.value, node.lineno))
        elif type(node).__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):  # Python 3.12's type parameters
            self._bind(getattr(node, "name", None), "a type parameter", node)

    def _annotations(self, annotations: Iterable[ast.expr | None]) -> None:
        for annotation in annotations:
            if annotation is not None:
                self.annotation_strings += [n.value for n in ast.walk(annotation) if isinstance(n, ast.Constant) and isinstance(n.value, str)]

    def _all(self, node: ast.Assign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            self.all_names.update(n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str))

    def named_in_strings(self, name: str) -> bool:
        """Whether ``__all__``, a string annotation or a doctest names ``name`` (``"collections.X"``)."""
        if name in self.all_names or any(doctest_line(text, line, name) is not None for text, line in self.doctest_strings):
            return True
        return any(name in text.replace("[", " ").replace(".", " ").replace(",", " ").split() for text in self.annotation_strings)


def plan_references(ctx: FileContext, references: list[Reference]) -> list[ReferencePlan]:
    """One plan per reference (see the module docstring), in the order given."""
    if not references:
        return []
    tree = ctx.tree  # the whole file: every binding of a name counts, wherever it is
    bindings = FileBindings(tree)
    spans = [ctx.span(node) for node, _, _, _ in references]
    read_through: dict[Span, str] = {}  # reference -> the attribute read from it (`mod.X`: X)
    read_from: dict[int, ast.Attribute] = {}  # an attribute's value -> the attribute read from it
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            read_from[id(node.value)] = node
    wanted = set(spans)
    for value, node in ((node.value, node) for node in read_from.values()):
        if isinstance(value, ast.Attribute) and ctx.span(value) in wanted:
            read_through[ctx.span(value)] = node.attr
    deferred = _in_function_bodies(tree)
    plans = []
    for (node, old, new, _), span in zip(references, spans):
        written = dotted_name(node) or ""
        base = ReferencePlan(span, old, new, written, written.split(".")[0])
        outer = next((w for s, w in zip(spans, references) if s != span and _within(span, s)), None)
        if outer is not None:
            plans.append(_refuse(base, f"`{written}` is part of `{dotted_name(outer[0])}`, which is rewritten as a whole"))
            continue
        plan = _plan(ctx, bindings, node, base, read_through.get(span), _stored_through(node, read_from))
        plans.append(plan if id(node) in deferred or plan.reason or plan.keeps_head else _read_at_import(ctx, plan, node))
    # The head imports the rewrites may drop: another module may read those names from this one.
    gone = removable(ctx, [plan for plan in plans if not plan.reason])
    return [
        replace(plan, needs=(replace(plan.needs[0], unbinds=(f"{ctx.ref.module}.{plan.head}",)), *plan.needs[1:]))
        if plan.head in gone and plan.needs and ctx.ref.module
        else plan
        for plan in plans
    ]


def _stored_through(node: ast.Attribute, read_from: dict[int, ast.Attribute]) -> ast.Attribute | None:
    """The chain of attributes read through ``node`` that is assigned to or deleted (``mod.X = 1``,
    ``del mod.X.y`` for the reference ``mod``), None when the chain is only read. Rewritten, the
    store would go into the replacement instead, while the old module keeps its own value."""
    chain = node
    while id(chain) in read_from:
        chain = read_from[id(chain)]
    return chain if chain is not node and not isinstance(chain.ctx, ast.Load) else None


def _in_function_bodies(tree: ast.Module) -> set[int]:
    """The nodes inside a function's or lambda's body: read when it is called, not at import
    (its decorators, defaults and annotations are read where the ``def`` runs)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            body = [node.body] if isinstance(node, ast.Lambda) else node.body
            inside.update(id(n) for statement in body for n in ast.walk(statement))
    return inside


def _read_at_import(ctx: FileContext, plan: ReferencePlan, node: ast.Attribute) -> ReferencePlan:
    """``plan`` made unsafe when its absolute expression, read at import time, reads as an
    attribute a package above this module (or this module itself) that the reference as written
    did not read: while that package imports this module, it is not yet an attribute of its own
    package (``pkg.sub`` of ``pkg`` until ``pkg/sub/__init__.py`` has finished), and the read
    fails. A package that is no parent of this module but imports it is the added import's new
    cycle (``fix.import_runs.ImportRuns.cycle``)."""
    importer = ctx.ref.module
    if not importer or not plan.expression:
        return plan
    parts = plan.new.module.split(".")
    # `h.path.Old` read through the module `h` binds: the packages after it were read already.
    old_parts = plan.old.module.split(".")
    bound_depth = len(plan.old.dotted.split(".")) - (len(plan.written.split(".")) - 1)
    read_before = {".".join(old_parts[:end]) for end in range(bound_depth + 1, len(old_parts) + 1)}
    for end in range(2, len(parts) + 1):
        package = ".".join(parts[:end])
        if package in read_before or not (importer == package or importer.startswith(package + ".")):
            continue
        which = "this module" if importer == package else "a package above this module"
        return replace(
            plan,
            unsafe=f"`{plan.expression}` would read {package} as an attribute of {'.'.join(parts[: end - 1])} at import time (line {node.lineno}), "
            f"and {package} is {which}, which may still be importing then: it becomes that attribute only once it has finished",
        )
    return plan


def _within(inner: Span, outer: Span) -> bool:
    return (outer[0], outer[1]) <= (inner[0], inner[1]) and (inner[2], inner[3]) <= (outer[2], outer[3])


def _refuse(plan: ReferencePlan, why: str) -> ReferencePlan:
    return ReferencePlan(plan.span, plan.old, plan.new, plan.written, plan.head, reason=f"not fixable: {why}")


def _plan(
    ctx: FileContext, bindings: FileBindings, node: ast.Attribute, plan: ReferencePlan, attribute: str | None, stored: ast.Attribute | None
) -> ReferencePlan:
    """``stored``: the chain read through the reference that is assigned to or deleted."""
    old, new, head, written = plan.old, plan.new, plan.head, plan.written
    if (old.member is None) != (new.member is None):
        return _refuse(plan, f"the replacement {new} is a {'module' if new.member is None else 'member'}, not a {'member' if old.member else 'module'}")
    if not isinstance(node.ctx, ast.Load) or stored is not None:
        assigned = written if stored is None else dotted_name(stored) or written
        return _refuse(plan, f"`{assigned}` is assigned to or deleted here: rewriting it would change another module")
    if new.module == ctx.ref.module:
        return _refuse(plan, f"the replacement {new} is in this module itself")
    if "#" in ctx.segment(plan.span):
        return _refuse(plan, f"`{written}` holds a comment; rewrite it by hand")
    found = bindings.names.get(head, [])
    imports = [b for b in found if b.kind in (_PLAIN, _IMPORT)]
    other = next((b for b in found if b.kind not in (_PLAIN, _IMPORT)), None)
    if other is not None:
        return _refuse(plan, f"`{head}` is also bound by {other.kind} at line {other.line}")
    if len(imports) > 1 and any(b.kind != _PLAIN for b in imports):
        return _refuse(plan, f"`{head}` is bound by several imports (lines {', '.join(str(b.line) for b in imports)})")
    nested = next((b for b in imports if id(b.statement) not in bindings.top), None)
    if nested is not None:
        return _refuse(plan, f"`{head}` is imported inside a block or function at line {nested.line}; rewrite the reference by hand")
    anchor = imports[0].statement
    assert anchor is not None  # deprecated_references found the reference through an import
    start = ctx.span(anchor)
    if old.module == new.module and new.member is not None:
        # Renamed within its module: read through the same binding, `vis.Old` -> `vis.New`.
        expression = f"{written.rpartition('.')[0]}.{new.member}"
        return replace(plan, expression=expression, anchor=(start[0], start[1]), needs=(Need(old.dotted, new.dotted),), keeps_head=True)
    top = new.module.split(".")[0]
    if bindings.star is not None:
        return _refuse(plan, f"the star import at line {bindings.star.lineno} might bind `{top}`")
    tops = bindings.names.get(top, [])
    clash = next((b for b in tops if b.kind != _PLAIN or id(b.statement) not in bindings.top), None)
    if clash is not None:
        return _refuse(plan, f"`{top}` is already bound by {clash.kind} at line {clash.line}")
    if not tops and bindings.loads[top]:
        return _refuse(plan, f"`{top}` is already used in this file (as a name that no import binds)")
    # The module body imports the module already where the reference reads it: at or before the
    # anchor, or after it but ending before the reference (the body runs in order, and code
    # after a statement, a function's body too, runs after it). pydantic's `import pydantic.types`
    # two lines below `import pydantic` was imported again, and its cycle reported as new (review27a).
    imported = any(b.dotted == new.module and (b.line <= anchor.lineno or _ends_before(b.statement, node)) for b in tops)
    # `import new.module`, added after the anchor, runs where it does: it must close no new cycle.
    importer, line = ("", 0) if imported else (ctx.ref.module, anchor.lineno)
    if new.member is not None:
        needs: tuple[Need, ...] = (Need(old.dotted, new.dotted, False, importer, line, chain=True),)
    else:
        # `x = pkg.mod` (nothing read from it here): the module as a value, what is read through it is unknown
        read = attribute or WHOLE
        needs = (Need(old.module, new.module, True, importer, line, chain=True), Need(f"{old.module}.{read}", f"{new.module}.{read}", chain=True))
    unsafe = ""
    if not imported and ctx.ref.implied and isinstance(anchor, ast.ImportFrom) and anchor.level:
        unsafe = (
            f"`{new.dotted}` would be read through a new absolute `import {new.module}` where `{head}` was imported relatively, "
            f"and this module's name is only inferred (a package below a folder without __init__.py): the absolute name may not import; configure `src` to name it"
        )
    adds = None if imported else new.module
    return ReferencePlan(plan.span, old, new, written, head, new.dotted, (start[0], start[1]), adds, needs, unsafe=unsafe)


def _ends_before(statement: ast.stmt | None, node: ast.expr) -> bool:
    return statement is not None and statement.end_lineno is not None and statement.end_lineno < node.lineno


def removable(ctx: FileContext, plans: list[ReferencePlan]) -> set[str]:
    """The heads whose import can go once ``plans`` (the rewrites applied) are: every read of
    the head is one of them, and nothing else may need the name (see the module docstring)."""
    if ctx.ref.is_package or not plans:
        return set()
    bindings = FileBindings(ctx.tree)
    rewritten = Counter(plan.head for plan in plans if not plan.keeps_head)
    return {
        head
        for head, count in rewritten.items()
        if len(bindings.names.get(head, [])) == 1 and bindings.loads[head] == count and not bindings.named_in_strings(head)
    }
