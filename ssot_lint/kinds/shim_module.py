"""shim-module: modules that only re-export, and class aliases (``A = B``).

Two kinds of finding, each naming where the real thing lives:

- a **shim module**: its body holds nothing but imports, ``__all__``, simple aliases (``A = B``,
  ``A = m.B``), docstrings, ``pass``, ``del`` and ``warnings.warn(...)`` calls (also inside
  module-level ``if`` / ``try`` blocks), and it imports something. One finding per module, at its
  first statement after the docstring; the target is the list of modules it re-exports from
  (standard-library modules such as ``sys`` and ``warnings`` are left out of the list when
  there are others; ``__future__`` always is). A target that is itself a shim is followed to the
  modules it forwards to, through any number of shims (those in ``allow`` too), so a shim of a
  shim names the real module, not the next shim; shims that only forward to each other name the
  module they forward to. What the kind means to catch is a module left
  behind after a move that only forwards to the new place. So these are not shims:

  - an empty module (there is nothing to re-export);
  - by default, a package's ``__init__.py`` that re-exports from any of its own submodules: that
    is how a package declares its public API (a façade), even when it gathers names from other
    packages beside its own (``django.db.models`` re-exports ``django.core.exceptions``'
    ``ObjectDoesNotExist`` with its own fields; ``django.contrib.gis.forms`` star-imports
    ``django.forms`` beside its own). Set ``include-init`` to true to report those too; an
    ``__init__.py`` whose every re-export comes from outside its package is always a shim;
  - a public module that re-exports a private one (a ``_``-prefixed module or package anywhere
    in the target's dotted path, where the module's own path has none): a public façade by
    design, as ``pandas.testing`` re-exports ``pandas._testing`` and ``pandas.api.types``
    ``pandas._libs.lib``; the finding would advise importing the private module. A shim that
    forwards to such a façade names the façade; a private module forwarding to another is
    still a shim;
  - a module that forwards nothing: only plain ``import x`` statements (they bind ``x`` for the
    module's own use), or imports that do not resolve in the project or that the code expects to
    fail (a test fixture such as ``import DoesNotExist`` or ``from django.db import modelz``:
    ``unresolved-import`` is the kind that reports a broken import).
- a **class alias**: a statement ``A = B`` / ``A = m.B`` / ``A: T = B`` directly in a module body
  (not in an ``if`` / ``try``, where it is usually a compatibility fallback) whose right-hand side
  is a class defined in the project (followed through imports, re-exports and other aliases). One
  finding per alias, at the alias name. An alias inside a shim module is reported as well: both its
  importers and its module need to go. Aliases of classes from outside the project
  (``Space = libcst.BaseParenthesizableWhitespace``) are local abbreviations, not a second home
  of a project concept, and are not reported. Neither, by default, is a short name defined beside
  the class it abbreviates (``Eq = Equality``, ``Perm = Permutation`` in SymPy, ``D = Distance``
  in Django's ``measure.py``): a library's public short name, offered by design. Nor is a public
  alias of a private class (``Timer = _Timer``, ``Reader = pkg._impl.Reader``) in a public module:
  the public name of private code, which the finding would advise against. An abbreviation
  starts with the class name's letter, keeps its letters in order, and is not a run of its whole
  words: ``Manager = WebSocketManager`` and ``SparseMatrix = MutableSparseMatrix`` name a class
  by part of its name, as a rename leaves behind, and are reported; so is any alias in another
  module than the class (``WsManager = WebSocketManager`` elsewhere). ``abbreviations`` set to
  true reports the short names too. The aliases in a package's façade ``__init__.py`` (one that
  imports from its own submodules) name its public API (SymPy's ``Matrix = MutableDenseMatrix``
  in ``sympy/matrices/__init__.py``): reported only with ``include-init``.

A stub (``x.pyi``) beside its module's source (``x.py``, or ``pkg/__init__.py``) describes that
module: it is not reported (a stub alone, beside a compiled module, is the module and is).

``allow`` lists modules that are compatibility layers on purpose (exact names or shell-style
patterns like ``pkg.compat.*``): neither kind of finding is reported in them. ``aliases``
(default true) set to false reports shim modules only. As for every rule, ``paths`` / ``exclude`` choose the files checked;
aliases are followed only through files in scope.

Message fields: ``{what}`` (``module`` or ``alias``), ``{name}`` (the module or the alias),
``{target}`` (re-exported modules, or ``module:Class``), ``{module}`` (the module it is in).
"""

from __future__ import annotations

import sys
from fnmatch import fnmatchcase
from typing import Any

from ssot_lint.kinds.base import Example, FileContext, Option, Rule
from ssot_lint.kinds.text import abbreviates
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_paths import described_stubs
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.project.summary_walk import summarise


class ShimModule(Rule):
    kind = "shim-module"
    reads_outline = True  # summarise(ctx), for every file
    summary = "Modules that only re-export other modules' names, and class aliases A = B."
    category = "Duplication"
    options = {
        "allow": Option("str-list", "modules that are compatibility layers on purpose (names or patterns)", default=()),
        "include-init": Option(
            "bool", "also report __init__.py files that re-export their own submodules, and their aliases (a package's public API)", default=False
        ),
        "aliases": Option("bool", "report class aliases A = B", default=True),
        "abbreviations": Option("bool", "also report a short name defined beside the class it abbreviates (Eq = Equality)", default=False),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    allow: tuple[str, ...]
    include_init: bool
    aliases: bool
    abbreviations: bool
    message_fields = ("what", "name", "target", "module")
    default_message = "{what} {name} is a shim for {target}; use {target} directly"
    EXAMPLE_OPTIONS = {"allow": ["legacy.compat"]}
    sees_unparsed = True
    VALID = [
        Example({"pkg/__init__.py": '"""API."""\nfrom .core import Manager\n__all__ = ["Manager"]\n', "pkg/core.py": "class Manager: ...\n"}, 0),
        Example({"pkg/__init__.py": "", "pkg/empty.py": '"""Nothing here."""\n'}, 0),
        Example({"legacy/__init__.py": "", "legacy/compat.py": "from pkg.core import Manager\nOld = Manager\n", "pkg/core.py": "class Manager: ...\n"}, 0),
        Example({"m.py": "import os\n\ndef f(): ...\nhandler = f\nsep = os.sep\nclass A: ...\ntry:\n    from x import B\nexcept ImportError:\n    B = A\n"}, 0),
        # A façade: the package's API, from its own submodule and another package's.
        Example(
            {
                "gis/__init__.py": "",
                "gis/forms/__init__.py": "from forms import *\nfrom .fields import PointField\n",
                "gis/forms/fields.py": "class PointField: ...\n",
                "forms.py": "class Field: ...\n",
            },
            0,
        ),
        # The public way in to a private module: a façade by design, not a shim (pandas.testing).
        Example(
            {
                "pkg/__init__.py": "",
                "pkg/_testing.py": "def assert_equal(a, b): ...\n",
                "pkg/testing.py": '"""Public testing API."""\nfrom pkg._testing import assert_equal\n\n__all__ = ["assert_equal"]\n',
            },
            0,
        ),
        # The public names of private classes.
        Example(
            {
                "pkg/__init__.py": "",
                "pkg/_impl.py": "class Reader: ...\n",
                "pkg/timing.py": "from pkg._impl import Reader as _Reader\n\nclass _Timer: ...\n\nTimer = _Timer\nReader = _Reader\n",
            },
            0,
        ),
        # A library's short names for its own classes, defined beside them.
        Example({"relational.py": "class Equality: ...\nclass GreaterThan: ...\n\nEq = Equality\nGe = GreaterThan\n"}, 0),
        # Test fixtures that fail to import on purpose forward nothing.
        Example(
            {"fixtures/__init__.py": "", "fixtures/broken_tags.py": "import DoesNotExist  # noqa\n", "fixtures/broken_app.py": "from fixtures import modelz\n"},
            0,
        ),
    ]
    INVALID = [
        Example(
            {
                "ws/__init__.py": "",
                "ws/reconnection.py": "class ReconnectionManager: ...\n",
                "ws/reconnection_handler.py": '"""Compat."""\nfrom .reconnection import ReconnectionManager\n\nWebSocketReconnectionHandler = ReconnectionManager\n',
            },
            2,
            (2, 4),
        ),
        Example({"pkg/__init__.py": "from other.thing import Thing\n", "other/thing.py": "class Thing: ...\n"}, 1, (1,)),
        Example({"m.py": "class Manager: ...\n\nConnectionManager = Manager\n"}, 1, (3,)),
        # Part of the class's name (a rename's leftover), and an abbreviation in another module.
        Example(
            {
                "ws.py": "class WebSocketManager: ...\n\nManager = WebSocketManager\n",
                "compat.py": "from ws import WebSocketManager\n\nclass Local: ...\nWsManager = WebSocketManager\n",
            },
            2,
            (3, 4),
        ),
        # Left behind after a move: re-exports the new place, and `import sys` does not hide it.
        Example({"pkg/__init__.py": "", "pkg/old.py": "import sys\nfrom pkg.new import Thing\n", "pkg/new.py": "class Thing: ...\n"}, 1, (1,)),
    ]

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        return [], summarise(ctx)

    def module_summary(self, fact: Any) -> ModuleSummary | None:
        return fact

    def allowed(self, module: str) -> bool:
        return any(fnmatchcase(module, pattern) for pattern in self.allow)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        index = ModuleIndex.of(facts)
        findings: list[Finding] = []
        # A stub beside its module's source describes that module (the index reads what it
        # declares): it is no second shim, nor a second home of an alias.
        stubs = described_stubs(ref.path for ref, _ in facts)
        ordered = [(ref, summary) for ref, summary in sorted(facts, key=lambda f: f[0].path) if summary is not None and ref.path not in stubs]
        # A compatibility layer kept on purpose (`allow`) is not reported, but a chain passes through it.
        forwards = {ref.module: targets for ref, summary in ordered if (targets := self.shim_targets(index, ref, summary))}
        shims: dict[str, list[str]] = {}
        for ref, summary in ordered:
            if self.allowed(ref.module):
                continue
            if ref.module in forwards:
                targets = shims[ref.module] = self.chain_ends(forwards, ref.module)
                shown = ", ".join(targets)
                message = self.format(what="module", name=ref.module, target=shown, module=ref.module)
                line, col, end_line, end_col = summary.first_span
                findings.append(Finding(self.id, line, col, end_line, end_col, message, self.severity, ref.path, f"shim module {ref.module}", line))
            if not self.aliases or (ref.is_package and not self.include_init and self.facade(ref, summary)):
                continue  # a façade's aliases name its public API (SymPy's `Matrix = MutableDenseMatrix`)
            for alias in summary.aliases:
                target = self.alias_target(index, ref.module, alias.target)
                if target is None or (not self.abbreviations and self.short_name(ref.module, alias.name, target)):
                    continue
                if not private(ref.module) and not private(alias.name) and private_class(target):
                    continue  # the public name of private code (`Timer = _Timer`): its finding would advise the private one
                message = self.format(what="alias", name=alias.name, target=target, module=ref.module)
                line, col, end_line, end_col = alias.span
                findings.append(Finding(self.id, line, col, end_line, end_col, message, self.severity, ref.path, f"{alias.name} = {alias.target}", line))
        return findings, None, {"shim_modules": shims}

    def shim_targets(self, index: ModuleIndex, ref: FileRef, summary: ModuleSummary) -> list[str]:
        """The modules a re-export-only module forwards to; [] when it is not a shim."""
        if not summary.reexport_only:
            return []
        targets: set[str] = set()
        forwards = False  # whether anything is re-exported at all (not only `import sys`)
        for fact in summary.imports:
            if fact.module is None or fact.module == "__future__" or fact.expected_to_fail:
                continue
            found = index.imported(fact.module, fact.name, ref)
            if fact.name not in (None, "*") and found.in_project and not found.resolves:
                continue  # a broken import (unresolved-import reports it) re-exports nothing
            forwards = forwards or not (fact.name is None and fact.bound == fact.module.split(".")[0])  # `import a.b` binds `a` for own use
            submodule = f"{fact.module}.{fact.name}"
            targets.add(submodule if fact.name not in (None, "*") and index.exists(submodule) else fact.module)
        for alias in summary.aliases:
            qualified = index.qualify(ref.module, alias.target)
            if qualified is not None:
                forwards = True
                targets.add(index.file_module(qualified) or qualified.rpartition(".")[0] or qualified)
        targets.discard(ref.module)
        if not forwards:
            return []  # only `import x` statements: they bind x for the module's own use, re-export nothing
        # `import sys` for a version check, `import warnings` for a deprecation: not what is re-exported.
        project = {t for t in targets if t.split(".")[0] not in sys.stdlib_module_names}
        targets = project or targets
        own = ref.module + "."
        if ref.is_package and not self.include_init and any(t.startswith(own) for t in targets):
            return []  # a façade: the package's public API, gathered from its own submodules (and maybe others')
        if not private(ref.module) and any(private(t) for t in targets):
            return []  # the public way in to private code (review28a: "use pandas._testing directly")
        return sorted(targets)

    @staticmethod
    def chain_ends(forwards: dict[str, list[str]], module: str) -> list[str]:
        """Where the shim ``module`` forwards to, through other shims (``forwards``: each shim's
        own targets): the modules reached that are no shims. A shim of a shim names the real
        module, as ``alias_target`` follows aliases, not the next shim (whose own finding would
        move its users again). Shims that only forward to each other (a cycle, no end) keep
        their own targets."""
        reached, pending = {module}, list(forwards[module])
        while pending:
            target = pending.pop()
            if target not in reached:
                reached.add(target)
                pending.extend(forwards.get(target, ()))
        return sorted(t for t in reached if t not in forwards) or forwards[module]

    @staticmethod
    def facade(ref: FileRef, summary: ModuleSummary) -> bool:
        """Whether the package ``__init__`` ``ref`` gathers names from its own submodules."""
        own = ref.module + "."
        return any(f.module is not None and f.module.startswith(own) and not f.in_function for f in summary.imports)

    @staticmethod
    def short_name(module: str, alias: str, target: str) -> bool:
        """Whether ``alias``, in ``module``, is a short name for the class ``target``
        (``module:Class``) defined beside it."""
        defined_in, _, qualname = target.partition(":")
        return defined_in == module and abbreviates(alias, qualname.rsplit(".", 1)[-1])

    @staticmethod
    def alias_target(index: ModuleIndex, module: str, written: str) -> str | None:
        """``module:Class`` of the project class the alias stands for; None when it is none."""
        qualified = index.qualify(module, written)
        return index.class_definition(qualified) if qualified is not None else None


def private(module: str) -> bool:
    """Whether ``module`` is private by name: a part of its dotted path starts with ``_``
    (``pandas._libs.lib``), a dunder (``pkg.__main__``) aside."""
    return any(part.startswith("_") and not (part.startswith("__") and part.endswith("__")) for part in module.split("."))


def private_class(target: str) -> bool:
    """Whether the class ``target`` (``module:Qualified.Name``) is private by name: its module,
    or its name or a class it is nested in, starts with ``_``."""
    module, _, qualname = target.partition(":")
    return private(module) or private(qualname)
