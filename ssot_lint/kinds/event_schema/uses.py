"""How a file uses an event dict bound to a name: what the "still reads" note of an event fix must
show (review12: the note named 3 of about 10 reads; review17b: it said nothing where the event
left its name in a tuple, a list, an attribute, or through a helper passing it on).

Every use of the name, in the scope that binds it (``scopes``: another function's variable of
the same name is another value), is one of:

- a **key access** (``readers``): ``ev["type"]``, ``ev.get("type")``, ``ev.update(data=...)``,
  ``"type" in ev``, a ``match ev`` whose cases are mapping patterns (or ``_``), ``f(**ev)``;
- a **copy**, followed as the event itself: ``x = ev``, ``x: T = ev``, ``(x := ev)``,
  ``dict(ev)``, ``dict(**ev)``, ``{**ev}``, ``ev | {...}``, ``ev.copy()``, ``copy.copy(ev)``,
  ``ev if c else y``, ``ev or y`` (a value that may be the event), assigned to a name;
- passed to a **helper**, a function the same file defines (a ``def``, or a ``lambda``
  assigned to a name), by position or by keyword: the uses of its parameter are the event's
  (one level deep: what the helper passes on, returns or stores is named as passed on by it);
- **harmless**: its truth (``if ev``, ``not ev``) or identity (``ev is None``) is tested;
- an **escape**, where its reads cannot be seen: passed to any other call, iterated, returned,
  yielded, and any other use (stored in an attribute, put in a tuple, list or dict, compared,
  formatted ...): what is not understood is an escape, never silence.
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass, field

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.kinds.event_schema.readers import Access, Position, accesses_of, constant_keys
from ssot_lint.kinds.event_schema.scopes import Scopes, bound_by

_ITERATING = ("items", "keys", "values")
_COPY_CALLS = ("dict", "copy", "deepcopy", "copy.copy", "copy.deepcopy")
_HARMLESS = (ast.If, ast.While, ast.Assert, ast.Expr)
Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
Binding = tuple[ast.AST, str]  # the scope that binds a name, and the name


def _parameter(function: Function, call: ast.Call, argument: ast.AST) -> str | None:
    """The parameter of ``function`` that ``argument`` of ``call`` is bound to."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and function.decorator_list:
        return None  # a decorator may change what is passed
    for index, arg in enumerate(call.args):
        if arg is argument:
            if any(isinstance(a, ast.Starred) for a in call.args[:index]):
                return None
            return positional[index].arg if index < len(positional) else None
    for keyword in call.keywords:
        if keyword.value is argument and keyword.arg is not None:
            known = {a.arg for a in (*positional, *arguments.kwonlyargs)}
            return keyword.arg if keyword.arg in known else None
    return None


class FileUses:
    """What every event of one file is followed through, read in one walk of the tree."""

    def __init__(self, tree: ast.Module) -> None:
        self.parent: dict[ast.AST, ast.AST] = {}
        self.assigned: dict[Position, list[ast.Name]] = {}  # the position of an assigned value -> the names it is assigned to
        self._names: dict[str, list[ast.Name]] = {}  # each use of a name (an augmented assignment's target too)
        bindings: dict[str, int] = {}
        functions: dict[str, Function | None] = {}
        pending: deque[ast.AST] = deque([tree])
        while pending:
            node = pending.popleft()
            children = list(ast.iter_child_nodes(node))
            self.parent.update((child, node) for child in children)
            pending.extend(children)
            if isinstance(node, ast.Name) and (isinstance(node.ctx, ast.Load) or isinstance(self.parent.get(node), ast.AugAssign)):
                self._names.setdefault(node.id, []).append(node)
            for name in (*bound_by(node), *(node.names if isinstance(node, (ast.Global, ast.Nonlocal)) else ())):
                bindings[name] = bindings.get(name, 0) + 1
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = None if node.name in functions else node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                value = node.value
                targets = [t for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)]
                self.assigned.setdefault((value.lineno, value.col_offset + 1), []).extend(targets)
                if isinstance(value, ast.Lambda):
                    functions.update((t.id, None if t.id in functions else value) for t in targets)
        self.scopes = Scopes(tree, self.parent)
        self.constants = constant_keys(tree, bindings)
        # the functions the file defines, by name; a name defined twice is left out (which one runs is not known)
        self.functions = {name: function for name, function in functions.items() if function is not None}
        self._uses: dict[Binding, list[ast.Name]] = {}
        self._resolved: set[str] = set()

    def binding(self, name: ast.Name) -> Binding:
        return self.scopes.binding(name), name.id

    def uses(self, binding: Binding) -> list[ast.Name]:
        """The uses of the name bound by ``binding`` (computed for the names asked about only)."""
        _, name = binding
        if name not in self._resolved:
            self._resolved.add(name)
            for node in self._names.get(name, ()):
                self._uses.setdefault(self.binding(node), []).append(node)
        return self._uses.get(binding, [])


@dataclass(frozen=True)
class _Via:
    """How the uses followed reach the event: directly (``helper`` None), or through the
    parameter of a helper it is passed to as ``caller`` at ``line``."""

    helper: str | None = None
    caller: str = ""
    line: int = 0

    @property
    def note(self) -> str:
        return f"({self.helper}, called with {self.caller} at line {self.line})" if self.helper else ""


@dataclass
class EventUses:
    """``accesses``: each key access with its note (``(kind_of, called with ev at line 25)``);
    ``escapes``: position -> ``ev is passed to json.dumps at line 30``."""

    accesses: list[tuple[Access, str]] = field(default_factory=list)
    escapes: dict[Position, str] = field(default_factory=dict)


class _Follower:
    def __init__(self, file: FileUses, spread_keys: set[str]) -> None:
        self.file = file
        self.spread_keys = spread_keys  # the keys ``f(**ev)`` passes that the fix renames or moves
        self.result = EventUses()
        self.pending: list[tuple[Binding, _Via]] = []
        self.seen: set[tuple[Binding, _Via]] = set()

    def add(self, binding: Binding, via: _Via) -> None:
        if (binding, via) not in self.seen:
            self.seen.add((binding, via))
            self.pending.append((binding, via))

    def run(self) -> EventUses:
        while self.pending:
            binding, via = self.pending.pop()
            for node in self.file.uses(binding):
                self.use(node, via)
        return self.result

    def escape(self, node: ast.Name, via: _Via, what: str) -> None:
        """``what``: ``is passed to f``, ``is iterated``, ``is returned``, ``escapes`` ..."""
        at = (node.lineno, node.col_offset + 1)
        if via.helper:  # out of the helper: whatever it does with it, its reads are not known
            what = "is iterated by" if what == "is iterated" else "is passed on by"
            self.result.escapes.setdefault(at, f"{via.caller} {what} {via.helper} at line {node.lineno}")
        else:
            self.result.escapes.setdefault(at, f"{node.id} {what} at line {node.lineno}")

    def use(self, node: ast.Name, via: _Via) -> None:  # noqa: C901, PLR0911, PLR0912 -- one case per way an expression is used
        parent = self.file.parent
        value: ast.AST = node  # the expression whose value is the event (or a copy of it)
        while True:
            above = parent[value]
            if isinstance(above, ast.Match) and above.subject is value and not all(_plain(case.pattern) for case in above.cases):
                return self.escape(node, via, "escapes")  # a capture pattern binds it, or part of it, to another name
            accessed = accesses_of(above, self.file.constants)
            if accessed is not None and accessed[0] is value:
                self.result.accesses += [(access, via.note) for access in accessed[1]]
                return None
            if isinstance(above, ast.Attribute):
                call = parent.get(above)
                if not (isinstance(call, ast.Call) and call.func is above):
                    return self.escape(node, via, "escapes")
                accessed = accesses_of(call, self.file.constants)
                if accessed is not None:
                    self.result.accesses += [(access, via.note) for access in accessed[1]]
                    return None
                if above.attr in _ITERATING:
                    return self.escape(node, via, "is iterated")
                if above.attr != "copy" or call.args or call.keywords:
                    return self.escape(node, via, "escapes")
                value = call
            elif self._copy(above, value) or isinstance(above, ast.BoolOp) or (isinstance(above, ast.IfExp) and above.test is not value):
                value = above
            elif isinstance(above, ast.keyword) and above.arg is None:
                call = parent[above]
                if isinstance(call, ast.Call) and dotted_name(call.func) == "dict":
                    value = call
                    continue
                at = (value.lineno, value.col_offset + 1)  # type: ignore[attr-defined]
                self.result.accesses += [(Access(at, key, "reads"), via.note) for key in sorted(self.spread_keys)]
                return None
            elif isinstance(above, ast.Call) and value is not above.func:
                return self.call(node, via, above, value)
            elif isinstance(above, ast.keyword) and isinstance(parent[above], ast.Call):  # (not a class's keyword)
                return self.call(node, via, parent[above], value)  # type: ignore[arg-type]
            elif isinstance(above, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and above.value is value:
                targets = above.targets if isinstance(above, ast.Assign) else [above.target]
                if not all(isinstance(target, ast.Name) for target in targets):
                    return self.escape(node, via, "escapes")
                for target in targets:
                    self.add(self.file.binding(target), via)  # type: ignore[arg-type]
                if not isinstance(above, ast.NamedExpr):
                    return None
                value = above
            elif isinstance(above, (ast.For, ast.AsyncFor, ast.comprehension)) and above.iter is value:
                return self.escape(node, via, "is iterated")
            elif isinstance(above, (ast.Return, ast.Yield, ast.YieldFrom)):
                return self.escape(node, via, "is returned" if isinstance(above, ast.Return) else "is yielded")
            elif _harmless(above, value):
                return None
            else:
                return self.escape(node, via, "escapes")

    def _copy(self, above: ast.AST, value: ast.AST) -> bool:
        """Whether ``above`` is a copy of ``value`` (``dict(value)``, ``{**value}``, ``value | x``)."""
        if isinstance(above, ast.BinOp) and isinstance(above.op, ast.BitOr):
            return True
        if isinstance(above, ast.Dict):
            return any(key is None and v is value for key, v in zip(above.keys, above.values, strict=True))
        if isinstance(above, ast.Call) and value in above.args:
            func = above.func
            return dotted_name(func) in _COPY_CALLS and not (isinstance(func, ast.Name) and func.id in self.file.functions)
        return False

    def call(self, node: ast.Name, via: _Via, call: ast.Call, value: ast.AST) -> None:
        """The event (``value``, as ``node``) passed to ``call``: a helper's uses of its
        parameter are followed (one level deep); any other call is an escape."""
        func = call.func
        helper = func.id if isinstance(func, ast.Name) and func.id in self.file.functions and not via.helper else None
        parameter = _parameter(self.file.functions[helper], call, value) if helper is not None else None
        if helper is None or parameter is None:
            self.escape(node, via, f"is passed to {dotted_name(func) or 'a call'}")
        else:
            self.add((self.file.functions[helper], parameter), _Via(helper, node.id, node.lineno))


def _plain(pattern: ast.pattern) -> bool:
    """A ``case`` pattern that reads keys of the subject and binds no part of the subject itself
    (a mapping pattern without ``**rest``, ``_``, or an alternative of those)."""
    if isinstance(pattern, ast.MatchOr):
        return all(_plain(p) for p in pattern.patterns)
    if isinstance(pattern, ast.MatchMapping):
        return pattern.rest is None
    return isinstance(pattern, ast.MatchAs) and pattern.pattern is None and pattern.name is None


def _harmless(above: ast.AST, value: ast.AST) -> bool:
    """A use that neither reads the event's keys nor lets it go: its truth, its identity, or a
    bare expression statement."""
    if isinstance(above, (*_HARMLESS, ast.IfExp)) and getattr(above, "test", value) is value:
        return True
    if isinstance(above, ast.UnaryOp) and isinstance(above.op, ast.Not):
        return True
    return isinstance(above, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in above.ops)


def follow(file: FileUses, names: list[ast.Name], spread_keys: set[str]) -> EventUses:
    """How the event assigned to ``names`` is used (see the module's docstring); ``spread_keys``:
    the keys its fix renames or moves."""
    follower = _Follower(file, spread_keys)
    for name in names:
        follower.add(file.binding(name), _Via())
    return follower.run()
