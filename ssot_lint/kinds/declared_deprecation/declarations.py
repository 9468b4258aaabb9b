"""The deprecations one module declares, read from CPython's ``ast`` (the per-file half of
``declared-deprecation``; pure, so cached with the file's result).

Read at module level (outside def and class bodies; module-level ``if`` / ``try`` / ``with``
included):

- a ``warnings.warn(...)`` call (``warn`` imported from ``warnings``, any alias) whose category
  may be a deprecation: the module is deprecated (not in an ``except`` handler: a warning there
  says an import fallback is deprecated, not the module; under a condition that can be false at
  import, only when its text names the module, else it is recorded with the ``condition``, which
  declares nothing: ``conditional``);
- a def or class decorated with a deprecation decorator (``warnings.deprecated``,
  ``typing_extensions.deprecated``, the ``deprecated`` package's, or the rule's ``decorators``),
  except a def that deprecates one signature of its name: an ``@overload`` while another overload
  is not deprecated (NumPy's stubs deprecate ``reshape``'s ``newshape=`` keyword so), or a def
  beside same-name defs that are not deprecated (one per Python version). That deprecates a
  parameter, which declares nothing; on the implementation of overloads, it is the function's;
- a def whose first statements (after its docstring, before any compound statement) warn, or a
  class whose ``__init__`` / ``__new__`` / ``__init_subclass__`` does;
- a module-level ``__getattr__`` (PEP 562) that warns under ``if name == "X"`` /
  ``if name in ("X", ...)`` / ``if name in MOVED`` (a module-level dict or tuple literal), or
  after a guard that turns every other name away (``if name not in MOVED: raise ...``; read in
  ``getattr_hooks``), or that forwards every name to another module and warns (``forward``:
  NumPy's ``numpy.core`` shims; with the names the module binds through ``globals()``, or why
  they cannot be enumerated, ``namespace``);
- a def named for warning (``_deprecation_warning``) that warns anywhere in its body: a helper;
- every module-level class with bases, as qualified names: whether a project class is a
  deprecation category is decided project-wide, where its bases can be followed across files.

A category is recorded as the qualified dotted name it refers to through the file's imports
(``DeprecationWarning`` for the built-in); which categories count is decided in aggregation, with
what each class's name and docstring say (``wording``: a ``FutureWarning`` subclass must say it).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ssot_lint.analysis.imports import binding, dotted_name, qualify
from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.declared_deprecation.conditional import conditions, in_handlers, names_module
from ssot_lint.kinds.declared_deprecation.decorator_text import decorator_arguments, no_text
from ssot_lint.kinds.declared_deprecation.getattr_hooks import GetattrHooks
from ssot_lint.kinds.declared_deprecation.namespace import module_names
from ssot_lint.kinds.declared_deprecation.relays import HELPER_NAME, Relay, read_relays
from ssot_lint.kinds.declared_deprecation.signatures import deprecated_signatures
from ssot_lint.kinds.declared_deprecation.texts import clip, message_text
from ssot_lint.kinds.declared_deprecation.wording import class_says
from ssot_lint.model import cache_value
from ssot_lint.project.module_summary import ModuleSummary

__all__ = ["BUILTIN_CATEGORIES", "DECORATORS", "ClassBases", "Declaration", "may_declare", "message_text", "module_bindings", "read_declarations"]

BUILTIN_CATEGORIES = frozenset({"DeprecationWarning", "PendingDeprecationWarning", "FutureWarning"})
# Not a deprecation category by definition: a declaration with it counts when its words say so (``wording``).
FUTURE_WARNING = "FutureWarning"
# Built-in warning categories that are not deprecations: a warn with one of them declares nothing.
OTHER_BUILTIN_WARNINGS = frozenset(
    {"Warning", "UserWarning", "RuntimeWarning", "SyntaxWarning", "ImportWarning", "UnicodeWarning", "BytesWarning", "ResourceWarning", "EncodingWarning"}
)
DECORATORS = frozenset(
    {"warnings.deprecated", "typing_extensions.deprecated", "deprecated.deprecated", "deprecated.classic.deprecated", "deprecated.sphinx.deprecated"}
)
WARN_FUNCTIONS = frozenset({"warnings.warn", "warnings.warn_explicit"})
_WARNING_METHODS = ("__init__", "__new__", "__init_subclass__")
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)
_HELPER_NAME = HELPER_NAME
# A function named for warning (deprecate_call, _warn_removed, emit_deprecation,
# _deprecation_warning; matplotlib's _apply_theta_transforms_warn, which warns about a parameter):
# a helper. Not ``deprecated`` at the end, which may say the function itself is.
_HELPER_FUNCTION = re.compile(r"(?i)^_*(warn|deprecat)|(_warn|warning|deprecation)$")


@cache_value
@dataclass(frozen=True, slots=True)
class Declaration:
    """One declared deprecation. ``what``: ``module``, ``function``, ``class`` or ``name`` (a
    name a PEP 562 ``__getattr__`` warns for); ``name`` is None for the module. ``category``:
    the qualified category (``decorator:<as written>`` for a decorator, which declares whatever
    its category).
    ``how``: how it is declared, for messages. ``replacement``: a dotted name the code passes
    (a ``__getattr__`` table's, given to a warning helper), else "" (the text names it)."""

    what: str  # or ``helper``: a function that warns with the message it is given; or ``forward``
    name: str | None
    text: str
    line: int
    category: str
    how: str
    replacement: str = ""
    # A ``forward`` (a ``__getattr__`` forwarding every name it does not define to the module
    # ``replacement``): the names it defines that the summary does not read (``globals()[...]``
    # stores) and those the hook turns away before warning; or why the module's names cannot be
    # enumerated (``unread``: it then declares nothing).
    spared: tuple[str, ...] = ()
    unread: str = ""
    # A module's: the condition that can be false at import its warning runs under, when its
    # text does not name the module (``conditional``): a warning about something else (pandas's
    # data_manager option), which declares nothing (``not_deprecations`` says why).
    condition: str = ""


@cache_value
@dataclass(frozen=True, slots=True)
class ClassBases:
    """A module-level class and its bases as qualified dotted names; ``says``: what its name and
    docstring say (``wording.class_says``: a ``FutureWarning`` subclass may say deprecation)."""

    name: str
    bases: tuple[str, ...]
    says: str = ""


def may_declare(text: str, decorators: frozenset[str] = DECORATORS) -> bool:
    """Whether ``text`` may hold a declaration (a superset: a warn call spells ``warn``, a
    decorator its own last name)."""
    return "warn" in text or "Warn" in text or "eprecat" in text or any(d.rsplit(".", 1)[-1] in text for d in decorators)


def read_declarations(
    tree: ast.Module, module: str, bound: dict[str, str], declares: bool, decorators: frozenset[str] = DECORATORS
) -> tuple[tuple[Declaration, ...], tuple[ClassBases, ...], tuple[Relay, ...]]:
    """The declarations, module-level classes (with bases) and warning relays (``relays``) of
    one parsed module; ``bound``: local name -> the dotted name an import binds it to. Classes
    are read in every module; declarations and relays only when ``declares`` (the text may hold
    one: ``may_declare``)."""
    reader = _Reader(module, bound, decorators)
    reader.run(tree.body, declares)
    return tuple(reader.declarations), tuple(reader.classes), tuple(reader.relays)


def module_bindings(summary: ModuleSummary) -> dict[str, str]:
    """``imports.bindings`` for the module-level imports of a summary: ``import a.b`` binds ``a``."""
    return {
        fact.bound: binding(fact.bound, fact.module, fact.name)
        for fact in summary.imports
        if fact.bound is not None and fact.module is not None and not fact.star
    }


class _Reader(GetattrHooks):
    def __init__(self, module: str, bound: dict[str, str], decorators: frozenset[str]) -> None:
        self.module = module
        self.bound = bound
        self.decorators = decorators
        self.decorator_names = {d.rsplit(".", 1)[-1] for d in decorators}
        self.declarations: list[Declaration] = []
        self.classes: list[ClassBases] = []
        self.local_classes: set[str] = set()
        self.local_functions: set[str] = set()
        self.relays: list[Relay] = []
        self.literals: dict[str, ast.expr] = {}  # module-level NAME = <literal>, for __getattr__ tables
        self.signatures: set[int] = set()  # ids of the defs whose decorator deprecates one signature only
        self.body: list[ast.stmt] = []
        self.conditions: dict[int, str] = {}  # ids of module-level statements that may not run at import -> why

    # -- names ------------------------------------------------------------------------------
    def qualified(self, node: ast.expr) -> str | None:
        """The absolute dotted name ``node`` refers to: through an import, a class of this
        module, or as written (a built-in)."""
        found = qualify(node, self.bound)
        if found is not None:
            return found
        written = dotted_name(node)
        if written is None:
            return None
        if written.split(".")[0] in self.local_classes or written in self.local_functions:
            return f"{self.module}.{written}"
        return written.removeprefix("builtins.").removeprefix("exceptions.")

    def is_warn(self, call: ast.Call) -> bool:
        return self.qualified(call.func) in WARN_FUNCTIONS

    def may_warn(self, call: ast.Call) -> bool:
        """A warn call, or a call that may be of a project warning helper: its name says
        ``warn`` or ``deprecat`` and it passes a literal message (judged in aggregation)."""
        if self.is_warn(call):
            return True
        if not self.names_helper(call):
            return False
        first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("message", "msg", "reason")), None)
        return message_text(first) is not None

    def names_helper(self, call: ast.Call) -> bool:
        """Whether the call's name says ``warn`` or ``deprecat`` (through an import alias: ``ldw``
        is lib.lib_deprecation_warning): it may be of a project warning helper."""
        name = self.qualified(call.func)
        return name is not None and bool(_HELPER_NAME.search(name.rsplit(".", 1)[-1]))

    def declare_name(self, name: str, text: str, line: int, category: str, replacement: str) -> None:
        self.declarations.append(Declaration("name", name, text, line, category, "warns in __getattr__", replacement))

    def declare_forward(self, new: str, text: str, line: int, category: str, refused: tuple[str, ...]) -> None:
        defined, unread = module_names(self.body)
        how = f"forwarded by __getattr__ to {new}"
        self.declarations.append(Declaration("forward", None, text, line, category, how, new, (*defined, *refused), unread))

    def category(self, call: ast.Call, env: dict[str, ast.expr] | None = None) -> str | None:
        """The qualified category of a warn call when it may be a deprecation (None: it is not:
        the default UserWarning, another built-in category, or an expression we cannot name).
        A helper call (``helper:<qualified name>``) is judged in aggregation."""
        if not self.is_warn(call):
            helper = self.qualified(call.func)
            return f"helper:{helper}" if helper is not None else None
        node: ast.expr | None = call.args[1] if len(call.args) > 1 else None
        for keyword in call.keywords:
            if keyword.arg == "category":
                node = keyword.value
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Name) and env and first.id in env:
            first = env[first.id]  # w = Category("text"); warn(w)
        if node is None and isinstance(first, ast.Call):
            node = first.func  # warn(DeprecationWarning("text")): the instance's class
        if isinstance(node, ast.Name) and env and isinstance(env.get(node.id), (ast.Name, ast.Attribute)):
            node = env[node.id]  # warning_class = RemovedInV9Warning; warn(message, warning_class)
        if node is None:
            return None
        name = self.qualified(node)
        if name is None or name in OTHER_BUILTIN_WARNINGS:
            return None
        return name

    def message_node(self, call: ast.Call, env: dict[str, ast.expr] | None = None) -> ast.expr | None:
        message: ast.expr | None = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg == "message":
                message = keyword.value
        if isinstance(message, ast.Name) and env and isinstance(env.get(message.id), ast.Call):
            message = env[message.id]  # w = Category("text"); warn(w)
        return message

    def warn_text(self, call: ast.Call, env: dict[str, ast.expr] | None = None, subst: dict[str, str] | None = None) -> str:
        message = self.message_node(call, env)
        if isinstance(message, ast.Call) and self.qualified(message.func) not in (None, "str"):
            message = message.args[0] if message.args else None  # warn(Category("text"))
        text = message_text(message, env, subst)
        return clip(text) if text else "(no literal message)"

    # -- the walk ---------------------------------------------------------------------------
    def run(self, body: list[ast.stmt], declares: bool) -> None:
        self.body = body
        module_level = [node for node, _ in statements(body, into_definitions=False)]
        fallbacks = in_handlers(body)
        self.conditions = conditions(body)
        if not declares:
            for node in module_level:
                if isinstance(node, ast.ClassDef):
                    self.local_classes.add(node.name)
            for node in module_level:
                if isinstance(node, ast.ClassDef):
                    self.record_bases(node)
            return
        for node in module_level:
            if isinstance(node, ast.ClassDef):
                self.local_classes.add(node.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.local_functions.add(node.name)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.literals[node.targets[0].id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.literals[node.target.id] = node.value  # Sphinx: _DEPRECATED_OBJECTS: dict[...] = {...}
        self.signatures = self._signatures([n for n in module_level if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))])
        for node in module_level:
            if isinstance(node, ast.ClassDef):
                self.class_def(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.function_def(node)
                if _HELPER_NAME.search(node.name):
                    self.relays.extend(read_relays(node, self.qualified))
            elif id(node) not in fallbacks:
                self.module_statement(node)

    def module_statement(self, node: ast.stmt) -> None:
        """Warn calls in a module-level statement's own expressions (nested blocks come as
        statements of their own; lambdas do not run at import)."""
        pending = [child for child in ast.iter_child_nodes(node) if not isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case))]
        while pending:
            child = pending.pop()
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, ast.Call) and self.may_warn(child):
                category = self.category(child)
                if category is not None:
                    text = self.warn_text(child)
                    condition = self.conditions.get(id(node), "")
                    if condition and names_module(text, self.module):
                        condition = ""  # "pkg.old is deprecated" under ``if not QUIET``: the module's
                    self.declarations.append(Declaration("module", None, text, child.lineno, category, "warns at import", condition=condition))
            pending.extend(ast.iter_child_nodes(child))

    def deprecation_decorator(self, decorator: ast.expr) -> str | None:
        """The qualified name of ``decorator`` when it is (or is named like) a deprecation decorator."""
        name = self.qualified(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if name is None or (name not in self.decorators and name.rsplit(".", 1)[-1] not in self.decorator_names):
            return None
        return name

    def decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, what: str) -> bool:
        """Whether a deprecation decorator marks ``node`` (as written: its declaration is recorded).
        A decorator only named like one (``util.moved_20`` for ``pkg.util.deprecations.moved_20``)
        is recorded as a candidate, ``decorator:<as written>``, that aggregation keeps when the
        name leads, through re-exports, to where a listed decorator is defined."""
        for decorator in node.decorator_list:
            name = self.deprecation_decorator(decorator)
            if name is None:
                continue
            text, replacement, pending = decorator_arguments(decorator, self.literals) if isinstance(decorator, ast.Call) else ("", "", False)
            shown = f"@{name.rsplit('.', 1)[-1]}" + (" (pending)" if pending else "")
            declaration = Declaration(
                what, node.name, clip(text) if text else no_text(decorator, self.literals), node.lineno, f"decorator:{name}", shown, replacement
            )
            self.declarations.append(declaration)
            if name in self.decorators:
                return True
        return False

    def _signatures(self, defs: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> set[int]:
        return deprecated_signatures(
            defs,
            self.qualified,
            lambda node: any(self.deprecation_decorator(d) is not None for d in node.decorator_list),
        )

    def function_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if id(node) in self.signatures:
            return  # a deprecated signature (a parameter): nothing of the function is declared
        if self.decorated(node, "function"):
            return
        if node.name == "__getattr__":
            self.getattr_hook(node)
            return
        warned = self.unconditional_warn(node.body)
        if warned is None and _HELPER_FUNCTION.search(node.name):
            warned = self.warns_anywhere(node.body)  # Sphinx's _deprecation_warning picks its category first
        if warned is not None:
            call, category, env = warned
            message = self.message_node(call, env)
            if isinstance(message, ast.Call) and message.args:
                message = message.args[0]
            parameters = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
            if (isinstance(message, ast.Name) and message.id in parameters) or _HELPER_FUNCTION.search(node.name):
                # warns with the message it is given, or is named for warning (deprecate_call,
                # _warn_removed): a warning helper, whose calls declare, not a deprecated function
                self.declarations.append(Declaration("helper", node.name, "", call.lineno, category, "warning helper"))
                return
            self.declarations.append(Declaration("function", node.name, self.warn_text(call, env), call.lineno, category, "warns when called"))

    def record_bases(self, node: ast.ClassDef) -> None:
        bases = tuple(b for b in (self.qualified(base) for base in node.bases) if b is not None and b != "object")
        if bases:
            self.classes.append(ClassBases(node.name, bases, class_says(node.name, ast.get_docstring(node))))

    def class_def(self, node: ast.ClassDef) -> None:
        self.record_bases(node)
        if self.decorated(node, "class"):
            return
        for method in node.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name in _WARNING_METHODS:
                warned = self.unconditional_warn(method.body)
                if warned is not None:
                    call, category, env = warned
                    how = "warns when subclassed" if method.name == "__init_subclass__" else "warns when instantiated"
                    self.declarations.append(Declaration("class", node.name, self.warn_text(call, env), call.lineno, category, how))
                    return

    def unconditional_warn(self, body: list[ast.stmt]) -> tuple[ast.Call, str, dict[str, ast.expr]] | None:
        """The first deprecation warn among a body's leading simple statements (after the
        docstring, before the first compound statement or ``return`` / ``raise``)."""
        env: dict[str, ast.expr] = {}
        for statement in body:
            if isinstance(statement, _COMPOUND) or isinstance(statement, (ast.Return, ast.Raise)):
                return None
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
                env[statement.targets[0].id] = statement.value
            call = statement.value if isinstance(statement, ast.Expr) else None
            if isinstance(call, ast.Call) and self.may_warn(call):
                category = self.category(call, env)
                if category is not None:
                    return call, category, env
        return None

    def warns_anywhere(self, body: list[ast.stmt]) -> tuple[ast.Call, str, dict[str, ast.expr]] | None:
        """The first deprecation warn anywhere in a body (not in nested defs), names bound to
        their first assignment (``warning_class = RemovedInV9Warning`` in an ``if``)."""
        env: dict[str, ast.expr] = {}
        for statement, _ in statements(body, into_definitions=False):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
                env.setdefault(statement.targets[0].id, statement.value)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
                env.setdefault(statement.target.id, statement.value)
            if isinstance(statement, _COMPOUND):
                continue
            for call in (c for c in ast.walk(statement) if isinstance(c, ast.Call)):
                if self.is_warn(call):
                    category = self.category(call, env)
                    if category is not None:
                        return call, category, env
        return None
