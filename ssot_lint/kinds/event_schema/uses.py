"""How a file uses an event dict bound to a name, beyond reading its keys through that name: what
the "still reads" note of an event fix must also show (review12, /tmp/rv12b-4: the note named 3 of
about 10 reads, and the fixed program raised ``KeyError: 'type'`` in a helper it never named).

- **Copies** are followed as the event itself: ``x = ev``, ``x: T = ev``, ``dict(ev)``,
  ``dict(**ev)``, ``{**ev}``, ``ev | {...}``, ``ev.copy()``, ``copy.copy(ev)`` /
  ``copy.deepcopy(ev)`` assigned to a name (to a fixpoint: a copy of a copy too).
- **Helpers**: the event (or a copy) passed to a function defined in the same file (a ``def``, or
  a ``lambda`` assigned to a name), by position or by keyword: that function's reads through the
  parameter are the event's reads (one level deep).
- **Escapes**, where the reads cannot be seen: passed to any other call, iterated (``for k in
  ev``, ``ev.items()`` / ``keys()`` / ``values()``), returned or yielded. Each is named once.

Scopes are not told apart (a name is the same name everywhere in the file), as ``readers`` does.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.kinds.event_schema.readers import Position, key_readers

_ITERATING = ("items", "keys", "values")
_COPY_CALLS = ("dict", "copy", "deepcopy", "copy.copy", "copy.deepcopy")
Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


@dataclass
class EventUses:
    """``names``: the event's names and their copies; ``reads``: key -> the reads of helpers
    called with it, each with its note (``(kind_of, called with ev at line 25)``); ``escapes``:
    ``ev is passed to json.dumps at line 30``, in source order."""

    names: set[str]
    reads: dict[str, list[tuple[Position, str]]] = field(default_factory=dict)
    escapes: list[str] = field(default_factory=list)


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _copied(value: ast.expr, names: set[str]) -> bool:
    """Whether ``value`` is one of ``names`` or a copy of one."""
    if isinstance(value, ast.Name):
        return value.id in names
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        return _copied(value.left, names) or _copied(value.right, names)
    if isinstance(value, ast.Dict):
        return any(key is None and _copied(v, names) for key, v in zip(value.keys, value.values, strict=True))
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr == "copy" and not value.args:
            return _copied(func.value, names)
        if dotted_name(func) in _COPY_CALLS:
            return any(_copied(a, names) for a in value.args) or any(k.arg is None and _copied(k.value, names) for k in value.keywords)
    return False


def _assigned(node: ast.AST) -> tuple[ast.expr, list[ast.expr]] | None:
    if isinstance(node, ast.Assign):
        return node.value, node.targets
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return node.value, [node.target]
    return None


def copies(tree: ast.AST, names: set[str]) -> set[str]:
    """``names`` and every name bound to a copy of one of them (see the module's docstring)."""
    found = set(names)
    assignments = [a for a in map(_assigned, ast.walk(tree)) if a is not None]
    grew = True
    while grew:
        grew = False
        for value, targets in assignments:
            if _copied(value, found):
                new = {t.id for t in targets if isinstance(t, ast.Name)} - found
                found |= new
                grew |= bool(new)
    return found


def local_functions(tree: ast.AST) -> dict[str, Function]:
    """The functions the file defines, by name: ``def``s and lambdas assigned to a name. A name
    defined twice is left out (which one runs is not known)."""
    found: dict[str, Function | None] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = None if node.name in found else node
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = None if target.id in found else node.value
    return {name: function for name, function in found.items() if function is not None}


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


def follow(tree: ast.AST, names: set[str], keys: set[str]) -> EventUses:
    """How the event bound to ``names`` is used (see the module's docstring); ``keys``: the keys
    its fix renames or moves."""
    uses = EventUses(copies(tree, names))
    parents = _parents(tree)
    functions = local_functions(tree)
    reads: dict[str, set[tuple[Position, str]]] = {}
    escapes: dict[Position, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in uses.names):
            continue
        parent = parents.get(node)
        at = (node.lineno, node.col_offset + 1)
        if isinstance(parent, ast.keyword):
            argument: ast.AST = parent
            parent = parents.get(parent)
        else:
            argument = node
        if isinstance(parent, ast.Call) and argument is not parent.func:
            func = parent.func
            name = dotted_name(func)
            function = functions.get(func.id) if isinstance(func, ast.Name) else None
            parameter = _parameter(function, parent, node) if function is not None else None
            if function is not None and parameter is not None:
                note = f"({func.id}, called with {node.id} at line {node.lineno})"  # type: ignore[attr-defined]
                for key, places in key_readers(function, keys, {}).items():
                    reads.setdefault(key, set()).update((where, note) for where, via in places if via == parameter)
            elif isinstance(argument, ast.keyword) and argument.arg is None and name != "dict":
                continue  # `f(**ev)`: its keys are read (``readers``)
            elif not (_copied(parent, uses.names) and isinstance(parents.get(parent), (ast.Assign, ast.AnnAssign))):
                escapes.setdefault(at, f"{node.id} is passed to {name or 'a call'} at line {node.lineno}")
        elif isinstance(parent, ast.Attribute) and parent.attr in _ITERATING and isinstance(parents.get(parent), ast.Call):
            escapes.setdefault(at, f"{node.id} is iterated at line {node.lineno}")
        elif isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            escapes.setdefault(at, f"{node.id} is iterated at line {node.lineno}")
        elif isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
            escapes.setdefault(at, f"{node.id} is {'returned' if isinstance(parent, ast.Return) else 'yielded'} at line {node.lineno}")
    uses.reads = {key: sorted(places) for key, places in reads.items()}
    uses.escapes = [escapes[at] for at in sorted(escapes)]
    return uses


def still_reads(tree: ast.AST, path: str, keys: set[str], readers: dict[str, list[tuple[Position, str | None]]], through: set[str] | None) -> str:
    """The note's tail: where the file reads ``keys`` of the event (through ``through``, its
    names and copies; through any name when it is bound to none), the reads of the helpers it
    is passed to, and where it escapes so its reads are not known (``uses``)."""
    uses = follow(tree, through, keys) if through else None
    helper_reads = uses.reads if uses is not None else {}
    reads = []
    for key in sorted(keys):
        direct = [(at, "") for at, via in readers.get(key, []) if not through or via in through]
        seen = {at for at, _ in direct}  # a helper's parameter named as the event: listed once
        places = direct + [(at, note) for at, note in helper_reads.get(key, []) if at not in seen]
        reads += [f"'{key}' at {path}:{at[0]}{' ' + note if note else ''}" for at, note in sorted(places, key=lambda place: place[0])]
    tail = f"; the file still reads {', '.join(reads)}" if reads else ""
    if uses is not None and uses.escapes:
        tail += f"; {', '.join(uses.escapes)}: its reads are not known"
    return tail
