"""unresolved-import: imports of project names and modules that do not exist.

The project is the set of modules in the rule's scope, named as the interpreter finds them (see
[module names](../project-wide.md#module-names)); imports whose top-level package is not one of
the project's (the standard library, third-party packages) are out of scope. A loose module named
like a standard-library one (``scripts/queue.py``) does not make ``import queue`` a project
import. Relative imports are resolved against the importing module. Every import is checked,
including those in functions, ``try`` blocks and ``if TYPE_CHECKING``, except imports the code
expects to fail: inside ``with pytest.raises(ImportError):`` (or ``ModuleNotFoundError``, a tuple
holding one, ``self.assertRaises`` / ``assertRaisesRegex`` / ``assertRaisesMessage``, ``contextlib.suppress``), or in a
``try`` whose ``except ImportError`` handler skips the test (``pytest.skip``, ``self.skipTest``,
``raise unittest.SkipTest``: ``pytest.importorskip`` by hand, which itself is a call, not an
import). In a ``try`` whose handlers catch ``ImportError`` (or ``ModuleNotFoundError``,
``Exception``, a bare ``except``) and fall back to other code, a missing *module* is not
reported (an optional module by design: a compiled speed-up, which has no ``.py`` to see, or a
``local_settings`` kept out of the repository), but a missing *name* in a module that exists is:
a fallback hiding a broken project import is what this rule is for.

- ``from pkg.mod import Name``: a finding at ``Name`` when ``pkg.mod`` is a project module and
  ``Name`` is none of: defined at module level there (classes, functions, assignments, ``for`` /
  ``with`` targets, ``global`` declarations; conditional definitions under ``try/except
  ImportError`` or ``if TYPE_CHECKING`` count), bound by an import there (so ``__init__.py``
  re-export chains resolve; each link is checked where it is written), exported by a star
  import there (followed transitively, honouring the source's ``__all__``), a submodule
  ``pkg.mod.Name`` (a file or a namespace directory), or stored into ``pkg.mod`` at module level
  by a package above it that the importer is outside of (``pkg/__init__.py``: ``from . import
  mod`` then ``mod.Name = ...``, as SQLAlchemy's ``dialects/sqlite/__init__.py`` does ``base.dialect
  = dialect = pysqlite.dialect``: Python runs the package first; an importer inside the package
  may run before the store, and is judged as if there were none). ``from . import x`` in a package's own
  ``__init__.py`` is the same question about ``pkg.x``.
- **Phantom exports**: a name listed in ``__all__`` but not defined is not importable (``from
  pkg import Name`` raises ImportError, ``from pkg import *`` AttributeError). It is reported at
  the imports that fail: at ``Name`` in ``from pkg import Name`` ("... is not defined in pkg (it
  is only listed in its ``__all__``)"), and at the ``*`` of ``from pkg import *`` (one finding
  naming every phantom). A phantom nobody imports is not reported: no import fails yet.
- ``import pkg.missing`` / ``from pkg.missing import x``: a finding at the module when it does not
  exist. A module is only called missing when its parent is known (see ``module_index``): a
  module outside the rule's ``paths`` may exist without having been scanned.
- **Module clashes**, once each, at line 1 of the file: a module no import can reach (a package
  wins over a same-named module beside it, which also hides any directory of that name; imports of
  its names resolve against the package), and a module name two places define (two copies of a
  package, a script and a package of one name ...): reported at the first place, listing all.

Unknown territory resolves, never guessed: a module-level ``__getattr__`` (PEP 562: defined,
assigned as in ``__getattr__ = partial(...)``, or imported) makes every name importable from that
module; so do a star import from outside the project, a dynamically
built ``__all__`` in a star source, a file that could not be parsed, and a **compiled extension
module**: a Cython source ``mod.pyx`` (compiled when the package is built; SQLAlchemy's
``cyextension``) or a built ``mod.so`` / ``mod.pyd`` with any ABI tag
(``mod.cpython-311-x86_64-linux-gnu.so``), inside the project where its ``mod.py`` would be in
scope. Such a module exists and every name imported from it resolves; its file is never read
(it is not Python source: no parse error, not counted as scanned), and a fix never counts a name
there as verified (unsafe). A ``.pxd`` is Cython's header for a ``.pyx`` or a ``.py``, not a
module. A stub ``mod.pyi`` with no ``mod.py`` is a module too, as a type checker finds it, and
its names are the ones the stub declares (what a type checker reports missing is reported here);
as it says nothing of what runs, a fix never counts a name there as verified either. Names bound by
``globals()`` or ``setattr`` are not seen. A relative import climbing above the top-level package
is not reported. The rule sees the files in its scope only (a run over some paths still gives it
every file of the project): give it the whole project, or modules outside its scope are treated
as not scanned.

``details``: ``modules`` (distinct module names), ``shadowed`` (paths of files no import
reaches), ``ambiguous`` (module -> the places defining it).

Message fields: ``{problem}``, ``{module}`` (imported from, or the missing module), ``{name}``
(the imported name, or the phantom names of a star import; empty for a missing module or a
clash), ``{imported}`` (the full dotted name).
"""

from __future__ import annotations

from typing import Any

from ssot_lint.analysis.source_lines import Span
from ssot_lint.kinds.base import Example, FileContext, Rule
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_paths import location
from ssot_lint.project.module_summary import ImportFact, ModuleSummary
from ssot_lint.project.shadowing import Clash
from ssot_lint.project.summary_walk import summarise


class UnresolvedImport(Rule):
    kind = "unresolved-import"
    reads_outline = True  # summarise(ctx), for every file
    summary = "Imports of project modules that do not exist, or of names a project module does not define."
    category = "Bug Risk"
    options = {}
    message_fields = ("problem", "module", "name", "imported")
    default_message = "unresolved import: {problem}"
    sees_unparsed = True
    VALID = [
        Example(
            {
                "pkg/__init__.py": "from .mod import Name\nlate = 1\n__all__ = ['Name', 'late', 'mod']\n",
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
        Example({"pkg/__init__.py": "", "pkg/speed.pyx": "cdef int f():\n    return 1\n", "app.py": "from pkg.speed import f\nimport pkg.speed\n"}, 0),
        Example({"pkg/__init__.py": "from . import sub\n", "pkg/sub.py": ""}, 0),
        Example({"pkg/__init__.py": "from . import base\n\nbase.dialect = object\n", "pkg/base.py": "", "app.py": "from pkg.base import dialect\n"}, 0),
        Example(
            {
                "pkg/__init__.py": "",
                "tests/test_gone.py": "import pytest\n\ndef test_gone():\n    with pytest.raises(ImportError):\n        from pkg import removed\n",
            },
            0,
        ),
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
        Example({"pkg/__init__.py": "__all__ = ['Ghost']\n", "app.py": "from pkg import Ghost\nfrom pkg import *\n"}, 2, (1, 2)),
        Example(
            {
                "core/__init__.py": "",
                "core/database.py": "class Engine: ...\n",
                "core/database/__init__.py": "from .pool import Pool\n",
                "core/database/pool.py": "class Pool: ...\n",
                "app.py": "from core.database import Engine, Pool\n",
            },
            2,
            (1, 1),
        ),
    ]

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        return [], summarise(ctx)

    def module_summary(self, fact: Any) -> ModuleSummary | None:
        return fact

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        index = ModuleIndex.of(facts)
        findings: list[Finding] = []
        imported = index.imported
        for ref, summary in sorted(facts, key=lambda f: f[0].path):
            if summary is None:
                continue
            seen: set[tuple[Span, str]] = set()
            for fact in summary.imports:
                module = fact.module
                if module is None or imported(module, fact.name, ref).fine:
                    continue  # what nearly every import is: asked once per (module, name)
                problem = self.judge(index, fact, ref)
                if problem is None:
                    continue
                span, text, module, name, anchor = problem
                if (span, anchor) in seen:  # one finding per missing module per statement
                    continue
                seen.add((span, anchor))
                findings.append(self.problem_finding(ref, span, text, module, name, anchor, fact.statement[0]))
        for clash in index.clashes:
            ref = clash.refs[0]
            findings.append(self.problem_finding(ref, (1, 1, 1, 1), self.clash_problem(clash), clash.module, "", f"{clash.kind} {clash.module}", 1))
        details = {
            "modules": len(index.entries) - len(index.aliases),
            "shadowed": sorted(index.shadowed),
            "ambiguous": {module: places for module, places in sorted(index.ambiguous.items())},
        }
        return findings, None, details

    def problem_finding(self, ref: FileRef, span: Span, text: str, module: str, name: str, anchor: str, stmt_line: int) -> Finding:
        imported = f"{module}.{name}" if name else module
        message = self.format(problem=text, module=module, name=name, imported=imported)
        return Finding(self.id, *span, message, self.severity, ref.path, anchor, stmt_line)

    @staticmethod
    def clash_problem(clash: Clash) -> str:
        shown = [ref.path for ref in clash.refs]
        if clash.kind == "ambiguous":
            return f"{len(shown)} places define module {clash.module} ({', '.join(shown)}): which one an import finds depends on sys.path"
        hidden, winner = clash.refs
        if winner.is_package:
            return f"{hidden.path} can never be imported: the package {winner.module} ({winner.path}) is found first"
        directory = location(hidden)[: len(location(winner)) + 1]
        return f"nothing in {directory} can be imported: {winner.module} is the module {winner.path}, not a package"

    @staticmethod
    def judge(index: ModuleIndex, fact: ImportFact, importer: FileRef | None = None) -> tuple[Span, str, str, str, str] | None:
        """(where, problem, module, name, anchor) when the import cannot resolve."""
        module = fact.module
        if module is None or fact.expected_to_fail:
            return None
        found = index.imported(module, fact.name, importer)
        if found.fine:
            return None
        missing = found.missing
        if missing is not None:
            if fact.guarded:
                return None  # an optional module by design (compiled, or left out of the repository)
            span = fact.span if fact.name is None else fact.module_span
            return span, f"no module named {missing}", missing, "", missing
        name = fact.name
        assert name is not None  # an import of the module itself is fine once it is not missing
        if found.has_file:
            if fact.star:
                phantoms = sorted({n for s in index.summaries(module, importer) if s is not None for n in index.phantom_exports(module, s)})
                if not phantoms:
                    return None
                shown = ", ".join(phantoms)
                return fact.span, f"{module}.__all__ lists {shown}, which {module} does not define", module, shown, f"{module}:*"
            if stored_by_package_above(index, module, name, importer):
                return None
            listed = any(s is not None and s.all_names is not None and name in s.all_names for s in index.summaries(module, importer))
            problem = f"{name} is not defined in {module}" + (" (it is only listed in its __all__)" if listed else "")
            return fact.span, problem, module, name, f"{module}:{name}"
        # A namespace package has no code: only its submodules can be imported from it.
        return fact.span, f"no module named {module}.{name} (namespace package {module} has no such submodule)", module, name, f"{module}:{name}"


def stored_by_package_above(index: ModuleIndex, module: str, name: str, importer: FileRef | None) -> bool:
    """Whether a package above ``module`` stores ``name`` into it at import
    (``ModuleSummary.stored_into``: SQLAlchemy's ``dialects/sqlite/__init__.py`` does
    ``base.dialect = dialect = pysqlite.dialect``). Python runs the package before an importer
    outside it can import ``module``; one inside it may run while the package is still being
    imported, before the store, so it is judged as before."""
    target = index.canonical(module)
    parts = module.split(".")
    for end in range(len(parts) - 1, 0, -1):
        package = ".".join(parts[:end])
        if importer is not None and importer.module.startswith(package + "."):
            continue
        for summary in index.summaries(package, importer):
            if summary is not None and any(stored == name and index.canonical(obj) == target for obj, stored in summary.stored_into):
                return True
    return False
