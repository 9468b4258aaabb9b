"""unresolved-import: imports of project names and modules that do not exist.

The project is the set of modules in the rule's scope (module names from ``src`` roots or
``__init__.py`` chains); imports whose top-level package is not one of the project's (the
standard library, third-party packages) are out of scope. A loose module named like a
standard-library one (``scripts/queue.py``) does not make ``import queue`` a project import. Relative imports are resolved against
the importing module. Every import is checked, including those in functions, ``try`` blocks and
``if TYPE_CHECKING``.

- ``from pkg.mod import Name``: a finding at ``Name`` when ``pkg.mod`` is a project module and
  ``Name`` is none of: defined at module level there (classes, functions, assignments, ``for`` /
  ``with`` targets, ``global`` declarations; conditional definitions under ``try/except
  ImportError`` or ``if TYPE_CHECKING`` count), bound by an import there (so ``__init__.py``
  re-export chains resolve; each link is checked where it is written), listed in its ``__all__``,
  exported by a star import there (followed transitively, honouring the source's ``__all__``),
  or a submodule ``pkg.mod.Name`` (a file or a namespace directory). ``from . import x`` in a
  package's own ``__init__.py`` is the same question about ``pkg.x``.
- ``import pkg.missing`` / ``from pkg.missing import x``: a finding at the module when it does not
  exist. A module is only called missing when its parent is known (see ``module_index``): on a
  partial run a module may exist without having been scanned.

Unknown territory resolves, never guessed: a module-level ``__getattr__`` (PEP 562) makes every
name importable from that module; so do a star import from outside the project, a dynamically
built ``__all__`` in a star source, and a file that could not be parsed. Names bound by
``globals()`` or ``setattr`` are not seen. A relative import climbing above the top-level package
is not reported. The rule sees the files in its scope only: give it the whole project (and, in
pre-commit, ``pass_filenames: false``), or modules outside the scope are treated as not scanned.

Message fields: ``{problem}``, ``{module}`` (imported from, or the missing module), ``{name}``
(the imported name, empty for a missing module), ``{imported}`` (the full dotted name).
"""

from __future__ import annotations

from typing import Any

from ssot_lint.kinds.base import Example, FileContext, Rule
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_summary import ImportFact, Span, summarise


class UnresolvedImport(Rule):
    kind = "unresolved-import"
    summary = "Imports of project modules that do not exist, or of names a project module does not define."
    category = "Bug Risk"
    options = {}
    message_fields = ("problem", "module", "name", "imported")
    default_message = "unresolved import: {problem}"
    sees_unparsed = True
    VALID = [
        Example(
            {
                "pkg/__init__.py": "from .mod import Name\n__all__ = ['Name', 'late']\n",
                "pkg/mod.py": "class Name: ...\n",
                "app.py": "from pkg import Name, mod, late\nfrom pkg.mod import Name as N\nimport pkg.mod\nimport os.nothing\nfrom json import nothing\n",
            },
            0,
        ),
        Example({"pkg/__init__.py": "from .a import *\n", "pkg/a.py": "from .b import *\n", "pkg/b.py": "X = 1\n", "app.py": "from pkg import X\n"}, 0),
        Example(
            {
                "pkg/__init__.py": "",
                "pkg/compat.py": "try:\n    from ujson import loads\nexcept ImportError:\n    def loads(s): ...\nif TYPE_CHECKING:\n    from typing import Protocol\n",
                "app.py": "from pkg.compat import loads, Protocol\n",
            },
            0,
        ),
        Example({"pkg/__init__.py": "def __getattr__(name): ...\n", "app.py": "from pkg import anything\n"}, 0),
        Example({"pkg/__init__.py": "from . import sub\n", "pkg/sub.py": ""}, 0),
    ]
    INVALID = [
        Example(
            {
                "pkg/__init__.py": "",
                "pkg/limiter.py": "class RateLimiter: ...\n",
                "test_limiter.py": "from pkg.limiter import RateLimiter, RateLimitExceeded\n",
            },
            1,
            (1,),
        ),
        Example({"pkg/__init__.py": "", "app.py": "import pkg.missing\nfrom pkg.gone import x, y\n"}, 2, (1, 2)),
        Example({"pkg/__init__.py": "", "pkg/a.py": "def f():\n    from .b import thing\n", "pkg/b.py": "other = 1\n"}, 1, (2,)),
        Example({"pkg/__init__.py": "from .a import *\n", "pkg/a.py": "__all__ = ['X']\nX = 1\nY = 2\n", "app.py": "from pkg import X, Y\n"}, 1, (1,)),
        Example({"pkg/__init__.py": "from . import sub\n"}, 1, (1,)),
    ]

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        return [], summarise(ctx)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        index = ModuleIndex(facts)
        findings: list[Finding] = []
        for ref, summary in sorted(facts, key=lambda f: f[0].path):
            if summary is None:
                continue
            seen: set[tuple[Span, str]] = set()
            for fact in summary.imports:
                problem = self.judge(index, fact)
                if problem is None:
                    continue
                span, text, module, name, anchor = problem
                if (span, anchor) in seen:  # one finding per missing module per statement
                    continue
                seen.add((span, anchor))
                imported = f"{module}.{name}" if name else module
                message = self.format(problem=text, module=module, name=name, imported=imported)
                findings.append(Finding(self.id, *span, message, self.severity, ref.path, anchor, fact.statement[0]))
        return findings, None, {"modules": len(index.entries)}

    @staticmethod
    def judge(index: ModuleIndex, fact: ImportFact) -> tuple[Span, str, str, str, str] | None:
        """(where, problem, module, name, anchor) when the import cannot resolve."""
        module = fact.module
        if module is None or not index.in_project(module):
            return None
        missing = index.missing_module(module)
        if missing is not None:
            span = fact.span if fact.name is None else fact.module_span
            return span, f"no module named {missing}", missing, "", missing
        if fact.name is None or fact.star or not index.exists(module):
            return None
        name = fact.name
        if module in index.entries:
            if index.resolves(module, name):
                return None
            return fact.span, f"{name} is not defined in {module}", module, name, f"{module}:{name}"
        # A namespace package has no code: only its submodules can be imported from it.
        if index.exists(f"{module}.{name}") or not index.knows_children_of(module):
            return None
        return fact.span, f"no module named {module}.{name} (namespace package {module} has no such submodule)", module, name, f"{module}:{name}"
