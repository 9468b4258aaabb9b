"""References to deprecated members through an import of a package above them (#18 item 6):
``import collections`` ... ``collections.OrderedDict`` for a rule on ``collections:OrderedDict``.

Whether such a reference can be rewritten is decided here, on CPython's tree of the whole file,
so that ``check`` (the finding's applicability) and ``fix`` (the edit, on libcst's tree) decide
alike. A reference ``h.path.Member`` (``h`` bound by an import) becomes
``new.module.NewMember``, and ``import new.module`` is added right after the import that binds
``h``, unless the module body imports it so already, at or before that import. The rewrite is
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
    plans = []
    for (node, old, new, _), span in zip(references, spans):
        written = dotted_name(node) or ""
        base = ReferencePlan(span, old, new, written, written.split(".")[0])
        outer = next((w for s, w in zip(spans, references) if s != span and _within(span, s)), None)
        if outer is not None:
            plans.append(_refuse(base, f"`{written}` is part of `{dotted_name(outer[0])}`, which is rewritten as a whole"))
            continue
        plans.append(_plan(ctx, bindings, node, base, read_through.get(span), _stored_through(node, read_from)))
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
    top = new.module.split(".")[0]
    if bindings.star is not None:
        return _refuse(plan, f"the star import at line {bindings.star.lineno} might bind `{top}`")
    tops = bindings.names.get(top, [])
    clash = next((b for b in tops if b.kind != _PLAIN or id(b.statement) not in bindings.top), None)
    if clash is not None:
        return _refuse(plan, f"`{top}` is already bound by {clash.kind} at line {clash.line}")
    if not tops and bindings.loads[top]:
        return _refuse(plan, f"`{top}` is already used in this file (as a name that no import binds)")
    imported = any(b.dotted == new.module and b.line <= anchor.lineno for b in tops)
    # `import new.module`, added after the anchor, runs where it does: it must close no new cycle.
    importer, line = ("", 0) if imported else (ctx.ref.module, anchor.lineno)
    if new.member is not None:
        needs: tuple[Need, ...] = (Need(old.dotted, new.dotted, False, importer, line, chain=True),)
    else:
        # `x = pkg.mod` (nothing read from it here): the module as a value, what is read through it is unknown
        read = attribute or WHOLE
        needs = (Need(old.module, new.module, True, importer, line, chain=True), Need(f"{old.module}.{read}", f"{new.module}.{read}", chain=True))
    start = ctx.span(anchor)
    return ReferencePlan(plan.span, old, new, written, head, new.dotted, (start[0], start[1]), None if imported else new.module, needs)


def removable(ctx: FileContext, plans: list[ReferencePlan]) -> set[str]:
    """The heads whose import can go once ``plans`` (the rewrites applied) are: every read of
    the head is one of them, and nothing else may need the name (see the module docstring)."""
    if ctx.ref.is_package or not plans:
        return set()
    bindings = FileBindings(ctx.tree)
    rewritten = Counter(plan.head for plan in plans)
    return {
        head
        for head, count in rewritten.items()
        if len(bindings.names.get(head, [])) == 1 and bindings.loads[head] == count and not bindings.named_in_strings(head)
    }
