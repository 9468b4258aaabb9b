"""Whether a module-level statement does more, when the module is imported, than bind names of
its own module: what fix verification asks of a module a rewrite would stop importing
(``ModuleSummary.effects``, ``fix.import_runs.ImportRuns.imports_less``)."""

from __future__ import annotations

import ast
import sys
from bisect import bisect_right
from collections.abc import Collection, Sequence
from typing import TypeGuard

from ssot_lint.analysis.imports import dotted_name
from ssot_lint.analysis.syntax import cpython_parse, first_line

_QUIET_CALLS = frozenset(("__all__.extend", "__all__.append", "__all__.remove"))


def warning_call(func: str | None) -> bool:
    """Whether a call of ``func`` (dotted) issues a warning: ``warnings.warn(...)``,
    ``warn(...)``, ``warn_explicit``, through any module alias (``import warnings as _w;
    _w.warn(...)``), or a project's helper named for it (SymPy's ``sympy_deprecation_warning``,
    ``warn_deprecated``, any name ending in ``warning`` but ``warning`` itself). A logging call is
    none: ``logging.warning``, ``logger.warn``, ``_LOGGER.warning`` (a head named for logging)
    and a bare ``warning(...)`` log, and ``logging.warning`` configures the root logger. The one
    predicate for both "quiet" (``_quiet_call``) and "warns" (``warns``): a call that is quiet
    because it warns is counted as a warning, by construction."""
    if func is None:
        return False
    head, _, last = func.rpartition(".")
    if "log" in head.rpartition(".")[2].lower():
        return False  # logging.*, logger.*, _LOGGER.*, log.*: a logging call, an effect
    last = last.lower()
    return last in ("warn", "warn_explicit", "warn_deprecated") or (last.endswith("warning") and last != "warning")


def _quiet_call(func: str | None) -> bool:
    """A module-level call that only warns (``warning_call``) or keeps ``__all__``. A helper
    named for deprecation alone (``register_deprecated_alias``) may do anything, and so may
    ``filterwarnings`` and ``simplefilter``, which change how every later warning is handled."""
    return func in _QUIET_CALLS or warning_call(func)


def warns(node: ast.AST) -> bool:
    """Whether a statement is a call that issues a warning (``warning_call``)."""
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and warning_call(dotted_name(node.value.func))


# Decorators that only build the thing they decorate: anything else may register it somewhere
# (a plugin table, a URL map, a signal), which stops happening when the module is not imported.
_PURE_DECORATORS = frozenset(
    ("dataclass", "property", "staticmethod", "classmethod", "cached_property", "cache", "lru_cache", "wraps", "total_ordering", "overload", "final")
    + ("override", "deprecated", "unique", "runtime_checkable", "contextmanager", "asynccontextmanager", "singledispatch", "abstractmethod")
)
# The builtins among them: pure until the module binds the name itself.
BUILTIN_DECORATORS = frozenset(("property", "staticmethod", "classmethod"))


# The top-level names ``pure_source`` accepts (the summary walk's C code is given them too).
PURE_TOPS = frozenset(sys.stdlib_module_names - {"__main__"})


def pure_source(module: str) -> bool:
    """Whether a decorator named like a pure one (``_PURE_DECORATORS``) that a module imports
    from ``module`` (absolute) is the pure one: ``module`` is the standard library's. One from a
    project's package, the module's own or another top-level one (``from mylib.utils import
    cache`` in ``myapp/``), may register what it decorates; a third-party one is not told apart
    (importing a module from outside the project and the standard library counts as an effect
    of its own: ``fix.import_runs``)."""
    return module.partition(".")[0] in PURE_TOPS


# Standard-library modules whose import does no more than define names (top-level names: their
# submodules too). Any other one may do more on import (``this`` prints, ``multiprocessing`` and
# ``concurrent.futures`` register exit handlers, ``encodings.*`` register codecs, ``readline``
# changes the terminal): a rewrite that stops running a module importing one is unsafe. Kept
# for shims (`import warnings`, `typing`); trusting none changes no verdict on Django 5.2.8 or
# /tmp/djf. Checked once (3.11): 11 of these import modules off the list (gettext, locale, dis,
# tokenize, linecache, atexit, bz2, lzma, zlib, random, platform, sysconfig), none with an effect
# that depends on when it runs (logging's exit handler flushes; random seeds from the system).
_DEFINING_STDLIB = frozenset(
    ("__future__", "abc", "argparse", "array", "ast", "base64", "binascii", "bisect", "builtins", "calendar", "collections", "contextlib")
    + ("contextvars", "copy", "dataclasses", "datetime", "decimal", "difflib", "enum", "errno", "fnmatch", "fractions", "functools", "glob")
    + ("hashlib", "heapq", "hmac", "html", "importlib", "inspect", "io", "ipaddress", "itertools", "json", "keyword", "logging", "math")
    + ("numbers", "operator", "os", "pathlib", "posixpath", "pprint", "re", "shlex", "shutil", "stat", "string", "struct", "sys")
    + ("tempfile", "textwrap", "threading", "time", "traceback", "types", "typing", "unicodedata", "urllib", "uuid", "warnings", "weakref", "zoneinfo")
)


def defines_only(module: str) -> bool:
    """Whether importing the standard-library module ``module`` (absolute) is known to do no
    more than define names (``_DEFINING_STDLIB``)."""
    return module.partition(".")[0] in _DEFINING_STDLIB


def _pure_decorator(decorator: ast.expr, pure: Collection[str]) -> bool:
    """A decorator that only builds what it decorates, and whose arguments call nothing: named
    like one of ``_PURE_DECORATORS``, through a name in ``pure`` (a builtin the module does not
    bind, or a name it imports from a ``pure_source``: ``@functools.cache``, ``@dataclass``
    after ``from dataclasses import dataclass``). A project's own ``deprecated`` or ``cache``, a
    name bound by a star import or an assignment, may register what it decorates."""
    if isinstance(decorator, ast.Call):
        name = dotted_name(decorator.func)
        if any(_calls(argument) for argument in (*decorator.args, *(k.value for k in decorator.keywords))):
            return False
    else:
        name = dotted_name(decorator)
    return name is not None and name.rpartition(".")[2] in _PURE_DECORATORS and name.partition(".")[0] in pure


def _signature_calls(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a def's defaults or annotations call anything: both run when the def does (the
    annotations unless ``from __future__ import annotations``; read as if they ran)."""
    arguments = node.args
    annotated = [a.annotation for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg) if a is not None]
    return any(_calls(part) for part in (*arguments.defaults, *arguments.kw_defaults, *annotated, node.returns))


# What a dunder's value may call and still only build it: HA's `__getattr__ = partial(...)`,
# `__all__ = sorted(globals())`; warnings and deprecation helpers are quiet anywhere.
_DUNDER_CALLS = frozenset(("partial", "globals", "dir", "sorted", "list", "tuple", "set", "frozenset"))


def _dunder_value_effects(value: ast.expr) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            last = (dotted_name(node.func) or "").rpartition(".")[2]
            # HA's `__all__ = all_with_deprecated_constants(globals())`: helpers that build the dunder.
            if not (_quiet_call(last) or last in _DUNDER_CALLS or "deprecated_constant" in last):
                return True
    return False


_BUILT = (ast.Call, ast.List, ast.Dict, ast.Set, ast.Subscript, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def _builds(value: ast.expr) -> bool:
    """Whether a value may run code: it holds a call, a display or a subscript, or is ``...``,
    which is what the outline leaves of such a value (``analysis.outline``), so that the
    outline's summary and the whole tree's agree."""
    if isinstance(value, ast.Constant) and value.value is Ellipsis:
        return True
    return any(isinstance(node, _BUILT) for node in ast.walk(value))


def _calls(node: ast.AST | None) -> bool:
    """Whether an expression holds a call (not in a lambda's body, which runs only when called)."""
    pending = [node] if node is not None else []
    while pending:
        part = pending.pop()
        if isinstance(part, ast.Call):
            return True
        pending += (child for child in ast.iter_child_nodes(part) if not isinstance(child, ast.Lambda))
    return False


def _reads_object(node: ast.AST | None, objects: Collection[str]) -> bool:
    """Whether an expression reads an attribute of a name in ``objects`` (bound by ``from m
    import n``: maybe an object whose attribute runs code, as Django's lazy ``settings`` does
    on its first read), not in a lambda's body. Through a module bound by ``import m``, a def or
    a class, an attribute read is taken to run nothing."""
    pending = [node] if node is not None and objects else []
    while pending:
        part = pending.pop()
        if isinstance(part, ast.Attribute):
            root = part.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in objects:
                return True
        pending += (child for child in ast.iter_child_nodes(part) if not isinstance(child, ast.Lambda))
    return False


# The expressions a block's header evaluates when the module runs it (its blocks are walked as
# statements of their own).
_HEADERS: dict[type, tuple[str, ...]] = {ast.If: ("test",), ast.While: ("test",), ast.For: ("iter", "target"), ast.AsyncFor: ("iter", "target")}
_HEADERS |= {ast.Match: ("subject",)}
# Context managers that only catch exceptions or save warning filters (a shim's `with suppress(ImportError):`).
_QUIET_CONTEXTS = frozenset(("suppress", "catch_warnings"))


def _header_effects(node: ast.AST, objects: Collection[str]) -> bool:
    """Whether a block's header, or an ``assert``, calls anything or stores into an attribute or
    item (``for REGISTRY[name] in ...``); a ``with`` runs its context manager's code unless it
    is one that only catches exceptions or saves warning filters."""
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return not all(
            isinstance(item.context_expr, ast.Call)
            and (dotted_name(item.context_expr.func) or "").rpartition(".")[2] in _QUIET_CONTEXTS
            and item.optional_vars is None
            for item in node.items
        )
    fields = _HEADERS.get(type(node), ())
    return any(_calls(getattr(node, field)) or _reads_object(getattr(node, field), objects) for field in fields) or (
        isinstance(node, (ast.For, ast.AsyncFor)) and any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in ast.walk(node.target))
    )


# Calls a class body makes that only build the class (a dataclass's fields).
_QUIET_CLASS_CALLS = frozenset(("field", "Field"))


def _class_body_effects(body: list[ast.stmt], pure: Collection[str], objects: Collection[str]) -> bool:
    """Whether running a class body (of a class without bases: with one, ``has_effects`` says
    yes already) does more than bind the class's own attributes: a call (but a warning or a
    dataclass ``field``) in a statement, a default or a decorator; a store into an attribute or
    an item; anything but definitions, assignments, imports and docstrings."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue  # what an import runs is the import graph's to say
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not all(_pure_decorator(d, pure) for d in statement.decorator_list) or _signature_calls(statement):
                return True
        elif isinstance(statement, ast.ClassDef):
            if has_effects(statement, pure, objects):
                return True
        elif isinstance(statement, ast.Expr):
            said = statement.value
            if not isinstance(said, ast.Constant) and not (isinstance(said, ast.Call) and _quiet_call(dotted_name(said.func))):
                return True
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            value = statement.value
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for target in targets for t in ast.walk(target)):
                return True
            if isinstance(statement, ast.AnnAssign) and _calls(statement.annotation):
                return True
            if isinstance(value, ast.Call) and (dotted_name(value.func) or "").rpartition(".")[2] in _QUIET_CLASS_CALLS:
                value = ast.Tuple([*value.args, *(k.value for k in value.keywords)])  # its arguments may still call
            if _calls(value) or _reads_object(value, objects):
                return True
        else:
            return True  # a block, a raise, an augmented assignment...: may run anything
    return False


def has_effects(node: ast.AST, pure: Collection[str] = BUILTIN_DECORATORS, objects: Collection[str] = ()) -> bool:
    """Whether a module-level statement (for a block, only its header: its children are walked
    on their own) does more than bind names of its own module (see ``ModuleSummary.effects``):
    a call that is no warning, an assignment to an attribute or item, an augmented assignment
    (``REGISTRY += [X]`` may change an imported list in place), a value built by a call or a
    display (but a dunder's, such as ``__all__``, unless it calls more than ``partial``,
    ``sorted`` and the like), a call in an annotation, a default or a decorator's arguments, a
    decorator that may register what it decorates, a class with a base or a metaclass
    (``__init_subclass__`` may register it) or whose body calls anything, a call in a block's
    header, a ``with``. ``pure``: the names through which a decorator named like a pure one is
    one (see ``_pure_decorator``); through any other it may register. ``objects``: the names
    bound by ``from m import n``, whose attribute read in a value or a header may run code
    (``DEBUG = settings.DEBUG`` of a lazy settings object: see ``_reads_object``)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if not all(_pure_decorator(d, pure) for d in node.decorator_list):
            return True
        if isinstance(node, ast.ClassDef):
            # A base class's __init_subclass__ or metaclass may register the class.
            return bool(node.bases or node.keywords) or _class_body_effects(node.body, pure, objects)
        return _signature_calls(node)
    if isinstance(node, (ast.Raise, ast.Assert)):
        return True  # importing the module fails, or fails on some path
    if isinstance(node, ast.AugAssign):
        return not (isinstance(node.target, ast.Name) and node.target.id.startswith("__") and node.target.id.endswith("__"))
    if type(node) in _HEADERS or isinstance(node, (ast.With, ast.AsyncWith)):
        return _header_effects(node, objects)
    if isinstance(node, ast.Expr):
        value = node.value
        if isinstance(value, ast.Constant):
            return False  # a docstring, or a string standing alone
        return not (isinstance(value, ast.Call) and _quiet_call(dotted_name(value.func)))
    if isinstance(node, ast.AnnAssign) and _calls(node.annotation):
        return True  # a module-level annotation runs (into __annotations__)
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _builds(node.value):
        bound = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not all(isinstance(t, ast.Name) and t.id.startswith("__") and t.id.endswith("__") for t in bound):
            return True
        if _dunder_value_effects(node.value):
            return True  # `__version__ = register(...)`: a dunder's value, but it calls
    if objects and isinstance(node, (ast.Assign, ast.AnnAssign)) and not isinstance(node.value, (ast.Constant, ast.Name)):
        if _reads_object(node.value, objects):
            return True  # `DEBUG = settings.DEBUG`: a lazy object's attribute may run code
    targets: list[ast.expr] = []
    if isinstance(node, (ast.Assign, ast.Delete)):
        targets = list(node.targets)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    while targets:
        target = targets.pop()
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            return True
        if isinstance(target, (ast.Tuple, ast.List)):
            targets += target.elts
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
    return False


def may_be_left_out(node: ast.AST) -> TypeGuard[ast.ClassDef]:
    """Whether a module-level statement is a top-level class whose body may be the outline's
    ``...`` (``analysis.outline`` leaves out the bodies of top-level classes)."""
    if not (isinstance(node, ast.ClassDef) and node.col_offset == 0 and len(node.body) == 1):
        return False
    only = node.body[0]
    return isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant) and only.value.value is Ellipsis


def first_class_with_effects(
    classes: Sequence[tuple[ast.ClassDef, Collection[str], Collection[str]]], body: list[ast.stmt], text: str, line_starts: list[int], more: Sequence[int] = ()
) -> int:
    """The first line of the first of ``classes`` (top-level classes of the module ``body``,
    whose body the outline may have left out) whose body, read from ``text``, has effects; 0
    when none has (each with the ``pure`` and ``objects`` names as they stood before it: see
    ``has_effects``). A class's
    text runs up to the next top-level statement; a class that does not parse alone counts as
    having them. ``more``: the first lines of top-level statements not in ``body`` (the imports
    the outline left out)."""
    starts = sorted([*(first_line(statement) for statement in body), *more])
    for node, pure, objects in classes:
        first = first_line(node)
        following = bisect_right(starts, first)
        end = line_starts[starts[following] - 1] if following < len(starts) else len(text)
        try:
            tree = cpython_parse(text[line_starts[first - 1] : end])
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return first
        if not tree.body or has_effects(tree.body[0], pure, objects):
            return first
    return 0
