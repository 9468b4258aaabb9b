"""The names a module-level ``__getattr__`` (PEP 562) warns for, read from CPython's ``ast`` (part
of the per-file half of ``declared-deprecation``; a mixin of the declarations reader).

Read: ``if name == "X":`` / ``if name in ("X", ...):`` / ``if name in MOVED:`` blocks that warn,
and a guard that turns every other name away first (``if name not in MOVED: raise
AttributeError(...)``, or ``return`` the fallthrough; ``if name != "X": raise ...``) followed by
statements that warn: each name of ``MOVED`` (a module-level literal dict, list, tuple or set of
strings) is declared. A warning helper's call warns too (``_deprecation_warning(__name__, name,
canonical_name, remove=remove)``), and when ``MOVED``'s value for the name holds a dotted string
the call is passed (``canonical_name`` unpacked from ``MOVED[name]``), that string is the
replacement, as Sphinx declares its moved names.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ssot_lint.analysis.getattr_forward import getattr_of, reraises
from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.declared_deprecation.texts import clip, message_text, string

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)


@dataclass(frozen=True)
class Selected:
    """The names a test selects (``negated``: the test is true for every other name), with the
    table's value for each (``entries``, when the table is a dict) and their literal texts."""

    names: list[str]
    entries: dict[str, ast.expr]
    texts: dict[str, str] | None
    negated: bool


class GetattrHooks:
    """Reads ``__getattr__``; the reader supplies the name lookups and warn recognition."""

    literals: dict[str, ast.expr]  # module-level NAME = <literal>
    bound: dict[str, str]  # local name -> the dotted name an import binds it to

    def is_warn(self, call: ast.Call) -> bool:
        raise NotImplementedError

    def names_helper(self, call: ast.Call) -> bool:
        raise NotImplementedError

    def category(self, call: ast.Call, env: dict[str, ast.expr] | None = None) -> str | None:
        raise NotImplementedError

    def warn_text(self, call: ast.Call, env: dict[str, ast.expr] | None = None, subst: dict[str, str] | None = None) -> str:
        raise NotImplementedError

    def declare_name(self, name: str, text: str, line: int, category: str, replacement: str) -> None:
        raise NotImplementedError

    def getattr_hook(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not node.args.args:
            return
        param = node.args.args[0].arg
        declared = False
        for statement, _ in statements(node.body, into_definitions=False):
            if isinstance(statement, ast.If):
                selected = self.names_tested(statement.test, param)
                if selected is not None and not selected.negated:
                    declared |= self.read_names(selected, statement.body, param, statement.test)
        for position, statement in enumerate(node.body):
            if isinstance(statement, ast.If) and not statement.orelse and isinstance(statement.body[-1], (ast.Raise, ast.Return)):
                selected = self.names_tested(statement.test, param)
                if selected is not None and selected.negated:  # every other name left: the rest runs for these
                    self.read_names(selected, node.body[position + 1 :], param, statement.test)
                    return
        if not declared:  # no name of its own warned for: it may forward every name (NumPy's numpy.core shims)
            self.forwarding_hook(node.body, param)

    def read_names(self, selected: Selected, body: list[ast.stmt], param: str, test: ast.expr) -> bool:
        lookups = {f"{name}[{param}]" for name in self.table_names(test)}
        declared = False
        for name in selected.names:
            subst = {param: name}
            text = (selected.texts or {}).get(name)
            if text:
                subst.update(dict.fromkeys(lookups, text))
            warned = self.warn_in(body, subst, selected.entries.get(name), lookups)
            if warned is not None:
                call, category, shown, replacement = warned
                self.declare_name(name, shown, call.lineno, category, replacement)
                declared = True
        return declared

    def forwarding_hook(self, body: list[ast.stmt], param: str) -> None:
        """A hook that forwards every name to another module and warns for each: its statements,
        in order, bind ``ret = getattr(new, name[, default])`` (``new`` a module, imported in the
        hook or at module level), may guard that it was found (``if ret is default: raise ...``,
        or ``try: ... except AttributeError: raise``) and then warn, before any ``return``. A name
        test whose block raises first (``if name in {...}: raise ImportError``) turns those names
        away; any other compound statement (a warning under a condition) ends the reading, and the
        hook must ``return`` what it read, as it read it."""
        found: str | None = None  # the variable holding getattr's result
        new = ""
        refused: list[str] = []
        warned: ast.Call | None = None
        for statement in body:
            if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)) or (isinstance(statement, ast.Expr) and not isinstance(statement.value, ast.Call)):
                continue
            if isinstance(statement, ast.Try) and found is None and reraises(statement):
                statement = statement.body[0]  # try: ret = getattr(new, name) except AttributeError: raise
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
                if statement.targets[0].id in (found, param):
                    return  # what it read (or the name) bound again
                forwarded = self.forwarded_module(statement.value, param) if found is None else None
                if forwarded:
                    found, new = statement.targets[0].id, forwarded
                continue  # sentinel = object(), and other simple bindings
            if isinstance(statement, ast.If) and not statement.orelse and isinstance(statement.body[-1], ast.Raise):
                selected = self.names_tested(statement.test, param)
                if selected is not None and not selected.negated and found is None:
                    refused += selected.names  # turned away before any warning
                    continue
                if found is not None and any(isinstance(n, ast.Name) and n.id == found for n in ast.walk(statement.test)):
                    continue  # the guard that the name was found
                return
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and found is not None:
                call = statement.value
                if warned is None and (self.is_warn(call) or self.names_helper(call)) and self.category(call) is not None:
                    warned = call
                continue
            if isinstance(statement, ast.Return) and warned is not None and isinstance(statement.value, ast.Name) and statement.value.id == found:
                self.declare_forward(new, self.call_text(warned, {}, {}), warned.lineno, str(self.category(warned)), tuple(refused))
            return

    def forwarded_module(self, value: ast.expr, param: str) -> str | None:
        """``new`` (qualified) when ``value`` is ``getattr(new, param[, default])`` and ``new`` is
        bound by an import (in the hook or at module level), not an object of the module's own."""
        source = getattr_of(value, param)
        return self.bound.get(source) if source is not None else None

    def declare_forward(self, new: str, text: str, line: int, category: str, refused: tuple[str, ...]) -> None:
        raise NotImplementedError

    def table_names(self, test: ast.expr) -> list[str]:
        return [c.id for c in ast.walk(test) if isinstance(c, ast.Name) and c.id in self.literals]

    def names_tested(self, test: ast.expr, param: str) -> Selected | None:
        """The names ``test`` selects: ``name == "X"``, ``name in (...)`` / ``in TABLE``, and
        their negations (``!=``, ``not in``)."""
        if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == param and len(test.ops) == 1):
            return None
        op, right = test.ops[0], test.comparators[0]
        negated = isinstance(op, (ast.NotEq, ast.NotIn))
        if isinstance(op, (ast.Eq, ast.NotEq)):
            value = string(right)
            return Selected([value], {}, None, negated) if value is not None else None
        if not isinstance(op, (ast.In, ast.NotIn)):
            return None
        if isinstance(right, ast.Name) and right.id in self.literals:
            right = self.literals[right.id]
        if isinstance(right, ast.Dict):
            entries = {key: value for key, value in ((string(k) if k is not None else None, v) for k, v in zip(right.keys, right.values)) if key is not None}
            return Selected(list(entries), entries, {k: message_text(v) or "" for k, v in entries.items()}, negated)
        if isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            return Selected([s for s in (string(e) for e in right.elts) if s is not None], {}, None, negated)
        return None

    def warn_in(self, body: list[ast.stmt], subst: dict[str, str], entry: ast.expr | None, lookups: set[str]) -> tuple[ast.Call, str, str, str] | None:
        """The first warn (or warning helper call) in ``body`` for one name: (call, category, its
        text, the replacement it is passed). ``entry``: the table's value for the name, which
        ``x = TABLE[name]`` and ``a, b = TABLE[name]`` bind."""
        env: dict[str, ast.expr] = {}
        for statement, _ in statements(body, into_definitions=False):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                self.bind(statement.targets[0], statement.value, env, subst, entry, lookups)
            if isinstance(statement, _BLOCKS):
                continue
            for call in (c for c in ast.walk(statement) if isinstance(c, ast.Call)):
                if self.is_warn(call) or self.names_helper(call):
                    category = self.category(call)
                    if category is not None:
                        return call, category, self.call_text(call, env, subst), self.passed(call, env, entry, lookups)
        return None

    @staticmethod
    def bind(target: ast.expr, value: ast.expr, env: dict[str, ast.expr], subst: dict[str, str], entry: ast.expr | None, lookups: set[str]) -> None:
        written = ast.unparse(value)
        if isinstance(target, ast.Name):
            env[target.id] = entry if written in lookups and entry is not None else value
            if written in subst:  # new = MOVED[name]: f"... use {new}" quotes the table's value
                subst[target.id] = subst[written]
        elif isinstance(target, ast.Tuple) and written in lookups and isinstance(entry, ast.Tuple) and len(entry.elts) == len(target.elts):
            for name, element in zip(target.elts, entry.elts):  # obj, canonical, remove = MOVED[name]
                if isinstance(name, ast.Name):
                    env[name.id] = element
                    if string(element) is not None:
                        subst[name.id] = str(string(element))

    def call_text(self, call: ast.Call, env: dict[str, ast.expr], subst: dict[str, str]) -> str:
        """The warning's text; for a helper passed no literal message, the call as written with
        the name and the table's literal values in place of the variables holding them."""
        first = call.args[0] if call.args else None
        if self.is_warn(call) or message_text(first, env, subst) is not None:
            return self.warn_text(call, env, subst)

        def shown(node: ast.expr) -> ast.expr:
            if isinstance(node, ast.Name) and node.id in subst and node.id not in env:
                return ast.Constant(subst[node.id])
            value = env.get(node.id) if isinstance(node, ast.Name) else None
            return value if value is not None and _literal(value) else node

        written = ast.Call(call.func, [shown(a) for a in call.args], [ast.keyword(k.arg, shown(k.value)) for k in call.keywords])
        return clip(ast.unparse(written))

    def passed(self, call: ast.Call, env: dict[str, ast.expr], entry: ast.expr | None, lookups: set[str]) -> str:
        """A dotted string from the table that a helper call is passed: the replacement."""
        if self.is_warn(call):
            return ""
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            value = entry if ast.unparse(argument) in lookups else env.get(argument.id) if isinstance(argument, ast.Name) else None
            text = string(value)
            if text is not None and _DOTTED.fullmatch(text):
                return text
        return ""


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True
